#pragma once

// Windows of the stream engine (Flink semantics): assigners (tumbling, sliding, session; event
// time, and tumbling in processing time), the result record, full-window functions and the
// WindowOperator (window_operator.h). See engine/src/stream/windows/README.md.

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! A half-open time interval [start, end).
struct TimeWindow {
    TimeMs start = 0;
    TimeMs end = 0;
    bool operator==(const TimeWindow&) const = default;
};

//! What a window operator emits for one firing of one key's window. Emitted with
//! eventTime = windowEnd − 1. fireCount is 1 for the on-time firing and 2, 3, … for re-firings
//! caused by late elements within the allowed lateness.
template <class Out>
struct WindowResult {
    Key key = 0;
    TimeMs windowStart = 0;
    TimeMs windowEnd = 0;
    Out value{};
    std::uint32_t fireCount = 0;
};

//! a + b without overflow (clamped to the TimeMs range).
inline TimeMs saturatingAdd(TimeMs a, TimeMs b) {
    TimeMs r = 0;
    if (__builtin_add_overflow(a, b, &r)) {
        return b > 0 ? kEndOfTime : kNoWatermark;
    }
    return r;
}

//! Which windows an element belongs to. Value type; construct with the static factories.
//! Invalid parameters (size, slide or gap ≤ 0) throw std::invalid_argument.
class WindowAssigner {
public:
    enum class Kind : std::uint32_t { Tumbling = 1, Sliding = 2, Session = 3 };
    enum class Domain : std::uint32_t { EventTime = 1, ProcessingTime = 2 };

    //! Windows [offset + k·size, offset + (k+1)·size).
    static WindowAssigner tumbling(TimeMs size, TimeMs offset = 0);
    //! Windows of length size starting every slide (an element is in ⌈size/slide⌉ windows).
    static WindowAssigner sliding(TimeMs size, TimeMs slide, TimeMs offset = 0);
    //! Per key, elements closer than gap form one session [first, last + gap); sessions merge
    //! when an element bridges them.
    static WindowAssigner session(TimeMs gap);
    //! Tumbling windows on the operator's processing clock (the last onProcessingTime time).
    static WindowAssigner tumblingProcessingTime(TimeMs size, TimeMs offset = 0);

    Kind kind() const { return m_kind; }
    Domain domain() const { return m_domain; }
    bool isSession() const { return m_kind == Kind::Session; }
    bool isProcessingTime() const { return m_domain == Domain::ProcessingTime; }
    //! Window length (tumbling, sliding) or gap (session).
    TimeMs size() const { return m_size; }
    TimeMs slide() const { return m_slide; }
    TimeMs offset() const { return m_offset; }

    //! Calls f(TimeWindow) for each window containing t, in ascending start order (for sessions:
    //! the element's own window [t, t + gap), before merging).
    template <class F>
    void assign(TimeMs t, F&& f) const {
        if (m_kind == Kind::Session) {
            f(TimeWindow{t, saturatingAdd(t, m_size)});
            return;
        }
        const TimeMs last = t - floorMod(t, m_slide);
        if (saturatingAdd(last, m_size) <= t) {
            return;  // in the gap between hopping windows (slide > size)
        }
        const TimeMs lowest = t - m_size + 1;  // smallest start whose window still contains t
        const TimeMs first = last - ((last - lowest) / m_slide) * m_slide;
        for (TimeMs s = first; s <= last; s += m_slide) {
            f(TimeWindow{s, saturatingAdd(s, m_size)});
        }
    }

    //! "tumbling 5m", "sliding 10m/1m", "session 30s", "tumbling 5m processing-time".
    std::string describe() const;

private:
    WindowAssigner(Kind kind, Domain domain, TimeMs size, TimeMs slide, TimeMs offset);
    TimeMs floorMod(TimeMs t, TimeMs m) const {
        const TimeMs r = (t - m_offset) % m;
        return r < 0 ? r + m : r;
    }

    Kind m_kind;
    Domain m_domain;
    TimeMs m_size;
    TimeMs m_slide;
    TimeMs m_offset;
};

//! "5m", "30s", "1h", "250ms".
std::string formatDuration(TimeMs ms);

//! A full-window function: f(key, window, elements) → Out gets all elements of the window (kept
//! as the window's list state, in arrival order; when sessions merge, their lists are concatenated
//! in start order) when it fires. Use with WindowOperator through
//! processWindow<In>(f). Elements are stored, so memory grows with the window's contents.
template <class In, class F>
struct FullWindowFunction {
    using Accumulator = std::vector<In>;
    using Result = std::invoke_result_t<const F&, Key, const TimeWindow&, std::span<const In>>;
    F fn;
    std::string label;
    Accumulator createAccumulator() const { return {}; }
    void add(Accumulator& acc, const In& v) const { acc.push_back(v); }
    void merge(Accumulator& acc, const Accumulator& other) const { acc.insert(acc.end(), other.begin(), other.end()); }
    Result getResult(const Accumulator& acc, Key key, const TimeWindow& w) const {
        return fn(key, w, std::span<const In>(acc.data(), acc.size()));
    }
    std::string name() const { return label; }
};

//! processWindow<Reading>([](Key k, const TimeWindow& w, std::span<const Reading> all) { ... })
template <class In, class F>
FullWindowFunction<In, F> processWindow(F fn, std::string label = "process") {
    return FullWindowFunction<In, F>{std::move(fn), std::move(label)};
}

}  // namespace cityops::engine::stream

#include "cityops/engine/stream/window_operator.h"  // IWYU pragma: export
