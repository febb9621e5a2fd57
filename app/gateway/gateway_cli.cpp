#include "gateway_cli.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace cityops::app {

using connectors::gateway::FullPolicy;
using connectors::gateway::PayloadFormat;

namespace {

bool toNumber(const std::string& text, double min, double max, double& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtod(text.c_str(), &end);
    return errno == 0 && end == text.c_str() + text.size() && std::isfinite(out) && out >= min && out <= max;
}

}  // namespace

std::string gatewayUsage() {
    return "Usage: cityops-gateway --gateway 1|2|3 (--log-dir DIR | --kafka HOSTS) --buffer-dir DIR [options]\n"
           "An edge gateway: receives sensor readings as JSON lines over UDP and TCP, validates and filters\n"
           "them, and forwards them in batches into the embedded event log at --log-dir or to Kafka. While\n"
           "the upstream cannot be written, batches wait in --buffer-dir and are forwarded in order afterwards.\n"
           "\n"
           "  --gateway N            1 central (traffic, air quality), 2 residential (temperature, parking),\n"
           "                         3 critical (emergency, energy)\n"
           "  --listen-udp HOST:PORT UDP address (default 0.0.0.0:910N for gateway N); \"off\" disables\n"
           "  --listen-tcp HOST:PORT TCP address (default 0.0.0.0:910N); \"off\" disables; port 0 picks one\n"
           "  --log-dir DIR          the embedded event log (created if missing)\n"
           "  --kafka HOSTS          forward to a Kafka cluster instead (bootstrap host:port[,...];\n"
           "                         idempotent producer, acks=all, lz4; PLAINTEXT only here)\n"
           "  --buffer-dir DIR       the disk buffer (created if missing)\n"
           "  --buffer-max-mb N      bound of the disk buffer in MiB (default 256)\n"
           "  --buffer-full P        refuse-new (default) or drop-oldest, when the buffer is full\n"
           "  --buffer-sync          fdatasync every buffered batch (survives power loss, slower)\n"
           "  --batch N              records per forwarded batch (default 4096)\n"
           "  --linger-ms N          forward a partial batch after N ms (default 20)\n"
           "  --payload F            json (default: the sensor's text) or reading (32-byte binary)\n"
           "  --compression C        zlib (default) or none: how buffered batches (and packed forwards)\n"
           "                         are stored; buffers written with either setting always drain\n"
           "  --forward M            records (default: one log record per reading) or packed (one\n"
           "                         compressed batch frame per topic and batch; consumers unpack it)\n"
           "  --no-time-check        accept any event time (simulated clocks)\n"
           "  --stats-interval S     print the counters as a JSON line every S seconds (default 10; 0: at exit)\n"
           "  --help, --version\n"
           "\n"
           "Prints one JSON line per event on stdout: started (with the bound ports), stats, stopped.\n"
           "SIGINT or SIGTERM stops it cleanly. Exit codes: 0 ok, 1 could not start, 2 bad option.\n";
}

std::string parseGatewayCommand(const std::vector<std::string>& args, GatewayCommand& command) {
    std::string udp;
    std::string tcp;
    std::string bufferDir;
    double bufferMb = 256;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& option = args[i];
        if (option == "--help" || option == "-h") {
            command.action = GatewayCommand::Action::Help;
            return {};
        }
        if (option == "--version") {
            command.action = GatewayCommand::Action::Version;
            return {};
        }
        if (option == "--buffer-sync") {
            command.gateway.buffer.syncEveryWrite = true;
            continue;
        }
        if (option == "--no-time-check") {
            command.gateway.checkTimestamps = false;
            continue;
        }
        static const char* const kWithValue[] = {"--gateway",   "--listen-udp", "--listen-tcp",    "--log-dir",
                                                 "--buffer-dir", "--buffer-max-mb", "--buffer-full", "--batch",
                                                 "--linger-ms",  "--payload",    "--stats-interval", "--compression",
                                                 "--forward",     "--kafka"};
        bool known = false;
        for (const char* name : kWithValue) known = known || option == name;
        if (!known) {
            return "unknown option '" + option + "' (see --help)";
        }
        if (i + 1 >= args.size()) {
            return option + " needs a value";
        }
        const std::string& value = args[++i];
        double number = 0;
        if (option == "--gateway") {
            if (!toNumber(value, 1, 3, number) || number != std::floor(number)) {
                return "--gateway must be 1, 2 or 3, not '" + value + "'";
            }
            command.gateway.gateway = static_cast<int>(number);
        } else if (option == "--listen-udp") {
            udp = value;
        } else if (option == "--listen-tcp") {
            tcp = value;
        } else if (option == "--log-dir") {
            command.logDir = value;
        } else if (option == "--kafka") {
            command.kafkaBootstrap = value;
        } else if (option == "--buffer-dir") {
            bufferDir = value;
        } else if (option == "--buffer-max-mb") {
            if (!toNumber(value, 0.01, 1 << 20, bufferMb)) {
                return "--buffer-max-mb must be a number of MiB from 0.01, not '" + value + "'";
            }
        } else if (option == "--buffer-full") {
            if (value == "refuse-new") {
                command.gateway.buffer.fullPolicy = FullPolicy::RefuseNew;
            } else if (value == "drop-oldest") {
                command.gateway.buffer.fullPolicy = FullPolicy::DropOldest;
            } else {
                return "--buffer-full must be refuse-new or drop-oldest, not '" + value + "'";
            }
        } else if (option == "--batch") {
            if (!toNumber(value, 1, 1 << 20, number) || number != std::floor(number)) {
                return "--batch must be a whole number from 1, not '" + value + "'";
            }
            command.gateway.batchRecords = static_cast<std::size_t>(number);
        } else if (option == "--linger-ms") {
            if (!toNumber(value, 1, 60'000, number)) {
                return "--linger-ms must be 1 to 60000, not '" + value + "'";
            }
            command.gateway.linger = std::chrono::milliseconds(static_cast<long>(number));
        } else if (option == "--payload") {
            if (value == "json") {
                command.gateway.payload = PayloadFormat::Json;
            } else if (value == "reading") {
                command.gateway.payload = PayloadFormat::Reading;
            } else {
                return "--payload must be json or reading, not '" + value + "'";
            }
        } else if (option == "--compression") {
            if (!connectors::gateway::parseCompression(value, command.gateway.compression)) {
                return "--compression must be none or zlib, not '" + value + "'";
            }
        } else if (option == "--forward") {
            if (value == "records" || value == "packed") {
                command.gateway.forwardPacked = value == "packed";
            } else {
                return "--forward must be records or packed, not '" + value + "'";
            }
        } else if (option == "--stats-interval") {
            if (!toNumber(value, 0, 86'400, number)) {
                return "--stats-interval must be 0 to 86400 seconds, not '" + value + "'";
            }
            command.statsInterval = std::chrono::milliseconds(static_cast<long>(number * 1000));
        }
    }
    if (command.logDir.empty() && command.kafkaBootstrap.empty()) {
        return "an upstream is required: --log-dir DIR (embedded log) or --kafka HOSTS";
    }
    if (!command.logDir.empty() && !command.kafkaBootstrap.empty()) {
        return "--log-dir and --kafka exclude each other (one upstream per gateway)";
    }
    if (bufferDir.empty()) {
        return "--buffer-dir is required";
    }
    command.gateway.buffer.directory = bufferDir;
    command.gateway.buffer.maxBytes = static_cast<std::uint64_t>(bufferMb * 1024 * 1024);
    const std::string port = "0.0.0.0:" + std::to_string(9100 + command.gateway.gateway);
    command.gateway.listenUdp = udp.empty() ? port : udp == "off" ? std::string() : udp;
    command.gateway.listenTcp = tcp.empty() ? port : tcp == "off" ? std::string() : tcp;
    if (command.gateway.listenUdp.empty() && command.gateway.listenTcp.empty()) {
        return "--listen-udp and --listen-tcp are both off";
    }
    for (const std::string* address : {&command.gateway.listenUdp, &command.gateway.listenTcp}) {
        std::string host;
        std::uint16_t p = 0;
        std::string error;
        if (!address->empty() && !connectors::gateway::parseHostPort(*address, host, p, error)) {
            return (address == &command.gateway.listenUdp ? "--listen-udp: " : "--listen-tcp: ") + error;
        }
    }
    return {};
}

}  // namespace cityops::app
