#include <QtTest>

#include "cityops/connectors/kafka_mock_cluster.h"
#include "cityops/connectors/kafka_settings.h"

using namespace cityops::connectors;
using namespace std::chrono_literals;

//! Kafka settings validation and "test connection" against librdkafka's in-process mock cluster.
class TestKafkaConnection : public QObject {
    Q_OBJECT

private slots:
    void validationNamesTheProblem() {
        KafkaSettings s;
        QCOMPARE(validate(s).size(), size_t{1});
        QVERIFY(validate(s).front().find("bootstrap") != std::string::npos);

        s.bootstrapServers = "broker:9092";
        QVERIFY(validate(s).empty());

        s.protocol = SecurityProtocol::SaslSsl;
        QVERIFY(validate(s).front().find("SASL user name and password") != std::string::npos);
        s.saslUsername = "operator";
        s.saslPassword = "secret";
        QVERIFY(validate(s).empty());

        s.certificateLocation = "/etc/cityops/client.pem";
        QVERIFY(validate(s).front().find("private key") != std::string::npos);
    }

    void configCarriesSecurityOptions() {
        KafkaSettings s;
        s.bootstrapServers = "a:9093";
        s.protocol = SecurityProtocol::SaslSsl;
        s.saslMechanism = SaslMechanism::ScramSha512;
        s.saslUsername = "u";
        s.saslPassword = "p";
        s.caLocation = "/ca.pem";
        std::map<std::string, std::string> config;
        for (const auto& e : toConfig(s)) config[e.key] = e.value;
        QCOMPARE(config["security.protocol"], std::string("SASL_SSL"));
        QCOMPARE(config["sasl.mechanisms"], std::string("SCRAM-SHA-512"));
        QCOMPARE(config["ssl.ca.location"], std::string("/ca.pem"));
        QCOMPARE(config["sasl.username"], std::string("u"));

        SecurityProtocol p{};
        QVERIFY(parseSecurityProtocol("sasl_ssl", p));
        QVERIFY(p == SecurityProtocol::SaslSsl);
        QVERIFY(!parseSecurityProtocol("tls", p));
        SaslMechanism m{};
        QVERIFY(parseSaslMechanism("scram-sha-256", m));
        QVERIFY(m == SaslMechanism::ScramSha256);
    }

    void connectsToMockClusterAndListsTopics() {
        KafkaMockCluster cluster(3);
        QVERIFY(cluster.createTopic("air-quality", 6, 3).empty());
        QVERIFY(cluster.createTopic("traffic-events", 12, 3).empty());

        KafkaSettings s;
        s.bootstrapServers = cluster.bootstrapServers();
        const ConnectionReport report = testConnection(s, 10s);
        QVERIFY2(report.ok, report.message.c_str());
        QCOMPARE(report.brokerCount, 3);
        QVERIFY(std::find(report.topics.begin(), report.topics.end(), "air-quality") != report.topics.end());
        QVERIFY(std::find(report.topics.begin(), report.topics.end(), "traffic-events") != report.topics.end());
        QVERIFY(report.message.find("3 broker(s)") != std::string::npos);
    }

    void unreachableBrokerGivesClearError() {
        KafkaSettings s;
        s.bootstrapServers = "127.0.0.1:1";  // nothing listens on port 1
        const ConnectionReport report = testConnection(s, 1500ms);
        QVERIFY(!report.ok);
        QVERIFY2(report.message.find("no answer from 127.0.0.1:1") != std::string::npos, report.message.c_str());
    }

    void invalidSettingsNeverReachTheNetwork() {
        KafkaSettings s;
        s.bootstrapServers = " , ";
        const ConnectionReport report = testConnection(s, 100ms);
        QVERIFY(!report.ok);
        QVERIFY(report.message.rfind("settings: ", 0) == 0);
    }
};

QTEST_GUILESS_MAIN(TestKafkaConnection)
#include "test_kafka_connection.moc"
