#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "storage_test_support.h"

using namespace storage_test;

namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kNow = 1'000 * kDay;  //!< the reference time of every pass
constexpr std::uint32_t kSensors = 2;

struct Fixture {
    QTemporaryDir dir;
    std::filesystem::path path = dbPath(dir.path());
    std::unique_ptr<Storage> storage;
    std::unique_ptr<StorageReader> reader;

    Fixture() {
        if (auto opened = Storage::open(StorageOptions{path})) {
            storage = std::move(*opened);
            if (auto r = StorageReader::open(path)) {
                reader = std::move(*r);
            }
        }
    }
};

//! Times every metric gets: every 25 h back 400 days, plus 1 ms either side of each topic's cutoff.
std::vector<std::int64_t> sampleTimes() {
    std::vector<std::int64_t> times;
    for (std::int64_t t = kNow; t > kNow - 400 * kDay; t -= 25 * kHour) {
        times.push_back(t);
    }
    for (const auto& entry : defaultRetention()) {
        const std::int64_t cutoff = kNow - entry.retentionMs;
        times.insert(times.end(), {cutoff - 1, cutoff, cutoff + 1});
    }
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    return times;
}

//! Readings, events (metadata) and one aggregate per sample, for every metric and sensor.
WriteBatch everything() {
    WriteBatch batch;
    for (int m = 0; m < kMetricCount; ++m) {
        for (std::uint32_t s = 0; s < kSensors; ++s) {
            for (const std::int64_t t : sampleTimes()) {
                Reading r = reading(s, t, 1.0, static_cast<Metric>(m));
                r.kind = kindOf(r.metric);
                batch.readings.push_back(r);
                batch.readingMetadata.push_back(s == 0 ? R"({"note":"sample"})" : "");
                WindowAggregate a;
                a.sensorId = s;
                a.metric = r.metric;
                a.windowStartMs = t;
                a.windowEndMs = t + 60'000;
                a.count = 1;
                a.sum = a.min = a.max = 1.0;
                batch.aggregates.push_back(a);
            }
        }
    }
    return batch;
}

std::int64_t countOlder(RawDb& db, const char* table, const char* timeColumn, int metric, std::int64_t cutoff) {
    const std::string sql = std::string("SELECT count(*) FROM ") + table + " WHERE metric = " + std::to_string(metric) +
                            " AND " + timeColumn + " < " + std::to_string(cutoff);
    return db.queryInt(sql.c_str());
}

std::int64_t minTime(RawDb& db, const char* table, const char* timeColumn, int metric) {
    const std::string sql =
        std::string("SELECT min(") + timeColumn + ") FROM " + table + " WHERE metric = " + std::to_string(metric);
    return db.queryInt(sql.c_str());
}

}  // namespace

class TestStorageRetention : public QObject {
    Q_OBJECT

private slots:
    void topicMappingFollowsTheDesign() {
        const std::map<std::string, std::int64_t> expected = {
            {"traffic-events", 7},   {"air-quality", 30},       {"temperature-data", 60}, {"parking-events", 14},
            {"emergency-events", 365}, {"energy-data", 90}, {"receipts", 30}};
        const auto policy = defaultRetention();
        QCOMPARE(policy.size(), expected.size());
        for (const auto& entry : policy) {
            QVERIFY2(expected.count(entry.topic) == 1, entry.topic.c_str());
            QCOMPARE(entry.retentionMs, expected.at(entry.topic) * kDay);
        }
        QCOMPARE(topicOf(Metric::VehicleCount), std::string_view("traffic-events"));
        QCOMPARE(topicOf(Metric::Pm25), std::string_view("air-quality"));
        QCOMPARE(topicOf(Metric::Humidity), std::string_view("temperature-data"));
        QCOMPARE(topicOf(Metric::ParkingOccupancy), std::string_view("parking-events"));
        QCOMPARE(topicOf(Metric::EmergencySeverity), std::string_view("emergency-events"));
        QCOMPARE(topicOf(Metric::EnergyKwh), std::string_view("energy-data"));
        QCOMPARE(topicOf(Metric::NoiseDb), std::string_view("air-quality"));
    }

    void removesExactlyWhatIsOlderPerTopic() {
        Fixture f;
        QVERIFY(f.reader);
        QVERIFY(f.storage->write(everything()).ok());
        const auto policy = defaultRetention();
        RawDb raw(f.path);
        std::map<std::string, std::int64_t> expectedDeleted;
        std::map<int, std::int64_t> keptBefore;
        for (int m = 0; m < kMetricCount; ++m) {
            const auto topic = std::string(topicOf(static_cast<Metric>(m)));
            const std::int64_t cutoff = kNow - *retentionOf(policy, topic);
            expectedDeleted[topic] += countOlder(raw, "readings", "ts_ms", m, cutoff);
            keptBefore[m] = raw.queryInt(("SELECT count(*) FROM readings WHERE metric = " + std::to_string(m) +
                                          " AND ts_ms >= " + std::to_string(cutoff))
                                             .c_str());
        }

        auto report = f.storage->enforceRetention(policy, kNow);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        for (const auto& t : report->topics) {
            QCOMPARE(t.cutoffMs, kNow - *retentionOf(policy, t.topic));
            QCOMPARE(static_cast<std::int64_t>(t.readings), expectedDeleted[t.topic]);
        }
        for (int m = 0; m < kMetricCount; ++m) {
            const auto topic = std::string(topicOf(static_cast<Metric>(m)));
            const std::int64_t cutoff = kNow - *retentionOf(policy, topic);
            QCOMPARE(countOlder(raw, "readings", "ts_ms", m, cutoff), std::int64_t{0});
            QCOMPARE(countOlder(raw, "events", "ts_ms", m, cutoff), std::int64_t{0});
            QCOMPARE(countOlder(raw, "window_aggregates", "window_start_ms", m, cutoff), std::int64_t{0});
            // The row exactly at the cutoff is not older than the limit: it stays, as does everything newer.
            QCOMPARE(minTime(raw, "readings", "ts_ms", m), cutoff);
            QCOMPARE(minTime(raw, "events", "ts_ms", m), cutoff);
            QCOMPARE(minTime(raw, "window_aggregates", "window_start_ms", m), cutoff);
            QCOMPARE(raw.queryInt(("SELECT count(*) FROM readings WHERE metric = " + std::to_string(m)).c_str()),
                     keptBefore[m]);
        }
        // Search stays in step with the deleted events (FTS triggers).
        QCOMPARE(raw.queryInt("SELECT count(*) FROM events_fts"), raw.queryInt("SELECT count(*) FROM events"));
        QCOMPARE(*f.reader->integrityCheck(), std::string("ok"));

        auto again = f.storage->enforceRetention(policy, kNow);
        QVERIFY(again.ok());
        QCOMPARE(again->total(), std::uint64_t{0});
    }

    void topicsThePolicyDoesNotNameAreKept() {
        Fixture f;
        QVERIFY(f.storage->write(everything()).ok());
        RawDb raw(f.path);
        const std::int64_t energyBefore =
            raw.queryInt(("SELECT count(*) FROM readings WHERE metric = " +
                          std::to_string(static_cast<int>(Metric::EnergyKwh)))
                             .c_str());
        const std::vector<TopicRetention> onlyTraffic = {{"traffic-events", 7 * kDay}};
        auto report = f.storage->enforceRetention(onlyTraffic, kNow);
        QVERIFY(report.ok());
        QCOMPARE(report->topics.size(), std::size_t{1});
        QVERIFY(report->topics[0].readings > 0);
        QCOMPARE(raw.queryInt(("SELECT count(*) FROM readings WHERE metric = " +
                               std::to_string(static_cast<int>(Metric::EnergyKwh)))
                                  .c_str()),
                 energyBefore);
        QVERIFY(!f.storage->enforceRetention({{"energy-data", -1}}, kNow).ok());
    }

    void statsShowSizeRowsAndOldestData() {
        Fixture f;
        QVERIFY(f.reader);
        WriteBatch batch;
        batch.readings = {reading(1, 5 * kDay, 1.0, Metric::Co2), reading(1, 9 * kDay, 2.0, Metric::Co2),
                          reading(2, 3 * kDay, 3.0, Metric::TrafficSpeed)};
        batch.alerts = {alertRecord(1, 7 * kDay, "Podil", "CO2 high")};
        QVERIFY(f.storage->write(batch).ok());
        auto stats = f.reader->stats();
        QVERIFY2(stats.ok(), stats.ok() ? "" : stats.error().message.c_str());
        QCOMPARE(stats->schemaVersion, kSchemaVersion);
        QVERIFY(stats->fileBytes > 0 && stats->fileBytes == stats->pageSize * stats->pageCount);
        QVERIFY(stats->walBytes > 0);  // committed batches sit in the WAL until a checkpoint
        auto table = [&](const char* name) {
            for (const auto& t : stats->tables) {
                if (t.table == name) {
                    return t;
                }
            }
            return TableStats{};
        };
        QCOMPARE(table("readings").rows, std::uint64_t{3});
        QCOMPARE(*table("readings").oldestMs, 3 * kDay);
        QCOMPARE(*table("readings").newestMs, 9 * kDay);
        QCOMPARE(table("alerts").rows, std::uint64_t{1});
        QCOMPARE(*table("alerts").oldestMs, 7 * kDay);
        QVERIFY(!table("events").oldestMs.has_value());
        QCOMPARE(table("schema_version").rows, std::uint64_t{kSchemaVersion});
        QCOMPARE(stats->topics.size(), std::size_t{2});
        QCOMPARE(stats->topics[0].topic, std::string("air-quality"));
        QCOMPARE(stats->topics[0].readings, std::uint64_t{2});
        QCOMPARE(*stats->topics[0].oldestMs, 5 * kDay);
        QCOMPARE(stats->topics[1].topic, std::string("traffic-events"));
        QCOMPARE(*stats->topics[1].oldestMs, 3 * kDay);

        QVERIFY(f.storage->enforceRetention(defaultRetention(), 12 * kDay).ok());  // traffic: 7 d
        auto after = f.reader->stats();
        QVERIFY(after.ok());
        QCOMPARE(after->topics.size(), std::size_t{1});
        QCOMPARE(after->topics[0].topic, std::string("air-quality"));
    }

    void writesInterleaveWithRetention() {
        Fixture f;
        QVERIFY(f.storage->write(everything()).ok());
        std::atomic<bool> done{false};
        std::atomic<int> failures{0};
        std::thread writer([&] {
            for (std::int64_t b = 0; !done.load(); ++b) {
                WriteBatch batch;
                batch.readings = {reading(100, kNow + b, 1.0)};
                if (!f.storage->write(batch).ok()) {
                    ++failures;
                }
            }
        });
        auto report = f.storage->enforceRetention(defaultRetention(), kNow);
        done = true;
        writer.join();
        QVERIFY(report.ok());
        QCOMPARE(failures.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestStorageRetention)
#include "test_storage_retention.moc"
