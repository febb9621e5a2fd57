#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "cityops/simulation/scenario.h"
#include "cityops/simulation/simulator.h"

//! Helpers shared by the simulation tests: running a simulator, hashing its stream, distances.
namespace cityops::simulation::testutil {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t k2026_03_02T08Z = 1'772'438'400'000;

inline std::vector<engine::Reading> run(const City& city, const Scenario& scenario, std::int64_t durationMs,
                                        std::int64_t stepMs, std::vector<EmergencyEvent>* events = nullptr) {
    Simulator simulator(city, scenario);
    std::vector<engine::Reading> out;
    for (std::int64_t t = scenario.startTimeMs; t < scenario.startTimeMs + durationMs;) {
        t = std::min(t + stepMs, scenario.startTimeMs + durationMs);
        simulator.advanceTo(t, out);
        if (events != nullptr) {
            simulator.drainEmergencyEvents(*events);
        }
    }
    return out;
}

//! FNV-1a over every field of every reading, in stream order: a hash of the byte stream.
inline std::uint64_t streamHash(const std::vector<engine::Reading>& readings) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto add = [&h](const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            h = (h ^ bytes[i]) * 0x100000001b3ULL;
        }
    };
    for (const engine::Reading& r : readings) {
        add(&r.eventTimeMs, sizeof r.eventTimeMs);
        add(&r.seq, sizeof r.seq);
        add(&r.value, sizeof r.value);
        add(&r.sensorId, sizeof r.sensorId);
        add(&r.locationId, sizeof r.locationId);
        add(&r.kind, sizeof r.kind);
        add(&r.metric, sizeof r.metric);
    }
    return h;
}

//! Haversine distance in metres (independent of the library's own approximation).
inline double metresBetween(GeoPoint a, GeoPoint b) {
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    const double dLat = (b.lat - a.lat) * kRad;
    const double dLon = (b.lon - a.lon) * kRad;
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2) +
                     std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2.0 * 6'371'000.0 * std::asin(std::sqrt(h));
}

inline Scenario baseScenario(std::uint32_t sensors = 1000) {
    Scenario scenario;
    scenario.name = "test";
    scenario.sensorCount = sensors;
    scenario.startTimeMs = k2026_03_02T08Z;
    return scenario;
}

inline Incident incidentOf(IncidentKind kind, std::int64_t startMs, std::int64_t durationMs) {
    Incident incident;
    incident.kind = kind;
    incident.startOffsetMs = startMs;
    incident.durationMs = durationMs;
    return incident;
}

//! Readings of one sensor and metric, in stream order.
inline std::vector<engine::Reading> seriesOf(const std::vector<engine::Reading>& readings, std::uint32_t sensor,
                                             engine::Metric metric) {
    std::vector<engine::Reading> out;
    for (const engine::Reading& r : readings) {
        if (r.sensorId == sensor && r.metric == metric) {
            out.push_back(r);
        }
    }
    return out;
}

}  // namespace cityops::simulation::testutil
