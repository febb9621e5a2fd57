#include <QtTest>
#include <cstring>
#include <set>
#include <string>

#include "cityops/engine/log/crc32c.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/log/topic_spec.h"

using namespace cityops::engine;
using namespace cityops::engine::log;

//! Pure pieces of the event log: checksum, partitioning, topic defaults, the Reading payload.
class TestLogFormat : public QObject {
    Q_OBJECT

private slots:
    void crc32cKnownVectors();
    void crc32cIncrementalEqualsWhole();
    void partitionForKeyIsStableAndInRange();
    void defaultTopicsMatchTheDesign();
    void readingPayloadRoundTrips();
};

void TestLogFormat::crc32cKnownVectors() {
    const std::string check = "123456789";
    QCOMPARE(crc32c(check.data(), check.size()), 0xE3069283u);
    QCOMPARE(crc32c(nullptr, 0), 0u);
    const std::string zeros(32, '\0');
    QCOMPARE(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);  // RFC 3720 B.4
    std::string ones(32, '\xff');
    QCOMPARE(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
}

void TestLogFormat::crc32cIncrementalEqualsWhole() {
    std::string data;
    for (int i = 0; i < 1000; ++i) {
        data.push_back(static_cast<char>(i * 7 + 3));
    }
    const std::uint32_t whole = crc32c(data.data(), data.size());
    for (std::size_t split : {0u, 1u, 7u, 8u, 13u, 500u, 999u, 1000u}) {
        const std::uint32_t first = crc32c(data.data(), split);
        QCOMPARE(crc32c(data.data() + split, data.size() - split, first), whole);
    }
}

void TestLogFormat::partitionForKeyIsStableAndInRange() {
    // Pinned values: a change here would move sensors to other partitions of existing logs.
    QCOMPARE(partitionForKey(0, 12), 7);
    QCOMPARE(partitionForKey(1, 12), 5);
    QCOMPARE(partitionForKey(42, 12), 1);
    QCOMPARE(partitionForKey(123456, 6), 5);
    std::set<int> used;
    for (std::uint64_t key = 0; key < 1000; ++key) {
        const int p = partitionForKey(key, 12);
        QVERIFY(p >= 0 && p < 12);
        used.insert(p);
        QCOMPARE(partitionForKey(key, 1), 0);
    }
    QCOMPARE(used.size(), std::size_t{12});
}

void TestLogFormat::defaultTopicsMatchTheDesign() {
    const auto topics = defaultTopics();
    struct Expected {
        const char* name;
        int partitions;
        std::int64_t days;
    };
    const Expected expected[] = {{"traffic-events", 12, 7}, {"air-quality", 6, 30},       {"temperature-data", 4, 60},
                                 {"parking-events", 6, 14}, {"emergency-events", 3, 365}, {"energy-data", 8, 90},
                                 {"receipts", 4, 30}};
    QCOMPARE(topics.size(), std::size(expected));
    for (std::size_t i = 0; i < topics.size(); ++i) {
        QCOMPARE(topics[i].name, std::string(expected[i].name));
        QCOMPARE(topics[i].partitions, expected[i].partitions);
        QCOMPARE(topics[i].retentionMs, expected[i].days * kDayMs);
    }
}

void TestLogFormat::readingPayloadRoundTrips() {
    Reading r;
    r.sensorId = 77;
    r.eventTimeMs = 1'700'000'000'000;
    r.seq = 9;
    r.value = 812.5;
    r.kind = SensorKind::AirQuality;
    r.metric = Metric::Co2;
    const RecordInput input = readingRecord(r);
    QCOMPARE(input.key, std::uint64_t{77});
    QCOMPARE(input.timestampMs, r.eventTimeMs);
    RecordView view{5, input.timestampMs, input.key, input.flags, input.payload};
    const auto back = readingOf(view);
    QVERIFY(back.has_value());
    QVERIFY(std::memcmp(&*back, &r, sizeof r) == 0);
    view.flags = 0;
    QVERIFY(!readingOf(view).has_value());
    view.flags = kReadingPayload;
    view.payload = view.payload.first(3);
    QVERIFY(!readingOf(view).has_value());
}

QTEST_GUILESS_MAIN(TestLogFormat)
#include "test_log_format.moc"
