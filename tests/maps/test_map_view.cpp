#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>

#include "cityops/engine/latest_values.h"
#include "cityops/maps/map_view.h"
#include "cityops/maps/sensor_color_scale.h"

using namespace cityops;
using maps::MapView;

namespace {

//! Two districts and a grid of sensors around Kyiv's centre, built by hand (no simulator needed).
simulation::City smallCity() {
    simulation::City city;
    city.name = "Testgrad";
    city.districts.push_back(
        {"West", {{50.40, 30.40}, {50.50, 30.40}, {50.50, 30.50}, {50.40, 30.50}}, {50.45, 30.45}});
    city.districts.push_back(
        {"East", {{50.40, 30.50}, {50.50, 30.50}, {50.50, 30.60}, {50.40, 30.60}}, {50.45, 30.55}});
    city.roads.push_back({0, {50.42, 30.42}, {50.48, 30.58}, 0, 50.0});
    std::uint32_t id = 0;
    for (int row = 0; row < 4; ++row) {
        for (int col = 0; col < 5; ++col) {
            simulation::Sensor sensor;
            sensor.id = id++;
            sensor.kind = (col % 2 == 0) ? engine::SensorKind::AirQuality : engine::SensorKind::Traffic;
            sensor.position = {50.41 + 0.025 * row, 30.42 + 0.04 * col};
            sensor.districtId = col < 2 ? 0 : 1;
            sensor.name = "S-" + std::to_string(sensor.id);
            city.sensors.push_back(sensor);
        }
    }
    return city;
}

double distance(QPointF a, QPointF b) {
    return std::hypot(a.x() - b.x(), a.y() - b.y());
}

void sendMouse(QWidget& widget, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent event(type, pos, widget.mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(&widget, &event);
}

}  // namespace

//! MapView: fit, zoom and pan by API, wheel, keys and drag; picking; version-gated value updates.
class TestMapView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
    }

    void fitShowsAllSensors() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        QCOMPARE(view.sensorCount(), 20u);
        for (std::uint32_t i = 0; i < view.sensorCount(); ++i)
            QVERIFY(QRectF(view.rect()).contains(view.sensorScreenPosition(i)));
        // Resizing before the user moves the view keeps the city fitted.
        view.resize(400, 300);
        for (std::uint32_t i = 0; i < view.sensorCount(); ++i)
            QVERIFY(QRectF(view.rect()).contains(view.sensorScreenPosition(i)));
    }

    void zoomScalesDistances() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        const QGeoCoordinate centre = view.centre();
        const double before = distance(view.sensorScreenPosition(0), view.sensorScreenPosition(19));
        view.setZoom(view.zoom() + 1.0);
        const double after = distance(view.sensorScreenPosition(0), view.sensorScreenPosition(19));
        QVERIFY(std::abs(after / before - 2.0) < 1e-6);
        QVERIFY(view.centre().distanceTo(centre) < 0.01);
    }

    void wheelZoomsAboutTheCursor() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        const QPointF cursor(600.0, 150.0);
        const QGeoCoordinate under = view.viewport().screenToGeo(cursor);
        const double zoom = view.zoom();
        QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(view.zoom() > zoom);
        QVERIFY(distance(view.viewport().geoToScreen(under), cursor) < 1e-6);
    }

    void keysZoomAndPan() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        const double zoom = view.zoom();
        QTest::keyClick(&view, Qt::Key_Plus);
        QCOMPARE(view.zoom(), zoom + 1.0);
        QTest::keyClick(&view, Qt::Key_Minus);
        QCOMPARE(view.zoom(), zoom);
        const QPointF before = view.sensorScreenPosition(7);
        QTest::keyClick(&view, Qt::Key_Left);
        const QPointF after = view.sensorScreenPosition(7);
        QVERIFY(after.x() > before.x() + 10.0);
        QVERIFY(std::abs(after.y() - before.y()) < 1e-6);
    }

    void dragPans() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        const QPointF before = view.sensorScreenPosition(3);
        QSignalSpy clicked(&view, &MapView::sensorClicked);
        sendMouse(view, QEvent::MouseButtonPress, QPointF(100, 100), Qt::LeftButton);
        sendMouse(view, QEvent::MouseMove, QPointF(130, 110), Qt::LeftButton);
        sendMouse(view, QEvent::MouseMove, QPointF(160, 140), Qt::LeftButton);
        sendMouse(view, QEvent::MouseButtonRelease, QPointF(160, 140), Qt::NoButton);
        const QPointF after = view.sensorScreenPosition(3);
        QVERIFY(distance(after - before, QPointF(60.0, 40.0)) < 1e-6);
        QCOMPARE(clicked.count(), 0);
    }

    void centreOnMovesTheCoordinateToTheMiddle() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        view.centreOn(QGeoCoordinate(50.48, 30.58));
        const QPointF p = view.viewport().geoToScreen(QGeoCoordinate(50.48, 30.58));
        QVERIFY(distance(p, QPointF(400.0, 300.0)) < 1e-6);
        view.centreOnSensor(12);
        QVERIFY(distance(view.sensorScreenPosition(12), QPointF(400.0, 300.0)) < 1e-6);
    }

    void clickOnSensorEmitsItsId() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        QSignalSpy clicked(&view, &MapView::sensorClicked);
        const QPointF target = view.sensorScreenPosition(13) + QPointF(2.0, -1.0);
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, target.toPoint());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().value<quint32>(), 13u);
        QCOMPARE(view.selectedSensor(), std::optional<std::uint32_t>(13u));
        // Far from any sensor: nothing.
        const QPointF empty = (view.sensorScreenPosition(0) + view.sensorScreenPosition(6)) / 2.0;
        QVERIFY(!view.sensorAt(empty).has_value());
        QTest::mouseClick(&view, Qt::LeftButton, Qt::NoModifier, empty.toPoint());
        QCOMPARE(clicked.count(), 1);
    }

    void valuesAreVersionGated() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        engine::LatestValues latest(20);
        QVERIFY(std::isnan(view.sensorValue(0)));
        QVERIFY(view.updateValues(latest));  // first look at the table
        const std::uint64_t repaints = view.valueRepaintCount();
        QVERIFY(!view.updateValues(latest));  // same version: nothing to do

        latest.store(0, 1200.0, 1000);
        QVERIFY(!view.updateValues(latest));  // stored but not yet published
        latest.publish();
        QVERIFY(view.updateValues(latest));
        QCOMPARE(view.sensorValue(0), 1200.0);
        QCOMPARE(view.valueRepaintCount(), repaints + 1);
        QVERIFY(!view.updateValues(latest));

        latest.store(0, 1210.0, 2000);  // same colour bucket: new version, no repaint needed
        latest.publish();
        QVERIFY(view.updateValues(latest));
        QCOMPARE(view.sensorValue(0), 1210.0);
        QCOMPARE(view.valueRepaintCount(), repaints + 1);
    }

    void paintsSensorColours() {
        MapView view;
        view.resize(800, 600);
        view.setCity(smallCity());
        view.setZoom(13.0);
        view.centreOnSensor(10);
        engine::LatestValues latest(20);
        latest.store(10, 1300.0, 1000);  // CO2 sensor: red
        latest.store(5, 450.0, 1000);    // CO2 sensor: green
        latest.publish();
        view.updateValues(latest);
        for (std::uint32_t id : {10u, 5u, 11u}) QVERIFY(QRectF(view.rect()).contains(view.sensorScreenPosition(id)));
        const QImage image = view.grab().toImage();
        const QColor red = image.pixelColor(view.sensorScreenPosition(10).toPoint());
        const QColor green = image.pixelColor(view.sensorScreenPosition(5).toPoint());
        const QColor grey = image.pixelColor(view.sensorScreenPosition(11).toPoint());
        QCOMPARE(red, maps::SensorColorScale::color(engine::SensorKind::AirQuality, 1300.0));
        QCOMPARE(green, maps::SensorColorScale::color(engine::SensorKind::AirQuality, 450.0));
        QCOMPARE(grey, maps::SensorColorScale::bucketColor(maps::SensorColorScale::kNoValueBucket));
    }

    void alertMarkersKeepOnePerSensor() {
        MapView view;
        view.setCity(smallCity());
        view.addAlert({4, engine::Severity::Warning});
        view.addAlert({4, engine::Severity::Critical});
        view.addAlert({5, engine::Severity::Warning});
        view.addAlert({999, engine::Severity::Warning});  // unknown sensor: ignored
        QCOMPARE(view.alertMarkerCount(), std::size_t{2});
        view.clearAlerts();
        QCOMPARE(view.alertMarkerCount(), std::size_t{0});
    }

    void paintsTenThousandSensors() {
        simulation::City city = smallCity();
        city.sensors.clear();
        for (std::uint32_t i = 0; i < 10'000; ++i) {
            simulation::Sensor sensor;
            sensor.id = i;
            sensor.kind = static_cast<engine::SensorKind>(i % engine::kSensorKindCount);
            sensor.position = {50.40 + 0.001 * (i / 100), 30.40 + 0.002 * (i % 100)};  // a 100 x 100 grid
            city.sensors.push_back(sensor);
        }
        MapView view;
        view.resize(1200, 800);
        view.setCity(city);
        engine::LatestValues latest(10'000);
        for (std::uint32_t i = 0; i < 10'000; i += 2) latest.store(i, 700.0, 1);
        latest.publish();
        QVERIFY(view.updateValues(latest));
        const QImage image = view.grab().toImage();
        QVERIFY(!image.isNull());
        QCOMPARE(view.sensorAt(view.sensorScreenPosition(4242), 0.5), std::optional<std::uint32_t>(4242u));
    }
};

QTEST_MAIN(TestMapView)
#include "test_map_view.moc"
