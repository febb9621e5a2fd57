#include "cityops/simulation/headless.h"

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "cityops/simulation/simulator.h"

namespace cityops::simulation {

RunSummary runHeadless(const City& city, const Scenario& scenario, const RunOptions& options,
                       const std::atomic<bool>* cancel) {
    using Clock = std::chrono::steady_clock;
    engine::PipelineConfig config;
    config.workers = options.workers;
    config.sensorCount = static_cast<std::uint32_t>(city.sensors.size());
    engine::StreamPipeline pipeline(config);
    Simulator simulator(city, scenario);

    RunSummary summary;
    summary.scenario = scenario.name;
    const std::int64_t step = options.stepMs > 0 ? options.stepMs : 1'000;
    const std::int64_t start = scenario.startTimeMs;
    const std::int64_t end = start + std::max<std::int64_t>(0, options.durationMs);
    std::vector<engine::Reading> batch;
    std::vector<engine::Alert> alerts;
    std::vector<engine::WindowAggregate> aggregates;
    auto drain = [&] {
        pipeline.drainAlerts(alerts);
        summary.alerts += alerts.size();
        for (const engine::Alert& alert : alerts) {
            summary.co2Alerts += alert.rule == engine::AlertRule::Co2High ? 1 : 0;
        }
        alerts.clear();
        pipeline.drainAggregates(aggregates);
        summary.aggregates += aggregates.size();
        aggregates.clear();
    };

    const Clock::time_point wallStart = Clock::now();
    std::int64_t simTime = start;
    while (simTime < end) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            summary.cancelled = true;
            break;
        }
        const std::int64_t next = std::min(end, simTime + step);
        batch.clear();
        simulator.advanceTo(next, batch);
        pipeline.push(batch);
        summary.events += batch.size();
        simTime = next;
        drain();
        if (options.speed > 0.0) {
            const auto due = wallStart + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(
                                             static_cast<double>(simTime - start) / options.speed));
            std::this_thread::sleep_until(due);
        }
    }
    pipeline.finish();
    drain();
    summary.simulatedMs = simTime - start;
    summary.lateEvents = pipeline.metrics().lateEvents;
    summary.wallSeconds = std::chrono::duration<double>(Clock::now() - wallStart).count();
    summary.eventsPerSecond =
        summary.wallSeconds > 0.0 ? static_cast<double>(summary.events) / summary.wallSeconds : 0.0;
    if (hasRetailIncidents(scenario) && !summary.cancelled) {
        summary.receipts = runReceiptJobs(city, scenario, options.durationMs, options.workers, cancel);
    }
    return summary;
}

std::string formatSummary(const RunSummary& summary) {
    auto fixed = [](double value, int decimals) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
        return std::string(buffer);
    };
    const std::string simulated = summary.simulatedMs % 1000 == 0
                                      ? std::to_string(summary.simulatedMs / 1000)
                                      : fixed(static_cast<double>(summary.simulatedMs) / 1000.0, 3);
    std::string text;
    text += "scenario: " + summary.scenario + "\n";
    text += "simulated_seconds: " + simulated + "\n";
    text += "events: " + std::to_string(summary.events) + "\n";
    text += "alerts: " + std::to_string(summary.alerts) + "\n";
    text += "co2_alerts: " + std::to_string(summary.co2Alerts) + "\n";
    text += "window_aggregates: " + std::to_string(summary.aggregates) + "\n";
    text += "late_events: " + std::to_string(summary.lateEvents) + "\n";
    text += "wall_seconds: " + fixed(summary.wallSeconds, 3) + "\n";
    text += "events_per_second: " + fixed(summary.eventsPerSecond, 0) + "\n";
    if (summary.receipts) {
        text += formatReceiptsSummary(*summary.receipts);
    }
    if (summary.cancelled) {
        text += "cancelled: yes\n";
    }
    return text;
}

}  // namespace cityops::simulation
