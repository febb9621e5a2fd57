#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <set>

#include "archive_test_support.h"
#include "cityops/engine/archive/retention_job.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

using namespace archive_test;

namespace {

constexpr std::int64_t kAll = std::numeric_limits<std::int64_t>::max();
//! Reference time: half past an hour, so each cutoff falls inside an hour.
constexpr std::int64_t kNow = kMarch5 + 400 * kDay + 30 * 60'000;

//! One reading every 23 hours over the past 45 days, plus one just before and one at each topic's cutoff.
std::vector<Reading> history(const std::vector<storage::TopicRetention>& policy) {
    std::vector<Reading> out;
    for (std::int64_t t = kNow - 45 * kDay; t < kNow; t += 23 * kHour) {
        out.push_back(reading(1, t, 1.0));
    }
    for (const auto& entry : policy) {
        const std::int64_t cutoff = kNow - entry.retentionMs;
        out.push_back(reading(2, cutoff - 1, 2.0));
        out.push_back(reading(2, cutoff, 2.0));
        out.push_back(reading(2, hourStart(cutoff) - 1, 2.0));  // the last instant of the hour before
    }
    return out;
}

}  // namespace

class TestArchiveRetention : public QObject {
    Q_OBJECT

private slots:
    void removesWholeHoursOlderThanEachTopicsLimit() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        const std::vector<storage::TopicRetention> policy = {
            {"traffic-events", 7 * kDay}, {"air-quality", 30 * kDay}, {"emergency-events", 365 * kDay}};
        const auto readings = history(policy);
        auto writer = ArchiveWriter::open(optionsFor(root));
        QVERIFY(writer.ok());
        for (const char* topic : {"traffic-events", "air-quality", "emergency-events", "energy-data"}) {
            QVERIFY((*writer)->append(recordsOf(topic, readings)).ok());
        }
        QVERIFY((*writer)->flush().ok());
        auto reader = ArchiveReader::open(root);
        QVERIFY(reader.ok());
        const auto before = *(*reader)->files("", std::numeric_limits<std::int64_t>::min(), kAll);

        auto report = (*writer)->enforceRetention(policy, kNow);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        QCOMPARE(report->topics.size(), policy.size());

        const auto after = *(*reader)->files("", std::numeric_limits<std::int64_t>::min(), kAll);
        std::set<std::string> kept;
        for (const auto& f : after) {
            kept.insert(f.path);
        }
        std::map<std::string, ColdRetentionCount> expected;
        for (const auto& f : before) {
            const auto limit = storage::retentionOf(policy, f.topic);
            const bool expired = limit && f.hourMs + kHour <= kNow - *limit;
            QVERIFY2(kept.count(f.path) == (expired ? 0u : 1u), f.path.c_str());
            QCOMPARE(std::filesystem::exists(root / f.path), !expired);
            if (expired) {
                auto& e = expected[f.topic];
                ++e.files;
                e.records += f.records;
                e.bytes += f.bytes;
                QVERIFY(!std::filesystem::exists((root / f.path).parent_path()));  // empty hour folder removed
            }
        }
        for (const auto& t : report->topics) {
            QCOMPARE(t.cutoffMs, kNow - *storage::retentionOf(policy, t.topic));
            QCOMPARE(t.files, expected[t.topic].files);
            QCOMPARE(t.records, expected[t.topic].records);
            QCOMPARE(t.bytes, expected[t.topic].bytes);
        }
        QVERIFY(expected["traffic-events"].files > 0 && expected["air-quality"].files > 0);
        // 365 d keeps all 45 days of history; only the probe hour just before its cutoff goes.
        QCOMPARE(expected["emergency-events"].files, std::uint64_t{1});
        // Per topic, the oldest surviving record is the probe 1 ms before the cutoff: the hour holding the
        // cutoff stays whole, the hour before it is gone.
        for (const auto& entry : policy) {
            auto stats = (*reader)->stats();
            for (const auto& s : *stats) {
                if (s.topic == entry.topic) {
                    QCOMPARE(s.oldestEventMs, kNow - entry.retentionMs - 1);
                }
            }
        }
        // energy-data is not in this policy: untouched.
        std::uint64_t energy = 0;
        for (const auto& f : before) {
            energy += f.topic == "energy-data" ? 1 : 0;
        }
        QCOMPARE((*reader)->files("energy-data", 0, kAll)->size(), static_cast<std::size_t>(energy));
        QVERIFY((*reader)->verify()->ok());

        auto again = (*writer)->enforceRetention(policy, kNow);
        QVERIFY(again.ok());
        for (const auto& t : again->topics) {
            QCOMPARE(t.files, std::uint64_t{0});
        }
    }

    void theBackgroundJobAppliesBothTiers() {
        QTemporaryDir dir;
        const auto base = std::filesystem::path(dir.path().toStdString());
        auto storage = storage::Storage::open(storage::StorageOptions{base / "city.db"});
        QVERIFY(storage.ok());
        auto writer = ArchiveWriter::open(optionsFor(base / "archive"));
        QVERIFY(writer.ok());
        const auto readings = history(storage::defaultRetention());
        storage::WriteBatch batch;
        for (Reading r : readings) {
            r.kind = SensorKind::Traffic;
            r.metric = Metric::TrafficSpeed;
            batch.readings.push_back(r);
        }
        QVERIFY((*storage)->write(batch).ok());
        QVERIFY((*writer)->append(recordsOf("traffic-events", readings)).ok());
        QVERIFY((*writer)->flush().ok());

        archive::RetentionJobOptions options;
        options.interval = std::chrono::milliseconds(20);
        options.clock = [] { return kNow; };
        archive::RetentionJob job(storage->get(), writer->get(), options);
        job.start();
        QTRY_VERIFY_WITH_TIMEOUT(job.runs() >= 2, 10'000);
        job.stop();
        // The first run did the work, later ones found nothing left; every run reported no error.
        const auto last = job.lastReport();
        QCOMPARE(last.nowMs, kNow);
        QVERIFY2(last.error.empty(), last.error.c_str());
        QCOMPARE(last.hot.total(), std::uint64_t{0});

        auto reader = storage::StorageReader::open(base / "city.db");
        QVERIFY(reader.ok());
        auto stats = (*reader)->stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->topics.size(), std::size_t{1});
        QCOMPARE(*stats->topics[0].oldestMs, kNow - 7 * kDay);  // the reading exactly at the cutoff stays
        auto cold = (*ArchiveReader::open(base / "archive"))->stats();
        QCOMPARE(cold->size(), std::size_t{1});
        QCOMPARE((*cold)[0].oldestEventMs, kNow - 7 * kDay - 1);  // whole hours: the cutoff's hour stays

        const auto manual = job.runOnce(kNow + kDay);  // a day later, one more day expires
        QVERIFY(manual.error.empty());
        QVERIFY(manual.hot.total() > 0);
        QVERIFY(!manual.cold.topics.empty());
    }
};

QTEST_GUILESS_MAIN(TestArchiveRetention)
#include "test_archive_retention.moc"
