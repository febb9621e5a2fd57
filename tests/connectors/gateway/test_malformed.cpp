#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gateway_test_support.h"

using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using cityops::engine::Reading;
using cityops::engine::log::LogEventSink;
using cityops::engine::stream::DecodeError;

namespace {

constexpr int kWaitMs = 15000;

std::string validLine(std::uint32_t sensor, std::uint64_t seq, const char* type, const char* metric, const char* value) {
    return "{\"sensor_id\":" + std::to_string(sensor) + ",\"type\":\"" + type + "\",\"metric\":\"" + metric +
           "\",\"value\":" + value + ",\"timestamp\":" + std::to_string(nowMs() - 1000) + ",\"seq\":" +
           std::to_string(seq) + "}";
}

//! Bytes that are not text: every value but '\n', from a fixed seed.
std::string garbage(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string bytes(n, '\0');
    for (char& c : bytes) {
        do {
            c = static_cast<char>(rng() & 0xff);
        } while (c == '\n');
    }
    return bytes;
}

//! One malformed payload per reason, as the gateway must classify it.
struct Bad {
    std::string payload;
    DecodeError reason;
};

std::vector<Bad> badPayloads() {
    const std::string ts = std::to_string(nowMs());
    return {
        {"{\"sensor_id\":3,\"type\":\"traffic\"", DecodeError::MalformedJson},  // cut off
        {"not json at all", DecodeError::MalformedJson},
        {"[1,2,3]", DecodeError::MalformedJson},  // not an object
        {garbage(300, 1), DecodeError::MalformedJson},
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"timestamp\":" + ts + "}",
         DecodeError::MissingField},  // no value
        {"{\"sensor_id\":\"three\",\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"value\":1,\"timestamp\":" + ts + "}",
         DecodeError::WrongType},
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"value\":\"fast\",\"timestamp\":" + ts + "}",
         DecodeError::WrongType},
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"value\":\"NaN\",\"timestamp\":" + ts + "}",
         DecodeError::NonFiniteValue},
        {"{\"sensor_id\":3,\"type\":\"plasma\",\"metric\":\"traffic_speed\",\"value\":1,\"timestamp\":" + ts + "}",
         DecodeError::UnknownKind},
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"co2\",\"value\":1,\"timestamp\":" + ts + "}",
         DecodeError::UnknownKind},  // metric of another kind
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"value\":1,\"timestamp\":1000}",
         DecodeError::TimestampTooOld},
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"value\":1,\"timestamp\":" +
             std::to_string(nowMs() + 24 * 3600 * 1000LL) + "}",
         DecodeError::TimestampInFuture},
        {"{\"sensor_id\":3,\"type\":\"traffic\",\"metric\":\"traffic_speed\",\"value\":1,\"timestamp\":" + ts +
             ",\"pad\":\"" + std::string(5000, 'x') + "\"}",
         DecodeError::Oversize},
    };
}

struct Rig {
    std::unique_ptr<cityops::engine::log::EventLog> log;
    std::unique_ptr<Gateway> gateway;
};

Rig startRig(const QTemporaryDir& dir) {
    Rig rig;
    rig.log = openLog(dir.filePath(QStringLiteral("log")));
    if (!rig.log) return rig;
    auto gateway = Gateway::start(loopbackConfig(1, dir), std::make_unique<LogEventSink>(*rig.log));
    if (gateway) rig.gateway = std::move(*gateway);
    return rig;
}

}  // namespace

//! Malformed input of every kind is counted per reason and rejected, while good data keeps flowing.
class TestMalformed : public QObject {
    Q_OBJECT

private slots:
    void tcpLinesRejectedPerReasonGoodOnesArrive();
    void udpDatagramsRejectedPerReasonGoodOnesArrive();
    void hugeTcpLineIsOneOversizeAndTheStreamGoesOn();
    void brokenConnectionsDoNotDisturbOthers();
};

void TestMalformed::tcpLinesRejectedPerReasonGoodOnesArrive() {
    QTemporaryDir dir;
    Rig rig = startRig(dir);
    QVERIFY(rig.gateway);
    auto sender = connectSender(Transport::Tcp, rig.gateway->tcpPort());
    QVERIFY(sender);
    const std::vector<Bad> bad = badPayloads();
    std::array<std::uint64_t, cityops::engine::stream::kDecodeErrorCount> expected{};
    std::vector<Reading> good;
    std::string stream;
    for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < bad.size(); ++i) {
            const auto seq = static_cast<std::uint64_t>(round * 100 + static_cast<int>(i));
            stream += validLine(7, seq, "traffic", "traffic_speed", "42.5") + "\n";
            Reading r;
            r.sensorId = 7;
            r.seq = seq;
            r.metric = cityops::engine::Metric::TrafficSpeed;
            good.push_back(r);
            stream += bad[i].payload + "\r\n";
            ++expected[static_cast<std::size_t>(bad[i].reason)];
        }
        stream += "\n   \n";  // blank lines are not payloads
    }
    QVERIFY(sender->sendRaw(stream));
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, good.size(), kWaitMs);
    rig.gateway->stop();
    const GatewayStats stats = rig.gateway->stats();
    for (int reason = 1; reason < cityops::engine::stream::kDecodeErrorCount; ++reason) {
        QVERIFY2(stats.rejected[static_cast<std::size_t>(reason)] == expected[static_cast<std::size_t>(reason)],
                 qPrintable(QStringLiteral("%1: %2 rejected, %3 expected")
                                .arg(QString::fromUtf8(cityops::engine::stream::toString(static_cast<DecodeError>(reason)).data()))
                                .arg(stats.rejected[static_cast<std::size_t>(reason)])
                                .arg(expected[static_cast<std::size_t>(reason)])));
    }
    QCOMPARE(stats.rejectedTotal, 20 * bad.size());
    QCOMPARE(stats.payloads, good.size() + 20 * bad.size());
    QVERIFY(!stats.lastRejection.empty());
    QVERIFY(toJson(stats).find("\"malformed_json\":80") != std::string::npos);
    const auto logged = readLog(*rig.log);
    QCOMPARE(logged.size(), good.size());
    for (std::size_t i = 0; i < logged.size(); ++i) {
        QCOMPARE(logged[i].decoded.reading.seq, good[i].seq);  // one sensor: log order is send order
        QCOMPARE(logged[i].decoded.reading.value, 42.5);
    }
}

void TestMalformed::udpDatagramsRejectedPerReasonGoodOnesArrive() {
    QTemporaryDir dir;
    Rig rig = startRig(dir);
    QVERIFY(rig.gateway);
    auto sender = connectSender(Transport::Udp, rig.gateway->udpPort());
    QVERIFY(sender);
    const std::vector<Bad> bad = badPayloads();
    std::array<std::uint64_t, cityops::engine::stream::kDecodeErrorCount> expected{};
    std::uint64_t goodCount = 0;
    std::uint64_t sentPayloads = 0;
    for (std::size_t i = 0; i < bad.size(); ++i) {
        // A datagram with only the bad payload, then one mixing good lines around it.
        QVERIFY(sender->sendRaw(bad[i].payload));
        const std::string mixed = validLine(9, 2 * i, "air_quality", "co2", "800") + "\n" + bad[i].payload + "\n" +
                                  validLine(9, 2 * i + 1, "air_quality", "co2", "801");
        QVERIFY(sender->sendRaw(mixed));
        expected[static_cast<std::size_t>(bad[i].reason)] += 2;
        goodCount += 2;
        sentPayloads += 4;
        QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().payloads, sentPayloads, kWaitMs);  // paced: no UDP loss
    }
    QVERIFY(sender->sendRaw(garbage(1400, 2) + "\n" + garbage(1400, 3)));  // two garbage lines in one datagram
    expected[static_cast<std::size_t>(DecodeError::MalformedJson)] += 2;
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().rejectedTotal, 2 * bad.size() + 2, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, goodCount, kWaitMs);
    rig.gateway->stop();
    const GatewayStats stats = rig.gateway->stats();
    for (int reason = 1; reason < cityops::engine::stream::kDecodeErrorCount; ++reason) {
        QCOMPARE(stats.rejected[static_cast<std::size_t>(reason)], expected[static_cast<std::size_t>(reason)]);
    }
    QCOMPARE(readLog(*rig.log).size(), goodCount);
}

void TestMalformed::hugeTcpLineIsOneOversizeAndTheStreamGoesOn() {
    QTemporaryDir dir;
    Rig rig = startRig(dir);
    QVERIFY(rig.gateway);
    auto sender = connectSender(Transport::Tcp, rig.gateway->tcpPort());
    QVERIFY(sender);
    std::string stream = validLine(1, 1, "traffic", "vehicle_count", "12") + "\n";
    stream += "{\"sensor_id\":1,\"pad\":\"" + std::string(300'000, 'y');  // far longer than any read buffer
    stream += "\"}\n" + validLine(1, 2, "traffic", "vehicle_count", "13") + "\n";
    stream += garbage(200'000, 4) + "\n";  // a huge binary line
    stream += validLine(1, 3, "traffic", "vehicle_count", "14");  // last line, no '\n' before close
    QVERIFY(sender->sendRaw(stream));
    sender.reset();  // closes the connection
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, 3u, kWaitMs);
    rig.gateway->stop();
    const GatewayStats stats = rig.gateway->stats();
    QCOMPARE(stats.rejected[static_cast<std::size_t>(DecodeError::Oversize)], 2u);
    QCOMPARE(stats.rejectedTotal, 2u);
    const auto logged = readLog(*rig.log);
    QCOMPARE(logged.size(), 3u);
    QCOMPARE(logged[2].decoded.reading.value, 14.0);
}

void TestMalformed::brokenConnectionsDoNotDisturbOthers() {
    QTemporaryDir dir;
    Rig rig = startRig(dir);
    QVERIFY(rig.gateway);
    auto steady = connectSender(Transport::Tcp, rig.gateway->tcpPort());
    QVERIFY(steady);
    for (int i = 0; i < 20; ++i) {
        auto rude = connectSender(Transport::Tcp, rig.gateway->tcpPort());
        QVERIFY(rude);
        QVERIFY(rude->sendRaw(garbage(5000, static_cast<unsigned>(10 + i))));  // then hangs up mid-line
        rude.reset();
        QVERIFY(steady->sendRaw(validLine(5, static_cast<std::uint64_t>(i), "traffic", "traffic_speed", "50") + "\n"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, 20u, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().tcpConnections, 21u, kWaitMs);
    rig.gateway->stop();
    QCOMPARE(rig.gateway->stats().accepted, 20u);
}

QTEST_GUILESS_MAIN(TestMalformed)
#include "test_malformed.moc"
