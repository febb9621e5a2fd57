#pragma once

// Where a stream job's results go. Sinks run on the job's coordinator thread and receive records in
// batches (one worker's output of one input batch, or a global stage's emissions of one step).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cityops/engine/storage/records.h"
#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! One emitted record: its key, value and event time (a window result carries its end − 1).
template <class T>
struct Record {
    Key key = 0;
    T value{};
    TimeMs eventTime = 0;
};

//! What a sink may use while writing a batch.
struct SinkContext {
    //! Rows that commit atomically with the next checkpoint (exactly-once sinks append here).
    storage::WriteBatch& staged;
    TimeMs watermark = kNoWatermark;  //!< the watermark every worker has processed
    TimeMs processingTime = 0;
};

//! A consumer of a stream's records. Called from the coordinator thread only, one batch at a time.
template <class T>
class Sink {
public:
    virtual ~Sink() = default;
    virtual void write(std::span<const Record<T>> records, SinkContext& context) = 0;
    //! True if the sink stages rows for the checkpoint transaction (the job then needs a Storage).
    virtual bool exactlyOnce() const { return false; }
};

//! A bounded queue the UI drains at frame rate. write() takes the lock once per batch; drain() once
//! per call. When more than `capacity` records wait, the oldest are dropped and counted (a UI view is
//! best-effort; the exactly-once path is SqliteSink). At-least-once across restarts: records replayed
//! after a restore appear again.
template <class T>
class QueueSink final : public Sink<T> {
public:
    explicit QueueSink(std::size_t capacity = std::size_t{1} << 20) : m_capacity(std::max<std::size_t>(capacity, 1)) {}

    void write(std::span<const Record<T>> records, SinkContext& context) override {
        (void)context;
        std::lock_guard lock(m_mutex);
        m_items.insert(m_items.end(), records.begin(), records.end());
        m_total += records.size();
        if (m_items.size() > m_capacity) {
            const std::size_t excess = m_items.size() - m_capacity;
            m_items.erase(m_items.begin(), m_items.begin() + static_cast<std::ptrdiff_t>(excess));
            m_dropped += excess;
        }
    }
    //! Appends the waiting values to out (any thread).
    void drain(std::vector<T>& out) {
        std::lock_guard lock(m_mutex);
        out.reserve(out.size() + m_items.size());
        for (const Record<T>& r : m_items) {
            out.push_back(r.value);
        }
        m_items.clear();
    }
    //! Appends the waiting records (key, value, event time) to out (any thread).
    void drainRecords(std::vector<Record<T>>& out) {
        std::lock_guard lock(m_mutex);
        out.insert(out.end(), m_items.begin(), m_items.end());
        m_items.clear();
    }
    std::uint64_t dropped() const {
        std::lock_guard lock(m_mutex);
        return m_dropped;
    }
    //! Records written since construction.
    std::uint64_t total() const {
        std::lock_guard lock(m_mutex);
        return m_total;
    }

private:
    const std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::vector<Record<T>> m_items;
    std::uint64_t m_dropped = 0;
    std::uint64_t m_total = 0;
};

//! Calls a function with each batch on the coordinator thread (logging, forwarding, tests).
//! At-least-once across restarts.
template <class T>
class CallbackSink final : public Sink<T> {
public:
    using Callback = std::function<void(std::span<const Record<T>>)>;
    explicit CallbackSink(Callback callback) : m_callback(std::move(callback)) {}
    void write(std::span<const Record<T>> records, SinkContext& context) override {
        (void)context;
        m_callback(records);
    }

private:
    Callback m_callback;
};

//! Exactly-once into the job's SQLite store: `toRows` turns each record into rows of a WriteBatch
//! (alerts → AlertRecord, window results → WindowAggregate, dead letters → DeadLetter). The rows are
//! staged and commit in the same transaction as the next checkpoint (Storage::commitCheckpoint), so
//! after a kill the store holds exactly the rows of the last checkpoint and the replay from its
//! offsets re-creates the rest. Rows must have deterministic natural keys (deterministic alert ids).
template <class T>
class SqliteSink final : public Sink<T> {
public:
    using ToRows = std::function<void(const Record<T>&, storage::WriteBatch&)>;
    explicit SqliteSink(ToRows toRows) : m_toRows(std::move(toRows)) {}
    void write(std::span<const Record<T>> records, SinkContext& context) override {
        for (const Record<T>& r : records) {
            m_toRows(r, context.staged);
        }
    }
    bool exactlyOnce() const override { return true; }

private:
    ToRows m_toRows;
};

}  // namespace cityops::engine::stream
