#include "cityops/engine/latest_values.h"

#include <algorithm>
#include <bit>
#include <limits>

namespace cityops::engine {

namespace {

constexpr std::uint32_t kBitsPerWord = 64;

std::uint32_t wordCount(std::uint32_t sensors) {
    return (sensors + kBitsPerWord - 1) / kBitsPerWord;
}

}  // namespace

LatestValues::LatestValues(std::uint32_t sensorCount)
    : m_size(sensorCount),
      m_values(std::make_unique<std::atomic<double>[]>(sensorCount)),
      m_times(std::make_unique<std::atomic<std::int64_t>[]>(sensorCount)),
      m_dirty(std::make_unique<std::atomic<std::uint64_t>[]>(wordCount(sensorCount))) {
    for (std::uint32_t i = 0; i < m_size; ++i) {
        m_values[i].store(std::numeric_limits<double>::quiet_NaN(), std::memory_order_relaxed);
        m_times[i].store(kNoTime, std::memory_order_relaxed);
    }
    for (std::uint32_t w = 0; w < wordCount(m_size); ++w) {
        m_dirty[w].store(0, std::memory_order_relaxed);
    }
}

double LatestValues::value(std::uint32_t sensorId) const {
    if (sensorId >= m_size) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    return m_values[sensorId].load(std::memory_order_relaxed);
}

std::int64_t LatestValues::eventTimeMs(std::uint32_t sensorId) const {
    if (sensorId >= m_size) {
        return kNoTime;
    }
    return m_times[sensorId].load(std::memory_order_relaxed);
}

void LatestValues::store(std::uint32_t sensorId, double value, std::int64_t eventTimeMs) {
    if (sensorId >= m_size) {
        return;
    }
    m_values[sensorId].store(value, std::memory_order_relaxed);
    m_times[sensorId].store(eventTimeMs, std::memory_order_relaxed);
    // Release: a tick that sees the bit also sees the value. Always the RMW (not load-then-or), so a
    // bit cleared by a concurrent tick is set again rather than assumed set.
    m_dirty[sensorId / kBitsPerWord].fetch_or(std::uint64_t{1} << (sensorId % kBitsPerWord),
                                              std::memory_order_release);
}

LatestValues::SubscriptionId LatestValues::subscribe(ChangeCallback callback) {
    std::lock_guard lock(m_subscribersMutex);
    const SubscriptionId id = m_nextId++;
    m_subscribers.push_back(Subscriber{id, std::move(callback)});
    return id;
}

void LatestValues::unsubscribe(SubscriptionId id) {
    std::lock_guard lock(m_subscribersMutex);
    for (auto& s : m_subscribers) {
        if (s.id == id) {
            s.callback = nullptr;  // erased after the tick in progress, if any
        }
    }
    if (!m_ticking) {
        std::erase_if(m_subscribers, [](const Subscriber& s) { return !s.callback; });
    }
}

std::size_t LatestValues::tick() {
    std::lock_guard lock(m_subscribersMutex);
    if (m_ticking) {
        return 0;  // a callback called tick(): the current tick already delivers everything
    }
    m_changed.clear();
    for (std::uint32_t w = 0; w < wordCount(m_size); ++w) {
        if (m_dirty[w].load(std::memory_order_relaxed) == 0) {
            continue;
        }
        std::uint64_t bits = m_dirty[w].exchange(0, std::memory_order_acquire);
        while (bits != 0) {
            m_changed.push_back(w * kBitsPerWord + static_cast<std::uint32_t>(std::countr_zero(bits)));
            bits &= bits - 1;
        }
    }
    if (m_changed.empty()) {
        return 0;
    }
    struct TickScope {  // ends the tick even if a callback throws
        LatestValues& self;
        explicit TickScope(LatestValues& s) : self(s) { self.m_ticking = true; }
        ~TickScope() {
            self.m_ticking = false;
            std::erase_if(self.m_subscribers, [](const Subscriber& s) { return !s.callback; });
        }
        TickScope(const TickScope&) = delete;
        TickScope& operator=(const TickScope&) = delete;
    } scope(*this);
    const std::size_t subscribers = m_subscribers.size();  // ones added by a callback start next tick
    for (std::size_t i = 0; i < subscribers; ++i) {
        if (m_subscribers[i].callback) {
            // Copy: a callback may subscribe (reallocating the vector) while this one runs.
            const ChangeCallback callback = m_subscribers[i].callback;
            callback(std::span<const std::uint32_t>(m_changed));
        }
    }
    return m_changed.size();
}

}  // namespace cityops::engine
