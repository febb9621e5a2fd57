#include <QtTest>

#include "cityops/simulation/live_jobs.h"
#include "cityops/widgets/live_chart_panel.h"

using namespace cityops;
using widgets::LiveChartPanel;

namespace {

simulation::City smallCity() {
    simulation::City city;
    city.districts.push_back({"Podilskyi", {}, {50.47, 30.51}});
    simulation::Sensor aq;
    aq.id = 0;
    aq.kind = engine::SensorKind::AirQuality;
    aq.name = "AQ-Podilskyi-000";
    city.sensors.push_back(aq);
    simulation::Sensor traffic;
    traffic.id = 1;
    traffic.kind = engine::SensorKind::Traffic;
    traffic.name = "TR-Podilskyi-001";
    city.sensors.push_back(traffic);
    return city;
}

engine::Reading reading(std::uint32_t sensor, engine::Metric metric, std::int64_t timeMs, double value) {
    engine::Reading r;
    r.sensorId = sensor;
    r.metric = metric;
    r.kind = sensor == 0 ? engine::SensorKind::AirQuality : engine::SensorKind::Traffic;
    r.eventTimeMs = timeMs;
    r.value = value;
    return r;
}

}  // namespace

//! LiveChartPanel keeps only the selected sensor's primary metric, bounds its buffer, titles itself.
class TestLiveChartPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
    }

    void showsOnlyTheSelectedSensorAndMetric() {
        const simulation::City city = smallCity();
        LiveChartPanel chart(city);
        QVERIFY(!chart.sensor());
        chart.appendReadings(std::vector<engine::Reading>{reading(0, engine::Metric::Co2, 1'000, 500.0)});
        QCOMPARE(chart.rawPointCount(), 0);  // nothing selected

        chart.setSensor(0);
        QVERIFY(chart.metric() == engine::primaryMetric(engine::SensorKind::AirQuality));
        QVERIFY(chart.title().contains(QStringLiteral("AQ-Podilskyi-000")));
        QVERIFY(chart.title().contains(QStringLiteral("ppm")));
        chart.appendReadings(std::vector<engine::Reading>{
            reading(0, engine::Metric::Co2, 1'000, 500.0), reading(0, engine::Metric::Pm25, 1'000, 12.0),
            reading(1, engine::Metric::TrafficSpeed, 1'000, 40.0), reading(0, engine::Metric::Co2, 2'000, 520.0)});
        QCOMPARE(chart.rawPointCount(), 2);

        engine::WindowAggregate mine;
        mine.sensorId = 0;
        mine.metric = engine::Metric::Co2;
        mine.windowStartMs = 0;
        mine.windowEndMs = 300'000;
        mine.count = 2;
        mine.sum = 1020.0;
        engine::WindowAggregate other = mine;
        other.sensorId = 1;
        chart.appendAggregates(std::vector<engine::WindowAggregate>{mine, other});
        QCOMPARE(chart.averagePointCount(), 2);  // start and end of the one window
        chart.flush();

        chart.setSensor(1);
        QCOMPARE(chart.rawPointCount(), 0);
        QCOMPARE(chart.averagePointCount(), 0);
        QVERIFY(chart.title().contains(QStringLiteral("TR-Podilskyi-001")));
        QVERIFY(chart.title().contains(QStringLiteral("km/h")));

        chart.setSensor(simulation::LiveJobs::kNoSensor);
        QVERIFY(!chart.sensor());
    }

    void bufferIsBounded() {
        const simulation::City city = smallCity();
        LiveChartPanel chart(city);
        chart.setSensor(0);
        std::vector<engine::Reading> batch;
        for (int i = 0; i < LiveChartPanel::kMaxPoints + 5'000; ++i)
            batch.push_back(reading(0, engine::Metric::Co2, 1'000LL * i, 400.0 + i % 100));
        chart.appendReadings(std::span<const engine::Reading>(batch).first(10'000));
        chart.appendReadings(std::span<const engine::Reading>(batch).subspan(10'000));
        QCOMPARE(chart.rawPointCount(), LiveChartPanel::kMaxPoints);
        chart.flush();
    }

    void rendersOffscreen() {
        const simulation::City city = smallCity();
        LiveChartPanel chart(city);
        chart.resize(600, 300);
        chart.setSensor(0);
        std::vector<engine::Reading> batch;
        for (int i = 0; i < 600; ++i)
            batch.push_back(reading(0, engine::Metric::Co2, 1'772'438'400'000LL + 1'000LL * i, 600.0 + i));
        chart.appendReadings(batch);
        chart.flush();
        QVERIFY(!chart.grab().toImage().isNull());
    }
};

QTEST_MAIN(TestLiveChartPanel)
#include "test_live_chart_panel.moc"
