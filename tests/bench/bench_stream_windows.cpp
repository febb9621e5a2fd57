// Single-threaded throughput and state size of WindowOperator: tumbling 5-minute windows with the
// Stats aggregate (count, sum, min, max, avg, stddev, p50/p95/p99) over 1 k and 100 k keys, and
// the avg aggregate for comparison. Every key reports every 20 s of event time; the watermark
// (max event time − 10 s) advances every 4096 events.
// Usage: bench_stream_windows [events] [repeats]   Prints one JSON object on stdout.
// Reports wall-clock and process-CPU rates: on a shared, loaded machine the CPU figure is the one
// that reflects the code (it excludes time the thread waited for a core).

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cityops/engine/stream/aggregates.h"
#include "cityops/engine/stream/windows.h"

using namespace cityops::engine::stream;

namespace {

constexpr TimeMs kWindow = 5 * 60'000;
constexpr TimeMs kInterval = 20'000;
constexpr TimeMs kOutOfOrderness = 10'000;
constexpr std::size_t kWatermarkEvery = 4096;

struct Event {
    Key key;
    TimeMs time;
    double value;
};

std::vector<Event> makeInput(std::size_t events, std::uint32_t keys) {
    std::vector<Event> out(events);
    std::uint64_t state = 0x243f6a8885a308d3ULL;
    for (std::size_t i = 0; i < events; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto key = static_cast<Key>(i % keys);
        out[i] = Event{key, static_cast<TimeMs>(i / keys) * kInterval + static_cast<TimeMs>(key % 1000),
                       20.0 + static_cast<double>(state >> 57)};
    }
    return out;
}

//! Counts results without storing them.
template <class Out>
class CountingCollector final : public Collector<WindowResult<Out>> {
public:
    void collect(Key, const WindowResult<Out>& r, TimeMs) override {
        ++results;
        checksum += static_cast<double>(r.windowEnd % 1000);
    }
    std::uint64_t results = 0;
    double checksum = 0;
};

double cpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Outcome {
    double seconds = 0;
    double cpu = 0;
    std::uint64_t results = 0;
    std::size_t peakStateBytes = 0;
    std::size_t peakWindows = 0;
};

template <class Fn>
Outcome run(const std::vector<Event>& input, std::uint32_t keys, Fn fn) {
    using Out = typename Fn::Result;
    WindowOperator<Event, Fn> op(WindowAssigner::tumbling(kWindow), fn, WindowOptions{0, keys});
    CountingCollector<Out> out;
    Outcome o;
    TimeMs maxSeen = kNoWatermark;
    const double cpuStart = cpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < input.size(); ++i) {
        const Event& e = input[i];
        op.processElement(e.key, e, e.time, out);
        maxSeen = std::max(maxSeen, e.time);
        if ((i + 1) % kWatermarkEvery == 0) {
            if ((i + 1) % (kWatermarkEvery * 64) == 0) {  // sampled: stateBytes walks the tables
                o.peakStateBytes = std::max(o.peakStateBytes, op.stateBytes());
                o.peakWindows = std::max(o.peakWindows, op.windowCount());
            }
            op.onWatermark(maxSeen - kOutOfOrderness, out);
        }
    }
    o.peakStateBytes = std::max(o.peakStateBytes, op.stateBytes());
    o.peakWindows = std::max(o.peakWindows, op.windowCount());
    op.onWatermark(kEndOfTime, out);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    o.cpu = cpuSeconds() - cpuStart;
    o.results = out.results;
    return o;
}

template <class Fn>
void report(const char* aggregate, std::size_t events, std::uint32_t keys, int repeats, Fn fn, bool last) {
    const auto input = makeInput(events, keys);
    Outcome best;
    best.seconds = 1e300;
    double bestCpu = 1e300;
    std::string all;
    for (int r = 0; r < repeats; ++r) {
        const Outcome o = run(input, keys, fn);
        char buf[48];
        std::snprintf(buf, sizeof buf, "%s%.0f", r == 0 ? "" : ", ", static_cast<double>(events) / o.seconds);
        all += buf;
        bestCpu = std::min(bestCpu, o.cpu);
        if (o.seconds < best.seconds) {
            best = o;
        }
    }
    const double perKeyWindow = static_cast<double>(best.peakStateBytes) / static_cast<double>(best.peakWindows);
    std::printf("    {\"aggregate\": \"%s\", \"window\": \"tumbling 5m\", \"keys\": %u, \"events\": %zu, \"results\": %llu,\n",
                aggregate, keys, events, static_cast<unsigned long long>(best.results));
    std::printf("     \"events_per_s_wall_best\": %.0f, \"events_per_s_wall_runs\": [%s], \"events_per_s_cpu_best\": %.0f,\n",
                static_cast<double>(events) / best.seconds, all.c_str(), static_cast<double>(events) / bestCpu);
    std::printf("     \"peak_windows\": %zu, \"peak_state_bytes\": %zu, \"state_bytes_per_window\": %.0f,\n",
                best.peakWindows, best.peakStateBytes, perKeyWindow);
    std::printf("     \"state_bytes_per_100k_keys_one_open_window\": %.0f}%s\n", perKeyWindow * 100'000.0,
                last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 6'000'000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
    const auto stats = aggregateOf(StatsAggregate{}, [](const Event& e) { return e.value; });
    const auto avg = aggregateOf(AvgAggregate{}, [](const Event& e) { return e.value; });
    std::printf("{\n  \"benchmark\": \"stream_windows\",\n  \"threads\": 1,\n");
    std::printf("  \"accumulator_bytes\": {\"stats\": %zu, \"avg\": %zu},\n", sizeof(StatsAggregate::Accumulator),
                sizeof(AvgAggregate::Accumulator));
    std::printf("  \"cases\": [\n");
    report("stats", events, 1000, repeats, stats, false);
    report("stats", events, 100'000, repeats, stats, false);
    report("avg", events, 1000, repeats, avg, false);
    report("avg", events, 100'000, repeats, avg, true);
    std::printf("  ]\n}\n");
    return 0;
}
