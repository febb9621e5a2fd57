#include <QtTest>

#include <QTemporaryDir>

#include <fstream>

#include "cityops/simulation/scenario.h"

using namespace cityops::simulation;

namespace {

constexpr std::int64_t k2026_03_02T08Z = 1'772'438'400'000;

Scenario expectScenario(const ScenarioResult& result) {
    if (const auto* error = std::get_if<ScenarioError>(&result)) {
        qWarning("unexpected error (line %d): %s", error->line, error->message.c_str());
        return {};
    }
    return std::get<Scenario>(result);
}

ScenarioError expectError(const ScenarioResult& result) {
    if (const auto* error = std::get_if<ScenarioError>(&result)) {
        return *error;
    }
    return {"(no error)", -1};
}

}  // namespace

class TestScenario : public QObject {
    Q_OBJECT

private slots:
    void builtinsAreListedAndLoad();
    void co2EpisodeHasTheDocumentedIncident();
    void quietDayHasNoIncidents();
    void durationsAndTimestamps();
    void loadsFromFile();
    void unknownNameOrMissingFile();
    void errors_data();
    void errors();
    void rootMustBeObject();
};

void TestScenario::builtinsAreListedAndLoad() {
    const std::vector<std::string> names = builtinScenarioNames();
    QVERIFY(std::find(names.begin(), names.end(), "quiet-day") != names.end());
    QVERIFY(std::find(names.begin(), names.end(), "co2-episode") != names.end());
    for (const std::string& name : names) {
        const ScenarioResult result = loadScenario(name);
        QVERIFY2(std::holds_alternative<Scenario>(result), expectError(result).message.c_str());
        QCOMPARE(std::get<Scenario>(result).name, name);
    }
}

void TestScenario::co2EpisodeHasTheDocumentedIncident() {
    const Scenario s = expectScenario(loadScenario("co2-episode"));
    QCOMPARE(s.startTimeMs, k2026_03_02T08Z);
    QCOMPARE(s.defaultDurationMs, std::int64_t{3'600'000});
    QCOMPARE(s.sensorCount, 200u);
    QCOMPARE(s.seed, std::uint64_t{42});
    QVERIFY(!s.description.empty());
    QCOMPARE(s.incidents.size(), std::size_t{1});
    const Incident& incident = s.incidents.front();
    QVERIFY(incident.kind == IncidentKind::Co2Episode);
    QCOMPARE(incident.district, std::string("Podilskyi"));
    QCOMPARE(incident.startOffsetMs, std::int64_t{600'000});
    QCOMPARE(incident.durationMs, std::int64_t{1'200'000});
    QCOMPARE(incident.peakPpm, 1400.0);
    QCOMPARE(incident.expectedAlerts, std::vector<std::string>{"co2_high"});
}

void TestScenario::quietDayHasNoIncidents() {
    const Scenario s = expectScenario(loadScenario("quiet-day"));
    QVERIFY(s.incidents.empty());
    QCOMPARE(s.defaultDurationMs, std::int64_t{24 * 3'600'000LL});
}

void TestScenario::durationsAndTimestamps() {
    const Scenario s = expectScenario(parseScenario(R"({"name": "t", "duration": "1h30m", "start": "2026-03-02T10:00:00+02:00",
        "incidents": [{"type": "co2_episode", "district": "Darnytskyi", "start": "0s", "duration": "90s"},
                      {"type": "co2_episode", "district": "Obolonskyi", "start": "1500ms", "duration": "1d"}]})"));
    QCOMPARE(s.defaultDurationMs, std::int64_t{5'400'000});
    QCOMPARE(s.startTimeMs, k2026_03_02T08Z);
    QCOMPARE(s.incidents.size(), std::size_t{2});
    QCOMPARE(s.incidents[0].startOffsetMs, std::int64_t{0});
    QCOMPARE(s.incidents[0].durationMs, std::int64_t{90'000});
    QCOMPARE(s.incidents[0].peakPpm, 1200.0);
    QCOMPARE(s.incidents[1].startOffsetMs, std::int64_t{1'500});
    QCOMPARE(s.incidents[1].durationMs, std::int64_t{86'400'000});
    QCOMPARE(s.seed, std::uint64_t{42});
    QCOMPARE(s.sensorCount, 200u);
}

void TestScenario::loadsFromFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("mine.json")).toStdString();
    {
        std::ofstream out(path);
        out << "{\n  \"name\": \"mine\",\n  \"sensors\": 500,\n  \"seed\": 7\n}\n";
    }
    const Scenario s = expectScenario(loadScenario(path));
    QCOMPARE(s.name, std::string("mine"));
    QCOMPARE(s.sensorCount, 500u);
    QCOMPARE(s.seed, std::uint64_t{7});

    const std::string bad = dir.filePath(QStringLiteral("bad.json")).toStdString();
    {
        std::ofstream out(bad);
        out << "{\n  \"name\": \"bad\",\n  \"sensors\": \"many\"\n}\n";
    }
    const ScenarioError error = expectError(loadScenario(bad));
    QVERIFY2(error.message.find("'sensors'") != std::string::npos, error.message.c_str());
    QCOMPARE(error.line, 3);
}

void TestScenario::unknownNameOrMissingFile() {
    const ScenarioError error = expectError(loadScenario("no-such-scenario"));
    QVERIFY2(error.message.find("no-such-scenario") != std::string::npos, error.message.c_str());
    QVERIFY2(error.message.find("quiet-day") != std::string::npos, error.message.c_str());
}

void TestScenario::errors_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mustContain1");
    QTest::addColumn<QString>("mustContain2");
    QTest::addColumn<int>("line");

    QTest::newRow("syntax: missing comma") << "{\n  \"name\": \"x\"\n  \"seed\": 1\n}" << "invalid JSON"
                                           << "expected ','" << 3;
    QTest::newRow("syntax: unterminated string") << "{\n  \"name\": \"x\",\n  \"description\": \"oops\n}"
                                                 << "invalid JSON" << "string" << 3;
    QTest::newRow("syntax: trailing comma") << "{\n  \"name\": \"x\",\n}" << "invalid JSON" << "trailing comma"
                                            << 3;
    QTest::newRow("syntax: empty") << "" << "invalid JSON" << "" << 1;
    QTest::newRow("wrong type: seed") << "{\n  \"name\": \"x\",\n  \"seed\": \"abc\"\n}" << "'seed'"
                                      << "expected a number, got a string" << 3;
    QTest::newRow("wrong type: negative seed") << "{\"name\": \"x\", \"seed\": -1}" << "'seed'"
                                               << "non-negative integer" << 1;
    QTest::newRow("wrong type: incidents") << "{\n\"name\": \"x\",\n\n\"incidents\": {}\n}" << "'incidents'"
                                           << "expected an array" << 4;
    QTest::newRow("unknown field") << "{\n  \"name\": \"x\",\n  \"description\": \"d\",\n  \"colour\": \"red\"\n}"
                                   << "'colour'" << "unknown field" << 4;
    QTest::newRow("unknown incident field")
        << "{\"name\": \"x\", \"incidents\": [\n {\"type\": \"co2_episode\", \"district\": \"Podilskyi\",\n"
           "  \"start\": \"1m\", \"duration\": \"1m\",\n  \"peak\": 900}]}"
        << "'incidents[0].peak'" << "unknown field" << 4;
    QTest::newRow("unknown district")
        << "{\"name\": \"x\",\n \"incidents\": [\n  {\"type\": \"co2_episode\",\n   \"district\": \"Podil\",\n"
           "   \"start\": \"1m\", \"duration\": \"1m\"}]}"
        << "'incidents[0].district'" << "unknown district \"Podil\"" << 4;
    QTest::newRow("unknown incident type")
        << "{\"name\": \"x\", \"incidents\": [{\"type\": \"flood\", \"district\": \"Podilskyi\", \"start\": \"1m\", "
           "\"duration\": \"1m\"}]}"
        << "'incidents[0].type'" << "unknown incident type" << 1;
    QTest::newRow("bad duration") << "{\n  \"name\": \"x\",\n  \"duration\": \"10x\"\n}" << "'duration'"
                                  << "bad duration \"10x\"" << 3;
    QTest::newRow("zero duration") << "{\"name\": \"x\", \"duration\": \"0m\"}" << "'duration'"
                                   << "greater than zero" << 1;
    QTest::newRow("bad incident start")
        << "{\"name\": \"x\", \"incidents\": [\n{\"type\": \"co2_episode\", \"district\": \"Podilskyi\",\n"
           "\"start\": \"soon\", \"duration\": \"1m\"}]}"
        << "'incidents[0].start'" << "bad duration" << 3;
    QTest::newRow("missing incident field")
        << "{\"name\": \"x\", \"incidents\": [\n{\"type\": \"co2_episode\", \"start\": \"1m\", \"duration\": \"1m\"}]}"
        << "'incidents[0]'" << "missing required field 'district'" << 2;
    QTest::newRow("bad start") << "{\n\"name\": \"x\",\n\"start\": \"2026-02-30T08:00:00Z\"}" << "'start'"
                               << "bad timestamp" << 3;
    QTest::newRow("sensors out of range") << "{\"name\": \"x\", \"sensors\": 5}" << "'sensors'"
                                          << "between 100 and 100000" << 1;
    QTest::newRow("missing name") << "{\"seed\": 1}" << "missing required field 'name'" << "" << 0;
    QTest::newRow("duplicate field") << "{\"name\": \"x\",\n\"seed\": 1,\n\"seed\": 2}" << "'seed'"
                                     << "more than once" << 2;
    QTest::newRow("peak out of range")
        << "{\"name\": \"x\", \"incidents\": [{\"type\": \"co2_episode\", \"district\": \"Podilskyi\", \"start\": "
           "\"1m\", \"duration\": \"1m\", \"peak_ppm\": 50}]}"
        << "'incidents[0].peak_ppm'" << "between 400 and 20000" << 1;
    QTest::newRow("expected_alerts element")
        << "{\"name\": \"x\", \"incidents\": [{\"type\": \"co2_episode\", \"district\": \"Podilskyi\", \"start\": "
           "\"1m\", \"duration\": \"1m\", \"expected_alerts\": [\n\"co2_high\",\n 3]}]}"
        << "'incidents[0].expected_alerts[1]'" << "expected a string" << 3;
}

void TestScenario::errors() {
    QFETCH(QString, json);
    QFETCH(QString, mustContain1);
    QFETCH(QString, mustContain2);
    QFETCH(int, line);
    const ScenarioError error = expectError(parseScenario(json.toStdString()));
    const QString message = QString::fromStdString(error.message);
    QVERIFY2(message.contains(mustContain1), qPrintable(message));
    QVERIFY2(message.contains(mustContain2), qPrintable(message));
    if (line > 0) {
        QCOMPARE(error.line, line);
    }
}

void TestScenario::rootMustBeObject() {
    const ScenarioError error = expectError(parseScenario("[1, 2]"));
    QVERIFY2(error.message.find("expected an object") != std::string::npos, error.message.c_str());
}

QTEST_GUILESS_MAIN(TestScenario)
#include "test_scenario.moc"
