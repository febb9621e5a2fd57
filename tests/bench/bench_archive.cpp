// Archive benchmark: prints one JSON object. Not a test; never fails on time.
//   bench_archive [records] [directory]   (default: 2 000 000 readings, a fresh directory under /tmp)
// Writes readings of 500 sensors at 1 Hz to gzip JSON Lines hour files (zlib levels 1 and 6), then
// replays them through ArchiveEventSource and verifies every file.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "cityops/engine/archive/archive_reader.h"
#include "cityops/engine/archive/archive_writer.h"

using namespace cityops::engine;
using namespace cityops::engine::archive;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double processCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
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

struct WriteFigures {
    double seconds = 0;
    double cpuSeconds = 0;
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;
    std::uint64_t rawBytes = 0;
};

WriteFigures writeArchive(const std::filesystem::path& root, int level, std::size_t records) {
    constexpr std::uint32_t kSensors = 500;
    constexpr std::size_t kBatch = 10'000;
    constexpr std::int64_t kStart = 1'709'596'800'000;  // 2024-03-05 00:00 UTC
    std::filesystem::remove_all(root);
    ArchiveOptions options;
    options.root = root;
    options.compressionLevel = level;
    auto writer = orDie(ArchiveWriter::open(options), "open");
    std::vector<Reading> readings(kBatch);
    std::vector<log::SourceRecord> batch(kBatch);
    WriteFigures out;
    const double cpu = processCpuSeconds();
    const auto start = Clock::now();
    for (std::size_t done = 0; done < records; done += kBatch) {
        const std::size_t n = std::min(kBatch, records - done);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t k = done + i;
            Reading& r = readings[i];
            r.sensorId = static_cast<std::uint32_t>(k % kSensors);
            r.locationId = static_cast<std::uint16_t>(r.sensorId % 10);
            r.kind = SensorKind::AirQuality;
            r.metric = Metric::Co2;
            r.eventTimeMs = kStart + static_cast<std::int64_t>(k / kSensors) * 1000;
            r.seq = k / kSensors;
            r.value = 400.0 + static_cast<double>((k * 7) % 300) * 0.5;
            const log::RecordInput in = log::readingRecord(r);
            batch[i] = log::SourceRecord{"air-quality", static_cast<int>(r.sensorId % 6),
                                         log::RecordView{k, in.timestampMs, in.key, in.flags, in.payload}};
        }
        orDie(writer->append(std::span(batch.data(), n)), "append");
    }
    orDie(writer->flush(), "flush");
    out.seconds = secondsSince(start);
    out.cpuSeconds = processCpuSeconds() - cpu;
    out.files = writer->filesClosed();
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t records = argc > 1 ? static_cast<std::size_t>(std::atoll(argv[1])) : 2'000'000;
    std::filesystem::path dir;
    if (argc > 2) {
        dir = argv[2];
    } else {
        char tmpl[] = "/tmp/bench_archive_XXXXXX";
        if (!mkdtemp(tmpl)) {
            return 1;
        }
        dir = tmpl;
    }
    const auto root6 = dir / "level6";
    const WriteFigures level6 = writeArchive(root6, 6, records);
    const auto root = dir / "level1";
    const WriteFigures level1 = writeArchive(root, 1, records);

    auto reader = orDie(ArchiveReader::open(root), "reader");
    std::uint64_t bytes = 0;
    for (const auto& s : orDie(reader->stats(), "stats")) {
        bytes += s.bytes;
    }
    std::uint64_t bytes6 = 0;
    for (const auto& s : orDie(orDie(ArchiveReader::open(root6), "reader6")->stats(), "stats6")) {
        bytes6 += s.bytes;
    }

    // Replay through the EventSource, decoding every line back into its Reading.
    auto source = orDie(ArchiveEventSource::create(root, {"air-quality"}, std::numeric_limits<std::int64_t>::min(),
                                                   std::numeric_limits<std::int64_t>::max()),
                        "source");
    std::vector<log::SourceRecord> buf(4096);
    std::uint64_t replayed = 0;
    double checksum = 0;
    const double replayCpu = processCpuSeconds();
    const auto replayStart = Clock::now();
    for (;;) {
        const std::size_t n = orDie(source->poll(buf, std::chrono::milliseconds(0)), "poll");
        if (n == 0) {
            break;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (const auto r = log::readingOf(buf[i].record)) {
                checksum += r->value;
            }
        }
        replayed += n;
    }
    const double replaySeconds = secondsSince(replayStart);
    const double replayCpuSeconds = processCpuSeconds() - replayCpu;

    const auto verifyStart = Clock::now();
    const VerifyReport verified = orDie(reader->verify(), "verify");
    const double verifySeconds = secondsSince(verifyStart);
    if (replayed != records || !verified.ok() || verified.recordsChecked != records) {
        std::fprintf(stderr, "replayed %llu of %zu records, %zu problems\n", static_cast<unsigned long long>(replayed),
                     records, verified.problems.size());
        return 1;
    }

    std::printf("{\n");
    std::printf("  \"records\": %zu,\n", records);
    std::printf("  \"write_level1_records_per_s\": %.0f,\n", static_cast<double>(records) / level1.seconds);
    std::printf("  \"write_level1_cpu_s\": %.2f,\n", level1.cpuSeconds);
    std::printf("  \"write_level1_files\": %llu,\n", static_cast<unsigned long long>(level1.files));
    std::printf("  \"write_level1_bytes_per_record\": %.1f,\n", static_cast<double>(bytes) / records);
    std::printf("  \"write_level6_records_per_s\": %.0f,\n", static_cast<double>(records) / level6.seconds);
    std::printf("  \"write_level6_cpu_s\": %.2f,\n", level6.cpuSeconds);
    std::printf("  \"write_level6_bytes_per_record\": %.1f,\n", static_cast<double>(bytes6) / records);
    std::printf("  \"replay_records_per_s\": %.0f,\n", static_cast<double>(replayed) / replaySeconds);
    std::printf("  \"replay_cpu_s\": %.2f,\n", replayCpuSeconds);
    std::printf("  \"verify_records_per_s\": %.0f,\n", static_cast<double>(records) / verifySeconds);
    std::printf("  \"value_checksum\": %.1f\n", checksum);
    std::printf("}\n");
    if (argc <= 2) {
        std::filesystem::remove_all(dir);
    }
    return 0;
}
