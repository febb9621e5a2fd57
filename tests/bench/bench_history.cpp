// History batch-job benchmark: prints one JSON object. Not a test; never fails on time.
//   bench_history [readings] [directory]   (default: 1 000 000 noise readings, a fresh directory under /tmp,
//   removed at the end; a directory given is kept, for `cityops batch ... --data-dir` on it)
// Stores a month (2026-11) of noise readings of 100 sensors in 10 districts in a store and the raw
// archive, then times the jobs over them: hourly aggregation (read + upsert), monthly noise statistics,
// data quality, and the reconciliation of the hourly windows against the archive.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "cityops/engine/archive/archive_writer.h"
#include "cityops/engine/history/data_quality.h"
#include "cityops/engine/history/hourly.h"
#include "cityops/engine/history/noise_stats.h"
#include "cityops/engine/history/reconciliation.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

using namespace cityops::engine;
using namespace cityops::engine::history;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "bench_history: %s\n", message.c_str());
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t total = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const std::filesystem::path dir = argc > 2 ? std::filesystem::path(argv[2])
                                               : std::filesystem::temp_directory_path() /
                                                     ("bench_history_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    constexpr std::uint32_t kSensors = 100;
    const YearMonth month{2026, 11};
    const std::int64_t from = monthStartMs(month);
    const std::int64_t span = monthEndMs(month) - from;
    const std::size_t perSensor = total / kSensors;
    const std::int64_t step = span / static_cast<std::int64_t>(perSensor);

    storage::StorageOptions so;
    so.path = dir / "cityops.db";
    auto store = storage::Storage::open(so);
    if (!store) die(store.error().message);
    archive::ArchiveOptions ao;
    ao.root = dir / "archive";
    ao.syncOnClose = false;
    auto writer = archive::ArchiveWriter::open(ao);
    if (!writer) die(writer.error().message);

    const auto setupStart = Clock::now();
    std::vector<Reading> chunk;
    std::vector<log::SourceRecord> records;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < perSensor; ++i) {
        for (std::uint32_t s = 0; s < kSensors; ++s) {
            Reading r;
            r.sensorId = s;
            r.locationId = static_cast<std::uint16_t>(s % 10);
            r.kind = SensorKind::Noise;
            r.metric = Metric::NoiseDb;
            r.eventTimeMs = from + static_cast<std::int64_t>(i) * step + s;
            r.value = 45.0 + (s % 10) * 2.5 + static_cast<double>((i * 7 + s * 3) % 23) * 0.5;
            r.seq = i + 1;
            chunk.push_back(r);
        }
        if (chunk.size() >= 50'000 || i + 1 == perSensor) {
            records.clear();
            for (const Reading& r : chunk) {
                const log::RecordInput in = log::readingRecord(r);
                log::RecordView view{offset++, in.timestampMs, in.key, in.flags, in.payload};
                records.push_back(log::SourceRecord{"air-quality", 0, view});
            }
            if (auto ok = (*writer)->append(records); !ok) die(ok.error().message);
            storage::WriteBatch batch;
            batch.readings = chunk;
            if (auto ok = (*store)->write(std::move(batch)); !ok) die(ok.error().message);
            chunk.clear();
        }
    }
    if (auto ok = (*writer)->flush(); !ok) die(ok.error().message);
    const double setupSeconds = secondsSince(setupStart);
    auto reader = storage::StorageReader::open(so.path);
    if (!reader) die(reader.error().message);

    auto t = Clock::now();
    auto hourly = runHourlyAggregation(**store, **reader, from, from + span, 1);
    if (!hourly) die(hourly.error().message);
    const double hourlySeconds = secondsSince(t);

    t = Clock::now();
    auto noiseReadings = (*reader)->readingsInRange(Metric::NoiseDb, from, from + span);
    if (!noiseReadings) die(noiseReadings.error().message);
    const double readSeconds = secondsSince(t);
    t = Clock::now();
    const NoiseReport noise = monthlyNoiseStatistics(*noiseReadings, month);
    const double noiseSeconds = secondsSince(t);
    t = Clock::now();
    const QualityReport quality = checkDataQuality(*noiseReadings);
    const double qualitySeconds = secondsSince(t);

    ReconcileOptions ro;
    ro.fromMs = from;
    ro.toMs = from + span;
    ro.topics = {"air-quality"};
    ro.nowMs = 2;
    t = Clock::now();
    auto reconciled = reconcile(dir / "archive", **store, **reader, ro);
    if (!reconciled) die(reconciled.error().message);
    const double reconcileSeconds = secondsSince(t);

    std::printf(
        "{\"readings\":%zu,\"sensors\":%u,\"setup_s\":%.2f,"
        "\"hourly\":{\"seconds\":%.3f,\"sensor_hours\":%llu},"
        "\"read_noise\":{\"seconds\":%.3f,\"rows\":%zu},"
        "\"noise_stats\":{\"seconds\":%.3f,\"districts\":%zu,\"rows_per_s\":%.0f},"
        "\"quality\":{\"seconds\":%.3f,\"issues\":%zu,\"rows_per_s\":%.0f},"
        "\"reconcile\":{\"seconds\":%.3f,\"archive_records\":%llu,\"windows\":%llu,\"diffs\":%zu,\"rows_per_s\":%.0f}}\n",
        noiseReadings->size(), kSensors, setupSeconds, hourlySeconds,
        static_cast<unsigned long long>(hourly->sensorHours), readSeconds, noiseReadings->size(), noiseSeconds,
        noise.districts.size(), static_cast<double>(noiseReadings->size()) / noiseSeconds, qualitySeconds,
        quality.issues.size(), static_cast<double>(noiseReadings->size()) / qualitySeconds, reconcileSeconds,
        static_cast<unsigned long long>(reconciled->archiveRecords),
        static_cast<unsigned long long>(reconciled->windowsRecomputed), reconciled->diffs.size(),
        static_cast<double>(reconciled->archiveRecords) / reconcileSeconds);
    if (argc <= 2) {
        std::filesystem::remove_all(dir);  // a directory given on the command line is kept for `cityops batch`
    }
    return 0;
}
