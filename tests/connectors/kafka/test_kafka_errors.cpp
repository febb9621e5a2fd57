#include "kafka_worker_scenario.h"

using namespace kafka_worker_test;

//! Unreachable brokers, invalid settings and wrong credentials give clear errors.
class TestKafkaErrors : public QObject {
    Q_OBJECT

private slots:
    void badConnectionsGiveClearErrors() {
        // Unreachable broker: a port nothing listens on.
        KafkaSettings nowhere;
        nowhere.bootstrapServers = "127.0.0.1:1";
        KafkaSinkConfig sc;
        sc.settings = nowhere;
        sc.metadataTimeout = 2s;
        auto sink = KafkaEventSink::create(sc);
        QVERIFY(sink.ok());
        engine::Reading r;
        JsonBatch batch;
        batch.add(r);
        auto sent = (*sink)->send("air-quality", batch.span());
        QVERIFY(!sent.ok());
        qInfo("unreachable sink: %s", sent.error().message.c_str());
        QVERIFY(sent.error().message.find("air-quality unavailable") != std::string::npos);
        QVERIFY(sent.error().message.find("127.0.0.1:1") != std::string::npos);

        KafkaTxnConfig tc;
        tc.settings = nowhere;
        tc.transactionalId = "nowhere";
        tc.timeout = 2s;
        auto producer = KafkaTransactionalProducer::create(tc);
        QVERIFY(!producer.ok());
        qInfo("unreachable transactions: %s", producer.error().message.c_str());
        QVERIFY(producer.error().message.find("init_transactions") != std::string::npos);

        KafkaWorkerConfig wc;
        wc.settings = nowhere;
        wc.inputTopics = {"air-quality"};
        auto worker = KafkaCityWorker::create(wc);
        QVERIFY(!worker.ok());
        qInfo("unreachable worker: %s", worker.error().c_str());
        QVERIFY(worker.error().find("air-quality unavailable") != std::string::npos);

        // Invalid settings never reach the network.
        KafkaSettings noPassword;
        noPassword.bootstrapServers = "127.0.0.1:1";
        noPassword.protocol = SecurityProtocol::SaslPlaintext;
        sc.settings = noPassword;
        auto refused = KafkaEventSink::create(sc);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message.find("SASL") != std::string::npos);

        // Wrong credentials: the mock cluster speaks no SASL, so the handshake fails and the
        // client names it.
        KafkaMockCluster mock(1);
        QCOMPARE(mock.createTopic("air-quality", 1, 1), std::string());
        KafkaSettings wrong = settingsFor(mock);
        wrong.protocol = SecurityProtocol::SaslPlaintext;
        wrong.saslMechanism = SaslMechanism::ScramSha256;
        wrong.saslUsername = "operator";
        wrong.saslPassword = "wrong";
        const ConnectionReport report = testConnection(wrong, 2s);
        QVERIFY(!report.ok);
        qInfo("wrong credentials: %s", report.message.c_str());
        sc.settings = wrong;
        auto denied = KafkaEventSink::create(sc);
        QVERIFY(denied.ok());
        auto deniedSend = (*denied)->send("air-quality", batch.span());
        QVERIFY(!deniedSend.ok());
        qInfo("wrong credentials sink: %s", deniedSend.error().message.c_str());
        QVERIFY(deniedSend.error().message.find("SASL") != std::string::npos ||
                deniedSend.error().message.find("uthentication") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestKafkaErrors)
#include "test_kafka_errors.moc"
