#pragma once

#include <memory>
#include <string>
#include <vector>

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
    //! Moves a partition's leadership to brokerId (brokers are numbered 1..brokerCount).
    void setPartitionLeader(const std::string& topic, int partition, int brokerId);
    //! The next requests of the Kafka API apiKey (0 Produce, 24 AddPartitionsToTxn, 26 EndTxn,
    //! 28 TxnOffsetCommit, ...) fail with these librdkafka error codes, one request per code.
    void pushRequestErrors(int apiKey, const std::vector<int>& errorCodes);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::connectors
