#include "cityops/connectors/kafka_mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace cityops::connectors {

struct KafkaMockCluster::Impl {
    rd_kafka_t* handle = nullptr;
    rd_kafka_mock_cluster_t* cluster = nullptr;

    ~Impl() {
        if (cluster) rd_kafka_mock_cluster_destroy(cluster);
        if (handle) rd_kafka_destroy(handle);
    }
};

namespace {
void quietLog(const rd_kafka_t*, int, const char*, const char*) {}
}  // namespace

KafkaMockCluster::KafkaMockCluster(int brokerCount) : m_impl(std::make_unique<Impl>()) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, quietLog);
    m_impl->handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!m_impl->handle) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string("mock cluster: cannot create its client: ") + errstr);
    }
    m_impl->cluster = rd_kafka_mock_cluster_new(m_impl->handle, brokerCount);
    if (!m_impl->cluster) throw std::runtime_error("mock cluster: librdkafka could not start the brokers");
}

KafkaMockCluster::~KafkaMockCluster() = default;

std::string KafkaMockCluster::bootstrapServers() const {
    return rd_kafka_mock_cluster_bootstraps(m_impl->cluster);
}

std::string KafkaMockCluster::createTopic(const std::string& name, int partitions, int replicationFactor) {
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(m_impl->cluster, name.c_str(), partitions, replicationFactor);
    return err == RD_KAFKA_RESP_ERR_NO_ERROR ? std::string() : std::string(rd_kafka_err2str(err));
}

void KafkaMockCluster::setBrokerDown(int brokerId) { rd_kafka_mock_broker_set_down(m_impl->cluster, brokerId); }

void KafkaMockCluster::setBrokerUp(int brokerId) { rd_kafka_mock_broker_set_up(m_impl->cluster, brokerId); }

void KafkaMockCluster::setPartitionLeader(const std::string& topic, int partition, int brokerId) {
    rd_kafka_mock_partition_set_leader(m_impl->cluster, topic.c_str(), partition, brokerId);
}

void KafkaMockCluster::pushRequestErrors(int apiKey, const std::vector<int>& errorCodes) {
    std::vector<rd_kafka_resp_err_t> codes;
    codes.reserve(errorCodes.size());
    for (int code : errorCodes) codes.push_back(static_cast<rd_kafka_resp_err_t>(code));
    rd_kafka_mock_push_request_errors_array(m_impl->cluster, static_cast<std::int16_t>(apiKey), codes.size(), codes.data());
}

}  // namespace cityops::connectors
