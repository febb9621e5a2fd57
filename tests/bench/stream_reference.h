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
};

//! The same two jobs in one loop, exploiting that the input is in event-time order.
inline Outcome runReference(const std::vector<Reading>& input, std::uint32_t keys) {
    constexpr std::int64_t kWindow = 300'000;
    constexpr double kThreshold = 800.0;
    constexpr std::int64_t kWithin = 300'000;
    struct Co2State {
        std::int64_t times[3];
        double values[3];
        int count = 0;
    };
    Outcome outcome;
    const auto start = std::chrono::steady_clock::now();
    std::unordered_map<std::uint64_t, WindowAggregate> open;
    std::vector<Co2State> co2(keys);
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

        if (r.metric != Metric::Co2 || !(r.value > kThreshold)) {
            continue;
        }
        Co2State& s = co2[r.sensorId];
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
    outcome.aggregates += open.size();
    outcome.alerts = alerts.size();
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

}  // namespace cityops::bench
