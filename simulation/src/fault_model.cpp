#include "fault_model.h"

#include <algorithm>

#include "rng.h"

namespace cityops::simulation::detail {
namespace {

constexpr std::size_t kMaxMetrics = 4;  // air quality: CO2, PM2.5, O3, NO2

double chance(std::uint64_t seedKey, std::uint32_t sensor, std::uint64_t seq, std::uint64_t salt) {
    return toUnit(
        mix64(seedKey ^ (std::uint64_t{sensor} * 0x9e3779b97f4a7c15ULL) ^ (seq * 0xd1b54a32d192ed03ULL) ^ salt));
}

}  // namespace

FaultModel::FaultModel(std::size_t sensorCount) : m_faults(sensorCount), m_floods(sensorCount) {}

void FaultModel::addFault(std::uint32_t sensor, const SensorFault& fault, std::int64_t fromMs, std::int64_t toMs) {
    if (sensor >= m_faults.size() || toMs <= fromMs) {
        return;
    }
    Window window;
    window.fault = fault;
    window.fault.maxDelayMs = std::max<std::int64_t>(1, fault.maxDelayMs);
    window.fromMs = fromMs;
    window.toMs = toMs;
    m_faults[sensor].push_back(window);
    m_any = true;
}

void FaultModel::addFlood(std::uint32_t sensor, int multiplier, std::int64_t fromMs, std::int64_t toMs) {
    if (sensor >= m_floods.size() || toMs <= fromMs || multiplier <= 1) {
        return;
    }
    m_floods[sensor].push_back({multiplier, fromMs, toMs});
    m_any = true;
}

int FaultModel::floodMultiplier(std::uint32_t sensor, std::int64_t timeMs) const {
    int multiplier = 1;
    for (const Flood& flood : m_floods[sensor]) {
        if (timeMs >= flood.fromMs && timeMs < flood.toMs) {
            multiplier = std::max(multiplier, flood.multiplier);
        }
    }
    return multiplier;
}

void FaultModel::deliver(std::uint32_t sensor, std::int64_t timeMs, std::span<const engine::Reading> emission,
                         std::uint64_t seedKey, std::uint64_t& order, std::vector<Delivery>& staged) {
    engine::Reading readings[kMaxMetrics];
    const std::size_t count = std::min(emission.size(), kMaxMetrics);
    std::copy_n(emission.begin(), count, readings);
    if (count == 0) {
        return;
    }
    const std::uint64_t seq = readings[0].seq;
    std::int64_t deliveryMs = timeMs;
    int copies = 1;
    for (Window& w : m_faults[sensor]) {
        if (timeMs < w.fromMs || timeMs >= w.toMs) {
            continue;
        }
        const SensorFault& f = w.fault;
        switch (f.mode) {
            case FaultMode::Stuck:
                for (std::size_t i = 0; i < count; ++i) {
                    if (!w.captured) {
                        w.stuck[i] = readings[i].value;
                    }
                    readings[i].value = w.stuck[i];
                }
                w.captured = true;
                break;
            case FaultMode::Drift:
                readings[0].value += f.driftPerHour * static_cast<double>(timeMs - w.fromMs) / 3'600'000.0;
                break;
            case FaultMode::Dropout:
                if (chance(seedKey, sensor, seq, 0xd509) < f.rate) {
                    return;
                }
                break;
            case FaultMode::Duplicate:
                if (chance(seedKey, sensor, seq, 0xd0b1) < f.rate) {
                    copies = 2;
                }
                break;
            case FaultMode::OutOfOrder:
                if (chance(seedKey, sensor, seq, 0x0e0e) < f.rate) {
                    const auto span = static_cast<std::uint64_t>(f.maxDelayMs);
                    deliveryMs +=
                        1 + static_cast<std::int64_t>(mix64(seedKey ^ seq ^ (std::uint64_t{sensor} << 32)) % span);
                }
                break;
            case FaultMode::ClockSkew:
                for (std::size_t i = 0; i < count; ++i) {
                    readings[i].eventTimeMs += f.skewMs;
                }
                break;
        }
    }
    for (int copy = 0; copy < copies; ++copy) {
        for (std::size_t i = 0; i < count; ++i) {
            staged.push_back({deliveryMs, order++, readings[i]});
        }
    }
}

}  // namespace cityops::simulation::detail
