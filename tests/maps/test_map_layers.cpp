#include <QtTest>
#include <cmath>

#include "cityops/engine/latest_values.h"
#include "cityops/maps/district_averages.h"
#include "cityops/maps/map_view.h"
#include "cityops/maps/sensor_clusters.h"
#include "cityops/maps/sensor_color_scale.h"

using namespace cityops;
using maps::MapLayer;
using maps::MapView;

namespace {

constexpr std::uint32_t kHotSensor = 0;    //!< air quality, West
constexpr std::uint32_t kCleanSensor = 4;  //!< air quality, East
constexpr std::uint32_t kRoadSensor = 1;   //!< traffic, on road 0

//! Two districts, one road and a 4×5 grid of sensors; sensor 1 measures the road.
simulation::City layerCity() {
    simulation::City city;
    city.name = "Layergrad";
    city.districts.push_back(
        {"West", {{50.40, 30.40}, {50.50, 30.40}, {50.50, 30.50}, {50.40, 30.50}}, {50.45, 30.45}});
    city.districts.push_back(
        {"East", {{50.40, 30.50}, {50.50, 30.50}, {50.50, 30.60}, {50.40, 30.60}}, {50.45, 30.55}});
    city.roads.push_back({0, {50.405, 30.41}, {50.405, 30.59}, 0, 50.0});
    std::uint32_t id = 0;
    for (int row = 0; row < 4; ++row) {
        for (int col = 0; col < 5; ++col) {
            simulation::Sensor sensor;
            sensor.id = id++;
            sensor.kind = (col % 2 == 0) ? engine::SensorKind::AirQuality : engine::SensorKind::Traffic;
            sensor.position = {50.42 + 0.02 * row, 30.42 + 0.04 * col};
            sensor.districtId = col < 2 ? 0 : 1;
            if (sensor.id == kRoadSensor) sensor.roadSegmentId = 0;
            city.sensors.push_back(sensor);
        }
    }
    return city;
}

//! A dense city: side × side air-quality sensors in one district (for clustering).
simulation::City denseCity(int side) {
    simulation::City city;
    city.districts.push_back({"All", {{50.40, 30.40}, {50.50, 30.40}, {50.50, 30.60}, {50.40, 30.60}}, {50.45, 30.5}});
    for (int i = 0; i < side * side; ++i) {
        simulation::Sensor sensor;
        sensor.id = static_cast<std::uint32_t>(i);
        sensor.kind = engine::SensorKind::AirQuality;
        sensor.position = {50.40 + 0.1 * (i / side) / side, 30.40 + 0.2 * (i % side) / side};
        city.sensors.push_back(sensor);
    }
    return city;
}

void onlyLayer(MapView& view, std::optional<MapLayer> keep) {
    for (MapLayer layer : maps::kAllMapLayers) view.setLayerVisible(layer, keep && layer == *keep);
}

QImage render(MapView& view) {
    return view.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

//! Pixels that differ between two renders inside a region.
int differingPixels(const QImage& a, const QImage& b, const QRect& region) {
    int count = 0;
    const QRect r = region.intersected(a.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) count += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
    return count;
}

bool reddish(const QColor& c) {
    return c.red() > c.green() + 40 && c.red() > c.blue() + 40;
}

QRect around(QPointF p, int radius) {
    return QRect(p.toPoint() - QPoint(radius, radius), QSize(2 * radius + 1, 2 * radius + 1));
}

struct LayerFixture {
    LayerFixture() : latest(20) {
        view.resize(900, 700);
        view.setCity(layerCity());
        latest.store(kHotSensor, 1400.0, 1000);
        latest.store(kCleanSensor, 450.0, 1000);
        latest.store(kRoadSensor, 6.0, 1000);  // km/h: a jam, red
        latest.publish();
        view.updateValues(latest);
    }
    MapView view;
    engine::LatestValues latest;
};

}  // namespace

//! MapView layers: each toggle changes what is painted; clustering; heat map; choropleth; theme.
class TestMapLayers : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void allLayersVisibleByDefault() {
        MapView view;
        for (MapLayer layer : maps::kAllMapLayers) QVERIFY(view.isLayerVisible(layer));
        QCOMPARE(maps::layerId(MapLayer::HeatMap), QStringLiteral("heatMap"));
        QVERIFY(!maps::layerTitle(MapLayer::Traffic).isEmpty());
        QVERIFY(!maps::layerLegend(MapLayer::Alerts).isEmpty());
    }

    void choroplethColoursTheIncidentDistrict() {
        LayerFixture f;
        f.view.setDistrictValues({1300.0, std::nan("")});  // West: bad, East: no window yet
        onlyLayer(f.view, MapLayer::Districts);
        // A point inside West away from sensors, road and label.
        const QPointF west = f.view.viewport().geoToScreen(QGeoCoordinate(50.49, 30.44));
        const QPointF east = f.view.viewport().geoToScreen(QGeoCoordinate(50.49, 30.56));
        const QImage on = render(f.view);
        QVERIFY2(reddish(on.pixelColor(west.toPoint())), qPrintable(on.pixelColor(west.toPoint()).name()));
        QVERIFY(!reddish(on.pixelColor(east.toPoint())));
        f.view.setLayerVisible(MapLayer::Districts, false);
        const QImage off = render(f.view);
        QVERIFY(!reddish(off.pixelColor(west.toPoint())));
        QCOMPARE(off.pixel(east.toPoint()), on.pixel(east.toPoint()));
        QVERIFY(std::isnan(f.view.districtValue(1)));
        QCOMPARE(f.view.districtValue(0), 1300.0);
    }

    void trafficSpeedColoursRoads() {
        LayerFixture f;
        onlyLayer(f.view, MapLayer::Traffic);
        const QPointF onRoad = f.view.viewport().geoToScreen(QGeoCoordinate(50.405, 30.47));
        const QImage on = render(f.view);
        QVERIFY2(reddish(on.pixelColor(onRoad.toPoint())), qPrintable(on.pixelColor(onRoad.toPoint()).name()));
        f.view.setLayerVisible(MapLayer::Traffic, false);
        const QImage off = render(f.view);
        QVERIFY(!reddish(off.pixelColor(onRoad.toPoint())));
        QVERIFY(differingPixels(on, off, around(onRoad, 3)) > 0);
    }

    void heatMapAppearsWhereCo2IsHigh() {
        LayerFixture f;
        onlyLayer(f.view, std::nullopt);
        const QImage none = render(f.view);
        f.view.setLayerVisible(MapLayer::HeatMap, true);
        const QImage heat = render(f.view);
        QVERIFY(f.view.heatMapRenderCount() >= 1);
        const QPointF hot = f.view.sensorScreenPosition(kHotSensor);
        const QPointF clean = f.view.sensorScreenPosition(kCleanSensor);
        QVERIFY(differingPixels(none, heat, around(hot, 6)) > 100);
        QVERIFY(reddish(heat.pixelColor(hot.toPoint())));
        QCOMPARE(differingPixels(none, heat, around(clean, 6)), 0);

        // Bringing the hot sensor back to normal clears its glow (after at most a few recomputes).
        f.latest.store(kHotSensor, 420.0, 2000);
        f.latest.publish();
        f.view.updateValues(f.latest);
        QTRY_VERIFY_WITH_TIMEOUT(differingPixels(none, render(f.view), around(hot, 6)) == 0, 10'000);
    }

    void sensorAndAlertLayersToggle() {
        LayerFixture f;
        f.view.addAlert({kCleanSensor, engine::Severity::Critical});
        onlyLayer(f.view, MapLayer::Sensors);
        const QPointF clean = f.view.sensorScreenPosition(kCleanSensor);
        const QImage sensors = render(f.view);
        onlyLayer(f.view, std::nullopt);
        const QImage none = render(f.view);
        QVERIFY(differingPixels(sensors, none, around(clean, 2)) > 0);
        QCOMPARE(f.view.lastSensorMarkCount(), std::size_t{0});

        f.view.setLayerVisible(MapLayer::Alerts, true);
        const QImage alerts = render(f.view);
        QVERIFY(differingPixels(alerts, none, around(clean, 20)) > 0);
        QCOMPARE(differingPixels(alerts, none, around(clean, 2)), 0);  // a ring: the centre stays clear
    }

    void clusteringReducesMarksAtLowZoomOnly() {
        MapView view;
        view.resize(800, 600);
        view.setCity(denseCity(40));  // 1600 sensors
        onlyLayer(view, MapLayer::Sensors);
        QVERIFY(view.zoom() < MapView::kClusterMaxZoom);
        render(view);
        QVERIFY(view.lastClusterCount() > 0);
        QVERIFY(view.lastSensorMarkCount() < 1600 / 4);

        view.setZoom(MapView::kClusterMaxZoom + 2.0);
        render(view);
        QCOMPARE(view.lastClusterCount(), std::size_t{0});
        QVERIFY(view.lastSensorMarkCount() > 0);
    }

    void clustersTakeTheWorstColour() {
        const auto grey = static_cast<std::uint8_t>(maps::SensorColorScale::kNoValueBucket);
        const std::vector<maps::BucketedPoint> points{
            {{10, 10}, 2},     {{12, 14}, 9},     {{15, 11}, grey},  // one cell: worst is 9
            {{110, 10}, grey},                                       // alone, grey
            {{210, 10}, grey}, {{215, 12}, grey},                    // all grey
        };
        const auto clusters = maps::clusterSensors(points, QSizeF(300, 100), 40.0, grey);
        QCOMPARE(clusters.size(), std::size_t{3});
        for (const maps::SensorCluster& c : clusters) {
            if (c.count == 3) QCOMPARE(c.worstBucket, std::uint8_t{9});
            if (c.count == 1) QCOMPARE(c.worstBucket, grey);
            if (c.count == 2) QCOMPARE(c.worstBucket, grey);
        }
    }

    void districtAveragesFollowTheLatestWindow() {
        maps::DistrictAverages averages(3);
        auto window = [](std::int64_t start, std::uint16_t district, double average, engine::Metric metric) {
            engine::WindowAggregate a;
            a.windowStartMs = start;
            a.windowEndMs = start + 300'000;
            a.count = 2;
            a.sum = 2 * average;
            a.locationId = district;
            a.metric = metric;
            return a;
        };
        using engine::Metric;
        const std::vector<engine::WindowAggregate> first{
            window(0, 0, 600, Metric::Co2), window(0, 0, 1000, Metric::Co2), window(0, 1, 40, Metric::TrafficSpeed)};
        QVERIFY(averages.add(first));
        QCOMPARE(averages.means()[0], 800.0);
        QVERIFY(std::isnan(averages.means()[1]));  // another metric only
        const std::vector<engine::WindowAggregate> newer{window(300'000, 0, 1200, Metric::Co2)};
        QVERIFY(averages.add(newer));
        QCOMPARE(averages.means()[0], 1200.0);
        const std::vector<engine::WindowAggregate> late{window(0, 0, 100, Metric::Co2)};
        QVERIFY(!averages.add(late));
        QCOMPARE(averages.means()[0], 1200.0);
    }

    void themeChangesTheBackground() {
        MapView view;
        view.resize(400, 300);
        view.setCity(layerCity());
        const QImage dark = render(view);
        view.setTheme(maps::MapTheme::light());
        const QImage light = render(view);
        QCOMPARE(dark.pixelColor(2, 2), maps::MapTheme::dark().background);
        QCOMPARE(light.pixelColor(2, 2), maps::MapTheme::light().background);
    }

    void fitToDistrictShowsIt() {
        MapView view;
        view.resize(800, 600);
        view.setCity(layerCity());
        const double cityZoom = view.zoom();
        QVERIFY(view.fitToDistrict(1));
        QVERIFY(view.zoom() >= cityZoom);
        const QPointF eastCentre = view.viewport().geoToScreen(QGeoCoordinate(50.45, 30.55));
        QVERIFY(std::abs(eastCentre.x() - view.width() / 2.0) < 2.0);
        QVERIFY(!QRectF(view.rect()).contains(view.sensorScreenPosition(0)));  // far west: off screen
        QVERIFY(!view.fitToDistrict(7));
    }
};

QTEST_MAIN(TestMapLayers)
#include "test_map_layers.moc"
