#pragma once

// Open-addressing hash map used by keyed state, timers and window slots. Values live in a dense
// vector with a free list; the index is a linear-probing table of (key, entry index) with
// backward-shift deletion (no tombstones). Erasing and re-inserting reuses entries, so a map that
// is refilled every period allocates only when it outgrows its peak. Entry indices stay stable
// until the entry is erased, which lets state keep intrusive links and cleanup cursors.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream::detail {

//! State with fewer entries than this stays in a core's caches: operators skip prefetching it.
inline constexpr std::size_t kPrefetchAboveEntries = 8192;

//! splitmix64 finaliser: a cheap, well-spread 64-bit hash.
inline std::uint64_t mix64(std::uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ull;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z;
}

//! Default hash: integers and enums are mixed; other types need their own hasher.
template <class K>
struct FlatHash {
    std::uint64_t operator()(const K& key) const {
        if constexpr (std::is_integral_v<K> || std::is_enum_v<K>) {
            return mix64(static_cast<std::uint64_t>(key));
        } else {
            return mix64(static_cast<std::uint64_t>(std::hash<K>{}(key)));
        }
    }
};

//! Key plus time: the key of timers and of tumbling/sliding window slots.
struct KeyTime {
    Key key = 0;
    TimeMs time = 0;
    bool operator==(const KeyTime&) const = default;
};

template <>
struct FlatHash<KeyTime> {
    std::uint64_t operator()(const KeyTime& k) const {
        return mix64(k.key ^ mix64(static_cast<std::uint64_t>(k.time) + 0x632be59bd9b4e019ull));
    }
};

//! Hash map K → V with stable entry indices and no allocation when refilled below its peak.
template <class K, class V, class Hash = FlatHash<K>>
class FlatMap {
public:
    static constexpr std::uint32_t kNone = 0xffffffffu;

    //! Entry index of key, or kNone.
    std::uint32_t findIndex(const K& key) const {
        if (m_size == 0) {
            return kNone;
        }
        const std::uint64_t h = Hash{}(key);
        const auto tag = static_cast<std::uint32_t>(h);
        for (std::size_t i = static_cast<std::size_t>(h) & m_mask;; i = (i + 1) & m_mask) {
            const Bucket& b = m_buckets[i];
            if (b.index == kNone) {
                return kNone;
            }
            if (b.hash == tag && m_entries[b.index].key == key) {
                return b.index;
            }
        }
    }

    //! Starts loading what a lookup of key will touch: its home bucket and, when that bucket is
    //! already cached and occupied, its entry. Call it a few records ahead of the lookup
    //! (software pipelining over a batch); it changes nothing.
    void prefetch(const K& key) const {
        if (m_buckets.empty()) {
            return;
        }
        const Bucket* b = &m_buckets[static_cast<std::size_t>(Hash{}(key)) & m_mask];
        __builtin_prefetch(b);
        const std::uint32_t idx = b->index;
        if (idx != kNone) {
            __builtin_prefetch(&m_entries[idx]);
        }
    }

    V* find(const K& key) {
        const auto idx = findIndex(key);
        return idx == kNone ? nullptr : &m_entries[idx].value;
    }
    const V* find(const K& key) const {
        const auto idx = findIndex(key);
        return idx == kNone ? nullptr : &m_entries[idx].value;
    }

    //! Entry index of key; inserts it when absent (the value is then a reused or default entry the
    //! caller must reset). `inserted` tells which.
    std::uint32_t findOrInsert(const K& key, bool& inserted) {
        if ((m_size + 1) * 2 > m_buckets.size()) {
            grow();
        }
        const std::uint64_t h = Hash{}(key);
        const auto tag = static_cast<std::uint32_t>(h);
        std::size_t i = static_cast<std::size_t>(h) & m_mask;
        for (;; i = (i + 1) & m_mask) {
            const Bucket& b = m_buckets[i];
            if (b.index == kNone) {
                break;
            }
            if (b.hash == tag && m_entries[b.index].key == key) {
                inserted = false;
                return b.index;
            }
        }
        std::uint32_t idx;
        if (!m_free.empty()) {
            idx = m_free.back();
            m_free.pop_back();
            m_entries[idx].key = key;
            m_entries[idx].live = true;
        } else {
            idx = static_cast<std::uint32_t>(m_entries.size());
            m_entries.push_back(Entry{key, V{}, true});
            if (m_free.capacity() < m_entries.capacity()) {
                m_free.reserve(m_entries.capacity());
            }
        }
        m_buckets[i] = Bucket{idx, tag};
        ++m_size;
        inserted = true;
        return idx;
    }

    bool erase(const K& key) {
        const auto idx = findIndex(key);
        if (idx == kNone) {
            return false;
        }
        eraseAt(idx);
        return true;
    }

    //! Erases the live entry at idx. Other entries keep their indices.
    void eraseAt(std::uint32_t idx) {
        std::size_t i = bucketOf(m_entries[idx].key);  // the one hash of an erase; shifts use the stored ones
        while (m_buckets[i].index != idx) {
            i = (i + 1) & m_mask;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole.
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & m_mask;; j = (j + 1) & m_mask) {
            const Bucket b = m_buckets[j];
            if (b.index == kNone) {
                break;
            }
            const std::size_t home = b.hash & m_mask;
            // Move b into the hole unless its home lies cyclically in (hole, j].
            const bool homeBetween = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!homeBetween) {
                m_buckets[hole] = b;
                hole = j;
            }
        }
        m_buckets[hole] = Bucket{};
        Entry& e = m_entries[idx];
        e.live = false;
        if constexpr (!std::is_trivially_copyable_v<V>) {
            e.value = V{};  // release what the value holds (list state, element buffers)
        }
        m_free.push_back(idx);
        --m_size;
    }

    void clear() {
        for (std::uint32_t i = 0; i < m_entries.size(); ++i) {
            if (m_entries[i].live) {
                eraseAt(i);
            }
        }
    }

    void reserve(std::size_t n) {
        m_entries.reserve(n);
        m_free.reserve(m_entries.capacity());
        while (m_buckets.size() < n * 2) {
            grow();
        }
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    //! One past the highest entry index ever used (for cursors over entries).
    std::uint32_t entryLimit() const { return static_cast<std::uint32_t>(m_entries.size()); }
    bool liveAt(std::uint32_t idx) const { return m_entries[idx].live; }
    const K& keyAt(std::uint32_t idx) const { return m_entries[idx].key; }
    V& valueAt(std::uint32_t idx) { return m_entries[idx].value; }
    const V& valueAt(std::uint32_t idx) const { return m_entries[idx].value; }

    //! Calls f(key, value) for each live entry, in entry order.
    template <class F>
    void forEach(F&& f) const {
        for (const Entry& e : m_entries) {
            if (e.live) {
                f(e.key, e.value);
            }
        }
    }

    //! Bytes held by the table itself (not what values own on the heap).
    std::size_t memoryBytes() const {
        return m_buckets.capacity() * sizeof(Bucket) + m_entries.capacity() * sizeof(Entry) +
               m_free.capacity() * sizeof(std::uint32_t);
    }

private:
    //! An entry index and the low 32 bits of its key's hash: probes compare the hash before
    //! touching the entry, and growing or backward-shifting never rehashes or reads entries.
    //! (Tables stay far below 2^32 buckets, so the stored bits cover the bucket position.)
    struct Bucket {
        std::uint32_t index = kNone;
        std::uint32_t hash = 0;
    };
    struct Entry {
        K key;
        V value;
        bool live = false;
    };

    std::size_t bucketOf(const K& key) const { return static_cast<std::size_t>(Hash{}(key)) & m_mask; }

    void grow() {
        const std::size_t capacity = m_buckets.empty() ? 16 : m_buckets.size() * 2;
        std::vector<Bucket> old(capacity, Bucket{});
        old.swap(m_buckets);
        m_mask = capacity - 1;
        for (const Bucket& b : old) {  // the stored hashes place them: no entry is read
            if (b.index == kNone) {
                continue;
            }
            std::size_t i = b.hash & m_mask;
            while (m_buckets[i].index != kNone) {
                i = (i + 1) & m_mask;
            }
            m_buckets[i] = b;
        }
    }

    std::vector<Bucket> m_buckets;
    std::size_t m_mask = 0;
    std::vector<Entry> m_entries;
    std::vector<std::uint32_t> m_free;
    std::size_t m_size = 0;
};

}  // namespace cityops::engine::stream::detail
