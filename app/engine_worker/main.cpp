// cityops-engine: the headless engine worker on Kafka. main() parses the command line, optionally
// starts the in-process mock cluster, and runs connectors::KafkaCityWorker until a signal.

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cityops/connectors/kafka_client.h"
#include "cityops/connectors/kafka_mock_cluster.h"
#include "cityops/connectors/kafka_topics.h"
#include "cityops/connectors/kafka_worker.h"
#include "cityops/engine/log/topic_spec.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops_version.h"
#include "engine_worker_cli.h"

using namespace cityops;

namespace {

void printLine(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string statsJson(const connectors::KafkaWorkerStats& s) {
    return "{\"consumed\":" + std::to_string(s.consumed) + ",\"decoded\":" + std::to_string(s.decoded) +
           ",\"dead_letters\":" + std::to_string(s.deadLetters) +
           ",\"dead_letters_published\":" + std::to_string(s.deadLettersPublished) + ",\"alerts\":" + std::to_string(s.alerts) +
           ",\"aggregates\":" + std::to_string(s.aggregates) + ",\"transactions\":" + std::to_string(s.transactions) +
           ",\"aborted\":" + std::to_string(s.aborted) + ",\"rebalances\":" + std::to_string(s.rebalances) +
           ",\"restored_from\":" + std::to_string(s.restoredFrom) + "}";
}

//! Simulated CO2 readings (JSON) into air-quality: bursts over 800 ppm raise alerts.
std::string produceDemo(const connectors::KafkaSettings& settings, std::uint64_t count, connectors::PayloadFormat format) {
    connectors::AvroReadingCodec avro;
    connectors::KafkaSinkConfig config;
    config.settings = settings;
    auto sink = connectors::KafkaEventSink::create(config);
    if (!sink) return sink.error().message;
    const std::int64_t start = static_cast<std::int64_t>(std::time(nullptr)) * 1000 - 3'600'000;
    std::vector<std::string> payloads;
    std::vector<engine::log::RecordInput> records;
    constexpr std::uint32_t kSensors = 100;
    for (std::uint64_t i = 0; i < count; i += records.size()) {
        payloads.clear();
        records.clear();
        for (std::uint64_t j = i; j < count && records.size() < 4096; ++j) {
            engine::Reading r;
            r.sensorId = static_cast<std::uint32_t>(j % kSensors);
            r.seq = j / kSensors;
            r.kind = engine::SensorKind::AirQuality;
            r.metric = engine::Metric::Co2;
            r.locationId = static_cast<std::uint16_t>(r.sensorId % 10);
            r.value = (r.seq + r.sensorId) % 12 < 3 ? 950.0 : 480.0;
            r.eventTimeMs = start + static_cast<std::int64_t>(r.seq) * 10'000;
            char buffer[engine::stream::kMaxReadingJsonBytes];
            if (format == connectors::PayloadFormat::Avro) {
                payloads.emplace_back(buffer, avro.encode(r, std::as_writable_bytes(std::span(buffer))));
                records.push_back({r.eventTimeMs, r.sensorId, connectors::kAvroReadingFlags, {}});
                continue;
            }
            payloads.emplace_back(buffer, engine::stream::encodeReadingJson(r, buffer));
            records.push_back({r.eventTimeMs, r.sensorId, 2, {}});
        }
        for (std::size_t k = 0; k < records.size(); ++k) {
            records[k].payload = std::as_bytes(std::span(payloads[k].data(), payloads[k].size()));
        }
        if (auto sent = (*sink)->send("air-quality", records); !sent) return sent.error().message;
    }
    if (auto flushed = (*sink)->flush(); !flushed) return flushed.error().message;
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    app::EngineWorkerCommand command;
    const std::string error = app::parseEngineWorkerCommand(std::vector<std::string>(argv + 1, argv + argc), command);
    if (!error.empty()) {
        std::fprintf(stderr, "cityops-engine: %s\n", error.c_str());
        return 2;
    }
    if (command.action == app::EngineWorkerCommand::Action::Help) {
        std::fputs(app::engineWorkerUsage().c_str(), stdout);
        return 0;
    }
    if (command.action == app::EngineWorkerCommand::Action::Version) {
        std::printf("cityops-engine %s\n", CITYOPS_VERSION);
        return 0;
    }

    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::unique_ptr<connectors::KafkaMockCluster> mock;
    if (command.kafkaMock) {
        try {
            mock = std::make_unique<connectors::KafkaMockCluster>(3);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cityops-engine: %s\n", e.what());
            return 1;
        }
        for (const auto& spec : connectors::designKafkaTopics(3)) {
            if (std::string e = mock->createTopic(spec.name, spec.partitions, spec.replicationFactor); !e.empty()) {
                std::fprintf(stderr, "cityops-engine: mock topic %s: %s\n", spec.name.c_str(), e.c_str());
                return 1;
            }
        }
        command.worker.settings.bootstrapServers = mock->bootstrapServers();
        printLine("{\"event\":\"mock_cluster\",\"brokers\":3,\"bootstrap\":\"" + mock->bootstrapServers() + "\"}");
        if (command.demoReadings > 0) {
            if (std::string e = produceDemo(command.worker.settings, command.demoReadings, command.worker.format); !e.empty()) {
                std::fprintf(stderr, "cityops-engine: demo readings: %s\n", e.c_str());
                return 1;
            }
            printLine("{\"event\":\"demo_readings\",\"count\":" + std::to_string(command.demoReadings) + "}");
            // Only air-quality has data: topics whose partitions never see a record would hold the
            // watermark (the runtime starts a partition's idleness with its first record).
            if (command.worker.inputTopics.empty()) command.worker.inputTopics = {"air-quality"};
        }
    }

    if (command.action == app::EngineWorkerCommand::Action::TopicsCheck ||
        command.action == app::EngineWorkerCommand::Action::TopicsApply) {
        const auto specs = connectors::designKafkaTopics(command.replicationFactor);
        const bool apply = command.action == app::EngineWorkerCommand::Action::TopicsApply;
        auto result = apply ? connectors::applyTopics(command.worker.settings, specs, std::chrono::seconds(15))
                            : connectors::diffTopics(command.worker.settings, specs, std::chrono::seconds(15));
        if (!result) {
            std::fprintf(stderr, "cityops-engine: %s\n", result.error().c_str());
            return 1;
        }
        for (const auto& d : *result) printLine(std::string(d.fixable ? "  " : "! ") + d.text);
        printLine(result->empty() ? "topics match the design" : std::to_string(result->size()) + (apply ? " difference(s) left" : " difference(s)"));
        return result->empty() ? 0 : 3;
    }

    auto worker = connectors::KafkaCityWorker::create(command.worker);
    if (!worker) {
        std::fprintf(stderr, "cityops-engine: %s\n", worker.error().c_str());
        return 1;
    }
    printLine("{\"event\":\"started\",\"group\":\"" + command.worker.groupId + "\",\"transactional_id\":\"" +
              command.worker.transactionalId + "\",\"restored_from\":" + std::to_string((*worker)->stats().restoredFrom) + "}");
    std::atomic<bool> stop{false};
    std::optional<engine::Expected<connectors::KafkaWorkerStats, std::string>> result;
    std::atomic<bool> done{false};
    std::thread runner([&] {
        result.emplace((*worker)->run(stop));
        done = true;
    });
    const auto started = std::chrono::steady_clock::now();
    const long intervalMs = static_cast<long>(command.statsInterval.count());
    while (!done) {
        timespec timeout{};
        const long waitMs = intervalMs > 0 ? std::min(intervalMs, 200L) : 200L;
        timeout.tv_nsec = waitMs * 1'000'000;
        const int signal = sigtimedwait(&signals, nullptr, &timeout);
        if (signal == SIGINT || signal == SIGTERM) break;
        if (command.duration.count() > 0 && std::chrono::steady_clock::now() - started >= command.duration) break;
        static auto lastStats = started;
        if (intervalMs > 0 && std::chrono::steady_clock::now() - lastStats >= command.statsInterval) {
            lastStats = std::chrono::steady_clock::now();
            printLine("{\"event\":\"stats\",\"stats\":" + statsJson((*worker)->stats()) + "}");
        }
    }
    stop = true;
    runner.join();
    if (!result->ok()) {
        std::fprintf(stderr, "cityops-engine: %s\n", result->error().c_str());
        printLine("{\"event\":\"failed\",\"stats\":" + statsJson((*worker)->stats()) + "}");
        return 1;
    }
    printLine("{\"event\":\"stopped\",\"stats\":" + statsJson(result->value()) + "}");
    return 0;
}
