#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "cityops/simulation/scoring.h"
#include "sim_test_util.h"

using namespace cityops::simulation;
using namespace cityops::simulation::testutil;

namespace {

//! A scenario with a CO2 episode in Podilskyi (minute 10 to 30) and a fire (minute 40 to 60) at a
//! point in Obolonskyi, on a 200-sensor demo city.
struct Fixture {
    Scenario scenario = baseScenario(200);
    City city = generateDemoCity(42, 200);
    Fixture() {
        Incident co2 = incidentOf(IncidentKind::Co2Episode, 10 * kMinute, 20 * kMinute);
        co2.district = "Podilskyi";
        co2.expectedAlerts = {"co2_high"};
        scenario.incidents.push_back(co2);
        Incident fire = incidentOf(IncidentKind::Fire, 40 * kMinute, 20 * kMinute);
        fire.hasPoint = true;
        fire.lat = 50.51;
        fire.lon = 30.49;
        fire.radiusM = 500;
        fire.alarmRadiusM = 1'000;
        fire.expectedAlerts = {"co2_high", "emergency_confirmed", "smoke_seen"};  // the last: no engine rule
        scenario.incidents.push_back(fire);
    }
    int district(const char* name) const {
        for (std::size_t d = 0; d < city.districts.size(); ++d) {
            if (city.districts[d].name == name) {
                return static_cast<int>(d);
            }
        }
        return -1;
    }
    //! A sensor of the district, and one nearest to/farthest from a point.
    std::uint32_t sensorIn(int d) const {
        for (const Sensor& s : city.sensors) {
            if (s.districtId == d) {
                return s.id;
            }
        }
        return 0;
    }
    std::uint32_t nearest(GeoPoint p, bool farthest = false) const {
        std::uint32_t best = 0;
        double bestD = farthest ? -1.0 : 1e18;
        for (const Sensor& s : city.sensors) {
            const double d = metresBetween(p, s.position);
            if (farthest ? d > bestD : d < bestD) {
                bestD = d;
                best = s.id;
            }
        }
        return best;
    }
    RaisedAlert alert(std::uint64_t id, const char* rule, std::int64_t offsetMs, std::uint32_t sensor) const {
        RaisedAlert a;
        a.id = id;
        a.rule = rule;
        a.raisedMs = scenario.startTimeMs + offsetMs;
        a.firstEventMs = a.raisedMs - 60'000;
        a.sensorId = sensor;
        a.locationId = city.sensors[sensor].districtId;
        return a;
    }
};

}  // namespace

class TestScoring : public QObject {
    Q_OBJECT

private slots:
    void timesToRaiseAndAcknowledge();
    void missedAndFalseAlerts();
    void engineRulesAreScorable();
    void jsonRendering();
    void realScenarioRun();
};

void TestScoring::timesToRaiseAndAcknowledge() {
    const Fixture f;
    const std::uint32_t podil = f.sensorIn(f.district("Podilskyi"));
    const std::uint32_t atFire = f.nearest({50.51, 30.49});
    const std::vector<RaisedAlert> alerts{
        f.alert(1, "co2_high", 14 * kMinute, podil),
        f.alert(2, "co2_high", 16 * kMinute, podil),  // second alert of the same incident: matched, not false
        f.alert(3, "co2_high", 43 * kMinute, atFire),
        f.alert(4, "emergency_confirmed", 45 * kMinute, atFire),
    };
    const std::vector<Acknowledgement> acks{{2, f.scenario.startTimeMs + 20 * kMinute},
                                            {1, f.scenario.startTimeMs + 21 * kMinute},
                                            {4, f.scenario.startTimeMs + 46 * kMinute}};
    const RunScore score = scoreRun(f.city, f.scenario, alerts, acks);
    QCOMPARE(score.incidents.size(), std::size_t{2});
    const IncidentScore& co2 = score.incidents[0];
    QCOMPARE(co2.expected.size(), std::size_t{1});
    QVERIFY(co2.expected[0].raised);
    QCOMPARE(co2.expected[0].alertId, std::uint64_t{1});
    QCOMPARE(co2.expected[0].toRaisedMs, 4 * kMinute);
    QCOMPARE(*co2.expected[0].toAcknowledgedMs, 10 * kMinute);  // the earliest ack of any matching alert
    QCOMPARE(co2.matchedAlerts, 2u);
    const IncidentScore& fire = score.incidents[1];
    QCOMPARE(fire.expected[0].toRaisedMs, 3 * kMinute);
    QVERIFY(!fire.expected[0].toAcknowledgedMs.has_value());
    QCOMPARE(fire.expected[1].toRaisedMs, 5 * kMinute);
    QCOMPARE(*fire.expected[1].toAcknowledgedMs, 6 * kMinute);
    QVERIFY(!fire.expected[2].scorable);  // smoke_seen: no engine rule
    QCOMPARE(score.raised, 3u);
    QCOMPARE(score.missed, 0u);
    QCOMPARE(score.unscorable, 1u);
    QCOMPARE(score.acknowledged, 2u);
    QVERIFY(score.falseAlerts.empty());
}

void TestScoring::missedAndFalseAlerts() {
    const Fixture f;
    const std::uint32_t podil = f.sensorIn(f.district("Podilskyi"));
    const std::uint32_t far = f.nearest({50.51, 30.49}, true);
    const std::vector<RaisedAlert> alerts{
        f.alert(1, "co2_high", 5 * kMinute, podil),                 // before the episode: false
        f.alert(2, "co2_high", 45 * kMinute, far),                  // during the fire, far from it: false
        f.alert(3, "energy_anomaly", 20 * kMinute, podil),          // no incident expects it: false
        f.alert(4, "co2_high", 30 * kMinute + 9 * kMinute, podil),  // episode ended at 30, grace 10 min: ok
    };
    const RunScore score = scoreRun(f.city, f.scenario, alerts, {});
    QCOMPARE(score.falseAlerts.size(), std::size_t{3});
    QCOMPARE(score.falseAlerts[0].id, std::uint64_t{1});
    QCOMPARE(score.falseAlerts[1].id, std::uint64_t{3});
    QCOMPARE(score.falseAlerts[2].id, std::uint64_t{2});
    QVERIFY(score.incidents[0].expected[0].raised);
    QCOMPARE(score.incidents[0].expected[0].toRaisedMs, 29 * kMinute);
    QCOMPARE(score.incidents[1].missed, 2u);  // co2_high and emergency_confirmed at the fire
    QCOMPARE(score.missed, 2u);
    ScoringOptions strict;
    strict.graceMs = 0;
    QCOMPARE(scoreRun(f.city, f.scenario, alerts, {}, strict).falseAlerts.size(), std::size_t{4});
}

void TestScoring::engineRulesAreScorable() {
    QVERIFY(isEngineRule("co2_high"));
    QVERIFY(isEngineRule("emergency_confirmed"));
    QVERIFY(isEngineRule("energy_anomaly"));
    for (const char* rule : {"traffic_jam", "heat_stress", "energy_outage", "sensor_silent"}) {
        QVERIFY2(isEngineRule(rule), rule);
    }
    for (const char* rule : {"emergency_fire", "emergency_gas_leak", "emergency_accident", "sensor_stuck", "sensor_drift",
                             "duplicate_readings", "late_readings", "clock_skew", "data_flood", "retail_rush"}) {
        QVERIFY2(isEngineRule(rule), rule);
    }
    QVERIFY(!isEngineRule("smoke_seen"));
    // Every engine rule is a name scenarios may declare.
    const std::vector<std::string> known = knownAlertNames();
    for (const char* rule : {"co2_high", "emergency_confirmed", "energy_anomaly", "traffic_jam", "heat_stress",
                             "energy_outage", "sensor_silent"}) {
        QVERIFY(std::find(known.begin(), known.end(), rule) != known.end());
    }
}

void TestScoring::jsonRendering() {
    const Fixture f;
    const std::uint32_t podil = f.sensorIn(f.district("Podilskyi"));
    const RunScore score =
        scoreRun(f.city, f.scenario,
                 {f.alert(7, "co2_high", 12 * kMinute, podil), f.alert(8, "energy_anomaly", 12 * kMinute, podil)},
                 {{7, f.scenario.startTimeMs + 13 * kMinute}});
    const std::string json = toJson(score, f.city);
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    QVERIFY2(doc.isObject(), json.c_str());
    const QJsonObject root = doc.object();
    QCOMPARE(root["scenario"].toString(), QString("test"));
    QCOMPARE(root["raised"].toInt(), 1);
    QCOMPARE(root["missed"].toInt(), 2);
    QCOMPARE(root["unscorable"].toInt(), 1);
    const QJsonArray incidents = root["incidents"].toArray();
    QCOMPARE(incidents.size(), 2);
    const QJsonObject first = incidents[0].toObject()["expected"].toArray()[0].toObject();
    QCOMPARE(first["rule"].toString(), QString("co2_high"));
    QCOMPARE(first["to_raised_ms"].toInteger(), 2 * kMinute);
    QCOMPARE(first["to_acknowledged_ms"].toInteger(), 3 * kMinute);
    QVERIFY(incidents[1].toObject()["expected"].toArray()[0].toObject()["to_acknowledged_ms"].isNull());
    const QJsonArray falseAlerts = root["false_alerts"].toArray();
    QCOMPARE(falseAlerts.size(), 1);
    QCOMPARE(falseAlerts[0].toObject()["rule"].toString(), QString("energy_anomaly"));
    QCOMPARE(falseAlerts[0].toObject()["district"].toString(), QString("Podilskyi"));
}

//! A real run: the co2-episode scenario through the design's jobs, scored with acknowledgements.
void TestScoring::realScenarioRun() {
    const ScenarioResult loaded = loadScenario("co2-episode");
    QVERIFY(std::holds_alternative<Scenario>(loaded));
    const Scenario scenario = std::get<Scenario>(loaded);
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<RaisedAlert> alerts = runScenarioAlerts(city, scenario, 45 * kMinute);
    QVERIFY(!alerts.empty());
    for (const RaisedAlert& alert : alerts) {
        QCOMPARE(alert.rule, std::string("co2_high"));
        QCOMPARE(city.districts[alert.locationId].name, std::string("Podilskyi"));
    }
    // The operator acknowledges the first alert two minutes after it was raised.
    const std::vector<Acknowledgement> acks{{alerts.front().id, alerts.front().raisedMs + 2 * kMinute}};
    const RunScore score = scoreRun(city, scenario, alerts, acks);
    QCOMPARE(score.missed, 0u);
    QVERIFY(score.falseAlerts.empty());
    const ExpectedAlertScore& e = score.incidents[0].expected[0];
    QVERIFY(e.raised);
    QVERIFY(e.toRaisedMs > 0 && e.toRaisedMs < 20 * kMinute);  // the episode ramps up over 5 minutes
    QCOMPARE(*e.toAcknowledgedMs, e.toRaisedMs + 2 * kMinute);
}

QTEST_GUILESS_MAIN(TestScoring)
#include "test_scoring.moc"
