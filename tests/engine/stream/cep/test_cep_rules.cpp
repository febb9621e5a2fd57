#include <QtTest>
#include <algorithm>
#include <random>
#include <tuple>

#include "../../pipeline_test_support.h"
#include "cityops/engine/stream/cep.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;
using cityops::engine::test::makeReading;

namespace {

constexpr TimeMs kMinute = 60'000;

//! Feeds readings keyed by sensor (as the first pipeline does), with a watermark of max − bound
//! after each reading, then end of input.
std::vector<Alert> runKeyedBySensor(KeyedOperator<Reading, Alert>& op, const std::vector<Reading>& input,
                                    TimeMs bound = 10'000) {
    VectorCollector<Alert> out;
    TimeMs maxSeen = kNoWatermark;
    for (const Reading& r : input) {
        op.processElement(r.sensorId, r, r.eventTimeMs, out);
        maxSeen = std::max(maxSeen, r.eventTimeMs);
        op.onWatermark(maxSeen - bound, out);  // ignored unless it advances
    }
    op.onWatermark(kEndOfTime, out);
    std::vector<Alert> alerts;
    for (const auto& item : out.items) {
        alerts.push_back(item.value);
    }
    return alerts;
}

void sortAlerts(std::vector<Alert>& alerts) {
    std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
        return std::tie(a.sensorId, a.firstEventMs, a.eventTimeMs) < std::tie(b.sensorId, b.firstEventMs, b.eventTimeMs);
    });
}

bool sameAlert(const Alert& a, const Alert& b) {
    return a.id == b.id && a.firstEventMs == b.firstEventMs && a.eventTimeMs == b.eventTimeMs && a.value == b.value &&
           a.sensorId == b.sensorId && a.locationId == b.locationId && a.rule == b.rule && a.severity == b.severity &&
           a.matchedCount == b.matchedCount;
}

Reading emergencyAt(std::uint32_t sensor, std::uint16_t location, TimeMs t, double severity) {
    Reading r = makeReading(sensor, Metric::EmergencySeverity, t, severity);
    r.locationId = location;
    return r;
}
Reading temperatureAt(std::uint32_t sensor, std::uint16_t location, TimeMs t, double celsius) {
    Reading r = makeReading(sensor, Metric::Temperature, t, celsius);
    r.locationId = location;
    return r;
}

std::vector<Alert> runEmergency(const std::vector<Reading>& input, Key key = 4) {
    auto op = makeEmergencyRuleOperator();
    VectorCollector<Alert> out;
    for (const Reading& r : input) {
        op->processElement(key, r, r.eventTimeMs, out);
    }
    op->onWatermark(kEndOfTime, out);
    std::vector<Alert> alerts;
    for (const auto& item : out.items) {
        alerts.push_back(item.value);
    }
    return alerts;
}

}  // namespace

//! The design's rules built on the CEP library.
class TestCepRules : public QObject {
    Q_OBJECT

private slots:
    void co2RuleBasics();
    void co2RuleEqualsPipelineCo2RuleOnRandomData();
    void co2RuleIgnoresOtherMetricsCheaply();
    void emergencyFollowedByAnomaly();
    void emergencyNeedsSameLocationAndWindow();
    void emergencyMatchCarriesBothReadings();
    void alertRuleNames();
};

void TestCepRules::co2RuleBasics() {
    auto op = makeCo2RuleOperator();
    std::vector<Reading> in = {makeReading(3, Metric::Co2, 0, 850.0, 1), makeReading(3, Metric::Co2, kMinute, 900.0, 2),
                               makeReading(3, Metric::Co2, 2 * kMinute, 1300.0, 3)};
    auto alerts = runKeyedBySensor(*op, in);
    QCOMPARE(alerts.size(), std::size_t{1});
    const Alert& a = alerts[0];
    QCOMPARE(a.firstEventMs, TimeMs{0});
    QCOMPARE(a.eventTimeMs, 2 * kMinute);
    QCOMPARE(a.value, 1300.0);
    QCOMPARE(a.matchedCount, std::uint8_t{3});
    QVERIFY(a.severity == Severity::Critical);
    QVERIFY(a.rule == AlertRule::Co2High);
    QCOMPARE(a.id, makeAlertId(AlertRule::Co2High, 3, 0));
    QCOMPARE(op->name(), std::string("cep(co2_high)"));
    // Exactly five minutes apart is not within.
    auto op2 = makeCo2RuleOperator();
    QVERIFY(runKeyedBySensor(*op2, {makeReading(1, Metric::Co2, 0, 900.0), makeReading(1, Metric::Co2, 2 * kMinute, 900.0),
                                    makeReading(1, Metric::Co2, 5 * kMinute, 900.0)})
                .empty());
}

void TestCepRules::co2RuleEqualsPipelineCo2RuleOnRandomData() {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        std::mt19937 rng(seed);
        std::vector<Reading> input;
        std::vector<std::uint64_t> seqs(12, 0);
        TimeMs t = 0;
        for (int i = 0; i < 6000; ++i) {
            t += static_cast<TimeMs>(rng() % 4000);  // repeats of the same time happen
            const auto sensor = static_cast<std::uint32_t>(rng() % 12);
            const bool co2 = rng() % 5 != 0;
            const double value = co2 ? 700.0 + static_cast<double>(rng() % 700) : 20.0;
            input.push_back(makeReading(sensor, co2 ? Metric::Co2 : Metric::Temperature, t, value, ++seqs[sensor]));
        }
        PipelineConfig config;
        config.workers = 2;
        auto expected = cityops::engine::test::runPipeline(config, input, 97).alerts;
        auto op = makeCo2RuleOperator();
        auto got = runKeyedBySensor(*op, input);
        sortAlerts(expected);
        sortAlerts(got);
        QVERIFY(expected.size() > 50);
        QCOMPARE(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            QVERIFY2(sameAlert(got[i], expected[i]), qPrintable(QStringLiteral("seed %1 alert %2").arg(seed).arg(i)));
        }
        QCOMPARE(op->counters().lateDropped, std::uint64_t{0});
    }
}

void TestCepRules::co2RuleIgnoresOtherMetricsCheaply() {
    auto op = makeCo2RuleOperator();
    std::vector<Reading> in;
    for (int i = 0; i < 500; ++i) {
        in.push_back(makeReading(static_cast<std::uint32_t>(i), Metric::Pm25, i, 5'000.0));
        in.push_back(makeReading(static_cast<std::uint32_t>(i), Metric::Co2, i, 400.0));
    }
    QVERIFY(runKeyedBySensor(*op, in).empty());
    QCOMPARE(op->prefiltered(), std::uint64_t{1000});
    QCOMPARE(op->partialMatchCount(), std::size_t{0});
    QCOMPARE(op->bufferedEvents(), std::size_t{0});
}

void TestCepRules::emergencyFollowedByAnomaly() {
    const auto alerts = runEmergency({emergencyAt(50, 4, 0, 4.0), temperatureAt(60, 4, 3 * kMinute, 30.0),
                                      temperatureAt(61, 4, 4 * kMinute, 52.0), temperatureAt(62, 4, 5 * kMinute, 60.0)});
    QCOMPARE(alerts.size(), std::size_t{1});  // SKIP_PAST_LAST_EVENT: one alert per emergency
    const Alert& a = alerts[0];
    QVERIFY(a.rule == AlertRule::EmergencyConfirmed);
    QVERIFY(a.severity == Severity::Critical);
    QCOMPARE(a.firstEventMs, TimeMs{0});
    QCOMPARE(a.eventTimeMs, 4 * kMinute);
    QCOMPARE(a.value, 52.0);
    QCOMPARE(a.sensorId, 50u);
    QCOMPARE(a.locationId, std::uint16_t{4});
    QCOMPARE(a.matchedCount, std::uint8_t{2});
    QCOMPARE(a.id, makeAlertId(AlertRule::EmergencyConfirmed, 4, 0));
    // A CO2 spike confirms too; severity below 3 does not start the rule.
    Reading co2 = makeReading(70, Metric::Co2, kMinute, 1500.0);
    co2.locationId = 4;
    QCOMPARE(runEmergency({emergencyAt(50, 4, 0, 3.0), co2}).size(), std::size_t{1});
    QVERIFY(runEmergency({emergencyAt(50, 4, 0, 2.0), co2}).empty());
}

void TestCepRules::emergencyNeedsSameLocationAndWindow() {
    QVERIFY(runEmergency({emergencyAt(50, 4, 0, 5.0), temperatureAt(60, 5, kMinute, 80.0)}).empty());
    QVERIFY(runEmergency({emergencyAt(50, 4, 0, 5.0), temperatureAt(60, 4, 10 * kMinute, 80.0)}).empty());
    QCOMPARE(runEmergency({emergencyAt(50, 4, 0, 5.0), temperatureAt(60, 4, 10 * kMinute - 1, 80.0)}).size(),
             std::size_t{1});
    // The anomaly before the emergency does not count (order in event time, not arrival).
    QVERIFY(runEmergency({temperatureAt(60, 4, kMinute, 80.0), emergencyAt(50, 4, 2 * kMinute, 5.0)}).empty());
    QCOMPARE(runEmergency({temperatureAt(60, 4, 3 * kMinute, 80.0), emergencyAt(50, 4, 2 * kMinute, 5.0)}).size(),
             std::size_t{1});
}

void TestCepRules::emergencyMatchCarriesBothReadings() {
    auto op = makeEmergencyRuleMatchOperator();
    VectorCollector<MatchedAlert> out;
    const Reading fire = emergencyAt(50, 9, 1'000, 5.0);
    const Reading hot = temperatureAt(61, 9, 2'000, 47.5);
    op->processElement(9, fire, fire.eventTimeMs, out);
    op->processElement(9, temperatureAt(60, 9, 1'500, 21.0), 1'500, out);
    op->processElement(9, hot, hot.eventTimeMs, out);
    op->onWatermark(kEndOfTime, out);
    QCOMPARE(out.items.size(), std::size_t{1});
    const MatchedAlert& m = out.items[0].value;
    QCOMPARE(out.items[0].eventTime, TimeMs{2'000});
    QCOMPARE(m.match.size(), std::size_t{2});
    QCOMPARE(m.match.first("emergency")->sensorId, 50u);
    QCOMPARE(m.match.first("anomaly")->sensorId, 61u);
    QCOMPARE(m.match.first("anomaly")->value, 47.5);
    QVERIFY(m.alert.severity == Severity::Critical);
    QCOMPARE(op->prefiltered(), std::uint64_t{1});
}

void TestCepRules::alertRuleNames() {
    QCOMPARE(toString(AlertRule::Co2High), std::string_view("co2_high"));
    QCOMPARE(toString(AlertRule::EmergencyConfirmed), std::string_view("emergency_confirmed"));
    QVERIFY(makeAlertId(AlertRule::EmergencyConfirmed, 1, 0) != makeAlertId(AlertRule::Co2High, 1, 0));
}

QTEST_GUILESS_MAIN(TestCepRules)
#include "test_cep_rules.moc"
