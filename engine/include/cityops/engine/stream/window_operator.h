#pragma once

// WindowOperator: keyed windows with an incremental aggregate or a full-window function, allowed
// lateness with re-firing and a late side output. Include windows.h rather than this file.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cityops/engine/stream/keyed_state.h"
#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/timers.h"
#include "cityops/engine/stream/window_flat_map.h"
#include "cityops/engine/stream/windows.h"

namespace cityops::engine::stream {

//! Options of a WindowOperator.
struct WindowOptions {
    //! Event-time windows keep their state until watermark ≥ end + allowedLatenessMs; elements for
    //! such a fired window update it and re-fire it. 0 = drop anything behind a fired window.
    TimeMs allowedLatenessMs = 0;
    //! Window slots to reserve up front (e.g. the number of keys), so warm-up does not rehash.
    std::size_t reserveWindows = 0;
};

//! The window operator. Fn is an aggregate function (aggregates.h: createAccumulator, add,
//! merge, getResult(acc)) or a FullWindowFunction (processWindow); session windows need merge.
//! Firing order is deterministic: by window end, then key (timer order); late re-firings happen
//! inside processElement. Fn::Accumulator must be serialisable by StateSerializer for snapshots.
template <class In, class Fn>
class WindowOperator final : public KeyedOperator<In, WindowResult<typename Fn::Result>> {
public:
    using Acc = typename Fn::Accumulator;
    using Out = typename Fn::Result;
    using Result = WindowResult<Out>;

    WindowOperator(WindowAssigner assigner, Fn fn, WindowOptions options = {}, Collector<In>* lateOutput = nullptr)
        : m_assigner(assigner), m_fn(std::move(fn)), m_options(options), m_lateOutput(lateOutput) {
        if (m_options.allowedLatenessMs < 0) {
            throw std::invalid_argument("window: allowedLatenessMs must be >= 0");
        }
        if (m_assigner.isProcessingTime()) {
            m_options.allowedLatenessMs = 0;
        }
        if (m_options.reserveWindows > 0 && !m_assigner.isSession()) {
            m_slots.reserve(m_options.reserveWindows);
        }
    }

    //! Where elements beyond the allowed lateness go (may be null: they are still counted).
    void setLateOutput(Collector<In>* lateOutput) { m_lateOutput = lateOutput; }

    void processElement(Key key, const In& value, TimeMs eventTime, Collector<Result>& out) override {
        ++m_counters.recordsIn;
        if (m_assigner.isProcessingTime()) {
            processProcessingTime(key, value, out);
        } else if (m_assigner.isSession()) {
            processSession(key, value, eventTime, out);
        } else {
            processAligned(key, value, eventTime, out);
        }
    }

    //! Tumbling event-time windows with more slots than fit a core's cache: loads the slot index
    //! bucket (and, when cached, the slot) of the record's window ahead of processElement.
    void prefetch(Key key, const In& value, TimeMs eventTime) const override {
        (void)value;
        if (m_slots.size() >= detail::kPrefetchAboveEntries && m_assigner.kind() == WindowAssigner::Kind::Tumbling &&
            !m_assigner.isProcessingTime()) {
            TimeMs start = 0;
            m_assigner.assign(eventTime, [&](const TimeWindow& w) { start = w.start; });
            m_slots.prefetch(detail::KeyTime{key, start});
        }
    }

    void onWatermark(TimeMs watermark, Collector<Result>& out) override {
        if (watermark <= m_watermark) {
            return;
        }
        m_watermark = watermark;
        m_counters.timersFired += m_timers.advanceWatermark(watermark, [&](Key key, TimeMs time) {
            if (m_assigner.isSession()) {
                onSessionTimer(key, time, out);
            } else {
                onAlignedTimer(key, time, out);
            }
        });
    }

    void onProcessingTime(TimeMs now, Collector<Result>& out) override {
        m_processingTime = std::max(m_processingTime, now);
        m_counters.timersFired += m_timers.advanceProcessingTime(now, [&](Key key, TimeMs end) {
            const auto idx = m_slots.findIndex(detail::KeyTime{key, end - m_assigner.size()});
            if (idx != Slots::kNone) {
                fire(key, TimeWindow{end - m_assigner.size(), end}, m_slots.valueAt(idx).window, out);
                m_slots.eraseAt(idx);
            }
        });
    }

    void snapshot(StateWriter& w) const override {
        w.put(kMagic);
        w.put(static_cast<std::uint32_t>(m_assigner.kind()));
        w.put(m_watermark);
        w.put(m_processingTime);
        std::uint64_t n = m_slots.size();
        m_sessions.forEach([&](Key, const std::vector<SessionWindow>& v) { n += v.size(); });
        w.put(n);
        m_slots.forEach([&](const detail::KeyTime& kt, const Slot& s) {
            writeWindow(w, kt.key, TimeWindow{kt.time, s.end}, s.window);
        });
        m_sessions.forEach([&](Key key, const std::vector<SessionWindow>& v) {
            for (const SessionWindow& s : v) {
                writeWindow(w, key, TimeWindow{s.start, s.end}, s.window);
            }
        });
        m_timers.snapshot(w);
    }

    bool restore(StateReader& r, const KeyFilter& filter) override {
        if (r.get<std::uint32_t>() != kMagic || r.get<std::uint32_t>() != static_cast<std::uint32_t>(m_assigner.kind())) {
            r.fail();
            return false;
        }
        const TimeMs watermark = r.get<TimeMs>();
        const TimeMs processingTime = r.get<TimeMs>();
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const Key key = r.get<Key>();
            const TimeWindow win{r.get<TimeMs>(), r.get<TimeMs>()};
            WindowState state;
            state.fireCount = r.get<std::uint32_t>();
            state.dirty = r.get<std::uint8_t>() != 0;
            state.acc = StateSerializer<Acc>::read(r);
            if (r.failed() || win.end <= win.start) {
                r.fail();
                return false;
            }
            if (filter.owns(key)) {
                insertRestored(key, win, std::move(state));
            }
        }
        if (r.failed() || !m_timers.restore(r, filter)) {
            return false;
        }
        m_watermark = std::max(m_watermark, watermark);
        m_processingTime = std::max(m_processingTime, processingTime);
        return true;
    }

    std::size_t stateBytes() const override {
        std::size_t bytes = m_slots.memoryBytes() + m_sessions.memoryBytes() + m_timers.stateBytes();
        m_sessions.forEach([&](Key, const std::vector<SessionWindow>& v) {
            bytes += v.capacity() * sizeof(SessionWindow);
            for (const SessionWindow& s : v) {
                bytes += heapBytes(s.window.acc);
            }
        });
        if constexpr (kAccOwnsHeap) {
            m_slots.forEach([&](const detail::KeyTime&, const Slot& s) { bytes += heapBytes(s.window.acc); });
        }
        return bytes;
    }

    OperatorCounters counters() const override { return m_counters; }

    std::string name() const override { return "window(" + m_assigner.describe() + ", " + m_fn.name() + ")"; }

    //! Windows holding state (open, or fired and waiting for the end of their lateness).
    std::size_t windowCount() const {
        std::size_t n = m_slots.size();
        m_sessions.forEach([&](Key, const std::vector<SessionWindow>& v) { n += v.size(); });
        return n;
    }
    TimeMs currentWatermark() const { return m_watermark; }
    const WindowAssigner& assigner() const { return m_assigner; }

private:
    static constexpr std::uint32_t kMagic = 0x574f5031;  // "WOP1"
    static constexpr bool kAccOwnsHeap = !std::is_trivially_copyable_v<Acc>;

    struct WindowState {
        Acc acc{};
        std::uint32_t fireCount = 0;
        bool dirty = false;  //!< updated since the last firing
    };
    //! Tumbling/sliding window slot, keyed by (key, window start).
    struct Slot {
        TimeMs end = 0;
        WindowState window;
    };
    //! One session of a key; a key's sessions are disjoint and sorted by start.
    struct SessionWindow {
        TimeMs start = 0;
        TimeMs end = 0;
        WindowState window;
    };
    using Slots = detail::FlatMap<detail::KeyTime, Slot>;

    static std::size_t heapBytes(const Acc& acc) {
        if constexpr (requires { acc.capacity(); }) {
            return acc.capacity() * sizeof(typename Acc::value_type);
        } else {
            return 0;
        }
    }

    bool beyondLateness(TimeMs end) const {
        return saturatingAdd(end, m_options.allowedLatenessMs) <= m_watermark;
    }

    void rejectLate(Key key, const In& value, TimeMs eventTime) {
        ++m_counters.lateDropped;
        if (m_lateOutput != nullptr) {
            m_lateOutput->collect(key, value, eventTime);
        }
    }

    //! Registers the firing timer (unless already due) and the cleanup timer of a window.
    void registerTimers(Key key, TimeMs end) {
        if (end > m_watermark) {
            m_timers.registerEventTimeTimer(key, end);
        }
        if (m_options.allowedLatenessMs > 0) {
            m_timers.registerEventTimeTimer(key, saturatingAdd(end, m_options.allowedLatenessMs));
        }
    }

    void fire(Key key, const TimeWindow& w, WindowState& state, Collector<Result>& out) {
        ++state.fireCount;
        state.dirty = false;
        Result result;
        result.key = key;
        result.windowStart = w.start;
        result.windowEnd = w.end;
        result.fireCount = state.fireCount;
        if constexpr (requires { m_fn.getResult(state.acc, key, w); }) {
            result.value = m_fn.getResult(state.acc, key, w);
        } else {
            result.value = m_fn.getResult(state.acc);
        }
        ++m_counters.recordsOut;
        out.collect(key, result, w.end - 1);
    }

    void processAligned(Key key, const In& value, TimeMs eventTime, Collector<Result>& out) {
        bool accepted = false;
        bool late = false;
        m_assigner.assign(eventTime, [&](const TimeWindow& w) {
            if (beyondLateness(w.end)) {
                return;
            }
            accepted = true;
            bool inserted = false;
            const auto idx = m_slots.findOrInsert(detail::KeyTime{key, w.start}, inserted);
            Slot& slot = m_slots.valueAt(idx);
            if (inserted) {
                slot.end = w.end;
                slot.window.acc = m_fn.createAccumulator();
                slot.window.fireCount = 0;
                registerTimers(key, w.end);
            } else if (slot.window.fireCount > 0 && w.end > m_watermark) {
                m_timers.registerEventTimeTimer(key, w.end);  // restored with a lower watermark
            }
            m_fn.add(slot.window.acc, value);
            slot.window.dirty = true;
            if (w.end <= m_watermark) {
                late = true;
                fire(key, w, slot.window, out);
            }
        });
        if (!accepted) {
            rejectLate(key, value, eventTime);
        } else if (late) {
            ++m_counters.lateAccepted;
        }
    }

    void onAlignedTimer(Key key, TimeMs time, Collector<Result>& out) {
        const TimeMs size = m_assigner.size();
        const auto idx = m_slots.findIndex(detail::KeyTime{key, time - size});
        if (idx != Slots::kNone) {
            Slot& slot = m_slots.valueAt(idx);
            if (slot.end == time && slot.window.dirty) {
                fire(key, TimeWindow{time - size, time}, slot.window, out);
            }
            if (m_options.allowedLatenessMs == 0) {
                m_slots.eraseAt(idx);
                return;
            }
        }
        if (m_options.allowedLatenessMs > 0) {
            const TimeMs end = time - m_options.allowedLatenessMs;
            const auto old = m_slots.findIndex(detail::KeyTime{key, end - size});
            if (old != Slots::kNone && beyondLateness(m_slots.valueAt(old).end)) {
                m_slots.eraseAt(old);
            }
        }
    }

    void processProcessingTime(Key key, const In& value, Collector<Result>& out) {
        (void)out;
        const TimeMs now = m_processingTime == kNoWatermark ? 0 : m_processingTime;
        m_assigner.assign(now, [&](const TimeWindow& w) {
            bool inserted = false;
            Slot& slot = m_slots.valueAt(m_slots.findOrInsert(detail::KeyTime{key, w.start}, inserted));
            if (inserted) {
                slot.end = w.end;
                slot.window.acc = m_fn.createAccumulator();
                slot.window.fireCount = 0;
                m_timers.registerProcessingTimeTimer(key, w.end);
            }
            m_fn.add(slot.window.acc, value);
            slot.window.dirty = true;
        });
    }

    void processSession(Key key, const In& value, TimeMs eventTime, Collector<Result>& out) {
        const TimeWindow own{eventTime, saturatingAdd(eventTime, m_assigner.size())};
        bool inserted = false;
        const auto keyIdx = m_sessions.findOrInsert(key, inserted);
        std::vector<SessionWindow>& sessions = m_sessions.valueAt(keyIdx);
        // Sessions that intersect (or touch) the element's window merge with it.
        auto first = std::find_if(sessions.begin(), sessions.end(),
                                  [&](const SessionWindow& s) { return s.end >= own.start; });
        auto last = first;
        TimeWindow merged = own;
        while (last != sessions.end() && last->start <= own.end) {
            merged.start = std::min(merged.start, last->start);
            merged.end = std::max(merged.end, last->end);
            ++last;
        }
        if (beyondLateness(merged.end)) {
            if (sessions.empty()) {
                m_sessions.eraseAt(keyIdx);
            }
            rejectLate(key, value, eventTime);
            return;
        }
        SessionWindow* target = nullptr;
        if (first == last) {
            target = &*sessions.insert(first, SessionWindow{own.start, own.end, WindowState{m_fn.createAccumulator(), 0, false}});
        } else {
            // Merge the later sessions into the first one; their timers stay and find nothing.
            for (auto it = first + 1; it != last; ++it) {
                m_fn.merge(first->window.acc, it->window.acc);
                first->window.fireCount = std::max(first->window.fireCount, it->window.fireCount);
                first->window.dirty = first->window.dirty || it->window.dirty;
            }
            const auto firstPos = first - sessions.begin();
            sessions.erase(first + 1, last);
            target = &sessions[static_cast<std::size_t>(firstPos)];
            target->start = merged.start;
            target->end = merged.end;
        }
        registerTimers(key, target->end);
        m_fn.add(target->window.acc, value);
        target->window.dirty = true;
        if (target->end <= m_watermark) {
            ++m_counters.lateAccepted;
            fire(key, TimeWindow{target->start, target->end}, target->window, out);
        }
    }

    void onSessionTimer(Key key, TimeMs time, Collector<Result>& out) {
        const auto keyIdx = m_sessions.findIndex(key);
        if (keyIdx == decltype(m_sessions)::kNone) {
            return;
        }
        std::vector<SessionWindow>& sessions = m_sessions.valueAt(keyIdx);
        for (SessionWindow& s : sessions) {
            if (s.end == time && s.window.dirty) {
                fire(key, TimeWindow{s.start, s.end}, s.window, out);
            }
        }
        // Timers run in time order, so a session whose end + lateness is ≤ this timer is done.
        std::erase_if(sessions, [&](const SessionWindow& s) {
            return saturatingAdd(s.end, m_options.allowedLatenessMs) <= time;
        });
        if (sessions.empty()) {
            m_sessions.eraseAt(keyIdx);
        }
    }

    void writeWindow(StateWriter& w, Key key, const TimeWindow& win, const WindowState& state) const {
        w.put(key);
        w.put(win.start);
        w.put(win.end);
        w.put(state.fireCount);
        w.put<std::uint8_t>(state.dirty ? 1 : 0);
        StateSerializer<Acc>::write(w, state.acc);
    }

    void insertRestored(Key key, const TimeWindow& win, WindowState state) {
        bool inserted = false;
        if (m_assigner.isSession()) {
            auto& sessions = m_sessions.valueAt(m_sessions.findOrInsert(key, inserted));
            auto pos = std::find_if(sessions.begin(), sessions.end(),
                                    [&](const SessionWindow& s) { return s.start > win.start; });
            sessions.insert(pos, SessionWindow{win.start, win.end, std::move(state)});
            return;
        }
        Slot& slot = m_slots.valueAt(m_slots.findOrInsert(detail::KeyTime{key, win.start}, inserted));
        slot.end = win.end;
        slot.window = std::move(state);
    }

    WindowAssigner m_assigner;
    Fn m_fn;
    WindowOptions m_options;
    Collector<In>* m_lateOutput = nullptr;
    Slots m_slots;
    detail::FlatMap<Key, std::vector<SessionWindow>> m_sessions;
    TimerService m_timers;
    TimeMs m_watermark = kNoWatermark;
    TimeMs m_processingTime = kNoWatermark;
    OperatorCounters m_counters;
};

//! Deduces the operator type: makeWindowOperator<Reading>(WindowAssigner::tumbling(300'000),
//! aggregateOf(StatsAggregate{}, [](const Reading& r) { return r.value; })).
template <class In, class Fn>
std::unique_ptr<WindowOperator<In, Fn>> makeWindowOperator(WindowAssigner assigner, Fn fn, WindowOptions options = {},
                                                           Collector<In>* lateOutput = nullptr) {
    return std::make_unique<WindowOperator<In, Fn>>(assigner, std::move(fn), options, lateOutput);
}

}  // namespace cityops::engine::stream
