#pragma once

// Per-key timers in event time and processing time. A (key, time) pair is registered at most
// once; timers fire in time order, ties by key, when the watermark or the processing clock reaches
// their time. Single-threaded (one per operator instance). Registering an existing or firing a
// timer does not allocate once the queues have reached their peak size.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/window_flat_map.h"

namespace cityops::engine::stream {

//! A timer: a key and the time it is due.
struct Timer {
    Key key = 0;
    TimeMs time = 0;
    bool operator==(const Timer&) const = default;
};

//! Timers of one time domain: a binary min-heap on (time, key) plus a hash set of the live
//! timers. Deletion is lazy (the heap entry is skipped when popped); the heap is compacted when
//! stale entries outnumber live ones.
class TimerQueue {
public:
    //! False if (key, time) was already registered.
    bool add(Key key, TimeMs time) {
        bool inserted = false;
        m_live.findOrInsert(detail::KeyTime{key, time}, inserted);
        if (!inserted) {
            return false;
        }
        m_heap.push_back(Timer{key, time});
        std::push_heap(m_heap.begin(), m_heap.end(), later);
        return true;
    }

    //! False if no such timer was registered.
    bool remove(Key key, TimeMs time) {
        if (!m_live.erase(detail::KeyTime{key, time})) {
            return false;
        }
        if (m_heap.size() > 2 * m_live.size() + 64) {
            compact();
        }
        return true;
    }

    bool contains(Key key, TimeMs time) const { return m_live.findIndex(detail::KeyTime{key, time}) != kNone; }

    //! Fires every timer with time ≤ until, in (time, key) order; f(key, time) may register new
    //! timers (those due by `until` fire in this call too). Returns the number fired.
    template <class F>
    std::size_t advance(TimeMs until, F&& f) {
        std::size_t fired = 0;
        while (!m_heap.empty() && m_heap.front().time <= until) {
            std::pop_heap(m_heap.begin(), m_heap.end(), later);
            const Timer t = m_heap.back();
            m_heap.pop_back();
            if (m_live.erase(detail::KeyTime{t.key, t.time})) {
                ++fired;
                f(t.key, t.time);
            }
        }
        return fired;
    }

    //! Earliest live timer time, or kEndOfTime when none.
    TimeMs nextTime() {
        while (!m_heap.empty() && !contains(m_heap.front().key, m_heap.front().time)) {
            std::pop_heap(m_heap.begin(), m_heap.end(), later);
            m_heap.pop_back();
        }
        return m_heap.empty() ? kEndOfTime : m_heap.front().time;
    }

    std::size_t size() const { return m_live.size(); }
    std::size_t stateBytes() const { return m_live.memoryBytes() + m_heap.capacity() * sizeof(Timer); }

    //! Live timers in (time, key) order.
    std::vector<Timer> sorted() const {
        std::vector<Timer> out;
        out.reserve(m_live.size());
        m_live.forEach([&](const detail::KeyTime& kt, const char&) { out.push_back(Timer{kt.key, kt.time}); });
        std::sort(out.begin(), out.end(), [](const Timer& a, const Timer& b) { return later(b, a); });
        return out;
    }

    void snapshot(StateWriter& w) const {
        const auto timers = sorted();
        w.put<std::uint64_t>(timers.size());
        for (const Timer& t : timers) {
            w.put(t.key);
            w.put(t.time);
        }
    }

    bool restore(StateReader& r, const KeyFilter& filter) {
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const Key key = r.get<Key>();
            const TimeMs time = r.get<TimeMs>();
            if (!r.failed() && filter.owns(key)) {
                add(key, time);
            }
        }
        return !r.failed();
    }

private:
    static constexpr std::uint32_t kNone = 0xffffffffu;
    //! Heap order: the "largest" element (front) is the earliest (time, key).
    static bool later(const Timer& a, const Timer& b) { return a.time != b.time ? a.time > b.time : a.key > b.key; }

    void compact() {
        m_heap.clear();
        m_live.forEach([&](const detail::KeyTime& kt, const char&) { m_heap.push_back(Timer{kt.key, kt.time}); });
        std::make_heap(m_heap.begin(), m_heap.end(), later);
    }

    std::vector<Timer> m_heap;
    detail::FlatMap<detail::KeyTime, char> m_live;
};

//! Event-time and processing-time timers of one operator instance.
class TimerService {
public:
    bool registerEventTimeTimer(Key key, TimeMs time) { return m_event.add(key, time); }
    bool deleteEventTimeTimer(Key key, TimeMs time) { return m_event.remove(key, time); }
    bool registerProcessingTimeTimer(Key key, TimeMs time) { return m_processing.add(key, time); }
    bool deleteProcessingTimeTimer(Key key, TimeMs time) { return m_processing.remove(key, time); }

    //! The watermark reached `watermark`: fires event-time timers with time ≤ watermark, in order.
    template <class F>
    std::size_t advanceWatermark(TimeMs watermark, F&& f) {
        m_watermark = std::max(m_watermark, watermark);
        return m_event.advance(watermark, f);
    }
    //! Processing time reached `now`: fires processing-time timers with time ≤ now, in order.
    template <class F>
    std::size_t advanceProcessingTime(TimeMs now, F&& f) {
        m_processingTime = std::max(m_processingTime, now);
        return m_processing.advance(now, f);
    }

    TimeMs currentWatermark() const { return m_watermark; }
    TimeMs currentProcessingTime() const { return m_processingTime; }
    TimerQueue& eventTimers() { return m_event; }
    TimerQueue& processingTimers() { return m_processing; }
    const TimerQueue& eventTimers() const { return m_event; }
    const TimerQueue& processingTimers() const { return m_processing; }
    std::size_t stateBytes() const { return m_event.stateBytes() + m_processing.stateBytes(); }

    //! Writes both queues (in time order) and the clocks.
    void snapshot(StateWriter& w) const {
        w.put(kMagic);
        w.put(m_watermark);
        w.put(m_processingTime);
        m_event.snapshot(w);
        m_processing.snapshot(w);
    }

    //! Adds the owned timers of one snapshot; the clocks become the maximum seen.
    bool restore(StateReader& r, const KeyFilter& filter) {
        if (r.get<std::uint32_t>() != kMagic) {
            r.fail();
            return false;
        }
        const TimeMs watermark = r.get<TimeMs>();
        const TimeMs processing = r.get<TimeMs>();
        if (!m_event.restore(r, filter) || !m_processing.restore(r, filter)) {
            return false;
        }
        m_watermark = std::max(m_watermark, watermark);
        m_processingTime = std::max(m_processingTime, processing);
        return true;
    }

private:
    static constexpr std::uint32_t kMagic = 0x544d5231;  // "TMR1"
    TimerQueue m_event;
    TimerQueue m_processing;
    TimeMs m_watermark = kNoWatermark;
    TimeMs m_processingTime = kNoWatermark;
};

}  // namespace cityops::engine::stream
