#include <QTemporaryDir>
#include <QtTest>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "runtime_sqlite_support.h"
#include "runtime_test_support.h"

using namespace runtime_test;
namespace storage = cityops::engine::storage;
namespace elog = cityops::engine::log;

namespace {

constexpr const char* kJob = "checkpoint-test";

std::unique_ptr<storage::Storage> openStore(const std::filesystem::path& path) {
    auto opened = storage::Storage::open(storage::StorageOptions{.path = path});
    if (!opened) {
        qFatal("cannot open %s: %s", path.c_str(), opened.error().message.c_str());
    }
    return std::move(*opened);
}

JobConfig storeConfig(int workers, storage::Storage* store) {
    return JobConfig{.jobId = kJob,
                     .workers = workers,
                     .queueCapacity = 8,
                     .maxOutOfOrdernessMs = 5'000,
                     .idleTimeoutMs = 0,
                     .checkpointIntervalMs = 0,
                     .processingTimeTickMs = 0,
                     .storage = store};
}

//! keyBy → counter → window rows (+ global top-3 → alert rows); keyBy → running sum → reading rows.
std::unique_ptr<RunningJob<Event>> buildJob(JobConfig config) {
    JobBuilder<Event> job(std::move(config));
    auto keyed = job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; });
    auto counts = keyed.process([](int) { return std::make_unique<EventTimeCounter>(kTestWindow); });
    counts.sink(std::make_shared<SqliteSink<WindowCount>>(windowRows));
    counts.global([] { return std::make_unique<TopN>(3, kTestWindow); })
        .sink(std::make_shared<SqliteSink<TopEntry>>(topRows));
    keyed.process([](int) { return std::make_unique<RunningSum>(); })
        .sink(std::make_shared<SqliteSink<RunningTotal>>(sumRows));
    return job.build();
}

//! Pushes events[from, to) in batches, recording the next offset as the source position.
void pushRange(RunningJob<Event>& job, const std::vector<Event>& events, std::size_t from, std::size_t to) {
    for (std::size_t at = from; at < to; at += 50) {
        const std::size_t n = std::min<std::size_t>(50, to - at);
        job.push(std::span(events).subspan(at, n));
        job.setSourcePositions({{"events", 0, at + n}});
    }
}

struct Tables {
    std::vector<std::string> windows, sums, alerts;
};

Tables tables(const std::filesystem::path& db) {
    return {dumpRows(db, kWindowRowsSql), dumpRows(db, kSumRowsSql), dumpRows(db, kAlertRowsSql)};
}

}  // namespace

//! Checkpoints: exactly-once rows committed with the checkpoint, restore equal to an uninterrupted
//! run (also with another worker count), periodic checkpoints, graph mismatches, dead letters.
class TestRuntimeCheckpoint : public QObject {
    Q_OBJECT

private slots:
    void restoreEqualsUninterruptedRun_data() {
        QTest::addColumn<int>("before");
        QTest::addColumn<int>("after");
        QTest::newRow("2 → 2 workers") << 2 << 2;
        QTest::newRow("2 → 3 workers") << 2 << 3;
        QTest::newRow("1 → 4 workers") << 1 << 4;
        QTest::newRow("4 → 1 worker") << 4 << 1;
    }
    void restoreEqualsUninterruptedRun() {
        QFETCH(int, before);
        QFETCH(int, after);
        QTemporaryDir dir;
        const auto events = makeEvents(20, 100, 3'000);
        const std::filesystem::path refDb = dir.filePath("ref.db").toStdString();
        const std::filesystem::path db = dir.filePath("run.db").toStdString();
        {
            auto store = openStore(refDb);
            auto job = buildJob(storeConfig(2, store.get()));
            pushRange(*job, events, 0, events.size());
            job->finish();
            QVERIFY2(job->metrics().failure.empty(), job->metrics().failure.c_str());
        }
        const Tables reference = tables(refDb);
        QCOMPARE(reference.sums.size(), events.size());
        QVERIFY(!reference.windows.empty() && !reference.alerts.empty());

        std::uint64_t checkpointId = 0;
        const std::size_t cut = events.size() * 2 / 5;
        {
            auto store = openStore(db);
            auto job = buildJob(storeConfig(before, store.get()));
            QVERIFY(!job->restored());
            pushRange(*job, events, 0, cut);
            auto id = job->checkpoint();
            QVERIFY2(id.ok(), id.ok() ? "" : id.error().c_str());
            checkpointId = *id;
            QCOMPARE(tables(db).sums.size(), cut);  // committed with the checkpoint, not before
            pushRange(*job, events, cut, cut + events.size() / 5);
            job->sync();
            QCOMPARE(tables(db).sums.size(), cut);  // staged rows wait for the next checkpoint
            // Destroyed without finish(): like a crash, the rows since the checkpoint are not committed.
        }
        {
            auto store = openStore(db);
            auto job = buildJob(storeConfig(after, store.get()));
            QVERIFY(job->restored().has_value());
            QCOMPARE(job->restored()->checkpointId, checkpointId);
            QCOMPARE(job->restored()->workersBefore, before);
            QCOMPARE(job->restored()->positions.size(), std::size_t{1});
            const std::size_t resume = job->restored()->positions[0].offset;
            QCOMPARE(resume, cut);
            pushRange(*job, events, resume, events.size());
            job->finish();
            QVERIFY2(job->metrics().failure.empty(), job->metrics().failure.c_str());
            QCOMPARE(job->metrics().checkpoints.lastId, checkpointId + 1);
        }
        const Tables restored = tables(db);
        QCOMPARE(restored.windows, reference.windows);
        QCOMPARE(restored.sums, reference.sums);
        QCOMPARE(restored.alerts, reference.alerts);
    }

    void periodicCheckpointsAndMetrics() {
        QTemporaryDir dir;
        const std::filesystem::path db = dir.filePath("p.db").toStdString();
        auto store = openStore(db);
        ManualClock clock(1'000'000);
        std::vector<CheckpointInfo> seen;
        std::mutex seenMutex;
        JobConfig config = storeConfig(2, store.get());
        config.checkpointIntervalMs = 1'000;
        config.clock = &clock;
        config.onCheckpoint = [&](const CheckpointInfo& info) {
            std::lock_guard lock(seenMutex);
            seen.push_back(info);
        };
        auto job = buildJob(config);
        const auto events = makeEvents(10, 100);
        pushRange(*job, events, 0, 200);
        job->sync();
        QCOMPARE(job->metrics().checkpoints.completed, std::uint64_t{0});
        clock.advance(1'000);
        pushRange(*job, events, 200, 400);  // the first push of this range takes the checkpoint
        clock.advance(1'000);
        job->tick();  // due again (skipped while the previous one is still in flight)
        job->finish();
        const JobMetrics m = job->metrics();
        QVERIFY2(m.checkpoints.completed >= 2, std::to_string(m.checkpoints.completed).c_str());
        QCOMPARE(m.checkpoints.failed, std::uint64_t{0});
        QVERIFY(m.checkpoints.lastSizeBytes > 0);
        QVERIFY(m.checkpoints.lastDurationMs >= 0.0);
        QCOMPARE(m.checkpoints.ageMs, TimeMs{0});
        std::lock_guard lock(seenMutex);
        QCOMPARE(seen.size(), m.checkpoints.completed);
        for (std::size_t i = 1; i < seen.size(); ++i) {
            QCOMPARE(seen[i].id, seen[i - 1].id + 1);
        }
        auto reader = storage::StorageReader::open(db);
        QVERIFY(reader.ok());
        auto latest = (*reader)->latestCheckpoint(kJob);
        QVERIFY(latest.ok() && latest->has_value());
        QCOMPARE((**latest).checkpointId, seen.back().id);
        QCOMPARE((**latest).offsets.size(), std::size_t{1});
        QCOMPARE((**latest).offsets[0].offset, std::uint64_t{400});
    }

    void restoreRejectsAnotherGraph() {
        QTemporaryDir dir;
        const std::filesystem::path db = dir.filePath("g.db").toStdString();
        auto store = openStore(db);
        {
            auto job = buildJob(storeConfig(2, store.get()));
            const auto events = makeEvents(4, 10);
            job->push(events);
            QVERIFY(job->checkpoint().ok());
        }
        JobBuilder<Event> other(storeConfig(2, store.get()));
        other.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int) { return std::make_unique<RunningSum>(); });
        QVERIFY_THROWS_EXCEPTION(JobError, other.build());

        JobConfig fresh = storeConfig(2, store.get());
        fresh.restoreFromCheckpoint = false;  // start over, but keep numbering the checkpoints
        JobBuilder<Event> again(fresh);
        again.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int) { return std::make_unique<RunningSum>(); });
        auto job = again.build();
        QVERIFY(!job->restored());
        auto id = job->checkpoint();
        QVERIFY2(id.ok(), id.ok() ? "" : id.error().c_str());
        QCOMPARE(*id, std::uint64_t{2});
    }

    void deadLettersCommitWithTheCheckpoint() {
        QTemporaryDir dir;
        elog::LogConfig logConfig;
        logConfig.directory = dir.filePath("log").toStdString();
        logConfig.topics = {{"events", 2, 7 * elog::kDayMs}};
        logConfig.syncPolicy = elog::SyncPolicy::Manual;
        auto eventLog = elog::EventLog::open(logConfig);
        QVERIFY(eventLog.ok());
        const auto events = makeEvents(6, 20);
        std::vector<elog::RecordInput> inputs;
        const char garbage[] = "{\"sensor_id\": oops}";
        for (std::size_t i = 0; i < events.size(); ++i) {
            inputs.push_back({events[i].time, events[i].key, 7, std::as_bytes(std::span(&events[i], 1))});
            if (i % 40 == 0) {
                inputs.push_back({events[i].time, events[i].key, 0, std::as_bytes(std::span(garbage))});
            }
        }
        elog::LogEventSink sink(**eventLog);
        QVERIFY(sink.send("events", inputs).ok());

        const std::filesystem::path db = dir.filePath("d.db").toStdString();
        auto store = openStore(db);
        auto job = buildJob(storeConfig(2, store.get()));
        auto source = elog::LogEventSource::create(**eventLog, {"events"});
        QVERIFY(source.ok());
        auto decode = [](const elog::SourceRecord& rec, Event& out) {
            if (rec.record.flags != 7 || rec.record.payload.size() != sizeof(Event)) {
                return DecodeResult::reject("malformed_json");
            }
            std::memcpy(&out, rec.record.payload.data(), sizeof(Event));
            return DecodeResult::accept();
        };
        auto read = job->run(**source, decode, RunOptions{.stopAtEnd = true});
        QVERIFY(read.ok());
        const auto letters = dumpRows(db, kDeadLetterRowsSql);
        QCOMPARE(letters.size(), std::size_t{3});
        QVERIFY(letters[0].starts_with("events|"));
        QVERIFY(letters[0].find("|malformed_json|") != std::string::npos);
        QCOMPARE(dumpRows(db, kSumRowsSql).size(), events.size());
        QCOMPARE(job->metrics().deadLetters, std::uint64_t{3});
    }
};

QTEST_GUILESS_MAIN(TestRuntimeCheckpoint)
#include "test_runtime_checkpoint.moc"
