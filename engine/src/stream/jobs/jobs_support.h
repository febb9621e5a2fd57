#pragma once

// Private helpers shared by the job sources of this folder.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <tuple>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/sinks.h"

namespace cityops::engine::stream::jobs_detail {

//! Floor division (event times before 1970 are negative).
inline TimeMs floorDiv(TimeMs a, TimeMs b) {
    const TimeMs q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

//! Keys in ascending order, so a snapshot's bytes depend only on the state.
template <class Map>
std::vector<typename Map::key_type> sortedKeys(const Map& map) {
    std::vector<typename Map::key_type> keys;
    keys.reserve(map.size());
    for (const auto& entry : map) {
        keys.push_back(entry.first);
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

//! An alert of a rule, its id from (rule, idKey, first matched event time).
inline Alert makeAlert(AlertRule rule, Key idKey, TimeMs first, TimeMs at, double value, std::uint32_t sensor,
                       std::uint16_t location, Severity severity, int matched) {
    Alert alert;
    alert.id = makeAlertId(rule, idKey, first);
    alert.firstEventMs = first;
    alert.eventTimeMs = at;
    alert.value = value;
    alert.sensorId = sensor;
    alert.locationId = location;
    alert.rule = rule;
    alert.severity = severity;
    alert.matchedCount = static_cast<std::uint8_t>(std::clamp(matched, 0, 255));
    return alert;
}

//! The sink the caller set, or a new QueueSink stored back into it (outputs are created on demand).
template <class T>
std::shared_ptr<QueueSink<T>> ensure(std::shared_ptr<QueueSink<T>>& sink) {
    if (!sink) {
        sink = std::make_shared<QueueSink<T>>();
    }
    return sink;
}

//! A reading a rule holds until the watermark passes it. 40 bytes, no indeterminate padding (the
//! layout the energy anomaly operator's ENA1 snapshots have always used).
struct PendingReading {
    TimeMs eventTime = 0;
    std::uint64_t seq = 0;
    Key key = 0;
    double value = 0.0;
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    std::uint16_t unused = 0;
};
static_assert(sizeof(PendingReading) == 40);

//! Readings held until the watermark passes them, then handed out in event-time order (ties by key,
//! sequence number, value), so a rule sees each key's readings in order whatever their arrival.
//! A binary min-heap in a vector: no allocation once it has reached its peak size.
class EventTimeBuffer {
public:
    void push(const PendingReading& r) {
        m_heap.push_back(r);
        std::push_heap(m_heap.begin(), m_heap.end(), after);
    }
    //! Calls f(reading) for every reading with event time ≤ watermark, in order.
    template <class F>
    void releaseUpTo(TimeMs watermark, F&& f) {
        while (!m_heap.empty() && m_heap.front().eventTime <= watermark) {
            std::pop_heap(m_heap.begin(), m_heap.end(), after);
            const PendingReading r = m_heap.back();
            m_heap.pop_back();
            f(r);
        }
    }
    //! Writes the held readings in event-time order (so equal state gives equal bytes).
    void snapshot(StateWriter& writer) const {
        std::vector<PendingReading> sorted = m_heap;
        std::sort(sorted.begin(), sorted.end(), [](const PendingReading& a, const PendingReading& b) { return after(b, a); });
        writer.put<std::uint64_t>(sorted.size());
        for (const PendingReading& p : sorted) {
            writer.put<PendingReading>(p);
        }
    }
    //! Adds the held readings of one snapshot whose keys the filter owns.
    bool restore(StateReader& reader, const KeyFilter& filter) {
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const PendingReading p = reader.get<PendingReading>();
            if (filter.owns(p.key)) {
                push(p);
            }
        }
        return !reader.failed();
    }
    std::size_t stateBytes() const { return m_heap.capacity() * sizeof(PendingReading); }

private:
    static bool after(const PendingReading& a, const PendingReading& b) {
        return std::tie(a.eventTime, a.key, a.seq, a.value) > std::tie(b.eventTime, b.key, b.seq, b.value);
    }
    std::vector<PendingReading> m_heap;
};

}  // namespace cityops::engine::stream::jobs_detail
