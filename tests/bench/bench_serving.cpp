// Serving layer throughput on loopback: GET /api/v1/alerts requests/s over one keep-alive connection
// (limit=50 from 5,000 stored alerts), and WebSocket stream messages/s and alerts/s to one subscribed
// client while a publisher thread calls publishAlerts as fast as it can. Best of 3 rounds, JSON out.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "../connectors/serving/serving_client.h"
#include "cityops/connectors/serving/server.h"
#include "cityops/engine/storage/storage.h"

using namespace cityops;
namespace es = cityops::engine::storage;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kToken = "bench-token-0123456789abcdef";

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

engine::Alert alertNo(int i) {
    engine::Alert a;
    a.rule = static_cast<engine::AlertRule>(i % 3);
    a.sensorId = static_cast<std::uint32_t>(i % 1000);
    a.locationId = static_cast<std::uint16_t>(i % 10);
    a.firstEventMs = 1'700'000'000'000 + std::int64_t{i} * 1000;
    a.eventTimeMs = a.firstEventMs + 500;
    a.value = 900.0;
    a.id = engine::makeAlertId(a.rule, a.sensorId, a.firstEventMs);
    return a;
}

}  // namespace

int main() {
    const auto dir = std::filesystem::temp_directory_path() / ("cityops-bench-serving-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        es::StorageOptions options;
        options.path = dir / "cityops.db";
        auto storage = es::Storage::open(options);
        if (!storage) {
            std::fprintf(stderr, "%s\n", storage.error().message.c_str());
            return 1;
        }
        es::WriteBatch batch;
        for (std::uint16_t d = 0; d < 10; ++d) batch.districts.emplace_back(d, "district-" + std::to_string(d));
        for (std::uint32_t id = 0; id < 1000; ++id) {
            es::SensorInfo s;
            s.sensorId = id;
            s.locationId = static_cast<std::uint16_t>(id % 10);
            s.kind = static_cast<engine::SensorKind>(id % engine::kSensorKindCount);
            s.name = "sensor-" + std::to_string(id);
            batch.sensors.push_back(s);
        }
        for (int i = 0; i < 5000; ++i) batch.alerts.push_back({alertNo(i), "district", "title", "description"});
        if (auto written = (*storage)->write(std::move(batch)); !written) return 1;

        connectors::serving::ServerOptions serverOptions;
        serverOptions.port = 0;
        serverOptions.token = kToken;
        serverOptions.storagePath = options.path;
        serverOptions.streamInterval = std::chrono::milliseconds(1);
        serverOptions.streamQueueLimit = 64;
        auto server = connectors::serving::Server::start(serverOptions, {});
        if (!server) {
            std::fprintf(stderr, "%s\n", server.error().c_str());
            return 1;
        }
        const auto port = (*server)->port();

        double bestRps = 0.0;
        double bestMessages = 0.0;
        double bestAlerts = 0.0;
        std::printf("{\n  \"benchmark\": \"serving\",\n  \"rounds\": [\n");
        for (int round = 0; round < 3; ++round) {
            serving_test::HttpClient client(port, kToken);
            int requests = 0;
            const auto start = Clock::now();
            while (Clock::now() - start < std::chrono::seconds(2)) {
                if (client.get("/api/v1/alerts?limit=50").status != 200) return 1;
                ++requests;
            }
            const double rps = requests / seconds(Clock::now() - start);

            serving_test::WsClient ws(port, "/api/v1/stream", kToken);
            ws.send(R"({"type":"subscribe","values":false})");
            ws.receive();  // subscribed
            std::atomic<bool> stop{false};
            std::thread publisher([&] {
                std::vector<engine::Alert> one(1);
                for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
                    one[0] = alertNo(i);
                    (*server)->publishAlerts(one);
                    if (i % 64 == 0) std::this_thread::yield();
                }
            });
            int messages = 0;
            std::size_t alerts = 0;
            const auto wsStart = Clock::now();
            while (Clock::now() - wsStart < std::chrono::seconds(2)) {
                const auto text = ws.receive(std::chrono::seconds(2));
                if (!text) break;
                ++messages;
                for (std::size_t pos = text->find("\"rule\""); pos != std::string::npos; pos = text->find("\"rule\"", pos + 1)) ++alerts;
            }
            const double wsSeconds = seconds(Clock::now() - wsStart);
            stop = true;
            publisher.join();
            const double mps = messages / wsSeconds;
            const double aps = static_cast<double>(alerts) / wsSeconds;
            bestRps = std::max(bestRps, rps);
            bestMessages = std::max(bestMessages, mps);
            bestAlerts = std::max(bestAlerts, aps);
            std::printf("    {\"alerts_get_per_s\": %.0f, \"ws_messages_per_s\": %.0f, \"ws_alerts_per_s\": %.0f}%s\n", rps,
                        mps, aps, round < 2 ? "," : "");
        }
        const auto stats = (*server)->stats();
        std::printf("  ],\n  \"best\": {\"alerts_get_per_s\": %.0f, \"ws_messages_per_s\": %.0f, \"ws_alerts_per_s\": %.0f},\n",
                    bestRps, bestMessages, bestAlerts);
        std::printf("  \"stream_dropped_batches\": %llu, \"alerts_dropped\": %llu,\n",
                    static_cast<unsigned long long>(stats.streamMessagesDropped),
                    static_cast<unsigned long long>(stats.alertsDropped));
        std::printf("  \"setup\": \"loopback, 1 io thread, limit=50 of 5000 stored alerts, stream interval 1 ms\"\n}\n");
    }
    std::filesystem::remove_all(dir);
    return 0;
}
