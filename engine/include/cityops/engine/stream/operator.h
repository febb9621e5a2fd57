#pragma once

// The contract every keyed stream operator of the embedded engine implements (windows, CEP,
// deduplication, enrichment, process functions), and what the job runtime relies on. One operator
// instance lives in one worker thread and sees only the keys of that worker's partition, so it needs
// no locks. Nothing here allocates per event by itself.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace cityops::engine::stream {

//! Milliseconds since the Unix epoch (UTC): event time or processing time.
using TimeMs = std::int64_t;
//! The watermark before any event.
inline constexpr TimeMs kNoWatermark = std::numeric_limits<TimeMs>::min();
//! The watermark at end of input: every window fires, every event-time timer runs.
inline constexpr TimeMs kEndOfTime = std::numeric_limits<TimeMs>::max();

//! Keys are 64-bit: a sensor id, a location id, a store id or a hash of a string key.
using Key = std::uint64_t;

//! The worker that owns a key when a job runs with `parts` workers. Every part of the engine that
//! partitions by key (the runtime, checkpoint restore) uses this one function.
inline int partitionOf(Key key, int parts) {
    // splitmix64 finaliser: neighbouring ids spread evenly over the workers.
    std::uint64_t z = key + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<int>(z % static_cast<std::uint64_t>(parts));
}

//! Where an operator emits. `eventTime` is the timestamp of the emitted record downstream (a
//! window result carries its window's end − 1, as in Flink).
template <class T>
class Collector {
public:
    virtual ~Collector() = default;
    virtual void collect(Key key, const T& value, TimeMs eventTime) = 0;
    //! A record that will be collected soon (a few records ahead in the same batch): a chance to
    //! start loading the state it will touch. Changes nothing; the default does nothing.
    virtual void prefetch(Key key, const T& value, TimeMs eventTime) {
        (void)key;
        (void)value;
        (void)eventTime;
    }
};

//! Collects into a vector; handy in tests and at the end of a worker's chain (the vector's
//! capacity is kept between drains, so steady state does not allocate).
template <class T>
class VectorCollector final : public Collector<T> {
public:
    struct Item {
        Key key;
        T value;
        TimeMs eventTime;
    };
    void collect(Key key, const T& value, TimeMs eventTime) override { items.push_back(Item{key, value, eventTime}); }
    std::vector<Item> items;
};

//! Binary state snapshot written by an operator for a checkpoint. Little-endian host layout
//! (checkpoints are read back by the same build on the same machine kind).
class StateWriter {
public:
    template <class T>
        requires std::is_trivially_copyable_v<T>
    void put(const T& value) {
        // resize + memcpy rather than insert(p, p + n): GCC 12 at -O3 reports a bogus
        // stringop-overflow for the range insert into an empty vector.
        const std::size_t at = m_bytes.size();
        m_bytes.resize(at + sizeof(T));
        std::memcpy(m_bytes.data() + at, &value, sizeof(T));
    }
    void putBytes(std::span<const std::byte> bytes) {
        put<std::uint64_t>(bytes.size());
        if (!bytes.empty()) {
            const std::size_t at = m_bytes.size();
            m_bytes.resize(at + bytes.size());
            std::memcpy(m_bytes.data() + at, bytes.data(), bytes.size());
        }
    }
    void putString(std::string_view s) { putBytes(std::as_bytes(std::span(s.data(), s.size()))); }
    const std::vector<std::byte>& bytes() const { return m_bytes; }
    std::vector<std::byte>& bytes() { return m_bytes; }

private:
    std::vector<std::byte> m_bytes;
};

//! Reads what a StateWriter wrote. A short or malformed snapshot sets failed() and yields zeros;
//! it never reads past the end.
class StateReader {
public:
    explicit StateReader(std::span<const std::byte> bytes) : m_bytes(bytes) {}

    template <class T>
        requires std::is_trivially_copyable_v<T>
    T get() {
        T value{};
        if (m_failed || m_bytes.size() - m_pos < sizeof(T)) {
            m_failed = true;
            return value;
        }
        std::memcpy(&value, m_bytes.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return value;
    }
    std::span<const std::byte> getBytes() {
        const auto n = get<std::uint64_t>();
        if (m_failed || m_bytes.size() - m_pos < n) {
            m_failed = true;
            return {};
        }
        auto out = m_bytes.subspan(m_pos, static_cast<std::size_t>(n));
        m_pos += static_cast<std::size_t>(n);
        return out;
    }
    std::string getString() {
        auto b = getBytes();
        return std::string(reinterpret_cast<const char*>(b.data()), b.size());
    }
    bool failed() const { return m_failed; }
    bool atEnd() const { return m_pos == m_bytes.size(); }
    //! Marks the snapshot malformed (an operator found an impossible value).
    void fail() { m_failed = true; }

private:
    std::span<const std::byte> m_bytes;
    std::size_t m_pos = 0;
    bool m_failed = false;
};

//! Which keys a worker keeps when it restores a snapshot (the job may restart with another worker
//! count: every worker reads every snapshot and keeps its own keys).
struct KeyFilter {
    int part = 0;
    int parts = 1;
    bool owns(Key key) const { return parts <= 1 || partitionOf(key, parts) == part; }
};

//! Counters an operator keeps; the runtime sums them over workers for the metrics view.
struct OperatorCounters {
    std::uint64_t recordsIn = 0;
    std::uint64_t recordsOut = 0;
    std::uint64_t lateDropped = 0;  //!< sent to the late side output (beyond allowed lateness)
    std::uint64_t lateAccepted = 0; //!< late but within allowed lateness: re-fired
    std::uint64_t duplicates = 0;   //!< dropped by deduplication
    std::uint64_t timersFired = 0;
};

//! A keyed operator: one input type, one output type. The runtime calls it from one thread:
//! processElement for each record of a key it owns, onWatermark when the merged watermark advances
//! (strictly increasing; kEndOfTime at end of input), onProcessingTime on the runtime's tick.
template <class In, class Out>
class KeyedOperator {
public:
    using InputType = In;    //!< lets the job builder deduce a stage's types from its factory
    using OutputType = Out;
    virtual ~KeyedOperator() = default;
    virtual void processElement(Key key, const In& value, TimeMs eventTime, Collector<Out>& out) = 0;
    //! Called by the runtime a few records before processElement(key, value, eventTime) of the same
    //! batch: operators whose keyed state misses the cache (large key counts) prefetch its hash slot
    //! here so the lookups of consecutive records overlap. Must not change state or emit.
    virtual void prefetch(Key key, const In& value, TimeMs eventTime) const {
        (void)key;
        (void)value;
        (void)eventTime;
    }
    //! True when this operator forwards its input unchanged in type and key (dedup, filter): the
    //! runtime then passes prefetch() on to the operators after it.
    virtual bool forwardsPrefetch() const { return false; }
    //! The watermark reached `watermark`: fire event-time timers and windows with end ≤ watermark.
    virtual void onWatermark(TimeMs watermark, Collector<Out>& out) {
        (void)watermark;
        (void)out;
    }
    //! Processing time (wall clock, or the simulated clock in tests) reached `now`.
    virtual void onProcessingTime(TimeMs now, Collector<Out>& out) {
        (void)now;
        (void)out;
    }
    //! Writes all state (including pending timers) for a checkpoint.
    virtual void snapshot(StateWriter& writer) const { (void)writer; }
    //! Restores from one snapshot, keeping only keys the filter owns; may be called with several
    //! snapshots in a row (one per worker of the run that wrote them). Returns false if malformed.
    virtual bool restore(StateReader& reader, const KeyFilter& filter) {
        (void)reader;
        (void)filter;
        return true;
    }
    //! Approximate bytes of state held (for the metrics view and the memory figures).
    virtual std::size_t stateBytes() const { return 0; }
    virtual OperatorCounters counters() const { return {}; }
    //! Name shown in the metrics view ("window(tumbling 5m, avg)").
    virtual std::string name() const = 0;
};

}  // namespace cityops::engine::stream
