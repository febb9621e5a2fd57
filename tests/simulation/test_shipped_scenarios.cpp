#include <QtTest>
#include <filesystem>
#include <set>

#include "cityops/simulation/headless.h"
#include "cityops/simulation/retail.h"
#include "sim_test_util.h"

using namespace cityops::simulation;
using namespace cityops::simulation::testutil;

namespace {

constexpr std::int64_t kMaxRunMs = 6 * kHour;

Scenario builtin(const std::string& name) {
    const ScenarioResult result = loadScenario(name);
    if (const auto* error = std::get_if<ScenarioError>(&result)) {
        qWarning("%s (line %d): %s", name.c_str(), error->line, error->message.c_str());
        return {};
    }
    return std::get<Scenario>(result);
}

bool expects(const Scenario& scenario, const std::string& alert) {
    for (const Incident& incident : scenario.incidents) {
        if (std::find(incident.expectedAlerts.begin(), incident.expectedAlerts.end(), alert) !=
            incident.expectedAlerts.end()) {
            return true;
        }
    }
    return false;
}

}  // namespace

class TestShippedScenarios : public QObject {
    Q_OBJECT

private slots:
    void everyFileIsBuiltIn();
    void atLeastTheIssueScenarios();
    void everyIncidentDeclaresItsAlerts();
    void runsHeadless_data();
    void runsHeadless();
    void sameSeedSameBytes_data();
    void sameSeedSameBytes();
};

void TestShippedScenarios::everyFileIsBuiltIn() {
    const std::vector<std::string> names = builtinScenarioNames();
    std::set<std::string> files;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(CITYOPS_SOURCE_DIR) + "/resources/scenarios")) {
        if (entry.path().extension() == ".json") {
            files.insert(entry.path().stem().string());
            const Scenario fromFile = builtin(entry.path().string());
            QCOMPARE(fromFile.name, entry.path().stem().string());  // a scenario is named after its file
        }
    }
    QCOMPARE(std::set<std::string>(names.begin(), names.end()), files);
}

void TestShippedScenarios::atLeastTheIssueScenarios() {
    const std::vector<std::string> names = builtinScenarioNames();
    QVERIFY(names.size() >= 6);
    std::set<IncidentKind> kinds;
    for (const std::string& name : names) {
        for (const Incident& incident : builtin(name).incidents) {
            kinds.insert(incident.kind);
        }
    }
    for (const IncidentKind kind : {IncidentKind::Co2Episode, IncidentKind::Fire, IncidentKind::GasLeak,
                                    IncidentKind::Accident, IncidentKind::HeatWave, IncidentKind::SubstationFailure,
                                    IncidentKind::SensorFailure, IncidentKind::DataFlood, IncidentKind::RetailRush}) {
        QVERIFY2(kinds.count(kind) == 1, toString(kind).data());
    }
}

void TestShippedScenarios::everyIncidentDeclaresItsAlerts() {
    for (const std::string& name : builtinScenarioNames()) {
        for (const Incident& incident : builtin(name).incidents) {
            QVERIFY2(!incident.expectedAlerts.empty(), name.c_str());
        }
    }
}

void TestShippedScenarios::runsHeadless_data() {
    QTest::addColumn<QString>("name");
    for (const std::string& name : builtinScenarioNames()) {
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
}

//! Runs each scenario through the engine (at most 6 simulated hours) and scores the one rule the engine
//! has today: co2_high fires exactly in the scenarios that expect it.
void TestShippedScenarios::runsHeadless() {
    QFETCH(QString, name);
    const Scenario scenario = builtin(name.toStdString());
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    RunOptions options;
    options.durationMs = std::min(kMaxRunMs, scenario.defaultDurationMs);
    options.workers = 2;
    options.stepMs = 5'000;
    const RunSummary summary = runHeadless(city, scenario, options);
    QCOMPARE(summary.simulatedMs, options.durationMs);
    QVERIFY(summary.events > 10'000);
    QVERIFY(summary.aggregates > 0);
    if (expects(scenario, "co2_high")) {
        QVERIFY2(summary.co2Alerts > 0, formatSummary(summary).c_str());
    } else {
        QVERIFY2(summary.co2Alerts == 0, formatSummary(summary).c_str());
    }
    if (name != "sensor-faults") {
        QCOMPARE(summary.lateEvents, std::uint64_t{0});
    }
}

void TestShippedScenarios::sameSeedSameBytes_data() {
    runsHeadless_data();
}

void TestShippedScenarios::sameSeedSameBytes() {
    QFETCH(QString, name);
    const Scenario scenario = builtin(name.toStdString());
    const std::int64_t length = std::min(2 * kHour, scenario.defaultDurationMs);
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    std::vector<EmergencyEvent> eventsA, eventsB;
    const auto a = run(city, scenario, length, 1'000, &eventsA);
    const auto b = run(generateDemoCity(scenario.seed, scenario.sensorCount), scenario, length, 4'321, &eventsB);
    QCOMPARE(streamHash(a), streamHash(b));
    QCOMPARE(eventsA.size(), eventsB.size());
    if (expects(scenario, "emergency_fire") || expects(scenario, "emergency_gas_leak") ||
        expects(scenario, "emergency_accident")) {
        QVERIFY(!eventsA.empty());
    }
    ReceiptGenerator receiptsA(generateStores(city, scenario.seed), city, scenario);
    ReceiptGenerator receiptsB(generateStores(city, scenario.seed), city, scenario);
    std::vector<Receipt> x, y;
    receiptsA.advanceTo(scenario.startTimeMs + length, x);
    for (std::int64_t t = scenario.startTimeMs; t < scenario.startTimeMs + length;) {
        t = std::min(t + 7'000, scenario.startTimeMs + length);
        receiptsB.advanceTo(t, y);
    }
    QCOMPARE(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        QCOMPARE(x[i].eventTimeMs, y[i].eventTimeMs);
        QCOMPARE(x[i].totalUah(), y[i].totalUah());
    }
}

QTEST_GUILESS_MAIN(TestShippedScenarios)
#include "test_shipped_scenarios.moc"
