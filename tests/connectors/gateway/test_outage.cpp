#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <set>
#include <vector>

#include "gateway_test_support.h"

using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using cityops::engine::Reading;

namespace {

constexpr int kWaitMs = 15000;

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
    FlakyRig rig = startFlakyRig(dir, loopbackConfig(1, dir), false);
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
    FlakyRig rig = startFlakyRig(dir, config, true);
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
    FlakyRig rig = startFlakyRig(dir, config, true);
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
        FlakyRig rig = startFlakyRig(dir, loopbackConfig(3, dir), true);
        QVERIFY(rig.gateway && rig.sender);
        QVERIFY(rig.sender->send(mine) && rig.sender->flush());
        QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, mine.size(), kWaitMs);
        rig.gateway->stop();
    }
    FlakyRig rig = startFlakyRig(dir, loopbackConfig(3, dir), false);
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
