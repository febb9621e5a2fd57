#pragma once

#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/gateway.h"
#include "cityops/connectors/gateway/reading_sender.h"
#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"
#include "cityops/simulation/simulator.h"

//! Helpers shared by the gateway tests: simulated readings, a failing upstream, reading the log back.
namespace cityops::connectors::gateway::test {

using engine::Reading;

inline std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

//! Readings of a demo city over `minutes` simulated minutes that ended a minute ago (so the
//! gateways' timestamp checks against the system clock accept them), in delivery order.
inline std::vector<Reading> simulatedReadings(std::uint32_t sensors, int minutes, std::uint64_t seed = 7) {
    simulation::Scenario scenario;
    scenario.name = "gateway-test";
    scenario.seed = seed;
    scenario.sensorCount = sensors;
    scenario.startTimeMs = (nowMs() / 1000) * 1000 - (minutes + 1) * 60'000LL;
    const simulation::City city = simulation::generateDemoCity(seed, sensors);
    simulation::Simulator simulator(city, scenario);
    std::vector<Reading> out;
    simulator.advanceTo(scenario.startTimeMs + minutes * 60'000LL, out);
    return out;
}

//! The readings of `all` whose kind is routed to gateway.
inline std::vector<Reading> routedTo(const std::vector<Reading>& all, int gateway,
                                     const RoutingTable& routing = RoutingTable::design()) {
    std::vector<Reading> out;
    for (const Reading& r : all) {
        if (routing.gatewayFor(r.kind) == gateway) out.push_back(r);
    }
    return out;
}

//! The default event id of a reading, hashed as the decoder does ("<sensor>-<seq>").
inline std::uint64_t eventIdOf(const Reading& r) {
    return engine::stream::eventIdHash(std::to_string(r.sensorId) + "-" + std::to_string(r.seq));
}

//! An upstream that fails on demand in front of a real one, like a broker or disk going away.
class FlakySink final : public engine::log::EventSink {
public:
    explicit FlakySink(std::unique_ptr<engine::log::EventSink> inner) : m_inner(std::move(inner)) {}
    engine::log::Result<void> send(std::string_view topic, std::span<const engine::log::RecordInput> records) override {
        if (down) {
            failures.fetch_add(1);
            return engine::log::LogError{engine::log::LogErrc::Io, "upstream down (test)", {}, 0, 0};
        }
        return m_inner->send(topic, records);
    }
    engine::log::Result<void> flush() override {
        if (down) return engine::log::LogError{engine::log::LogErrc::Io, "upstream down (test)", {}, 0, 0};
        return m_inner->flush();
    }
    std::atomic<bool> down{false};
    std::atomic<int> failures{0};

private:
    std::unique_ptr<engine::log::EventSink> m_inner;
};

//! One record read back from the log, with its payload decoded.
struct LoggedReading {
    std::string topic;
    int partition = 0;
    std::uint64_t offset = 0;
    std::uint32_t flags = 0;
    engine::stream::DecodedReading decoded;
    engine::stream::DecodeError error = engine::stream::DecodeError::None;
};

//! Every record of the design's gateway topics, partition by partition in offset order.
inline std::vector<LoggedReading> readLog(const engine::log::EventLog& log) {
    std::vector<LoggedReading> out;
    engine::stream::ReadingDecoder decoder;
    std::vector<engine::log::RecordView> views(1024);
    std::vector<std::byte> buffer(1 << 20);
    for (const auto& topic : log.config().topics) {
        for (int p = 0; p < topic.partitions; ++p) {
            auto reader = log.reader(topic.name, p);
            if (!reader) continue;
            for (;;) {
                auto batch = reader->read(views, buffer);
                if (!batch || batch->count == 0) break;
                for (std::size_t i = 0; i < batch->count; ++i) {
                    LoggedReading r;
                    r.topic = topic.name;
                    r.partition = p;
                    r.offset = views[i].offset;
                    r.flags = views[i].flags;
                    if (views[i].flags == engine::log::kReadingPayload) {
                        r.decoded.reading = *engine::log::readingOf(views[i]);
                        r.decoded.eventId = eventIdOf(r.decoded.reading);
                    } else {
                        r.error = decoder.decode(views[i].payload, INT64_MIN, r.decoded);
                    }
                    out.push_back(r);
                }
            }
        }
    }
    return out;
}

inline std::unique_ptr<engine::log::EventLog> openLog(const QString& dir) {
    engine::log::LogConfig config;
    config.directory = dir.toStdString();
    auto log = engine::log::EventLog::open(config);
    if (!log) {
        qWarning("%s", log.error().message.c_str());
        return nullptr;
    }
    return std::move(*log);
}

//! A gateway config listening on free loopback ports, buffering in dir/buffer-<gateway>.
inline GatewayConfig loopbackConfig(int gateway, const QTemporaryDir& dir) {
    GatewayConfig c;
    c.gateway = gateway;
    c.listenTcp = "127.0.0.1:0";
    c.listenUdp = "127.0.0.1:0";
    c.buffer.directory = dir.filePath(QStringLiteral("buffer-%1").arg(gateway)).toStdString();
    c.linger = std::chrono::milliseconds(5);
    c.batchRecords = 512;
    return c;
}

inline std::unique_ptr<ReadingSender> connectSender(Transport transport, std::uint16_t port) {
    SenderConfig c;
    c.transport = transport;
    c.port = port;
    auto sender = ReadingSender::connect(c);
    if (!sender) {
        qWarning("%s", sender.error().c_str());
        return nullptr;
    }
    return std::move(*sender);
}

//! A gateway on loopback in front of an embedded log behind a FlakySink (down from the start when
//! asked), with a TCP sender; fast retries. Members are null when the start failed (warned).
struct FlakyRig {
    std::unique_ptr<engine::log::EventLog> log;
    FlakySink* upstream = nullptr;  // owned by the gateway
    std::unique_ptr<Gateway> gateway;
    std::unique_ptr<ReadingSender> sender;
};

inline FlakyRig startFlakyRig(const QTemporaryDir& dir, GatewayConfig config, bool down = false) {
    FlakyRig rig;
    rig.log = openLog(dir.filePath(QStringLiteral("log")));
    if (!rig.log) return rig;
    auto flaky = std::make_unique<FlakySink>(std::make_unique<engine::log::LogEventSink>(*rig.log));
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

//! Checks that log holds each of expected exactly once (by event id and metric), that every record
//! decodes, and that each sensor's records keep their sequence order; returns a failure text or "".
inline QString checkExactlyOnceInOrder(const std::vector<LoggedReading>& logged, const std::vector<Reading>& expected) {
    std::map<std::pair<std::uint64_t, int>, int> want;
    for (const Reading& r : expected) want[{eventIdOf(r), static_cast<int>(r.metric)}] += 1;
    std::map<std::pair<std::uint64_t, int>, int> seen;
    std::map<std::uint32_t, std::uint64_t> lastSeq;
    for (const LoggedReading& l : logged) {
        if (l.error != engine::stream::DecodeError::None) {
            return QStringLiteral("a logged record does not decode: %1")
                .arg(QString::fromUtf8(engine::stream::toString(l.error).data()));
        }
        const Reading& r = l.decoded.reading;
        seen[{l.decoded.eventId, static_cast<int>(r.metric)}] += 1;
        auto [it, first] = lastSeq.try_emplace(r.sensorId, r.seq);
        if (!first) {
            if (r.seq < it->second) {
                return QStringLiteral("sensor %1: seq %2 after %3").arg(r.sensorId).arg(r.seq).arg(it->second);
            }
            it->second = r.seq;
        }
    }
    std::size_t missing = 0;
    std::size_t duplicated = 0;
    for (const auto& [id, n] : want) {
        const int got = seen.count(id) ? seen[id] : 0;
        if (got < n) missing += static_cast<std::size_t>(n - got);
        if (got > n) duplicated += static_cast<std::size_t>(got - n);
    }
    if (missing > 0 || duplicated > 0 || logged.size() != expected.size()) {
        return QStringLiteral("expected %1 readings, log has %2: %3 missing, %4 duplicated")
            .arg(expected.size())
            .arg(logged.size())
            .arg(missing)
            .arg(duplicated);
    }
    return {};
}

}  // namespace cityops::connectors::gateway::test
