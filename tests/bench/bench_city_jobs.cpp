// Issue #3's benchmark: the design's Alert Detection + Real-time Aggregation jobs on the job runtime
// (a) over in-memory binary readings and (b) decoding JSON payloads with simdjson at the source,
// next to (c) a hand-written single loop doing the same work with no engine (dedup, 5-minute series
// windows, CO2 and emergency rules, per-district rows: stream_reference.h, runCityReference);
// then p50/p99 ingest → emit latency with the source paced at half of (a)'s rate, and the state
// the jobs hold for 100 k keys.
// Usage: bench_city_jobs [events] [1k|100k]   Prints one JSON object on stdout (both cases by default).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/json_codec.h"
#include "stream_reference.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;
using cityops::bench::makeInput;
using cityops::bench::Outcome;
using cityops::bench::runCityReference;
using SteadyClock = std::chrono::steady_clock;

namespace {

//! CPU seconds of the whole process (all threads): steadier than wall time on a loaded machine.
double processCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr std::size_t kBatch = 4096;
constexpr int kWorkers = 2;

struct JobsOutcome {
    double seconds = 0.0;
    double cpuSeconds = 0.0;
    std::uint64_t alerts = 0;
    std::uint64_t aggregates = 0;
    std::uint64_t districtAggregates = 0;
    LatencySummary latency;
    std::size_t stateBytes = 0;
    double backpressure = 0.0;
};

//! Alert Detection + Real-time Aggregation on `keys` series, 2 workers, no store; outputs created.
std::unique_ptr<RunningJob<Reading>> buildJobs(const char* jobId, std::uint32_t keys, CityJobsOutputs& outputs) {
    outputs.alerts = std::make_shared<QueueSink<Alert>>();
    outputs.sensorAggregates = std::make_shared<QueueSink<WindowResult<Stats>>>();
    outputs.districtAggregates = std::make_shared<QueueSink<DistrictAggregate>>();
    CityJobsConfig config;
    config.job.jobId = jobId;
    config.job.workers = kWorkers;
    config.job.queueCapacity = 64;
    config.job.maxBatchRecords = kBatch;
    config.job.checkpointIntervalMs = 0;
    config.expectedSeries = keys;
    JobBuilder<Reading> builder(config.job);
    builder.timestamps([](const Reading& r) { return r.eventTimeMs; });
    addAlertDetection(builder, config, outputs);
    addRealtimeAggregation(builder, config, outputs);
    return builder.build();
}

//! Drains the UI queues now and then, as the console's frame timer does.
void drain(CityJobsOutputs& outputs, JobsOutcome& outcome, std::vector<Alert>& alerts,
           std::vector<WindowResult<Stats>>& aggregates) {
    thread_local std::vector<DistrictAggregate> districts;
    outputs.alerts->drain(alerts);
    outputs.sensorAggregates->drain(aggregates);
    outputs.districtAggregates->drain(districts);
    outcome.alerts += alerts.size();
    outcome.aggregates += aggregates.size();
    outcome.districtAggregates += districts.size();
    alerts.clear();
    aggregates.clear();
    districts.clear();
}

//! paceEventsPerS > 0: pushes batches no faster than that rate (for the latency figures).
JobsOutcome runBinary(const std::vector<Reading>& input, std::uint32_t keys, double paceEventsPerS) {
    CityJobsOutputs outputs;
    auto job = buildJobs("bench", keys, outputs);

    JobsOutcome outcome;
    std::vector<Alert> alerts;
    std::vector<WindowResult<Stats>> aggregates;
    const double cpuStart = processCpuSeconds();
    const auto start = SteadyClock::now();
    const std::span<const Reading> all(input);
    for (std::size_t i = 0; i < all.size(); i += kBatch) {
        if (paceEventsPerS > 0.0) {
            std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                                      std::chrono::duration<double>(static_cast<double>(i) / paceEventsPerS)));
        }
        job->push(all.subspan(i, std::min(kBatch, all.size() - i)));
        if ((i / kBatch) % 64 == 0) {
            drain(outputs, outcome, alerts, aggregates);
        }
        if (i / kBatch == all.size() / kBatch / 2) {
            outcome.stateBytes = job->metrics().stateBytes;
        }
    }
    job->finish();
    outcome.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    outcome.cpuSeconds = processCpuSeconds() - cpuStart;
    drain(outputs, outcome, alerts, aggregates);
    const JobMetrics m = job->metrics();
    outcome.latency = m.latency;
    outcome.backpressure = m.backpressureRatio;
    return outcome;
}

//! (b): the source thread decodes JSON payloads (simdjson) into readings, then pushes them.
JobsOutcome runJson(const std::vector<Reading>& input, std::uint32_t keys, const std::string& arena,
                    const std::vector<std::size_t>& ends) {
    CityJobsOutputs outputs;
    auto job = buildJobs("bench-json", keys, outputs);

    ReadingDecoder decoder;
    DecodedReading decoded;
    std::vector<Reading> batch;
    batch.reserve(kBatch);
    JobsOutcome outcome;
    std::vector<Alert> alerts;
    std::vector<WindowResult<Stats>> aggregates;
    std::uint64_t rejected = 0;
    const double cpuStart = processCpuSeconds();
    const auto start = SteadyClock::now();
    std::size_t begin = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const std::size_t end = ends[i];
        const auto payload = std::as_bytes(std::span<const char>(arena.data() + begin, end - begin));
        begin = end;
        if (decoder.decode(payload, std::numeric_limits<std::int64_t>::min(), decoded) != DecodeError::None) {
            ++rejected;
            continue;
        }
        batch.push_back(decoded.reading);
        if (batch.size() == kBatch) {
            job->push(batch);
            batch.clear();
            if ((i / kBatch) % 64 == 0) {
                drain(outputs, outcome, alerts, aggregates);
            }
        }
    }
    job->push(batch);
    job->finish();
    outcome.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    outcome.cpuSeconds = processCpuSeconds() - cpuStart;
    drain(outputs, outcome, alerts, aggregates);
    outcome.latency = job->metrics().latency;
    if (rejected != 0) {
        std::fprintf(stderr, "bench_city_jobs: %llu payloads rejected\n", static_cast<unsigned long long>(rejected));
    }
    return outcome;
}

void printJobs(const char* name, std::size_t events, const JobsOutcome& o, bool comma) {
    std::printf(
        "     \"%s\": {\"seconds\": %.4f, \"events_per_s\": %.0f, \"alerts\": %llu, \"sensor_aggregates\": %llu, "
        "\"district_aggregates\": %llu, \"latency_p50_ms\": %.2f, \"latency_p99_ms\": %.2f, "
        "\"backpressure_ratio\": %.3f, \"cpu_seconds\": %.4f, \"events_per_cpu_s\": %.0f}%s\n",
        name, o.seconds, static_cast<double>(events) / o.seconds, static_cast<unsigned long long>(o.alerts),
        static_cast<unsigned long long>(o.aggregates), static_cast<unsigned long long>(o.districtAggregates),
        o.latency.p50Ms, o.latency.p99Ms, o.backpressure, o.cpuSeconds,
        static_cast<double>(events) / o.cpuSeconds, comma ? "," : "");
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 4'000'000;
    struct Case {
        const char* name;
        std::uint32_t keys;
    };
    const Case cases[] = {{"keys_1k", 1'000}, {"keys_100k", 100'000}};
    std::printf("{\n  \"benchmark\": \"city_jobs\", \"jobs\": \"alert detection + real-time aggregation\",\n");
    std::printf("  \"workers\": %d, \"batch\": %zu, \"cases\": [\n", kWorkers, kBatch);
    const std::string only = argc > 2 ? argv[2] : "";
    bool first = true;
    for (std::size_t c = 0; c < std::size(cases); ++c) {
        if (!only.empty() && "keys_" + only != cases[c].name) {
            continue;
        }
        if (!first) {
            std::printf(",\n");
        }
        first = false;
        const std::vector<Reading> input = makeInput(events, cases[c].keys);
        std::string arena;
        std::vector<std::size_t> ends;
        ends.reserve(input.size());
        for (const Reading& r : input) {
            char buffer[256];
            arena.append(buffer, encodeReadingJson(r, buffer));
            ends.push_back(arena.size());
        }
        const double referenceCpuStart = processCpuSeconds();
        const Outcome reference = runCityReference(input, cases[c].keys);
        const double referenceCpu = processCpuSeconds() - referenceCpuStart;
        const JobsOutcome binary = runBinary(input, cases[c].keys, 0.0);
        const JobsOutcome json = runJson(input, cases[c].keys, arena, ends);
        const double half = 0.5 * static_cast<double>(events) / binary.seconds;
        const JobsOutcome paced = runBinary(input, cases[c].keys, half);
        std::printf("    {\"name\": \"%s\", \"keys\": %u, \"events\": %zu, \"json_bytes\": %zu,\n", cases[c].name,
                    cases[c].keys, events, arena.size());
        printJobs("a_binary", events, binary, true);
        printJobs("b_json", events, json, true);
        std::printf("     \"c_single_loop\": {\"seconds\": %.4f, \"events_per_s\": %.0f, \"alerts\": %llu, "
                    "\"aggregates\": %llu, \"district_aggregates\": %llu, \"cpu_seconds\": %.4f},\n",
                    reference.seconds, static_cast<double>(events) / reference.seconds,
                    static_cast<unsigned long long>(reference.alerts),
                    static_cast<unsigned long long>(reference.aggregates),
                    static_cast<unsigned long long>(reference.districtAggregates), referenceCpu);
        std::printf("     \"paced_half_rate\": {\"target_events_per_s\": %.0f, \"achieved_events_per_s\": %.0f, "
                    "\"latency_p50_ms\": %.2f, \"latency_p99_ms\": %.2f},\n",
                    half, static_cast<double>(events) / paced.seconds, paced.latency.p50Ms, paced.latency.p99Ms);
        std::printf("     \"state_bytes_mid_run\": %zu, \"a_over_c_slowdown\": %.2f, \"a_over_c_cpu\": %.2f,\n",
                    binary.stateBytes, binary.seconds / reference.seconds, binary.cpuSeconds / referenceCpu);
        std::printf("     \"results_match\": %s}%s",
                    binary.alerts == reference.alerts && binary.aggregates == reference.aggregates &&
                            binary.districtAggregates == reference.districtAggregates &&
                            json.alerts == reference.alerts && json.aggregates == reference.aggregates &&
                            json.districtAggregates == reference.districtAggregates
                        ? "true"
                        : "false",
                    "");
    }
    std::printf("\n  ]\n}\n");
    return 0;
}
