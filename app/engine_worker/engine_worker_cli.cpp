#include "engine_worker_cli.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cityops::app {

namespace {

bool parseNumber(const std::string& text, long long& out) {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

}  // namespace

std::string engineWorkerUsage() {
    return R"(Usage: cityops-engine [options]
Headless CityOps engine worker: joins a Kafka consumer group, runs the design's stream jobs on the
partitions it is assigned and publishes alerts and district aggregates exactly once (Kafka
transactions with the consumer offsets). Start several with different --worker-id values and the
partitions spread; stop one and its partitions move to the others.

Connection:
  --bootstrap HOSTS            bootstrap servers, host:port[,host:port...]
  --kafka-mock                 start librdkafka's in-process mock cluster (3 brokers, design topics) for a demo
  --client-id ID               client id (default cityops-engine)
  --security-protocol P        PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL
  --ca FILE                    CA certificate (PEM) for SSL / SASL_SSL
  --cert FILE --key FILE       client certificate and key (mutual TLS)
  --sasl-mechanism M           PLAIN (default), SCRAM-SHA-256 or SCRAM-SHA-512
  --sasl-user NAME             SASL user; the password comes from $CITYOPS_KAFKA_PASSWORD
  --sasl-password-file FILE    ... or from the first line of FILE
Jobs:
  --group ID                   consumer group (default cityops-engine)
  --worker-id N                worker slot: transactional.id cityops-engine-N (default 1)
  --transactional-id ID        explicit transactional.id
  --topics T1,T2               input topics (default: the design's reading topics)
  --alerts-topic T             (default alerts)
  --format json|avro           payloads of readings without a format flag and of published alerts (default json)
  --dead-letter-topic T        rejected records with the error in headers (default dead-letters; "" = none)
  --aggregates-topic T         district aggregates; "" disables (default aggregates)
  --store FILE                 worker state store (SQLite); without it a restart starts the jobs empty
  --threads N                  engine worker threads (default: cores)
  --commit-interval-ms MS      transaction cadence (default 1000)
Topics:
  --topics-check               dry run: list how the cluster differs from the design's topics, exit
  --topics-apply               create missing topics, add partitions, set retention; list what is left
  --replication-factor N       replication factor the topics should have (default 3)
Other:
  --demo-readings N            with --kafka-mock: produce N simulated CO2 readings first
  --duration S                 stop after S seconds (default: until SIGINT/SIGTERM)
  --stats-interval-ms MS       JSON stats line cadence (default 10000, 0 = only at the end)
  --help, --version
)";
}

std::string parseEngineWorkerCommand(const std::vector<std::string>& args, EngineWorkerCommand& command) {
    auto& w = command.worker;
    w.settings.clientId = "cityops-engine";
    std::string passwordFile;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string& out) -> std::string {
            if (i + 1 >= args.size()) return a + " needs a value";
            out = args[++i];
            return {};
        };
        auto number = [&](long long& out, long long min) -> std::string {
            std::string text;
            if (auto e = value(text); !e.empty()) return e;
            if (!parseNumber(text, out) || out < min) return a + ": '" + text + "' is not a number >= " + std::to_string(min);
            return {};
        };
        std::string text;
        long long n = 0;
        std::string error;
        if (a == "--help" || a == "-h") {
            command.action = EngineWorkerCommand::Action::Help;
        } else if (a == "--version") {
            command.action = EngineWorkerCommand::Action::Version;
        } else if (a == "--bootstrap") {
            error = value(w.settings.bootstrapServers);
        } else if (a == "--kafka-mock") {
            command.kafkaMock = true;
        } else if (a == "--client-id") {
            error = value(w.settings.clientId);
        } else if (a == "--security-protocol") {
            if (error = value(text); error.empty() && !connectors::parseSecurityProtocol(text, w.settings.protocol)) {
                error = "--security-protocol: unknown '" + text + "' (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL)";
            }
        } else if (a == "--ca") {
            error = value(w.settings.caLocation);
        } else if (a == "--cert") {
            error = value(w.settings.certificateLocation);
        } else if (a == "--key") {
            error = value(w.settings.keyLocation);
        } else if (a == "--sasl-mechanism") {
            if (error = value(text); error.empty() && !connectors::parseSaslMechanism(text, w.settings.saslMechanism)) {
                error = "--sasl-mechanism: unknown '" + text + "' (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)";
            }
        } else if (a == "--sasl-user") {
            error = value(w.settings.saslUsername);
        } else if (a == "--sasl-password-file") {
            error = value(passwordFile);
        } else if (a == "--sasl-password") {
            error = "--sasl-password is not accepted (it would show in ps): use $CITYOPS_KAFKA_PASSWORD or --sasl-password-file";
        } else if (a == "--group") {
            error = value(w.groupId);
        } else if (a == "--worker-id") {
            if (error = number(n, 1); error.empty()) w.transactionalId = "cityops-engine-" + std::to_string(n);
        } else if (a == "--transactional-id") {
            error = value(w.transactionalId);
        } else if (a == "--topics") {
            if (error = value(text); error.empty()) w.inputTopics = splitList(text);
        } else if (a == "--format") {
            if (error = value(text); error.empty()) {
                if (auto format = connectors::parsePayloadFormat(text)) {
                    w.format = *format;
                } else {
                    error = "--format: unknown '" + text + "' (json, avro)";
                }
            }
        } else if (a == "--dead-letter-topic") {
            error = value(w.deadLetterTopic);
        } else if (a == "--alerts-topic") {
            error = value(w.alertsTopic);
        } else if (a == "--aggregates-topic") {
            error = value(w.aggregatesTopic);
        } else if (a == "--store") {
            if (error = value(text); error.empty()) w.storePath = text;
        } else if (a == "--threads") {
            if (error = number(n, 1); error.empty()) w.jobs.job.workers = static_cast<int>(n);
        } else if (a == "--commit-interval-ms") {
            if (error = number(n, 1); error.empty()) w.commitInterval = std::chrono::milliseconds(n);
        } else if (a == "--topics-check") {
            command.action = EngineWorkerCommand::Action::TopicsCheck;
        } else if (a == "--topics-apply") {
            command.action = EngineWorkerCommand::Action::TopicsApply;
        } else if (a == "--replication-factor") {
            if (error = number(n, 1); error.empty()) command.replicationFactor = static_cast<int>(n);
        } else if (a == "--demo-readings") {
            if (error = number(n, 0); error.empty()) command.demoReadings = static_cast<std::uint64_t>(n);
        } else if (a == "--duration") {
            if (error = number(n, 1); error.empty()) command.duration = std::chrono::seconds(n);
        } else if (a == "--stats-interval-ms") {
            if (error = number(n, 0); error.empty()) command.statsInterval = std::chrono::milliseconds(n);
        } else {
            error = "unknown option " + a + " (see --help)";
        }
        if (!error.empty()) return error;
    }
    if (command.action == EngineWorkerCommand::Action::Help || command.action == EngineWorkerCommand::Action::Version) {
        return {};
    }
    if (!passwordFile.empty()) {
        std::ifstream in(passwordFile);
        if (!in) return "--sasl-password-file: cannot read " + passwordFile;
        std::getline(in, w.settings.saslPassword);
    } else if (const char* env = std::getenv("CITYOPS_KAFKA_PASSWORD"); env != nullptr) {
        w.settings.saslPassword = env;
    }
    if (command.kafkaMock && !w.settings.bootstrapServers.empty()) return "--kafka-mock and --bootstrap exclude each other";
    if (!command.kafkaMock && w.settings.bootstrapServers.empty()) return "no cluster: give --bootstrap HOSTS or --kafka-mock";
    if (command.demoReadings > 0 && !command.kafkaMock) return "--demo-readings needs --kafka-mock";
    if (!command.kafkaMock) {
        if (auto problems = connectors::validate(w.settings); !problems.empty()) return problems.front();
    }
    return {};
}

}  // namespace cityops::app
