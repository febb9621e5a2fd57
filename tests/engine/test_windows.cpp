#include <QtTest>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include "cityops/engine/stream_pipeline.h"
#include "pipeline_test_support.h"

using namespace cityops::engine;
using cityops::engine::test::makeReading;
using cityops::engine::test::runPipeline;
using cityops::engine::test::sortAggregates;

namespace {

constexpr std::int64_t kWindow = 300'000;

PipelineConfig windowConfig(int workers, std::int64_t outOfOrderness) {
    PipelineConfig config;
    config.workers = workers;
    config.maxOutOfOrdernessMs = outOfOrderness;
    config.windowSizeMs = kWindow;
    return config;
}

std::vector<WindowAggregate> drainAll(StreamPipeline& pipeline) {
    std::vector<WindowAggregate> out;
    pipeline.drainAggregates(out);
    return out;
}

}  // namespace

//! Tumbling-window aggregation: exact values, boundaries, watermark-driven firing, late and invalid input.
class TestWindows : public QObject {
    Q_OBJECT

private slots:
    void exactAggregatesMatchReference();
    void eventAtWindowEndGoesToNextWindow();
    void negativeEventTimesAlignToEpoch();
    void nothingFiresBeforeWatermarkPassesEnd();
    void idleWorkerStillFiresWindows();
    void lateEventsAreCountedNotAggregated();
    void behindWatermarkButWindowOpenIsAggregated();
    void invalidEventsAreCountedAndSkipped();
};

void TestWindows::exactAggregatesMatchReference() {
    struct Expected {
        double sum = 0.0;
        double min = std::numeric_limits<double>::infinity();
        double max = -std::numeric_limits<double>::infinity();
        std::uint32_t count = 0;
    };
    std::map<std::tuple<std::uint32_t, Metric, std::int64_t>, Expected> expected;
    std::vector<Reading> input;
    std::uint64_t seq = 0;
    for (std::int64_t t = 0; t < 3 * kWindow; t += 7'000) {
        for (std::uint32_t sensor = 0; sensor < 5; ++sensor) {
            const Metric metric = sensor % 2 == 0 ? Metric::Temperature : Metric::Co2;
            const double value = 10.0 + static_cast<double>((t / 1000 * 31 + sensor * 17) % 97) * 0.37;
            input.push_back(makeReading(sensor, metric, t + sensor, value, ++seq));
            Expected& e = expected[{sensor, metric, (t + sensor) / kWindow * kWindow}];
            e.sum += value;
            e.min = std::min(e.min, value);
            e.max = std::max(e.max, value);
            ++e.count;
        }
    }

    auto result = runPipeline(windowConfig(2, 10'000), input, 50);
    sortAggregates(result.aggregates);
    QCOMPARE(result.aggregates.size(), expected.size());
    auto it = expected.begin();
    for (const WindowAggregate& a : result.aggregates) {
        const auto& [sensor, metric, start] = it->first;
        QCOMPARE(a.sensorId, sensor);
        QVERIFY(a.metric == metric);
        QCOMPARE(a.windowStartMs, start);
        QCOMPARE(a.windowEndMs, start + kWindow);
        QCOMPARE(a.count, it->second.count);
        QCOMPARE(a.sum, it->second.sum);
        QCOMPARE(a.min, it->second.min);
        QCOMPARE(a.max, it->second.max);
        QCOMPARE(a.average(), it->second.sum / it->second.count);
        QCOMPARE(a.locationId, static_cast<std::uint16_t>(sensor % 7));
        ++it;
    }
    QCOMPARE(result.metrics.aggregates, static_cast<std::uint64_t>(expected.size()));
    QCOMPARE(result.metrics.lateEvents, std::uint64_t{0});
    QCOMPARE(result.metrics.eventsProcessed, static_cast<std::uint64_t>(input.size()));
}

void TestWindows::eventAtWindowEndGoesToNextWindow() {
    const std::vector<Reading> input{
        makeReading(1, Metric::NoiseDb, kWindow - 1, 40.0),
        makeReading(1, Metric::NoiseDb, kWindow, 60.0),
        makeReading(1, Metric::NoiseDb, 2 * kWindow - 1, 70.0),
    };
    auto result = runPipeline(windowConfig(1, 0), input, 1);
    sortAggregates(result.aggregates);
    QCOMPARE(result.aggregates.size(), std::size_t{2});
    QCOMPARE(result.aggregates[0].windowStartMs, std::int64_t{0});
    QCOMPARE(result.aggregates[0].count, 1u);
    QCOMPARE(result.aggregates[0].sum, 40.0);
    QCOMPARE(result.aggregates[1].windowStartMs, kWindow);
    QCOMPARE(result.aggregates[1].windowEndMs, 2 * kWindow);
    QCOMPARE(result.aggregates[1].count, 2u);
    QCOMPARE(result.aggregates[1].average(), 65.0);
}

void TestWindows::negativeEventTimesAlignToEpoch() {
    const std::vector<Reading> input{makeReading(0, Metric::EnergyKwh, -1, 1.0),
                                     makeReading(0, Metric::EnergyKwh, -kWindow, 2.0),
                                     makeReading(0, Metric::EnergyKwh, 0, 4.0)};
    auto result = runPipeline(windowConfig(1, 1'000'000), input, 3);
    sortAggregates(result.aggregates);
    QCOMPARE(result.aggregates.size(), std::size_t{2});
    QCOMPARE(result.aggregates[0].windowStartMs, -kWindow);
    QCOMPARE(result.aggregates[0].windowEndMs, std::int64_t{0});
    QCOMPARE(result.aggregates[0].sum, 3.0);
    QCOMPARE(result.aggregates[1].windowStartMs, std::int64_t{0});
    QCOMPARE(result.aggregates[1].sum, 4.0);
}

void TestWindows::nothingFiresBeforeWatermarkPassesEnd() {
    StreamPipeline pipeline(windowConfig(2, 10'000));
    QCOMPARE(pipeline.metrics().watermarkMs, PipelineMetrics::kNoTime);
    const Reading first = makeReading(0, Metric::TrafficSpeed, 1'000, 50.0);
    pipeline.push({&first, 1});
    const Reading almost = makeReading(0, Metric::TrafficSpeed, kWindow + 9'999, 30.0);
    pipeline.push({&almost, 1});
    pipeline.sync();
    QCOMPARE(pipeline.metrics().watermarkMs, kWindow - 1);
    QVERIFY(drainAll(pipeline).empty());

    const Reading reach = makeReading(0, Metric::TrafficSpeed, kWindow + 10'000, 20.0);
    pipeline.push({&reach, 1});
    pipeline.sync();
    QCOMPARE(pipeline.metrics().watermarkMs, kWindow);
    QCOMPARE(pipeline.metrics().maxEventTimeMs, kWindow + 10'000);
    auto fired = drainAll(pipeline);
    QCOMPARE(fired.size(), std::size_t{1});
    QCOMPARE(fired[0].windowEndMs, kWindow);
    QCOMPARE(fired[0].sum, 50.0);
    QVERIFY(drainAll(pipeline).empty());

    pipeline.finish();
    QCOMPARE(pipeline.metrics().watermarkMs, PipelineMetrics::kEndOfTime);
    fired = drainAll(pipeline);
    QCOMPARE(fired.size(), std::size_t{1});
    QCOMPARE(fired[0].count, 2u);
    QCOMPARE(fired[0].sum, 50.0);
}

void TestWindows::idleWorkerStillFiresWindows() {
    StreamPipeline pipeline(windowConfig(2, 0));
    const Reading onWorker0 = makeReading(0, Metric::Humidity, 100, 55.0);
    pipeline.push({&onWorker0, 1});
    for (std::int64_t t = 1'000; t <= kWindow; t += 50'000) {
        const Reading onWorker1 = makeReading(1, Metric::Humidity, t, 60.0);
        pipeline.push({&onWorker1, 1});
    }
    const Reading end = makeReading(1, Metric::Humidity, kWindow, 60.0);
    pipeline.push({&end, 1});
    pipeline.sync();
    auto fired = drainAll(pipeline);
    sortAggregates(fired);
    QCOMPARE(fired.size(), std::size_t{2});
    QCOMPARE(fired[0].sensorId, 0u);
    QCOMPARE(fired[0].sum, 55.0);
    QCOMPARE(fired[1].sensorId, 1u);
    QCOMPARE(fired[1].count, 6u);
}

void TestWindows::lateEventsAreCountedNotAggregated() {
    StreamPipeline pipeline(windowConfig(1, 0));
    const std::vector<Reading> input{makeReading(0, Metric::Pm25, 1'000, 10.0),
                                     makeReading(1, Metric::Pm25, kWindow, 12.0)};
    pipeline.push(input);
    const Reading late = makeReading(0, Metric::Pm25, 2'000, 999.0);
    pipeline.push({&late, 1});
    pipeline.finish();
    auto fired = drainAll(pipeline);
    sortAggregates(fired);
    QCOMPARE(fired.size(), std::size_t{2});
    QCOMPARE(fired[0].sensorId, 0u);
    QCOMPARE(fired[0].count, 1u);
    QCOMPARE(fired[0].max, 10.0);
    const PipelineMetrics m = pipeline.metrics();
    QCOMPARE(m.lateEvents, std::uint64_t{1});
    QCOMPARE(m.eventsIn, std::uint64_t{3});
    QCOMPARE(m.eventsProcessed, std::uint64_t{3});
    QCOMPARE(m.invalidEvents, std::uint64_t{0});
}

void TestWindows::behindWatermarkButWindowOpenIsAggregated() {
    StreamPipeline pipeline(windowConfig(1, 0));
    const Reading ahead = makeReading(0, Metric::Pm25, kWindow + 50'000, 1.0);
    pipeline.push({&ahead, 1});
    const Reading behind = makeReading(0, Metric::Pm25, kWindow + 20'000, 2.0);
    pipeline.push({&behind, 1});
    pipeline.finish();
    auto fired = drainAll(pipeline);
    QCOMPARE(fired.size(), std::size_t{1});
    QCOMPARE(fired[0].count, 2u);
    QCOMPARE(fired[0].sum, 3.0);
    QCOMPARE(pipeline.metrics().lateEvents, std::uint64_t{0});
}

void TestWindows::invalidEventsAreCountedAndSkipped() {
    PipelineConfig config = windowConfig(2, 0);
    config.sensorCount = 4;
    std::vector<Reading> input{
        makeReading(0, Metric::Temperature, 1'000, 20.0),
        makeReading(1, Metric::Temperature, 1'000, std::numeric_limits<double>::quiet_NaN()),
        makeReading(2, Metric::Temperature, 1'000, std::numeric_limits<double>::infinity()),
        makeReading(3, Metric::Temperature, 1'000, -std::numeric_limits<double>::infinity()),
        makeReading(4, Metric::Temperature, 1'000, 21.0),
        makeReading(StreamPipeline::kNoSensor, Metric::Temperature, 1'000, 21.0),
        makeReading(0, Metric::Temperature, std::numeric_limits<std::int64_t>::max(), 22.0),
        makeReading(0, Metric::Temperature, std::numeric_limits<std::int64_t>::min(), 23.0),
    };
    Reading badMetric = makeReading(0, Metric::Temperature, 1'000, 1.0);
    badMetric.metric = static_cast<Metric>(200);
    input.push_back(badMetric);

    StreamPipeline pipeline(config);
    pipeline.push(input);
    pipeline.finish();
    auto fired = drainAll(pipeline);
    QCOMPARE(fired.size(), std::size_t{1});
    QCOMPARE(fired[0].sensorId, 0u);
    QCOMPARE(fired[0].count, 1u);
    QCOMPARE(fired[0].sum, 20.0);
    const PipelineMetrics m = pipeline.metrics();
    QCOMPARE(m.invalidEvents, std::uint64_t{8});
    QCOMPARE(m.eventsIn, static_cast<std::uint64_t>(input.size()));
    QCOMPARE(m.eventsProcessed + m.invalidEvents, m.eventsIn);
    QCOMPARE(m.maxEventTimeMs, std::int64_t{1'000});
    QVERIFY(std::isnan(pipeline.latest().value(1)));
}

QTEST_GUILESS_MAIN(TestWindows)
#include "test_windows.moc"
