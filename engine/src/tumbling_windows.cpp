#include "tumbling_windows.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace cityops::engine::detail {

namespace {

//! Fired buckets kept for reuse: the usual number of simultaneously open windows per key, plus slack.
constexpr std::size_t kMaxSpareBuckets = 4;

}  // namespace

TumblingWindows::TumblingWindows(std::int64_t windowSizeMs)
    : m_sizeMs(std::max<std::int64_t>(windowSizeMs, 1)), m_watermarkMs(std::numeric_limits<std::int64_t>::min()) {}

std::int64_t TumblingWindows::windowStart(std::int64_t eventTimeMs, std::int64_t windowSizeMs) {
    const std::int64_t rem = eventTimeMs % windowSizeMs;
    return rem < 0 ? eventTimeMs - rem - windowSizeMs : eventTimeMs - rem;
}

bool TumblingWindows::isLate(std::int64_t eventTimeMs) const {
    return windowStart(eventTimeMs, m_sizeMs) + m_sizeMs <= m_watermarkMs;
}

void TumblingWindows::add(const Reading& reading) {
    const std::int64_t start = windowStart(reading.eventTimeMs, m_sizeMs);
    Bucket& bucket = bucketFor(start + m_sizeMs);
    const std::uint64_t key = (std::uint64_t{reading.sensorId} << 8) | static_cast<std::uint64_t>(reading.metric);
    const auto next = static_cast<std::uint32_t>(bucket.windows.size());
    const std::uint32_t slot = bucket.index.findOrInsert(key, next);
    if (slot == next) {
        WindowAggregate w;
        w.windowStartMs = start;
        w.windowEndMs = start + m_sizeMs;
        w.sum = reading.value;
        w.min = reading.value;
        w.max = reading.value;
        w.count = 1;
        w.sensorId = reading.sensorId;
        w.locationId = reading.locationId;
        w.metric = reading.metric;
        bucket.windows.push_back(w);
        return;
    }
    WindowAggregate& w = bucket.windows[slot];
    w.sum += reading.value;
    w.min = std::min(w.min, reading.value);
    w.max = std::max(w.max, reading.value);
    ++w.count;
}

void TumblingWindows::advance(std::int64_t watermarkMs, std::vector<WindowAggregate>& out) {
    if (watermarkMs <= m_watermarkMs) {
        return;
    }
    m_watermarkMs = watermarkMs;
    while (!m_open.empty() && m_open.begin()->first <= watermarkMs) {
        auto node = m_open.extract(m_open.begin());
        Bucket& bucket = node.mapped();
        out.insert(out.end(), bucket.windows.begin(), bucket.windows.end());
        bucket.windows.clear();
        bucket.index.clear();
        if (&bucket == m_cached) {
            m_cached = nullptr;
        }
        if (m_spare.size() < kMaxSpareBuckets) {
            m_spare.push_back(std::move(node));
        }
    }
}

TumblingWindows::Bucket& TumblingWindows::bucketFor(std::int64_t windowEndMs) {
    if (m_cached != nullptr && m_cachedEndMs == windowEndMs) {
        return *m_cached;
    }
    auto it = m_open.find(windowEndMs);
    if (it == m_open.end()) {
        if (m_spare.empty()) {
            it = m_open.emplace(windowEndMs, Bucket{}).first;
        } else {
            auto node = std::move(m_spare.back());
            m_spare.pop_back();
            node.key() = windowEndMs;
            it = m_open.insert(std::move(node)).position;
        }
    }
    m_cachedEndMs = windowEndMs;
    m_cached = &it->second;
    return *m_cached;
}

}  // namespace cityops::engine::detail
