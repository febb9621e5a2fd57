#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>

#include "cityops/connectors/kafka_settings.h"

namespace cityops::connectors {

namespace {

//! Collects the last error librdkafka reported through its callbacks, so the report can name the
//! broker's reason ("Connection refused", "SSL handshake failed", "Authentication failed").
struct ErrorSink {
    std::mutex mutex;
    std::string lastError;
};

void onError(rd_kafka_t*, int, const char* reason, void* opaque) {
    auto* sink = static_cast<ErrorSink*>(opaque);
    std::lock_guard lock(sink->mutex);
    sink->lastError = reason;
}

void onLog(const rd_kafka_t*, int, const char*, const char*) {}

struct HandleDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct MetadataDeleter {
    void operator()(const struct rd_kafka_metadata* md) const { rd_kafka_metadata_destroy(md); }
};

}  // namespace

ConnectionReport testConnection(const KafkaSettings& settings, std::chrono::milliseconds timeout) {
    ConnectionReport report;
    if (auto problems = validate(settings); !problems.empty()) {
        report.message = "settings: " + problems.front();
        return report;
    }

    ErrorSink sink;
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char errstr[512];
    for (const auto& entry : toConfig(settings)) {
        if (rd_kafka_conf_set(conf, entry.key.c_str(), entry.value.c_str(), errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK) {
            rd_kafka_conf_destroy(conf);
            report.message = "setting " + entry.key + " was refused: " + errstr;
            return report;
        }
    }
    rd_kafka_conf_set_opaque(conf, &sink);
    rd_kafka_conf_set_error_cb(conf, onError);
    rd_kafka_conf_set_log_cb(conf, onLog);

    std::unique_ptr<rd_kafka_t, HandleDeleter> rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        report.message = std::string("client could not be created: ") + errstr;
        return report;
    }

    const struct rd_kafka_metadata* raw = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk.get(), 1, nullptr, &raw, static_cast<int>(timeout.count()));
    std::unique_ptr<const struct rd_kafka_metadata, MetadataDeleter> metadata(raw);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        std::lock_guard lock(sink.mutex);
        report.message = "no answer from " + settings.bootstrapServers + ": " + rd_kafka_err2str(err);
        if (!sink.lastError.empty()) report.message += " (" + sink.lastError + ")";
        return report;
    }

    report.ok = true;
    report.brokerCount = metadata->broker_cnt;
    for (int i = 0; i < metadata->broker_cnt; ++i) {
        const auto& b = metadata->brokers[i];
        report.brokers.push_back(std::to_string(b.id) + "@" + b.host + ":" + std::to_string(b.port));
    }
    for (int i = 0; i < metadata->topic_cnt; ++i) {
        if (metadata->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) report.topics.emplace_back(metadata->topics[i].topic);
    }
    std::sort(report.topics.begin(), report.topics.end());
    report.message = "connected to " + std::to_string(report.brokerCount) + " broker(s), " +
                     std::to_string(report.topics.size()) + " topic(s)";
    return report;
}

}  // namespace cityops::connectors
