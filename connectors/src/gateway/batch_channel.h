#pragma once

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/forward_batch.h"

namespace cityops::connectors::gateway::detail {

//! A fixed pool of ForwardBatches circulating between the network thread (acquire → fill → submit)
//! and the forwarder (next → forward → release). One lock per batch, never per record; the batches
//! keep their capacities, so the steady state does not allocate. Thread-safe.
class BatchChannel {
public:
    BatchChannel(std::size_t batches, const std::vector<std::string>& topics, std::size_t reserveRecords)
        : m_full(batches) {
        for (std::size_t i = 0; i < batches; ++i) {
            auto batch = std::make_unique<ForwardBatch>();
            batch->topics = topics;
            batch->records.reserve(reserveRecords);
            batch->bytes.reserve(reserveRecords * 160);
            m_free.push_back(batch.get());
            m_owned.push_back(std::move(batch));
        }
    }

    //! A cleared batch; waits while all are in flight (backpressure).
    ForwardBatch* acquire() {
        std::unique_lock lock(m_mutex);
        m_freed.wait(lock, [this] { return !m_free.empty(); });
        ForwardBatch* batch = m_free.back();
        m_free.pop_back();
        return batch;
    }
    void submit(ForwardBatch* batch) {
        {
            std::lock_guard lock(m_mutex);
            m_full[(m_head + m_count) % m_full.size()] = batch;
            ++m_count;
        }
        m_submitted.notify_one();
    }
    //! The oldest submitted batch, or nullptr when none arrived within timeout or the channel is closed
    //! and empty.
    ForwardBatch* next(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        m_submitted.wait_for(lock, timeout, [this] { return m_count > 0 || m_closed; });
        if (m_count == 0) {
            return nullptr;
        }
        ForwardBatch* batch = m_full[m_head];
        m_head = (m_head + 1) % m_full.size();
        --m_count;
        return batch;
    }
    void release(ForwardBatch* batch) {
        batch->clear();
        {
            std::lock_guard lock(m_mutex);
            m_free.push_back(batch);
        }
        m_freed.notify_one();
    }
    bool hasSubmitted() const {
        std::lock_guard lock(m_mutex);
        return m_count > 0;
    }
    //! After close(), next() returns the remaining batches, then nullptr at once.
    void close() {
        {
            std::lock_guard lock(m_mutex);
            m_closed = true;
        }
        m_submitted.notify_all();
    }
    bool closedAndEmpty() const {
        std::lock_guard lock(m_mutex);
        return m_closed && m_count == 0;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_freed;
    std::condition_variable m_submitted;
    std::vector<std::unique_ptr<ForwardBatch>> m_owned;
    std::vector<ForwardBatch*> m_free;
    std::vector<ForwardBatch*> m_full;  //!< ring of submitted batches
    std::size_t m_head = 0;
    std::size_t m_count = 0;
    bool m_closed = false;
};

//! A counter written by one thread and read by any: relaxed load + store, so counting costs a plain
//! increment (no locked instruction) on the hot path.
class Counter {
public:
    void add(std::uint64_t n = 1) { m_value.store(m_value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
    void set(std::uint64_t n) { m_value.store(n, std::memory_order_relaxed); }
    std::uint64_t get() const { return m_value.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> m_value{0};
};

}  // namespace cityops::connectors::gateway::detail
