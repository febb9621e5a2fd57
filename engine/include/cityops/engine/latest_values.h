#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>

namespace cityops::engine {

//! Latest value of each sensor's primary metric (the Redis role, in memory). One lock-free slot per
//! sensor: the worker that owns a sensor writes it, any thread reads it. version() changes whenever
//! any slot changes, so a reader can skip a frame with nothing new.
class LatestValues {
public:
    //! Event time reported for a sensor that has not reported yet.
    static constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

    explicit LatestValues(std::uint32_t sensorCount);

    std::uint32_t size() const { return m_size; }
    //! NaN until the sensor has reported.
    double value(std::uint32_t sensorId) const;
    //! kNoTime until the sensor has reported. Value and time are separate atomics: a reader racing a
    //! store may pair a value with the neighbouring time.
    std::int64_t eventTimeMs(std::uint32_t sensorId) const;
    std::uint64_t version() const { return m_version.load(std::memory_order_acquire); }

    //! Writer side (the owning worker thread).
    void store(std::uint32_t sensorId, double value, std::int64_t eventTimeMs);
    //! Publishes the stores made since the last call (once per batch, not per event).
    void publish() { m_version.fetch_add(1, std::memory_order_release); }

private:
    std::uint32_t m_size;
    std::unique_ptr<std::atomic<double>[]> m_values;
    std::unique_ptr<std::atomic<std::int64_t>[]> m_times;
    std::atomic<std::uint64_t> m_version{0};
};

}  // namespace cityops::engine
