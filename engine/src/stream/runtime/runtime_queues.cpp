#include "runtime_queues.h"

#include <chrono>

namespace cityops::engine::stream::runtime_detail {

namespace {
std::int64_t steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

std::int64_t InputQueue::push(InputMessage&& message) {
    std::unique_lock lock(m_mutex);
    std::int64_t waited = 0;
    if (m_count == m_ring.size()) {
        const std::int64_t start = steadyNs();
        m_notFull.wait(lock, [this] { return m_count < m_ring.size(); });
        waited = steadyNs() - start;
    }
    m_ring[(m_head + m_count) % m_ring.size()] = std::move(message);
    ++m_count;
    lock.unlock();
    m_notEmpty.notify_one();
    return waited;
}

InputMessage InputQueue::pop() {
    std::unique_lock lock(m_mutex);
    m_notEmpty.wait(lock, [this] { return m_count > 0; });
    InputMessage message = std::move(m_ring[m_head]);
    m_head = (m_head + 1) % m_ring.size();
    --m_count;
    lock.unlock();
    m_notFull.notify_one();
    return message;
}

Inbox::Inbox(int workers, std::size_t capacity, const std::function<std::unique_ptr<Payload>()>& make) {
    const std::size_t slots = std::max<std::size_t>(capacity, 1);
    m_rings.resize(static_cast<std::size_t>(workers));
    for (Ring& ring : m_rings) {
        ring.slots.resize(slots);
    }
    m_pools.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i) {
        m_pools.emplace_back(make, slots + 2);
    }
}

void Inbox::push(int worker, OutputMessage&& message) {
    std::unique_lock lock(m_mutex);
    Ring& ring = m_rings[static_cast<std::size_t>(worker)];
    m_notFull.wait(lock, [&ring] { return ring.count < ring.slots.size(); });
    ring.slots[(ring.head + ring.count) % ring.slots.size()] = std::move(message);
    ++ring.count;
    lock.unlock();
    m_notEmpty.notify_one();
}

OutputMessage Inbox::pop(const std::vector<char>& skip, int& worker) {
    std::unique_lock lock(m_mutex);
    const std::size_t n = m_rings.size();
    std::size_t found = n;
    m_notEmpty.wait(lock, [&] {
        for (std::size_t step = 0; step < n; ++step) {
            const std::size_t i = (m_next + step) % n;
            if (!skip[i] && m_rings[i].count > 0) {
                found = i;
                return true;
            }
        }
        return false;
    });
    m_next = (found + 1) % n;
    Ring& ring = m_rings[found];
    OutputMessage message = std::move(ring.slots[ring.head]);
    ring.head = (ring.head + 1) % ring.slots.size();
    --ring.count;
    lock.unlock();
    m_notFull.notify_all();
    worker = static_cast<int>(found);
    return message;
}

std::unique_ptr<Payload> Inbox::takePayload(int worker) {
    bool mustMake = false;
    std::unique_ptr<Payload> p;
    {
        std::lock_guard lock(m_mutex);
        p = m_pools[static_cast<std::size_t>(worker)].takeLocked(mustMake);
    }
    return mustMake ? m_pools[static_cast<std::size_t>(worker)].make() : std::move(p);
}

void Inbox::recycle(int worker, std::unique_ptr<Payload> payload) {
    payload->clear();
    std::lock_guard lock(m_mutex);
    m_pools[static_cast<std::size_t>(worker)].giveLocked(std::move(payload));
}

std::size_t Inbox::allocated() const {
    std::lock_guard lock(m_mutex);
    std::size_t total = 0;
    for (const PayloadPool& pool : m_pools) {
        total += pool.allocated();
    }
    return total;
}

}  // namespace cityops::engine::stream::runtime_detail
