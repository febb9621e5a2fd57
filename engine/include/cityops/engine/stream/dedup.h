#pragma once

// Deduplication by event id with bounded state: per key, the ids seen within a TTL of event time.
// At-least-once sources (a gateway retrying, a replay after restart) deliver some events twice;
// this operator lets the first copy through and drops the repeats, counting them.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

struct DedupConfig {
    //! An id is remembered until the key's event time (or the watermark) passes its time + ttlMs.
    TimeMs ttlMs = 10 * 60 * 1000;
    //! Ids remembered per key at most; when full, the oldest remembered id is forgotten (counted as
    //! an eviction). Size it above the events a key sends within the TTL.
    std::uint32_t idsPerKey = 64;
};

//! The state of DedupOperator, independent of the record type: per key a ring of (id, event time).
//! Not thread-safe: one worker owns it.
class DedupState {
public:
    explicit DedupState(DedupConfig config);

    //! True when id is new for key (it is then remembered), false for a repeat within the TTL. An
    //! event already older than the key's newest time − TTL is let through and not remembered.
    bool admit(Key key, std::uint64_t id, TimeMs eventTime);
    //! Forgets ids older than watermark − TTL; keys with nothing left are dropped. Sweeps all keys
    //! at most once per TTL/4 of watermark progress, so the cost per batch stays small.
    void advanceWatermark(TimeMs watermark);

    void snapshot(StateWriter& writer) const;
    bool restore(StateReader& reader, const KeyFilter& filter);

    std::size_t keyCount() const { return m_keyCount; }
    std::size_t stateBytes() const;
    //! Ids forgotten before their TTL because a key's ring was full.
    std::uint64_t evictions() const { return m_evictions; }
    const DedupConfig& config() const { return m_config; }

private:
    struct Entry {
        std::uint64_t id = 0;
        TimeMs time = 0;
    };
    struct Slot {
        Key key = 0;
        TimeMs newest = kNoWatermark;
        std::uint32_t head = 0;   //!< ring position of the oldest entry
        std::uint32_t count = 0;  //!< entries in the ring
    };

    //! Open addressing (linear probing) from key to slot; erase shifts back, so no tombstones.
    struct IndexEntry {
        Key key = 0;
        std::uint32_t slot = kNoSlot;
    };
    static constexpr std::uint32_t kNoSlot = 0xffffffffu;
    std::size_t homeOf(Key key) const;
    std::uint32_t findSlot(Key key) const;
    void eraseIndex(std::size_t at);
    void growIndex();

    std::uint32_t slotFor(Key key);
    void remember(Slot& slot, Entry* ring, std::uint64_t id, TimeMs time, TimeMs cutoff);
    TimeMs cutoffFor(const Slot& slot) const;
    void sweep();

    DedupConfig m_config;
    std::vector<IndexEntry> m_index;  //!< power-of-two size, at most half full
    std::size_t m_keyCount = 0;
    std::vector<Slot> m_slots;
    std::vector<Entry> m_entries;  //!< idsPerKey entries per slot
    std::vector<std::uint32_t> m_freeSlots;
    TimeMs m_watermark = kNoWatermark;
    TimeMs m_lastSweep = kNoWatermark;
    std::uint64_t m_evictions = 0;
};

//! Drops repeats of an event id per key within a TTL of event time. IdFn maps a record to its
//! 64-bit event id (e.g. readingDedupId for a DecodedReading). No allocation per event once a key
//! has been seen.
template <class T, class IdFn = std::uint64_t (*)(const T&)>
class DedupOperator final : public KeyedOperator<T, T> {
public:
    DedupOperator(DedupConfig config, IdFn idOf) : m_state(config), m_idOf(std::move(idOf)) {}

    void processElement(Key key, const T& value, TimeMs eventTime, Collector<T>& out) override {
        ++m_counters.recordsIn;
        if (m_state.admit(key, m_idOf(value), eventTime)) {
            ++m_counters.recordsOut;
            out.collect(key, value, eventTime);
        } else {
            ++m_counters.duplicates;
        }
    }
    bool forwardsPrefetch() const override { return true; }
    void onWatermark(TimeMs watermark, Collector<T>& out) override {
        (void)out;
        m_state.advanceWatermark(watermark);
    }
    void snapshot(StateWriter& writer) const override { m_state.snapshot(writer); }
    bool restore(StateReader& reader, const KeyFilter& filter) override { return m_state.restore(reader, filter); }
    std::size_t stateBytes() const override { return m_state.stateBytes(); }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override {
        return "dedup(ttl " + std::to_string(m_state.config().ttlMs / 1000) + "s, " +
               std::to_string(m_state.config().idsPerKey) + " ids/key)";
    }
    const DedupState& state() const { return m_state; }

private:
    DedupState m_state;
    IdFn m_idOf;
    OperatorCounters m_counters;
};

}  // namespace cityops::engine::stream
