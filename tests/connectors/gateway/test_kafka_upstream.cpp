// A gateway forwarding to Kafka instead of the embedded log (librdkafka's mock cluster): readings
// arrive in the design's topics; while the broker is down batches wait in the disk buffer and drain
// once it is back, with no reading lost (counted by event id). Delivery is at-least-once, as the
// design's guarantee matrix says for edge → Kafka: a batch that failed part-way may arrive twice,
// and the test counts such repeats instead of hiding them.
#include <QTemporaryDir>
#include <QtTest>
#include <map>
#include <set>

#include "../kafka/kafka_test_util.h"
#include "gateway_test_support.h"

using namespace cityops;
using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using engine::Reading;

namespace {

constexpr int kWaitMs = 30000;

//! (event id, metric) of every reading in the gateway-1 topics of the cluster, with repeat counts.
std::map<std::pair<std::uint64_t, int>, int> readAll(const std::string& bootstrap, std::size_t expected) {
    std::map<std::pair<std::uint64_t, int>, int> seen;
    engine::stream::ReadingDecoder decoder;
    std::size_t total = 0;
    for (const char* topic : {"traffic-events", "air-quality"}) {
        // Each topic holds part of `expected`: read until the whole set is there or the time is up.
        const auto payloads = kafka_test::readTopic(bootstrap, topic, expected - total, std::chrono::seconds(15), false);
        for (const std::string& payload : payloads) {
            engine::stream::DecodedReading decoded;
            if (decoder.decode(std::as_bytes(std::span(payload.data(), payload.size())), INT64_MIN, decoded) !=
                engine::stream::DecodeError::None) {
                continue;
            }
            seen[{decoded.eventId, static_cast<int>(decoded.reading.metric)}] += 1;
        }
        total += payloads.size();
    }
    return seen;
}

}  // namespace

class TestKafkaUpstream : public QObject {
    Q_OBJECT

private slots:
    void brokerOutageBuffersThenDrainsWithNoLoss() {
        connectors::KafkaMockCluster mock(1);
        QCOMPARE(mock.createTopic("traffic-events", 12, 1), std::string());
        QCOMPARE(mock.createTopic("air-quality", 6, 1), std::string());

        connectors::KafkaSinkConfig sink;
        sink.settings = kafka_test::settingsFor(mock);
        sink.deliveryTimeout = std::chrono::seconds(2);
        sink.metadataTimeout = std::chrono::seconds(2);
        auto upstream = connectors::KafkaEventSink::create(sink);
        QVERIFY2(upstream.ok(), upstream.ok() ? "" : upstream.error().message.c_str());

        QTemporaryDir dir;
        GatewayConfig config = loopbackConfig(1, dir);
        config.retryMin = std::chrono::milliseconds(50);
        config.retryMax = std::chrono::milliseconds(500);
        config.confirmEachBatch = true;  // as cityops-gateway --kafka sets it
        auto started = Gateway::start(config, std::move(*upstream));
        QVERIFY2(started, started ? "" : started.error().c_str());
        std::unique_ptr<Gateway> gateway = std::move(*started);
        auto sender = connectSender(Transport::Tcp, gateway->tcpPort());
        QVERIFY(sender);

        const std::vector<Reading> mine = routedTo(simulatedReadings(200, 5), 1);
        const std::size_t third = mine.size() / 3;
        QVERIFY(third > 100);

        // Broker up: the first third goes straight to Kafka.
        QVERIFY(sender->send(std::span(mine).first(third)) && sender->flush());
        QTRY_COMPARE_WITH_TIMEOUT(gateway->stats().forwarded, third, kWaitMs);
        QCOMPARE(gateway->stats().buffered, 0u);

        // Broker down: the next third waits on disk.
        mock.setBrokerDown(1);
        QVERIFY(sender->send(std::span(mine).subspan(third, third)) && sender->flush());
        QTRY_VERIFY_WITH_TIMEOUT(gateway->stats().buffered > 0, kWaitMs);
        const GatewayStats during = gateway->stats();
        QVERIFY(!during.upstreamUp);
        QVERIFY(!during.lastUpstreamError.empty());
        qInfo("upstream error while the broker is down: %s", during.lastUpstreamError.c_str());

        // Broker back: the buffer drains and the rest follows it.
        mock.setBrokerUp(1);
        QVERIFY(sender->send(std::span(mine).subspan(2 * third)) && sender->flush());
        QTRY_COMPARE_WITH_TIMEOUT(gateway->stats().accepted, mine.size(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(gateway->stats().bufferPending, 0u, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(gateway->stats().forwarded >= mine.size(), kWaitMs);
        gateway->stop();
        const GatewayStats after = gateway->stats();
        QVERIFY(after.upstreamUp);
        QCOMPARE(after.bufferRefused + after.bufferDropped + after.bufferFailed, 0u);
        QCOMPARE(after.drained, after.buffered);

        const auto seen = readAll(mock.bootstrapServers(), mine.size());
        std::size_t missing = 0;
        std::size_t repeats = 0;
        for (const Reading& r : mine) {
            const auto it = seen.find({eventIdOf(r), static_cast<int>(r.metric)});
            if (it == seen.end()) ++missing;
            else repeats += static_cast<std::size_t>(it->second - 1);
        }
        qInfo("%zu readings, %zu buffered during the outage, %zu repeated (at-least-once)", mine.size(),
              static_cast<std::size_t>(after.buffered), repeats);
        QCOMPARE(missing, std::size_t{0});
    }
};

QTEST_GUILESS_MAIN(TestKafkaUpstream)
#include "test_kafka_upstream.moc"
