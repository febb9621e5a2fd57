#include <QtTest>

#include <librdkafka/rdkafka.h>

#include <map>
#include <set>

#include "cityops/connectors/kafka_client.h"
#include "cityops/connectors/kafka_mock_cluster.h"
#include "kafka_test_util.h"

using namespace cityops;
using namespace cityops::connectors;
using namespace kafka_test;
using engine::log::PartitionOffset;
using engine::log::SourceRecord;

namespace {

constexpr int kProduce = 0;
constexpr int kAddPartitionsToTxn = 24;
constexpr int kEndTxn = 26;
constexpr int kTxnOffsetCommit = 28;

std::string payloadOf(std::uint64_t id) { return "{\"alert_id\":\"" + std::to_string(id) + "\"}"; }

KafkaTxnConfig txnConfig(const KafkaMockCluster& mock, const std::string& id) {
    KafkaTxnConfig c;
    c.settings = settingsFor(mock);
    c.transactionalId = id;
    c.timeout = 5s;
    return c;
}

//! The group's committed offset of (topic, partition), -1 if none.
std::int64_t committedOffset(const KafkaMockCluster& mock, const std::string& group, const std::string& topic, int partition) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", mock.bootstrapServers().c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "group.id", group.c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
    std::int64_t offset = -2;
    if (rd_kafka_committed(rk, list, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) offset = list->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(list);
    rd_kafka_destroy(rk);
    return offset;
}

}  // namespace

//! The exactly-once path's transaction API against the mock cluster: init, begin, produce, send
//! offsets, commit, abort; retriable errors injected on each transactional request still commit
//! once; a zombie with the same transactional.id is fenced.
class TestKafkaTransactions : public QObject {
    Q_OBJECT

private slots:
    void retriableErrorsStillCommitOnce() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("in", 1, 3), std::string());
        QCOMPARE(mock.createTopic("alerts", 3, 3), std::string());
        // Input for the consumer whose offsets go into the transactions.
        {
            KafkaSinkConfig sc;
            sc.settings = settingsFor(mock);
            auto sink = KafkaEventSink::create(sc);
            QVERIFY(sink.ok());
            JsonBatch batch;
            for (std::uint64_t s = 0; s < 8; ++s) {
                engine::Reading r;
                r.sensorId = 1;
                r.seq = s;
                r.eventTimeMs = 1'795'000'000'000 + static_cast<std::int64_t>(s);
                batch.add(r);
            }
            QVERIFY((*sink)->send("in", batch.span()).ok());
            QVERIFY((*sink)->flush().ok());
        }
        KafkaSourceConfig scfg;
        scfg.settings = settingsFor(mock);
        scfg.groupId = "eos";
        scfg.topics = {"in"};
        scfg.extra = fastGroup();
        auto source = KafkaEventSource::create(scfg);
        QVERIFY(source.ok());
        auto producer = KafkaTransactionalProducer::create(txnConfig(mock, "worker-1"));
        QVERIFY2(producer.ok(), producer.ok() ? "" : producer.error().message.c_str());

        struct Round {
            int apiKey;
            std::vector<int> errors;
        };
        const std::vector<Round> rounds = {
            {kProduce, {RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS}},
            {kAddPartitionsToTxn, {RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS}},
            {kTxnOffsetCommit, {RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART}},
            {kEndTxn, {RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS}},
        };
        std::vector<SourceRecord> records(8);
        std::uint64_t nextId = 1;
        std::uint64_t consumedTotal = 0;
        for (std::size_t round = 0; round < rounds.size(); ++round) {
            // Consume two input records, then publish 5 alerts and the offsets in one transaction.
            std::size_t got = 0;
            const auto deadline = std::chrono::steady_clock::now() + 10s;
            while (got < 2 && std::chrono::steady_clock::now() < deadline) {
                auto polled = (*source)->poll(std::span(records).first(2 - got), 100ms);
                QVERIFY(polled.ok());
                got += *polled;
            }
            QCOMPARE(got, std::size_t{2});
            consumedTotal += got;
            mock.pushRequestErrors(rounds[round].apiKey, rounds[round].errors);
            QVERIFY((*producer)->begin().ok());
            for (int i = 0; i < 5; ++i, ++nextId) {
                const std::string payload = payloadOf(nextId);
                QVERIFY((*producer)->produce({"alerts", nextId, 1, std::as_bytes(std::span(payload.data(), payload.size()))}).ok());
            }
            const auto positions = (*source)->positions();
            QCOMPARE(positions.size(), std::size_t{1});
            QCOMPARE(positions[0].offset, consumedTotal);
            const TxnOutcome outcome = (*producer)->commit(positions, (*source)->handle());
            QVERIFY2(outcome == TxnOutcome::Committed, (*producer)->lastError().c_str());
        }
        QCOMPARE((*producer)->committed(), std::uint64_t{4});
        QCOMPARE((*producer)->aborted(), std::uint64_t{0});
        // Each alert once, and the group's offset is where the last transaction put it.
        const auto alerts = readTopic(mock.bootstrapServers(), "alerts", 20, 10s);
        std::map<std::string, int> count;
        for (const auto& a : alerts) ++count[a];
        QCOMPARE(count.size(), std::size_t{20});
        for (const auto& [payload, n] : count) QCOMPARE(n, 1);
        // librdkafka 2.0.2's mock answers TxnOffsetCommit without storing the offsets, so the group
        // shows none; a real cluster has 8 (scripts/kafka-e2e.sh checks it). The worker therefore
        // resumes from its own checkpoint (test_kafka_worker), not from the group's offsets.
        QEXPECT_FAIL("", "librdkafka 2.0.2 mock does not store TxnOffsetCommit offsets", Continue);
        QCOMPARE(committedOffset(mock, "eos", "in", 0), std::int64_t{8});
    }

    void abortedTransactionLeavesOffsetsAlone() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("alerts", 1, 3), std::string());
        QCOMPARE(mock.createTopic("in", 1, 3), std::string());
        auto producer = KafkaTransactionalProducer::create(txnConfig(mock, "worker-abort"));
        QVERIFY(producer.ok());
        QVERIFY((*producer)->begin().ok());
        const std::string payload = payloadOf(42);
        QVERIFY((*producer)->produce({"alerts", 42, 1, std::as_bytes(std::span(payload.data(), payload.size()))}).ok());
        QVERIFY((*producer)->flush().ok());  // on the brokers, uncommitted
        (*producer)->abort();
        QCOMPARE((*producer)->aborted(), std::uint64_t{1});
        // The producer is usable after an abort.
        QVERIFY((*producer)->begin().ok());
        const std::string second = payloadOf(43);
        QVERIFY((*producer)->produce({"alerts", 43, 1, std::as_bytes(std::span(second.data(), second.size()))}).ok());
        QVERIFY((*producer)->commit({}, nullptr) == TxnOutcome::Committed);

        // A read_committed consumer must not see the aborted alert. librdkafka 2.0.2's mock cluster
        // writes no commit/abort control records, so it does: the real-cluster script
        // (scripts/kafka-e2e.sh) checks this guarantee; here exactly-once is checked at the sink by
        // the deterministic ids (test_kafka_worker).
        const auto seen = readTopic(mock.bootstrapServers(), "alerts", 2, 3s, true);
        QVERIFY(std::find(seen.begin(), seen.end(), second) != seen.end());
        QEXPECT_FAIL("", "librdkafka 2.0.2 mock cluster writes no abort markers; see scripts/kafka-e2e.sh", Continue);
        QVERIFY(std::find(seen.begin(), seen.end(), payload) == seen.end());
    }

    void zombieIsFenced() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("alerts", 1, 3), std::string());
        auto zombie = KafkaTransactionalProducer::create(txnConfig(mock, "worker-7"));
        QVERIFY(zombie.ok());
        QVERIFY((*zombie)->begin().ok());
        const std::string old = payloadOf(1);
        QVERIFY((*zombie)->produce({"alerts", 1, 1, std::as_bytes(std::span(old.data(), old.size()))}).ok());

        // The restarted worker takes the same transactional.id: init_transactions bumps the epoch.
        auto successor = KafkaTransactionalProducer::create(txnConfig(mock, "worker-7"));
        QVERIFY2(successor.ok(), successor.ok() ? "" : successor.error().message.c_str());
        // librdkafka 2.0.2's mock does not check the producer epoch of EndTxn (the zombie would
        // commit), so the answer a real broker gives a fenced producer is injected.
        mock.pushRequestErrors(kEndTxn, {RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH});
        const TxnOutcome zombieOutcome = (*zombie)->commit({}, nullptr);
        qInfo("zombie commit: %s (%s)", std::string(toString(zombieOutcome)).c_str(), (*zombie)->lastError().c_str());
        QVERIFY(zombieOutcome == TxnOutcome::Fenced);
        QVERIFY(!(*zombie)->begin().ok());  // a fenced producer stays dead

        QVERIFY((*successor)->begin().ok());
        const std::string fresh = payloadOf(2);
        QVERIFY((*successor)->produce({"alerts", 2, 1, std::as_bytes(std::span(fresh.data(), fresh.size()))}).ok());
        QVERIFY((*successor)->commit({}, nullptr) == TxnOutcome::Committed);
    }
};

QTEST_GUILESS_MAIN(TestKafkaTransactions)
#include "test_kafka_transactions.moc"
