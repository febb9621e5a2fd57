#include <QTemporaryDir>
#include <QtTest>
#include <array>
#include <memory>
#include <vector>

#include "gateway_test_support.h"

using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using cityops::engine::Reading;
using cityops::engine::SensorKind;
using cityops::engine::log::LogEventSink;

namespace {

constexpr int kWaitMs = 15000;

//! Sends readings in chunks of `window`, each only after the gateway has seen every payload sent
//! before it: a receive-paced ("modest") rate, so a lost datagram shows up as a count that never
//! arrives instead of as a race.
bool sendPaced(ReadingSender& sender, const Gateway& gateway, const std::vector<Reading>& readings,
               std::size_t window) {
    for (std::size_t at = 0; at < readings.size(); at += window) {
        const std::size_t n = std::min(window, readings.size() - at);
        if (!sender.send(std::span(readings).subspan(at, n)) || !sender.flush()) return false;
        const std::uint64_t want = at + n;
        QElapsedTimer timer;
        timer.start();
        while (gateway.stats().payloads < want) {
            if (timer.elapsed() > kWaitMs) return false;
            QTest::qWait(1);
        }
    }
    return true;
}

}  // namespace

//! Sensors → gateway over loopback UDP and TCP → embedded log, every event counted by its event id.
class TestLoopback : public QObject {
    Q_OBJECT

private slots:
    void tcpDeliversEveryReadingOnceInOrder();
    void udpAtPacedRateLosesNothing();
    void readingPayloadFormatCarriesTheDecodedReading();
    void threeGatewaysSplitTheCityBySensorKind();
};

void TestLoopback::tcpDeliversEveryReadingOnceInOrder() {
    QTemporaryDir dir;
    auto log = openLog(dir.filePath(QStringLiteral("log")));
    QVERIFY(log);
    const std::vector<Reading> all = simulatedReadings(400, 10);
    const std::vector<Reading> mine = routedTo(all, 1);
    QVERIFY(mine.size() > 5000);
    auto gateway = Gateway::start(loopbackConfig(1, dir), std::make_unique<LogEventSink>(*log));
    QVERIFY2(gateway, gateway ? "" : gateway.error().c_str());
    auto sender = connectSender(Transport::Tcp, (*gateway)->tcpPort());
    QVERIFY(sender);
    QVERIFY(sender->send(all));  // every kind: the others must be filtered out, not forwarded
    QVERIFY(sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT((*gateway)->stats().forwarded, mine.size(), kWaitMs);
    (*gateway)->stop();
    const GatewayStats stats = (*gateway)->stats();
    QCOMPARE(stats.payloads, all.size());
    QCOMPARE(stats.accepted, mine.size());
    QCOMPARE(stats.filtered, all.size() - mine.size());
    QCOMPARE(stats.rejectedTotal, 0u);
    QCOMPARE(stats.buffered, 0u);
    QCOMPARE(stats.tcpConnections, 1u);
    const QString problem = checkExactlyOnceInOrder(readLog(*log), mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestLoopback::udpAtPacedRateLosesNothing() {
    QTemporaryDir dir;
    auto log = openLog(dir.filePath(QStringLiteral("log")));
    QVERIFY(log);
    const std::vector<Reading> mine = routedTo(simulatedReadings(300, 10), 2);
    QVERIFY2(mine.size() > 1000, qPrintable(QString::number(mine.size())));
    auto gateway = Gateway::start(loopbackConfig(2, dir), std::make_unique<LogEventSink>(*log));
    QVERIFY(gateway);
    auto sender = connectSender(Transport::Udp, (*gateway)->udpPort());
    QVERIFY(sender);
    QVERIFY2(sendPaced(*sender, **gateway, mine, 256), "datagrams were lost on loopback at a paced rate");
    QTRY_COMPARE_WITH_TIMEOUT((*gateway)->stats().forwarded, mine.size(), kWaitMs);
    (*gateway)->stop();
    const GatewayStats stats = (*gateway)->stats();
    QCOMPARE(stats.udpDatagrams, sender->sentDatagrams());
    QVERIFY(stats.udpDatagrams < mine.size() / 5);  // several lines per datagram
    QCOMPARE(stats.rejectedTotal, 0u);
    const QString problem = checkExactlyOnceInOrder(readLog(*log), mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestLoopback::readingPayloadFormatCarriesTheDecodedReading() {
    QTemporaryDir dir;
    auto log = openLog(dir.filePath(QStringLiteral("log")));
    QVERIFY(log);
    const std::vector<Reading> mine = routedTo(simulatedReadings(100, 5), 3);
    QVERIFY(!mine.empty());
    GatewayConfig config = loopbackConfig(3, dir);
    config.payload = PayloadFormat::Reading;
    auto gateway = Gateway::start(config, std::make_unique<LogEventSink>(*log));
    QVERIFY(gateway);
    auto sender = connectSender(Transport::Tcp, (*gateway)->tcpPort());
    QVERIFY(sender && sender->send(mine) && sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT((*gateway)->stats().forwarded, mine.size(), kWaitMs);
    (*gateway)->stop();
    const auto logged = readLog(*log);
    for (const LoggedReading& l : logged) QCOMPARE(l.flags, cityops::engine::log::kReadingPayload);
    const QString problem = checkExactlyOnceInOrder(logged, mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // The decoded values travel bit for bit.
    std::map<std::pair<std::uint32_t, std::uint64_t>, double> sent;
    for (const Reading& r : mine) sent[{r.sensorId, r.seq * 16 + static_cast<std::uint64_t>(r.metric)}] = r.value;
    for (const LoggedReading& l : logged) {
        const Reading& r = l.decoded.reading;
        QCOMPARE(r.value, (sent[{r.sensorId, r.seq * 16 + static_cast<std::uint64_t>(r.metric)}]));
    }
}

void TestLoopback::threeGatewaysSplitTheCityBySensorKind() {
    QTemporaryDir dir;
    auto log = openLog(dir.filePath(QStringLiteral("log")));
    QVERIFY(log);
    const std::vector<Reading> all = simulatedReadings(500, 5);
    std::array<std::unique_ptr<Gateway>, 3> gateways;
    std::array<std::unique_ptr<ReadingSender>, 3> senders;
    for (int g = 1; g <= 3; ++g) {
        auto gateway = Gateway::start(loopbackConfig(g, dir), std::make_unique<LogEventSink>(*log));
        QVERIFY2(gateway, gateway ? "" : gateway.error().c_str());
        gateways[static_cast<std::size_t>(g - 1)] = std::move(*gateway);
        senders[static_cast<std::size_t>(g - 1)] =
            connectSender(g == 2 ? Transport::Udp : Transport::Tcp, g == 2 ? gateways[1]->udpPort() : gateways[static_cast<std::size_t>(g - 1)]->tcpPort());
        QVERIFY(senders[static_cast<std::size_t>(g - 1)]);
    }
    RoutedSender uplink(RoutingTable::design(), std::move(senders));
    std::size_t noise = 0;
    for (const Reading& r : all) noise += r.kind == SensorKind::Noise;
    QVERIFY(noise > 0);
    // Paced per 500 readings so the UDP gateway is never flooded.
    for (std::size_t at = 0; at < all.size(); at += 500) {
        QVERIFY(uplink.send(std::span(all).subspan(at, std::min<std::size_t>(500, all.size() - at))));
        QVERIFY(uplink.flush());
        const std::uint64_t want = routedTo(std::vector<Reading>(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), at + 500))), 2).size();
        QTRY_VERIFY_WITH_TIMEOUT(gateways[1]->stats().payloads >= want, kWaitMs);
    }
    QCOMPARE(uplink.unrouted(), noise);
    std::vector<Reading> routed;
    for (int g = 1; g <= 3; ++g) {
        const auto expected = routedTo(all, g);
        QTRY_COMPARE_WITH_TIMEOUT(gateways[static_cast<std::size_t>(g - 1)]->stats().forwarded, expected.size(), kWaitMs);
        gateways[static_cast<std::size_t>(g - 1)]->stop();
        QCOMPARE(gateways[static_cast<std::size_t>(g - 1)]->stats().filtered, 0u);
        routed.insert(routed.end(), expected.begin(), expected.end());
    }
    const auto logged = readLog(*log);
    const QString problem = checkExactlyOnceInOrder(logged, routed);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    for (const LoggedReading& l : logged) {
        QCOMPARE(QString::fromStdString(l.topic),
                 QString::fromStdString(RoutingTable::design().topicFor(l.decoded.reading.kind)));
    }
}

QTEST_GUILESS_MAIN(TestLoopback)
#include "test_loopback.moc"
