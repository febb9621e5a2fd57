#include "kafka_common.h"

#include <cstring>

namespace cityops::connectors::kafka_detail {

namespace {

void onError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* state = static_cast<ErrorState*>(opaque);
    if (state == nullptr) return;
    std::lock_guard lock(state->mutex);
    state->lastError = reason != nullptr ? reason : rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err));
    if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
        err == RD_KAFKA_RESP_ERR__SSL) {
        state->authentication = true;
    }
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        state->fatal = true;
        char fatal[512];
        const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
        if (orig != RD_KAFKA_RESP_ERR_NO_ERROR) state->lastError = fatal;
    }
}

void onLog(const rd_kafka_t*, int, const char*, const char*) {}

}  // namespace

void installErrorCallbacks(rd_kafka_conf_t* conf, ErrorState* state) {
    rd_kafka_conf_set_opaque(conf, state);
    rd_kafka_conf_set_error_cb(conf, onError);
    rd_kafka_conf_set_log_cb(conf, onLog);
}

rd_kafka_conf_t* makeConf(const KafkaSettings& settings, const std::vector<ConfigEntry>& extra, std::string& error) {
    if (auto problems = validate(settings); !problems.empty()) {
        error = "settings: " + problems.front();
        return nullptr;
    }
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    auto apply = [&](const ConfigEntry& entry) {
        if (rd_kafka_conf_set(conf, entry.key.c_str(), entry.value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            error = "setting " + entry.key + " was refused: " + errstr;
            return false;
        }
        return true;
    };
    for (const auto& entry : toConfig(settings)) {
        if (!apply(entry)) {
            rd_kafka_conf_destroy(conf);
            return nullptr;
        }
    }
    for (const auto& entry : extra) {
        if (!apply(entry)) {
            rd_kafka_conf_destroy(conf);
            return nullptr;
        }
    }
    return conf;
}

engine::log::LogError ioError(std::string message) {
    engine::log::LogError e;
    e.code = engine::log::LogErrc::Io;
    e.message = std::move(message);
    return e;
}

void encodeKey(std::uint64_t key, unsigned char out[8]) {
    for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>(key >> (8 * i));
}

std::uint64_t decodeKey(const void* data, std::size_t size) {
    if (data == nullptr || size == 0) return 0;
    const auto* bytes = static_cast<const unsigned char*>(data);
    if (size == 8) {
        std::uint64_t key = 0;
        for (int i = 0; i < 8; ++i) key |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
        return key;
    }
    std::uint64_t h = 1469598103934665603ull;
    for (std::size_t i = 0; i < size; ++i) {
        h ^= bytes[i];
        h *= 1099511628211ull;
    }
    return h;
}

}  // namespace cityops::connectors::kafka_detail
