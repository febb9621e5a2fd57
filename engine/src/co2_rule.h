#pragma once

#include <cstdint>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "flat_key_index.h"

namespace cityops::engine::detail {

//! The CO2 rule for the sensors one worker owns, evaluated in event-time order like Flink CEP:
//! exceeding readings wait in a min-heap until the watermark passes them, then each sensor's
//! readings feed its matcher in (time, seq, value) order, so arrival order never changes the result.
class Co2Rule {
public:
    Co2Rule(double thresholdPpm, int times, std::int64_t withinMs);

    //! False when the reading is older than what was already evaluated (too late for the rule).
    bool accepts(std::int64_t eventTimeMs) const { return eventTimeMs >= m_horizonMs; }
    //! Buffers an accepted CO2 reading; non-exceeding readings are ignored (relaxed contiguity).
    void add(const Reading& reading);
    //! Evaluates every buffered reading older than watermarkMs and appends the alerts raised.
    void advance(std::int64_t watermarkMs, std::vector<Alert>& out);

private:
    struct Pending {
        std::int64_t eventTimeMs;
        std::uint64_t seq;
        double value;
        std::uint32_t sensorId;
        std::uint16_t locationId;
    };
    struct Matched {
        std::int64_t eventTimeMs;
        double value;
    };
    //! The exceeding readings of one sensor since its last match, oldest first, in a ring of m_times.
    struct MatchState {
        std::uint32_t head = 0;
        std::uint32_t count = 0;
    };

    static bool later(const Pending& a, const Pending& b);
    void evaluate(const Pending& reading, std::vector<Alert>& out);

    double m_threshold;
    std::uint32_t m_times;
    std::int64_t m_withinMs;
    std::int64_t m_horizonMs;
    std::vector<Pending> m_heap;
    FlatKeyIndex m_stateIndex;
    std::vector<MatchState> m_states;
    std::vector<Matched> m_ring;
};

}  // namespace cityops::engine::detail
