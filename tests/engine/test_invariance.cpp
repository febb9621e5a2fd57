#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "cityops/engine/stream_pipeline.h"
#include "pipeline_test_support.h"

using namespace cityops::engine;
using cityops::engine::test::makeReading;
using cityops::engine::test::runPipeline;
using cityops::engine::test::sameAggregate;
using cityops::engine::test::sameAlert;
using cityops::engine::test::sortAggregates;
using cityops::engine::test::sortAlerts;

namespace {

constexpr std::int64_t kOutOfOrderness = 20'000;
constexpr std::uint32_t kSensors = 48;
constexpr std::int64_t kDuration = 3 * 3'600'000;

PipelineConfig baseConfig() {
    PipelineConfig config;
    config.maxOutOfOrdernessMs = kOutOfOrderness;
    config.sensorCount = kSensors;
    return config;
}

//! Values on a 1/16 grid below 2^20, so every sum is exact and the order of addition cannot matter.
double quantize(double v) {
    return std::round(v * 16.0) / 16.0;
}

//! A seeded multi-sensor stream in event-time order: air-quality sensors (CO2 random walk crossing
//! the threshold, plus PM2.5), traffic and temperature sensors, each with its own jittered period.
std::vector<Reading> generateStream(std::uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::int64_t> period(15'000, 45'000);
    std::uniform_int_distribution<std::int64_t> jitter(0, 4'000);
    std::normal_distribution<double> step(0.0, 40.0);
    std::vector<Reading> out;
    for (std::uint32_t sensor = 0; sensor < kSensors; ++sensor) {
        const std::int64_t every = period(rng);
        double co2 = 700.0 + static_cast<double>(sensor % 5) * 40.0;
        std::uint64_t seq = 0;
        for (std::int64_t t = jitter(rng); t < kDuration; t += every + jitter(rng)) {
            switch (sensor % 3) {
                case 0:
                    co2 = std::clamp(co2 + step(rng), 400.0, 1'400.0);
                    out.push_back(makeReading(sensor, Metric::Co2, t, quantize(co2), ++seq));
                    out.push_back(makeReading(sensor, Metric::Pm25, t, quantize(co2 / 40.0), ++seq));
                    break;
                case 1:
                    out.push_back(
                        makeReading(sensor, Metric::TrafficSpeed, t, quantize(30.0 + step(rng) / 4.0), ++seq));
                    break;
                default:
                    out.push_back(
                        makeReading(sensor, Metric::Temperature, t, quantize(15.0 + step(rng) / 10.0), ++seq));
                    break;
            }
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Reading& a, const Reading& b) { return a.eventTimeMs < b.eventTimeMs; });
    return out;
}

//! Arrival order sorted by eventTime + U[0, bound]: every event is at most `bound` behind any
//! earlier arrival, so nothing is late under the pipeline's watermark.
std::vector<Reading> shuffleWithinBound(std::vector<Reading> in, std::uint32_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::int64_t> delay(0, kOutOfOrderness);
    std::vector<std::pair<std::int64_t, Reading>> keyed;
    for (const Reading& r : in) {
        keyed.emplace_back(r.eventTimeMs + delay(rng), r);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < in.size(); ++i) {
        in[i] = keyed[i].second;
    }
    return in;
}

//! Straightforward single-threaded reference of both jobs, written independently of the engine.
test::RunResult reference(const std::vector<Reading>& input, const PipelineConfig& config) {
    test::RunResult result;
    std::map<std::tuple<std::uint32_t, Metric, std::int64_t>, WindowAggregate> windows;
    std::map<std::uint32_t, std::vector<Reading>> co2;
    for (const Reading& r : input) {
        const std::int64_t start = r.eventTimeMs / config.windowSizeMs * config.windowSizeMs;
        auto [it, inserted] = windows.try_emplace({r.sensorId, r.metric, start});
        WindowAggregate& w = it->second;
        if (inserted) {
            w = WindowAggregate{
                start, start + config.windowSizeMs, 0.0, r.value, r.value, 0, r.sensorId, r.locationId, r.metric};
        }
        w.sum += r.value;
        w.min = std::min(w.min, r.value);
        w.max = std::max(w.max, r.value);
        ++w.count;
        if (r.metric == Metric::Co2 && r.value > config.co2ThresholdPpm) {
            co2[r.sensorId].push_back(r);
        }
    }
    for (const auto& [key, w] : windows) {
        result.aggregates.push_back(w);
    }
    const auto n = static_cast<std::size_t>(config.co2Times);
    for (auto& [sensor, readings] : co2) {
        std::sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
            return std::tie(a.eventTimeMs, a.seq, a.value) < std::tie(b.eventTimeMs, b.seq, b.value);
        });
        std::size_t j = 0;
        while (j + n <= readings.size()) {
            if (readings[j + n - 1].eventTimeMs - readings[j].eventTimeMs >= config.co2WithinMs) {
                ++j;
                continue;
            }
            Alert a;
            a.firstEventMs = readings[j].eventTimeMs;
            a.eventTimeMs = readings[j + n - 1].eventTimeMs;
            a.sensorId = sensor;
            a.locationId = readings[j].locationId;
            for (std::size_t k = j; k < j + n; ++k) {
                a.value = std::max(a.value, readings[k].value);
            }
            a.severity = a.value >= 1.5 * config.co2ThresholdPpm ? Severity::Critical : Severity::Warning;
            a.matchedCount = static_cast<std::uint8_t>(n);
            a.id = makeAlertId(AlertRule::Co2High, sensor, a.firstEventMs);
            result.alerts.push_back(a);
            j += n;
        }
    }
    sortAlerts(result.alerts);
    sortAggregates(result.aggregates);
    return result;
}

}  // namespace

//! Same input, other parallelism, batch sizes and arrival order → identical results (WindFlow style).
class TestInvariance : public QObject {
    Q_OBJECT

private slots:
    void identicalResultsAcrossParallelismBatchingAndOrder_data();
    void identicalResultsAcrossParallelismBatchingAndOrder();
    void smallQueuesApplyBackpressureWithoutLoss();
};

void TestInvariance::identicalResultsAcrossParallelismBatchingAndOrder_data() {
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<bool>("shuffled");
    for (int workers : {1, 2, 4}) {
        for (int batchSize : {1, 64, 4096}) {
            for (bool shuffled : {false, true}) {
                QTest::addRow("w%d_b%d_%s", workers, batchSize, shuffled ? "shuffled" : "ordered")
                    << workers << batchSize << shuffled;
            }
        }
    }
}

void TestInvariance::identicalResultsAcrossParallelismBatchingAndOrder() {
    QFETCH(int, workers);
    QFETCH(int, batchSize);
    QFETCH(bool, shuffled);

    const std::vector<Reading> ordered = generateStream(42);
    const PipelineConfig config = baseConfig();
    const test::RunResult expected = reference(ordered, config);
    QVERIFY(expected.alerts.size() >= 10);
    QVERIFY(expected.aggregates.size() >= 1'000);

    const std::vector<Reading> input =
        shuffled ? shuffleWithinBound(ordered, 1'000u + static_cast<unsigned>(workers * batchSize)) : ordered;
    PipelineConfig runConfig = config;
    runConfig.workers = workers;
    test::RunResult actual = runPipeline(runConfig, input, static_cast<std::size_t>(batchSize));
    sortAlerts(actual.alerts);
    sortAggregates(actual.aggregates);

    QCOMPARE(actual.metrics.lateEvents, std::uint64_t{0});
    QCOMPARE(actual.metrics.lateRuleEvents, std::uint64_t{0});
    QCOMPARE(actual.metrics.invalidEvents, std::uint64_t{0});
    QCOMPARE(actual.metrics.eventsProcessed, static_cast<std::uint64_t>(input.size()));
    QCOMPARE(actual.metrics.alerts, static_cast<std::uint64_t>(expected.alerts.size()));
    QCOMPARE(actual.metrics.aggregates, static_cast<std::uint64_t>(expected.aggregates.size()));
    QCOMPARE(actual.alerts.size(), expected.alerts.size());
    for (std::size_t i = 0; i < expected.alerts.size(); ++i) {
        QVERIFY2(sameAlert(actual.alerts[i], expected.alerts[i]), qPrintable(QString::number(i)));
    }
    QCOMPARE(actual.aggregates.size(), expected.aggregates.size());
    for (std::size_t i = 0; i < expected.aggregates.size(); ++i) {
        QVERIFY2(sameAggregate(actual.aggregates[i], expected.aggregates[i]), qPrintable(QString::number(i)));
    }
}

void TestInvariance::smallQueuesApplyBackpressureWithoutLoss() {
    const std::vector<Reading> input = generateStream(9);
    PipelineConfig config = baseConfig();
    const test::RunResult expected = reference(input, config);
    config.workers = 3;
    config.queueCapacity = 1;
    test::RunResult actual = runPipeline(config, input, 16);
    sortAlerts(actual.alerts);
    sortAggregates(actual.aggregates);
    QCOMPARE(actual.alerts.size(), expected.alerts.size());
    QCOMPARE(actual.aggregates.size(), expected.aggregates.size());
    for (std::size_t i = 0; i < expected.aggregates.size(); ++i) {
        QVERIFY(sameAggregate(actual.aggregates[i], expected.aggregates[i]));
    }
    QCOMPARE(actual.metrics.eventsProcessed, static_cast<std::uint64_t>(input.size()));
}

QTEST_GUILESS_MAIN(TestInvariance)
#include "test_invariance.moc"
