#include <QtTest>

#include "cityops/simulation/headless.h"
#include "cityops/simulation/city_jobs_setup.h"
#include "cityops/simulation/headless_jobs.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/receipt_run.h"
#include "cityops/simulation/simulator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>

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

//! The first-slice pipeline run (runHeadless) on 2 workers for durationMs, as fast as possible.
RunSummary runOnTwoWorkers(const City& city, const Scenario& scenario, std::int64_t durationMs) {
    RunOptions options;
    options.durationMs = durationMs;
    options.workers = 2;
    return runHeadless(city, scenario, options);
}

std::unique_ptr<LiveJobs> startLiveJobs(const City& city, const Scenario& scenario, const std::string& dataDir = {}) {
    LiveJobsOptions options;
    options.workers = 2;
    options.dataDir = dataDir;
    options.checkpointIntervalMs = 0;  // only on demand: the test decides
    auto started = LiveJobs::start(city, scenario, options);
    if (!started) {
        qWarning("%s", started.error().c_str());
        return nullptr;
    }
    return std::move(*started);
}

//! Pushes the scenario's readings from `from` to `until` (simulated ms) in one-minute steps, as
//! LiveRunner does; returns the readings pushed.
std::uint64_t pushScenario(LiveJobs& jobs, Simulator& simulator, std::int64_t until) {
    std::vector<cityops::engine::Reading> batch;
    std::uint64_t pushed = 0;
    while (simulator.now() < until) {
        batch.clear();
        simulator.advanceTo(std::min(until, simulator.now() + kMinute), batch);
        jobs.push(batch, simulator.now());
        pushed += batch.size();
    }
    return pushed;
}

//! Enriched readings stored in <dir>/cityops.db (0 when unreadable).
std::uint64_t storedReadings(const std::string& dir) {
    const auto counts = readStoredAlertCounts(std::filesystem::path(dir) / "cityops.db");
    return counts ? counts->readings : 0;
}

std::uint64_t countRule(const std::vector<cityops::engine::Alert>& alerts, cityops::engine::AlertRule rule) {
    return static_cast<std::uint64_t>(std::count_if(alerts.begin(), alerts.end(),
                                                    [rule](const cityops::engine::Alert& a) { return a.rule == rule; }));
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
    void liveJobsMatchThePipeline();
    void liveJobsRaiseEmergencyConfirmed();
    void liveJobsCheckpointAndResume();
    void retailRushRunsTheReceiptsStream();
};

//! The console's jobs (LiveJobs: the design's four jobs on the general runtime, fed by push) give the
//! first-slice pipeline's CO2 alerts and 5-minute aggregates, and keep latest values and the watched
//! sensor's readings for the map and the chart.
void TestHeadless::liveJobsMatchThePipeline() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const RunSummary pipeline = runOnTwoWorkers(city, scenario, 40 * kMinute);
    QVERIFY(pipeline.co2Alerts > 0);

    auto jobs = startLiveJobs(city, scenario);
    QVERIFY(jobs);
    QVERIFY(!jobs->durable());
    QVERIFY(!jobs->resumeTimeMs().has_value());
    std::uint32_t watched = 0;
    while (city.sensors[watched].kind != cityops::engine::SensorKind::AirQuality) ++watched;
    jobs->watchSensor(watched);
    Simulator simulator(city, scenario);
    const std::uint64_t pushed = pushScenario(*jobs, simulator, scenario.startTimeMs + 40 * kMinute);
    QCOMPARE(pushed, pipeline.events);
    jobs->finish();

    std::vector<cityops::engine::Alert> alerts;
    jobs->drainAlerts(alerts);
    QCOMPARE(countRule(alerts, cityops::engine::AlertRule::Co2High), pipeline.co2Alerts);
    std::vector<cityops::engine::WindowAggregate> aggregates;
    jobs->drainAggregates(aggregates);
    QCOMPARE(static_cast<std::uint64_t>(aggregates.size()), pipeline.aggregates);
    for (const auto& a : aggregates) {
        QCOMPARE(a.windowEndMs - a.windowStartMs, 5 * kMinute);
        QVERIFY(a.sensorId < city.sensors.size());
        QCOMPARE(a.locationId, city.sensors[a.sensorId].districtId);
        QVERIFY(a.count > 0 && a.min <= a.average() && a.average() <= a.max);
    }
    std::vector<cityops::engine::Reading> readings;
    jobs->drainWatched(readings);
    QVERIFY(!readings.empty());
    for (const auto& r : readings) QCOMPARE(r.sensorId, watched);
    QVERIFY(!std::isnan(jobs->latest().value(watched)));
    QVERIFY(jobs->latest().version() > 0);

    const cityops::engine::stream::JobMetrics m = jobs->metrics();
    QCOMPARE(m.eventsIn, pipeline.events);
    QCOMPARE(m.deadLetters, std::uint64_t{0});
    QCOMPARE(m.checkpoints.completed, std::uint64_t{0});
    QVERIFY(!jobs->checkpoint().ok());  // no data directory, no checkpoints
}

//! Fire in Podil: the emergency pattern (an emergency event followed by heat or smoke at the same
//! location) reaches the console's alert queue next to the CO2 rule.
void TestHeadless::liveJobsRaiseEmergencyConfirmed() {
    const Scenario scenario = builtin("fire-podil");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    auto jobs = startLiveJobs(city, scenario);
    QVERIFY(jobs);
    Simulator simulator(city, scenario);
    pushScenario(*jobs, simulator, scenario.startTimeMs + 30 * kMinute);
    jobs->sync();
    std::vector<cityops::engine::Alert> alerts;
    jobs->drainAlerts(alerts);
    QVERIFY2(countRule(alerts, cityops::engine::AlertRule::EmergencyConfirmed) > 0,
             qPrintable(QString::number(alerts.size())));
    for (const auto& a : alerts) QVERIFY(a.sensorId < city.sensors.size());
}

//! With a data directory the console's jobs store their results and checkpoint the simulated time
//! they covered; started again on it they resume there (the runner skips what was processed).
void TestHeadless::liveJobsCheckpointAndResume() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::int64_t until = scenario.startTimeMs + 20 * kMinute;
    std::uint64_t pushed = 0;
    {
        auto jobs = startLiveJobs(city, scenario, dir.path().toStdString());
        QVERIFY(jobs);
        QVERIFY(jobs->durable());
        QVERIFY(!jobs->resumeTimeMs().has_value());
        Simulator simulator(city, scenario);
        pushed = pushScenario(*jobs, simulator, until);
        const auto id = jobs->checkpoint();
        QVERIFY2(id.ok(), id.ok() ? "" : id.error().c_str());
        const cityops::engine::stream::JobMetrics m = jobs->metrics();
        QCOMPARE(m.checkpoints.completed, std::uint64_t{1});
        QVERIFY(m.checkpoints.ageMs >= 0);
    }
    // Exactly once: the checkpoint committed every enriched reading pushed before it.
    QCOMPARE(storedReadings(dir.path().toStdString()), pushed);

    auto again = startLiveJobs(city, scenario, dir.path().toStdString());
    QVERIFY(again);
    QCOMPARE(again->resumeTimeMs(), std::optional<std::int64_t>(until));
    // Another scenario on the same directory has its own checkpoint history.
    auto other = startLiveJobs(city, builtin("quiet-day"), dir.path().toStdString());
    QVERIFY(other);
    QVERIFY(!other->resumeTimeMs().has_value());
}

//! retail-rush: the headless run also runs the receipts stream (top 5 stores per 10 s, receipts over
//! 500 UAH, popular items per category) and prints its results; other scenarios do not.
void TestHeadless::retailRushRunsTheReceiptsStream() {
    const Scenario scenario = builtin("retail-rush");
    QVERIFY(hasRetailIncidents(scenario));
    QVERIFY(!hasRetailIncidents(builtin("co2-episode")));
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    constexpr std::int64_t kDurationMs = 90 * kMinute;  // covers the first rush (30 min .. 1 h 30)
    const RunSummary summary = runOnTwoWorkers(city, scenario, kDurationMs);
    QVERIFY(summary.receipts.has_value());
    const ReceiptsRunSummary& r = *summary.receipts;
    QCOMPARE(r.stores, std::uint64_t{3} * city.districts.size());
    QVERIFY(r.receipts > 0);
    QVERIFY(r.items >= r.receipts);
    QVERIFY(r.topStoreWindows > 0);
    QVERIFY(r.topStoreWindows <= static_cast<std::uint64_t>(kDurationMs / 10'000));
    QVERIFY(r.bigReceipts > 0);
    QVERIFY(r.bigReceipts < r.receipts);
    QVERIFY(r.maxReceiptUah > 500.0);
    QVERIFY(r.popularItemWindows >= r.topStoreWindows);
    QVERIFY(!r.topStore.empty());
    QVERIFY(!r.topCategory.empty());
    QCOMPARE(r.dropped, std::uint64_t{0});
    // The sale is in Shevchenkivskyi: its stores lead most often.
    QVERIFY2(r.topStore.find("Shevchenkivskyi") != std::string::npos, r.topStore.c_str());
    const std::string text = formatSummary(summary);
    QVERIFY(text.find("receipts: " + std::to_string(r.receipts) + "\n") != std::string::npos);
    QVERIFY(text.find("top_stores_windows: ") != std::string::npos);
    QVERIFY(text.find("big_receipts: ") != std::string::npos);
    QVERIFY(text.find("popular_items_windows: ") != std::string::npos);

    QVERIFY(!runOnTwoWorkers(city, builtin("co2-episode"), 5 * kMinute).receipts.has_value());
}

//! The design's jobs run from the event log into the store (and the archive) raise the same CO2
//! alerts as the first-slice pipeline, store every reading once, archive every record with a valid
//! CRC, and a second run on the same directory finds the work done (no new rows, no re-production).
void TestHeadless::durableJobsRunMatchesThePipeline() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const RunSummary pipeline = runOnTwoWorkers(city, scenario, 40 * kMinute);

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
