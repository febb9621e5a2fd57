#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <set>
#include <vector>

#include "gateway_test_support.h"

using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using cityops::engine::Reading;
using cityops::engine::log::LogEventSink;

namespace {

constexpr int kWaitMs = 15000;

struct Rig {
    std::unique_ptr<cityops::engine::log::EventLog> log;
    FlakySink* upstream = nullptr;  // owned by the gateway
    std::unique_ptr<Gateway> gateway;
    std::unique_ptr<ReadingSender> sender;
};

Rig startRig(const QTemporaryDir& dir, GatewayConfig config, bool down) {
    Rig rig;
    rig.log = openLog(dir.filePath(QStringLiteral("log")));
    if (!rig.log) return rig;
    auto flaky = std::make_unique<FlakySink>(std::make_unique<LogEventSink>(*rig.log));
    flaky->down = down;
    rig.upstream = flaky.get();
    config.retryMin = std::chrono::milliseconds(10);
    config.retryMax = std::chrono::milliseconds(100);
    auto gateway = Gateway::start(std::move(config), std::move(flaky));
    if (!gateway) {
        qWarning("%s", gateway.error().c_str());
        return rig;
    }
    rig.gateway = std::move(*gateway);
    rig.sender = connectSender(Transport::Tcp, rig.gateway->tcpPort());
    return rig;
}

//! Event ids of the logged readings.
std::set<std::pair<std::uint64_t, int>> idsOf(const std::vector<LoggedReading>& logged) {
    std::set<std::pair<std::uint64_t, int>> ids;
    for (const LoggedReading& l : logged) ids.insert({l.decoded.eventId, static_cast<int>(l.decoded.reading.metric)});
    return ids;
}

}  // namespace

//! The upstream goes away: batches go to the disk buffer, which drains in order, with zero loss,
//! once it is back; the full policies lose only what they count.
class TestOutage : public QObject {
    Q_OBJECT

private slots:
    void outageBuffersOnDiskThenDrainsInOrder();
    void fullBufferRefusesNewAndCountsThem();
    void fullBufferDropsOldestAndCountsThem();
    void restartedGatewayDrainsWhatTheLastOneBuffered();
};

void TestOutage::outageBuffersOnDiskThenDrainsInOrder() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(400, 10), 1);
    const std::size_t half = mine.size() / 2;
    Rig rig = startRig(dir, loopbackConfig(1, dir), false);
    QVERIFY(rig.gateway && rig.sender);

    // Upstream healthy for the first part, then down while the rest arrives.
    QVERIFY(rig.sender->send(std::span(mine).first(half / 2)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, half / 2, kWaitMs);
    rig.upstream->down = true;
    QVERIFY(rig.sender->send(std::span(mine).subspan(half / 2, half - half / 2)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().accepted, half, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, half - half / 2, kWaitMs);
    GatewayStats during = rig.gateway->stats();
    QVERIFY(!during.upstreamUp);
    QVERIFY(during.upstreamErrors > 0);
    QVERIFY(during.bufferBytes > 0);
    QCOMPARE(during.forwarded, half / 2);
    QVERIFY(!during.lastUpstreamError.empty());
    // Still down: more arrives and the buffer grows.
    QVERIFY(rig.sender->send(std::span(mine).subspan(half, mine.size() - half - 100)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, mine.size() - 100 - half / 2, kWaitMs);
    QVERIFY(rig.gateway->stats().bufferBytes > during.bufferBytes);

    // Upstream back: the buffer drains, and new readings queue behind it.
    rig.upstream->down = false;
    QVERIFY(rig.sender->send(std::span(mine).last(100)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, mine.size(), kWaitMs);
    rig.gateway->stop();
    const GatewayStats after = rig.gateway->stats();
    QVERIFY(after.upstreamUp);
    QCOMPARE(after.bufferPending, 0u);
    QCOMPARE(after.bufferBytes, 0u);
    QCOMPARE(after.drained, after.buffered);
    QCOMPARE(after.bufferRefused + after.bufferDropped + after.bufferFailed, 0u);
    const QString problem = checkExactlyOnceInOrder(readLog(*rig.log), mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestOutage::fullBufferRefusesNewAndCountsThem() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(400, 10), 1);
    GatewayConfig config = loopbackConfig(1, dir);
    config.buffer.maxBytes = 256 << 10;
    config.buffer.fullPolicy = FullPolicy::RefuseNew;
    Rig rig = startRig(dir, config, true);
    QVERIFY(rig.gateway && rig.sender);
    QVERIFY(rig.sender->send(mine) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().buffered + rig.gateway->stats().bufferRefused, mine.size(), kWaitMs);
    const GatewayStats full = rig.gateway->stats();
    QVERIFY(full.bufferRefused > 0);
    QVERIFY(full.bufferBytes <= 256u << 10);
    rig.upstream->down = false;
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, 0u, kWaitMs);
    rig.gateway->stop();
    const auto logged = readLog(*rig.log);
    QCOMPARE(logged.size(), full.buffered);
    QCOMPARE(idsOf(logged).size(), logged.size());  // no duplicates
    QCOMPARE(logged.size() + full.bufferRefused, mine.size());
    // What was kept is the oldest: the very first reading is in the log.
    QVERIFY(idsOf(logged).count({eventIdOf(mine.front()), static_cast<int>(mine.front().metric)}));
}

void TestOutage::fullBufferDropsOldestAndCountsThem() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(400, 10), 1);
    GatewayConfig config = loopbackConfig(1, dir);
    config.buffer.maxBytes = 256 << 10;
    config.buffer.fullPolicy = FullPolicy::DropOldest;
    Rig rig = startRig(dir, config, true);
    QVERIFY(rig.gateway && rig.sender);
    QVERIFY(rig.sender->send(mine) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().buffered, mine.size(), kWaitMs);
    const GatewayStats full = rig.gateway->stats();
    QVERIFY(full.bufferDropped > 0);
    QCOMPARE(full.bufferRefused, 0u);
    QCOMPARE(full.bufferPending + full.bufferDropped, mine.size());
    rig.upstream->down = false;
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, 0u, kWaitMs);
    rig.gateway->stop();
    const auto logged = readLog(*rig.log);
    QCOMPARE(idsOf(logged).size(), logged.size());
    QCOMPARE(logged.size() + full.bufferDropped, mine.size());
    // What was kept is the newest: the very last reading is in the log, the first is not.
    QVERIFY(idsOf(logged).count({eventIdOf(mine.back()), static_cast<int>(mine.back().metric)}));
    QVERIFY(!idsOf(logged).count({eventIdOf(mine.front()), static_cast<int>(mine.front().metric)}));
}

void TestOutage::restartedGatewayDrainsWhatTheLastOneBuffered() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(200, 10), 3);
    {
        Rig rig = startRig(dir, loopbackConfig(3, dir), true);
        QVERIFY(rig.gateway && rig.sender);
        QVERIFY(rig.sender->send(mine) && rig.sender->flush());
        QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, mine.size(), kWaitMs);
        rig.gateway->stop();
    }
    Rig rig = startRig(dir, loopbackConfig(3, dir), false);
    QVERIFY(rig.gateway);
    QCOMPARE(rig.gateway->stats().bufferRecovered, mine.size());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().drained, mine.size(), kWaitMs);
    rig.gateway->stop();
    QCOMPARE(rig.gateway->stats().bufferPending, 0u);
    const QString problem = checkExactlyOnceInOrder(readLog(*rig.log), mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestOutage)
#include "test_outage.moc"
