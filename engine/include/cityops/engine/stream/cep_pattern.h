#pragma once

// The pattern builder of the CEP library: reads like Flink CEP's Pattern API.
//
//   auto p = Pattern<Reading>::begin("high", AfterMatchSkipStrategy::skipPastLastEvent())
//                .where([](const Reading& r) { return r.value > 800; })
//                .times(3)
//                .within(5 * 60'000);
//
// A Pattern is a plain value (a list of stages); CepOperator compiles it into an NFA once.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! How a stage's events may be separated from the previous matched event (Flink's consuming strategy).
enum class Contiguity : std::uint8_t {
    Strict,       //!< next() / consecutive(): no other event in between
    Relaxed,      //!< followedBy() / default inside loops: skip non-matching events till the next match
    NonDeterministic,  //!< followedByAny() / allowCombinations(): also skip matching events (branches)
};

//! Which partial and completed matches are discarded after a match is emitted (Flink semantics).
class AfterMatchSkipStrategy {
public:
    enum class Kind : std::uint8_t { NoSkip, SkipToNext, SkipPastLastEvent, SkipToFirst, SkipToLast };

    //! Every possible match is emitted.
    static AfterMatchSkipStrategy noSkip() { return {Kind::NoSkip, {}}; }
    //! Discards every partial match that started with the same event as the emitted match.
    static AfterMatchSkipStrategy skipToNext() { return {Kind::SkipToNext, {}}; }
    //! Discards every partial match that started before the emitted match's last event (inclusive).
    static AfterMatchSkipStrategy skipPastLastEvent() { return {Kind::SkipPastLastEvent, {}}; }
    //! Discards partial matches that started before the first event matched as `name`.
    static AfterMatchSkipStrategy skipToFirst(std::string name) { return {Kind::SkipToFirst, std::move(name)}; }
    //! Discards partial matches that started before the last event matched as `name`.
    static AfterMatchSkipStrategy skipToLast(std::string name) { return {Kind::SkipToLast, std::move(name)}; }

    Kind kind() const { return m_kind; }
    const std::string& patternName() const { return m_name; }

private:
    AfterMatchSkipStrategy(Kind kind, std::string name) : m_kind(kind), m_name(std::move(name)) {}
    Kind m_kind;
    std::string m_name;
};

template <class T>
class MatchContext;

//! A condition that sees the event and the partial match so far (Flink's IterativeCondition).
template <class T>
using IterativeCondition = std::function<bool(const T&, const MatchContext<T>&)>;

//! Infinite upper bound of a looping quantifier (oneOrMore, timesOrMore).
inline constexpr int kUnbounded = -1;

//! One named element of a pattern sequence with its quantifier, as the builder recorded it.
template <class T>
struct PatternStage {
    std::string name;
    Contiguity contiguity = Contiguity::Relaxed;  //!< to the previous stage (unused for the first)
    Contiguity inner = Contiguity::Relaxed;       //!< between the events of a looping/times stage
    int minTimes = 1;
    int maxTimes = 1;  //!< kUnbounded for oneOrMore / timesOrMore
    bool optional = false;
    bool quantified = false;
    bool innerSet = false;
    bool simple = true;  //!< the condition ignores the match context (result can be cached per event)
    IterativeCondition<T> condition;  //!< empty = accept every event
};

//! A pattern sequence under construction. Every builder call returns a new Pattern value, so
//! prefixes can be reused. Misuse (bad counts, duplicate names, a quantifier applied twice) throws
//! std::invalid_argument when the pattern is built, never while events flow.
template <class T>
class Pattern {
public:
    //! Starts a pattern sequence with a stage called `name`.
    static Pattern begin(std::string name, AfterMatchSkipStrategy skip = AfterMatchSkipStrategy::noSkip()) {
        Pattern p(std::move(skip));
        p.append(std::move(name), Contiguity::Relaxed);
        return p;
    }

    //! ANDs a condition onto the current stage. Accepts `bool(const T&)` (simple) or
    //! `bool(const T&, const MatchContext<T>&)` (iterative: sees the events matched so far).
    template <class F>
    Pattern where(F condition) const {
        Pattern p = *this;
        p.combine(std::move(condition), true);
        return p;
    }
    //! ORs a condition with the current stage's condition (Flink's or()).
    template <class F>
    Pattern orWhere(F condition) const {
        Pattern p = *this;
        p.combine(std::move(condition), false);
        return p;
    }

    //! Appends a stage whose first event must directly follow the previous matched event.
    Pattern next(std::string name) const { return appended(std::move(name), Contiguity::Strict); }
    //! Appends a stage; non-matching events in between are skipped (relaxed contiguity).
    Pattern followedBy(std::string name) const { return appended(std::move(name), Contiguity::Relaxed); }
    //! Appends a stage; matching events may be skipped too, giving alternative matches.
    Pattern followedByAny(std::string name) const {
        return appended(std::move(name), Contiguity::NonDeterministic);
    }

    //! The current stage matches exactly n events (n ≥ 1).
    Pattern times(int n) const { return times(n, n); }
    //! The current stage matches from..to events (1 ≤ from ≤ to).
    Pattern times(int from, int to) const {
        if (from < 1 || to < from) {
            throw std::invalid_argument("Pattern::times: need 1 <= from <= to, got " + std::to_string(from) + ", " +
                                        std::to_string(to));
        }
        return quantified(from, to, "times");
    }
    //! The current stage matches one or more events.
    Pattern oneOrMore() const { return quantified(1, kUnbounded, "oneOrMore"); }
    //! The current stage matches n or more events (n ≥ 1).
    Pattern timesOrMore(int n) const {
        if (n < 1) {
            throw std::invalid_argument("Pattern::timesOrMore: need n >= 1, got " + std::to_string(n));
        }
        return quantified(n, kUnbounded, "timesOrMore");
    }
    //! The current stage may match no event at all.
    Pattern optional() const {
        Pattern p = *this;
        if (p.current().optional) {
            throw std::invalid_argument("Pattern::optional: already optional: " + p.current().name);
        }
        p.current().optional = true;
        return p;
    }
    //! Strict contiguity between the events of a looping or times stage.
    Pattern consecutive() const { return withInner(Contiguity::Strict, "consecutive"); }
    //! Non-deterministic relaxed contiguity between the events of a looping or times stage.
    Pattern allowCombinations() const { return withInner(Contiguity::NonDeterministic, "allowCombinations"); }

    //! A partial match is discarded once the span from its first event reaches durationMs:
    //! a match needs last − first < durationMs. The smallest of several within() calls applies.
    Pattern within(TimeMs durationMs) const {
        if (durationMs <= 0) {
            throw std::invalid_argument("Pattern::within: the duration must be positive");
        }
        Pattern p = *this;
        p.m_withinMs = p.m_withinMs > 0 ? std::min(p.m_withinMs, durationMs) : durationMs;
        return p;
    }
    //! Replaces the after-match skip strategy given to begin().
    Pattern skip(AfterMatchSkipStrategy strategy) const {
        Pattern p = *this;
        p.m_skip = std::move(strategy);
        return p;
    }

    const std::vector<PatternStage<T>>& stages() const { return m_stages; }
    TimeMs withinMs() const { return m_withinMs; }  //!< 0 = no time bound
    const AfterMatchSkipStrategy& skipStrategy() const { return m_skip; }

private:
    explicit Pattern(AfterMatchSkipStrategy skip) : m_skip(std::move(skip)) {}

    PatternStage<T>& current() { return m_stages.back(); }

    void append(std::string name, Contiguity contiguity) {
        if (name.empty()) {
            throw std::invalid_argument("Pattern: a stage needs a non-empty name");
        }
        for (const auto& s : m_stages) {
            if (s.name == name) {
                throw std::invalid_argument("Pattern: duplicate stage name '" + name + "'");
            }
        }
        PatternStage<T> stage;
        stage.name = std::move(name);
        stage.contiguity = contiguity;
        m_stages.push_back(std::move(stage));
    }
    Pattern appended(std::string name, Contiguity contiguity) const {
        Pattern p = *this;
        p.append(std::move(name), contiguity);
        return p;
    }
    Pattern quantified(int from, int to, const char* what) const {
        Pattern p = *this;
        auto& s = p.current();
        if (s.quantified) {
            throw std::invalid_argument(std::string("Pattern::") + what + ": stage '" + s.name +
                                        "' already has a quantifier");
        }
        s.quantified = true;
        s.minTimes = from;
        s.maxTimes = to;
        return p;
    }
    Pattern withInner(Contiguity inner, const char* what) const {
        Pattern p = *this;
        auto& s = p.current();
        if (!s.quantified || (s.maxTimes != kUnbounded && s.maxTimes < 2)) {
            throw std::invalid_argument(std::string("Pattern::") + what + ": stage '" + s.name +
                                        "' is not a looping or times(n > 1) stage");
        }
        s.inner = inner;
        s.innerSet = true;
        return p;
    }

    template <class F>
    void combine(F f, bool conjunction) {
        IterativeCondition<T> added;
        bool simple = false;
        if constexpr (std::is_invocable_r_v<bool, F&, const T&, const MatchContext<T>&>) {
            added = std::move(f);
        } else {
            static_assert(std::is_invocable_r_v<bool, F&, const T&>,
                          "a CEP condition is bool(const T&) or bool(const T&, const MatchContext<T>&)");
            added = [g = std::move(f)](const T& value, const MatchContext<T>&) { return g(value); };
            simple = true;
        }
        auto& s = current();
        if (!s.condition) {
            s.condition = std::move(added);
            s.simple = simple;
            return;
        }
        auto previous = std::move(s.condition);
        if (conjunction) {
            s.condition = [a = std::move(previous), b = std::move(added)](const T& v, const MatchContext<T>& c) {
                return a(v, c) && b(v, c);
            };
        } else {
            s.condition = [a = std::move(previous), b = std::move(added)](const T& v, const MatchContext<T>& c) {
                return a(v, c) || b(v, c);
            };
        }
        s.simple = s.simple && simple;
    }

    std::vector<PatternStage<T>> m_stages;
    TimeMs m_withinMs = 0;
    AfterMatchSkipStrategy m_skip;
};

}  // namespace cityops::engine::stream
