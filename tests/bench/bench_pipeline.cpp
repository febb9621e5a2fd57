// Throughput of StreamPipeline over in-memory readings, next to a hand-written single loop that
// computes the same 5-minute aggregates and CO2 rule, so the engine's overhead is visible.
// Usage: bench_pipeline [events]   Prints one JSON object on stdout.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <unordered_map>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream_pipeline.h"
#include "cityops/engine/window_aggregate.h"
#include "stream_reference.h"

using namespace cityops::engine;
using cityops::bench::makeInput;
using cityops::bench::Outcome;
using cityops::bench::runReference;

namespace {

constexpr std::size_t kBatchSize = 4096;
constexpr int kWorkers = 2;

Outcome runPipeline(const std::vector<Reading>& input, std::uint32_t keys) {
    PipelineConfig config;
    config.workers = kWorkers;
    config.sensorCount = keys;
    config.queueCapacity = 64;
    Outcome outcome;
    std::vector<Alert> alerts;
    std::vector<WindowAggregate> aggregates;
    const auto start = std::chrono::steady_clock::now();
    {
        StreamPipeline pipeline(config);
        const std::span<const Reading> all(input);
        for (std::size_t i = 0; i < all.size(); i += kBatchSize) {
            pipeline.push(all.subspan(i, std::min(kBatchSize, all.size() - i)));
            if ((i / kBatchSize) % 64 == 0) {
                pipeline.drainAlerts(alerts);
                pipeline.drainAggregates(aggregates);
                outcome.alerts += alerts.size();
                outcome.aggregates += aggregates.size();
                alerts.clear();
                aggregates.clear();
            }
        }
        pipeline.finish();
        pipeline.drainAlerts(alerts);
        pipeline.drainAggregates(aggregates);
        outcome.alerts += alerts.size();
        outcome.aggregates += aggregates.size();
    }
    outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
}

void printCase(const char* name, std::uint32_t keys, std::size_t events, const Outcome& pipeline,
               const Outcome& reference, bool last) {
    std::printf("    {\"name\": \"%s\", \"keys\": %u, \"events\": %zu, \"workers\": %d, \"batch\": %zu,\n", name, keys,
                events, kWorkers, kBatchSize);
    std::printf(
        "     \"pipeline\": {\"seconds\": %.4f, \"events_per_s\": %.0f, \"alerts\": %llu, \"aggregates\": %llu},\n",
        pipeline.seconds, static_cast<double>(events) / pipeline.seconds,
        static_cast<unsigned long long>(pipeline.alerts), static_cast<unsigned long long>(pipeline.aggregates));
    std::printf(
        "     \"single_loop\": {\"seconds\": %.4f, \"events_per_s\": %.0f, \"alerts\": %llu, \"aggregates\": %llu},\n",
        reference.seconds, static_cast<double>(events) / reference.seconds,
        static_cast<unsigned long long>(reference.alerts), static_cast<unsigned long long>(reference.aggregates));
    std::printf("     \"results_match\": %s}%s\n",
                pipeline.alerts == reference.alerts && pipeline.aggregates == reference.aggregates ? "true" : "false",
                last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 4'000'000;
    struct Case {
        const char* name;
        std::uint32_t keys;
    };
    const Case cases[] = {{"keys_1k", 1'000}, {"keys_100k", 100'000}};
    std::printf("{\n  \"benchmark\": \"stream_pipeline\",\n  \"cases\": [\n");
    for (std::size_t i = 0; i < std::size(cases); ++i) {
        const std::vector<Reading> input = makeInput(events, cases[i].keys);
        const Outcome reference = runReference(input, cases[i].keys);
        const Outcome pipeline = runPipeline(input, cases[i].keys);
        printCase(cases[i].name, cases[i].keys, events, pipeline, reference, i + 1 == std::size(cases));
    }
    std::printf("  ]\n}\n");
    return 0;
}
