// Throughput of the JSON codecs of stream/ops: decoding reading payloads (one thread and two),
// encoding them, decoding receipts, and deduplication + enrichment of decoded readings.
// Payloads look like the simulator's: every kind and metric, values rounded as sensors report them.
// Usage: bench_json_decode [events] [rounds]   Prints one JSON object on stdout; each figure is the
// best of `rounds` runs (default 3), with the thread CPU time of that run (events_per_cpu_s is the
// fairer figure while other processes share the cores).

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cityops/engine/stream/dedup.h"
#include "cityops/engine/stream/enrichment.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops/engine/stream/receipt_codec.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

constexpr std::int64_t kStart = 1'795'426'800'000;
constexpr std::uint32_t kSensors = 60'000;

struct Timing {
    double wallSeconds = 1e300;
    double cpuSeconds = 0.0;
};

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <class Fn>
Timing bestOf(int rounds, Fn&& fn) {
    Timing best;
    for (int i = 0; i < rounds; ++i) {
        const double cpu0 = threadCpuSeconds();
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (wall < best.wallSeconds) {
            best.wallSeconds = wall;
            best.cpuSeconds = threadCpuSeconds() - cpu0;
        }
    }
    return best;
}

//! All payloads in one buffer, addressed by offsets.
struct Payloads {
    std::string bytes;
    std::vector<std::size_t> offsets{0};
    std::size_t size() const { return offsets.size() - 1; }
    std::span<const std::byte> operator[](std::size_t i) const {
        return std::as_bytes(std::span(bytes.data() + offsets[i], offsets[i + 1] - offsets[i]));
    }
};

Reading simulatedReading(std::mt19937_64& rng, std::uint64_t i) {
    static constexpr Metric kMetrics[] = {Metric::TrafficSpeed, Metric::VehicleCount, Metric::Co2,
                                          Metric::Pm25, Metric::Temperature, Metric::Humidity,
                                          Metric::ParkingOccupancy, Metric::EmergencySeverity,
                                          Metric::EnergyKwh, Metric::NoiseDb};
    Reading r;
    r.sensorId = static_cast<std::uint32_t>(rng() % kSensors);
    r.metric = kMetrics[rng() % std::size(kMetrics)];
    r.kind = kindOfMetric(r.metric);
    r.seq = i / 8;
    r.eventTimeMs = kStart + static_cast<std::int64_t>(i / 50);
    r.locationId = static_cast<std::uint16_t>(r.sensorId % 10);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    switch (r.metric) {
        case Metric::Co2:
            r.value = std::round((400 + 800 * u(rng)) * 10) / 10;
            break;
        case Metric::ParkingOccupancy:
            r.value = std::round(u(rng) * 1000) / 1000;
            break;
        case Metric::EmergencySeverity:
        case Metric::VehicleCount:
            r.value = std::floor(u(rng) * 40);
            break;
        case Metric::Temperature:
        case Metric::EnergyKwh:
            r.value = std::round((-10 + 50 * u(rng)) * 100) / 100;
            break;
        default:
            r.value = std::round(u(rng) * 1000) / 10;
            break;
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    if (events == 0) {
        std::fprintf(stderr, "usage: bench_json_decode [events>0] [rounds]\n");
        return 2;
    }

    std::mt19937_64 rng(2026);
    std::vector<Reading> readings(events);
    Payloads payloads;
    payloads.bytes.reserve(events * 160);
    for (std::size_t i = 0; i < events; ++i) {
        readings[i] = simulatedReading(rng, i);
        char buffer[kMaxReadingJsonBytes];
        payloads.bytes.append(buffer, encodeReadingJson(readings[i], buffer));
        payloads.offsets.push_back(payloads.bytes.size());
    }
    const double megabytes = static_cast<double>(payloads.bytes.size()) / 1e6;

    // Decode, one thread.
    std::uint64_t accepted = 0;
    const Timing decode1 = bestOf(rounds, [&] {
        ReadingDecoder decoder;
        DecodedReading out;
        accepted = 0;
        for (std::size_t i = 0; i < payloads.size(); ++i) {
            accepted += decoder.decode(payloads[i], kStart, out) == DecodeError::None ? 1 : 0;
        }
    });
    if (accepted != events) {
        std::fprintf(stderr, "bench_json_decode: only %llu of %zu payloads decoded\n",
                     static_cast<unsigned long long>(accepted), events);
        return 1;
    }

    // Decode, two threads, each with its own decoder over half of the payloads.
    const Timing decode2 = bestOf(rounds, [&] {
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < 2; ++t) {
            threads.emplace_back([&, t] {
                ReadingDecoder decoder;
                DecodedReading out;
                for (std::size_t i = t; i < payloads.size(); i += 2) {
                    (void)decoder.decode(payloads[i], kStart, out);
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
    });

    // Encode.
    std::string sink(kMaxReadingJsonBytes * 1024, '\0');
    std::size_t encodedBytes = 0;
    const Timing encode = bestOf(rounds, [&] {
        encodedBytes = 0;
        std::size_t at = 0;
        for (const Reading& r : readings) {
            if (at + kMaxReadingJsonBytes > sink.size()) {
                at = 0;
            }
            const std::size_t n = encodeReadingJson(r, std::span(sink.data() + at, kMaxReadingJsonBytes));
            at += n;
            encodedBytes += n;
        }
    });

    // Decode + dedup + enrich, one thread (the Data Enrichment job's per-event work).
    std::vector<storage::SensorInfo> sensors(kSensors);
    for (std::uint32_t i = 0; i < kSensors; ++i) {
        sensors[i].sensorId = i;
        sensors[i].locationId = static_cast<std::uint16_t>(i % 10);
        sensors[i].lat = 50.4 + i * 1e-6;
        sensors[i].lon = 30.5 + i * 1e-6;
    }
    auto registry = std::make_shared<Broadcast<SensorRegistry>>(std::make_shared<const SensorRegistry>(sensors));
    WeatherBoard weather;
    std::uint64_t enrichedCount = 0;
    std::size_t dedupStateBytes = 0;
    const Timing fullPath = bestOf(rounds, [&] {
        ReadingDecoder decoder;
        DedupOperator<DecodedReading> dedup(DedupConfig{10 * 60 * 1000, 16}, &readingDedupId);
        VectorCollector<Reading> unknown;
        EnrichOperator enrich(EnrichmentSources{registry, weather.broadcast(), {}}, unknown);
        VectorCollector<DecodedReading> deduped;
        VectorCollector<EnrichedReading> enriched;
        deduped.items.reserve(1024);
        enriched.items.reserve(1024);
        DecodedReading out;
        enrichedCount = 0;
        for (std::size_t i = 0; i < payloads.size(); ++i) {
            if (decoder.decode(payloads[i], kStart, out) != DecodeError::None) {
                continue;
            }
            dedup.processElement(out.reading.sensorId, out, out.reading.eventTimeMs, deduped);
            if ((i & 1023) == 1023) {  // a batch: enrich what passed, advance the watermark
                enrich.refresh();
                for (const auto& item : deduped.items) {
                    enrich.processElement(item.key, item.value.reading, item.eventTime, enriched);
                }
                enrichedCount += enriched.items.size();
                deduped.items.clear();
                enriched.items.clear();
                dedup.onWatermark(out.reading.eventTimeMs - 10'000, deduped);
            }
        }
        dedupStateBytes = dedup.stateBytes();
    });

    // Receipts: 16-line baskets like the simulator's busiest.
    std::vector<std::string> receipts;
    {
        const char* names[] = {"Mineral water 1.5 l", "Rye bread", "Kefir 1 l", "Croissant", "Chicken fillet 1 kg",
                               "LED bulb 10 W", "Apples 1 kg", "Hard cheese 200 g"};
        const char* categories[] = {"Beverages", "Food", "Milk Products", "Patisserie", "Butchers",
                                    "Electric household essentials", "Food", "Milk Products"};
        std::vector<ReceiptLineView> lines;
        std::string buffer(16384, '\0');
        for (std::size_t i = 0; i < std::max<std::size_t>(events / 10, 1); ++i) {
            lines.clear();
            const std::size_t count = 1 + rng() % 16;
            for (std::size_t k = 0; k < count; ++k) {
                const std::size_t item = rng() % 8;
                lines.push_back({names[item], categories[item], 20.0 + static_cast<double>(rng() % 2000) / 10, 1});
            }
            ReceiptView view{kStart + static_cast<std::int64_t>(i), i, static_cast<std::uint32_t>(i % 30), 1, 0, lines};
            receipts.emplace_back(buffer.data(), encodeReceiptJson(view, buffer));
        }
    }
    std::size_t receiptBytes = 0;
    for (const auto& r : receipts) {
        receiptBytes += r.size();
    }
    const Timing receiptDecode = bestOf(rounds, [&] {
        ReceiptDecoder decoder;
        DecodedReceipt out;
        for (const auto& r : receipts) {
            (void)decoder.decode(std::as_bytes(std::span(r.data(), r.size())), kStart, out);
        }
    });

    const auto rate = [](double n, const Timing& t) { return n / t.wallSeconds; };
    std::printf(
        "{\"bench\":\"json_decode\",\"events\":%zu,\"rounds\":%d,\"payload_bytes_avg\":%.1f,\n"
        " \"decode_1_thread\":{\"events_per_s\":%.0f,\"mb_per_s\":%.1f,\"ns_per_event\":%.1f,\"cpu_s\":%.3f,\"wall_s\":%.3f,\"events_per_cpu_s\":%.0f},\n"
        " \"decode_2_threads\":{\"events_per_s\":%.0f,\"mb_per_s\":%.1f,\"wall_s\":%.3f},\n"
        " \"encode_1_thread\":{\"events_per_s\":%.0f,\"mb_per_s\":%.1f,\"ns_per_event\":%.1f,\"cpu_s\":%.3f,\"events_per_cpu_s\":%.0f},\n"
        " \"decode_dedup_enrich_1_thread\":{\"events_per_s\":%.0f,\"enriched\":%llu,\"dedup_state_bytes\":%zu,\"cpu_s\":%.3f,\"events_per_cpu_s\":%.0f},\n"
        " \"receipt_decode_1_thread\":{\"receipts_per_s\":%.0f,\"mb_per_s\":%.1f,\"receipts\":%zu,\"bytes_avg\":%.1f,\"receipts_per_cpu_s\":%.0f}}\n",
        events, rounds, static_cast<double>(payloads.bytes.size()) / static_cast<double>(events),
        rate(static_cast<double>(events), decode1), megabytes / decode1.wallSeconds,
        decode1.wallSeconds * 1e9 / static_cast<double>(events), decode1.cpuSeconds, decode1.wallSeconds,
        static_cast<double>(events) / decode1.cpuSeconds,
        rate(static_cast<double>(events), decode2), megabytes / decode2.wallSeconds, decode2.wallSeconds,
        rate(static_cast<double>(events), encode), static_cast<double>(encodedBytes) / 1e6 / encode.wallSeconds,
        encode.wallSeconds * 1e9 / static_cast<double>(events), encode.cpuSeconds,
        static_cast<double>(events) / encode.cpuSeconds,
        rate(static_cast<double>(events), fullPath), static_cast<unsigned long long>(enrichedCount), dedupStateBytes,
        fullPath.cpuSeconds, static_cast<double>(events) / fullPath.cpuSeconds,
        rate(static_cast<double>(receipts.size()), receiptDecode),
        static_cast<double>(receiptBytes) / 1e6 / receiptDecode.wallSeconds, receipts.size(),
        static_cast<double>(receiptBytes) / static_cast<double>(receipts.size()),
        static_cast<double>(receipts.size()) / receiptDecode.cpuSeconds);
    return 0;
}
