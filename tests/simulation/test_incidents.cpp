#include <QtTest>
#include <algorithm>
#include <set>

#include "cityops/engine/emergency_code.h"
#include "sim_test_util.h"

using namespace cityops::simulation;
using namespace cityops::simulation::testutil;
using cityops::engine::Metric;
using cityops::engine::Reading;
using cityops::engine::SensorKind;

namespace {

ScenarioError expectError(const ScenarioResult& result) {
    if (const auto* error = std::get_if<ScenarioError>(&result)) {
        return *error;
    }
    return {"(no error)", -1};
}

Scenario expectScenario(const ScenarioResult& result) {
    if (const auto* error = std::get_if<ScenarioError>(&result)) {
        qWarning("unexpected error (line %d): %s", error->line, error->message.c_str());
        return {};
    }
    return std::get<Scenario>(result);
}

const Sensor& firstSensor(const City& city, SensorKind kind, const std::string& district) {
    for (const Sensor& sensor : city.sensors) {
        if (sensor.kind == kind && city.districts[sensor.districtId].name == district) {
            return sensor;
        }
    }
    return city.sensors.front();
}

double valueAt(const std::vector<Reading>& readings, std::uint32_t sensor, Metric metric, std::int64_t from,
               std::int64_t to, bool wantMax) {
    double best = wantMax ? -1e300 : 1e300;
    for (const Reading& r : readings) {
        if (r.sensorId == sensor && r.metric == metric && r.eventTimeMs >= from && r.eventTimeMs < to) {
            best = wantMax ? std::max(best, r.value) : std::min(best, r.value);
        }
    }
    return best;
}

//! Sensors whose readings differ in any byte between two runs of the same length.
std::set<std::uint32_t> changedSensors(const std::vector<Reading>& a, const std::vector<Reading>& b) {
    std::set<std::uint32_t> changed;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (a[i].sensorId != b[i].sensorId || a[i].value != b[i].value || a[i].eventTimeMs != b[i].eventTimeMs) {
            changed.insert(a[i].sensorId);
        }
    }
    return changed;
}

}  // namespace

class TestIncidents : public QObject {
    Q_OBJECT

private slots:
    void parsesEveryKindWithDefaults();
    void errors_data();
    void errors();
    void fireRaisesSmokeHeatAndAlarmsNearbyOnly();
    void gasLeakAlarmsOnly();
    void accidentCollapsesTrafficOnItsRoad();
    void heatWaveWarmsAndLoads();
    void substationFailureBlacksOutOneDistrict();
    void everyIncidentIsDeterministicAndStepIndependent();
};

void TestIncidents::parsesEveryKindWithDefaults() {
    const Scenario s = expectScenario(parseScenario(R"({"name": "all", "incidents": [
        {"type": "fire", "lat": 50.46, "lon": 30.51, "start": "1m", "duration": "30m", "severity": 4,
         "expected_alerts": ["emergency_fire"]},
        {"type": "gas_leak", "lat": 50.45, "lon": 30.52, "start": "0s", "duration": "10m"},
        {"type": "flooding", "lat": 50.45, "lon": 30.52, "start": "0s", "duration": "10m", "alarm_radius_m": 900},
        {"type": "accident", "road": 17, "start": "5m", "duration": "20m"},
        {"type": "heat_wave", "start": "0s", "duration": "6h", "temperature_delta_c": 10},
        {"type": "substation_failure", "district": "Obolonskyi", "start": "0s", "duration": "1h"},
        {"type": "sensor_failure", "sensor_kind": "air_quality", "district": "Podilskyi", "fault": "duplicate",
         "start": "0s", "duration": "1h"},
        {"type": "sensor_failure", "sensor_ids": [3, 4], "fault": "clock_skew", "start": "0s", "duration": "1h"},
        {"type": "sensor_failure", "sensor_ids": [5], "fault": "clock_skew", "skew": "-2m", "start": "0s",
         "duration": "1h"},
        {"type": "data_flood", "sensor_kind": "noise", "rate_multiplier": 10, "start": "0s", "duration": "5m"},
        {"type": "retail_rush", "start": "0s", "duration": "2h"}]})"));
    QCOMPARE(s.incidents.size(), std::size_t{11});
    const auto& in = s.incidents;
    QVERIFY(in[0].kind == IncidentKind::Fire && in[0].hasPoint && in[0].severity == 4);
    QCOMPARE(in[0].radiusM, 500.0);
    QCOMPARE(in[0].alarmRadiusM, 3000.0);
    QCOMPARE(in[0].expectedAlerts, std::vector<std::string>{"emergency_fire"});
    QVERIFY(in[1].kind == IncidentKind::GasLeak && in[1].radiusM == 300.0 && in[1].severity == 3);
    QVERIFY(in[2].kind == IncidentKind::Flooding && in[2].alarmRadiusM == 900.0);
    QVERIFY(in[3].kind == IncidentKind::Accident && in[3].roadSegmentId == 17 && !in[3].hasPoint);
    QVERIFY(in[4].kind == IncidentKind::HeatWave && in[4].district.empty() && in[4].temperatureDeltaC == 10.0);
    QCOMPARE(in[4].energyFactor, 1.35);
    QVERIFY(in[5].kind == IncidentKind::SubstationFailure && in[5].district == "Obolonskyi");
    QVERIFY(in[6].kind == IncidentKind::SensorFailure && in[6].sensorKind == SensorKind::AirQuality);
    QVERIFY(in[6].fault.mode == FaultMode::Duplicate && in[6].fault.rate == 0.3);
    QCOMPARE(in[7].sensorIds, (std::vector<std::uint32_t>{3, 4}));
    QCOMPARE(in[7].fault.skewMs, std::int64_t{30'000});
    QCOMPARE(in[8].fault.skewMs, std::int64_t{-120'000});
    QVERIFY(in[9].kind == IncidentKind::DataFlood && in[9].rateMultiplier == 10.0);
    QVERIFY(in[10].kind == IncidentKind::RetailRush && in[10].rateMultiplier == 3.0 && in[10].basketFactor == 1.5);
    QCOMPARE(toString(IncidentKind::SubstationFailure), std::string_view("substation_failure"));
    QCOMPARE(toString(FaultMode::OutOfOrder), std::string_view("out_of_order"));
}

void TestIncidents::errors_data() {
    QTest::addColumn<QString>("incident");
    QTest::addColumn<QString>("mustContain1");
    QTest::addColumn<QString>("mustContain2");
    QTest::addColumn<int>("line");
    const QString at = "\"start\": \"1m\", \"duration\": \"1m\"";
    QTest::newRow("fire without lon") << "{\"type\": \"fire\",\n \"lat\": 50.4, " + at + "}"
                                      << "'incidents[0]'"
                                      << "missing required field 'lon'" << 2;
    QTest::newRow("fire with a district") << "{\"type\": \"fire\", \"lat\": 50.4, \"lon\": 30.5,\n \"district\": "
                                             "\"Podilskyi\", " +
                                                 at + "}"
                                          << "'incidents[0].district'"
                                          << "unknown field (allowed for fire" << 3;
    QTest::newRow("severity 6") << "{\"type\": \"gas_leak\", \"lat\": 50.4, \"lon\": 30.5,\n\n \"severity\": 6, " + at +
                                       "}"
                                << "'incidents[0].severity'"
                                << "from 1 to 5" << 4;
    QTest::newRow("latitude") << "{\"type\": \"gas_leak\", \"lat\": 95, \"lon\": 30.5, " + at + "}"
                              << "'incidents[0].lat'"
                              << "between -90 and 90" << 2;
    QTest::newRow("accident nowhere") << "{\"type\": \"accident\", " + at + "}"
                                      << "'incidents[0]'"
                                      << "needs 'road' or both 'lat' and 'lon'" << 2;
    QTest::newRow("accident twice") << "{\"type\": \"accident\", \"road\": 3, \"lat\": 50.4, \"lon\": 30.5, " + at + "}"
                                    << "'incidents[0]'"
                                    << "not both" << 2;
    QTest::newRow("substation without district") << "{\"type\": \"substation_failure\", " + at + "}"
                                                 << "'incidents[0]'"
                                                 << "missing required field 'district'" << 2;
    QTest::newRow("unknown fault") << "{\"type\": \"sensor_failure\", \"sensor_ids\": [1],\n \"fault\": \"melted\", " +
                                          at + "}"
                                   << "'incidents[0].fault'"
                                   << "unknown fault \"melted\" (known: stuck" << 3;
    QTest::newRow("rate with stuck") << "{\"type\": \"sensor_failure\", \"sensor_ids\": [1], \"fault\": \"stuck\",\n "
                                        "\"rate\": 0.5, " +
                                            at + "}"
                                     << "'incidents[0].rate'"
                                     << "only used with fault" << 3;
    QTest::newRow("ids and kind") << "{\"type\": \"sensor_failure\", \"sensor_ids\": [1], \"sensor_kind\": \"noise\", "
                                     "\"fault\": \"stuck\", " +
                                         at + "}"
                                  << "'incidents[0]'"
                                  << "exactly one of 'sensor_ids' and 'sensor_kind'" << 2;
    QTest::newRow("no selection") << "{\"type\": \"sensor_failure\", \"fault\": \"stuck\", " + at + "}"
                                  << "'incidents[0]'"
                                  << "exactly one of" << 2;
    QTest::newRow("unknown sensor kind") << "{\"type\": \"data_flood\", \"rate_multiplier\": 5,\n \"sensor_kind\": "
                                            "\"radar\", " +
                                                at + "}"
                                         << "'incidents[0].sensor_kind'"
                                         << "unknown sensor kind \"radar\"" << 3;
    QTest::newRow("sensor id element") << "{\"type\": \"sensor_failure\", \"fault\": \"dropout\", \"sensor_ids\": "
                                          "[1,\n \"x\"], " +
                                              at + "}"
                                       << "'incidents[0].sensor_ids[1]'"
                                       << "expected a number" << 3;
    QTest::newRow("flood multiplier") << "{\"type\": \"data_flood\", \"district\": \"Podilskyi\", "
                                         "\"rate_multiplier\": 1, " +
                                             at + "}"
                                      << "'incidents[0].rate_multiplier'"
                                      << "from 2 to 100" << 2;
    QTest::newRow("flood without target") << "{\"type\": \"data_flood\", \"rate_multiplier\": 4, " + at + "}"
                                          << "'incidents[0]'"
                                          << "needs 'district', 'sensor_kind' or both" << 2;
    QTest::newRow("bad skew") << "{\"type\": \"sensor_failure\", \"sensor_ids\": [1], \"fault\": \"clock_skew\",\n "
                                 "\"skew\": \"-x\", " +
                                     at + "}"
                              << "'incidents[0].skew'"
                              << "bad duration \"-x\"" << 3;
    QTest::newRow("max delay too long") << "{\"type\": \"sensor_failure\", \"sensor_ids\": [1], \"fault\": "
                                           "\"out_of_order\", \"max_delay\": \"2h\", " +
                                               at + "}"
                                        << "'incidents[0].max_delay'"
                                        << "at most 1h" << 2;
    QTest::newRow("heat delta") << "{\"type\": \"heat_wave\", \"temperature_delta_c\": 40, " + at + "}"
                                << "'incidents[0].temperature_delta_c'"
                                << "between 0 and 25" << 2;
    QTest::newRow("unknown alert")
        << "{\"type\": \"heat_wave\", \"expected_alerts\": [\"heat_stress\",\n \"too_hot\"], " + at + "}"
        << "'incidents[0].expected_alerts[1]'"
        << "unknown alert \"too_hot\" (known: co2_high" << 3;
    QTest::newRow("duplicate incident field") << "{\"type\": \"heat_wave\",\n \"energy_factor\": 1.2,\n "
                                                 "\"energy_factor\": 1.3, " +
                                                     at + "}"
                                              << "'incidents[0].energy_factor'"
                                              << "more than once" << 3;
}

void TestIncidents::errors() {
    QFETCH(QString, incident);
    QFETCH(QString, mustContain1);
    QFETCH(QString, mustContain2);
    QFETCH(int, line);
    const QString json = "{\"name\": \"x\", \"incidents\": [\n" + incident + "]}";
    const ScenarioError error = expectError(parseScenario(json.toStdString()));
    const QString message = QString::fromStdString(error.message);
    QVERIFY2(message.contains(mustContain1), qPrintable(message));
    QVERIFY2(message.contains(mustContain2), qPrintable(message));
    QCOMPARE(error.line, line);
}

void TestIncidents::fireRaisesSmokeHeatAndAlarmsNearbyOnly() {
    Scenario scenario = baseScenario();
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const Sensor& aq = firstSensor(city, SensorKind::AirQuality, "Podilskyi");
    Incident fire = incidentOf(IncidentKind::Fire, 10 * kMinute, 30 * kMinute);
    fire.hasPoint = true;
    fire.lat = aq.position.lat;
    fire.lon = aq.position.lon;
    fire.radiusM = 1'500.0;
    fire.severity = 4;
    const std::vector<Reading> quiet = run(city, scenario, kHour, 10'000);
    scenario.incidents.push_back(fire);
    std::vector<EmergencyEvent> events;
    const std::vector<Reading> burning = run(city, scenario, kHour, 10'000, &events);
    QCOMPARE(burning.size(), quiet.size());

    const std::int64_t holdFrom = scenario.startTimeMs + 15 * kMinute;
    const std::int64_t holdTo = scenario.startTimeMs + 30 * kMinute;
    const double co2Quiet = valueAt(quiet, aq.id, Metric::Co2, holdFrom, holdTo, true);
    QVERIFY(valueAt(burning, aq.id, Metric::Co2, holdFrom, holdTo, false) > co2Quiet + 450.0);
    QVERIFY(valueAt(burning, aq.id, Metric::Pm25, holdFrom, holdTo, false) >
            valueAt(quiet, aq.id, Metric::Pm25, holdFrom, holdTo, true) + 80.0);
    // Before and after the fire, the same sensor reads exactly as on a quiet day.
    QCOMPARE(valueAt(burning, aq.id, Metric::Co2, scenario.startTimeMs, holdFrom - 6 * kMinute, true),
             valueAt(quiet, aq.id, Metric::Co2, scenario.startTimeMs, holdFrom - 6 * kMinute, true));

    const GeoPoint at{fire.lat, fire.lon};
    int alarmed = 0;
    const std::set<std::uint32_t> changed = changedSensors(quiet, burning);
    for (const Sensor& sensor : city.sensors) {
        const double d = metresBetween(at, sensor.position);
        if (sensor.kind == SensorKind::Emergency && d < 0.98 * fire.alarmRadiusM) {
            // severity 4, type fire in the first decimal (emergency_code.h)
            QCOMPARE(valueAt(burning, sensor.id, Metric::EmergencySeverity, holdFrom, holdTo, false), 4.1);
            QVERIFY(cityops::engine::emergencyCodeOf(4.1) == cityops::engine::EmergencyCode::Fire);
            ++alarmed;
        }
        const bool mayChange = (sensor.kind == SensorKind::Emergency && d < 1.02 * fire.alarmRadiusM) ||
                               ((sensor.kind == SensorKind::AirQuality || sensor.kind == SensorKind::Temperature) &&
                                d < 1.02 * fire.radiusM);
        if (!mayChange) {
            QVERIFY2(changed.count(sensor.id) == 0, sensor.name.c_str());
        }
        if (sensor.kind == SensorKind::Temperature && d < 0.9 * fire.radiusM) {
            QVERIFY(valueAt(burning, sensor.id, Metric::Temperature, holdFrom, holdTo, false) >
                    valueAt(quiet, sensor.id, Metric::Temperature, holdFrom, holdTo, true) + 4.0);
        }
    }
    QVERIFY(alarmed > 0);
    QVERIFY(!events.empty());
    std::set<std::uint32_t> reporting;
    for (const EmergencyEvent& event : events) {
        QVERIFY(event.type == EmergencyType::Fire);
        QVERIFY(event.severity <= 4);
        QVERIFY(city.sensors[event.sensorId].kind == SensorKind::Emergency);
        const auto series = seriesOf(burning, event.sensorId, Metric::EmergencySeverity);
        const auto match =
            std::find_if(series.begin(), series.end(), [&event](const Reading& r) { return r.seq == event.seq; });
        QVERIFY(match != series.end());
        QCOMPARE(cityops::engine::emergencySeverity(match->value), static_cast<int>(event.severity));
        QVERIFY(event.severity == 0 ||
                cityops::engine::emergencyCodeOf(match->value) == cityops::engine::EmergencyCode::Fire);
        reporting.insert(event.sensorId);
    }
    QCOMPARE(static_cast<int>(reporting.size()) >= alarmed, true);
    QCOMPARE(int(events.back().severity), 0);  // the all-clear after the fire
}

void TestIncidents::gasLeakAlarmsOnly() {
    Scenario scenario = baseScenario();
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const Sensor& em = firstSensor(city, SensorKind::Emergency, "Pecherskyi");
    Incident leak = incidentOf(IncidentKind::GasLeak, 5 * kMinute, 20 * kMinute);
    leak.hasPoint = true;
    leak.lat = em.position.lat + 0.001;
    leak.lon = em.position.lon;
    leak.severity = 5;
    const std::vector<Reading> quiet = run(city, scenario, 40 * kMinute, 60'000);
    scenario.incidents.push_back(leak);
    std::vector<EmergencyEvent> events;
    const std::vector<Reading> leaking = run(city, scenario, 40 * kMinute, 60'000, &events);
    for (const std::uint32_t id : changedSensors(quiet, leaking)) {
        QVERIFY(city.sensors[id].kind == SensorKind::Emergency);
    }
    QCOMPARE(valueAt(leaking, em.id, Metric::EmergencySeverity, scenario.startTimeMs + 10 * kMinute,
                     scenario.startTimeMs + 20 * kMinute, false),
             5.2);  // severity 5, type gas leak (.2)
    QVERIFY(std::any_of(events.begin(), events.end(), [&em](const EmergencyEvent& e) {
        return e.sensorId == em.id && e.type == EmergencyType::GasLeak && e.severity == 5;
    }));
    QCOMPARE(toString(EmergencyType::GasLeak), std::string_view("gas_leak"));
}

void TestIncidents::accidentCollapsesTrafficOnItsRoad() {
    Scenario scenario = baseScenario();
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const Sensor& tr = firstSensor(city, SensorKind::Traffic, "Shevchenkivskyi");
    QVERIFY(tr.roadSegmentId >= 0);
    Incident crash = incidentOf(IncidentKind::Accident, 10 * kMinute, 20 * kMinute);
    crash.roadSegmentId = tr.roadSegmentId;
    const std::vector<Reading> quiet = run(city, scenario, 40 * kMinute, 5'000);
    scenario.incidents.push_back(crash);
    const std::vector<Reading> jammed = run(city, scenario, 40 * kMinute, 5'000);
    const std::int64_t from = scenario.startTimeMs + 10 * kMinute;
    const std::int64_t to = from + 20 * kMinute;
    QVERIFY(valueAt(jammed, tr.id, Metric::TrafficSpeed, from, to, true) < 12.0);
    QVERIFY(valueAt(quiet, tr.id, Metric::TrafficSpeed, from, to, false) > 15.0);
    double countQuiet = 0.0, countJammed = 0.0;
    for (const Reading& r : seriesOf(quiet, tr.id, Metric::VehicleCount)) {
        countQuiet += r.eventTimeMs >= from && r.eventTimeMs < to ? r.value : 0.0;
    }
    for (const Reading& r : seriesOf(jammed, tr.id, Metric::VehicleCount)) {
        countJammed += r.eventTimeMs >= from && r.eventTimeMs < to ? r.value : 0.0;
    }
    QVERIFY2(countJammed > 2.0 * countQuiet, qPrintable(QString("%1 vs %2").arg(countJammed).arg(countQuiet)));
    QCOMPARE(valueAt(jammed, tr.id, Metric::TrafficSpeed, to, to + 5 * kMinute, true),
             valueAt(quiet, tr.id, Metric::TrafficSpeed, to, to + 5 * kMinute, true));
}

void TestIncidents::heatWaveWarmsAndLoads() {
    Scenario scenario = baseScenario();
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    Incident heat = incidentOf(IncidentKind::HeatWave, 0, 4 * kHour);
    heat.temperatureDeltaC = 9.0;
    heat.energyFactor = 1.5;
    const std::vector<Reading> normal = run(city, scenario, 3 * kHour, kHour);
    scenario.incidents.push_back(heat);
    const std::vector<Reading> hot = run(city, scenario, 3 * kHour, kHour);
    auto mean = [&](const std::vector<Reading>& readings, Metric metric) {
        double sum = 0.0;
        int n = 0;
        for (const Reading& r : readings) {
            if (r.metric == metric && r.eventTimeMs >= scenario.startTimeMs + kHour + 1 &&
                r.eventTimeMs < scenario.startTimeMs + 3 * kHour) {
                sum += r.value;
                ++n;
            }
        }
        return sum / std::max(1, n);
    };
    QVERIFY(mean(hot, Metric::Temperature) > mean(normal, Metric::Temperature) + 8.0);
    QVERIFY(mean(hot, Metric::Temperature) < mean(normal, Metric::Temperature) + 9.5);
    QVERIFY(mean(hot, Metric::EnergyKwh) > 1.4 * mean(normal, Metric::EnergyKwh));
    QVERIFY(mean(hot, Metric::Humidity) < mean(normal, Metric::Humidity));
    QCOMPARE(mean(hot, Metric::Co2), mean(normal, Metric::Co2));
}

void TestIncidents::substationFailureBlacksOutOneDistrict() {
    Scenario scenario = baseScenario();
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    Incident outage = incidentOf(IncidentKind::SubstationFailure, 10 * kMinute, 30 * kMinute);
    outage.district = "Obolonskyi";
    const std::vector<Reading> normal = run(city, scenario, kHour, 60'000);
    scenario.incidents.push_back(outage);
    const std::vector<Reading> dark = run(city, scenario, kHour, 60'000);
    const std::int64_t from = scenario.startTimeMs + 10 * kMinute;
    int inDistrict = 0;
    for (std::size_t i = 0; i < dark.size(); ++i) {
        const Reading& r = dark[i];
        if (r.metric != Metric::EnergyKwh) {
            QCOMPARE(r.value, normal[i].value);
            continue;
        }
        const bool affected = city.districts[r.locationId].name == "Obolonskyi" && r.eventTimeMs >= from &&
                              r.eventTimeMs < from + 30 * kMinute;
        if (affected) {
            QVERIFY(r.value <= 0.01 * normal[i].value + 0.01);
            QVERIFY(normal[i].value > 1.0);
            ++inDistrict;
        } else {
            QCOMPARE(r.value, normal[i].value);
        }
    }
    QVERIFY(inDistrict >= 30 * 10);  // ~15 meters in the district, one reading a minute, 30 minutes
}

void TestIncidents::everyIncidentIsDeterministicAndStepIndependent() {
    const Scenario scenario = expectScenario(parseScenario(R"({"name": "mix", "sensors": 600, "incidents": [
        {"type": "co2_episode", "district": "Podilskyi", "start": "2m", "duration": "20m"},
        {"type": "fire", "lat": 50.46, "lon": 30.51, "start": "1m", "duration": "30m", "radius_m": 2000},
        {"type": "gas_leak", "lat": 50.44, "lon": 30.53, "start": "3m", "duration": "10m"},
        {"type": "flooding", "lat": 50.50, "lon": 30.60, "start": "3m", "duration": "10m"},
        {"type": "accident", "lat": 50.43, "lon": 30.45, "radius_m": 800, "start": "5m", "duration": "20m"},
        {"type": "heat_wave", "district": "Darnytskyi", "start": "0s", "duration": "6h"},
        {"type": "substation_failure", "district": "Obolonskyi", "start": "7m", "duration": "9m"}]})"));
    QCOMPARE(scenario.incidents.size(), std::size_t{7});
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    std::vector<EmergencyEvent> eventsA, eventsB;
    const auto a = run(city, scenario, 40 * kMinute, 1'000, &eventsA);
    const auto b = run(city, scenario, 40 * kMinute, 777, &eventsB);
    const auto c = run(city, scenario, 40 * kMinute, 40 * kMinute);
    QCOMPARE(streamHash(a), streamHash(b));
    QCOMPARE(streamHash(a), streamHash(c));
    QCOMPARE(eventsA.size(), eventsB.size());
    std::set<EmergencyType> types;
    for (const EmergencyEvent& e : eventsA) {
        types.insert(e.type);
    }
    QVERIFY(types.count(EmergencyType::Fire) == 1 && types.count(EmergencyType::GasLeak) == 1);
    QVERIFY(types.count(EmergencyType::Accident) == 1 && types.count(EmergencyType::Flooding) == 1);
    for (std::size_t i = 1; i < a.size(); ++i) {
        QVERIFY(a[i - 1].eventTimeMs <= a[i].eventTimeMs);
    }
}

QTEST_GUILESS_MAIN(TestIncidents)
#include "test_incidents.moc"
