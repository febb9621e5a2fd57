// Throughput and latency of the stream-job runtime (engine/include/cityops/engine/stream/job.h) with a
// trivial keyed operator, so the runtime's own cost is what is measured.
//   - events/s: a per-key counter (no output per event) over 1 k and 100 k keys, 1 and 2 workers;
//   - ingest → emit latency: a pass-through operator (one output per event into a sink), first
//     unpaced to find its maximum rate, then paced at half of it; p50/p99 from the runtime's histogram.
// Usage: bench_stream_runtime [events]   Prints one JSON object on stdout.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <thread>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/engine/stream/job.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

constexpr std::size_t kBatch = 4096;

//! Every key reports in turn; each key's event time advances 1 s per report.
std::vector<Reading> makeInput(std::size_t events, std::uint32_t keys) {
    std::vector<Reading> out(events);
    for (std::size_t i = 0; i < events; ++i) {
        Reading& r = out[i];
        r.sensorId = static_cast<std::uint32_t>(i % keys);
        r.eventTimeMs = static_cast<std::int64_t>(i / keys) * 1000 + static_cast<std::int64_t>(r.sensorId % 1000);
        r.seq = i / keys;
        r.value = static_cast<double>(i % 97);
        r.metric = Metric::Co2;
    }
    return out;
}

//! Counts per key in a dense table (keys are sensor ids below `keys`); emits nothing per event.
class KeyCounter final : public KeyedOperator<Reading, std::uint64_t> {
public:
    explicit KeyCounter(std::uint32_t keys) : m_counts(keys, 0) {}
    void processElement(Key key, const Reading&, TimeMs, Collector<std::uint64_t>&) override {
        ++m_counts[static_cast<std::size_t>(key)];
        ++m_in;
    }
    void onWatermark(TimeMs wm, Collector<std::uint64_t>& out) override {
        if (wm == kEndOfTime) {
            out.collect(0, m_in, 0);
        }
    }
    std::size_t stateBytes() const override { return m_counts.size() * sizeof(std::uint64_t); }
    OperatorCounters counters() const override { return {m_in, 0, 0, 0, 0, 0}; }
    std::string name() const override { return "key-counter"; }

private:
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_in = 0;
};

//! Emits every record (so each source batch reaches the sink and is timed).
class PassThrough final : public KeyedOperator<Reading, double> {
public:
    void processElement(Key key, const Reading& r, TimeMs t, Collector<double>& out) override {
        out.collect(key, r.value, t);
    }
    std::string name() const override { return "pass-through"; }
};

JobConfig config(int workers) {
    return JobConfig{.jobId = "bench",
                     .workers = workers,
                     .queueCapacity = 16,
                     .maxBatchRecords = kBatch,
                     .idleTimeoutMs = 0,
                     .checkpointIntervalMs = 0,
                     .processingTimeTickMs = 0};
}

struct Result {
    double seconds = 0.0;
    double eventsPerSecond = 0.0;
    JobMetrics metrics;
};

template <class Op, class Out>
Result runJob(const std::vector<Reading>& input, std::uint32_t keys, int workers, double pacedRate) {
    auto sink = std::make_shared<CallbackSink<Out>>([](std::span<const Record<Out>>) {});
    JobBuilder<Reading> job(config(workers));
    job.keyBy([](const Reading& r) { return Key{r.sensorId}; }, [](const Reading& r) { return r.eventTimeMs; })
        .process([keys](int) {
            if constexpr (std::is_same_v<Op, KeyCounter>) {
                return std::make_unique<KeyCounter>(keys);
            } else {
                (void)keys;
                return std::make_unique<Op>();
            }
        })
        .sink(sink);
    auto running = job.build();
    const std::span<const Reading> all(input);
    const std::size_t batch = pacedRate > 0 ? 1000 : kBatch;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t at = 0; at < all.size(); at += batch) {
        if (pacedRate > 0) {
            const auto due = start + std::chrono::duration<double>(static_cast<double>(at) / pacedRate);
            std::this_thread::sleep_until(std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
        }
        running->push(all.subspan(at, std::min(batch, all.size() - at)));
    }
    running->finish();
    Result r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.eventsPerSecond = static_cast<double>(input.size()) / r.seconds;
    r.metrics = running->metrics();
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? static_cast<std::size_t>(std::atoll(argv[1])) : 4'000'000;
    std::printf("{\n  \"benchmark\": \"stream_runtime\",\n  \"events\": %zu,\n  \"batch\": %zu,\n", events, kBatch);
    std::printf("  \"hardware_threads\": %u,\n  \"throughput\": [\n", std::thread::hardware_concurrency());
    bool firstCase = true;
    for (std::uint32_t keys : {1'000u, 100'000u}) {
        const auto input = makeInput(events, keys);
        for (int workers : {1, 2}) {
            const Result r = runJob<KeyCounter, std::uint64_t>(input, keys, workers, 0.0);
            std::printf("%s    {\"operator\": \"key-counter\", \"keys\": %u, \"workers\": %d, \"seconds\": %.3f, "
                        "\"events_per_s\": %.0f, \"state_bytes\": %zu, \"backpressure_ratio\": %.3f}",
                        firstCase ? "" : ",\n", keys, workers, r.seconds, r.eventsPerSecond, r.metrics.stateBytes,
                        r.metrics.backpressureRatio);
            firstCase = false;
        }
    }
    std::printf("\n  ],\n  \"latency\": [\n");
    firstCase = true;
    for (std::uint32_t keys : {1'000u, 100'000u}) {
        const auto input = makeInput(events, keys);
        const Result max = runJob<PassThrough, double>(input, keys, 2, 0.0);
        const double target = max.eventsPerSecond / 2.0;
        // About two seconds of paced input at half the maximum rate.
        const std::size_t pacedEvents = std::min(events, static_cast<std::size_t>(target * 2.0));
        const std::vector<Reading> paced(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(pacedEvents));
        const Result r = runJob<PassThrough, double>(paced, keys, 2, target);
        std::printf("%s    {\"operator\": \"pass-through\", \"keys\": %u, \"workers\": 2, \"max_events_per_s\": %.0f, "
                    "\"max_p50_ms\": %.3f, \"max_p99_ms\": %.3f, \"paced_events_per_s\": %.0f, "
                    "\"achieved_events_per_s\": %.0f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, "
                    "\"samples\": %llu}",
                    firstCase ? "" : ",\n", keys, max.eventsPerSecond, max.metrics.latency.p50Ms,
                    max.metrics.latency.p99Ms, target, r.eventsPerSecond, r.metrics.latency.p50Ms,
                    r.metrics.latency.p99Ms, r.metrics.latency.maxMs,
                    static_cast<unsigned long long>(r.metrics.latency.samples));
        firstCase = false;
    }
    std::printf("\n  ]\n}\n");
    return 0;
}
