#include <QtTest>
#include <cmath>
#include <set>
#include <string_view>
#include <vector>

#include "cityops/engine/latest_values.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream_pipeline.h"
#include "pipeline_test_support.h"

using namespace cityops::engine;
using cityops::engine::test::makeReading;

//! Latest values, the watched-sensor feed, metrics, lifecycle and the reading vocabulary.
class TestPipelineOutputs : public QObject {
    Q_OBJECT

private slots:
    void latestValuesKeepNewestPrimaryMetric();
    void latestValuesDisabledWithoutSensorCount();
    void latestValuesStandalone();
    void watchedSensorFeedsOnlyThatSensor();
    void switchingWatchDropsOldSensor();
    void lateCo2ReadingIsAggregatedButSkipsTheRule();
    void metricsBalanceAfterSync();
    void destructorWithoutFinishJoinsCleanly();
    void readingVocabulary();
};

void TestPipelineOutputs::latestValuesKeepNewestPrimaryMetric() {
    PipelineConfig config;
    config.workers = 2;
    config.sensorCount = 6;
    StreamPipeline pipeline(config);
    QCOMPARE(pipeline.latest().size(), 6u);
    QVERIFY(std::isnan(pipeline.latest().value(0)));
    QCOMPARE(pipeline.latest().eventTimeMs(0), LatestValues::kNoTime);
    const std::uint64_t version0 = pipeline.latest().version();

    const std::vector<Reading> input{
        makeReading(0, Metric::Co2, 1'000, 650.0),
        makeReading(0, Metric::Pm25, 2'000, 12.0),
        makeReading(1, Metric::TrafficSpeed, 1'000, 42.0),
        makeReading(1, Metric::VehicleCount, 3'000, 17.0),
        makeReading(2, Metric::Temperature, 5'000, 21.5),
        makeReading(2, Metric::Temperature, 4'000, 19.0),
        makeReading(3, Metric::ParkingOccupancy, 1'000, 0.75),
    };
    pipeline.push(input);
    pipeline.sync();
    const LatestValues& latest = pipeline.latest();
    QCOMPARE(latest.value(0), 650.0);
    QCOMPARE(latest.eventTimeMs(0), std::int64_t{1'000});
    QCOMPARE(latest.value(1), 42.0);
    QCOMPARE(latest.value(2), 21.5);
    QCOMPARE(latest.eventTimeMs(2), std::int64_t{5'000});
    QCOMPARE(latest.value(3), 0.75);
    QVERIFY(std::isnan(latest.value(4)));
    QVERIFY(std::isnan(latest.value(99)));
    QVERIFY(latest.version() > version0);

    const std::uint64_t version1 = latest.version();
    const Reading newer = makeReading(0, Metric::Co2, 9'000, 700.0);
    pipeline.push({&newer, 1});
    pipeline.sync();
    QCOMPARE(latest.value(0), 700.0);
    QVERIFY(latest.version() > version1);
}

void TestPipelineOutputs::latestValuesDisabledWithoutSensorCount() {
    PipelineConfig config;
    config.workers = 1;
    StreamPipeline pipeline(config);
    const Reading r = makeReading(5, Metric::Co2, 1'000, 650.0);
    pipeline.push({&r, 1});
    pipeline.finish();
    QCOMPARE(pipeline.latest().size(), 0u);
    QVERIFY(std::isnan(pipeline.latest().value(5)));
    QCOMPARE(pipeline.metrics().invalidEvents, std::uint64_t{0});
    QCOMPARE(pipeline.metrics().aggregates, std::uint64_t{1});
}

void TestPipelineOutputs::latestValuesStandalone() {
    LatestValues values(3);
    values.store(1, 2.5, 100);
    values.store(7, 9.0, 100);
    values.publish();
    QCOMPARE(values.value(1), 2.5);
    QCOMPARE(values.eventTimeMs(1), std::int64_t{100});
    QCOMPARE(values.version(), std::uint64_t{1});
    QVERIFY(std::isnan(values.value(7)));
}

void TestPipelineOutputs::watchedSensorFeedsOnlyThatSensor() {
    PipelineConfig config;
    config.workers = 3;
    StreamPipeline pipeline(config);
    pipeline.watchSensor(4);
    std::vector<Reading> input;
    for (int i = 0; i < 200; ++i) {
        for (std::uint32_t sensor = 0; sensor < 8; ++sensor) {
            input.push_back(makeReading(sensor, Metric::NoiseDb, i * 1'000, 40.0 + i, static_cast<std::uint64_t>(i)));
        }
    }
    for (std::size_t i = 0; i < input.size(); i += 37) {
        pipeline.push(std::span(input).subspan(i, std::min<std::size_t>(37, input.size() - i)));
    }
    pipeline.sync();
    std::vector<Reading> watched;
    pipeline.drainWatched(watched);
    QCOMPARE(watched.size(), std::size_t{200});
    for (std::size_t i = 0; i < watched.size(); ++i) {
        QCOMPARE(watched[i].sensorId, 4u);
        QCOMPARE(watched[i].seq, static_cast<std::uint64_t>(i));
    }
    watched.clear();
    pipeline.drainWatched(watched);
    QVERIFY(watched.empty());

    pipeline.watchSensor(StreamPipeline::kNoSensor);
    pipeline.push(input);
    pipeline.sync();
    pipeline.drainWatched(watched);
    QVERIFY(watched.empty());
}

void TestPipelineOutputs::switchingWatchDropsOldSensor() {
    PipelineConfig config;
    config.workers = 2;
    StreamPipeline pipeline(config);
    pipeline.watchSensor(1);
    const Reading a = makeReading(1, Metric::Co2, 1'000, 500.0);
    pipeline.push({&a, 1});
    pipeline.sync();
    pipeline.watchSensor(2);
    const std::vector<Reading> more{makeReading(1, Metric::Co2, 2'000, 510.0),
                                    makeReading(2, Metric::Co2, 2'000, 520.0)};
    pipeline.push(more);
    pipeline.sync();
    std::vector<Reading> watched;
    pipeline.drainWatched(watched);
    QCOMPARE(watched.size(), std::size_t{1});
    QCOMPARE(watched[0].sensorId, 2u);
    QCOMPARE(watched[0].value, 520.0);
}

void TestPipelineOutputs::lateCo2ReadingIsAggregatedButSkipsTheRule() {
    PipelineConfig config;
    config.workers = 1;
    config.maxOutOfOrdernessMs = 0;
    StreamPipeline pipeline(config);
    const std::vector<Reading> first{makeReading(0, Metric::Co2, 100'000, 900.0),
                                     makeReading(0, Metric::Co2, 110'000, 900.0)};
    pipeline.push(first);
    const Reading behind = makeReading(0, Metric::Co2, 105'000, 950.0);
    pipeline.push({&behind, 1});
    pipeline.finish();
    const PipelineMetrics m = pipeline.metrics();
    QCOMPARE(m.lateRuleEvents, std::uint64_t{1});
    QCOMPARE(m.lateEvents, std::uint64_t{0});
    QCOMPARE(m.alerts, std::uint64_t{0});
    std::vector<WindowAggregate> aggregates;
    pipeline.drainAggregates(aggregates);
    QCOMPARE(aggregates.size(), std::size_t{1});
    QCOMPARE(aggregates[0].count, 3u);
    QCOMPARE(aggregates[0].max, 950.0);
}

void TestPipelineOutputs::metricsBalanceAfterSync() {
    PipelineConfig config;
    config.workers = 2;
    config.sensorCount = 10;
    StreamPipeline pipeline(config);
    QCOMPARE(pipeline.config().workers, 2);
    PipelineMetrics m = pipeline.metrics();
    QCOMPARE(m.eventsIn, std::uint64_t{0});
    QCOMPARE(m.watermarkMs, PipelineMetrics::kNoTime);
    QCOMPARE(m.maxEventTimeMs, PipelineMetrics::kNoTime);
    std::vector<Reading> input;
    for (int i = 0; i < 1'000; ++i) {
        input.push_back(makeReading(static_cast<std::uint32_t>(i % 12), Metric::EnergyKwh, i * 100, 1.0));
    }
    pipeline.push(input);
    pipeline.sync();
    m = pipeline.metrics();
    QCOMPARE(m.eventsIn, std::uint64_t{1'000});
    QCOMPARE(m.eventsProcessed + m.invalidEvents, m.eventsIn);
    QCOMPARE(m.invalidEvents, std::uint64_t{166});
    QCOMPARE(m.maxEventTimeMs, std::int64_t{99'900});
    QCOMPARE(m.watermarkMs, std::int64_t{89'900});
    pipeline.finish();
    m = pipeline.metrics();
    QCOMPARE(m.watermarkMs, PipelineMetrics::kEndOfTime);
    QCOMPARE(m.aggregates, std::uint64_t{10});
}

void TestPipelineOutputs::destructorWithoutFinishJoinsCleanly() {
    std::vector<Reading> input;
    for (int i = 0; i < 5'000; ++i) {
        input.push_back(makeReading(static_cast<std::uint32_t>(i % 50), Metric::Co2, i * 10, 900.0));
    }
    for (int round = 0; round < 20; ++round) {
        PipelineConfig config;
        config.workers = 1 + round % 4;
        config.queueCapacity = 2;
        StreamPipeline pipeline(config);
        for (std::size_t i = 0; i < input.size(); i += 100) {
            pipeline.push(std::span(input).subspan(i, 100));
        }
    }
    PipelineConfig config;
    StreamPipeline idle(config);
    QVERIFY(idle.config().workers >= 1);
}

void TestPipelineOutputs::readingVocabulary() {
    QCOMPARE(toString(SensorKind::AirQuality), std::string_view("air_quality"));
    QCOMPARE(toString(Metric::Co2), std::string_view("co2"));
    QCOMPARE(toString(Metric::ParkingOccupancy), std::string_view("parking_occupancy"));
    QCOMPARE(unitOf(Metric::Co2), std::string_view("ppm"));
    QCOMPARE(unitOf(Metric::TrafficSpeed), std::string_view("km/h"));
    QVERIFY(primaryMetric(SensorKind::Traffic) == Metric::TrafficSpeed);
    QVERIFY(primaryMetric(SensorKind::AirQuality) == Metric::Co2);
    QVERIFY(primaryMetric(SensorKind::Temperature) == Metric::Temperature);
    QVERIFY(primaryMetric(SensorKind::Parking) == Metric::ParkingOccupancy);
    QVERIFY(primaryMetric(SensorKind::Emergency) == Metric::EmergencySeverity);
    QVERIFY(primaryMetric(SensorKind::Energy) == Metric::EnergyKwh);
    QVERIFY(primaryMetric(SensorKind::Noise) == Metric::NoiseDb);
    std::set<std::string_view> names;
    for (int m = 0; m < kMetricCount; ++m) {
        names.insert(toString(static_cast<Metric>(m)));
    }
    for (int k = 0; k < kSensorKindCount; ++k) {
        QVERIFY(toString(static_cast<SensorKind>(k)) != std::string_view("unknown"));
    }
    QCOMPARE(names.size(), static_cast<std::size_t>(kMetricCount));
}

QTEST_GUILESS_MAIN(TestPipelineOutputs)
#include "test_pipeline_outputs.moc"
