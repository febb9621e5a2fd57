#pragma once

// CepOperator: a keyed stream operator that runs a compiled Pattern over each key's events in event-
// time order and emits one Out per match. See engine/src/stream/cep/README.md for the semantics.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cityops/engine/stream/cep_match.h"
#include "cityops/engine/stream/cep_nfa.h"
#include "cityops/engine/stream/cep_pattern.h"
#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! How snapshots store an event. Trivially copyable types work as they are; specialise this for
//! other event types (write / read must mirror each other; read signals errors through the reader).
template <class T>
struct CepEventCodec {
    static_assert(std::is_trivially_copyable_v<T>, "specialise CepEventCodec<T> to snapshot this event type");
    static void write(StateWriter& writer, const T& value) { writer.put(value); }
    static T read(StateReader& reader) { return reader.template get<T>(); }
};

//! Optional settings of a CepOperator.
template <class T>
struct CepOptions {
    //! Orders events of one key that share an event time (true when a goes first); when unset, or
    //! when it calls two events equal, arrival order decides. Give one when ties can arrive shuffled.
    std::function<bool(const T&, const T&)> tieLess;
    //! Events for which this returns false are counted (prefiltered()) and dropped before buffering.
    //! Only sound when such events can never be taken by any stage and the pattern has no strict
    //! contiguity (next / consecutive) that they could break; the rule factories use it.
    std::function<bool(const T&)> prefilter;
    //! Name shown in the metrics view; default "cep(<stage names>)".
    std::string name;
};

//! Runs a pattern per key (Flink CEP semantics, event time). Events are buffered until the watermark
//! passes them (the watermark W means every event with time < W has arrived), then evaluated in
//! (event time, tieLess, arrival) order, so any arrival order within the watermark bound yields the
//! same matches. Events older than the watermark on arrival go to the late output and are counted.
//! Not thread-safe: one instance per worker thread, as the KeyedOperator contract says.
template <class T, class Out>
class CepOperator final : public KeyedOperator<T, Out> {
public:
    //! Turns a match into the operator's output; called once per emitted match.
    using Select = std::function<Out(const Match<T>&)>;

    //! Compiles the pattern; throws std::invalid_argument when the skip strategy names no stage.
    CepOperator(const Pattern<T>& pattern, Select select, CepOptions<T> options = {})
        : m_select(std::move(select)), m_options(std::move(options)) {
        std::vector<cep_detail::StageShape> shapes;
        auto names = std::make_shared<std::vector<std::string>>();
        for (const auto& stage : pattern.stages()) {
            shapes.push_back(cep_detail::StageShape{stage.contiguity, stage.inner, stage.minTimes, stage.maxTimes,
                                                    stage.optional, stage.quantified});
            names->push_back(stage.name);
            m_conditions.push_back(stage.condition);
            m_simple.push_back(stage.simple ? 1 : 0);
        }
        m_nfa = cep_detail::compileNfa(shapes);
        m_names = std::move(names);
        m_withinMs = pattern.withinMs();
        m_skip = pattern.skipStrategy().kind();
        if (m_skip == AfterMatchSkipStrategy::Kind::SkipToFirst || m_skip == AfterMatchSkipStrategy::Kind::SkipToLast) {
            const auto& wanted = pattern.skipStrategy().patternName();
            auto it = std::find(m_names->begin(), m_names->end(), wanted);
            if (it == m_names->end()) {
                throw std::invalid_argument("CEP: the skip strategy names an unknown stage '" + wanted + "'");
            }
            m_skipStage = static_cast<int>(it - m_names->begin());
        }
        m_cache.assign(m_names->size(), -1);
        if (m_options.name.empty()) {
            m_options.name = "cep(";
            for (std::size_t i = 0; i < m_names->size(); ++i) {
                m_options.name += (i ? " " : "") + (*m_names)[i];
            }
            m_options.name += ")";
        }
        m_fingerprint = fingerprint();
    }

    //! Where late events go (may be null: they are still counted in counters().lateDropped).
    void setLateOutput(Collector<T>* late) { m_late = late; }
    //! Where partial matches pruned by within() go, with event time first + within (may be null).
    void setTimeoutOutput(Collector<Match<T>>* timeouts) { m_timeouts = timeouts; }

    void processElement(Key key, const T& value, TimeMs eventTime, Collector<Out>& out) override {
        (void)out;
        ++m_counters.recordsIn;
        if (eventTime < m_watermark) {
            ++m_counters.lateDropped;
            if (m_late != nullptr) {
                m_late->collect(key, value, eventTime);
            }
            return;
        }
        if (m_options.prefilter && !m_options.prefilter(value)) {
            ++m_prefiltered;
            return;
        }
        m_pending.push_back(Pending{eventTime, key, m_nextArrival++, value});
        std::push_heap(m_pending.begin(), m_pending.end(), Later{&m_options.tieLess});
    }

    void onWatermark(TimeMs watermark, Collector<Out>& out) override {
        if (watermark <= m_watermark) {
            return;
        }
        m_watermark = watermark;
        const Later later{&m_options.tieLess};
        while (!m_pending.empty() && m_pending.front().time < watermark) {
            std::pop_heap(m_pending.begin(), m_pending.end(), later);
            const Pending p = std::move(m_pending.back());
            m_pending.pop_back();
            process(p.key, p.value, p.time, out);
        }
        if (watermark == kEndOfTime) {
            finishAll(out);
            return;
        }
        while (!m_timers.empty() && m_timers.front().expiry <= watermark) {
            std::pop_heap(m_timers.begin(), m_timers.end(), TimerLater{});
            const Key key = m_timers.back().key;
            m_timers.pop_back();
            ++m_counters.timersFired;
            const std::uint32_t index = m_keys.find(key);
            if (index != cep_detail::kNone) {
                KeyState& ks = m_states[index];
                ks.timerArmed = false;
                expire(ks, watermark);
                releaseHeld(ks, out);
                armTimer(ks);
            }
        }
    }

    void snapshot(StateWriter& writer) const override;
    bool restore(StateReader& reader, const KeyFilter& filter) override;

    std::size_t stateBytes() const override {
        std::size_t bytes = m_pending.capacity() * sizeof(Pending) + m_nodes.capacityBytes() +
                            m_states.capacity() * sizeof(KeyState) + m_keys.capacityBytes() +
                            m_timers.capacity() * sizeof(Timer);
        for (const KeyState& ks : m_states) {
            bytes += ks.partials.capacity() * sizeof(Partial) + ks.held.capacity() * sizeof(Completed);
        }
        return bytes;
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return m_options.name; }

    TimeMs currentWatermark() const { return m_watermark; }
    //! Partial matches discarded by within().
    std::uint64_t timedOut() const { return m_timedOut; }
    //! Events dropped by CepOptions::prefilter.
    std::uint64_t prefiltered() const { return m_prefiltered; }
    //! Live partial matches over all keys, and events waiting for the watermark.
    std::size_t partialMatchCount() const {
        std::size_t n = 0;
        for (const KeyState& ks : m_states) {
            n += ks.partials.size();
        }
        return n;
    }
    std::size_t bufferedEvents() const { return m_pending.size(); }

private:
    struct Pending {
        TimeMs time;
        Key key;
        std::uint64_t arrival;
        T value;
    };
    //! Heap order: the earliest (time, key, tie, arrival) at the front.
    struct Later {
        const std::function<bool(const T&, const T&)>* tie;
        bool operator()(const Pending& a, const Pending& b) const {
            if (a.time != b.time) {
                return a.time > b.time;
            }
            if (a.key != b.key) {
                return a.key > b.key;
            }
            if (*tie) {
                if ((*tie)(b.value, a.value)) {
                    return true;
                }
                if ((*tie)(a.value, b.value)) {
                    return false;
                }
            }
            return a.arrival > b.arrival;
        }
    };
    struct Partial {
        std::uint32_t state;
        std::uint32_t node;
        TimeMs startTime;
        std::uint64_t startSeq;
    };
    struct Completed {
        std::uint32_t node;
        TimeMs startTime;
        std::uint64_t startSeq;
        std::uint64_t order;
    };
    //! One key's partial matches (sorted by start) and, under a skip strategy, the completed matches
    //! waiting until no partial match that started earlier is left.
    struct KeyState {
        Key key = 0;
        bool timerArmed = false;  //!< a timer is pending for this key (at most one)
        std::vector<Partial> partials;
        std::vector<Completed> held;
    };
    struct Timer {
        TimeMs expiry;
        Key key;
    };
    struct TimerLater {
        bool operator()(const Timer& a, const Timer& b) const {
            return a.expiry != b.expiry ? a.expiry > b.expiry : a.key > b.key;
        }
    };
    struct FoundEdge {
        std::uint32_t source;
        cep_detail::NfaEdge edge;
    };

    //! to − from ≥ span without signed overflow.
    static bool spanReaches(TimeMs from, TimeMs to, TimeMs span) {
        TimeMs d = 0;
        if (__builtin_sub_overflow(to, from, &d)) {
            return to > from;
        }
        return d >= span;
    }
    static TimeMs saturatingAdd(TimeMs a, TimeMs b) {
        TimeMs r = 0;
        return __builtin_add_overflow(a, b, &r) ? kEndOfTime : r;
    }

    std::uint64_t fingerprint() const {
        std::uint64_t h = 1469598103934665603ull;
        auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ull; };
        for (const auto& n : *m_names) {
            for (char c : n) {
                mix(static_cast<unsigned char>(c));
            }
            mix(0xff);
        }
        mix(m_nfa.states.size());
        for (const auto& s : m_nfa.states) {
            mix(s.edges.size());
        }
        mix(static_cast<std::uint64_t>(m_withinMs));
        mix(static_cast<std::uint64_t>(m_skip));
        return h;
    }

    bool test(cep_detail::EdgeCondition condition, std::uint16_t stage, const T& value, const MatchContext<T>& ctx) {
        using cep_detail::EdgeCondition;
        if (condition == EdgeCondition::True) {
            return true;
        }
        bool result = true;
        const auto& cond = m_conditions[stage];
        if (cond) {
            if (m_simple[stage]) {
                if (m_cache[stage] < 0) {
                    m_cache[stage] = cond(value, ctx) ? 1 : 0;
                }
                result = m_cache[stage] == 1;
            } else {
                result = cond(value, ctx);
            }
        }
        return condition == EdgeCondition::StageCondition ? result : !result;
    }

    void addPotential(std::uint32_t node, TimeMs startTime, std::uint64_t startSeq) {
        m_nodes.ref(node);
        m_potential.push_back(Completed{node, startTime, startSeq, m_nextOrder++});
    }

    //! Flink's computeNextStates: expands PROCEED edges, then follows every TAKE / IGNORE edge.
    void step(const Partial& p, bool fromStart, const T& value, TimeMs time, std::uint64_t seq) {
        using cep_detail::EdgeAction;
        const std::uint32_t head = fromStart ? cep_detail::kNone : p.node;
        const MatchContext<T> ctx(m_nodes, head, *m_names);
        m_found.clear();
        m_stack.clear();
        m_stack.push_back(p.state);
        while (!m_stack.empty()) {
            const std::uint32_t s = m_stack.back();
            m_stack.pop_back();
            const auto& state = m_nfa.states[s];
            for (const auto& e : state.edges) {
                if (!test(e.condition, state.stage, value, ctx)) {
                    continue;
                }
                if (e.action == EdgeAction::Proceed) {
                    m_stack.push_back(e.target);
                } else {
                    m_found.push_back(FoundEdge{s, e});
                }
            }
        }
        const TimeMs startTime = fromStart ? time : p.startTime;
        const std::uint64_t startSeq = fromStart ? seq : p.startSeq;
        m_stepNodes.clear();
        for (const FoundEdge& f : m_found) {
            const auto& target = m_nfa.states[f.edge.target];
            if (f.edge.action == EdgeAction::Ignore) {
                if (!fromStart) {
                    m_nodes.ref(p.node);
                    m_next.push_back(Partial{f.edge.target, p.node, p.startTime, p.startSeq});
                }
                continue;
            }
            const std::uint16_t stage = m_nfa.states[f.source].stage;
            std::uint32_t node = cep_detail::kNone;
            for (const auto& [s, n] : m_stepNodes) {
                if (s == stage) {
                    node = n;
                }
            }
            if (node == cep_detail::kNone) {
                node = m_nodes.make(value, time, seq, stage, head);
                m_stepNodes.emplace_back(stage, node);
            }
            if (target.final) {
                addPotential(node, startTime, startSeq);
                continue;
            }
            m_nodes.ref(node);
            m_next.push_back(Partial{f.edge.target, node, startTime, startSeq});
            if (target.proceedsToFinal) {
                addPotential(node, startTime, startSeq);
            }
        }
    }

    KeyState& stateFor(Key key) {
        const auto next = static_cast<std::uint32_t>(m_states.size());
        const std::uint32_t index = m_keys.findOrInsert(key, next);
        if (index == next) {
            m_states.emplace_back();
            m_states.back().key = key;
        }
        return m_states[index];
    }

    void process(Key key, const T& value, TimeMs time, Collector<Out>& out) {
        const std::uint64_t seq = m_nextSeq++;
        std::uint32_t index = m_keys.find(key);
        if (index != cep_detail::kNone && m_withinMs > 0) {
            expire(m_states[index], time);
        }
        m_next.clear();
        m_potential.clear();
        std::fill(m_cache.begin(), m_cache.end(), -1);
        if (index != cep_detail::kNone) {
            for (const Partial& p : m_states[index].partials) {
                step(p, false, value, time, seq);
            }
        }
        const std::size_t fromOld = m_next.size();
        step(Partial{m_nfa.start, cep_detail::kNone, time, seq}, true, value, time, seq);
        const bool startedPartial = m_next.size() > fromOld;
        if (index == cep_detail::kNone) {
            if (m_next.empty() && m_potential.empty()) {
                return;  // the common case of an unrelated event: no state, no allocation
            }
            stateFor(key);
            index = m_keys.find(key);
        }
        KeyState& ks = m_states[index];
        for (const Partial& p : ks.partials) {
            m_nodes.unref(p.node);
        }
        // Copied, not swapped: each key keeps its own buffer (sized by its own peak), so buffers do
        // not rotate between keys and a warm operator never reallocates here.
        ks.partials.assign(m_next.begin(), m_next.end());
        emitMatches(ks, out);
        if (startedPartial) {
            armTimer(ks);
        }
    }

    //! One timer per key, at the earliest partial match's expiry; when it fires the key re-arms for
    //! the next one. A timer whose partial match completed or was skipped meanwhile is harmless.
    void armTimer(KeyState& ks) {
        if (m_withinMs <= 0 || ks.timerArmed || ks.partials.empty()) {
            return;
        }
        ks.timerArmed = true;
        m_timers.push_back(Timer{saturatingAdd(ks.partials.front().startTime, m_withinMs), ks.key});
        std::push_heap(m_timers.begin(), m_timers.end(), TimerLater{});
    }

    //! Drops the partial matches whose span from their first event reaches within() at `now`.
    void expire(KeyState& ks, TimeMs now) {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < ks.partials.size(); ++i) {
            const Partial& p = ks.partials[i];
            if (spanReaches(p.startTime, now, m_withinMs)) {
                timeout(ks.key, p);
            } else {
                ks.partials[kept++] = p;
            }
        }
        ks.partials.resize(kept);
    }

    void timeout(Key key, const Partial& p) {
        ++m_timedOut;
        if (m_timeouts != nullptr) {
            m_timeouts->collect(key, materialize(key, p.node), saturatingAdd(p.startTime, m_withinMs));
        }
        m_nodes.unref(p.node);
    }

    void emitMatches(KeyState& ks, Collector<Out>& out) {
        if (m_skip == AfterMatchSkipStrategy::Kind::NoSkip) {
            for (const Completed& c : m_potential) {
                emitMatch(ks.key, c, out);
            }
            m_potential.clear();
            return;
        }
        for (const Completed& c : m_potential) {
            ks.held.push_back(c);
            for (std::size_t i = ks.held.size() - 1; i > 0 && before(ks.held[i], ks.held[i - 1]); --i) {
                std::swap(ks.held[i], ks.held[i - 1]);
            }
        }
        m_potential.clear();
        releaseHeld(ks, out);
    }

    static bool before(const Completed& a, const Completed& b) {
        return a.startSeq != b.startSeq ? a.startSeq < b.startSeq : a.order < b.order;
    }

    //! Emits held matches that no earlier-started partial match can prune any more (Flink's
    //! processMatchesAccordingToSkipStrategy), pruning per the skip strategy after each.
    void releaseHeld(KeyState& ks, Collector<Out>& out) {
        while (!ks.held.empty() && (ks.partials.empty() || ks.held.front().startSeq <= ks.partials.front().startSeq)) {
            const Completed match = ks.held.front();
            ks.held.erase(ks.held.begin());
            prune(ks, match);
            emitMatch(ks.key, match, out);
        }
    }

    void prune(KeyState& ks, const Completed& match) {
        using Kind = AfterMatchSkipStrategy::Kind;
        std::uint64_t id = 0;
        bool inclusive = true;
        switch (m_skip) {
            case Kind::NoSkip:
                return;
            case Kind::SkipToNext:
                id = match.startSeq;
                break;
            case Kind::SkipPastLastEvent:
                id = m_nodes[match.node].seq;
                break;
            case Kind::SkipToFirst:
            case Kind::SkipToLast: {
                inclusive = false;
                bool found = false;
                for (std::uint32_t i = match.node; i != cep_detail::kNone; i = m_nodes[i].prev) {
                    if (m_nodes[i].stage == m_skipStage) {
                        if (!found || m_skip == Kind::SkipToFirst) {
                            id = m_nodes[i].seq;
                        }
                        if (found && m_skip == Kind::SkipToLast) {
                            break;
                        }
                        found = true;
                    }
                }
                if (!found) {
                    return;  // Flink's default: no events for the stage, nothing is skipped
                }
                break;
            }
        }
        auto pruned = [&](std::uint64_t start) { return inclusive ? start <= id : start < id; };
        std::size_t kept = 0;
        for (std::size_t i = 0; i < ks.partials.size(); ++i) {
            if (pruned(ks.partials[i].startSeq)) {
                m_nodes.unref(ks.partials[i].node);
            } else {
                ks.partials[kept++] = ks.partials[i];
            }
        }
        ks.partials.resize(kept);
        kept = 0;
        for (std::size_t i = 0; i < ks.held.size(); ++i) {
            if (pruned(ks.held[i].startSeq)) {
                m_nodes.unref(ks.held[i].node);
            } else {
                ks.held[kept++] = ks.held[i];
            }
        }
        ks.held.resize(kept);
    }

    Match<T> materialize(Key key, std::uint32_t node) const {
        std::vector<MatchedEvent<T>> events;
        for (std::uint32_t i = node; i != cep_detail::kNone; i = m_nodes[i].prev) {
            events.push_back(MatchedEvent<T>{m_nodes[i].value, m_nodes[i].eventTime, m_nodes[i].stage});
        }
        std::reverse(events.begin(), events.end());
        return Match<T>(key, m_names, std::move(events));
    }

    void emitMatch(Key key, const Completed& c, Collector<Out>& out) {
        const Match<T> match = materialize(key, c.node);
        const TimeMs time = m_nodes[c.node].eventTime;
        m_nodes.unref(c.node);
        ++m_counters.recordsOut;
        out.collect(key, m_select(match), time);
    }

    //! End of input: no partial match can complete any more; held matches are released.
    void finishAll(Collector<Out>& out) {
        std::vector<std::uint32_t> order;
        for (std::uint32_t i = 0; i < m_states.size(); ++i) {
            if (!m_states[i].partials.empty() || !m_states[i].held.empty()) {
                order.push_back(i);
            }
        }
        std::sort(order.begin(), order.end(),
                  [this](std::uint32_t a, std::uint32_t b) { return m_states[a].key < m_states[b].key; });
        for (std::uint32_t i : order) {
            KeyState& ks = m_states[i];
            for (const Partial& p : ks.partials) {
                if (m_withinMs > 0) {
                    timeout(ks.key, p);
                } else {
                    m_nodes.unref(p.node);
                }
            }
            ks.partials.clear();
            ks.timerArmed = false;
            releaseHeld(ks, out);
        }
        m_timers.clear();
    }

    Select m_select;
    CepOptions<T> m_options;
    cep_detail::Nfa m_nfa;
    std::shared_ptr<const std::vector<std::string>> m_names;
    std::vector<IterativeCondition<T>> m_conditions;
    std::vector<std::uint8_t> m_simple;
    std::vector<std::int8_t> m_cache;  //!< per stage: -1 unknown, else the simple condition's result
    TimeMs m_withinMs = 0;
    AfterMatchSkipStrategy::Kind m_skip = AfterMatchSkipStrategy::Kind::NoSkip;
    int m_skipStage = -1;
    std::uint64_t m_fingerprint = 0;

    Collector<T>* m_late = nullptr;
    Collector<Match<T>>* m_timeouts = nullptr;

    TimeMs m_watermark = kNoWatermark;
    std::uint64_t m_nextArrival = 0;
    std::uint64_t m_nextSeq = 0;
    std::uint64_t m_nextOrder = 0;
    std::vector<Pending> m_pending;
    std::vector<Timer> m_timers;
    cep_detail::KeyIndex m_keys;
    std::vector<KeyState> m_states;
    cep_detail::NodePool<T> m_nodes;

    // Scratch reused across events, so steady state allocates nothing.
    std::vector<Partial> m_next;
    std::vector<Completed> m_potential;
    std::vector<std::uint32_t> m_stack;
    std::vector<FoundEdge> m_found;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> m_stepNodes;

    OperatorCounters m_counters;
    std::uint64_t m_timedOut = 0;
    std::uint64_t m_prefiltered = 0;
};

//! A CepOperator whose output is the match itself.
template <class T>
std::unique_ptr<CepOperator<T, Match<T>>> makeCepOperator(const Pattern<T>& pattern, CepOptions<T> options = {}) {
    return std::make_unique<CepOperator<T, Match<T>>>(
        pattern, [](const Match<T>& m) { return m; }, std::move(options));
}

}  // namespace cityops::engine::stream

#include "cityops/engine/stream/cep_snapshot.h"
