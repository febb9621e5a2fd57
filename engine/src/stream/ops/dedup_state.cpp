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

std::uint32_t DedupState::slotFor(Key key) {
    if (const auto it = m_index.find(key); it != m_index.end()) {
        return it->second;
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
    m_index.emplace(key, index);
    return index;
}

void DedupState::remember(Slot& slot, Entry* ring, std::uint64_t id, TimeMs time, TimeMs cutoff) {
    const std::uint32_t capacity = m_config.idsPerKey;
    while (slot.count > 0 && ring[slot.head].time < cutoff) {  // expired at the old end
        slot.head = (slot.head + 1) % capacity;
        --slot.count;
    }
    if (slot.count == capacity) {
        ++m_evictions;  // still within its TTL, but the ring is full
        slot.head = (slot.head + 1) % capacity;
        --slot.count;
    }
    ring[(slot.head + slot.count) % capacity] = Entry{id, time};
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
    const std::uint32_t capacity = m_config.idsPerKey;
    for (std::uint32_t i = 0; i < slot.count; ++i) {
        const Entry& entry = ring[(slot.head + i) % capacity];
        if (entry.id == id && entry.time >= cutoff) {
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
    for (auto it = m_index.begin(); it != m_index.end();) {
        if (m_slots[it->second].newest < cutoff) {  // every id of the key has expired
            m_freeSlots.push_back(it->second);
            m_slots[it->second].count = 0;
            it = m_index.erase(it);
        } else {
            ++it;
        }
    }
}

void DedupState::snapshot(StateWriter& writer) const {
    writer.put<TimeMs>(m_watermark);
    writer.put<std::uint64_t>(m_index.size());
    const std::uint32_t capacity = m_config.idsPerKey;
    for (const auto& [key, index] : m_index) {
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
           m_index.size() * (sizeof(Key) + sizeof(std::uint32_t) + 2 * sizeof(void*)) +
           m_index.bucket_count() * sizeof(void*) + m_freeSlots.capacity() * sizeof(std::uint32_t);
}

}  // namespace cityops::engine::stream
