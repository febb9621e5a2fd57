#include <QtTest>
#include <map>

#include "cityops/simulation/geojson_import.h"
#include "sim_test_util.h"

using namespace cityops::simulation;
using namespace cityops::simulation::testutil;
using cityops::engine::Metric;
using cityops::engine::SensorKind;

namespace {

const std::string kSampleDir = std::string(CITYOPS_SOURCE_DIR) + "/resources/cities/sample/";

std::string collection(const std::vector<std::string>& features) {
    std::string out = R"({"type": "FeatureCollection", "features": [)";
    for (std::size_t i = 0; i < features.size(); ++i) {
        out += (i == 0 ? "" : ",") + features[i];
    }
    return out + "]}";
}

std::string district(const std::string& name, const std::string& ring) {
    return R"({"type": "Feature", "properties": {"name": ")" + name +
           R"("}, "geometry": {"type": "Polygon", "coordinates": [)" + ring + "]}}";
}

std::string road(const std::string& id, const std::string& line, const std::string& extra = "") {
    return R"({"type": "Feature", "properties": {"id": )" + id + extra +
           R"(}, "geometry": {"type": "LineString", "coordinates": )" + line + "}}";
}

std::string sensor(const std::string& id, const std::string& kind, const std::string& lonLat,
                   const std::string& extra = "") {
    return R"({"type": "Feature", "properties": {"id": ")" + id + R"(", "kind": ")" + kind + "\"" + extra +
           R"(}, "geometry": {"type": "Point", "coordinates": )" + lonLat + "}}";
}

// Two unit squares side by side: A is lon 30..31, B is lon 31..32, both lat 50..51.
const std::string kSquares = collection({district("A", "[[30,50],[31,50],[31,51],[30,51],[30,50]]"),
                                         district("B", "[[31,50],[32,50],[32,51],[31,51],[31,50]]")});
const std::string kRoads = collection({road("7", "[[30.2,50.5],[30.8,50.5]]", R"(, "speed_limit_kmh": 60)"),
                                       road("\"ring\"", "[[31.2,50.2],[31.5,50.4],[31.8,50.6]]")});
const std::string kSensors = collection({sensor("TR-1", "traffic", "[30.5,50.5]", R"(, "road": 7)"),
                                         sensor("AQ-1", "air_quality", "[31.5,50.5]", R"(, "district": "B")"),
                                         sensor("EM-1", "emergency", "[30.1,50.9]")});

CityImportResult parse(const std::string& districts, const std::string& roads, const std::string& sensors) {
    CityGeoJson input;
    input.districts = districts;
    input.roads = roads;
    input.sensors = sensors;
    return parseCityGeoJson(input);
}

std::string errorOf(const CityImportResult& result) {
    if (const auto* error = std::get_if<CityImportError>(&result)) {
        return error->message;
    }
    return "(no error)";
}

}  // namespace

class TestGeoJson : public QObject {
    Q_OBJECT

private slots:
    void loadsTheSampleCity();
    void sampleCityRunsInTheSimulator();
    void smallCityFromStrings();
    void errors_data();
    void errors();
    void missingFile();
};

void TestGeoJson::loadsTheSampleCity() {
    const CityImportResult result = loadCityFromGeoJson(kSampleDir + "districts.geojson", kSampleDir + "roads.geojson",
                                                        kSampleDir + "sensors.geojson");
    QVERIFY2(std::holds_alternative<City>(result), errorOf(result).c_str());
    const City& city = std::get<City>(result);
    QCOMPARE(city.name, std::string("sample"));
    QCOMPARE(city.districts.size(), std::size_t{3});
    QCOMPARE(city.districts[0].name, std::string("Podil"));
    QCOMPARE(city.districts[2].name, std::string("Pechersk"));
    QCOMPARE(city.districts[2].polygon.size(), std::size_t{5});  // the closing position is dropped
    QCOMPARE(city.roads.size(), std::size_t{6});
    QCOMPARE(city.sensors.size(), std::size_t{30});
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        QCOMPARE(districtAt(city, city.districts[d].centre), int(d));
    }
    for (std::size_t r = 0; r < city.roads.size(); ++r) {
        QCOMPARE(city.roads[r].id, std::uint32_t(r));
    }
    QCOMPARE(city.roads[2].districtId, std::uint16_t{1});
    QCOMPARE(city.roads[4].speedLimitKmh, 70.0);
    std::map<SensorKind, int> kinds;
    for (std::size_t i = 0; i < city.sensors.size(); ++i) {
        const Sensor& s = city.sensors[i];
        QCOMPARE(s.id, std::uint32_t(i));
        QCOMPARE(districtAt(city, s.position), int(s.districtId));
        ++kinds[s.kind];
        if (s.kind == SensorKind::Traffic) {
            QVERIFY(s.roadSegmentId >= 0);
            QCOMPARE(city.roads[static_cast<std::size_t>(s.roadSegmentId)].districtId, s.districtId);
        } else {
            QCOMPARE(s.roadSegmentId, -1);
        }
    }
    QCOMPARE(int(kinds.size()), cityops::engine::kSensorKindCount);
    QCOMPARE(kinds[SensorKind::Traffic], 6);
    QCOMPARE(city.sensors[0].name, std::string("TR-Podil-1"));
}

void TestGeoJson::sampleCityRunsInTheSimulator() {
    const CityImportResult result = loadCityFromGeoJson(kSampleDir + "districts.geojson", kSampleDir + "roads.geojson",
                                                        kSampleDir + "sensors.geojson");
    QVERIFY(std::holds_alternative<City>(result));
    const City& city = std::get<City>(result);
    Scenario scenario = baseScenario(100);
    Incident crash = incidentOf(IncidentKind::Accident, 0, kHour);
    crash.roadSegmentId = 0;
    scenario.incidents.push_back(crash);
    Incident outage = incidentOf(IncidentKind::SubstationFailure, 0, kHour);
    outage.district = "Pechersk";
    scenario.incidents.push_back(outage);
    const auto readings = run(city, scenario, 10 * kMinute, 10'000);
    QCOMPARE(streamHash(run(city, scenario, 10 * kMinute, 3'333)), streamHash(readings));
    int blocked = 0;
    for (const auto& r : readings) {
        QVERIFY(r.sensorId < city.sensors.size() && std::isfinite(r.value));
        if (r.metric == Metric::TrafficSpeed && city.sensors[r.sensorId].roadSegmentId == 0) {
            QVERIFY(r.value < 10.0);
            ++blocked;
        }
        if (r.metric == Metric::EnergyKwh && city.districts[r.locationId].name == "Pechersk") {
            QVERIFY(r.value < 0.5);
        }
    }
    QCOMPARE(blocked, 60);
}

void TestGeoJson::smallCityFromStrings() {
    const CityImportResult result = parse(kSquares, kRoads, kSensors);
    QVERIFY2(std::holds_alternative<City>(result), errorOf(result).c_str());
    const City& city = std::get<City>(result);
    QCOMPARE(city.name, std::string("Imported city"));
    QCOMPARE(city.roads[1].districtId, std::uint16_t{1});
    QCOMPARE(city.roads[1].speedLimitKmh, 50.0);
    QCOMPARE(city.roads[1].to.lon, 31.8);  // a LineString runs from its first to its last position
    QCOMPARE(city.sensors[0].roadSegmentId, 0);
    QCOMPARE(city.sensors[1].districtId, std::uint16_t{1});
    QCOMPARE(city.sensors[2].districtId, std::uint16_t{0});
}

void TestGeoJson::errors_data() {
    QTest::addColumn<QString>("districts");
    QTest::addColumn<QString>("roads");
    QTest::addColumn<QString>("sensors");
    QTest::addColumn<QString>("expected");
    const QString d = QString::fromStdString(kSquares);
    const QString r = QString::fromStdString(kRoads);
    const QString s = QString::fromStdString(kSensors);
    auto q = [](const std::string& text) { return QString::fromStdString(text); };

    QTest::newRow("bad kind")
        << d << r
        << q(collection(
               {sensor("TR-1", "traffic", "[30.5,50.5]", R"(, "road": 7)"), sensor("AQ-9", "smoke", "[30.5,50.6]")}))
        << "sensors.geojson feature 1 (id 'AQ-9'): property 'kind' must be one of traffic, air_quality, temperature, "
           "parking, emergency, energy, noise, got 'smoke'";
    QTest::newRow("two-point polygon") << q(collection({district("A", "[[30,50],[31,50],[30,50]]")})) << r << s
                                       << "districts.geojson feature 0 (id 'A'): polygon has 2 distinct points, needs "
                                          "at least 3";
    QTest::newRow("bow tie") << q(collection({district("A", "[[30,50],[31,50],[31,51],[30,51]]"),
                                              district("X", "[[30,52],[31,53],[31,52],[30,53]]")}))
                             << r << s << "districts.geojson feature 1 (id 'X'): polygon is self-intersecting";
    QTest::newRow("sensor outside") << d << r << q(collection({sensor("NS-1", "noise", "[33.0,50.5]")}))
                                    << "sensors.geojson feature 0 (id 'NS-1'): sensor lies outside every district";
    QTest::newRow("unknown road") << d << r
                                  << q(collection({sensor("TR-1", "traffic", "[30.5,50.5]", R"(, "road": 99)")}))
                                  << "sensors.geojson feature 0 (id 'TR-1'): property 'road': unknown road segment id "
                                     "'99'";
    QTest::newRow("traffic without road") << d << r << q(collection({sensor("TR-1", "traffic", "[30.5,50.5]")}))
                                          << "(id 'TR-1'): missing property 'road'";
    QTest::newRow("road on a parking sensor")
        << d << r << q(collection({sensor("PK-1", "parking", "[30.5,50.5]", R"(, "road": 7)")}))
        << "(id 'PK-1'): property 'road' is only for traffic sensors";
    QTest::newRow("wrong district") << d << r
                                    << q(collection({sensor("EN-1", "energy", "[30.5,50.5]", R"(, "district": "B")")}))
                                    << "(id 'EN-1'): property 'district' is 'B' but the sensor lies in 'A'";
    QTest::newRow("duplicate sensor") << d << r
                                      << q(collection({sensor("EN-1", "energy", "[30.5,50.5]"),
                                                       sensor("EN-1", "energy", "[30.6,50.5]")}))
                                      << "sensors.geojson feature 1 (id 'EN-1'): property 'id': sensor id 'EN-1' "
                                         "appears twice";
    QTest::newRow("missing name")
        << q(collection({R"({"type": "Feature", "properties": {}, )"
                         R"("geometry": {"type": "Polygon", "coordinates": [[[30,50],[31,50],[31,51]]]}})"}))
        << r << s << "districts.geojson feature 0: missing property 'name'";
    QTest::newRow("multipolygon")
        << q(collection({R"({"type": "Feature", "properties": {"name": "M"}, )"
                         R"("geometry": {"type": "MultiPolygon", "coordinates": []}})"}))
        << r << s << "districts.geojson feature 0 (id 'M'): geometry must be a Polygon, got MultiPolygon";
    QTest::newRow("road outside") << d << q(collection({road("5", "[[35,50.5],[36,50.5]]")})) << s
                                  << "roads.geojson feature 0 (id '5'): road's midpoint lies outside every district";
    QTest::newRow("speed limit") << d
                                 << q(collection(
                                        {road("5", "[[30.2,50.5],[30.8,50.5]]", R"(, "speed_limit_kmh": 500)")}))
                                 << s
                                 << "roads.geojson feature 0 (id '5'): property 'speed_limit_kmh' must be a number "
                                    "from 5 to 150";
    QTest::newRow("one-point road") << d << q(collection({road("5", "[[30.2,50.5]]")})) << s
                                    << "(id '5'): a LineString needs at least 2 positions";
    QTest::newRow("swapped coordinates") << d << r << q(collection({sensor("AQ-2", "air_quality", "[50.5,130.5]")}))
                                         << "(id 'AQ-2'): position [50.500000, 130.500000] is not a WGS84 [lon, lat]";
    QTest::newRow("invalid JSON") << d << "{\"type\": " << s << "roads.geojson: invalid JSON";
    QTest::newRow("not a collection") << d << r << "{\"type\": \"Feature\"}"
                                      << "sensors.geojson: top level must be a GeoJSON FeatureCollection";
    QTest::newRow("duplicate district") << q(collection({district("A", "[[30,50],[31,50],[31,51]]"),
                                                         district("A", "[[32,50],[33,50],[33,51]]")}))
                                        << r << s
                                        << "districts.geojson feature 1 (id 'A'): property 'name': district "
                                           "'A' appears twice";
}

void TestGeoJson::errors() {
    QFETCH(QString, districts);
    QFETCH(QString, roads);
    QFETCH(QString, sensors);
    QFETCH(QString, expected);
    const QString message =
        QString::fromStdString(errorOf(parse(districts.toStdString(), roads.toStdString(), sensors.toStdString())));
    QVERIFY2(message.contains(expected), qPrintable(message));
}

void TestGeoJson::missingFile() {
    const std::string message = errorOf(loadCityFromGeoJson(kSampleDir + "districts.geojson", "/no/such/roads.geojson",
                                                            kSampleDir + "sensors.geojson"));
    QVERIFY2(message.find("cannot open \"/no/such/roads.geojson\"") != std::string::npos, message.c_str());
}

QTEST_GUILESS_MAIN(TestGeoJson)
#include "test_geojson.moc"
