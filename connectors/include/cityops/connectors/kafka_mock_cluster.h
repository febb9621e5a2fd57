#pragma once

#include <memory>
#include <string>

namespace cityops::connectors {

//! librdkafka's own in-process mock cluster: a real Kafka protocol endpoint on loopback, for tests
//! and `--kafka-mock` demos without a broker. Brokers can be taken down and up to inject faults.
class KafkaMockCluster {
public:
    //! Starts brokerCount mock brokers; throws std::runtime_error with librdkafka's reason on failure.
    explicit KafkaMockCluster(int brokerCount = 3);
    ~KafkaMockCluster();
    KafkaMockCluster(const KafkaMockCluster&) = delete;
    KafkaMockCluster& operator=(const KafkaMockCluster&) = delete;

    //! Bootstrap servers to give to clients ("127.0.0.1:port,...").
    std::string bootstrapServers() const;
    //! Creates a topic; returns librdkafka's error text, empty on success.
    std::string createTopic(const std::string& name, int partitions, int replicationFactor);
    void setBrokerDown(int brokerId);
    void setBrokerUp(int brokerId);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::connectors
