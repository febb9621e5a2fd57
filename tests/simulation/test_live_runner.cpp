#include <QtTest>

#include <thread>

#include "cityops/simulation/live_runner.h"

using namespace cityops::simulation;

namespace {

Scenario builtin(const char* name) {
    const ScenarioResult result = loadScenario(name);
    return std::holds_alternative<Scenario>(result) ? std::get<Scenario>(result) : Scenario{};
}

cityops::engine::PipelineConfig configFor(const City& city) {
    cityops::engine::PipelineConfig config;
    config.workers = 2;
    config.sensorCount = static_cast<std::uint32_t>(city.sensors.size());
    return config;
}

}  // namespace

class TestLiveRunner : public QObject {
    Q_OBJECT

private slots:
    void producesIntoThePipelineAndStops();
    void pausedRunnerProducesNothing();
    void destructorStops();
};

void TestLiveRunner::producesIntoThePipelineAndStops() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    cityops::engine::StreamPipeline pipeline(configFor(city));
    LiveRunner runner(city, scenario, pipeline);
    runner.setSpeed(600.0);
    QCOMPARE(runner.speed(), 600.0);
    QCOMPARE(runner.simTimeMs(), scenario.startTimeMs);
    runner.start();
    runner.start();  // idempotent
    QTRY_VERIFY_WITH_TIMEOUT(runner.eventsProduced() > 5'000, 20'000);
    QVERIFY(runner.simTimeMs() > scenario.startTimeMs);
    runner.stop();
    runner.stop();  // idempotent
    const std::uint64_t produced = runner.eventsProduced();
    const std::int64_t simTime = runner.simTimeMs();
    pipeline.sync();
    QCOMPARE(pipeline.metrics().eventsIn, produced);
    QCOMPARE(runner.eventsProduced(), produced);
    QCOMPARE(runner.simTimeMs(), simTime);
    // Simulated time is a whole number of ticks of 50 ms × 600.
    QCOMPARE((simTime - scenario.startTimeMs) % 30'000, std::int64_t{0});
}

void TestLiveRunner::pausedRunnerProducesNothing() {
    const Scenario scenario = builtin("quiet-day");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    cityops::engine::StreamPipeline pipeline(configFor(city));
    LiveRunner runner(city, scenario, pipeline);
    runner.setPaused(true);
    runner.setSpeed(1000.0);
    runner.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    QCOMPARE(runner.eventsProduced(), std::uint64_t{0});
    QCOMPARE(runner.simTimeMs(), scenario.startTimeMs);
    QVERIFY(runner.paused());
    runner.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(runner.eventsProduced() > 0, 20'000);
    runner.stop();
    runner.setSpeed(-3.0);
    QCOMPARE(runner.speed(), 0.0);
}

void TestLiveRunner::destructorStops() {
    const Scenario scenario = builtin("quiet-day");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    cityops::engine::StreamPipeline pipeline(configFor(city));
    {
        LiveRunner runner(city, scenario, pipeline);
        runner.setSpeed(100.0);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(runner.eventsProduced() > 0, 20'000);
    }
    pipeline.finish();
    QVERIFY(pipeline.metrics().eventsIn > 0);
}

QTEST_GUILESS_MAIN(TestLiveRunner)
#include "test_live_runner.moc"
