#include <QtTest>
#include <algorithm>
#include <random>
#include <vector>

#include "cityops/engine/stream_pipeline.h"
#include "pipeline_test_support.h"

using namespace cityops::engine;
using cityops::engine::test::makeReading;
using cityops::engine::test::runPipeline;
using cityops::engine::test::sortAlerts;

namespace {

constexpr std::int64_t kMinute = 60'000;

struct Point {
    std::int64_t t;
    double value;
};

std::vector<Reading> co2Series(std::uint32_t sensorId, const std::vector<Point>& points) {
    std::vector<Reading> out;
    std::uint64_t seq = 0;
    for (const Point& p : points) {
        out.push_back(makeReading(sensorId, Metric::Co2, p.t, p.value, ++seq));
    }
    return out;
}

std::vector<Alert> alertsFor(const std::vector<Reading>& input, int workers = 2, std::size_t batch = 1,
                             std::int64_t outOfOrdernessMs = 10'000) {
    PipelineConfig config;
    config.workers = workers;
    config.maxOutOfOrdernessMs = outOfOrdernessMs;
    auto result = runPipeline(config, input, batch);
    sortAlerts(result.alerts);
    return result.alerts;
}

}  // namespace

//! The design's CO2 rule: > 800 ppm three times within 5 minutes, Flink CEP semantics.
class TestCo2Rule : public QObject {
    Q_OBJECT

private slots:
    void threeWithinFiveMinutesRaiseOneAlert();
    void twoThenGapRaiseNothing();
    void spanOfExactlyFiveMinutesIsNotWithin();
    void thresholdIsStrict();
    void sixCloseReadingsRaiseTwoAlerts();
    void fourCloseReadingsRaiseOneAlert();
    void timedOutStartIsDroppedNotTheMatch();
    void lowReadingsInBetweenDoNotBreakTheMatch();
    void otherMetricsAreIgnored();
    void sensorsAreIndependentKeys();
    void idsAreDeterministic();
    void severityFollowsMaxValue();
    void shuffledWithinBoundGivesSameAlerts();
    void pendingReadingsEvaluatedOnFinish();
    void makeAlertIdMixesAllInputs();
};

void TestCo2Rule::threeWithinFiveMinutesRaiseOneAlert() {
    const auto alerts = alertsFor(co2Series(3, {{0, 850.0}, {kMinute, 900.0}, {2 * kMinute, 880.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    const Alert& a = alerts[0];
    QCOMPARE(a.sensorId, 3u);
    QCOMPARE(a.locationId, static_cast<std::uint16_t>(3));
    QCOMPARE(a.firstEventMs, std::int64_t{0});
    QCOMPARE(a.eventTimeMs, 2 * kMinute);
    QCOMPARE(a.value, 900.0);
    QCOMPARE(a.matchedCount, static_cast<std::uint8_t>(3));
    QVERIFY(a.rule == AlertRule::Co2High);
    QVERIFY(a.severity == Severity::Warning);
    QCOMPARE(a.id, makeAlertId(AlertRule::Co2High, 3, 0));
}

void TestCo2Rule::twoThenGapRaiseNothing() {
    QVERIFY(alertsFor(co2Series(1, {{0, 900.0}, {kMinute, 900.0}, {6 * kMinute, 900.0}})).empty());
    QVERIFY(alertsFor(co2Series(1, {{0, 900.0}, {kMinute, 900.0}})).empty());
}

void TestCo2Rule::spanOfExactlyFiveMinutesIsNotWithin() {
    QVERIFY(alertsFor(co2Series(1, {{0, 900.0}, {2 * kMinute, 900.0}, {5 * kMinute, 900.0}})).empty());
    const auto alerts = alertsFor(co2Series(1, {{0, 900.0}, {2 * kMinute, 900.0}, {5 * kMinute - 1, 900.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    QCOMPARE(alerts[0].eventTimeMs, 5 * kMinute - 1);
}

void TestCo2Rule::thresholdIsStrict() {
    QVERIFY(alertsFor(co2Series(1, {{0, 800.0}, {kMinute, 900.0}, {2 * kMinute, 900.0}})).empty());
    QCOMPARE(alertsFor(co2Series(1, {{0, 800.001}, {kMinute, 900.0}, {2 * kMinute, 900.0}})).size(), std::size_t{1});
}

void TestCo2Rule::sixCloseReadingsRaiseTwoAlerts() {
    std::vector<Point> points;
    for (int i = 0; i < 6; ++i) {
        points.push_back({i * 10'000, 900.0 + i});
    }
    const auto alerts = alertsFor(co2Series(2, points));
    QCOMPARE(alerts.size(), std::size_t{2});
    QCOMPARE(alerts[0].firstEventMs, std::int64_t{0});
    QCOMPARE(alerts[0].eventTimeMs, std::int64_t{20'000});
    QCOMPARE(alerts[0].value, 902.0);
    QCOMPARE(alerts[1].firstEventMs, std::int64_t{30'000});
    QCOMPARE(alerts[1].eventTimeMs, std::int64_t{50'000});
    QCOMPARE(alerts[1].value, 905.0);
    QVERIFY(alerts[0].id != alerts[1].id);
}

void TestCo2Rule::fourCloseReadingsRaiseOneAlert() {
    const auto alerts = alertsFor(co2Series(2, {{0, 900.0}, {1'000, 900.0}, {2'000, 900.0}, {3'000, 900.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    QCOMPARE(alerts[0].eventTimeMs, std::int64_t{2'000});
}

void TestCo2Rule::timedOutStartIsDroppedNotTheMatch() {
    // The first reading is too old for the third, but the 2nd, 3rd and 4th still match.
    const auto alerts =
        alertsFor(co2Series(5, {{0, 900.0}, {4 * kMinute, 910.0}, {6 * kMinute, 920.0}, {7 * kMinute, 930.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    QCOMPARE(alerts[0].firstEventMs, 4 * kMinute);
    QCOMPARE(alerts[0].eventTimeMs, 7 * kMinute);
    QCOMPARE(alerts[0].value, 930.0);
}

void TestCo2Rule::lowReadingsInBetweenDoNotBreakTheMatch() {
    const auto alerts = alertsFor(co2Series(
        4, {{0, 900.0}, {10'000, 500.0}, {20'000, 950.0}, {30'000, 700.0}, {40'000, 800.0}, {50'000, 901.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    QCOMPARE(alerts[0].firstEventMs, std::int64_t{0});
    QCOMPARE(alerts[0].eventTimeMs, std::int64_t{50'000});
    QCOMPARE(alerts[0].value, 950.0);
}

void TestCo2Rule::otherMetricsAreIgnored() {
    std::vector<Reading> input;
    for (int i = 0; i < 5; ++i) {
        input.push_back(makeReading(1, Metric::Pm25, i * 1'000, 5'000.0));
        input.push_back(makeReading(2, Metric::NoiseDb, i * 1'000, 5'000.0));
    }
    QVERIFY(alertsFor(input).empty());
}

void TestCo2Rule::sensorsAreIndependentKeys() {
    std::vector<Reading> input;
    for (std::uint32_t sensor = 0; sensor < 3; ++sensor) {
        for (int i = 0; i < 2; ++i) {
            input.push_back(makeReading(sensor, Metric::Co2, i * 1'000, 900.0));
        }
    }
    QVERIFY(alertsFor(input).empty());
    input.push_back(makeReading(1, Metric::Co2, 5'000, 900.0));
    const auto alerts = alertsFor(input);
    QCOMPARE(alerts.size(), std::size_t{1});
    QCOMPARE(alerts[0].sensorId, 1u);
}

void TestCo2Rule::idsAreDeterministic() {
    std::vector<Reading> input;
    for (int i = 0; i < 9; ++i) {
        for (std::uint32_t sensor = 0; sensor < 8; ++sensor) {
            input.push_back(makeReading(sensor, Metric::Co2, i * 20'000 + sensor, 850.0 + sensor, i));
        }
    }
    const auto first = alertsFor(input, 1, 1);
    const auto second = alertsFor(input, 3, 7);
    QCOMPARE(first.size(), std::size_t{24});
    QCOMPARE(second.size(), first.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        QCOMPARE(second[i].id, first[i].id);
        QCOMPARE(first[i].id, makeAlertId(AlertRule::Co2High, first[i].sensorId, first[i].firstEventMs));
        QVERIFY(first[i].id != 0);
    }
    std::vector<std::uint64_t> ids;
    for (const Alert& a : first) {
        ids.push_back(a.id);
    }
    std::sort(ids.begin(), ids.end());
    QVERIFY(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
}

void TestCo2Rule::severityFollowsMaxValue() {
    auto alerts = alertsFor(co2Series(1, {{0, 900.0}, {1'000, 1'200.0}, {2'000, 900.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    QVERIFY(alerts[0].severity == Severity::Critical);
    QCOMPARE(alerts[0].value, 1'200.0);
    alerts = alertsFor(co2Series(1, {{0, 900.0}, {1'000, 1'199.5}, {2'000, 900.0}}));
    QCOMPARE(alerts.size(), std::size_t{1});
    QVERIFY(alerts[0].severity == Severity::Warning);
}

void TestCo2Rule::shuffledWithinBoundGivesSameAlerts() {
    std::vector<Point> points;
    for (int i = 0; i < 40; ++i) {
        points.push_back({i * 15'000, (i % 5 == 2) ? 700.0 : 820.0 + i});
    }
    const auto ordered = co2Series(6, points);
    // Groups of four span 45 s, inside the 60 s bound used below.
    auto reversed = ordered;
    for (std::size_t i = 0; i + 4 <= reversed.size(); i += 4) {
        std::reverse(reversed.begin() + static_cast<std::ptrdiff_t>(i),
                     reversed.begin() + static_cast<std::ptrdiff_t>(i + 4));
    }
    std::mt19937 rng(7);
    auto shuffledBatch = ordered;
    std::shuffle(shuffledBatch.begin(), shuffledBatch.end(), rng);

    const auto expected = alertsFor(ordered);
    QVERIFY(!expected.empty());
    const auto fromReversed = alertsFor(reversed, 2, 1, 60'000);
    PipelineConfig config;
    config.workers = 2;
    // One batch: the watermark only moves after the whole batch, so any order inside it is in bound.
    auto fromOneBatch = runPipeline(config, shuffledBatch, shuffledBatch.size()).alerts;
    sortAlerts(fromOneBatch);
    QCOMPARE(fromReversed.size(), expected.size());
    QCOMPARE(fromOneBatch.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QVERIFY(cityops::engine::test::sameAlert(fromReversed[i], expected[i]));
        QVERIFY(cityops::engine::test::sameAlert(fromOneBatch[i], expected[i]));
    }
}

void TestCo2Rule::pendingReadingsEvaluatedOnFinish() {
    PipelineConfig config;
    config.workers = 1;
    StreamPipeline pipeline(config);
    const auto input = co2Series(9, {{0, 900.0}, {1'000, 900.0}, {2'000, 900.0}});
    pipeline.push(input);
    pipeline.sync();
    std::vector<Alert> alerts;
    pipeline.drainAlerts(alerts);
    QVERIFY(alerts.empty());
    QCOMPARE(pipeline.metrics().alerts, std::uint64_t{0});
    pipeline.finish();
    pipeline.drainAlerts(alerts);
    QCOMPARE(alerts.size(), std::size_t{1});
    QCOMPARE(pipeline.metrics().alerts, std::uint64_t{1});
    alerts.clear();
    pipeline.drainAlerts(alerts);
    QVERIFY(alerts.empty());
}

void TestCo2Rule::makeAlertIdMixesAllInputs() {
    const std::uint64_t base = makeAlertId(AlertRule::Co2High, 1, 1'000);
    QCOMPARE(makeAlertId(AlertRule::Co2High, 1, 1'000), base);
    QVERIFY(makeAlertId(AlertRule::Co2High, 2, 1'000) != base);
    QVERIFY(makeAlertId(AlertRule::Co2High, 1, 1'001) != base);
    QVERIFY(makeAlertId(AlertRule::Co2High, 0, 0) != 0);
    QCOMPARE(toString(AlertRule::Co2High), std::string_view("co2_high"));
    QCOMPARE(toString(Severity::Critical), std::string_view("critical"));
}

QTEST_GUILESS_MAIN(TestCo2Rule)
#include "test_co2_rule.moc"
