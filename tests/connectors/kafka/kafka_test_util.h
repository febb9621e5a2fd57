#pragma once
// Helpers of the Kafka tests: JSON readings with unique event ids, and a plain consumer that reads
// a topic to the end (the "downstream consumer that keys on the id").

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <atomic>
#include <map>
#include <mutex>
#include <string_view>
#include <string>
#include <thread>
#include <vector>

#include "cityops/connectors/kafka_client.h"
#include "cityops/connectors/kafka_mock_cluster.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream/json_codec.h"

namespace kafka_test {

using namespace std::chrono_literals;

//! Readings as JSON records; payload storage is kept alongside.
struct JsonBatch {
    std::vector<std::string> payloads;
    std::vector<cityops::engine::log::RecordInput> records;

    void add(const cityops::engine::Reading& r) {
        char buffer[cityops::engine::stream::kMaxReadingJsonBytes];
        const std::size_t n = cityops::engine::stream::encodeReadingJson(r, buffer);
        payloads.emplace_back(buffer, n);
        cityops::engine::log::RecordInput in;
        in.timestampMs = r.eventTimeMs;
        in.key = r.sensorId;
        in.flags = 2;  // kJsonReadingPayload
        records.push_back(in);
    }
    //! Points the records at the payloads (call after the last add()).
    std::span<const cityops::engine::log::RecordInput> span() {
        for (std::size_t i = 0; i < records.size(); ++i) {
            records[i].payload = std::as_bytes(std::span(payloads[i].data(), payloads[i].size()));
        }
        return records;
    }
};

//! A unique id of a reading: sensor << 32 | seq.
inline std::uint64_t eventKey(std::uint32_t sensor, std::uint64_t seq) { return (std::uint64_t{sensor} << 32) | seq; }

inline cityops::connectors::KafkaSettings settingsFor(const cityops::connectors::KafkaMockCluster& mock) {
    cityops::connectors::KafkaSettings s;
    s.bootstrapServers = mock.bootstrapServers();
    s.clientId = "cityops-test";
    return s;
}

//! Fast group settings for tests (short sessions, quick rebalances).
inline std::vector<cityops::connectors::ConfigEntry> fastGroup() {
    return {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}, {"topic.metadata.refresh.interval.ms", "1000"}};
}

//! Reads topic from the beginning (read_uncommitted or read_committed) until `expected` messages
//! arrived or `timeout`; returns payloads.
inline std::vector<std::string> readTopic(const std::string& bootstrap, const std::string& topic, std::size_t expected,
                                          std::chrono::milliseconds timeout, bool readCommitted = true) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
    const std::string group = "reader-" + topic + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    rd_kafka_conf_set(conf, "group.id", group.c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "isolation.level", readCommitted ? "read_committed" : "read_uncommitted", errstr, sizeof errstr);
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    std::vector<std::string> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < expected && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) out.emplace_back(static_cast<const char*>(m->payload), m->len);
        rd_kafka_message_destroy(m);
    }
    // Anything beyond `expected` (duplicates) that is already there.
    for (int idle = 0; idle < 5;) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
        if (m == nullptr) {
            ++idle;
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) out.emplace_back(static_cast<const char*>(m->payload), m->len);
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
}

//! A downstream consumer on its own thread that keys on the alert id (read_committed), counting
//! every record it sees per id.
class AlertReader {
public:
    AlertReader(const std::string& bootstrap, const std::string& topic, std::uint64_t (*idOf)(std::string_view))
        : m_thread([this, bootstrap, topic, idOf] {
              char errstr[512];
              rd_kafka_conf_t* conf = rd_kafka_conf_new();
              rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
              rd_kafka_conf_set(conf, "group.id", "alert-reader", errstr, sizeof errstr);
              rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr);
              rd_kafka_conf_set(conf, "isolation.level", "read_committed", errstr, sizeof errstr);
              rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
              rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
              rd_kafka_poll_set_consumer(rk);
              rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
              rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
              rd_kafka_subscribe(rk, list);
              rd_kafka_topic_partition_list_destroy(list);
              while (!m_stop.load()) {
                  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
                  if (m == nullptr) continue;
                  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                      const std::uint64_t id = idOf(std::string_view(static_cast<const char*>(m->payload), m->len));
                      std::lock_guard lock(m_mutex);
                      ++m_byId[id];
                      ++m_records;
                  }
                  rd_kafka_message_destroy(m);
              }
              rd_kafka_consumer_close(rk);
              rd_kafka_destroy(rk);
          }) {}
    ~AlertReader() { stop(); }
    void stop() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
    }
    std::map<std::uint64_t, int> byId() {
        std::lock_guard lock(m_mutex);
        return m_byId;
    }
    std::size_t records() {
        std::lock_guard lock(m_mutex);
        return m_records;
    }

private:
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::map<std::uint64_t, int> m_byId;
    std::size_t m_records = 0;
    std::thread m_thread;
};

}  // namespace kafka_test
