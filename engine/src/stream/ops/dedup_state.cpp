#include <algorithm>

#include "cityops/engine/stream/dedup.h"

namespace cityops::engine::stream {
namespace {

TimeMs saturatingSub(TimeMs a, TimeMs b) {
    TimeMs r = 0;
    return __builtin_sub_overflow(a, b, &r) ? kNoWatermark : r;
}

TimeMs saturatingAdd(TimeMs a, TimeMs b) {
    TimeMs r = 0;
    return __builtin_add_overflow(a, b, &r) ? kEndOfTime : r;
}

//! A sanity bound for snapshots: more ids per key than this is a corrupt snapshot.
constexpr std::uint32_t kMaxSnapshotIdsPerKey = 1u << 20;

}  // namespace

DedupState::DedupState(DedupConfig config) : m_config(config) {
    m_config.ttlMs = std::max<TimeMs>(m_config.ttlMs, 0);
    m_config.idsPerKey = std::max<std::uint32_t>(m_config.idsPerKey, 1);
}

TimeMs DedupState::cutoffFor(const Slot& slot) const {
    const TimeMs now = std::max(slot.newest, m_watermark);
    return now == kNoWatermark ? kNoWatermark : saturatingSub(now, m_config.ttlMs);
}

std::size_t DedupState::homeOf(Key key) const {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & (m_index.size() - 1);
}

std::uint32_t DedupState::findSlot(Key key) const {
    if (m_index.empty()) {
        return kNoSlot;
    }
    for (std::size_t i = homeOf(key);; i = (i + 1) & (m_index.size() - 1)) {
        if (m_index[i].slot == kNoSlot || m_index[i].key == key) {
            return m_index[i].slot;
        }
    }
}

void DedupState::growIndex() {
    std::vector<IndexEntry> old(std::max<std::size_t>(64, m_index.size() * 2));
    old.swap(m_index);
    for (const IndexEntry& entry : old) {
        if (entry.slot != kNoSlot) {
            std::size_t i = homeOf(entry.key);
            while (m_index[i].slot != kNoSlot) {
                i = (i + 1) & (m_index.size() - 1);
            }
            m_index[i] = entry;
        }
    }
}

void DedupState::eraseIndex(std::size_t at) {
    // Backward-shift deletion: move later members of the probe run into the hole.
    const std::size_t mask = m_index.size() - 1;
    std::size_t hole = at;
    for (std::size_t i = (at + 1) & mask; m_index[i].slot != kNoSlot; i = (i + 1) & mask) {
        const std::size_t home = homeOf(m_index[i].key);
        if (((i - home) & mask) >= ((i - hole) & mask)) {  // home is not in (hole, i]: may move
            m_index[hole] = m_index[i];
            hole = i;
        }
    }
    m_index[hole] = IndexEntry{};
    --m_keyCount;
}

std::uint32_t DedupState::slotFor(Key key) {
    if ((m_keyCount + 1) * 2 > m_index.size()) {
        growIndex();
    }
    std::size_t at = homeOf(key);
    for (; m_index[at].slot != kNoSlot; at = (at + 1) & (m_index.size() - 1)) {
        if (m_index[at].key == key) {
            return m_index[at].slot;
        }
    }
    std::uint32_t index = 0;
    if (!m_freeSlots.empty()) {
        index = m_freeSlots.back();
        m_freeSlots.pop_back();
        m_slots[index] = Slot{};
    } else {
        index = static_cast<std::uint32_t>(m_slots.size());
        m_slots.emplace_back();
        m_entries.resize(m_entries.size() + m_config.idsPerKey);
    }
    m_slots[index].key = key;
    m_index[at] = IndexEntry{key, index};
    ++m_keyCount;
    return index;
}

void DedupState::remember(Slot& slot, Entry* ring, std::uint64_t id, TimeMs time, TimeMs cutoff) {
    const std::uint32_t capacity = m_config.idsPerKey;
    const auto advanceHead = [&] {
        slot.head = slot.head + 1 == capacity ? 0 : slot.head + 1;
        --slot.count;
    };
    while (slot.count > 0 && ring[slot.head].time < cutoff) {  // expired at the old end
        advanceHead();
    }
    if (slot.count == capacity) {
        ++m_evictions;  // still within its TTL, but the ring is full
        advanceHead();
    }
    const std::uint32_t tail = slot.head + slot.count;
    ring[tail >= capacity ? tail - capacity : tail] = Entry{id, time};
    ++slot.count;
}

bool DedupState::admit(Key key, std::uint64_t id, TimeMs eventTime) {
    const std::uint32_t index = slotFor(key);
    Slot& slot = m_slots[index];
    Entry* ring = m_entries.data() + static_cast<std::size_t>(index) * m_config.idsPerKey;
    slot.newest = std::max(slot.newest, eventTime);
    const TimeMs cutoff = cutoffFor(slot);
    if (eventTime < cutoff) {
        return true;  // beyond the TTL: its first copy may have been forgotten, so it passes
    }
    // The ring's entries are [head, head + count) modulo capacity: two plain ranges, no division.
    const std::uint32_t capacity = m_config.idsPerKey;
    const std::uint32_t firstEnd = std::min(slot.head + slot.count, capacity);
    const std::uint32_t wrapped = slot.head + slot.count - firstEnd;
    for (std::uint32_t i = slot.head; i < firstEnd; ++i) {
        if (ring[i].id == id && ring[i].time >= cutoff) {
            return false;
        }
    }
    for (std::uint32_t i = 0; i < wrapped; ++i) {
        if (ring[i].id == id && ring[i].time >= cutoff) {
            return false;
        }
    }
    remember(slot, ring, id, eventTime, cutoff);
    return true;
}

void DedupState::advanceWatermark(TimeMs watermark) {
    if (watermark <= m_watermark) {
        return;
    }
    m_watermark = watermark;
    const TimeMs step = std::max<TimeMs>(m_config.ttlMs / 4, 1);
    if (m_lastSweep == kNoWatermark || watermark >= saturatingAdd(m_lastSweep, step)) {
        m_lastSweep = watermark;
        sweep();
    }
}

void DedupState::sweep() {
    const TimeMs cutoff = saturatingSub(m_watermark, m_config.ttlMs);
    for (std::size_t i = 0; i < m_index.size();) {
        const std::uint32_t slot = m_index[i].slot;
        if (slot != kNoSlot && m_slots[slot].newest < cutoff) {  // every id of the key has expired
            m_freeSlots.push_back(slot);
            m_slots[slot].count = 0;
            eraseIndex(i);  // a later entry may have moved into i: look at it again
        } else {
            ++i;
        }
    }
}

void DedupState::snapshot(StateWriter& writer) const {
    writer.put<TimeMs>(m_watermark);
    writer.put<std::uint64_t>(m_keyCount);
    const std::uint32_t capacity = m_config.idsPerKey;
    for (const IndexEntry& indexEntry : m_index) {
        if (indexEntry.slot == kNoSlot) {
            continue;
        }
        const Key key = indexEntry.key;
        const std::uint32_t index = indexEntry.slot;
        const Slot& slot = m_slots[index];
        const Entry* ring = m_entries.data() + static_cast<std::size_t>(index) * capacity;
        writer.put<Key>(key);
        writer.put<TimeMs>(slot.newest);
        writer.put<std::uint32_t>(slot.count);
        for (std::uint32_t i = 0; i < slot.count; ++i) {
            const Entry& entry = ring[(slot.head + i) % capacity];
            writer.put<std::uint64_t>(entry.id);
            writer.put<TimeMs>(entry.time);
        }
    }
}

bool DedupState::restore(StateReader& reader, const KeyFilter& filter) {
    const auto watermark = reader.get<TimeMs>();
    const auto keys = reader.get<std::uint64_t>();
    const std::uint64_t evictionsBefore = m_evictions;
    for (std::uint64_t k = 0; k < keys && !reader.failed(); ++k) {
        const auto key = reader.get<Key>();
        const auto newest = reader.get<TimeMs>();
        const auto count = reader.get<std::uint32_t>();
        if (count > kMaxSnapshotIdsPerKey) {
            reader.fail();
            break;
        }
        const bool owned = filter.owns(key);
        Slot* slot = nullptr;
        Entry* ring = nullptr;
        if (owned) {
            const std::uint32_t index = slotFor(key);
            slot = &m_slots[index];
            ring = m_entries.data() + static_cast<std::size_t>(index) * m_config.idsPerKey;
            slot->newest = std::max(slot->newest, newest);
        }
        for (std::uint32_t i = 0; i < count && !reader.failed(); ++i) {
            const auto id = reader.get<std::uint64_t>();
            const auto time = reader.get<TimeMs>();
            if (owned && !reader.failed()) {
                remember(*slot, ring, id, time, kNoWatermark);
            }
        }
    }
    m_evictions = evictionsBefore;  // a smaller idsPerKey than the writer's is not an eviction
    if (reader.failed()) {
        return false;
    }
    m_watermark = std::max(m_watermark, watermark);
    return true;
}

std::size_t DedupState::stateBytes() const {
    return m_slots.capacity() * sizeof(Slot) + m_entries.capacity() * sizeof(Entry) +
           m_index.capacity() * sizeof(IndexEntry) + m_freeSlots.capacity() * sizeof(std::uint32_t);
}

}  // namespace cityops::engine::stream
