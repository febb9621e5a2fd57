// The crash test's job as its own process (killed with SIGKILL by test_runtime_crash):
//
//   stream_runtime_crash_job <log dir> <db> <workers> <checkpoint ms> <pace µs per poll>
//
// Reads topic "events" of the embedded log from the last checkpoint (or the start) to its end through
// a deterministic job (per-key event-time window counts, per-key running sums, a global top-3) into
// exactly-once SQLite sinks, then finishes. Prints, flushed, one line per fact the test waits for:
// "RESTORED <id> <workers before>", "FIRST <ms since main()>" (first polled batch processed),
// "CHECKPOINT <id>", "DONE <records>". Exit code 0 on success, 2 on bad arguments, 3 on errors.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/storage/storage.h"
#include "runtime_test_support.h"

using namespace runtime_test;
namespace storage = cityops::engine::storage;
namespace elog = cityops::engine::log;

int main(int argc, char** argv) {
    const auto started = std::chrono::steady_clock::now();
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s <log dir> <db> <workers> <checkpoint ms> <pace us>\n", argv[0]);
        return 2;
    }
    const int workers = std::atoi(argv[3]);
    const TimeMs checkpointMs = std::atoll(argv[4]);
    const long paceUs = std::atol(argv[5]);

    elog::LogConfig logConfig;
    logConfig.directory = argv[1];
    logConfig.topics = {{"events", 4, 7 * elog::kDayMs}};
    logConfig.syncPolicy = elog::SyncPolicy::Manual;
    auto eventLog = elog::EventLog::open(logConfig);
    if (!eventLog) {
        std::fprintf(stderr, "log: %s\n", eventLog.error().message.c_str());
        return 3;
    }
    auto store = storage::Storage::open(storage::StorageOptions{.path = argv[2]});
    if (!store) {
        std::fprintf(stderr, "store: %s\n", store.error().message.c_str());
        return 3;
    }
    auto source = elog::LogEventSource::create(**eventLog, {"events"}, 1 << 16);
    if (!source) {
        std::fprintf(stderr, "source: %s\n", source.error().message.c_str());
        return 3;
    }

    JobBuilder<Event> job(JobConfig{.jobId = "crash-job",
                                    .workers = workers,
                                    .queueCapacity = 8,
                                    .maxOutOfOrdernessMs = 2'000,
                                    .idleTimeoutMs = 0,  // determinism: no processing-time idleness
                                    .checkpointIntervalMs = checkpointMs,
                                    .processingTimeTickMs = 0,
                                    .storage = store->get(),
                                    .onCheckpoint = [](const CheckpointInfo& info) {
                                        std::printf("CHECKPOINT %llu\n", static_cast<unsigned long long>(info.id));
                                        std::fflush(stdout);
                                    }});
    auto keyed = job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; });
    auto counts = keyed.process([](int) { return std::make_unique<EventTimeCounter>(kTestWindow); });
    counts.sink(std::make_shared<SqliteSink<WindowCount>>(windowRows));
    counts.global([] { return std::make_unique<TopN>(3, kTestWindow); })
        .sink(std::make_shared<SqliteSink<TopEntry>>(topRows));
    keyed.process([](int) { return std::make_unique<RunningSum>(); })
        .sink(std::make_shared<SqliteSink<RunningTotal>>(sumRows));

    std::unique_ptr<RunningJob<Event>> running;
    try {
        running = job.build();
    } catch (const JobError& e) {
        std::fprintf(stderr, "build: %s\n", e.what());
        return 3;
    }
    if (const auto& restored = running->restored()) {
        std::printf("RESTORED %llu %d\n", static_cast<unsigned long long>(restored->checkpointId),
                    restored->workersBefore);
        std::fflush(stdout);
    }
    bool first = true;
    auto decode = [](const elog::SourceRecord& rec, Event& out) {
        if (rec.record.flags != 7 || rec.record.payload.size() != sizeof(Event)) {
            return DecodeResult::reject("not_an_event");
        }
        std::memcpy(&out, rec.record.payload.data(), sizeof(Event));
        return DecodeResult::accept();
    };
    RunOptions options{.pollRecords = 100, .stopAtEnd = true};
    options.onBatch = [&](std::uint64_t) {
        if (first) {
            first = false;
            running->sync();
            const auto ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            std::printf("FIRST %.1f\n", ms);
            std::fflush(stdout);
        }
        if (paceUs > 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(paceUs));
        }
    };
    auto read = running->run(**source, decode, options);
    if (!read) {
        std::fprintf(stderr, "run: %s\n", read.error().message.c_str());
        return 3;
    }
    const JobMetrics m = running->metrics();
    if (!m.failure.empty() || !m.checkpoints.lastError.empty()) {
        std::fprintf(stderr, "job: %s %s\n", m.failure.c_str(), m.checkpoints.lastError.c_str());
        return 3;
    }
    std::printf("DONE %llu\n", static_cast<unsigned long long>(*read));
    std::fflush(stdout);
    return 0;
}
