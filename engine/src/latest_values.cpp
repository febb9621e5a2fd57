#include "cityops/engine/latest_values.h"

#include <limits>

namespace cityops::engine {

LatestValues::LatestValues(std::uint32_t sensorCount)
    : m_size(sensorCount),
      m_values(std::make_unique<std::atomic<double>[]>(sensorCount)),
      m_times(std::make_unique<std::atomic<std::int64_t>[]>(sensorCount)) {
    for (std::uint32_t i = 0; i < m_size; ++i) {
        m_values[i].store(std::numeric_limits<double>::quiet_NaN(), std::memory_order_relaxed);
        m_times[i].store(kNoTime, std::memory_order_relaxed);
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
}

}  // namespace cityops::engine
