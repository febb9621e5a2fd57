#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

#include "storage_test_support.h"

using namespace storage_test;

namespace {

struct Fixture {
    QTemporaryDir dir;
    std::filesystem::path path = dbPath(dir.path());
    std::unique_ptr<Storage> storage;
    std::unique_ptr<StorageReader> reader;

    explicit Fixture(std::uint32_t maxPageCount = 0) {
        StorageOptions options;
        options.path = path;
        options.maxPageCount = maxPageCount;
        auto opened = Storage::open(options);
        if (opened) {
            storage = std::move(*opened);
            if (auto r = StorageReader::open(path)) {
                reader = std::move(*r);
            }
        }
    }
};

WriteBatch readingBatch(std::uint32_t sensors, std::int64_t fromTs, int count) {
    WriteBatch batch;
    for (int i = 0; i < count; ++i) {
        batch.readings.push_back(reading(static_cast<std::uint32_t>(i) % sensors, fromTs + i, i * 0.5));
    }
    return batch;
}

}  // namespace

class TestStorageWrites : public QObject {
    Q_OBJECT

private slots:
    void readingUpsertsAreIdempotent() {
        Fixture f;
        QVERIFY(f.reader);
        const WriteBatch batch = readingBatch(10, 0, 1000);
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->write(batch).ok());
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{1000});

        WriteBatch changed;
        changed.readings = {reading(3, 3, 42.0)};
        QVERIFY(f.storage->write(changed).ok());
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{1000});
        auto series = f.reader->sensorSeries(3, Metric::Co2, 3, 4, 1);
        QVERIFY(series.ok());
        QCOMPARE(series->size(), std::size_t{1});
        QCOMPARE(series->front().max, 42.0);
    }

    void lastDuplicateInABatchWins() {
        Fixture f;
        WriteBatch batch = readingBatch(1, 0, 150);  // more than one multi-row insert plus a remainder
        batch.readings[10].value = 1.0;
        batch.readings[120] = reading(0, 10, 2.0);
        QVERIFY(f.storage->write(batch).ok());
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{149});
        auto series = f.reader->sensorSeries(0, Metric::Co2, 10, 11, 1);
        QVERIFY(series.ok() && series->size() == 1);
        QCOMPARE(series->front().max, 2.0);
    }

    void asyncSubmitCommitsEveryBatch() {
        Fixture f;
        std::vector<std::future<Result<void>>> pending;
        for (int b = 0; b < 40; ++b) {
            pending.push_back(f.storage->submit(readingBatch(5, b * 100, 100)));
        }
        for (auto& p : pending) {
            QVERIFY(p.get().ok());
        }
        QCOMPARE(f.storage->committedBatches(), std::uint64_t{40});
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{4000});
    }

    void metadataLengthMismatchIsRejected() {
        Fixture f;
        WriteBatch batch = readingBatch(1, 0, 3);
        batch.readingMetadata = {"{}"};
        auto written = f.storage->write(batch);
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, StorageErrc::InvalidArgument);
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{0});
    }

    void aggregatesDeadLettersAndLineageAreIdempotent() {
        Fixture f;
        WriteBatch batch;
        WindowAggregate agg;
        agg.sensorId = 4;
        agg.locationId = 2;
        agg.metric = Metric::Co2;
        agg.windowStartMs = 0;
        agg.windowEndMs = 300'000;
        agg.count = 10;
        agg.sum = 5000;
        agg.min = 400;
        agg.max = 600;
        batch.aggregates = {agg};
        batch.deadLetters = {DeadLetter{"readings", "readings/0/17", "bad json", std::string("\x01\x00{", 3), 1000}};
        batch.lineage = {LineageRecord{"aggregation", "readings", "window_aggregates", 5000, 10, "abc"}};
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->write(batch).ok());
        auto districts = f.reader->districtAggregates(Metric::Co2, 0, 600'000);
        QVERIFY(districts.ok());
        QCOMPARE(districts->size(), std::size_t{1});
        QCOMPARE(districts->front().count, std::uint64_t{10});
        QCOMPARE(districts->front().avg, 500.0);
        auto letters = f.reader->deadLetters(10);
        QVERIFY(letters.ok());
        QCOMPARE(letters->size(), std::size_t{1});
        QCOMPARE(letters->front().payload, std::string("\x01\x00{", 3));
        auto lineage = f.reader->lineage("aggregation");
        QVERIFY(lineage.ok());
        QCOMPARE(lineage->size(), std::size_t{1});
        QCOMPARE(lineage->front().recordCount, std::int64_t{10});
    }

    void alertReemissionKeepsLifecycle() {
        Fixture f;
        AlertRecord rec = alertRecord(9, 1000, "Podil", "CO2 high");
        WriteBatch batch;
        batch.alerts = {rec};
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->applyAlertAction({rec.alert.id, AlertState::Acknowledged, 2000, "olena", "on it"}).ok());
        batch.alerts.front().alert.value = 1200.0;
        QVERIFY(f.storage->write(batch).ok());
        auto stored = f.reader->alert(rec.alert.id);
        QVERIFY(stored.ok() && stored->has_value());
        QVERIFY((*stored)->state == AlertState::Acknowledged);
        QCOMPARE((*stored)->acknowledgedBy, std::string("olena"));
        QCOMPARE((*stored)->record.alert.value, 1200.0);
        auto page = f.reader->alertHistory(AlertFilter{});
        QVERIFY(page.ok());
        QCOMPARE(page->alerts.size(), std::size_t{1});
    }

    void alertLifecycleEnforcesOrder() {
        Fixture f;
        AlertRecord rec = alertRecord(1, 1000, "Obolon", "Gas leak");
        WriteBatch batch;
        batch.alerts = {rec};
        QVERIFY(f.storage->write(batch).ok());
        const std::uint64_t id = rec.alert.id;

        auto skipped = f.storage->applyAlertAction({id, AlertState::Dispatched, 1500, "", ""});
        QVERIFY(!skipped.ok());
        QCOMPARE(skipped.error().code, StorageErrc::InvalidTransition);
        QVERIFY2(skipped.error().message.find("from new to dispatched") != std::string::npos,
                 skipped.error().message.c_str());
        auto resolveNew = f.storage->applyAlertAction({id, AlertState::Resolved, 1500, "", ""});
        QCOMPARE(resolveNew.error().code, StorageErrc::InvalidTransition);

        QVERIFY(f.storage->applyAlertAction({id, AlertState::Acknowledged, 2000, "olena", "checking"}).ok());
        QVERIFY(f.storage->applyAlertAction({id, AlertState::Acknowledged, 2001, "olena", "checking"}).ok());
        QVERIFY(f.storage->applyAlertAction({id, AlertState::Assigned, 3000, "gas service", ""}).ok());
        auto back = f.storage->applyAlertAction({id, AlertState::Acknowledged, 3100, "x", ""});
        QCOMPARE(back.error().code, StorageErrc::InvalidTransition);
        QVERIFY(f.storage->applyAlertAction({id, AlertState::Dispatched, 4000, "", "crew 12"}).ok());
        QVERIFY(f.storage->applyAlertAction({id, AlertState::Resolved, 5000, "", "valve closed"}).ok());

        auto stored = f.reader->alert(id);
        QVERIFY(stored.ok() && stored->has_value());
        const StoredAlert& a = **stored;
        QVERIFY(a.state == AlertState::Resolved);
        QCOMPARE(a.acknowledgedBy, std::string("olena"));
        QVERIFY(a.acknowledgedAtMs == std::optional<std::int64_t>(2000));
        QCOMPARE(a.assignedService, std::string("gas service"));
        QVERIFY(a.assignedAtMs == std::optional<std::int64_t>(3000));
        QVERIFY(a.dispatchedAtMs == std::optional<std::int64_t>(4000));
        QVERIFY(a.resolvedAtMs == std::optional<std::int64_t>(5000));
        QCOMPARE(a.notes, std::string("checking\ncrew 12\nvalve closed"));

        auto unknown = f.storage->applyAlertAction({12345, AlertState::Acknowledged, 1, "x", ""});
        QCOMPARE(unknown.error().code, StorageErrc::InvalidArgument);

        AlertRecord other = alertRecord(2, 1000, "Obolon", "Fire");
        batch.alerts = {other};
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->applyAlertAction({other.alert.id, AlertState::Acknowledged, 2000, "ivan", ""}).ok());
        QVERIFY(f.storage->applyAlertAction({other.alert.id, AlertState::Resolved, 2500, "", "false alarm"}).ok());
    }

    void checkpointCommitsRowsAndOffsetsAtomically() {
        Fixture f;
        CheckpointRecord cp{
            "aggregation", 1, 100, {{"readings", 0, 500}, {"readings", 1, 420}}, std::string("\0state", 6)};
        WriteBatch pending = readingBatch(4, 0, 200);
        pending.alerts = {alertRecord(5, 50, "Podil", "CO2 high")};
        QVERIFY(f.storage->commitCheckpoint(cp, pending).ok());
        auto latest = f.reader->latestCheckpoint("aggregation");
        QVERIFY(latest.ok() && latest->has_value());
        QCOMPARE((*latest)->checkpointId, std::uint64_t{1});
        QCOMPARE((*latest)->offsets, cp.offsets);
        QCOMPARE((*latest)->stateBlob, cp.stateBlob);
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{200});

        QVERIFY(f.storage->commitCheckpoint(cp, pending).ok());  // retry after an unknown outcome
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{200});

        CheckpointRecord next = cp;
        next.checkpointId = 2;
        next.offsets = {{"readings", 0, 900}};
        QVERIFY(f.storage->commitCheckpoint(next, readingBatch(4, 1000, 100)).ok());
        latest = f.reader->latestCheckpoint("aggregation");
        QCOMPARE((*latest)->checkpointId, std::uint64_t{2});
        QCOMPARE((*latest)->offsets.size(), std::size_t{1});

        auto stale = f.storage->commitCheckpoint(cp, readingBatch(4, 5000, 100));
        QVERIFY(!stale.ok());
        QCOMPARE(stale.error().code, StorageErrc::InvalidArgument);
        QVERIFY(stale.error().message.find("older") != std::string::npos);
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{300});  // the stale commit's rows were rolled back
        QVERIFY(!f.reader->latestCheckpoint("other")->has_value());
    }

    void readersNeverBlockTheWriter() {
        Fixture f;
        QVERIFY(f.storage->write(readingBatch(5, 0, 100)).ok());
        RawDb snapshot(f.path);
        QCOMPARE(snapshot.exec("BEGIN"), SQLITE_OK);
        QCOMPARE(snapshot.queryInt("SELECT count(*) FROM readings"), std::int64_t{100});
        QVERIFY(f.storage->write(readingBatch(5, 1000, 100)).ok());
        QCOMPARE(snapshot.queryInt("SELECT count(*) FROM readings"), std::int64_t{100});
        QCOMPARE(snapshot.exec("COMMIT"), SQLITE_OK);
        QCOMPARE(snapshot.queryInt("SELECT count(*) FROM readings"), std::int64_t{200});

        std::atomic<bool> done{false};
        std::atomic<int> readErrors{0};
        std::thread readerThread([&] {
            auto reader = StorageReader::open(f.path);
            while (!done.load()) {
                if (!reader || !(*reader)->sensorSeries(1, Metric::Co2, 0, 1'000'000, 100).ok()) {
                    ++readErrors;
                }
            }
        });
        for (int b = 0; b < 30; ++b) {
            QVERIFY(f.storage->write(readingBatch(5, 10'000 + b * 100, 100)).ok());
        }
        done = true;
        readerThread.join();
        QCOMPARE(readErrors.load(), 0);
        QCOMPARE(*f.reader->readingCount(), std::uint64_t{3200});
    }

    void diskFullRollsBackAndKeepsCommitted() {
        Fixture f(400);
        QVERIFY(f.storage);
        std::uint64_t committed = 0;
        Result<void> last;
        for (int b = 0; b < 1000 && last.ok(); ++b) {
            last = f.storage->write(readingBatch(20, b * 2000, 2000));
            if (last.ok()) {
                committed += 2000;
            }
        }
        QVERIFY(!last.ok());
        QCOMPARE(last.error().code, StorageErrc::DiskFull);
        QVERIFY2(last.error().message.find("full") != std::string::npos, last.error().message.c_str());
        QVERIFY(committed > 0);
        QCOMPARE(*f.reader->readingCount(), committed);
        QCOMPARE(*f.reader->integrityCheck(), std::string("ok"));
    }
};

QTEST_GUILESS_MAIN(TestStorageWrites)
#include "test_storage_writes.moc"
