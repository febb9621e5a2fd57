#include "kafka_worker_scenario.h"

using namespace kafka_worker_test;

//! A second worker joining the group: partitions spread, no reading is lost (counted by event id).
class TestKafkaWorkerRebalance : public QObject {
    Q_OBJECT

private slots:
    void secondWorkerJoiningRebalancesWithoutLoss() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("air-quality", kPartitions, 3), std::string());
        QCOMPARE(mock.createTopic("alerts", 3, 3), std::string());
        QCOMPARE(mock.createTopic("aggregates", 3, 3), std::string());
        auto readings = scenario();
        const std::size_t half = readings.size() / 2;
        produce(mock, "air-quality", {readings.begin(), readings.begin() + static_cast<std::ptrdiff_t>(half)});

        Tap tapA;
        Tap tapB;
        KafkaWorkerConfig a = workerConfig(mock, "engine-a");
        a.onReadings = [&tapA](std::span<const engine::Reading> r) { tapA.add(r); };
        KafkaWorkerConfig b = workerConfig(mock, "engine-b");
        b.onReadings = [&tapB](std::span<const engine::Reading> r) { tapB.add(r); };
        auto workerA = KafkaCityWorker::create(a);
        QVERIFY2(workerA.ok(), workerA.ok() ? "" : workerA.error().c_str());
        std::atomic<bool> stop{false};
        engine::Expected<KafkaWorkerStats, std::string> resultA = std::string("not run");
        engine::Expected<KafkaWorkerStats, std::string> resultB = std::string("not run");
        std::thread runA([&] { resultA = (*workerA)->run(stop); });
        QVERIFY(waitFor([&] { return tapA.distinct() > 0; }, 10s));

        auto workerB = KafkaCityWorker::create(b);
        QVERIFY2(workerB.ok(), workerB.ok() ? "" : workerB.error().c_str());
        std::thread runB([&] { resultB = (*workerB)->run(stop); });
        // B is in the group once the rebalance gave it partitions.
        const bool joined = waitFor([&] { return (*workerB)->stats().rebalances > 0 && (*workerA)->stats().rebalances > 1; }, 15s);
        produce(mock, "air-quality", {readings.begin() + static_cast<std::ptrdiff_t>(half), readings.end()});
        std::map<std::uint64_t, int> all;
        const bool complete = waitFor([&] {
            std::scoped_lock lock(tapA.mutex, tapB.mutex);
            all = tapA.seen;
            for (const auto& [k, n] : tapB.seen) all[k] += n;
            return all.size() == readings.size();
        }, 15s);
        stop = true;
        runA.join();
        runB.join();
        qInfo("A: rebalances %llu consumed %llu; B: rebalances %llu consumed %llu",
              static_cast<unsigned long long>((*workerA)->stats().rebalances), static_cast<unsigned long long>((*workerA)->stats().consumed),
              static_cast<unsigned long long>((*workerB)->stats().rebalances), static_cast<unsigned long long>((*workerB)->stats().consumed));
        QVERIFY(joined);
        QVERIFY2(resultA.ok(), resultA.ok() ? "" : resultA.error().c_str());
        QVERIFY2(resultB.ok(), resultB.ok() ? "" : resultB.error().c_str());
        std::size_t repeats = 0;
        for (const auto& [k, n] : all) repeats += static_cast<std::size_t>(n - 1);
        qInfo("A read %zu, B read %zu distinct readings; %zu read twice", tapA.distinct(), tapB.distinct(), repeats);
        QVERIFY(complete);
        QCOMPARE(all.size(), readings.size());  // zero loss by event id
        QVERIFY(tapB.distinct() > 0);           // the partitions spread
        for (const auto& r : readings) QVERIFY(all.contains(eventKey(r.sensorId, r.seq)));
    }

};

QTEST_GUILESS_MAIN(TestKafkaWorkerRebalance)
#include "test_kafka_worker_rebalance.moc"
