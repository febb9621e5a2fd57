#pragma once
// Creating and verifying the design's Kafka topics through the Admin API, with a dry run.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "cityops/connectors/kafka_settings.h"
#include "cityops/engine/expected.h"

namespace cityops::connectors {

//! A topic as the design wants it on the cluster.
struct KafkaTopicSpec {
    std::string name;
    int partitions = 1;
    int replicationFactor = 3;
    std::int64_t retentionMs = 7LL * 24 * 3600 * 1000;
};

//! The design's topics: the event log's (engine::log::defaultTopics(): traffic-events 12 / 7 d, ...)
//! plus alerts (3 partitions, 365 d), aggregates (6, 30 d) and dead-letters (3, 30 d), each with
//! the given replication factor (the design: 3).
std::vector<KafkaTopicSpec> designKafkaTopics(int replicationFactor = 3);

//! One way the cluster differs from the specs.
struct TopicDifference {
    enum class Kind { Missing, TooFewPartitions, TooManyPartitions, ReplicationFactor, Retention, Unknown };
    std::string topic;
    Kind kind = Kind::Missing;
    std::string text;     //!< "traffic-events: 6 partitions, wants 12"
    bool fixable = true;  //!< Kafka cannot remove partitions or change the replication factor in place
};

//! Compares the cluster with the specs (metadata + DescribeConfigs of retention.ms); changes nothing.
engine::Expected<std::vector<TopicDifference>, std::string> diffTopics(const KafkaSettings& settings,
                                                                        const std::vector<KafkaTopicSpec>& specs,
                                                                        std::chrono::milliseconds timeout);

//! Fixes what can be fixed (creates missing topics, adds partitions, sets retention.ms) and returns
//! the differences left afterwards (the unfixable ones, or those a broker refused, with its reason).
engine::Expected<std::vector<TopicDifference>, std::string> applyTopics(const KafkaSettings& settings,
                                                                         const std::vector<KafkaTopicSpec>& specs,
                                                                         std::chrono::milliseconds timeout);

}  // namespace cityops::connectors
