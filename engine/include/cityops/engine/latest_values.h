#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace cityops::engine {

//! Latest value of each sensor's primary metric (the Redis role, in memory). One lock-free slot per
//! sensor: the worker that owns a sensor writes it, any thread reads it. version() changes whenever
//! any slot changes, so a reader can skip a frame with nothing new.
//!
//! Change notification is coalesced per UI frame: store() only sets the sensor's bit in a dirty
//! bitset (one atomic OR, no lock, no allocation); the UI's frame timer calls tick(), which takes the
//! set of sensors changed since the previous tick and hands it to every subscriber in one call.
//!
//! Thread-safety: value(), eventTimeMs(), version() from any thread; store()/publish() from the
//! writer(s), each sensor written by one thread; subscribe()/unsubscribe() from any thread; tick()
//! from one thread at a time (the UI thread), which is where the callbacks run.
class LatestValues {
public:
    //! Event time reported for a sensor that has not reported yet.
    static constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
    //! Receives the ids of the sensors changed since the previous tick, ascending, each once. The
    //! span is valid during the call only.
    using ChangeCallback = std::function<void(std::span<const std::uint32_t> changedSensors)>;
    //! Identifies a subscription for unsubscribe(); never 0.
    using SubscriptionId = std::uint64_t;

    explicit LatestValues(std::uint32_t sensorCount);

    std::uint32_t size() const { return m_size; }
    //! NaN until the sensor has reported.
    double value(std::uint32_t sensorId) const;
    //! kNoTime until the sensor has reported. Value and time are separate atomics: a reader racing a
    //! store may pair a value with the neighbouring time.
    std::int64_t eventTimeMs(std::uint32_t sensorId) const;
    std::uint64_t version() const { return m_version.load(std::memory_order_acquire); }

    //! Writer side (the owning worker thread): stores the value and marks the sensor changed.
    void store(std::uint32_t sensorId, double value, std::int64_t eventTimeMs);
    //! Publishes the stores made since the last call (once per batch, not per event).
    void publish() { m_version.fetch_add(1, std::memory_order_release); }

    //! Registers a callback for tick(). May be called from a callback (it is then first called on the next tick).
    SubscriptionId subscribe(ChangeCallback callback);
    //! Removes a subscription; safe from inside a callback. Unknown ids are ignored.
    void unsubscribe(SubscriptionId id);
    //! The frame tick: collects the sensors stored since the previous tick and, if any, calls each
    //! subscriber once with them. Returns how many sensors changed. A store racing the tick is
    //! reported by this tick or the next one, never lost.
    std::size_t tick();

private:
    struct Subscriber {
        SubscriptionId id = 0;
        ChangeCallback callback;
    };

    std::uint32_t m_size;
    std::unique_ptr<std::atomic<double>[]> m_values;
    std::unique_ptr<std::atomic<std::int64_t>[]> m_times;
    std::unique_ptr<std::atomic<std::uint64_t>[]> m_dirty;  //!< one bit per sensor, set by store()
    std::atomic<std::uint64_t> m_version{0};

    std::recursive_mutex m_subscribersMutex;  //!< guards the members below; recursive for callbacks
    std::vector<Subscriber> m_subscribers;
    std::vector<std::uint32_t> m_changed;  //!< reused by tick(): no allocation in the steady state
    SubscriptionId m_nextId = 1;
    bool m_ticking = false;
};

}  // namespace cityops::engine
