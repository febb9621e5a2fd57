#pragma once

// Shared by the stream benchmarks: the generated input and the hand-written single loop that
// computes the same 5-minute aggregates and CO2 rule with no engine (the reference "limit").

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::bench {

using namespace cityops::engine;

//! Every key reports in turn; event time advances so that each key reports every 20 s.
inline std::vector<Reading> makeInput(std::size_t events, std::uint32_t keys) {
    std::vector<Reading> out(events);
    std::uint64_t state = 0x243f6a8885a308d3ULL;
    for (std::size_t i = 0; i < events; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        Reading& r = out[i];
        r.sensorId = static_cast<std::uint32_t>(i % keys);
        r.locationId = static_cast<std::uint16_t>(r.sensorId % 64);
        r.eventTimeMs = static_cast<std::int64_t>(i / keys) * 20'000 + static_cast<std::int64_t>(r.sensorId % 1000);
        r.seq = i / keys;
        const bool air = r.sensorId % 2 == 0;
        r.kind = air ? SensorKind::AirQuality : SensorKind::Traffic;
        r.metric = air ? Metric::Co2 : Metric::TrafficSpeed;
        r.value = air ? 600.0 + static_cast<double>(state >> 56) * 1.2 : 20.0 + static_cast<double>(state >> 58);
    }
    return out;
}

struct Outcome {
    double seconds = 0.0;
    std::uint64_t alerts = 0;
    std::uint64_t aggregates = 0;
    std::uint64_t districtAggregates = 0;  //!< runCityReference only
};

//! The CO2 rule of both loops: > 800 ppm three times within 5 minutes per sensor (greedy, as the
//! input is in event-time order).
struct Co2Window {
    std::int64_t times[3];
    double values[3];
    int count = 0;
};

inline void co2Step(Co2Window& s, const Reading& r, std::vector<Alert>& alerts) {
    constexpr double kThreshold = 800.0;
    constexpr std::int64_t kWithin = 300'000;
    if (r.metric != Metric::Co2 || !(r.value > kThreshold)) {
        return;
    }
    int drop = 0;
    while (drop < s.count && r.eventTimeMs - s.times[drop] >= kWithin) {
        ++drop;
    }
    for (int i = drop; i < s.count; ++i) {
        s.times[i - drop] = s.times[i];
        s.values[i - drop] = s.values[i];
    }
    s.count -= drop;
    s.times[s.count] = r.eventTimeMs;
    s.values[s.count] = r.value;
    if (++s.count == 3) {
        Alert a;
        a.firstEventMs = s.times[0];
        a.eventTimeMs = r.eventTimeMs;
        a.value = std::max({s.values[0], s.values[1], s.values[2]});
        a.sensorId = r.sensorId;
        a.severity = a.value >= 1.5 * kThreshold ? Severity::Critical : Severity::Warning;
        a.id = makeAlertId(AlertRule::Co2High, r.sensorId, a.firstEventMs);
        alerts.push_back(a);
        s.count = 0;
    }
}

//! The same two jobs in one loop, exploiting that the input is in event-time order.
inline Outcome runReference(const std::vector<Reading>& input, std::uint32_t keys) {
    constexpr std::int64_t kWindow = 300'000;
    Outcome outcome;
    const auto start = std::chrono::steady_clock::now();
    std::unordered_map<std::uint64_t, WindowAggregate> open;
    std::vector<Co2Window> co2(keys);
    std::vector<WindowAggregate> fired;
    std::vector<Alert> alerts;
    std::int64_t currentStart = input.empty() ? 0 : input.front().eventTimeMs / kWindow * kWindow;
    for (const Reading& r : input) {
        const std::int64_t windowStart = r.eventTimeMs / kWindow * kWindow;
        if (windowStart != currentStart) {
            for (const auto& [key, w] : open) {
                fired.push_back(w);
            }
            outcome.aggregates += open.size();
            open.clear();
            fired.clear();
            currentStart = windowStart;
        }
        const std::uint64_t key = (std::uint64_t{r.sensorId} << 8) | static_cast<std::uint64_t>(r.metric);
        auto [it, inserted] = open.try_emplace(key);
        WindowAggregate& w = it->second;
        if (inserted) {
            w = WindowAggregate{windowStart, windowStart + kWindow, 0.0,     r.value, r.value, 0,
                                r.sensorId,  r.locationId,          r.metric};
        }
        w.sum += r.value;
        w.min = std::min(w.min, r.value);
        w.max = std::max(w.max, r.value);
        ++w.count;

        co2Step(co2[r.sensorId], r, alerts);
    }
    outcome.aggregates += open.size();
    outcome.alerts = alerts.size();
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

//! The design's Alert Detection + Real-time Aggregation as bench_city_jobs runs them, by hand in one
//! loop: the same work per reading as the jobs — drop repeated (sensor, metric, seq) with a 64-wide
//! sequence window, 5-minute count/sum/min/max/mean/M2 per series, the CO2 rule per sensor, the
//! emergency rule's test per location, and per fired window the per-district and city-wide rows —
//! but with dense arrays indexed by sensor and location and the input's event-time order exploited
//! (the engine can assume neither). Nothing is left out that the jobs compute for this input.
inline Outcome runCityReference(const std::vector<Reading>& input, std::uint32_t keys) {
    constexpr std::int64_t kWindow = 300'000;
    constexpr double kEmergencySeverity = 3.0;
    constexpr double kEmergencyTemperature = 45.0;
    constexpr double kEmergencyCo2 = 1200.0;
    constexpr std::int64_t kEmergencyWithin = 600'000;
    struct SensorState {
        Co2Window co2;
        std::uint64_t maxSeq[kMetricCount] = {};
        std::uint64_t seen[kMetricCount] = {};  //!< bit i: maxSeq − i was seen (0: nothing yet)
    };
    struct Series {
        WindowAggregate w;
        double mean = 0.0;  //!< Welford, as the jobs' series summary keeps
        double m2 = 0.0;
    };
    struct District {
        double sum = 0.0, min = 0.0, max = 0.0;
        std::uint64_t count = 0;
        std::uint32_t sensors = 0;
    };
    struct Emergency {
        std::int64_t time = -1;
    };
    Outcome outcome;
    const auto start = std::chrono::steady_clock::now();
    std::unordered_map<std::uint64_t, Series> open;
    std::vector<SensorState> sensors(keys);
    std::vector<Emergency> emergencies;
    std::vector<District> districts;  //!< (metric, location) of the window being fired
    std::vector<std::uint32_t> touched;
    std::vector<Alert> alerts;
    const auto fire = [&] {
        // Per district and city-wide rows of each metric, as DistrictAggregator emits them.
        District city[kMetricCount] = {};
        for (const auto& [key, s] : open) {
            const std::size_t at = std::size_t{s.w.locationId} * kMetricCount + static_cast<std::size_t>(s.w.metric);
            if (at >= districts.size()) {
                districts.resize(at + 1);
            }
            for (District* d : {&districts[at], &city[static_cast<std::size_t>(s.w.metric)]}) {
                if (d == &districts[at] && d->count == 0) {
                    touched.push_back(static_cast<std::uint32_t>(at));
                }
                d->min = d->count == 0 ? s.w.min : std::min(d->min, s.w.min);
                d->max = d->count == 0 ? s.w.max : std::max(d->max, s.w.max);
                d->sum += s.w.sum;
                d->count += s.w.count;
                d->sensors += 1;
            }
        }
        outcome.districtAggregates += touched.size();
        for (const District& c : city) {
            outcome.districtAggregates += c.count > 0 ? 1 : 0;
        }
        for (std::uint32_t at : touched) {
            districts[at] = District{};
        }
        touched.clear();
        outcome.aggregates += open.size();
        open.clear();
    };
    std::int64_t currentStart = input.empty() ? 0 : input.front().eventTimeMs / kWindow * kWindow;
    for (const Reading& r : input) {
        SensorState& s = sensors[r.sensorId];
        const auto m = static_cast<std::size_t>(r.metric);
        if (s.seen[m] == 0 || r.seq > s.maxSeq[m]) {
            const std::uint64_t shift = s.seen[m] == 0 ? 64 : r.seq - s.maxSeq[m];
            s.seen[m] = shift >= 64 ? 1 : (s.seen[m] << shift) | 1;
            s.maxSeq[m] = r.seq;
        } else if (const std::uint64_t back = s.maxSeq[m] - r.seq; back < 64) {
            if ((s.seen[m] >> back) & 1) {
                continue;  // a repeated send
            }
            s.seen[m] |= std::uint64_t{1} << back;
        }

        const std::int64_t windowStart = r.eventTimeMs / kWindow * kWindow;
        if (windowStart != currentStart) {
            fire();
            currentStart = windowStart;
        }
        const std::uint64_t key = (std::uint64_t{r.locationId} << 40) | (std::uint64_t{r.sensorId} << 8) |
                                  static_cast<std::uint64_t>(r.metric);
        auto [it, inserted] = open.try_emplace(key);
        Series& w = it->second;
        if (inserted) {
            w.w = WindowAggregate{windowStart, windowStart + kWindow, 0.0,     r.value, r.value, 0,
                                  r.sensorId,  r.locationId,          r.metric};
        }
        w.w.sum += r.value;
        w.w.min = std::min(w.w.min, r.value);
        w.w.max = std::max(w.w.max, r.value);
        ++w.w.count;
        const double delta = r.value - w.mean;
        w.mean += delta / static_cast<double>(w.w.count);
        w.m2 += delta * (r.value - w.mean);

        // Emergency rule: an emergency event, then a temperature or CO2 anomaly at its location.
        const bool emergency = r.kind == SensorKind::Emergency && r.metric == Metric::EmergencySeverity &&
                               r.value >= kEmergencySeverity;
        const bool anomaly = (r.metric == Metric::Temperature && r.value >= kEmergencyTemperature) ||
                             (r.metric == Metric::Co2 && r.value > kEmergencyCo2);
        if (emergency || anomaly) {
            if (r.locationId >= emergencies.size()) {
                emergencies.resize(std::size_t{r.locationId} + 1);
            }
            Emergency& e = emergencies[r.locationId];
            if (anomaly && e.time >= 0 && r.eventTimeMs - e.time < kEmergencyWithin) {
                Alert a;
                a.firstEventMs = e.time;
                a.eventTimeMs = r.eventTimeMs;
                a.id = makeAlertId(AlertRule::EmergencyConfirmed, r.locationId, e.time);
                alerts.push_back(a);
                e.time = -1;
            } else if (emergency) {
                e.time = r.eventTimeMs;
            }
        }

        co2Step(s.co2, r, alerts);
    }
    fire();
    outcome.alerts = alerts.size();
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

}  // namespace cityops::bench
