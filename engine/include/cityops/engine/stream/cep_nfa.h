#pragma once

// The CEP library's internals shared by the operator template: the compiled NFA (Flink's state
// graph with TAKE / IGNORE / PROCEED edges), the pooled event nodes partial matches point into, the
// context iterative conditions see, and a flat key index. Not needed by pattern authors.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/stream/cep_pattern.h"
#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

namespace cep_detail {

inline constexpr std::uint32_t kNone = 0xffffffffu;

enum class EdgeAction : std::uint8_t { Take, Ignore, Proceed };
//! Edge conditions: always, the stage's condition, or its negation (Flink's skip-till-next ignore).
enum class EdgeCondition : std::uint8_t { True, StageCondition, NotStageCondition };

struct NfaEdge {
    EdgeAction action;
    EdgeCondition condition;
    std::uint32_t target;
};

struct NfaState {
    std::uint16_t stage = 0;  //!< the pattern stage whose condition the edges test
    bool final = false;
    bool start = false;
    bool proceedsToFinal = false;  //!< a PROCEED path (all conditions true) reaches the final state
    std::vector<NfaEdge> edges;
};

//! The shape of one stage, all the compiler needs.
struct StageShape {
    Contiguity contiguity = Contiguity::Relaxed;
    Contiguity inner = Contiguity::Relaxed;
    int minTimes = 1;
    int maxTimes = 1;
    bool optional = false;
    bool quantified = false;
};

//! The compiled pattern: states[start] is the start state, exactly one state is final.
struct Nfa {
    std::vector<NfaState> states;
    std::uint32_t start = 0;
    std::uint32_t final = 0;
};

//! Builds the NFA for a pattern sequence the way Flink's NFACompiler does (singleton, times and
//! looping states, optional states with separate ignore states), without NOT patterns and groups.
Nfa compileNfa(const std::vector<StageShape>& stages);

//! One matched event in the node pool; partial matches share prefixes through `prev`.
template <class T>
struct Node {
    T value{};
    TimeMs eventTime = 0;
    std::uint64_t seq = 0;  //!< processing order of the operator: event-time order within a key
    std::uint32_t prev = kNone;
    std::uint32_t refs = 0;
    std::uint16_t stage = 0;
};

//! Pooled nodes with reference counts and a free list: steady state allocates nothing.
template <class T>
class NodePool {
public:
    std::uint32_t make(const T& value, TimeMs eventTime, std::uint64_t seq, std::uint16_t stage,
                       std::uint32_t prev) {
        std::uint32_t index;
        if (m_free != kNone) {
            index = m_free;
            m_free = m_nodes[index].prev;
        } else {
            index = static_cast<std::uint32_t>(m_nodes.size());
            m_nodes.emplace_back();
        }
        Node<T>& n = m_nodes[index];
        n.value = value;
        n.eventTime = eventTime;
        n.seq = seq;
        n.stage = stage;
        n.prev = prev;
        n.refs = 0;
        if (prev != kNone) {
            ++m_nodes[prev].refs;
        }
        ++m_live;
        return index;
    }
    void ref(std::uint32_t index) {
        if (index != kNone) {
            ++m_nodes[index].refs;
        }
    }
    void unref(std::uint32_t index) {
        while (index != kNone) {
            Node<T>& n = m_nodes[index];
            if (--n.refs > 0) {
                return;
            }
            const std::uint32_t prev = n.prev;
            n.prev = m_free;
            m_free = index;
            --m_live;
            index = prev;
        }
    }
    const Node<T>& operator[](std::uint32_t index) const { return m_nodes[index]; }
    std::size_t live() const { return m_live; }
    std::size_t capacityBytes() const { return m_nodes.capacity() * sizeof(Node<T>); }

private:
    std::vector<Node<T>> m_nodes;
    std::uint32_t m_free = kNone;
    std::size_t m_live = 0;
};

//! Open-addressing map from a key to a dense index; grows, never shrinks.
class KeyIndex {
public:
    std::uint32_t find(Key key) const {
        if (m_slots.empty()) {
            return kNone;
        }
        for (std::size_t i = slotOf(key);; i = (i + 1) & m_mask) {
            if (m_slots[i].index == kNone) {
                return kNone;
            }
            if (m_slots[i].key == key) {
                return m_slots[i].index;
            }
        }
    }
    //! The index stored for key, or stores newIndex when key is new.
    std::uint32_t findOrInsert(Key key, std::uint32_t newIndex) {
        if ((m_size + 1) * 2 > m_slots.size()) {
            grow();
        }
        for (std::size_t i = slotOf(key);; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (slot.index == kNone) {
                slot = Slot{key, newIndex};
                ++m_size;
                return newIndex;
            }
            if (slot.key == key) {
                return slot.index;
            }
        }
    }
    std::size_t capacityBytes() const { return m_slots.capacity() * sizeof(Slot); }

private:
    struct Slot {
        Key key = 0;
        std::uint32_t index = kNone;
    };
    std::size_t slotOf(Key key) const {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdULL;
        key ^= key >> 33;
        return static_cast<std::size_t>(key) & m_mask;
    }
    void grow() {
        std::vector<Slot> old;
        old.swap(m_slots);
        const std::size_t capacity = old.empty() ? 64 : old.size() * 2;
        m_slots.assign(capacity, Slot{});
        m_mask = capacity - 1;
        m_size = 0;
        for (const Slot& slot : old) {
            if (slot.index != kNone) {
                findOrInsert(slot.key, slot.index);
            }
        }
    }
    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    std::size_t m_size = 0;
};

}  // namespace cep_detail

//! What an iterative condition sees: the events the partial match has taken so far (the event
//! under test is not among them), looked up by stage name. Valid only during the call.
template <class T>
class MatchContext {
public:
    MatchContext(const cep_detail::NodePool<T>& nodes, std::uint32_t head, const std::vector<std::string>& names)
        : m_nodes(nodes), m_head(head), m_names(names) {}

    //! Index of stage `name`, or -1 when the pattern has no such stage.
    int stageIndex(std::string_view name) const {
        for (std::size_t i = 0; i < m_names.size(); ++i) {
            if (m_names[i] == name) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }
    //! The earliest event matched as `name`, or nullptr.
    const T* first(std::string_view name) const {
        const int stage = stageIndex(name);
        const T* found = nullptr;
        for (std::uint32_t i = m_head; i != cep_detail::kNone; i = m_nodes[i].prev) {
            if (m_nodes[i].stage == stage) {
                found = &m_nodes[i].value;
            } else if (found != nullptr) {
                break;  // a stage's events are contiguous
            }
        }
        return found;
    }
    //! The latest event matched as `name`, or nullptr.
    const T* last(std::string_view name) const {
        const int stage = stageIndex(name);
        for (std::uint32_t i = m_head; i != cep_detail::kNone; i = m_nodes[i].prev) {
            if (m_nodes[i].stage == stage) {
                return &m_nodes[i].value;
            }
        }
        return nullptr;
    }
    //! Number of events matched as `name`.
    std::size_t count(std::string_view name) const {
        const int stage = stageIndex(name);
        std::size_t n = 0;
        for (std::uint32_t i = m_head; i != cep_detail::kNone; i = m_nodes[i].prev) {
            n += m_nodes[i].stage == stage ? 1 : 0;
        }
        return n;
    }
    //! Calls fn(const T&, TimeMs) for each event matched as `name`, newest first.
    template <class F>
    void forEachNewestFirst(std::string_view name, F&& fn) const {
        const int stage = stageIndex(name);
        for (std::uint32_t i = m_head; i != cep_detail::kNone; i = m_nodes[i].prev) {
            if (m_nodes[i].stage == stage) {
                fn(m_nodes[i].value, m_nodes[i].eventTime);
            }
        }
    }
    //! The latest matched event of any stage, or nullptr for a match that has not started.
    const T* lastEvent() const { return m_head == cep_detail::kNone ? nullptr : &m_nodes[m_head].value; }
    //! Event time of the first matched event, or kNoWatermark when none.
    TimeMs firstEventTime() const {
        TimeMs t = kNoWatermark;
        for (std::uint32_t i = m_head; i != cep_detail::kNone; i = m_nodes[i].prev) {
            t = m_nodes[i].eventTime;
        }
        return t;
    }

private:
    const cep_detail::NodePool<T>& m_nodes;
    std::uint32_t m_head;
    const std::vector<std::string>& m_names;
};

}  // namespace cityops::engine::stream
