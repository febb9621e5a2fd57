#include "cityops/connectors/kafka_topics.h"

#include <algorithm>
#include <map>

#include "cityops/engine/log/topic_spec.h"
#include "kafka_common.h"

namespace cityops::connectors {

using namespace kafka_detail;

std::vector<KafkaTopicSpec> designKafkaTopics(int replicationFactor) {
    std::vector<KafkaTopicSpec> specs;
    for (const auto& t : engine::log::defaultTopics()) {
        specs.push_back({t.name, t.partitions, replicationFactor, t.retentionMs});
    }
    specs.push_back({"alerts", 3, replicationFactor, 365 * engine::log::kDayMs});
    specs.push_back({"aggregates", 6, replicationFactor, 30 * engine::log::kDayMs});
    specs.push_back({"dead-letters", 3, replicationFactor, 30 * engine::log::kDayMs});
    return specs;
}

namespace {

struct Observed {
    int partitions = 0;
    int replicationFactor = 0;
    std::int64_t retentionMs = -2;  //!< -2 = not known
};

struct Admin {
    ErrorState errors;
    Handle rk;
    std::string error;
    explicit Admin(const KafkaSettings& settings) {
        rd_kafka_conf_t* conf = makeConf(settings, {}, error);
        if (conf == nullptr) return;
        installErrorCallbacks(conf, &errors);
        char errstr[512];
        rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
        if (!rk) {
            rd_kafka_conf_destroy(conf);
            error = errstr;
        }
    }
    //! Waits for one admin result event on queue.
    rd_kafka_event_t* wait(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout) {
        return rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 2000);
    }
};

engine::Expected<std::map<std::string, Observed>, std::string> observe(Admin& admin, const std::vector<KafkaTopicSpec>& specs,
                                                                       std::chrono::milliseconds timeout) {
    std::map<std::string, Observed> seen;
    const struct rd_kafka_metadata* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(admin.rk.get(), 1, nullptr, &md, static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const std::string broker = admin.errors.lastAfterPoll(admin.rk.get());
        return std::string("metadata: ") + rd_kafka_err2str(err) + (broker.empty() ? "" : " (" + broker + ")");
    }
    for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        Observed o;
        o.partitions = t.partition_cnt;
        o.replicationFactor = t.partition_cnt > 0 ? t.partitions[0].replica_cnt : 0;
        seen[t.topic] = o;
    }
    rd_kafka_metadata_destroy(md);

    // retention.ms through DescribeConfigs (brokers that do not answer it leave it unknown).
    std::vector<rd_kafka_ConfigResource_t*> resources;
    for (const auto& s : specs) {
        if (seen.contains(s.name)) resources.push_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, s.name.c_str()));
    }
    if (resources.empty()) return seen;
    rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.rk.get());
    rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(admin.rk.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    char errstr[256];
    rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), errstr, sizeof errstr);
    rd_kafka_DescribeConfigs(admin.rk.get(), resources.data(), resources.size(), options, queue);
    if (rd_kafka_event_t* ev = admin.wait(queue, timeout)) {
        if (rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const rd_kafka_DescribeConfigs_result_t* result = rd_kafka_event_DescribeConfigs_result(ev);
            std::size_t count = 0;
            const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(result, &count);
            for (std::size_t i = 0; i < count; ++i) {
                if (rd_kafka_ConfigResource_error(described[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
                std::size_t entries = 0;
                const rd_kafka_ConfigEntry_t** configs = rd_kafka_ConfigResource_configs(described[i], &entries);
                for (std::size_t e = 0; e < entries; ++e) {
                    if (std::string_view(rd_kafka_ConfigEntry_name(configs[e])) == "retention.ms" &&
                        rd_kafka_ConfigEntry_value(configs[e]) != nullptr) {
                        seen[rd_kafka_ConfigResource_name(described[i])].retentionMs =
                            std::stoll(rd_kafka_ConfigEntry_value(configs[e]));
                    }
                }
            }
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(options);
    rd_kafka_queue_destroy(queue);
    for (auto* r : resources) rd_kafka_ConfigResource_destroy(r);
    return seen;
}

std::vector<TopicDifference> compare(const std::map<std::string, Observed>& seen, const std::vector<KafkaTopicSpec>& specs) {
    std::vector<TopicDifference> out;
    using Kind = TopicDifference::Kind;
    for (const auto& s : specs) {
        const auto it = seen.find(s.name);
        if (it == seen.end()) {
            out.push_back({s.name, Kind::Missing,
                           s.name + ": missing (create with " + std::to_string(s.partitions) + " partitions, RF " +
                               std::to_string(s.replicationFactor) + ", retention " + std::to_string(s.retentionMs) + " ms)",
                           true});
            continue;
        }
        const Observed& o = it->second;
        if (o.partitions < s.partitions) {
            out.push_back({s.name, Kind::TooFewPartitions,
                           s.name + ": " + std::to_string(o.partitions) + " partitions, wants " + std::to_string(s.partitions), true});
        } else if (o.partitions > s.partitions) {
            out.push_back({s.name, Kind::TooManyPartitions,
                           s.name + ": " + std::to_string(o.partitions) + " partitions, wants " + std::to_string(s.partitions) +
                               " (Kafka cannot remove partitions)",
                           false});
        }
        if (o.replicationFactor != s.replicationFactor) {
            out.push_back({s.name, Kind::ReplicationFactor,
                           s.name + ": replication factor " + std::to_string(o.replicationFactor) + ", wants " +
                               std::to_string(s.replicationFactor) + " (needs a partition reassignment)",
                           false});
        }
        if (o.retentionMs == -2) {
            out.push_back({s.name, Kind::Unknown, s.name + ": retention.ms unknown (DescribeConfigs not answered)", true});
        } else if (o.retentionMs != s.retentionMs) {
            out.push_back({s.name, Kind::Retention,
                           s.name + ": retention.ms " + std::to_string(o.retentionMs) + ", wants " + std::to_string(s.retentionMs), true});
        }
    }
    return out;
}

}  // namespace

engine::Expected<std::vector<TopicDifference>, std::string> diffTopics(const KafkaSettings& settings,
                                                                        const std::vector<KafkaTopicSpec>& specs,
                                                                        std::chrono::milliseconds timeout) {
    Admin admin(settings);
    if (!admin.rk) return "topics: " + admin.error;
    auto seen = observe(admin, specs, timeout);
    if (!seen) return "topics: " + seen.error();
    return compare(*seen, specs);
}

engine::Expected<std::vector<TopicDifference>, std::string> applyTopics(const KafkaSettings& settings,
                                                                         const std::vector<KafkaTopicSpec>& specs,
                                                                         std::chrono::milliseconds timeout) {
    Admin admin(settings);
    if (!admin.rk) return "topics: " + admin.error;
    auto seen = observe(admin, specs, timeout);
    if (!seen) return "topics: " + seen.error();
    const auto before = compare(*seen, specs);
    std::vector<std::string> refused;
    char errstr[512];
    rd_kafka_queue_t* queue = rd_kafka_queue_new(admin.rk.get());

    std::vector<rd_kafka_NewTopic_t*> create;
    std::vector<rd_kafka_NewPartitions_t*> grow;
    std::vector<rd_kafka_ConfigResource_t*> alter;
    for (const auto& d : before) {
        const auto spec = std::find_if(specs.begin(), specs.end(), [&](const KafkaTopicSpec& s) { return s.name == d.topic; });
        if (d.kind == TopicDifference::Kind::Missing) {
            rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(spec->name.c_str(), spec->partitions, spec->replicationFactor, errstr, sizeof errstr);
            if (t == nullptr) {
                refused.push_back(spec->name + ": " + errstr);
                continue;
            }
            rd_kafka_NewTopic_set_config(t, "retention.ms", std::to_string(spec->retentionMs).c_str());
            create.push_back(t);
        } else if (d.kind == TopicDifference::Kind::TooFewPartitions) {
            grow.push_back(rd_kafka_NewPartitions_new(spec->name.c_str(), static_cast<std::size_t>(spec->partitions), errstr, sizeof errstr));
        } else if (d.kind == TopicDifference::Kind::Retention || d.kind == TopicDifference::Kind::Unknown) {
            rd_kafka_ConfigResource_t* r = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, spec->name.c_str());
            rd_kafka_ConfigResource_set_config(r, "retention.ms", std::to_string(spec->retentionMs).c_str());
            alter.push_back(r);
        }
    }
    auto collect = [&](rd_kafka_event_t* ev, const rd_kafka_topic_result_t** results, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
                refused.push_back(std::string(rd_kafka_topic_result_name(results[i])) + ": " + rd_kafka_topic_result_error_string(results[i]));
            }
        }
        (void)ev;
    };
    rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(admin.rk.get(), RD_KAFKA_ADMIN_OP_ANY);
    rd_kafka_AdminOptions_set_request_timeout(options, static_cast<int>(timeout.count()), errstr, sizeof errstr);
    if (!create.empty()) {
        rd_kafka_CreateTopics(admin.rk.get(), create.data(), create.size(), options, queue);
        if (rd_kafka_event_t* ev = admin.wait(queue, timeout)) {
            std::size_t n = 0;
            if (rd_kafka_event_error(ev)) refused.push_back(std::string("CreateTopics: ") + rd_kafka_event_error_string(ev));
            else if (const auto* r = rd_kafka_event_CreateTopics_result(ev)) collect(ev, rd_kafka_CreateTopics_result_topics(r, &n), n);
            rd_kafka_event_destroy(ev);
        }
    }
    if (!grow.empty()) {
        rd_kafka_CreatePartitions(admin.rk.get(), grow.data(), grow.size(), options, queue);
        if (rd_kafka_event_t* ev = admin.wait(queue, timeout)) {
            std::size_t n = 0;
            if (rd_kafka_event_error(ev)) refused.push_back(std::string("CreatePartitions: ") + rd_kafka_event_error_string(ev));
            else if (const auto* r = rd_kafka_event_CreatePartitions_result(ev)) collect(ev, rd_kafka_CreatePartitions_result_topics(r, &n), n);
            rd_kafka_event_destroy(ev);
        }
    }
    if (!alter.empty()) {
        rd_kafka_AlterConfigs(admin.rk.get(), alter.data(), alter.size(), options, queue);
        if (rd_kafka_event_t* ev = admin.wait(queue, timeout)) {
            if (rd_kafka_event_error(ev)) refused.push_back(std::string("AlterConfigs: ") + rd_kafka_event_error_string(ev));
            rd_kafka_event_destroy(ev);
        }
    }
    rd_kafka_AdminOptions_destroy(options);
    for (auto* t : create) rd_kafka_NewTopic_destroy(t);
    for (auto* p : grow) rd_kafka_NewPartitions_destroy(p);
    for (auto* r : alter) rd_kafka_ConfigResource_destroy(r);
    rd_kafka_queue_destroy(queue);

    auto after = observe(admin, specs, timeout);
    if (!after) return "topics: " + after.error();
    auto left = compare(*after, specs);
    for (const std::string& r : refused) left.push_back({"", TopicDifference::Kind::Unknown, "refused: " + r, false});
    return left;
}

}  // namespace cityops::connectors
