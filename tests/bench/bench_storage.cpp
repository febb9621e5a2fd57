// Storage benchmark: prints one JSON object. Not a test; never fails on time.
//   bench_storage [directory] [sensors-for-24h]   (default: a fresh directory under /tmp, 60 sensors)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <random>
#include <string>
#include <vector>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

using namespace cityops::engine;
using namespace cityops::engine::storage;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

//! CPU time of the calling thread in ms: unlike wall time, barely affected by other load on the machine.
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double processCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

template <class T>
T orDie(Result<T> result, const char* what) {
    if (!result) {
        std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
        std::exit(1);
    }
    return std::move(result).value();
}

void orDie(Result<void> result, const char* what) {
    if (!result) {
        std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
        std::exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::filesystem::path dir;
    if (argc > 1) {
        dir = argv[1];
    } else {
        char tmpl[] = "/tmp/bench_storage_XXXXXX";
        if (!mkdtemp(tmpl)) {
            return 1;
        }
        dir = tmpl;
    }
    const std::uint32_t sensors = argc > 2 ? static_cast<std::uint32_t>(std::atoi(argv[2])) : 60;
    constexpr std::int64_t kDaySeconds = 86'400;
    constexpr std::size_t kBatchRows = 50'000;
    const auto path = dir / "bench.db";
    std::filesystem::remove(path);
    auto storage = orDie(Storage::open(StorageOptions{path}), "open");

    // 1. Sustained insert: sensors × 24 h at 1 Hz, arriving time-major in batches, WAL + NORMAL.
    const auto insertStart = Clock::now();
    const double insertCpuStart = processCpuMs();
    std::vector<std::future<Result<void>>> inFlight;
    WriteBatch batch;
    std::uint64_t rows = 0;
    for (std::int64_t s = 0; s < kDaySeconds; ++s) {
        for (std::uint32_t id = 0; id < sensors; ++id) {
            Reading r;
            r.sensorId = id;
            r.locationId = static_cast<std::uint16_t>(id % 10);
            r.kind = SensorKind::AirQuality;
            r.metric = Metric::Co2;
            r.eventTimeMs = s * 1000;
            r.seq = static_cast<std::uint64_t>(s);
            r.value = 400.0 + static_cast<double>((s * 7 + id) % 300);
            batch.readings.push_back(r);
        }
        if (batch.readings.size() >= kBatchRows || s + 1 == kDaySeconds) {
            rows += batch.readings.size();
            inFlight.push_back(storage->submit(std::move(batch)));
            batch = WriteBatch{};
            batch.readings.reserve(kBatchRows + sensors);
        }
    }
    for (auto& f : inFlight) {
        orDie(f.get(), "insert");
    }
    const double insertMs = msSince(insertStart);
    const double insertCpuMs = processCpuMs() - insertCpuStart;

    auto reader = orDie(StorageReader::open(path), "reader");
    const std::uint64_t stored = orDie(reader->readingCount(), "count");
    if (stored != rows) {
        std::fprintf(stderr, "stored %llu rows, expected %llu\n", static_cast<unsigned long long>(stored),
                     static_cast<unsigned long long>(rows));
        return 1;
    }

    // 2. 24 h chart of one sensor at 1 Hz, 1000 buckets with min/max/avg.
    std::vector<double> chart;
    std::vector<double> chartCpu;
    for (int i = 0; i < 21; ++i) {
        const auto t = Clock::now();
        const double c = threadCpuMs();
        auto series = orDie(reader->sensorSeries(sensors / 2, Metric::Co2, 0, kDaySeconds * 1000, 1000), "series");
        chart.push_back(msSince(t));
        chartCpu.push_back(threadCpuMs() - c);
        if (series.size() != 1000) {
            std::fprintf(stderr, "unexpected bucket count %zu\n", series.size());
        }
    }

    // 3. FTS over 1 M event metadata rows.
    const char* words[] = {"gas",  "leak",  "smoke", "fire",   "noise",    "crowd",  "traffic", "jam",    "water",
                           "pipe", "burst", "power", "outage", "accident", "sensor", "fault",   "market", "bridge"};
    const char* districts[] = {"Podil",           "Obolon",       "Pechersk",    "Darnytsia",   "Solomianskyi",
                               "Shevchenkivskyi", "Holosiivskyi", "Desnianskyi", "Dniprovskyi", "Sviatoshynskyi"};
    WriteBatch names;
    for (std::uint16_t d = 0; d < 10; ++d) {
        names.districts.emplace_back(d, districts[d]);
    }
    orDie(storage->write(std::move(names)), "districts");
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> word(0, 17);
    constexpr int kFtsRows = 1'000'000;
    const auto ftsInsertStart = Clock::now();
    inFlight.clear();
    for (int b = 0; b < kFtsRows / 50'000; ++b) {
        WriteBatch events;
        for (int i = 0; i < 50'000; ++i) {
            const int n = b * 50'000 + i;
            Reading r;
            r.sensorId = 100'000 + static_cast<std::uint32_t>(n % 5000);
            r.locationId = static_cast<std::uint16_t>(n % 10);
            r.metric = Metric::EmergencySeverity;
            r.kind = SensorKind::Emergency;
            r.eventTimeMs = n;
            r.value = 1.0;
            events.readings.push_back(r);
            events.readingMetadata.push_back(std::string(R"({"note":")") + words[word(rng)] + " " + words[word(rng)] +
                                             " " + words[word(rng)] + R"("})");
        }
        inFlight.push_back(storage->submit(std::move(events)));
    }
    for (auto& f : inFlight) {
        orDie(f.get(), "fts insert");
    }
    const double ftsInsertMs = msSince(ftsInsertStart);
    std::vector<double> fts;
    std::vector<double> ftsCpu;
    std::size_t ftsHits = 0;
    for (int i = 0; i < 21; ++i) {
        const auto t = Clock::now();
        const double c = threadCpuMs();
        ftsHits = orDie(reader->search("gas leak Podil", 50), "search").size();
        fts.push_back(msSince(t));
        ftsCpu.push_back(threadCpuMs() - c);
    }

    // 4. R*Tree radius (1 km) over 100 k sensors spread over Kyiv.
    std::uniform_real_distribution<double> lat(50.30, 50.60);
    std::uniform_real_distribution<double> lon(30.25, 30.80);
    WriteBatch registry;
    for (std::uint32_t id = 0; id < 100'000; ++id) {
        registry.sensors.push_back(SensorInfo{id, static_cast<std::uint16_t>(id % 10), SensorKind::Traffic, lat(rng),
                                              lon(rng), "sensor " + std::to_string(id)});
    }
    orDie(storage->write(std::move(registry)), "sensors");
    std::vector<double> radius;
    std::size_t radiusHits = 0;
    for (int i = 0; i < 101; ++i) {
        const double qLat = lat(rng);
        const double qLon = lon(rng);
        const auto t = Clock::now();
        radiusHits += orDie(reader->sensorsWithinRadius(qLat, qLon, 1000.0), "radius").size();
        radius.push_back(msSince(t));
    }
    std::vector<double> nearest;
    for (int i = 0; i < 101; ++i) {
        const double qLat = lat(rng);
        const double qLon = lon(rng);
        const auto t = Clock::now();
        orDie(reader->nearestSensors(qLat, qLon, 10), "nearest");
        nearest.push_back(msSince(t));
    }

    std::printf("{\n");
    std::printf("  \"insert_rows\": %llu,\n", static_cast<unsigned long long>(rows));
    std::printf("  \"insert_batch_rows\": %zu,\n", kBatchRows);
    std::printf("  \"insert_rows_per_s\": %.0f,\n", static_cast<double>(rows) / (insertMs / 1000.0));
    std::printf("  \"insert_process_cpu_s\": %.2f,\n", insertCpuMs / 1000.0);
    std::printf("  \"chart_24h_1hz_1000_buckets_ms_median\": %.3f,\n", median(chart));
    std::printf("  \"chart_24h_1hz_1000_buckets_cpu_ms_median\": %.3f,\n", median(chartCpu));
    std::printf("  \"fts_rows\": %d,\n", kFtsRows);
    std::printf("  \"fts_insert_rows_per_s\": %.0f,\n", kFtsRows / (ftsInsertMs / 1000.0));
    std::printf("  \"fts_query_ms_median\": %.3f,\n", median(fts));
    std::printf("  \"fts_query_cpu_ms_median\": %.3f,\n", median(ftsCpu));
    std::printf("  \"fts_query_hits\": %zu,\n", ftsHits);
    std::printf("  \"rtree_sensors\": 100000,\n");
    std::printf("  \"rtree_radius_1km_ms_median\": %.3f,\n", median(radius));
    std::printf("  \"rtree_radius_1km_mean_hits\": %.1f,\n", static_cast<double>(radiusHits) / 101.0);
    std::printf("  \"nearest_10_ms_median\": %.3f\n", median(nearest));
    std::printf("}\n");
    reader.reset();
    storage.reset();
    if (argc <= 1) {
        std::filesystem::remove_all(dir);
    }
    return 0;
}
