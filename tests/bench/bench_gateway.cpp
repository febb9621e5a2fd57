// Throughput of an edge gateway over loopback: a sensor-side ReadingSender encodes readings as JSON
// lines and writes them over TCP to gateway 1 (traffic + air quality), which validates, batches and
// forwards them into an embedded event log. Timed from the first byte sent until the gateway reports
// every reading forwarded (accepted by the log); best of 3 runs, each into a fresh log.
// Also: an unpaced UDP burst, to state the loss when a sender outruns the receiver; and the same
// stream forwarded as packed zlib batch frames, and sent entirely through the disk buffer (upstream
// down while it arrives, timed until drained) with zlib and with no compression.
// Usage: bench_gateway [readings] [directory]   Prints one JSON object on stdout.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "cityops/connectors/gateway/gateway.h"
#include "cityops/connectors/gateway/reading_sender.h"
#include "cityops/engine/log/event_log.h"

using namespace cityops::connectors::gateway;
using cityops::engine::Metric;
using cityops::engine::Reading;
using cityops::engine::SensorKind;

namespace {

constexpr std::uint32_t kSensors = 10'000;

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "bench_gateway: %s\n", message.c_str());
    std::exit(1);
}

//! Traffic and air-quality readings of kSensors sensors at 1 Hz that ended a minute ago.
std::vector<Reading> makeReadings(std::size_t count) {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    const std::int64_t start = now - 60'000 - static_cast<std::int64_t>(count / kSensors) * 1000;
    static constexpr Metric kMetrics[] = {Metric::TrafficSpeed, Metric::VehicleCount, Metric::Co2, Metric::Pm25};
    std::vector<Reading> readings(count);
    for (std::size_t i = 0; i < count; ++i) {
        Reading& r = readings[i];
        r.sensorId = static_cast<std::uint32_t>(i % kSensors);
        r.seq = i / kSensors;
        r.eventTimeMs = start + static_cast<std::int64_t>(r.seq) * 1000 + r.sensorId % 1000;
        r.metric = kMetrics[r.sensorId % 4];
        r.kind = r.sensorId % 4 < 2 ? SensorKind::Traffic : SensorKind::AirQuality;
        r.value = 20.0 + static_cast<double>((i * 7919) % 10'000) / 100.0;
        r.locationId = static_cast<std::uint16_t>(r.sensorId % 10);
    }
    return readings;
}

struct Run {
    double seconds = 0.0;
    std::uint64_t bytes = 0;
    std::uint64_t forwarded = 0;
    double compressionRatio = 1.0;
};

//! How a run forwards: the default (one log record per reading, upstream up), packed batch frames,
//! or everything through the disk buffer (upstream down while the readings arrive, then back).
struct Mode {
    Compression compression = Compression::Zlib;
    bool packed = false;
    bool viaBuffer = false;
};

//! An upstream that refuses everything while down (the bench's outage).
class SwitchableSink final : public cityops::engine::log::EventSink {
public:
    explicit SwitchableSink(cityops::engine::log::EventLog& log) : m_inner(log) {}
    cityops::engine::log::Result<void> send(std::string_view topic,
                                            std::span<const cityops::engine::log::RecordInput> records) override {
        if (down) return cityops::engine::log::LogError{cityops::engine::log::LogErrc::Io, "down (bench)", {}, 0, 0};
        return m_inner.send(topic, records);
    }
    cityops::engine::log::Result<void> flush() override {
        if (down) return cityops::engine::log::LogError{cityops::engine::log::LogErrc::Io, "down (bench)", {}, 0, 0};
        return m_inner.flush();
    }
    std::atomic<bool> down{false};

private:
    cityops::engine::log::LogEventSink m_inner;
};

std::unique_ptr<cityops::engine::log::EventLog> openLog(const std::filesystem::path& dir) {
    std::filesystem::remove_all(dir);
    cityops::engine::log::LogConfig config;
    config.directory = dir;
    auto log = cityops::engine::log::EventLog::open(config);
    if (!log) fail(log.error().message);
    return std::move(*log);
}

GatewayConfig gatewayConfig(const std::filesystem::path& dir) {
    GatewayConfig config;
    config.gateway = 1;
    config.listenTcp = "127.0.0.1:0";
    config.listenUdp = "127.0.0.1:0";
    config.buffer.directory = dir / "buffer";
    return config;
}

Run runTcp(const std::vector<Reading>& readings, const std::filesystem::path& dir, Mode mode = {}) {
    std::filesystem::remove_all(dir / "buffer");
    auto log = openLog(dir / "log");
    GatewayConfig config = gatewayConfig(dir);
    config.compression = mode.compression;
    config.forwardPacked = mode.packed;
    config.buffer.maxBytes = 4ULL << 30;
    config.retryMin = std::chrono::milliseconds(5);
    config.retryMax = std::chrono::milliseconds(5);
    auto sink = std::make_unique<SwitchableSink>(*log);
    SwitchableSink* upstream = sink.get();
    upstream->down = mode.viaBuffer;
    auto gateway = Gateway::start(config, std::move(sink));
    if (!gateway) fail(gateway.error());
    SenderConfig senderConfig;
    senderConfig.port = (*gateway)->tcpPort();
    auto sender = ReadingSender::connect(senderConfig);
    if (!sender) fail(sender.error());
    const auto start = std::chrono::steady_clock::now();
    constexpr std::size_t kChunk = 4096;
    for (std::size_t at = 0; at < readings.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, readings.size() - at);
        if (auto r = (*sender)->send(std::span(readings).subspan(at, n)); !r) fail(r.error());
    }
    if (auto r = (*sender)->flush(); !r) fail(r.error());
    if (mode.viaBuffer) {
        while ((*gateway)->stats().buffered < readings.size()) {
            if ((*gateway)->stats().bufferRefused + (*gateway)->stats().bufferFailed > 0) fail("the buffer lost readings");
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        upstream->down = false;
    }
    while ((*gateway)->stats().forwarded < readings.size()) {
        if ((*gateway)->stats().rejectedTotal > 0) fail("the gateway rejected readings: " + (*gateway)->stats().lastRejection);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    Run run;
    run.seconds = secondsSince(start);
    run.bytes = (*sender)->sentBytes();
    (*gateway)->stop();
    run.forwarded = (*gateway)->stats().forwarded;
    run.compressionRatio = (*gateway)->stats().compressionRatio();
    return run;
}

//! Unpaced UDP: returns the readings the gateway saw out of those sent.
std::uint64_t runUdpBurst(const std::vector<Reading>& readings, const std::filesystem::path& dir) {
    auto log = openLog(dir / "log-udp");
    auto gateway = Gateway::start(gatewayConfig(dir), std::make_unique<cityops::engine::log::LogEventSink>(*log));
    if (!gateway) fail(gateway.error());
    SenderConfig senderConfig;
    senderConfig.transport = Transport::Udp;
    senderConfig.port = (*gateway)->udpPort();
    auto sender = ReadingSender::connect(senderConfig);
    if (!sender) fail(sender.error());
    if (auto r = (*sender)->send(readings); !r) fail(r.error());
    if (auto r = (*sender)->flush(); !r) fail(r.error());
    std::uint64_t seen = 0;
    for (int quiet = 0; quiet < 50;) {  // until nothing arrived for 50 ms
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const std::uint64_t now = (*gateway)->stats().payloads;
        quiet = now == seen ? quiet + 1 : 0;
        seen = now;
    }
    (*gateway)->stop();
    return seen;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2'000'000;
    const std::filesystem::path dir =
        argc > 2 ? std::filesystem::path(argv[2])
                 : std::filesystem::temp_directory_path() / ("cityops-bench-gateway-" + std::to_string(::getpid()));
    const std::vector<Reading> readings = makeReadings(count);

    const auto bestOf3 = [&](Mode mode) {
        Run best;
        best.seconds = 1e300;
        for (int i = 0; i < 3; ++i) {
            const Run run = runTcp(readings, dir, mode);
            if (run.forwarded != count) {
                fail("a run forwarded " + std::to_string(run.forwarded) + " of " + std::to_string(count));
            }
            if (run.seconds < best.seconds) best = run;
        }
        return best;
    };
    const Run best = bestOf3({});
    // Compression where it applies: packed forwards, and a whole stream through the disk buffer
    // (sent while the upstream is down, timed until drained), with and without zlib.
    const Run packed = bestOf3({Compression::Zlib, true, false});
    const Run buffered = bestOf3({Compression::Zlib, false, true});
    const Run bufferedPlain = bestOf3({Compression::None, false, true});
    const auto modeJson = [count](const Run& run) {
        char text[160];
        std::snprintf(text, sizeof text, "{\"readings_per_s\":%.0f,\"compression_ratio\":%.2f}",
                      static_cast<double>(count) / run.seconds, run.compressionRatio);
        return std::string(text);
    };
    const std::vector<Reading> burst(readings.begin(), readings.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(count, 200'000)));
    const std::uint64_t udpSeen = runUdpBurst(burst, dir);
    std::filesystem::remove_all(dir);

    const double rate = static_cast<double>(count) / best.seconds;
    std::printf(
        "{\"benchmark\":\"gateway\",\"transport\":\"tcp-json-lines\",\"gateway\":1,\"readings\":%zu,"
        "\"seconds\":%.4f,\"readings_per_s\":%.0f,\"mb_per_s\":%.1f,\"bytes_per_reading\":%.1f,\"runs\":3,"
        "\"udp_burst\":{\"sent\":%zu,\"received\":%llu,\"loss_percent\":%.2f},"
        "\"packed_zlib\":%s,\"buffered_zlib\":%s,\"buffered_none\":%s}\n",
        count, best.seconds, rate, static_cast<double>(best.bytes) / best.seconds / 1e6,
        static_cast<double>(best.bytes) / static_cast<double>(count), burst.size(),
        static_cast<unsigned long long>(udpSeen),
        100.0 * static_cast<double>(burst.size() - udpSeen) / static_cast<double>(burst.size()),
        modeJson(packed).c_str(), modeJson(buffered).c_str(), modeJson(bufferedPlain).c_str());
    return 0;
}
