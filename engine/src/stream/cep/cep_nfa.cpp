#include "cityops/engine/stream/cep_nfa.h"

#include <optional>
#include <stdexcept>

namespace cityops::engine::stream::cep_detail {

namespace {

//! Builds the state graph back to front, as Flink's NFACompiler does: each stage is converted with
//! the first state of the following stage (or the final state) as its sink.
class Compiler {
public:
    explicit Compiler(const std::vector<StageShape>& stages) : m_stages(stages) {}

    Nfa run() {
        if (m_stages.empty()) {
            throw std::invalid_argument("CEP: a pattern needs at least one stage");
        }
        if (m_stages.size() > 0xfff0u) {
            throw std::invalid_argument("CEP: too many pattern stages");
        }
        const std::uint32_t final = add(0);
        m_nfa.states[final].final = true;
        m_nfa.final = final;
        std::uint32_t sink = final;
        for (std::size_t i = m_stages.size(); i-- > 0;) {
            sink = convert(static_cast<std::uint16_t>(i), sink);
        }
        m_nfa.start = sink;
        m_nfa.states[sink].start = true;
        for (std::uint32_t s = 0; s < m_nfa.states.size(); ++s) {
            m_nfa.states[s].proceedsToFinal = reachesFinal(s, 0);
        }
        return std::move(m_nfa);
    }

private:
    static std::optional<EdgeCondition> ignoreFor(Contiguity c) {
        switch (c) {
            case Contiguity::Strict:
                return std::nullopt;
            case Contiguity::Relaxed:
                return EdgeCondition::NotStageCondition;
            case Contiguity::NonDeterministic:
                return EdgeCondition::True;
        }
        return std::nullopt;
    }

    std::uint32_t add(std::uint16_t stage) {
        NfaState s;
        s.stage = stage;
        m_nfa.states.push_back(std::move(s));
        return static_cast<std::uint32_t>(m_nfa.states.size() - 1);
    }
    void edge(std::uint32_t from, EdgeAction action, EdgeCondition condition, std::uint32_t to) {
        m_nfa.states[from].edges.push_back(NfaEdge{action, condition, to});
    }

    std::uint32_t convert(std::uint16_t stage, std::uint32_t sink) {
        const StageShape& shape = m_stages[stage];
        if (shape.quantified && shape.maxTimes == kUnbounded) {
            const std::uint32_t loop = looping(stage, sink);
            return times(stage, loop, sink, shape.minTimes, shape.minTimes);
        }
        if (shape.quantified) {
            return times(stage, sink, sink, shape.minTimes, shape.maxTimes);
        }
        return singleton(stage, sink, sink, ignoreFor(shape.contiguity), shape.optional);
    }

    //! One event of the stage: TAKE to sink, PROCEED to proceedTo when optional, IGNORE per contiguity.
    std::uint32_t singleton(std::uint16_t stage, std::uint32_t sink, std::uint32_t proceedTo,
                            std::optional<EdgeCondition> ignore, bool optional) {
        const std::uint32_t s = add(stage);
        edge(s, EdgeAction::Take, EdgeCondition::StageCondition, sink);
        if (optional) {
            edge(s, EdgeAction::Proceed, EdgeCondition::True, proceedTo);
        }
        if (ignore) {
            std::uint32_t ignoreState = s;
            if (optional) {
                // Without a PROCEED edge, so that skipping events branches to the next stage only once.
                ignoreState = add(stage);
                edge(ignoreState, EdgeAction::Take, EdgeCondition::StageCondition, sink);
                edge(ignoreState, EdgeAction::Ignore, *ignore, ignoreState);
            }
            edge(s, EdgeAction::Ignore, *ignore, ignoreState);
        }
        return s;
    }

    //! from..to events of the stage; the states after `from` may PROCEED to proceedTo.
    std::uint32_t times(std::uint16_t stage, std::uint32_t sink, std::uint32_t proceedTo, int from, int to) {
        const StageShape& shape = m_stages[stage];
        const auto inner = ignoreFor(shape.inner);
        std::uint32_t last = sink;
        for (int i = from; i < to; ++i) {
            last = singleton(stage, last, proceedTo, inner, true);
        }
        for (int i = 0; i < from - 1; ++i) {
            last = singleton(stage, last, kNone, inner, false);
        }
        return singleton(stage, last, proceedTo, ignoreFor(shape.contiguity), shape.optional);
    }

    //! The loop of oneOrMore / timesOrMore: TAKE to itself, PROCEED to sink, IGNORE per inner contiguity.
    std::uint32_t looping(std::uint16_t stage, std::uint32_t sink) {
        const std::uint32_t loop = add(stage);
        edge(loop, EdgeAction::Proceed, EdgeCondition::True, sink);
        edge(loop, EdgeAction::Take, EdgeCondition::StageCondition, loop);
        if (const auto inner = ignoreFor(m_stages[stage].inner)) {
            const std::uint32_t ignoreState = add(stage);
            edge(ignoreState, EdgeAction::Take, EdgeCondition::StageCondition, loop);
            edge(ignoreState, EdgeAction::Ignore, *inner, ignoreState);
            edge(loop, EdgeAction::Ignore, *inner, ignoreState);
        }
        return loop;
    }

    bool reachesFinal(std::uint32_t s, int depth) const {
        if (m_nfa.states[s].final) {
            return true;
        }
        if (depth > static_cast<int>(m_nfa.states.size())) {
            return false;
        }
        for (const NfaEdge& e : m_nfa.states[s].edges) {
            if (e.action == EdgeAction::Proceed && reachesFinal(e.target, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    const std::vector<StageShape>& m_stages;
    Nfa m_nfa;
};

}  // namespace

Nfa compileNfa(const std::vector<StageShape>& stages) { return Compiler(stages).run(); }

}  // namespace cityops::engine::stream::cep_detail
