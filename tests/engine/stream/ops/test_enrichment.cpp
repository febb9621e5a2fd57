#include <QtTest>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "cityops/engine/stream/enrichment.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

constexpr TimeMs kHour = 3'600'000;
constexpr TimeMs kMinute = 60'000;
// 2026-11-23 is a Monday; 00:00 Kyiv (UTC+2) is 22:00 UTC the day before.
constexpr TimeMs kMondayLocalMidnight = 1'795'392'000'000 - 2 * kHour;

storage::SensorInfo sensor(std::uint32_t id, std::uint16_t district, double lat = 50.45, double lon = 30.52) {
    storage::SensorInfo info;
    info.sensorId = id;
    info.locationId = district;
    info.kind = SensorKind::AirQuality;
    info.lat = lat;
    info.lon = lon;
    info.name = "sensor-" + std::to_string(id);
    return info;
}

Reading reading(std::uint32_t sensorId, TimeMs t, double value = 1.0) {
    Reading r;
    r.sensorId = sensorId;
    r.eventTimeMs = t;
    r.value = value;
    r.kind = SensorKind::AirQuality;
    r.metric = Metric::Co2;
    return r;
}

TimeOfDay classify(TimeMs localFromMondayMidnight, const TimeOfDayConfig& config = {}) {
    return classifyTimeOfDay(kMondayLocalMidnight + localFromMondayMidnight, config);
}

QString name(TimeOfDay t) {
    const auto text = toString(t);
    return QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace

//! Enrichment: broadcast registry and weather, time-of-day classes, unknown-sensor side output.
class TestEnrichment : public QObject {
    Q_OBJECT

private slots:
    void enrichesFromRegistryAndWeather();
    void unknownSensorsGoToSideOutput();
    void registrySwapMidStream();
    void concurrentPublishIsSafe();
    void weatherKeepsNewestPerDistrict();
    void timeOfDayBoundaries();
    void timeOfDayBoundaries_data();
    void weekendsAndOffsets();
    void registryLookup();
};

void TestEnrichment::enrichesFromRegistryAndWeather() {
    auto registry = std::make_shared<Broadcast<SensorRegistry>>(
        std::make_shared<const SensorRegistry>(std::vector{sensor(1, 4, 50.46, 30.51), sensor(2, 7)}));
    WeatherBoard weather;
    const WeatherUpdate update{4, -3.5, WeatherCondition::Snow, 1000};
    weather.apply(std::span(&update, 1));
    VectorCollector<Reading> unknown;
    EnrichOperator op(EnrichmentSources{registry, weather.broadcast(), {}}, unknown);
    VectorCollector<EnrichedReading> out;
    const TimeMs t = kMondayLocalMidnight + 8 * kHour;  // Monday 08:00 local
    op.processElement(1, reading(1, t, 812.0), t, out);
    op.processElement(2, reading(2, t), t, out);
    QCOMPARE(out.items.size(), std::size_t{2});
    const EnrichedReading& e = out.items[0].value;
    QCOMPARE(e.reading.value, 812.0);
    QCOMPARE(e.reading.locationId, std::uint16_t{4});
    QCOMPARE(e.districtId, std::uint16_t{4});
    QCOMPARE(e.lat, 50.46);
    QCOMPARE(e.lon, 30.51);
    QCOMPARE(e.temperatureC, -3.5);
    QCOMPARE(int(e.weather), int(WeatherCondition::Snow));
    QCOMPARE(name(e.timeOfDay), QStringLiteral("morning_rush"));
    QCOMPARE(out.items[0].key, Key{1});
    QCOMPARE(out.items[0].eventTime, t);
    // District 7 has no weather yet.
    QVERIFY(std::isnan(out.items[1].value.temperatureC));
    QCOMPARE(int(out.items[1].value.weather), int(WeatherCondition::Unknown));
    QCOMPARE(op.counters().recordsIn, 2u);
    QCOMPARE(op.counters().recordsOut, 2u);
    static_assert(std::is_trivially_copyable_v<EnrichedReading>);
}

void TestEnrichment::unknownSensorsGoToSideOutput() {
    auto registry = std::make_shared<Broadcast<SensorRegistry>>(
        std::make_shared<const SensorRegistry>(std::vector{sensor(1, 4)}));
    VectorCollector<Reading> unknown;
    EnrichOperator op(EnrichmentSources{registry, nullptr, {}}, unknown);
    VectorCollector<EnrichedReading> out;
    op.processElement(1, reading(1, 10), 10, out);
    op.processElement(9, reading(9, 20, 42.0), 20, out);
    op.processElement(4000000000u, reading(4000000000u, 30), 30, out);
    QCOMPARE(out.items.size(), std::size_t{1});
    QVERIFY(std::isnan(out.items[0].value.temperatureC));  // no weather source
    QCOMPARE(unknown.items.size(), std::size_t{2});
    QCOMPARE(unknown.items[0].value.sensorId, 9u);
    QCOMPARE(unknown.items[0].value.value, 42.0);
    QCOMPARE(unknown.items[0].key, Key{9});
    QCOMPARE(unknown.items[0].eventTime, TimeMs{20});
    QCOMPARE(op.unknownSensors(), 2u);
    QCOMPARE(op.counters().recordsIn, 3u);
    QCOMPARE(op.counters().recordsOut, 1u);
    // No registry at all: everything is unknown, nothing is lost.
    VectorCollector<Reading> unknown2;
    EnrichOperator empty(EnrichmentSources{}, unknown2);
    empty.processElement(1, reading(1, 10), 10, out);
    QCOMPARE(unknown2.items.size(), std::size_t{1});
}

void TestEnrichment::registrySwapMidStream() {
    auto registry = std::make_shared<Broadcast<SensorRegistry>>(
        std::make_shared<const SensorRegistry>(std::vector{sensor(1, 4)}));
    VectorCollector<Reading> unknown;
    EnrichOperator op(EnrichmentSources{registry, nullptr, {}}, unknown);
    VectorCollector<EnrichedReading> out;
    op.processElement(1, reading(1, 10), 10, out);
    op.processElement(2, reading(2, 10), 10, out);  // not registered yet

    // Sensor 1 moves to district 5 and sensor 2 is registered. The operator keeps its batch's
    // snapshot until it refreshes (per batch), then sees the new one.
    registry->publish(std::make_shared<const SensorRegistry>(std::vector{sensor(1, 5), sensor(2, 6)}));
    op.processElement(1, reading(1, 20), 20, out);
    QCOMPARE(out.items.back().value.districtId, std::uint16_t{4});
    op.refresh();
    op.processElement(1, reading(1, 30), 30, out);
    op.processElement(2, reading(2, 30), 30, out);
    QCOMPARE(out.items[out.items.size() - 2].value.districtId, std::uint16_t{5});
    QCOMPARE(out.items.back().value.districtId, std::uint16_t{6});
    QCOMPARE(unknown.items.size(), std::size_t{1});

    // A watermark also refreshes; so does a long batch after kRefreshEvery events.
    registry->publish(std::make_shared<const SensorRegistry>(std::vector{sensor(1, 8)}));
    op.onWatermark(25, out);
    op.processElement(1, reading(1, 40), 40, out);
    QCOMPARE(out.items.back().value.districtId, std::uint16_t{8});
    registry->publish(std::make_shared<const SensorRegistry>(std::vector{sensor(1, 9)}));
    for (std::uint32_t i = 0; i < EnrichOperator::kRefreshEvery; ++i) {
        op.processElement(1, reading(1, 50), 50, out);
    }
    QCOMPARE(out.items.back().value.districtId, std::uint16_t{9});
}

void TestEnrichment::concurrentPublishIsSafe() {
    // One updater publishes while two workers enrich; each worker sees whole snapshots only.
    auto registry = std::make_shared<Broadcast<SensorRegistry>>(
        std::make_shared<const SensorRegistry>(std::vector{sensor(1, 0), sensor(2, 0)}));
    std::atomic<bool> stop{false};
    std::thread updater([&] {
        for (std::uint16_t v = 1; v < 300; ++v) {
            registry->publish(std::make_shared<const SensorRegistry>(std::vector{sensor(1, v), sensor(2, v)}));
        }
        stop = true;
    });
    std::vector<std::thread> workers;
    std::atomic<int> torn{0};
    for (int w = 0; w < 2; ++w) {
        workers.emplace_back([&] {
            VectorCollector<Reading> unknown;
            EnrichOperator op(EnrichmentSources{registry, nullptr, {}}, unknown);
            VectorCollector<EnrichedReading> out;
            std::uint16_t last = 0;
            while (!stop.load()) {
                out.items.clear();
                op.refresh();  // once per batch
                op.processElement(1, reading(1, 0), 0, out);
                op.processElement(2, reading(2, 0), 0, out);
                // Within a batch both sensors come from one snapshot, and versions never go back.
                if (out.items[0].value.districtId != out.items[1].value.districtId ||
                    out.items[0].value.districtId < last) {
                    ++torn;
                }
                last = out.items[0].value.districtId;
            }
        });
    }
    updater.join();
    for (auto& worker : workers) {
        worker.join();
    }
    QCOMPARE(torn.load(), 0);
    QCOMPARE(registry->load()->find(1)->locationId, std::uint16_t{299});
}

void TestEnrichment::weatherKeepsNewestPerDistrict() {
    WeatherBoard board;
    const std::vector<WeatherUpdate> first{{2, 10.0, WeatherCondition::Rain, 2000}, {0, 5.0, WeatherCondition::Fog, 1000}};
    board.apply(first);
    const auto before = board.broadcast()->load();
    const std::vector<WeatherUpdate> second{{2, 99.0, WeatherCondition::Storm, 1500},  // older: ignored
                                            {0, 6.0, WeatherCondition::Clear, 3000}};
    board.apply(second);
    const auto after = board.broadcast()->load();
    QCOMPARE(after->of(2).temperatureC, 10.0);
    QCOMPARE(int(after->of(2).condition), int(WeatherCondition::Rain));
    QCOMPARE(after->of(0).temperatureC, 6.0);
    QCOMPARE(int(after->of(0).condition), int(WeatherCondition::Clear));
    QVERIFY(std::isnan(after->of(1).temperatureC));
    QVERIFY(std::isnan(after->of(60000).temperatureC));
    // The earlier snapshot is immutable: holders of it are unaffected.
    QCOMPARE(before->of(0).temperatureC, 5.0);
    QCOMPARE(board.broadcast()->version(), 2u);
    QCOMPARE(QString::fromLatin1(toString(WeatherCondition::Snow).data()), QStringLiteral("snow"));
}

void TestEnrichment::timeOfDayBoundaries_data() {
    QTest::addColumn<qint64>("localMs");  // from Monday 00:00 local
    QTest::addColumn<QString>("expected");
    const auto at = [](int day, int hour, int minute, TimeMs extraMs = 0) {
        return static_cast<qint64>(day * 24 * kHour + hour * kHour + minute * kMinute + extraMs);
    };
    QTest::newRow("Mon 00:00") << at(0, 0, 0) << "night";
    QTest::newRow("Mon 05:59:59.999") << at(0, 5, 59, 59'999) << "night";
    QTest::newRow("Mon 06:00") << at(0, 6, 0) << "day";
    QTest::newRow("Mon 06:59") << at(0, 6, 59) << "day";
    QTest::newRow("Mon 07:00") << at(0, 7, 0) << "morning_rush";
    QTest::newRow("Mon 09:59:59.999") << at(0, 9, 59, 59'999) << "morning_rush";
    QTest::newRow("Mon 10:00") << at(0, 10, 0) << "day";
    QTest::newRow("Mon 16:59") << at(0, 16, 59) << "day";
    QTest::newRow("Mon 17:00") << at(0, 17, 0) << "evening_rush";
    QTest::newRow("Mon 19:59") << at(0, 19, 59) << "evening_rush";
    QTest::newRow("Mon 20:00") << at(0, 20, 0) << "day";
    QTest::newRow("Mon 21:59") << at(0, 21, 59) << "day";
    QTest::newRow("Mon 22:00") << at(0, 22, 0) << "night";
    QTest::newRow("Fri 08:00") << at(4, 8, 0) << "morning_rush";
    QTest::newRow("Fri 23:59") << at(4, 23, 59) << "night";
    QTest::newRow("Sat 00:00") << at(5, 0, 0) << "night";
    QTest::newRow("Sat 06:00") << at(5, 6, 0) << "weekend";
    QTest::newRow("Sat 08:00") << at(5, 8, 0) << "weekend";
    QTest::newRow("Sun 18:00") << at(6, 18, 0) << "weekend";
    QTest::newRow("Sun 21:59") << at(6, 21, 59) << "weekend";
    QTest::newRow("Sun 22:00") << at(6, 22, 0) << "night";
    QTest::newRow("next Mon 07:30") << at(7, 7, 30) << "morning_rush";
    QTest::newRow("previous Sun 12:00") << at(-1, 12, 0) << "weekend";
    QTest::newRow("previous Fri 17:30") << at(-3, 17, 30) << "evening_rush";
}

void TestEnrichment::timeOfDayBoundaries() {
    QFETCH(qint64, localMs);
    QFETCH(QString, expected);
    QCOMPARE(name(classify(localMs)), expected);
}

void TestEnrichment::weekendsAndOffsets() {
    // The UTC offset decides the local day: Monday 01:00 Kyiv is Sunday 23:00 UTC.
    const TimeMs mondayOneKyiv = kMondayLocalMidnight + kHour;
    QCOMPARE(name(classifyTimeOfDay(mondayOneKyiv, {})), QStringLiteral("night"));
    TimeOfDayConfig utc;
    utc.utcOffsetMinutes = 0;
    QCOMPARE(name(classifyTimeOfDay(mondayOneKyiv - 12 * kHour, utc)), QStringLiteral("weekend"));  // Sun 11:00 UTC
    // Monday 09:30 Kyiv is 07:30 UTC: morning rush in both.
    QCOMPARE(name(classifyTimeOfDay(kMondayLocalMidnight + 9 * kHour + 30 * kMinute, {})), QStringLiteral("morning_rush"));
    QCOMPARE(name(classifyTimeOfDay(kMondayLocalMidnight + 9 * kHour + 30 * kMinute, utc)), QStringLiteral("morning_rush"));
    // Monday 10:30 Kyiv: day in Kyiv, still morning rush at UTC+0 (08:30).
    QCOMPARE(name(classifyTimeOfDay(kMondayLocalMidnight + 10 * kHour + 30 * kMinute, {})), QStringLiteral("day"));
    QCOMPARE(name(classifyTimeOfDay(kMondayLocalMidnight + 10 * kHour + 30 * kMinute, utc)), QStringLiteral("morning_rush"));
    // Negative times and the ends of the range do not crash and follow the same calendar.
    QCOMPARE(name(classifyTimeOfDay(0, utc)), QStringLiteral("night"));  // Thu 1970-01-01 00:00
    QCOMPARE(name(classifyTimeOfDay(-kHour * 24 * 5 + 12 * kHour, utc)), QStringLiteral("weekend"));  // Sat 1969-12-27
    (void)classifyTimeOfDay(std::numeric_limits<TimeMs>::max(), {});
    (void)classifyTimeOfDay(std::numeric_limits<TimeMs>::min(), {});
    QCOMPARE(kTimeOfDayCount, 5);
}

void TestEnrichment::registryLookup() {
    // Dense ids are indexed directly, sparse ones binary-searched; later duplicates win.
    std::vector<storage::SensorInfo> sensors;
    for (std::uint32_t id = 0; id < 1000; id += 2) {
        sensors.push_back(sensor(id, static_cast<std::uint16_t>(id % 50)));
    }
    sensors.push_back(sensor(3'000'000'000u, 9));
    sensors.push_back(sensor(10, 42));
    const SensorRegistry registry(std::move(sensors));
    QCOMPARE(registry.size(), std::size_t{501});
    QCOMPARE(registry.find(10)->locationId, std::uint16_t{42});
    QCOMPARE(registry.find(998)->locationId, std::uint16_t{998 % 50});
    QVERIFY(registry.find(11) == nullptr);
    QVERIFY(registry.find(1000) == nullptr);
    QCOMPARE(registry.find(3'000'000'000u)->locationId, std::uint16_t{9});
    QVERIFY(registry.find(3'000'000'001u) == nullptr);
    QCOMPARE(QString::fromStdString(registry.find(4)->name), QStringLiteral("sensor-4"));
}

QTEST_GUILESS_MAIN(TestEnrichment)
#include "test_enrichment.moc"
