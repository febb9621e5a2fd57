#include <QtTest>

#include <array>
#include <regex>
#include <set>

#include "cityops/simulation/city.h"

using namespace cityops::simulation;
using cityops::engine::SensorKind;

class TestCity : public QObject {
    Q_OBJECT

private slots:
    void hasTheTenKyivDistricts();
    void districtsDoNotOverlapAndCentresAreInside();
    void sensorCountIsExactAndAllKindsPresent_data();
    void sensorCountIsExactAndAllKindsPresent();
    void everySensorLiesInItsDistrict();
    void smallCityHasAirQualityEverywhere();
    void roadsAreHundredsAndStayInTheirDistrict();
    void namesFollowThePattern();
    void sameSeedSameCityOtherSeedOtherCity();
    void largestCity();
};

void TestCity::hasTheTenKyivDistricts() {
    const City city = generateDemoCity(1, 200);
    const std::vector<std::string> expected{"Podilskyi",      "Shevchenkivskyi", "Pecherskyi",  "Holosiivskyi",
                                            "Solomianskyi",   "Sviatoshynskyi",  "Obolonskyi",  "Desnianskyi",
                                            "Dniprovskyi",    "Darnytskyi"};
    QCOMPARE(city.districts.size(), std::size_t{10});
    for (std::size_t d = 0; d < expected.size(); ++d) {
        QCOMPARE(city.districts[d].name, expected[d]);
        QVERIFY(city.districts[d].polygon.size() >= 4);
    }
    QCOMPARE(demoDistrictNames(), expected);
    // Kyiv's centre sits in Shevchenkivskyi/Pecherskyi; east-bank districts lie east of the west bank ones.
    QVERIFY(city.districts[2].centre.lat > 50.40 && city.districts[2].centre.lat < 50.46);
    QVERIFY(city.districts[8].centre.lon > city.districts[2].centre.lon);
}

void TestCity::districtsDoNotOverlapAndCentresAreInside() {
    const City city = generateDemoCity(7, 100);
    std::vector<City> single(city.districts.size());
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        single[d].districts.push_back(city.districts[d]);
        QCOMPARE(districtAt(city, city.districts[d].centre), static_cast<int>(d));
    }
    int covered = 0;
    for (double lat = 50.29; lat < 50.58; lat += 0.0023) {
        for (double lon = 30.28; lon < 30.80; lon += 0.0031) {
            int containing = 0;
            for (const City& one : single) {
                containing += districtAt(one, {lat, lon}) == 0 ? 1 : 0;
            }
            QVERIFY2(containing <= 1, qPrintable(QStringLiteral("overlap at %1,%2").arg(lat).arg(lon)));
            covered += containing;
        }
    }
    QVERIFY(covered > 1000);
    QCOMPARE(districtAt(city, {50.45, 29.0}), -1);
    QCOMPARE(districtAt(city, {50.45, (30.555 + 30.585) / 2.0}), -1);  // the Dnipro
}

void TestCity::sensorCountIsExactAndAllKindsPresent_data() {
    QTest::addColumn<quint32>("count");
    QTest::newRow("100") << 100u;
    QTest::newRow("200") << 200u;
    QTest::newRow("1234") << 1234u;
    QTest::newRow("10000") << 10000u;
}

void TestCity::sensorCountIsExactAndAllKindsPresent() {
    QFETCH(quint32, count);
    const City city = generateDemoCity(3, count);
    QCOMPARE(city.sensors.size(), std::size_t{count});
    std::array<int, cityops::engine::kSensorKindCount> perKind{};
    for (std::size_t i = 0; i < city.sensors.size(); ++i) {
        QCOMPARE(city.sensors[i].id, static_cast<std::uint32_t>(i));
        ++perKind[static_cast<std::size_t>(city.sensors[i].kind)];
    }
    for (int n : perKind) {
        QVERIFY(n > 0);
    }
}

void TestCity::everySensorLiesInItsDistrict() {
    const City city = generateDemoCity(11, 5000);
    for (const Sensor& sensor : city.sensors) {
        QCOMPARE(districtAt(city, sensor.position), static_cast<int>(sensor.districtId));
        if (sensor.kind == SensorKind::Traffic) {
            QVERIFY(sensor.roadSegmentId >= 0);
            QCOMPARE(city.roads[static_cast<std::size_t>(sensor.roadSegmentId)].districtId, sensor.districtId);
        } else {
            QCOMPARE(sensor.roadSegmentId, -1);
        }
    }
}

void TestCity::smallCityHasAirQualityEverywhere() {
    for (const std::uint32_t count : {100u, 200u}) {
        const City city = generateDemoCity(42, count);
        std::vector<int> airQuality(city.districts.size(), 0);
        int total = 0;
        for (const Sensor& sensor : city.sensors) {
            if (sensor.kind == SensorKind::AirQuality) {
                ++airQuality[sensor.districtId];
                ++total;
            }
        }
        QVERIFY(count < 200 || total >= 10);
        for (int n : airQuality) {
            QVERIFY(n >= 1);
        }
    }
}

void TestCity::roadsAreHundredsAndStayInTheirDistrict() {
    const City city = generateDemoCity(5, 200);
    QVERIFY2(city.roads.size() >= 300, qPrintable(QString::number(city.roads.size())));
    std::vector<int> perDistrict(city.districts.size(), 0);
    for (std::size_t i = 0; i < city.roads.size(); ++i) {
        const RoadSegment& road = city.roads[i];
        QCOMPARE(road.id, static_cast<std::uint32_t>(i));
        QCOMPARE(districtAt(city, road.from), static_cast<int>(road.districtId));
        QCOMPARE(districtAt(city, road.to), static_cast<int>(road.districtId));
        QVERIFY(road.speedLimitKmh >= 30.0 && road.speedLimitKmh <= 80.0);
        ++perDistrict[road.districtId];
    }
    for (int n : perDistrict) {
        QVERIFY(n >= 10);
    }
}

void TestCity::namesFollowThePattern() {
    const City city = generateDemoCity(9, 1500);
    const std::regex pattern("(TR|AQ|TM|PK|EM|EN|NS)-([A-Za-z]+)-[0-9]{3,}");
    std::set<std::string> names;
    for (const Sensor& sensor : city.sensors) {
        std::smatch match;
        QVERIFY2(std::regex_match(sensor.name, match, pattern), sensor.name.c_str());
        QCOMPARE(match[2].str(), city.districts[sensor.districtId].name);
        names.insert(sensor.name);
    }
    QCOMPARE(names.size(), city.sensors.size());
    QVERIFY(names.count("AQ-Podilskyi-001") == 1);
}

namespace {

bool sameCity(const City& a, const City& b) {
    if (a.sensors.size() != b.sensors.size() || a.roads.size() != b.roads.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.sensors.size(); ++i) {
        const Sensor& x = a.sensors[i];
        const Sensor& y = b.sensors[i];
        if (x.kind != y.kind || x.districtId != y.districtId || x.roadSegmentId != y.roadSegmentId ||
            x.name != y.name || x.position.lat != y.position.lat || x.position.lon != y.position.lon) {
            return false;
        }
    }
    for (std::size_t i = 0; i < a.roads.size(); ++i) {
        if (a.roads[i].from.lat != b.roads[i].from.lat || a.roads[i].to.lon != b.roads[i].to.lon ||
            a.roads[i].speedLimitKmh != b.roads[i].speedLimitKmh) {
            return false;
        }
    }
    return true;
}

}  // namespace

void TestCity::sameSeedSameCityOtherSeedOtherCity() {
    QVERIFY(sameCity(generateDemoCity(42, 777), generateDemoCity(42, 777)));
    QVERIFY(!sameCity(generateDemoCity(42, 777), generateDemoCity(43, 777)));
}

void TestCity::largestCity() {
    const City city = generateDemoCity(1, 100'000);
    QCOMPARE(city.sensors.size(), std::size_t{100'000});
    for (std::size_t i = 0; i < city.sensors.size(); i += 97) {
        QCOMPARE(districtAt(city, city.sensors[i].position), static_cast<int>(city.sensors[i].districtId));
    }
}

QTEST_GUILESS_MAIN(TestCity)
#include "test_city.moc"
