#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream_pipeline.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine::test {

//! A reading with the fields the engine looks at; kind follows the metric.
inline Reading makeReading(std::uint32_t sensorId, Metric metric, std::int64_t eventTimeMs, double value,
                           std::uint64_t seq = 0) {
    Reading r;
    r.sensorId = sensorId;
    r.locationId = static_cast<std::uint16_t>(sensorId % 7);
    r.metric = metric;
    r.eventTimeMs = eventTimeMs;
    r.value = value;
    r.seq = seq;
    switch (metric) {
        case Metric::TrafficSpeed:
        case Metric::VehicleCount:
            r.kind = SensorKind::Traffic;
            break;
        case Metric::Co2:
        case Metric::Pm25:
        case Metric::O3:
        case Metric::No2:
            r.kind = SensorKind::AirQuality;
            break;
        case Metric::Temperature:
        case Metric::Humidity:
            r.kind = SensorKind::Temperature;
            break;
        case Metric::ParkingOccupancy:
            r.kind = SensorKind::Parking;
            break;
        case Metric::EmergencySeverity:
            r.kind = SensorKind::Emergency;
            break;
        case Metric::EnergyKwh:
            r.kind = SensorKind::Energy;
            break;
        case Metric::NoiseDb:
            r.kind = SensorKind::Noise;
            break;
    }
    return r;
}

//! Everything a pipeline produced for an input pushed in batches of batchSize, after finish().
struct RunResult {
    std::vector<Alert> alerts;
    std::vector<WindowAggregate> aggregates;
    PipelineMetrics metrics;
};

inline RunResult runPipeline(const PipelineConfig& config, std::span<const Reading> input, std::size_t batchSize) {
    StreamPipeline pipeline(config);
    RunResult result;
    for (std::size_t i = 0; i < input.size(); i += batchSize) {
        pipeline.push(input.subspan(i, std::min(batchSize, input.size() - i)));
    }
    pipeline.finish();
    pipeline.drainAlerts(result.alerts);
    pipeline.drainAggregates(result.aggregates);
    result.metrics = pipeline.metrics();
    return result;
}

inline void sortAlerts(std::vector<Alert>& alerts) {
    std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
        return std::tie(a.sensorId, a.firstEventMs, a.eventTimeMs) <
               std::tie(b.sensorId, b.firstEventMs, b.eventTimeMs);
    });
}

inline void sortAggregates(std::vector<WindowAggregate>& aggregates) {
    std::sort(aggregates.begin(), aggregates.end(), [](const WindowAggregate& a, const WindowAggregate& b) {
        return std::tie(a.sensorId, a.metric, a.windowStartMs) < std::tie(b.sensorId, b.metric, b.windowStartMs);
    });
}

inline bool sameAlert(const Alert& a, const Alert& b) {
    return a.id == b.id && a.firstEventMs == b.firstEventMs && a.eventTimeMs == b.eventTimeMs && a.value == b.value &&
           a.sensorId == b.sensorId && a.locationId == b.locationId && a.rule == b.rule && a.severity == b.severity &&
           a.matchedCount == b.matchedCount;
}

inline bool sameAggregate(const WindowAggregate& a, const WindowAggregate& b) {
    return a.windowStartMs == b.windowStartMs && a.windowEndMs == b.windowEndMs && a.sum == b.sum && a.min == b.min &&
           a.max == b.max && a.count == b.count && a.sensorId == b.sensorId && a.locationId == b.locationId &&
           a.metric == b.metric;
}

}  // namespace cityops::engine::test
