#include "batch_queue.h"

#include <algorithm>
#include <utility>

namespace cityops::engine::detail {

BatchQueue::BatchQueue(std::size_t capacity) : m_ring(std::max<std::size_t>(capacity, 1)) {
    m_pool.reserve(m_ring.size() + 2);
}

std::vector<Reading> BatchQueue::takeBuffer() {
    std::lock_guard lock(m_mutex);
    if (m_pool.empty()) {
        return {};
    }
    std::vector<Reading> buffer = std::move(m_pool.back());
    m_pool.pop_back();
    return buffer;
}

void BatchQueue::push(Batch&& batch) {
    std::unique_lock lock(m_mutex);
    m_notFull.wait(lock, [this] { return m_count < m_ring.size(); });
    m_ring[(m_head + m_count) % m_ring.size()] = std::move(batch);
    ++m_count;
    lock.unlock();
    m_notEmpty.notify_one();
}

Batch BatchQueue::pop() {
    std::unique_lock lock(m_mutex);
    m_notEmpty.wait(lock, [this] { return m_count > 0; });
    Batch batch = std::move(m_ring[m_head]);
    m_head = (m_head + 1) % m_ring.size();
    --m_count;
    lock.unlock();
    m_notFull.notify_one();
    return batch;
}

void BatchQueue::complete(std::vector<Reading>&& buffer) {
    {
        std::lock_guard lock(m_mutex);
        if (buffer.capacity() > 0 && m_pool.size() < m_ring.size() + 2) {
            buffer.clear();
            m_pool.push_back(std::move(buffer));
        }
        ++m_completed;
    }
    m_completedChanged.notify_all();
}

void BatchQueue::waitCompleted(std::uint64_t pushed) {
    std::unique_lock lock(m_mutex);
    m_completedChanged.wait(lock, [&] { return m_completed >= pushed; });
}

}  // namespace cityops::engine::detail
