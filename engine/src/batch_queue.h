#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "cityops/engine/reading.h"

namespace cityops::engine::detail {

//! What the source hands one worker per push(): its share of the readings and the new watermark.
struct Batch {
    std::vector<Reading> readings;
    std::int64_t watermarkMs = 0;
    bool stop = false;
};

//! Bounded single-producer single-consumer queue of batches with a pool of reading buffers.
//! Every operation takes the one mutex once: the source locks per batch, never per event.
//! Buffers circulate source → queue → worker → pool → source and keep their capacity, so the
//! steady state allocates nothing.
class BatchQueue {
public:
    explicit BatchQueue(std::size_t capacity);

    //! A cleared buffer from the pool (or an empty one when the pool is dry).
    std::vector<Reading> takeBuffer();
    //! Blocks while the queue is full (backpressure on the source).
    void push(Batch&& batch);
    //! Blocks until a batch is available.
    Batch pop();
    //! The worker is done with a popped batch: recycles its buffer and counts it as processed.
    void complete(std::vector<Reading>&& buffer);
    //! Blocks until `pushed` batches have been completed.
    void waitCompleted(std::uint64_t pushed);

private:
    std::mutex m_mutex;
    std::condition_variable m_notFull;
    std::condition_variable m_notEmpty;
    std::condition_variable m_completedChanged;
    std::vector<Batch> m_ring;
    std::size_t m_head = 0;
    std::size_t m_count = 0;
    std::vector<std::vector<Reading>> m_pool;
    std::uint64_t m_completed = 0;
};

}  // namespace cityops::engine::detail
