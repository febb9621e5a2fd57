#include <QtTest>

#include "cityops/simulation/headless.h"
#include "cityops/simulation/headless_jobs.h"

#include <limits>

#include "cityops/engine/archive/archive_reader.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/json_codec.h"

using namespace cityops::simulation;

namespace {

constexpr std::int64_t kMinute = 60'000;

Scenario builtin(const char* name) {
    const ScenarioResult result = loadScenario(name);
    return std::holds_alternative<Scenario>(result) ? std::get<Scenario>(result) : Scenario{};
}

}  // namespace

class TestHeadless : public QObject {
    Q_OBJECT

private slots:
    void co2EpisodeRaisesCo2Alerts();
    void quietDayRaisesNone();
    void workersAndStepDoNotChangeTheResult();
    void cancelStopsTheRun();
    void summaryFormat();
    void durableJobsRunMatchesThePipeline();
};

//! The design's jobs run from the event log into the store (and the archive) raise the same CO2
//! alerts as the first-slice pipeline, store every reading once, archive every record with a valid
//! CRC, and a second run on the same directory finds the work done (no new rows, no re-production).
void TestHeadless::durableJobsRunMatchesThePipeline() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    RunOptions pipelineOptions;
    pipelineOptions.durationMs = 40 * kMinute;
    pipelineOptions.workers = 2;
    const RunSummary pipeline = runHeadless(city, scenario, pipelineOptions);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    JobsRunOptions options;
    options.dataDir = dir.path().toStdString();
    options.durationMs = 40 * kMinute;
    options.workers = 2;
    const auto first = runJobsHeadless(city, scenario, options);
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().c_str());
    QCOMPARE(first->produced, pipeline.events);
    QCOMPARE(first->consumed, pipeline.events);
    QCOMPARE(first->storedCo2Alerts, pipeline.co2Alerts);
    QCOMPARE(first->storedReadings, pipeline.events);
    QCOMPARE(first->archivedRecords, pipeline.events);
    QCOMPARE(first->archiveProblems, std::uint64_t{0});
    QCOMPARE(first->sensorAggregates, pipeline.aggregates);
    QCOMPARE(first->metrics.deadLetters, std::uint64_t{0});
    QVERIFY(formatJobsSummary(*first).find("co2_alerts: ") != std::string::npos);

    // Replay from the raw archive (the HDFS role) into the engine: the same jobs on the archived
    // records give the same alerts and aggregates as the run from the log.
    namespace st = cityops::engine::stream;
    auto archive = cityops::engine::archive::ArchiveEventSource::create(
        options.dataDir / "archive",
        {"traffic-events", "air-quality", "temperature-data", "parking-events", "emergency-events", "energy-data"},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
    QVERIFY(archive.ok());
    st::CityJobsConfig replayConfig;
    replayConfig.job.workers = 2;
    replayConfig.job.idleTimeoutMs = 0;
    // The archive is read topic by topic and hour by hour, not in global event-time order: a bounded
    // replay lets the watermark wait for the end of input (finish()) instead of the live 10 s bound.
    replayConfig.job.maxOutOfOrdernessMs = 24 * 60 * kMinute;
    st::CityJobsOutputs replayOutputs;
    auto replay = st::buildCityJobs(replayConfig, replayOutputs);
    st::ReadingDecoder decoder;
    st::DecodedReading decoded;
    auto replayed = replay->run(
        **archive,
        [&](const cityops::engine::log::SourceRecord& record, cityops::engine::Reading& out) {
            if (decoder.decode(record.record.payload, std::numeric_limits<std::int64_t>::min(), decoded) !=
                st::DecodeError::None) {
                return st::DecodeResult::reject("undecodable");
            }
            out = decoded.reading;
            return st::DecodeResult::accept();
        },
        st::RunOptions{.stopAtEnd = true});
    QVERIFY(replayed.ok());
    QCOMPARE(*replayed, pipeline.events);
    std::vector<cityops::engine::Alert> replayAlerts;
    replayOutputs.alerts->drain(replayAlerts);
    std::uint64_t replayCo2 = 0;
    for (const auto& a : replayAlerts) {
        replayCo2 += a.rule == cityops::engine::AlertRule::Co2High ? 1 : 0;
    }
    QCOMPARE(replayCo2, first->storedCo2Alerts);
    QCOMPARE(replayOutputs.sensorAggregates->total(), first->sensorAggregates);
    QCOMPARE(replay->metrics().lateEvents, std::uint64_t{0});

    const auto again = runJobsHeadless(city, scenario, options);
    QVERIFY(again.ok());
    QCOMPARE(again->produced, std::uint64_t{0});
    QVERIFY(again->restoredFrom > 0);
    QCOMPARE(again->consumed, std::uint64_t{0});
    QCOMPARE(again->storedCo2Alerts, first->storedCo2Alerts);
    QCOMPARE(again->storedReadings, first->storedReadings);
}

void TestHeadless::co2EpisodeRaisesCo2Alerts() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    RunOptions options;
    options.durationMs = 40 * kMinute;
    options.workers = 2;
    const RunSummary summary = runHeadless(city, scenario, options);
    QCOMPARE(summary.scenario, std::string("co2-episode"));
    QVERIFY(summary.events > 0);
    QVERIFY2(summary.co2Alerts > 0, formatSummary(summary).c_str());
    QCOMPARE(summary.alerts, summary.co2Alerts);
    QVERIFY(summary.aggregates > 0);
    QCOMPARE(summary.lateEvents, std::uint64_t{0});
    QCOMPARE(summary.simulatedMs, 40 * kMinute);
    QVERIFY(!summary.cancelled);
}

void TestHeadless::quietDayRaisesNone() {
    const Scenario scenario = builtin("quiet-day");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    RunOptions options;
    options.durationMs = scenario.defaultDurationMs;
    options.workers = 2;
    options.stepMs = 10'000;
    const RunSummary summary = runHeadless(city, scenario, options);
    QVERIFY(summary.events > 1'000'000);
    QCOMPARE(summary.co2Alerts, std::uint64_t{0});
    QCOMPARE(summary.alerts, std::uint64_t{0});
    QVERIFY(summary.aggregates > 0);
}

void TestHeadless::workersAndStepDoNotChangeTheResult() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    RunOptions a;
    a.durationMs = 40 * kMinute;
    a.workers = 1;
    a.stepMs = 250;
    RunOptions b = a;
    b.workers = 3;
    b.stepMs = 5'000;
    const RunSummary x = runHeadless(city, scenario, a);
    const RunSummary y = runHeadless(city, scenario, b);
    QCOMPARE(x.events, y.events);
    QCOMPARE(x.co2Alerts, y.co2Alerts);
    QCOMPARE(x.aggregates, y.aggregates);
}

void TestHeadless::cancelStopsTheRun() {
    const Scenario scenario = builtin("quiet-day");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::atomic<bool> cancel{true};
    RunOptions options;
    options.workers = 1;
    const RunSummary summary = runHeadless(city, scenario, options, &cancel);
    QVERIFY(summary.cancelled);
    QCOMPARE(summary.events, std::uint64_t{0});
    QCOMPARE(summary.simulatedMs, std::int64_t{0});
    QVERIFY(formatSummary(summary).find("cancelled: yes\n") != std::string::npos);
}

void TestHeadless::summaryFormat() {
    RunSummary summary;
    summary.scenario = "co2-episode";
    summary.simulatedMs = 600'000;
    summary.events = 123'456;
    summary.alerts = 12;
    summary.co2Alerts = 12;
    summary.aggregates = 3'456;
    summary.wallSeconds = 0.421;
    summary.eventsPerSecond = 293'000.4;
    QCOMPARE(formatSummary(summary), std::string("scenario: co2-episode\n"
                                                 "simulated_seconds: 600\n"
                                                 "events: 123456\n"
                                                 "alerts: 12\n"
                                                 "co2_alerts: 12\n"
                                                 "window_aggregates: 3456\n"
                                                 "late_events: 0\n"
                                                 "wall_seconds: 0.421\n"
                                                 "events_per_second: 293000\n"));
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "test_headless.moc"
