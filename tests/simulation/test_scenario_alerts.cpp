#include <QtTest>
#include <map>
#include <set>

#include "cityops/simulation/scoring.h"
#include "sim_test_util.h"

using namespace cityops::simulation;
using namespace cityops::simulation::testutil;

namespace {

//! Longest simulated span a shipped scenario is run for here, to keep Debug+ASan within the test
//! budget: it covers every incident start of the shipped scenarios; quiet-day (24 h) and
//! heat-wave-substation (6 h) are cut short. Incidents starting later are skipped.
constexpr std::int64_t kMaxRunMs = 4 * kHour;

Scenario builtin(const std::string& name) {
    const ScenarioResult result = loadScenario(name);
    if (const auto* error = std::get_if<ScenarioError>(&result)) {
        qWarning("%s (line %d): %s", name.c_str(), error->line, error->message.c_str());
        return {};
    }
    return std::get<Scenario>(result);
}

//! The run length: the scenario's own, capped (CITYOPS_SCENARIO_FULL=1 runs it whole, e.g. the
//! 24 h quiet-day with both rush hours, for a manual check in Release).
std::int64_t runLength(const Scenario& scenario) {
    if (qEnvironmentVariableIsSet("CITYOPS_SCENARIO_FULL")) {
        return scenario.defaultDurationMs;
    }
    return std::min(kMaxRunMs, scenario.defaultDurationMs);
}

}  // namespace

//! Each shipped scenario through the design's four jobs and the rules (buildCityJobs, and the
//! receipts stream for retail incidents, in-process): every declared alert is an engine rule and is
//! raised near the incident after its start, and no alert is raised that no incident declares.
class TestScenarioAlerts : public QObject {
    Q_OBJECT

private slots:
    void declaredAlertsAreRaised_data();
    void declaredAlertsAreRaised();
    void engineRulesAreDeclared();
    void declaredKindsAreScorable();
};

void TestScenarioAlerts::declaredAlertsAreRaised_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& name : builtinScenarioNames()) {
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
}

void TestScenarioAlerts::declaredAlertsAreRaised() {
    QFETCH(QString, name);
    const Scenario scenario = builtin(name.toStdString());
    QVERIFY(!scenario.name.empty());
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::int64_t length = runLength(scenario);
    const std::vector<RaisedAlert> alerts = runScenarioAlerts(city, scenario, length);
    const RunScore score = scoreRun(city, scenario, alerts, {});
    const std::string json = toJson(score, city);
    for (const IncidentScore& incident : score.incidents) {
        if (incident.startMs >= scenario.startTimeMs + length) {
            continue;  // beyond the capped run
        }
        for (const ExpectedAlertScore& expected : incident.expected) {
            QVERIFY2(expected.scorable, expected.rule.c_str());  // every declared kind has an engine rule
            const std::string what = "incidents[" + std::to_string(incident.index) + "] " + expected.rule + ": " + json;
            QVERIFY2(expected.raised, what.c_str());
            QVERIFY(expected.toRaisedMs >= 0);
        }
    }
    QVERIFY2(score.falseAlerts.empty(), ("false alerts: " + json).c_str());
    QCOMPARE(score.unscorable, 0u);
    if (qEnvironmentVariableIsSet("CITYOPS_PRINT_SCORES")) {
        qInfo("%s", json.c_str());
    }
}

//! Scenarios whose incidents the engine's rules can see declare those rules, so the check above has
//! teeth: CO2 episodes declare co2_high, fires co2_high and emergency_confirmed, accidents
//! traffic_jam, heat waves heat_stress, substation failures energy_outage, dropouts sensor_silent.
void TestScenarioAlerts::engineRulesAreDeclared() {
    int co2 = 0;
    int emergency = 0;
    std::map<std::string, int> situations;
    for (const std::string& name : builtinScenarioNames()) {
        for (const Incident& incident : builtin(name).incidents) {
            auto declares = [&incident](const char* rule) {
                return std::find(incident.expectedAlerts.begin(), incident.expectedAlerts.end(), rule) !=
                       incident.expectedAlerts.end();
            };
            if (incident.kind == IncidentKind::Co2Episode || incident.kind == IncidentKind::Fire) {
                QVERIFY2(declares("co2_high"), name.c_str());
                ++co2;
            }
            if (incident.kind == IncidentKind::Fire) {
                QVERIFY2(declares("emergency_confirmed"), name.c_str());
                ++emergency;
            }
            const auto require = [&](bool applies, const char* rule) {
                if (applies) {
                    QVERIFY2(declares(rule), (name + ": " + rule).c_str());
                    ++situations[rule];
                }
            };
            require(incident.kind == IncidentKind::Accident, "traffic_jam");
            require(incident.kind == IncidentKind::HeatWave, "heat_stress");
            require(incident.kind == IncidentKind::SubstationFailure, "energy_outage");
            require(incident.kind == IncidentKind::SensorFailure && incident.fault.mode == FaultMode::Dropout &&
                        incident.fault.rate >= 1.0,
                    "sensor_silent");
        }
    }
    QVERIFY(co2 >= 2);
    QVERIFY(emergency >= 1);
    for (const char* rule : {"traffic_jam", "heat_stress", "energy_outage", "sensor_silent"}) {
        QVERIFY2(situations[rule] >= 1, rule);
    }
}

//! Every kind a shipped scenario declares is an engine rule (scoring reports none unscorable), and
//! an unknown kind still is not.
void TestScenarioAlerts::declaredKindsAreScorable() {
    QVERIFY(!isEngineRule("no_such_rule"));
    std::set<std::string> kinds;
    for (const std::string& name : builtinScenarioNames()) {
        for (const Incident& incident : builtin(name).incidents) {
            for (const std::string& rule : incident.expectedAlerts) {
                QVERIFY2(isEngineRule(rule), (name + ": " + rule).c_str());
                kinds.insert(rule);
            }
        }
    }
    for (const char* rule : {"co2_high", "emergency_confirmed", "traffic_jam", "heat_stress", "energy_outage",
                             "sensor_silent", "emergency_fire", "emergency_gas_leak", "emergency_accident",
                             "sensor_stuck", "sensor_drift", "duplicate_readings", "late_readings", "clock_skew",
                             "data_flood", "retail_rush"}) {
        QVERIFY2(kinds.count(rule) == 1, rule);  // each rule is exercised by a shipped scenario
    }
}

QTEST_GUILESS_MAIN(TestScenarioAlerts)
#include "test_scenario_alerts.moc"
