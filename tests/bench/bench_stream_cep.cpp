// Throughput and state of the CEP operator running the design's CO2 rule (> 800 ppm three times
// within 5 minutes, SKIP_PAST_LAST_EVENT) in one thread, over 1 k and 100 k keys. Two variants: the
// rule factory (prefilters readings that cannot match) and the same pattern with no prefilter, which
// runs every reading through the NFA.
// Usage: bench_stream_cep [events]   Prints one JSON object on stdout.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/engine/stream/cep.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

constexpr std::size_t kBatch = 4096;
constexpr TimeMs kOutOfOrdernessMs = 10'000;

//! Every key reports CO2 in turn every 20 s of event time; about 35 % of readings exceed 800 ppm.
std::vector<Reading> makeInput(std::size_t events, std::uint32_t keys) {
    std::vector<Reading> out(events);
    std::uint64_t state = 0x243f6a8885a308d3ULL;
    for (std::size_t i = 0; i < events; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        Reading& r = out[i];
        r.sensorId = static_cast<std::uint32_t>(i % keys);
        r.locationId = static_cast<std::uint16_t>(r.sensorId % 64);
        r.eventTimeMs = static_cast<std::int64_t>(i / keys) * 20'000 + static_cast<std::int64_t>(r.sensorId % 1000);
        r.seq = i / keys;
        r.kind = SensorKind::AirQuality;
        r.metric = Metric::Co2;
        r.value = 600.0 + static_cast<double>(state >> 56) * 1.2;
    }
    return out;
}

//! Counts alerts without storing them.
class CountingCollector final : public Collector<Alert> {
public:
    void collect(Key, const Alert&, TimeMs) override { ++count; }
    std::uint64_t count = 0;
};

struct Outcome {
    double seconds = 0.0;
    std::uint64_t alerts = 0;
    std::size_t stateBytes = 0;
    std::size_t partialMatches = 0;
};

Outcome run(KeyedOperator<Reading, Alert>& op, const std::vector<Reading>& input,
            const CepOperator<Reading, Alert>& cep) {
    CountingCollector out;
    Outcome o;
    TimeMs maxSeen = kNoWatermark;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < input.size(); i += kBatch) {
        const std::size_t end = std::min(input.size(), i + kBatch);
        for (std::size_t j = i; j < end; ++j) {
            const Reading& r = input[j];
            op.processElement(r.sensorId, r, r.eventTimeMs, out);
            maxSeen = std::max(maxSeen, r.eventTimeMs);
        }
        op.onWatermark(maxSeen - kOutOfOrdernessMs, out);
    }
    const auto stop = std::chrono::steady_clock::now();
    o.stateBytes = op.stateBytes();
    o.partialMatches = cep.partialMatchCount();
    op.onWatermark(kEndOfTime, out);
    o.seconds = std::chrono::duration<double>(stop - start).count();
    o.alerts = out.count;
    return o;
}

void print(const char* variant, std::uint32_t keys, std::size_t events, const Outcome& o, bool last) {
    std::printf(
        "    {\"variant\": \"%s\", \"keys\": %u, \"events\": %zu, \"seconds\": %.4f, \"events_per_s\": %.0f, "
        "\"alerts\": %llu, \"state_bytes\": %zu, \"state_bytes_per_key\": %.1f, \"partial_matches\": %zu}%s\n",
        variant, keys, events, o.seconds, static_cast<double>(events) / o.seconds,
        static_cast<unsigned long long>(o.alerts), o.stateBytes,
        static_cast<double>(o.stateBytes) / static_cast<double>(keys), o.partialMatches, last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 4'000'000;
    std::printf("{\n  \"bench\": \"stream_cep\",\n  \"rule\": \"co2 > 800 x3 within 5 min, skip past last\",\n");
    std::printf("  \"threads\": 1,\n  \"batch\": %zu,\n  \"runs\": [\n", kBatch);
    const std::uint32_t keySets[] = {1'000, 100'000};
    for (std::size_t k = 0; k < 2; ++k) {
        const std::uint32_t keys = keySets[k];
        const auto input = makeInput(events, keys);
        {
            auto op = makeCo2RuleOperator();
            print("rule_factory", keys, events, run(*op, input, *op), false);
        }
        {
            CepOptions<Reading> options;
            options.tieLess = readingTieLess;
            CepOperator<Reading, Alert> op(
                co2RulePattern(), [](const Match<Reading>& m) { return co2RuleAlert(Co2RuleConfig{}, m); }, options);
            print("no_prefilter", keys, events, run(op, input, op), k == 1);
        }
    }
    std::printf("  ]\n}\n");
    return 0;
}
