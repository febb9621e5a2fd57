// Reconciliation of stored windows against the raw archive (with injected gap, duplicate and late
// reading), the hourly aggregation job on a real store, and runBatchJobs over a data directory.
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <tuple>
#include <vector>

#include "cityops/engine/archive/archive_writer.h"
#include "cityops/engine/history/history_jobs.h"
#include "cityops/engine/history/hourly.h"
#include "cityops/engine/history/reconciliation.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

using namespace cityops::engine;
using namespace cityops::engine::history;

namespace {

constexpr std::int64_t kStart = 1'793'491'200'000 + 5 * kDayMs;  // 2026-11-06 00:00 UTC
constexpr std::int64_t kMinute = 60'000;
constexpr int kHours = 6;

Reading co2(std::uint32_t sensor, std::int64_t ts, double value) {
    Reading r;
    r.sensorId = sensor;
    r.locationId = static_cast<std::uint16_t>(sensor + 10);
    r.kind = SensorKind::AirQuality;
    r.metric = Metric::Co2;
    r.eventTimeMs = ts;
    r.value = value;
    r.seq = static_cast<std::uint64_t>(ts / 1000);
    return r;
}

//! Sensors 1..3 every 5 minutes for kHours hours.
std::vector<Reading> gridReadings() {
    std::vector<Reading> out;
    for (int i = 0; i < kHours * 12; ++i) {
        for (std::uint32_t s = 1; s <= 3; ++s) {
            out.push_back(co2(s, kStart + i * 5 * kMinute + s * 1000, 400.0 + s * 10 + (i * 13 % 17)));
        }
    }
    return out;
}

//! Records in arrival order; offsets count per partition (sensor % 2).
std::vector<log::SourceRecord> recordsOf(const std::vector<Reading>& arrival) {
    std::vector<log::SourceRecord> out;
    std::map<int, std::uint64_t> next;
    for (const Reading& r : arrival) {
        const log::RecordInput in = log::readingRecord(r);
        log::RecordView view;
        view.timestampMs = in.timestampMs;
        view.key = in.key;
        view.flags = in.flags;
        view.payload = in.payload;
        const int partition = static_cast<int>(r.sensorId % 2);
        view.offset = next[partition]++;
        out.push_back(log::SourceRecord{"air-quality", partition, view});
    }
    return out;
}

std::unique_ptr<storage::Storage> openStore(const std::filesystem::path& path) {
    storage::StorageOptions options;
    options.path = path;
    auto opened = storage::Storage::open(options);
    return opened ? std::move(*opened) : nullptr;
}

std::map<std::tuple<std::uint32_t, std::int64_t>, WindowAggregate> byWindow(const std::vector<WindowAggregate>& windows) {
    std::map<std::tuple<std::uint32_t, std::int64_t>, WindowAggregate> out;
    for (const auto& w : windows) out[{w.sensorId, w.windowStartMs}] = w;
    return out;
}

}  // namespace

class TestHistoryReconcile : public QObject {
    Q_OBJECT

private slots:
    void reconcileFindsExplainsAndCorrectsEachDifference() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path root = dir.path().toStdString();
        const std::vector<Reading> grid = gridReadings();

        // Arrival order: the grid in time order, then a late reading of sensor 1 for hour 1 (after
        // hour 4 was seen) and an at-least-once repeat of a sensor 2 reading of hour 2.
        const Reading late = co2(1, kStart + kHourMs + 150'000, 555.0);
        Reading repeated;
        for (const Reading& r : grid) {
            if (r.sensorId == 2 && r.eventTimeMs >= kStart + 2 * kHourMs) {
                repeated = r;
                break;
            }
        }
        std::vector<Reading> arrival;
        for (const Reading& r : grid) {
            arrival.push_back(r);
            if (r.eventTimeMs >= kStart + 4 * kHourMs + 10 * kMinute && arrival.size() > 0 &&
                std::find_if(arrival.begin(), arrival.end(), [&](const Reading& a) { return a.value == 555.0; }) ==
                    arrival.end()) {
                arrival.push_back(late);
            }
        }
        arrival.push_back(repeated);
        {
            archive::ArchiveOptions ao;
            ao.root = root / "archive";
            ao.syncOnClose = false;
            auto writer = archive::ArchiveWriter::open(ao);
            QVERIFY(writer);
            const auto records = recordsOf(arrival);
            QVERIFY((*writer)->append(records));
            QVERIFY((*writer)->flush());
        }

        // What the speed layer stored: correct hours, except sensor 1 hour 1 (the late reading was
        // dropped), sensor 2 hour 2 (the repeat counted twice) and sensor 3 hour 3 (never written).
        std::vector<Reading> truth = grid;
        truth.push_back(late);
        const auto truthWindows = byWindow(aggregateWindows(truth));
        std::vector<Reading> speed = grid;
        speed.push_back(repeated);
        std::vector<WindowAggregate> stored;
        for (const WindowAggregate& w : aggregateWindows(speed)) {
            if (!(w.sensorId == 3 && w.windowStartMs == kStart + 3 * kHourMs)) stored.push_back(w);
        }
        const auto dbPath = root / "cityops.db";
        auto store = openStore(dbPath);
        QVERIFY(store);
        storage::WriteBatch batch;
        batch.aggregates = stored;
        QVERIFY(store->write(std::move(batch)));
        auto reader = storage::StorageReader::open(dbPath);
        QVERIFY(reader);

        ReconcileOptions options;
        options.fromMs = kStart;
        options.toMs = kStart + kHours * kHourMs;
        options.topics = {"air-quality"};
        options.nowMs = kStart + kDayMs;
        auto report = reconcile(root / "archive", *store, **reader, options);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QCOMPARE(report->archiveRecords, std::uint64_t{arrival.size()});
        QCOMPARE(report->archiveDuplicates, std::uint64_t{1});
        QCOMPARE(report->lateReadings, std::uint64_t{1});
        QCOMPARE(report->diffs.size(), std::size_t{3});
        const AggregateDiff& lateDiff = report->diffs[0];
        QVERIFY(lateDiff.cause == DiffCause::LateData);
        QCOMPARE(lateDiff.sensorId, 1u);
        QCOMPARE(lateDiff.windowStartMs, kStart + kHourMs);
        QCOMPARE(lateDiff.stored->count, 12u);
        QCOMPARE(lateDiff.recomputed.count, 13u);
        const AggregateDiff& dupDiff = report->diffs[1];
        QVERIFY(dupDiff.cause == DiffCause::Duplicate);
        QCOMPARE(dupDiff.sensorId, 2u);
        QCOMPARE(dupDiff.windowStartMs, kStart + 2 * kHourMs);
        QCOMPARE(dupDiff.stored->count, 13u);
        QCOMPARE(dupDiff.recomputed.count, 12u);
        QCOMPARE(dupDiff.archiveDuplicates, std::uint64_t{1});
        const AggregateDiff& gapDiff = report->diffs[2];
        QVERIFY(gapDiff.cause == DiffCause::Gap);
        QCOMPARE(gapDiff.sensorId, 3u);
        QCOMPARE(gapDiff.windowStartMs, kStart + 3 * kHourMs);
        QVERIFY(!gapDiff.stored);
        QCOMPARE(report->corrected, std::uint64_t{3});
        QCOMPARE(report->lineageRows, std::uint64_t{3});

        // The store now holds the archive's truth, window by window.
        auto after = (*reader)->windowAggregatesInRange(Metric::Co2, kHourMs, options.fromMs, options.toMs);
        QVERIFY(after);
        const auto afterByWindow = byWindow(*after);
        QCOMPARE(afterByWindow.size(), truthWindows.size());
        for (const auto& [key, t] : truthWindows) {
            const WindowAggregate& a = afterByWindow.at(key);
            QCOMPARE(a.count, t.count);
            QCOMPARE(a.sum, t.sum);
            QCOMPARE(a.min, t.min);
            QCOMPARE(a.max, t.max);
            QCOMPARE(a.locationId, t.locationId);
        }
        auto lineage = (*reader)->lineage("batch-reconcile");
        QVERIFY(lineage);
        QCOMPARE(lineage->size(), std::size_t{3});
        int causesSeen = 0;
        for (const auto& row : *lineage) {
            QCOMPARE(row.inputTopic, std::string("archive/air-quality"));
            QCOMPARE(row.processingTimeMs, options.nowMs);
            QVERIFY(row.outputTable.find("window_aggregates(sensor_id=") == 0);
            causesSeen += row.checksum.find("cause=late_data") != std::string::npos ? 1 : 0;
            causesSeen += row.checksum.find("cause=duplicate") != std::string::npos ? 10 : 0;
            causesSeen += row.checksum.find("cause=gap") != std::string::npos ? 100 : 0;
        }
        QCOMPARE(causesSeen, 111);

        // A second run finds nothing and writes nothing.
        options.nowMs += kDayMs;
        auto second = reconcile(root / "archive", *store, **reader, options);
        QVERIFY(second);
        QVERIFY2(second->diffs.empty(), second->diffs.empty() ? "" : second->diffs.front().explanation.c_str());
        QCOMPARE(second->windowsStored, second->windowsRecomputed);
        QCOMPARE((*reader)->lineage("batch-reconcile")->size(), std::size_t{3});
        QVERIFY(toText(*report).find("late_data") != std::string::npos);
        QVERIFY(toJson(*report).find("\"cause\":\"duplicate\"") != std::string::npos);
    }

    void reconcileDeletesOrphanWindowsWithLineage() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path root = dir.path().toStdString();
        const std::vector<Reading> grid = gridReadings();
        {
            archive::ArchiveOptions ao;
            ao.root = root / "archive";
            ao.syncOnClose = false;
            auto writer = archive::ArchiveWriter::open(ao);
            QVERIFY(writer);
            QVERIFY((*writer)->append(recordsOf(grid)));
            QVERIFY((*writer)->flush());
        }
        // The store holds every true window plus two the archive lacks: sensor 7 (never archived) in
        // hour 2 and sensor 1 in hour kHours + 1, outside the range checked (must stay).
        std::vector<WindowAggregate> stored = aggregateWindows(grid);
        const std::size_t trueWindows = stored.size();
        WindowAggregate orphan = stored.front();
        orphan.sensorId = 7;
        orphan.windowStartMs = kStart + 2 * kHourMs;
        orphan.windowEndMs = orphan.windowStartMs + kHourMs;
        WindowAggregate outside = stored.front();
        outside.windowStartMs = kStart + (kHours + 1) * kHourMs;
        outside.windowEndMs = outside.windowStartMs + kHourMs;
        const auto dbPath = root / "cityops.db";
        auto store = openStore(dbPath);
        QVERIFY(store);
        storage::WriteBatch batch;
        batch.aggregates = stored;
        batch.aggregates.push_back(orphan);
        batch.aggregates.push_back(outside);
        QVERIFY(store->write(std::move(batch)));
        auto reader = storage::StorageReader::open(dbPath);
        QVERIFY(reader);

        ReconcileOptions options;
        options.fromMs = kStart;
        options.toMs = kStart + kHours * kHourMs;
        options.topics = {"air-quality"};
        options.nowMs = kStart + kDayMs;
        // Report only: the orphan is found, explained and kept.
        options.deleteOrphans = false;
        auto kept = reconcile(root / "archive", *store, **reader, options);
        QVERIFY2(kept, kept ? "" : kept.error().message.c_str());
        QCOMPARE(kept->diffs.size(), std::size_t{1});
        QVERIFY(kept->diffs[0].cause == DiffCause::Orphan);
        QVERIFY(!kept->diffs[0].corrected);
        QVERIFY(kept->diffs[0].explanation.find("kept") != std::string::npos);
        QCOMPARE(kept->corrected, std::uint64_t{0});
        QCOMPARE((*reader)->lineage("batch-reconcile")->size(), std::size_t{0});
        QCOMPARE((*reader)->windowAggregatesInRange(Metric::Co2, kHourMs, options.fromMs, options.toMs)->size(),
                 trueWindows + 1);

        // The correction deletes it and records that in data_lineage.
        options.deleteOrphans = true;
        auto report = reconcile(root / "archive", *store, **reader, options);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QCOMPARE(report->diffs.size(), std::size_t{1});
        const AggregateDiff& d = report->diffs[0];
        QVERIFY(d.cause == DiffCause::Orphan);
        QCOMPARE(d.sensorId, 7u);
        QCOMPARE(d.windowStartMs, kStart + 2 * kHourMs);
        QVERIFY(d.corrected);
        QVERIFY(d.explanation.find("deleted") != std::string::npos);
        QCOMPARE(report->corrected, std::uint64_t{1});
        QCOMPARE(report->lineageRows, std::uint64_t{1});
        auto after = (*reader)->windowAggregatesInRange(Metric::Co2, kHourMs, options.fromMs, options.toMs);
        QVERIFY(after);
        QCOMPARE(after->size(), trueWindows);
        for (const WindowAggregate& w : *after) QVERIFY(w.sensorId != 7);
        // The window outside the range is not touched.
        auto later = (*reader)->windowAggregatesInRange(Metric::Co2, kHourMs, outside.windowStartMs,
                                                        outside.windowEndMs);
        QVERIFY(later);
        QCOMPARE(later->size(), std::size_t{1});
        QCOMPARE(later->front().count, outside.count);
        auto lineage = (*reader)->lineage("batch-reconcile");
        QVERIFY(lineage);
        QCOMPARE(lineage->size(), std::size_t{1});
        const auto& row = lineage->front();
        QCOMPARE(row.inputTopic, std::string("archive/air-quality"));
        QCOMPARE(row.processingTimeMs, options.nowMs);
        QCOMPARE(row.recordCount, std::int64_t{0});
        QVERIFY(row.outputTable.find("window_aggregates(sensor_id=7,") == 0);
        QVERIFY2(row.checksum.find("cause=orphan count=" + std::to_string(orphan.count) + "->0") == 0,
                 row.checksum.c_str());

        // Idempotent: a second run finds nothing and writes nothing.
        options.nowMs += kDayMs;
        auto second = reconcile(root / "archive", *store, **reader, options);
        QVERIFY(second);
        QVERIFY(second->diffs.empty());
        QCOMPARE((*reader)->lineage("batch-reconcile")->size(), std::size_t{1});
    }

    void compareReportsValueMismatchAndOrphans() {
        std::vector<ArchivedReading> archived;
        for (int i = 0; i < 4; ++i) {
            archived.push_back({co2(1, kStart + i * 10 * kMinute, 500.0 + i), 0, 0, static_cast<std::uint64_t>(i)});
        }
        std::vector<Reading> readings;
        for (const auto& a : archived) readings.push_back(a.reading);
        auto stored = aggregateWindows(readings);
        QCOMPARE(stored.size(), std::size_t{1});
        stored[0].max += 1.0;  // same count, wrong max
        WindowAggregate orphan = stored[0];
        orphan.windowStartMs += kHourMs;
        orphan.windowEndMs += kHourMs;
        stored.push_back(orphan);
        ReconcileOptions options;
        options.fromMs = kStart;
        options.toMs = kStart + 2 * kHourMs;
        const ReconcileReport report = compareWithArchive(archived, stored, options);
        QCOMPARE(report.diffs.size(), std::size_t{2});
        QVERIFY(report.diffs[0].cause == DiffCause::ValueMismatch);
        QVERIFY(report.diffs[1].cause == DiffCause::Orphan);
        QCOMPARE(report.lateReadings, std::uint64_t{0});
        // Out of order within the watermark lag is not late; beyond it is.
        archived.push_back({co2(1, kStart + 3 * kHourMs, 450.0), 0, 0, 10});
        archived.push_back({co2(1, kStart + kHourMs - 1000, 460.0), 0, 0, 11});
        QCOMPARE(compareWithArchive(archived, {}, options).lateReadings, std::uint64_t{1});
        archived.back().offset = 5;  // arrived before the 03:00 reading
        QCOMPARE(compareWithArchive(archived, {}, options).lateReadings, std::uint64_t{0});
    }

    void hourlyJobAndBatchCommandOnAStore() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path root = dir.path().toStdString();
        const auto grid = gridReadings();
        {
            auto store = openStore(root / "cityops.db");
            QVERIFY(store);
            storage::WriteBatch batch;
            batch.readings = grid;
            QVERIFY(store->write(std::move(batch)));
            auto reader = storage::StorageReader::open(root / "cityops.db");
            QVERIFY(reader);
            auto run = runHourlyAggregation(*store, **reader, kStart, kStart + kDayMs, 42);
            QVERIFY(run);
            QCOMPARE(run->readings, std::uint64_t{grid.size()});
            QCOMPARE(run->sensorHours, std::uint64_t{3 * kHours});
            QCOMPARE(run->districts.size(), std::size_t{3 * kHours});  // one sensor per district
            auto rows = (*reader)->windowAggregatesInRange(std::nullopt, kHourMs, kStart, kStart + kDayMs);
            QVERIFY(rows);
            const auto expected = byWindow(aggregateWindows(grid));
            QCOMPARE(rows->size(), expected.size());
            for (const auto& w : *rows) QCOMPARE(w.sum, expected.at({w.sensorId, w.windowStartMs}).sum);
            auto lineage = (*reader)->lineage("batch-hourly");
            QVERIFY(lineage);
            QCOMPARE(lineage->size(), std::size_t{1});
            QCOMPARE(lineage->front().recordCount, std::int64_t{3 * kHours});
            // Idempotent: the same rows again.
            QVERIFY(runHourlyAggregation(*store, **reader, kStart, kStart + kDayMs, 43));
            QCOMPARE((*reader)->windowAggregatesInRange(std::nullopt, kHourMs, kStart, kStart + kDayMs)->size(),
                     expected.size());
        }
        // Archive of the same readings, so the batch command's reconcile finds everything in order.
        {
            archive::ArchiveOptions ao;
            ao.root = root / "archive";
            ao.syncOnClose = false;
            auto writer = archive::ArchiveWriter::open(ao);
            QVERIFY(writer);
            QVERIFY((*writer)->append(recordsOf(grid)));
            QVERIFY((*writer)->flush());
        }
        BatchRunOptions options;
        options.dataDir = root;
        options.clock = [] { return kStart + 2 * kDayMs; };
        const BatchRunOutput out = runBatchJobs(BatchJob::All, options);
        // The forecast fails (no week of energy or traffic data); everything else runs.
        QCOMPARE(out.exitCode, 3);
        QVERIFY2(out.error.find("forecast") == 0, out.error.c_str());
        QVERIFY(out.json.find("\"month\":\"2026-11\"") != std::string::npos);
        for (const char* key : {"\"hourly\":", "\"daily\":", "\"noise\":", "\"quality\":", "\"reconcile\":"}) {
            QVERIFY2(out.json.find(key) != std::string::npos, key);
        }
        QVERIFY(out.json.find("\"differences\":[]") != std::string::npos);
        QVERIFY(out.text.find("Reconciliation") != std::string::npos);
        const BatchRunOutput quality = runBatchJobs(BatchJob::Quality, options);
        QCOMPARE(quality.exitCode, 0);
        QVERIFY(quality.json.find("\"readings_checked\":216") != std::string::npos);
        options.dataDir = root / "missing";
        QCOMPARE(runBatchJobs(BatchJob::Noise, options).exitCode, 3);
        QVERIFY(parseBatchJob("reconcile") == BatchJob::Reconcile);
        QVERIFY(!parseBatchJob("nightly"));
    }
};

QTEST_GUILESS_MAIN(TestHistoryReconcile)
#include "test_history_reconcile.moc"
