#pragma once

// The runtime's hand-offs: source → worker (InputQueue, one per worker) and workers → coordinator
// (Inbox). Each operation takes its mutex once: a lock per batch, never per record. Payload buffers
// circulate through pools and keep their capacity, so the steady state allocates nothing.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "cityops/engine/stream/runtime.h"

namespace cityops::engine::stream::runtime_detail {

enum class MessageKind : std::uint8_t {
    Data,     //!< records (payload may be null) + watermark + processing time
    Barrier,  //!< checkpoint `marker`: snapshot after everything before it
    Sync,     //!< sync point `marker`: report when everything before it is delivered
    Stop,     //!< end of the thread
};

//! Source → worker.
struct InputMessage {
    MessageKind kind = MessageKind::Data;
    TimeMs watermark = kNoWatermark;
    TimeMs processingTime = 0;
    std::int64_t ingestNs = 0;  //!< steady clock when the source started the batch
    std::uint64_t marker = 0;
    std::unique_ptr<Payload> payload;
};

//! Worker → coordinator.
struct OutputMessage {
    MessageKind kind = MessageKind::Data;
    TimeMs watermark = kNoWatermark;  //!< the worker's watermark after this batch
    TimeMs processingTime = 0;
    std::int64_t ingestNs = 0;
    std::uint64_t marker = 0;
    std::unique_ptr<Payload> payload;  //!< outputs (null if none)
    std::vector<std::byte> snapshot;   //!< Barrier: the worker's operator state
};

//! A payload pool: take() reuses a cleared payload or makes one (counted); give() returns one.
class PayloadPool {
public:
    PayloadPool(std::function<std::unique_ptr<Payload>()> make, std::size_t keep) : m_make(std::move(make)), m_keep(keep) {}
    //! Caller holds the owning queue's mutex.
    std::unique_ptr<Payload> takeLocked(bool& mustMake) {
        if (m_free.empty()) {
            mustMake = true;
            ++m_allocated;
            return nullptr;
        }
        auto p = std::move(m_free.back());
        m_free.pop_back();
        return p;
    }
    std::unique_ptr<Payload> make() const { return m_make(); }
    void giveLocked(std::unique_ptr<Payload> payload) {
        if (payload && m_free.size() < m_keep) {
            m_free.push_back(std::move(payload));
        }
    }
    std::size_t allocated() const { return m_allocated; }

private:
    std::function<std::unique_ptr<Payload>()> m_make;
    std::size_t m_keep;
    std::vector<std::unique_ptr<Payload>> m_free;
    std::size_t m_allocated = 0;
};

//! Bounded single-producer single-consumer queue of input messages with its payload pool.
class InputQueue {
public:
    InputQueue(std::size_t capacity, std::function<std::unique_ptr<Payload>()> make)
        : m_ring(std::max<std::size_t>(capacity, 1)), m_pool(std::move(make), m_ring.size() + 2) {}

    //! A cleared payload (source thread).
    std::unique_ptr<Payload> takePayload() {
        bool mustMake = false;
        std::unique_ptr<Payload> p;
        {
            std::lock_guard lock(m_mutex);
            p = m_pool.takeLocked(mustMake);
        }
        return mustMake ? m_pool.make() : std::move(p);
    }
    //! Blocks while full (backpressure); returns the nanoseconds it waited (0 without a clock read if not full).
    std::int64_t push(InputMessage&& message);
    InputMessage pop();
    //! The worker is done with a payload: cleared and pooled.
    void recycle(std::unique_ptr<Payload> payload) {
        payload->clear();
        std::lock_guard lock(m_mutex);
        m_pool.giveLocked(std::move(payload));
    }
    std::size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_count;
    }
    std::size_t allocated() const {
        std::lock_guard lock(m_mutex);
        return m_pool.allocated();
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::condition_variable m_notEmpty;
    std::vector<InputMessage> m_ring;
    std::size_t m_head = 0;
    std::size_t m_count = 0;
    PayloadPool m_pool;
};

//! Per-worker bounded rings of output messages under one mutex, drained by the coordinator, plus
//! each worker's pool of output payloads. The coordinator can skip workers that are waiting at a
//! barrier (alignment): their rings fill up and those workers block — backpressure, bounded memory.
class Inbox {
public:
    Inbox(int workers, std::size_t capacity, const std::function<std::unique_ptr<Payload>()>& make);

    //! Worker w: blocks while its ring is full.
    void push(int worker, OutputMessage&& message);
    //! Coordinator: the next message from a worker whose `skip` entry is 0; blocks until one exists.
    OutputMessage pop(const std::vector<char>& skip, int& worker);
    std::unique_ptr<Payload> takePayload(int worker);
    void recycle(int worker, std::unique_ptr<Payload> payload);
    std::size_t allocated() const;

private:
    struct Ring {
        std::vector<OutputMessage> slots;
        std::size_t head = 0;
        std::size_t count = 0;
    };
    mutable std::mutex m_mutex;
    std::condition_variable m_notEmpty;
    std::condition_variable m_notFull;
    std::vector<Ring> m_rings;
    std::vector<PayloadPool> m_pools;
    std::size_t m_next = 0;  //!< round-robin start
};

}  // namespace cityops::engine::stream::runtime_detail
