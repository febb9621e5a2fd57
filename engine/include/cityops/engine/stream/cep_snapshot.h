#pragma once

// CepOperator::snapshot / restore (included by cep_operator.h). Layout, little-endian host order:
//   u32 magic "CEP1", u32 version, u64 pattern fingerprint,
//   i64 watermark, u64 next arrival, u64 next sequence, u64 next match order,
//   u64 n, n × pending event {i64 time, u64 key, u64 arrival, T},
//   u64 k, k × key {u64 key, u32 nodes, nodes × {u16 stage, i64 time, u64 seq, u32 prev, T} (parents
//                   first), u32 partials × {u32 state, u32 node, i64 start, u64 start seq},
//                   u32 held × {u32 node, i64 start, u64 start seq, u64 order}}.
// Restore parses everything first and changes nothing when the snapshot is malformed.

#include <unordered_map>

#include "cityops/engine/stream/cep_operator.h"

namespace cityops::engine::stream {

namespace cep_detail {
inline constexpr std::uint32_t kSnapshotMagic = 0x31504543u;  // "CEP1"
inline constexpr std::uint32_t kSnapshotVersion = 1;
}  // namespace cep_detail

template <class T, class Out>
void CepOperator<T, Out>::snapshot(StateWriter& writer) const {
    using Codec = CepEventCodec<T>;
    writer.put(cep_detail::kSnapshotMagic);
    writer.put(cep_detail::kSnapshotVersion);
    writer.put(m_fingerprint);
    writer.put(m_watermark);
    writer.put(m_nextArrival);
    writer.put(m_nextSeq);
    writer.put(m_nextOrder);
    writer.put<std::uint64_t>(m_pending.size());
    for (const Pending& p : m_pending) {
        writer.put(p.time);
        writer.put(p.key);
        writer.put(p.arrival);
        Codec::write(writer, p.value);
    }
    std::uint64_t keys = 0;
    for (const KeyState& ks : m_states) {
        keys += (!ks.partials.empty() || !ks.held.empty()) ? 1 : 0;
    }
    writer.put(keys);
    std::vector<std::uint32_t> nodes;
    std::unordered_map<std::uint32_t, std::uint32_t> local;
    for (const KeyState& ks : m_states) {
        if (ks.partials.empty() && ks.held.empty()) {
            continue;
        }
        nodes.clear();
        local.clear();
        auto collect = [&](std::uint32_t node) {
            for (std::uint32_t i = node; i != cep_detail::kNone && !local.contains(i); i = m_nodes[i].prev) {
                local.emplace(i, 0);
                nodes.push_back(i);
            }
        };
        for (const Partial& p : ks.partials) {
            collect(p.node);
        }
        for (const Completed& c : ks.held) {
            collect(c.node);
        }
        // A parent was processed before its children: sequence order writes parents first.
        std::sort(nodes.begin(), nodes.end(), [this](std::uint32_t a, std::uint32_t b) {
            return m_nodes[a].seq != m_nodes[b].seq ? m_nodes[a].seq < m_nodes[b].seq : a < b;
        });
        for (std::uint32_t i = 0; i < nodes.size(); ++i) {
            local[nodes[i]] = i;
        }
        writer.put(ks.key);
        writer.put(static_cast<std::uint32_t>(nodes.size()));
        for (std::uint32_t n : nodes) {
            const auto& node = m_nodes[n];
            writer.put(node.stage);
            writer.put(node.eventTime);
            writer.put(node.seq);
            writer.put(node.prev == cep_detail::kNone ? cep_detail::kNone : local[node.prev]);
            Codec::write(writer, node.value);
        }
        writer.put(static_cast<std::uint32_t>(ks.partials.size()));
        for (const Partial& p : ks.partials) {
            writer.put(p.state);
            writer.put(local[p.node]);
            writer.put(p.startTime);
            writer.put(p.startSeq);
        }
        writer.put(static_cast<std::uint32_t>(ks.held.size()));
        for (const Completed& c : ks.held) {
            writer.put(local[c.node]);
            writer.put(c.startTime);
            writer.put(c.startSeq);
            writer.put(c.order);
        }
    }
}

template <class T, class Out>
bool CepOperator<T, Out>::restore(StateReader& reader, const KeyFilter& filter) {
    using Codec = CepEventCodec<T>;
    struct RNode {
        std::uint16_t stage;
        TimeMs time;
        std::uint64_t seq;
        std::uint32_t prev;
        T value;
    };
    struct RKey {
        Key key;
        std::vector<RNode> nodes;
        std::vector<Partial> partials;  // node = local index
        std::vector<Completed> held;    // node = local index
    };
    if (reader.get<std::uint32_t>() != cep_detail::kSnapshotMagic ||
        reader.get<std::uint32_t>() != cep_detail::kSnapshotVersion || reader.get<std::uint64_t>() != m_fingerprint) {
        reader.fail();
        return false;
    }
    const auto watermark = reader.get<TimeMs>();
    const auto nextArrival = reader.get<std::uint64_t>();
    const auto nextSeq = reader.get<std::uint64_t>();
    const auto nextOrder = reader.get<std::uint64_t>();
    std::vector<Pending> pending;
    const auto pendingCount = reader.get<std::uint64_t>();
    for (std::uint64_t i = 0; i < pendingCount && !reader.failed(); ++i) {
        const auto time = reader.get<TimeMs>();
        const auto key = reader.get<Key>();
        const auto arrival = reader.get<std::uint64_t>();
        T value = Codec::read(reader);
        if (filter.owns(key)) {
            pending.push_back(Pending{time, key, arrival, std::move(value)});
        }
    }
    std::vector<RKey> keys;
    const auto keyCount = reader.get<std::uint64_t>();
    const auto states = static_cast<std::uint32_t>(m_nfa.states.size());
    for (std::uint64_t k = 0; k < keyCount && !reader.failed(); ++k) {
        RKey rk;
        rk.key = reader.get<Key>();
        const auto nodeCount = reader.get<std::uint32_t>();
        for (std::uint32_t i = 0; i < nodeCount && !reader.failed(); ++i) {
            RNode n{reader.get<std::uint16_t>(), reader.get<TimeMs>(), reader.get<std::uint64_t>(),
                    reader.get<std::uint32_t>(), T{}};
            n.value = Codec::read(reader);
            if (n.stage >= m_names->size() || (n.prev != cep_detail::kNone && n.prev >= i)) {
                reader.fail();
            }
            rk.nodes.push_back(std::move(n));
        }
        const auto partialCount = reader.get<std::uint32_t>();
        for (std::uint32_t i = 0; i < partialCount && !reader.failed(); ++i) {
            Partial p{reader.get<std::uint32_t>(), reader.get<std::uint32_t>(), reader.get<TimeMs>(),
                      reader.get<std::uint64_t>()};
            if (p.state >= states || m_nfa.states[p.state].final || p.node >= nodeCount) {
                reader.fail();
            }
            rk.partials.push_back(p);
        }
        const auto heldCount = reader.get<std::uint32_t>();
        for (std::uint32_t i = 0; i < heldCount && !reader.failed(); ++i) {
            Completed c{reader.get<std::uint32_t>(), reader.get<TimeMs>(), reader.get<std::uint64_t>(),
                        reader.get<std::uint64_t>()};
            if (c.node >= nodeCount) {
                reader.fail();
            }
            rk.held.push_back(c);
        }
        if (filter.owns(rk.key)) {
            keys.push_back(std::move(rk));
        }
    }
    if (reader.failed()) {
        return false;
    }

    m_watermark = std::max(m_watermark, watermark);
    m_nextArrival = std::max(m_nextArrival, nextArrival);
    m_nextSeq = std::max(m_nextSeq, nextSeq);
    m_nextOrder = std::max(m_nextOrder, nextOrder);
    const Later later{&m_options.tieLess};
    for (Pending& p : pending) {
        m_pending.push_back(std::move(p));
        std::push_heap(m_pending.begin(), m_pending.end(), later);
    }
    std::vector<std::uint32_t> global;
    for (RKey& rk : keys) {
        global.clear();
        for (const RNode& n : rk.nodes) {
            global.push_back(m_nodes.make(n.value, n.time, n.seq, n.stage,
                                          n.prev == cep_detail::kNone ? cep_detail::kNone : global[n.prev]));
        }
        KeyState& ks = stateFor(rk.key);
        for (Partial p : rk.partials) {
            p.node = global[p.node];
            m_nodes.ref(p.node);
            ks.partials.push_back(p);
        }
        armTimer(ks);
        for (Completed c : rk.held) {
            c.node = global[c.node];
            m_nodes.ref(c.node);
            ks.held.push_back(c);
        }
        // Nodes no restored match points at (none in a well-formed snapshot) are released here.
        for (std::uint32_t g : global) {
            m_nodes.ref(g);
        }
        for (std::uint32_t g : global) {
            m_nodes.unref(g);
        }
    }
    return true;
}

}  // namespace cityops::engine::stream
