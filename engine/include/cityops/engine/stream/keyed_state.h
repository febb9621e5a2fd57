#pragma once

// Keyed state primitives for stream operators: ValueState, ListState and MapState keyed by
// stream::Key, with an optional time-to-live. One instance belongs to one operator instance (one
// worker thread): no locks. Updates of existing keys do not allocate (ValueState, MapState).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/window_flat_map.h"

namespace cityops::engine::stream {

//! How a value is written into a checkpoint. The primary template covers trivially copyable types;
//! specialise it (static write/read) for others. read() sets reader.fail() on impossible input.
template <class T>
struct StateSerializer {
    static_assert(std::is_trivially_copyable_v<T>, "specialise StateSerializer<T> for this type");
    static void write(StateWriter& w, const T& value) { w.put(value); }
    static T read(StateReader& r) { return r.template get<T>(); }
};

template <>
struct StateSerializer<std::string> {
    static void write(StateWriter& w, const std::string& value) { w.putString(value); }
    static std::string read(StateReader& r) { return r.getString(); }
};

//! Vectors of serialisable elements (list state, full-window element buffers).
template <class T>
struct StateSerializer<std::vector<T>> {
    static void write(StateWriter& w, const std::vector<T>& values) {
        w.put<std::uint64_t>(values.size());
        for (const T& v : values) {
            StateSerializer<T>::write(w, v);
        }
    }
    static std::vector<T> read(StateReader& r) {
        const auto n = r.template get<std::uint64_t>();
        std::vector<T> out;
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            out.push_back(StateSerializer<T>::read(r));
        }
        return out;
    }
};

//! Which clock a TTL is measured against. The owner advances it with setTime(): processing time
//! from onProcessingTime, event time normally from the watermark. Writes are stamped with the
//! clock's current time, so set it before the first write.
enum class TtlDomain { EventTime, ProcessingTime };

//! What refreshes an entry's TTL.
enum class TtlRefresh { OnWrite, OnReadAndWrite };

//! Time-to-live of keyed state. ttlMs == 0 means entries never expire.
struct TtlConfig {
    TimeMs ttlMs = 0;
    TtlDomain domain = TtlDomain::ProcessingTime;
    TtlRefresh refresh = TtlRefresh::OnWrite;
    //! Entries examined for expiry per state access (incremental cleanup, bounded work).
    std::uint32_t cleanupPerAccess = 4;
};

namespace detail {

//! The TTL clock and the incremental cleanup cursor shared by the three state kinds.
class TtlClock {
public:
    explicit TtlClock(TtlConfig config) : m_config(config) {}
    const TtlConfig& config() const { return m_config; }
    bool enabled() const { return m_config.ttlMs > 0; }
    TimeMs now() const { return m_now; }
    //! Advances the clock (never backwards).
    void setTime(TimeMs now) { m_now = std::max(m_now, now); }
    //! An entry written at `stamp` has expired.
    bool expired(TimeMs stamp) const {
        if (!enabled() || m_now < std::numeric_limits<TimeMs>::min() + m_config.ttlMs) {
            return false;
        }
        return stamp <= m_now - m_config.ttlMs;
    }
    //! The stamp a write (or a refreshing read) records.
    TimeMs stamp() const { return m_now; }

    std::uint32_t cursor = 0;

private:
    TtlConfig m_config;
    TimeMs m_now = kNoWatermark;
};

//! Runs the incremental cleanup over a FlatMap whose values have a `stamp`, visiting at most
//! `budget` entries from the cursor; `onErase(idx)` is called before erasing an entry.
template <class Map, class OnErase>
std::size_t cleanupStep(Map& map, TtlClock& clock, std::uint32_t budget, OnErase&& onErase) {
    if (!clock.enabled() || map.empty()) {
        return 0;
    }
    std::size_t erased = 0;
    const std::uint32_t limit = map.entryLimit();
    for (std::uint32_t n = 0; n < budget && limit > 0; ++n) {
        if (clock.cursor >= limit) {
            clock.cursor = 0;
        }
        const std::uint32_t idx = clock.cursor++;
        if (map.liveAt(idx) && clock.expired(map.valueAt(idx).stamp)) {
            onErase(idx);
            map.eraseAt(idx);
            ++erased;
        }
    }
    return erased;
}

inline constexpr std::uint32_t kValueStateMagic = 0x56535431;  // "VST1"
inline constexpr std::uint32_t kListStateMagic = 0x4c535431;   // "LST1"
inline constexpr std::uint32_t kMapStateMagic = 0x4d535431;    // "MST1"

}  // namespace detail

//! One value per key. get() never returns an expired value.
template <class V, class Serializer = StateSerializer<V>>
class ValueState {
public:
    explicit ValueState(TtlConfig ttl = {}) : m_clock(ttl) {}

    //! Advances the TTL clock (processing time or watermark, per TtlConfig::domain).
    void setTime(TimeMs now) { m_clock.setTime(now); }

    //! The value of key, or nullptr when absent or expired.
    const V* get(Key key) {
        cleanup();
        const auto idx = m_map.findIndex(key);
        if (idx == Map::kNone) {
            return nullptr;
        }
        Entry& e = m_map.valueAt(idx);
        if (m_clock.expired(e.stamp)) {
            m_map.eraseAt(idx);
            ++m_expired;
            return nullptr;
        }
        if (m_clock.config().refresh == TtlRefresh::OnReadAndWrite) {
            e.stamp = m_clock.stamp();
        }
        return &e.value;
    }

    void update(Key key, const V& value) { valueFor(key) = value; }

    //! The value of key for in-place update (default-constructed when absent or expired); counts
    //! as a write.
    V& valueFor(Key key) {
        cleanup();
        bool inserted = false;
        const auto idx = m_map.findOrInsert(key, inserted);
        Entry& e = m_map.valueAt(idx);
        if (inserted || m_clock.expired(e.stamp)) {
            e.value = V{};
        }
        e.stamp = m_clock.stamp();
        return e.value;
    }

    bool remove(Key key) { return m_map.erase(key); }
    void clear() { m_map.clear(); }
    //! Entries held, including expired ones not yet cleaned up.
    std::size_t size() const { return m_map.size(); }
    //! Expired entries removed so far (by cleanup or on access).
    std::uint64_t expiredCount() const { return m_expired; }
    std::size_t stateBytes() const { return m_map.memoryBytes(); }
    void reserve(std::size_t keys) { m_map.reserve(keys); }

    //! Visits every unexpired (key, value).
    template <class F>
    void forEach(F&& f) const {
        m_map.forEach([&](Key k, const Entry& e) {
            if (!m_clock.expired(e.stamp)) {
                f(k, e.value);
            }
        });
    }

    void snapshot(StateWriter& w) const {
        w.put(detail::kValueStateMagic);
        std::uint64_t n = 0;
        forEach([&](Key, const V&) { ++n; });
        w.put(n);
        m_map.forEach([&](Key k, const Entry& e) {
            if (!m_clock.expired(e.stamp)) {
                w.put(k);
                w.put(e.stamp);
                Serializer::write(w, e.value);
            }
        });
    }

    //! Adds the owned keys of one snapshot (may be called once per snapshot of a previous run).
    bool restore(StateReader& r, const KeyFilter& filter) {
        if (r.get<std::uint32_t>() != detail::kValueStateMagic) {
            r.fail();
            return false;
        }
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const Key k = r.get<Key>();
            const TimeMs stamp = r.get<TimeMs>();
            V v = Serializer::read(r);
            if (!r.failed() && filter.owns(k)) {
                bool inserted = false;
                Entry& e = m_map.valueAt(m_map.findOrInsert(k, inserted));
                e.value = std::move(v);
                e.stamp = stamp;
            }
        }
        return !r.failed();
    }

private:
    struct Entry {
        V value{};
        TimeMs stamp = 0;
    };
    using Map = detail::FlatMap<Key, Entry>;

    void cleanup() {
        m_expired += detail::cleanupStep(m_map, m_clock, m_clock.config().cleanupPerAccess, [](std::uint32_t) {});
    }

    Map m_map;
    detail::TtlClock m_clock;
    std::uint64_t m_expired = 0;
};

//! A list per key (TTL per list: any write refreshes the whole list). Appending allocates only
//! when the key's list outgrows its capacity.
template <class V, class Serializer = StateSerializer<V>>
class ListState {
public:
    explicit ListState(TtlConfig ttl = {}) : m_clock(ttl) {}

    void setTime(TimeMs now) { m_clock.setTime(now); }

    //! The list of key (empty when absent or expired). Valid until the next write to this state.
    std::span<const V> get(Key key) {
        cleanup();
        const auto idx = m_map.findIndex(key);
        if (idx == Map::kNone) {
            return {};
        }
        Entry& e = m_map.valueAt(idx);
        if (m_clock.expired(e.stamp)) {
            m_map.eraseAt(idx);
            ++m_expired;
            return {};
        }
        if (m_clock.config().refresh == TtlRefresh::OnReadAndWrite) {
            e.stamp = m_clock.stamp();
        }
        return e.values;
    }

    void add(Key key, const V& value) { listFor(key).push_back(value); }
    void update(Key key, std::span<const V> values) {
        auto& list = listFor(key);
        list.assign(values.begin(), values.end());
    }
    bool remove(Key key) { return m_map.erase(key); }
    std::size_t size() const { return m_map.size(); }
    std::uint64_t expiredCount() const { return m_expired; }

    std::size_t stateBytes() const {
        std::size_t bytes = m_map.memoryBytes();
        m_map.forEach([&](Key, const Entry& e) { bytes += e.values.capacity() * sizeof(V); });
        return bytes;
    }

    void snapshot(StateWriter& w) const {
        w.put(detail::kListStateMagic);
        std::uint64_t n = 0;
        m_map.forEach([&](Key, const Entry& e) { n += m_clock.expired(e.stamp) ? 0 : 1; });
        w.put(n);
        m_map.forEach([&](Key k, const Entry& e) {
            if (m_clock.expired(e.stamp)) {
                return;
            }
            w.put(k);
            w.put(e.stamp);
            StateSerializer<std::vector<V>>::write(w, e.values);
        });
    }

    bool restore(StateReader& r, const KeyFilter& filter) {
        if (r.get<std::uint32_t>() != detail::kListStateMagic) {
            r.fail();
            return false;
        }
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const Key k = r.get<Key>();
            const TimeMs stamp = r.get<TimeMs>();
            const auto count = r.get<std::uint64_t>();
            std::vector<V> values;
            for (std::uint64_t j = 0; j < count && !r.failed(); ++j) {
                values.push_back(Serializer::read(r));
            }
            if (!r.failed() && filter.owns(k)) {
                bool inserted = false;
                Entry& e = m_map.valueAt(m_map.findOrInsert(k, inserted));
                e.values = std::move(values);
                e.stamp = stamp;
            }
        }
        return !r.failed();
    }

private:
    struct Entry {
        std::vector<V> values;
        TimeMs stamp = 0;
    };
    using Map = detail::FlatMap<Key, Entry>;

    std::vector<V>& listFor(Key key) {
        cleanup();
        bool inserted = false;
        Entry& e = m_map.valueAt(m_map.findOrInsert(key, inserted));
        if (!inserted && m_clock.expired(e.stamp)) {
            e.values.clear();
        }
        e.stamp = m_clock.stamp();
        return e.values;
    }
    void cleanup() {
        m_expired += detail::cleanupStep(m_map, m_clock, m_clock.config().cleanupPerAccess, [](std::uint32_t) {});
    }

    Map m_map;
    detail::TtlClock m_clock;
    std::uint64_t m_expired = 0;
};

//! A map UK → V per key, TTL per entry. Entries of one key are linked, so forEach(key) visits only
//! that key's entries. UK needs detail::FlatHash<UK> (integers, enums, or a specialisation).
template <class UK, class V, class Serializer = StateSerializer<V>, class UKSerializer = StateSerializer<UK>>
class MapState {
public:
    explicit MapState(TtlConfig ttl = {}) : m_clock(ttl) {}

    void setTime(TimeMs now) { m_clock.setTime(now); }

    const V* get(Key key, const UK& userKey) {
        cleanup();
        const auto idx = m_entries.findIndex(Composite{key, userKey});
        if (idx == Entries::kNone) {
            return nullptr;
        }
        Entry& e = m_entries.valueAt(idx);
        if (m_clock.expired(e.stamp)) {
            eraseEntry(idx);
            ++m_expired;
            return nullptr;
        }
        if (m_clock.config().refresh == TtlRefresh::OnReadAndWrite) {
            e.stamp = m_clock.stamp();
        }
        return &e.value;
    }

    void put(Key key, const UK& userKey, const V& value) { valueFor(key, userKey) = value; }

    //! The value for in-place update (default-constructed when absent or expired); a write.
    V& valueFor(Key key, const UK& userKey) {
        cleanup();
        bool inserted = false;
        const auto idx = m_entries.findOrInsert(Composite{key, userKey}, inserted);
        Entry& e = m_entries.valueAt(idx);
        if (inserted) {
            link(key, idx);
        }
        if (inserted || m_clock.expired(e.stamp)) {
            e.value = V{};
        }
        e.stamp = m_clock.stamp();
        return e.value;
    }

    bool remove(Key key, const UK& userKey) {
        const auto idx = m_entries.findIndex(Composite{key, userKey});
        if (idx == Entries::kNone) {
            return false;
        }
        eraseEntry(idx);
        return true;
    }

    //! Removes all entries of key.
    void clear(Key key) {
        const auto* head = m_heads.find(key);
        while (head != nullptr) {
            eraseEntry(head->first);
            head = m_heads.find(key);
        }
    }

    //! Calls f(userKey, value) for each unexpired entry of key (no refresh).
    template <class F>
    void forEach(Key key, F&& f) const {
        const auto* head = m_heads.find(key);
        for (auto idx = head ? head->first : Entries::kNone; idx != Entries::kNone;) {
            const Entry& e = m_entries.valueAt(idx);
            if (!m_clock.expired(e.stamp)) {
                f(m_entries.keyAt(idx).user, e.value);
            }
            idx = e.next;
        }
    }

    //! Entries held (all keys), including expired ones not yet cleaned up.
    std::size_t size() const { return m_entries.size(); }
    std::size_t keyCount() const { return m_heads.size(); }
    std::uint64_t expiredCount() const { return m_expired; }
    std::size_t stateBytes() const { return m_entries.memoryBytes() + m_heads.memoryBytes(); }

    void snapshot(StateWriter& w) const {
        w.put(detail::kMapStateMagic);
        std::uint64_t n = 0;
        m_entries.forEach([&](const Composite&, const Entry& e) { n += m_clock.expired(e.stamp) ? 0 : 1; });
        w.put(n);
        m_entries.forEach([&](const Composite& c, const Entry& e) {
            if (m_clock.expired(e.stamp)) {
                return;
            }
            w.put(c.key);
            UKSerializer::write(w, c.user);
            w.put(e.stamp);
            Serializer::write(w, e.value);
        });
    }

    bool restore(StateReader& r, const KeyFilter& filter) {
        if (r.get<std::uint32_t>() != detail::kMapStateMagic) {
            r.fail();
            return false;
        }
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const Key k = r.get<Key>();
            UK uk = UKSerializer::read(r);
            const TimeMs stamp = r.get<TimeMs>();
            V v = Serializer::read(r);
            if (!r.failed() && filter.owns(k)) {
                bool inserted = false;
                const auto idx = m_entries.findOrInsert(Composite{k, uk}, inserted);
                if (inserted) {
                    link(k, idx);
                }
                Entry& e = m_entries.valueAt(idx);
                e.value = std::move(v);
                e.stamp = stamp;
            }
        }
        return !r.failed();
    }

private:
    struct Composite {
        Key key = 0;
        UK user{};
        bool operator==(const Composite& o) const { return key == o.key && user == o.user; }
    };
    struct CompositeHash {
        std::uint64_t operator()(const Composite& c) const {
            return detail::mix64(c.key ^ (detail::FlatHash<UK>{}(c.user) + 0x9e3779b97f4a7c15ull));
        }
    };
    static constexpr std::uint32_t kNone = 0xffffffffu;
    struct Entry {
        V value{};
        TimeMs stamp = 0;
        std::uint32_t prev = kNone;
        std::uint32_t next = kNone;
    };
    struct Head {
        std::uint32_t first = kNone;
    };
    using Entries = detail::FlatMap<Composite, Entry, CompositeHash>;

    void link(Key key, std::uint32_t idx) {
        bool inserted = false;
        Head& head = m_heads.valueAt(m_heads.findOrInsert(key, inserted));
        if (inserted) {
            head.first = kNone;
        }
        Entry& e = m_entries.valueAt(idx);
        e.prev = kNone;
        e.next = head.first;
        if (head.first != kNone) {
            m_entries.valueAt(head.first).prev = idx;
        }
        head.first = idx;
    }

    void unlink(std::uint32_t idx) {
        Entry& e = m_entries.valueAt(idx);
        const Key key = m_entries.keyAt(idx).key;
        if (e.prev != kNone) {
            m_entries.valueAt(e.prev).next = e.next;
        } else {
            Head* head = m_heads.find(key);
            head->first = e.next;
            if (head->first == kNone) {
                m_heads.erase(key);
            }
        }
        if (e.next != kNone) {
            m_entries.valueAt(e.next).prev = e.prev;
        }
    }

    void eraseEntry(std::uint32_t idx) {
        unlink(idx);
        m_entries.eraseAt(idx);
    }

    void cleanup() {
        m_expired += detail::cleanupStep(m_entries, m_clock, m_clock.config().cleanupPerAccess,
                                         [this](std::uint32_t idx) { unlink(idx); });
    }

    Entries m_entries;
    detail::FlatMap<Key, Head> m_heads;
    detail::TtlClock m_clock;
    std::uint64_t m_expired = 0;
};

}  // namespace cityops::engine::stream
