#include <QtTest>
#include <limits>

#include "cityops/maps/sensor_color_scale.h"

using namespace cityops::maps;
using cityops::engine::SensorKind;

//! Per-kind colour scale: CO2 green ≤ 600, yellow around 800, red ≥ 1000, grey without a value.
class TestSensorColorScale : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void co2Scale() {
        const int green = SensorColorScale::bucket(SensorKind::AirQuality, 420.0);
        QCOMPARE(green, 0);
        QCOMPARE(SensorColorScale::bucket(SensorKind::AirQuality, 600.0), 0);
        const QColor yellow = SensorColorScale::color(SensorKind::AirQuality, 800.0);
        QVERIFY(yellow.red() > 200 && yellow.green() > 180 && yellow.blue() < 60);
        const QColor red = SensorColorScale::color(SensorKind::AirQuality, 1000.0);
        QVERIFY(red.red() > 200 && red.green() < 80);
        QCOMPARE(SensorColorScale::bucket(SensorKind::AirQuality, 5000.0),
                 SensorColorScale::bucket(SensorKind::AirQuality, 1000.0));
        const QColor greenColour = SensorColorScale::bucketColor(green);
        QVERIFY(greenColour.green() > 150 && greenColour.red() < 100);
    }

    void monotonic() {
        int previous = -1;
        for (double ppm = 400.0; ppm <= 1200.0; ppm += 10.0) {
            const int bucket = SensorColorScale::bucket(SensorKind::AirQuality, ppm);
            QVERIFY(bucket >= previous);
            previous = bucket;
        }
    }

    void trafficSpeedIsInverted() {
        QCOMPARE(SensorColorScale::bucket(SensorKind::Traffic, 60.0), 0);
        QVERIFY(SensorColorScale::bucket(SensorKind::Traffic, 10.0) >
                SensorColorScale::bucket(SensorKind::Traffic, 40.0));
    }

    void noValueIsGrey() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (int kind = 0; kind < cityops::engine::kSensorKindCount; ++kind)
            QCOMPARE(SensorColorScale::bucket(static_cast<SensorKind>(kind), nan), SensorColorScale::kNoValueBucket);
        const QColor grey = SensorColorScale::bucketColor(SensorColorScale::kNoValueBucket);
        QVERIFY(std::abs(grey.red() - grey.green()) < 16 && std::abs(grey.green() - grey.blue()) < 16);
    }
};

QTEST_GUILESS_MAIN(TestSensorColorScale)
#include "test_sensor_color_scale.moc"
