// Throughput of the embedded event log: batched appends of 40-byte payloads over traffic-events'
// 12 partitions (synced once at the end), reads of everything back, and appends synced per batch.
// Usage: bench_event_log [records] [directory]   Prints one JSON object on stdout.

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "cityops/engine/log/event_log.h"

using namespace cityops::engine::log;

namespace {

constexpr std::size_t kPayloadBytes = 40;
constexpr std::size_t kBatch = 1000;
constexpr std::size_t kRecordBytes = 40 + kPayloadBytes;
constexpr const char* kTopic = "traffic-events";

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

[[noreturn]] void fail(const LogError& error) {
    std::fprintf(stderr, "bench_event_log: %s\n", error.message.c_str());
    std::exit(1);
}

struct Appended {
    double seconds = 0.0;
    std::uint64_t records = 0;
};

Appended appendAll(EventLog& log, std::size_t records, std::size_t batchSize, bool syncAtEnd) {
    const int partitions = log.topic(kTopic)->partitions;
    std::vector<std::byte> payloads(batchSize * kPayloadBytes);
    std::vector<RecordInput> batch(batchSize);
    Appended result;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t done = 0; done < records; done += batchSize) {
        const std::size_t n = std::min(batchSize, records - done);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t key = (done + i) % 5000;
            payloads[i * kPayloadBytes] = static_cast<std::byte>(key);
            batch[i] = {static_cast<std::int64_t>(done + i), key, 0,
                        std::span<const std::byte>(payloads.data() + i * kPayloadBytes, kPayloadBytes)};
        }
        const int partition = static_cast<int>((done / batchSize) % static_cast<std::size_t>(partitions));
        if (auto r = log.append(kTopic, partition, std::span(batch).first(n)); !r) {
            fail(r.error());
        }
        result.records += n;
    }
    if (syncAtEnd) {
        if (auto r = log.sync(); !r) {
            fail(r.error());
        }
    }
    result.seconds = secondsSince(start);
    return result;
}

int run(int argc, char** argv) {
    const std::size_t records = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
    std::filesystem::path dir =
        argc > 2 ? std::filesystem::path(argv[2])
                 : std::filesystem::temp_directory_path() / ("bench_event_log_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);

    LogConfig config;
    config.directory = dir / "batched";
    config.syncPolicy = SyncPolicy::Manual;
    auto log = EventLog::open(config);
    if (!log) {
        fail(log.error());
    }
    const Appended appended = appendAll(**log, records, kBatch, true);

    std::vector<RecordView> views(4096);
    std::vector<std::byte> buffer(1 << 20);
    std::uint64_t read = 0;
    std::uint64_t checksum = 0;
    const auto readStart = std::chrono::steady_clock::now();
    for (int p = 0; p < (*log)->topic(kTopic)->partitions; ++p) {
        auto reader = (*log)->reader(kTopic, p);
        if (!reader) {
            fail(reader.error());
        }
        for (;;) {
            auto batch = reader->read(views, buffer);
            if (!batch) {
                fail(batch.error());
            }
            if (batch->count == 0) {
                break;
            }
            read += batch->count;
            checksum += static_cast<std::uint64_t>(views[batch->count - 1].payload[0]);
        }
    }
    const double readSeconds = secondsSince(readStart);
    log = LogError{};

    const std::size_t durableRecords = std::max<std::size_t>(records / 100, 1000);
    LogConfig durableConfig = config;
    durableConfig.directory = dir / "durable";
    durableConfig.syncPolicy = SyncPolicy::EveryAppend;
    auto durable = EventLog::open(durableConfig);
    if (!durable) {
        fail(durable.error());
    }
    const Appended synced = appendAll(**durable, durableRecords, 100, false);
    durable = LogError{};
    std::filesystem::remove_all(dir);

    const double mb = 1024.0 * 1024.0;
    std::printf(
        "{\"records\": %zu, \"payload_bytes\": %zu, \"record_bytes_on_disk\": %zu, \"batch\": %zu, "
        "\"partitions\": 12,\n"
        " \"append\": {\"seconds\": %.3f, \"records_per_s\": %.0f, \"payload_mb_per_s\": %.1f, "
        "\"disk_mb_per_s\": %.1f, \"synced\": \"once at end\"},\n"
        " \"read\": {\"records\": %llu, \"seconds\": %.3f, \"records_per_s\": %.0f, \"payload_mb_per_s\": %.1f, "
        "\"disk_mb_per_s\": %.1f, \"checksum\": %llu},\n"
        " \"append_fdatasync_per_batch\": {\"records\": %llu, \"batch\": 100, \"seconds\": %.3f, "
        "\"records_per_s\": %.0f, \"batches_per_s\": %.0f}}\n",
        records, kPayloadBytes, kRecordBytes, kBatch, appended.seconds, appended.records / appended.seconds,
        appended.records * kPayloadBytes / mb / appended.seconds,
        appended.records * kRecordBytes / mb / appended.seconds, static_cast<unsigned long long>(read), readSeconds,
        read / readSeconds, read * kPayloadBytes / mb / readSeconds, read * kRecordBytes / mb / readSeconds,
        static_cast<unsigned long long>(checksum), static_cast<unsigned long long>(synced.records), synced.seconds,
        synced.records / synced.seconds, synced.records / 100.0 / synced.seconds);
    return read == records ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_event_log: %s\n", e.what());
        return 1;
    }
}
