// Data-quality checks (each injected fault found, nothing else), the forecast against naive baselines
// on seasonal data, and the nightly scheduler with an injected clock.
#include <QtTest>
#include <atomic>
#include <cmath>
#include <random>
#include <vector>

#include "cityops/engine/history/data_quality.h"
#include "cityops/engine/history/forecast.h"
#include "cityops/engine/history/nightly_scheduler.h"

using namespace cityops::engine;
using namespace cityops::engine::history;

namespace {

constexpr std::int64_t kNov2026 = 1'793'491'200'000;  // 2026-11-01 00:00:00 UTC
constexpr std::int64_t kMinute = 60'000;

Reading make(std::uint32_t sensor, Metric metric, std::int64_t ts, double value, std::uint64_t seq) {
    Reading r;
    r.sensorId = sensor;
    r.metric = metric;
    r.eventTimeMs = ts;
    r.value = value;
    r.seq = seq;
    return r;
}

//! Six hours of clean one-minute readings for 3 sensors × 2 metrics: smooth values plus noise, so no
//! two neighbours are equal and every value is in range.
std::vector<Reading> cleanReadings() {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> noise(-0.5, 0.5);
    std::vector<Reading> out;
    for (std::uint32_t s = 1; s <= 3; ++s) {
        for (int i = 0; i < 360; ++i) {
            const std::int64_t ts = kNov2026 + i * kMinute + s * 100;
            out.push_back(make(s, Metric::TrafficSpeed, ts, 50.0 + 10.0 * std::sin(i / 10.0) + noise(rng),
                               static_cast<std::uint64_t>(i + 1)));
            out.push_back(make(s, Metric::VehicleCount, ts, 30.0 + 5.0 * std::cos(i / 7.0) + noise(rng),
                               static_cast<std::uint64_t>(i + 1)));
        }
    }
    return out;
}

Reading* find(std::vector<Reading>& readings, std::uint32_t sensor, Metric metric, int index) {
    for (Reading& r : readings) {
        if (r.sensorId == sensor && r.metric == metric && r.seq == static_cast<std::uint64_t>(index + 1)) return &r;
    }
    return nullptr;
}

//! 5 weeks of hourly values: level + trend + daily and weekly seasons + Gaussian noise (σ = noise).
std::vector<HourlyPoint> seasonalSeries(double noise, double trendPerHour) {
    std::mt19937 rng(11);
    std::normal_distribution<double> eps(0.0, noise);
    std::vector<HourlyPoint> out;
    const std::int64_t start = kNov2026 + kDayMs;  // a Monday
    for (int h = 0; h < 5 * 168; ++h) {
        const double how = h % 168;
        const double hod = h % 24;
        const double weekend = how >= 120 ? -25.0 : 0.0;
        const double v = 200.0 + trendPerHour * h + 40.0 * std::sin(2 * M_PI * (hod - 6) / 24.0) + weekend +
                         (noise > 0 ? eps(rng) : 0.0);
        out.push_back({start + h * kHourMs, v});
    }
    return out;
}

}  // namespace

class TestHistoryQualityForecast : public QObject {
    Q_OBJECT

private slots:
    void cleanDataHasNoIssues() {
        const auto readings = cleanReadings();
        const QualityReport report = checkDataQuality(readings);
        QCOMPARE(report.readingsChecked, std::uint64_t{readings.size()});
        QCOMPARE(report.series, std::uint64_t{6});
        QVERIFY2(report.issues.empty(), report.issues.empty() ? "" : report.issues.front().detail.c_str());
    }

    void findsEachInjectedFaultAndNothingElse() {
        auto readings = cleanReadings();
        // Gap: sensor 1 traffic speed loses minutes 100..109 (10 readings).
        std::erase_if(readings, [](const Reading& r) {
            return r.sensorId == 1 && r.metric == Metric::TrafficSpeed && r.seq >= 101 && r.seq <= 110;
        });
        // Stuck: sensor 2 vehicle count reads 42 for minutes 200..214 (15 readings).
        for (int i = 200; i < 215; ++i) find(readings, 2, Metric::VehicleCount, i)->value = 42.0;
        // Out of range: a negative speed on sensor 3 at minute 50.
        find(readings, 3, Metric::TrafficSpeed, 50)->value = -5.0;
        // Duplicate: sensor 1's vehicle count of minute 300 delivered twice.
        const Reading dup = *find(readings, 1, Metric::VehicleCount, 300);
        readings.push_back(dup);

        const QualityReport report = checkDataQuality(readings);
        QCOMPARE(report.issues.size(), std::size_t{4});
        QCOMPARE(report.counts[static_cast<int>(QualityIssueKind::Gap)], std::uint64_t{1});
        QCOMPARE(report.counts[static_cast<int>(QualityIssueKind::Stuck)], std::uint64_t{1});
        QCOMPARE(report.counts[static_cast<int>(QualityIssueKind::OutOfRange)], std::uint64_t{1});
        QCOMPARE(report.counts[static_cast<int>(QualityIssueKind::Duplicate)], std::uint64_t{1});
        for (const QualityIssue& q : report.issues) {
            switch (q.kind) {
                case QualityIssueKind::Gap:
                    QCOMPARE(q.sensorId, 1u);
                    QVERIFY(q.metric == Metric::TrafficSpeed);
                    QCOMPARE(q.count, std::uint64_t{10});
                    QCOMPARE(q.fromMs, kNov2026 + 99 * kMinute + 100);
                    QCOMPARE(q.toMs, kNov2026 + 110 * kMinute + 100);
                    break;
                case QualityIssueKind::Stuck:
                    QCOMPARE(q.sensorId, 2u);
                    QVERIFY(q.metric == Metric::VehicleCount);
                    QCOMPARE(q.count, std::uint64_t{15});
                    QCOMPARE(q.value, 42.0);
                    QCOMPARE(q.fromMs, kNov2026 + 200 * kMinute + 200);
                    break;
                case QualityIssueKind::OutOfRange:
                    QCOMPARE(q.sensorId, 3u);
                    QCOMPARE(q.value, -5.0);
                    QCOMPARE(q.fromMs, kNov2026 + 50 * kMinute + 300);
                    break;
                case QualityIssueKind::Duplicate:
                    QCOMPARE(q.sensorId, 1u);
                    QVERIFY(q.metric == Metric::VehicleCount);
                    QCOMPARE(q.fromMs, dup.eventTimeMs);
                    break;
            }
        }
        // A re-sent reading with the same seq at another time is a duplicate too; NaN is out of range.
        auto more = cleanReadings();
        Reading resent = *find(more, 3, Metric::VehicleCount, 10);
        resent.eventTimeMs += 30'000;
        more.push_back(resent);
        find(more, 2, Metric::TrafficSpeed, 5)->value = std::nan("");
        const QualityReport second = checkDataQuality(more);
        QCOMPARE(second.issues.size(), std::size_t{2});
        QCOMPARE(second.counts[static_cast<int>(QualityIssueKind::Duplicate)], std::uint64_t{1});
        QCOMPARE(second.counts[static_cast<int>(QualityIssueKind::OutOfRange)], std::uint64_t{1});

        const std::string json = toJson(report);
        QVERIFY(json.find("\"gap\":1") != std::string::npos);
        QVERIFY(json.find("\"kind\":\"stuck\"") != std::string::npos);
        QVERIFY(toText(report).find("4") != std::string::npos);
    }

    void forecastRecoversNoiseFreeSeries() {
        const auto series = seasonalSeries(0.0, 0.05);
        auto report = trainAndEvaluate(series, Metric::EnergyKwh, SeriesStat::Total);
        QVERIFY(report);
        QCOMPARE(report->trainPoints, std::size_t{4 * 168});
        QCOMPARE(report->holdoutPoints, std::size_t{168});
        QVERIFY2(report->modelErrors.mae < 1e-6, qPrintable(QString::number(report->modelErrors.mae)));
        QVERIFY(std::fabs(report->model.slopePerHour - 0.05) < 1e-9);
    }

    void forecastBeatsNaiveBaselinesOnHoldout() {
        const auto series = seasonalSeries(6.0, 0.03);
        auto report = trainAndEvaluate(series, Metric::EnergyKwh, SeriesStat::Total);
        QVERIFY(report);
        // Errors recomputed here from the holdout values.
        double mae = 0, mape = 0;
        for (std::size_t i = 0; i < report->holdoutActual.size(); ++i) {
            const double err = std::fabs(report->holdoutActual[i].value - report->holdoutPredicted[i]);
            mae += err;
            mape += err / std::fabs(report->holdoutActual[i].value);
        }
        mae /= static_cast<double>(report->holdoutActual.size());
        mape *= 100.0 / static_cast<double>(report->holdoutActual.size());
        QVERIFY(std::fabs(report->modelErrors.mae - mae) < 1e-9);
        QVERIFY(std::fabs(report->modelErrors.mapePct - mape) < 1e-9);
        qInfo("holdout MAE model %.3f, mean %.3f, last week %.3f; MAPE model %.2f%%", report->modelErrors.mae,
              report->meanBaseline.mae, report->seasonalNaive.mae, report->modelErrors.mapePct);
        QVERIFY(report->modelErrors.mae < report->seasonalNaive.mae);
        QVERIFY(report->modelErrors.mae < report->meanBaseline.mae);
        // The noise alone costs σ·√(2/π) ≈ 4.8, plus the error of 4-sample seasonal means (≈ 5.4 in all).
        QVERIFY(report->modelErrors.mae < 6.5);
        QVERIFY(toJson(*report).find("\"baseline_last_week\"") != std::string::npos);
    }

    void forecastNeedsAWeekOfTraining() {
        auto series = seasonalSeries(0.0, 0.0);
        series.resize(200);  // 32 training hours after a one-week holdout
        QVERIFY(!trainAndEvaluate(series, Metric::EnergyKwh, SeriesStat::Total));
        QVERIFY(!trainAndEvaluate({}, Metric::EnergyKwh, SeriesStat::Total));
    }

    void citySeriesTotalsAndMeans() {
        std::vector<WindowAggregate> hours(3);
        hours[0] = {kNov2026, kNov2026 + kHourMs, 10.0, 1, 5, 4, 1, 0, Metric::EnergyKwh};
        hours[1] = {kNov2026, kNov2026 + kHourMs, 30.0, 1, 5, 6, 2, 0, Metric::EnergyKwh};
        hours[2] = {kNov2026, kNov2026 + kHourMs, 99.0, 1, 5, 6, 3, 0, Metric::TrafficSpeed};
        const auto total = citySeries(hours, Metric::EnergyKwh, SeriesStat::Total);
        QCOMPARE(total.size(), std::size_t{1});
        QCOMPARE(total[0].value, 40.0);
        QCOMPARE(citySeries(hours, Metric::EnergyKwh, SeriesStat::Mean)[0].value, 4.0);
    }

    void nextRunComputation() {
        const std::int64_t day = kNov2026;
        QCOMPARE(NightlyScheduler::nextRunAt(day, 2, 0), day + 2 * kHourMs);
        QCOMPARE(NightlyScheduler::nextRunAt(day + 2 * kHourMs, 2, 0), day + 2 * kHourMs);
        QCOMPARE(NightlyScheduler::nextRunAt(day + 2 * kHourMs + 1, 2, 0), day + kDayMs + 2 * kHourMs);
        QCOMPARE(NightlyScheduler::nextRunAt(day + 23 * kHourMs, 23, 30), day + 23 * kHourMs + 30 * kMinute);
        QCOMPARE(NightlyScheduler::nextRunAt(day - 1, 0, 0), day);
    }

    void schedulerRunsNightlyWithInjectedClock() {
        std::atomic<std::int64_t> now{kNov2026 + kHourMs + 59 * kMinute};  // 01:59
        std::mutex mutex;
        std::vector<std::int64_t> scheduled;
        NightlyScheduler::Options options;
        options.hourUtc = 2;
        options.pollInterval = std::chrono::milliseconds(2);
        options.clock = [&] { return now.load(); };
        NightlyScheduler scheduler(options, [&](std::int64_t at) {
            std::lock_guard lock(mutex);
            scheduled.push_back(at);
        });
        QCOMPARE(scheduler.nextRunMs(), kNov2026 + 2 * kHourMs);
        scheduler.start();
        QTest::qWait(30);
        QCOMPARE(scheduler.runs(), std::uint64_t{0});
        now = kNov2026 + 2 * kHourMs;  // 02:00: due
        QTRY_COMPARE(scheduler.runs(), std::uint64_t{1});
        QCOMPARE(scheduler.nextRunMs(), kNov2026 + kDayMs + 2 * kHourMs);
        QTest::qWait(30);
        QCOMPARE(scheduler.runs(), std::uint64_t{1});  // once per night
        now = kNov2026 + 4 * kDayMs + 12 * kHourMs;  // three nights missed: one catch-up run
        QTRY_COMPARE(scheduler.runs(), std::uint64_t{2});
        QCOMPARE(scheduler.nextRunMs(), kNov2026 + 5 * kDayMs + 2 * kHourMs);
        QTest::qWait(30);
        QCOMPARE(scheduler.runs(), std::uint64_t{2});
        scheduler.runNow();  // on demand
        QTRY_COMPARE(scheduler.runs(), std::uint64_t{3});
        scheduler.stop();
        std::lock_guard lock(mutex);
        QCOMPARE(scheduled.size(), std::size_t{3});
        QCOMPARE(scheduled[0], kNov2026 + 2 * kHourMs);
        QCOMPARE(scheduled[1], kNov2026 + kDayMs + 2 * kHourMs);  // the missed night it stands for
        QCOMPARE(scheduled[2], now.load());
    }
};

QTEST_GUILESS_MAIN(TestHistoryQualityForecast)
#include "test_history_quality_forecast.moc"
