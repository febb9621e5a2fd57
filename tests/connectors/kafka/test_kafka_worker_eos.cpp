#include "kafka_worker_scenario.h"

using namespace kafka_worker_test;

//! The headless worker killed inside a transaction and restarted: the alerts at a sink keyed on the alert id match an uninterrupted run (no gap, no duplicate).
class TestKafkaWorkerEos : public QObject {
    Q_OBJECT

private slots:
    void killedMidTransactionEndsWithoutGapOrDuplicate() {
        QTemporaryDir dir;
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("air-quality", kPartitions, 3), std::string());
        QCOMPARE(mock.createTopic("alerts", 3, 3), std::string());
        QCOMPARE(mock.createTopic("aggregates", 3, 3), std::string());
        const auto readings = scenario();
        const std::set<std::uint64_t> expected = referenceAlerts(readings);
        QVERIFY(expected.size() > 50);
        produce(mock, "air-quality", readings);

        // First run: killed with its third transaction produced but not committed.
        KafkaWorkerConfig first = workerConfig(mock, "engine-1");
        first.storePath = (dir.path() + "/worker.db").toStdString();
        first.crashAfterTransactions = 2;
        first.commitInterval = 30ms;
        first.pollTimeout = 20ms;
        {
            auto worker = KafkaCityWorker::create(first);
            QVERIFY2(worker.ok(), worker.ok() ? "" : worker.error().c_str());
            std::atomic<bool> stop{false};
            auto result = (*worker)->run(stop);
            QVERIFY(!result.ok());
            QVERIFY2(result.error().find("crashed") != std::string::npos, result.error().c_str());
            QCOMPARE((*worker)->stats().transactions, std::uint64_t{2});
        }

        // Restart on the same store and transactional.id: resumes from its checkpoint.
        KafkaWorkerConfig second = workerConfig(mock, "engine-1");
        second.storePath = first.storePath;
        auto worker = KafkaCityWorker::create(second);
        QVERIFY2(worker.ok(), worker.ok() ? "" : worker.error().c_str());
        QVERIFY((*worker)->stats().restoredFrom > 0);
        // The downstream consumer keys on the alert id.
        AlertReader reader(mock.bootstrapServers(), "alerts", &alertIdOfJson);
        std::atomic<bool> stop{false};
        engine::Expected<KafkaWorkerStats, std::string> result = std::string("not run");
        std::thread runner([&] { result = (*worker)->run(stop); });
        const bool complete = waitFor([&] {
            const auto seen = reader.byId();
            return std::all_of(expected.begin(), expected.end(), [&](std::uint64_t id) { return seen.contains(id); });
        }, 15s);
        stop = true;
        runner.join();
        std::this_thread::sleep_for(300ms);  // anything else already on its way
        reader.stop();
        const KafkaWorkerStats st = (*worker)->stats();
        qInfo("restarted worker: consumed %llu, transactions %llu, alerts %llu, restored from checkpoint %llu",
              static_cast<unsigned long long>(st.consumed), static_cast<unsigned long long>(st.transactions),
              static_cast<unsigned long long>(st.alerts), static_cast<unsigned long long>(st.restoredFrom));
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().c_str());
        const auto byId = reader.byId();
        std::set<std::uint64_t> ids;
        for (const auto& [id, n] : byId) ids.insert(id);
        qInfo("reference %zu alerts; the topic held %zu records, %zu distinct ids (repeats: the killed transaction's "
              "records, visible because the mock writes no abort markers, and the replay after the restore)",
              expected.size(), reader.records(), byId.size());
        QVERIFY(complete);
        QVERIFY(!ids.contains(0));
        std::vector<std::uint64_t> missing;
        std::set_difference(expected.begin(), expected.end(), ids.begin(), ids.end(), std::back_inserter(missing));
        std::vector<std::uint64_t> extra;
        std::set_difference(ids.begin(), ids.end(), expected.begin(), expected.end(), std::back_inserter(extra));
        QCOMPARE(missing.size(), std::size_t{0});  // no gap
        QCOMPARE(extra.size(), std::size_t{0});    // nothing that an uninterrupted run would not raise
    }

};

QTEST_GUILESS_MAIN(TestKafkaWorkerEos)
#include "test_kafka_worker_eos.moc"
