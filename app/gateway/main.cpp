// cityops-gateway: one edge gateway as its own process. main() parses the command line, wires the
// gateway to the embedded log (or Kafka) and prints its counters; the work is in connectors/gateway.

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/gateway.h"
#include "cityops/connectors/gateway/log_directory_sink.h"
#include "cityops/connectors/kafka_client.h"
#include "cityops_version.h"
#include "gateway_cli.h"

using namespace cityops;

namespace {

void printLine(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    app::GatewayCommand command;
    const std::string error = app::parseGatewayCommand(std::vector<std::string>(argv + 1, argv + argc), command);
    if (!error.empty()) {
        std::fprintf(stderr, "cityops-gateway: %s\n", error.c_str());
        return 2;
    }
    if (command.action == app::GatewayCommand::Action::Help) {
        std::fputs(app::gatewayUsage().c_str(), stdout);
        return 0;
    }
    if (command.action == app::GatewayCommand::Action::Version) {
        std::printf("cityops-gateway %s\n", CITYOPS_VERSION);
        return 0;
    }

    // Signals are taken synchronously by this thread; the gateway's threads inherit the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::unique_ptr<engine::log::EventSink> upstream;
    if (!command.kafkaBootstrap.empty()) {
        connectors::KafkaSinkConfig kafka;
        kafka.settings.bootstrapServers = command.kafkaBootstrap;
        kafka.settings.clientId = "cityops-gateway-" + std::to_string(command.gateway.gateway);
        auto sink = connectors::KafkaEventSink::create(kafka);
        if (!sink) {
            std::fprintf(stderr, "cityops-gateway: Kafka: %s\n", sink.error().message.c_str());
            return 1;
        }
        upstream = std::move(*sink);
        command.gateway.confirmEachBatch = true;  // the producer's send() only queues
    } else {
        engine::log::LogConfig logConfig;
        logConfig.directory = command.logDir;
        upstream = std::make_unique<connectors::gateway::LogDirectorySink>(logConfig);
    }
    auto gateway = connectors::gateway::Gateway::start(command.gateway, std::move(upstream));
    if (!gateway) {
        std::fprintf(stderr, "cityops-gateway: %s\n", gateway.error().c_str());
        return 1;
    }
    const auto stats = (*gateway)->stats();
    printLine("{\"event\":\"started\",\"gateway\":" + std::to_string(command.gateway.gateway) +
              ",\"udp_port\":" + std::to_string((*gateway)->udpPort()) +
              ",\"tcp_port\":" + std::to_string((*gateway)->tcpPort()) +
              ",\"buffer_recovered\":" + std::to_string(stats.bufferRecovered) + "}");

    const long intervalMs = static_cast<long>(command.statsInterval.count());
    for (;;) {
        timespec timeout{};
        timeout.tv_sec = intervalMs > 0 ? intervalMs / 1000 : 3600;
        timeout.tv_nsec = intervalMs > 0 ? (intervalMs % 1000) * 1'000'000 : 0;
        const int signal = sigtimedwait(&signals, nullptr, &timeout);
        if (signal == SIGINT || signal == SIGTERM) {
            break;
        }
        if (intervalMs > 0) {
            printLine("{\"event\":\"stats\",\"stats\":" + connectors::gateway::toJson((*gateway)->stats()) + "}");
        }
    }
    (*gateway)->stop();
    printLine("{\"event\":\"stopped\",\"stats\":" + connectors::gateway::toJson((*gateway)->stats()) + "}");
    return 0;
}
