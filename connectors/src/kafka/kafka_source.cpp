#include <algorithm>
#include <deque>

#include "cityops/connectors/kafka_client.h"
#include "kafka_common.h"

namespace cityops::connectors {

using engine::log::PartitionOffset;
using engine::log::SourceRecord;
using namespace kafka_detail;

struct KafkaEventSource::Impl {
    ErrorState errors;
    KafkaEventSource* owner = nullptr;
    KafkaSourceConfig config;
    Handle rk;

    struct Assigned {
        const std::string* topic = nullptr;  //!< interned in topicNames
        int partition = 0;
        std::int64_t next = -1;  //!< next offset to read; -1 = not known yet (nothing read)
        std::int64_t handedOut = -1;  //!< next offset after the records returned by earlier polls
    };
    bool rebalanced = false;    //!< the assignment changed during the current poll
    std::size_t filled = 0;     //!< records filled by the current poll so far
    std::size_t firstValid = 0; //!< records before this index were fetched before a revocation
    std::deque<std::string> topicNames;  //!< stable storage for SourceRecord::topic
    std::vector<Assigned> assigned;
    std::vector<PartitionOffset> pendingSeek;  //!< for partitions not assigned yet
    std::vector<rd_kafka_message_t*> held;     //!< messages whose payloads the caller still reads
    std::size_t lastHit = 0;

    std::mutex commitMutex;
    std::vector<PartitionOffset> toCommit;
    bool commitQueued = false;

    std::function<void(const KafkaRebalance&)> listener;
    bool closed = false;

    const std::string* intern(const char* topic) {
        for (const std::string& t : topicNames) {
            if (t == topic) return &t;
        }
        topicNames.emplace_back(topic);
        return &topicNames.back();
    }

    Assigned* find(const char* topic, int partition) {
        if (lastHit < assigned.size()) {
            Assigned& a = assigned[lastHit];
            if (a.partition == partition && *a.topic == topic) return &a;
        }
        for (std::size_t i = 0; i < assigned.size(); ++i) {
            if (assigned[i].partition == partition && *assigned[i].topic == topic) {
                lastHit = i;
                return &assigned[i];
            }
        }
        return nullptr;
    }

    void releaseHeld() {
        for (rd_kafka_message_t* m : held) rd_kafka_message_destroy(m);
        held.clear();
    }

    void onAssign(rd_kafka_topic_partition_list_t* partitions) {
        KafkaRebalance change;
        rebalanced = true;
        for (int i = 0; i < partitions->cnt; ++i) {
            rd_kafka_topic_partition_t& p = partitions->elems[i];
            Assigned a;
            a.topic = intern(p.topic);
            a.partition = p.partition;
            auto pending = std::find_if(pendingSeek.begin(), pendingSeek.end(), [&](const PartitionOffset& o) {
                return o.partition == p.partition && o.topic == p.topic;
            });
            if (pending != pendingSeek.end()) {
                p.offset = static_cast<std::int64_t>(pending->offset);
                a.next = p.offset;
                pendingSeek.erase(pending);
            } else {
                p.offset = RD_KAFKA_OFFSET_INVALID;  // the group's committed offset, else auto.offset.reset
            }
            a.handedOut = a.next;
            assigned.push_back(a);
            change.assigned.push_back({*a.topic, a.partition, a.next < 0 ? 0 : static_cast<std::uint64_t>(a.next)});
        }
        rd_kafka_assign(rk.get(), partitions);
        lastHit = 0;
        if (listener) listener(change);
    }

    void onRevoke() {
        KafkaRebalance change;
        rebalanced = true;
        firstValid = filled;
        for (const Assigned& a : assigned) {
            // What the caller has: records this poll() fetched before the revocation are dropped.
            if (a.handedOut >= 0) change.revoked.push_back({*a.topic, a.partition, static_cast<std::uint64_t>(a.handedOut)});
        }
        // Uncommitted progress is discarded: the new owner resumes from the last committed offset.
        assigned.clear();
        lastHit = 0;
        rd_kafka_assign(rk.get(), nullptr);
        if (listener) listener(change);
    }

    PartitionList toList(std::span<const PartitionOffset> offsets, bool onlyAssigned) {
        PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
        for (const PartitionOffset& o : offsets) {
            if (onlyAssigned && find(o.topic.c_str(), o.partition) == nullptr) continue;
            rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset =
                static_cast<std::int64_t>(o.offset);
        }
        return list;
    }
};

namespace {
void onRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* impl = static_cast<KafkaEventSource::Impl*>(static_cast<ErrorState*>(opaque)->owner);
    if (impl == nullptr) {
        rd_kafka_assign(rk, nullptr);
        return;
    }
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        impl->onAssign(partitions);
    } else {
        impl->onRevoke();
    }
}
}  // namespace

engine::log::Result<std::unique_ptr<KafkaEventSource>> KafkaEventSource::create(KafkaSourceConfig config) {
    if (config.topics.empty()) return ioError("kafka source: no topics to subscribe to");
    if (config.groupId.empty()) return ioError("kafka source: no consumer group id");
    std::vector<ConfigEntry> extra = {
        {"group.id", config.groupId},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", config.startAtEarliest ? "earliest" : "latest"},
        {"isolation.level", "read_committed"},
        {"enable.partition.eof", "false"},
    };
    extra.insert(extra.end(), config.extra.begin(), config.extra.end());
    std::string error;
    rd_kafka_conf_t* conf = makeConf(config.settings, extra, error);
    if (conf == nullptr) return ioError("kafka source: " + error);

    auto impl = std::make_unique<Impl>();
    impl->errors.owner = impl.get();
    installErrorCallbacks(conf, &impl->errors);
    rd_kafka_conf_set_rebalance_cb(conf, onRebalance);
    char errstr[512];
    impl->rk.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr));
    if (!impl->rk) {
        rd_kafka_conf_destroy(conf);
        return ioError(std::string("kafka source: consumer could not be created: ") + errstr);
    }
    rd_kafka_poll_set_consumer(impl->rk.get());
    PartitionList topics(rd_kafka_topic_partition_list_new(static_cast<int>(config.topics.size())));
    for (const std::string& t : config.topics) {
        rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    }
    if (const rd_kafka_resp_err_t err = rd_kafka_subscribe(impl->rk.get(), topics.get()); err) {
        return ioError(std::string("kafka source: subscribe failed: ") + rd_kafka_err2str(err));
    }
    impl->config = std::move(config);
    auto source = std::unique_ptr<KafkaEventSource>(new KafkaEventSource(std::move(impl)));
    source->m_impl->owner = source.get();
    return source;
}

KafkaEventSource::KafkaEventSource(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KafkaEventSource::~KafkaEventSource() { close(); }

void KafkaEventSource::close() {
    if (m_impl->closed) return;
    m_impl->closed = true;
    m_impl->releaseHeld();
    rd_kafka_consumer_close(m_impl->rk.get());
    m_impl->errors.owner = nullptr;
    m_impl->assigned.clear();
}

void KafkaEventSource::abandon() {
    if (m_impl->closed) return;
    m_impl->closed = true;
    m_impl->releaseHeld();
    m_impl->errors.owner = nullptr;
    rd_kafka_destroy_flags(m_impl->rk.release(), RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

engine::log::Result<std::size_t> KafkaEventSource::poll(std::span<SourceRecord> out,
                                                         std::chrono::milliseconds timeout) {
    Impl& d = *m_impl;
    d.releaseHeld();
    if (d.closed) return ioError("kafka source: closed");
    {
        std::vector<PartitionOffset> commit;
        {
            std::lock_guard lock(d.commitMutex);
            if (d.commitQueued) {
                commit.swap(d.toCommit);
                d.commitQueued = false;
            }
        }
        if (!commit.empty()) {
            PartitionList list = d.toList(commit, true);
            if (list->cnt > 0) rd_kafka_commit(d.rk.get(), list.get(), 1);
        }
    }
    for (Impl::Assigned& a : d.assigned) a.handedOut = a.next;
    d.rebalanced = false;
    d.firstValid = 0;
    std::size_t n = 0;
    int wait = static_cast<int>(timeout.count());
    while (n < out.size()) {
        d.filled = n;
        rd_kafka_message_t* msg = rd_kafka_consumer_poll(d.rk.get(), wait);
        wait = 0;
        if (msg == nullptr) break;
        if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            const rd_kafka_resp_err_t err = msg->err;
            std::string text = rd_kafka_message_errstr(msg);
            rd_kafka_message_destroy(msg);
            {
                std::lock_guard lock(d.errors.mutex);
                d.errors.lastError = text;
            }
            if (err == RD_KAFKA_RESP_ERR__FATAL || err == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
                err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
                err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
                err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
                return ioError("kafka source: " + text);
            }
            continue;  // transient (broker down, leader moving): librdkafka retries
        }
        const char* topic = rd_kafka_topic_name(msg->rkt);
        Impl::Assigned* a = d.find(topic, msg->partition);
        if (a == nullptr) {  // a partition revoked meanwhile
            rd_kafka_message_destroy(msg);
            continue;
        }
        a->next = msg->offset + 1;
        SourceRecord& r = out[n++];
        r.topic = *a->topic;
        r.partition = msg->partition;
        r.record.offset = static_cast<std::uint64_t>(msg->offset);
        r.record.timestampMs = rd_kafka_message_timestamp(msg, nullptr);
        r.record.key = decodeKey(msg->key, msg->key_len);
        r.record.flags = 0;
        rd_kafka_headers_t* headers = nullptr;
        if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const void* value = nullptr;
            std::size_t size = 0;
            if (rd_kafka_header_get_last(headers, kFlagsHeader, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR &&
                size == 4) {
                const auto* b = static_cast<const unsigned char*>(value);
                r.record.flags = static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
                                 static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
            }
        }
        r.record.payload = std::span<const std::byte>(static_cast<const std::byte*>(msg->payload), msg->len);
        d.held.push_back(msg);
    }
    if (d.rebalanced) {
        // Records of partitions revoked during this poll are not returned: their new owner reads
        // them from the last committed offset.
        std::size_t kept = 0;
        for (std::size_t i = d.firstValid; i < n; ++i) {
            if (d.find(out[i].topic.data(), out[i].partition) != nullptr) out[kept++] = out[i];
        }
        n = kept;
        m_rebalances.fetch_add(1, std::memory_order_relaxed);
    }
    m_consumed.fetch_add(n, std::memory_order_relaxed);
    return n;
}

std::vector<PartitionOffset> KafkaEventSource::positions() const {
    std::vector<PartitionOffset> result;
    for (const Impl::Assigned& a : m_impl->assigned) {
        if (a.next >= 0) result.push_back({*a.topic, a.partition, static_cast<std::uint64_t>(a.next)});
    }
    return result;
}

engine::log::Result<void> KafkaEventSource::seek(std::span<const PartitionOffset> positions) {
    Impl& d = *m_impl;
    std::vector<PartitionOffset> now;
    for (const PartitionOffset& p : positions) {
        if (Impl::Assigned* a = d.find(p.topic.c_str(), p.partition)) {
            a->next = static_cast<std::int64_t>(p.offset);
            now.push_back(p);
        } else {
            std::erase_if(d.pendingSeek, [&](const PartitionOffset& o) { return o.topic == p.topic && o.partition == p.partition; });
            d.pendingSeek.push_back(p);
        }
    }
    if (now.empty()) return {};
    d.releaseHeld();
    PartitionList list = d.toList(now, false);
    if (rd_kafka_error_t* error = rd_kafka_seek_partitions(d.rk.get(), list.get(), 10'000)) {
        std::string text = rd_kafka_error_string(error);
        rd_kafka_error_destroy(error);
        return ioError("kafka source: seek failed: " + text);
    }
    return {};
}

engine::log::Result<void> KafkaEventSource::seekToTimestamp(std::int64_t timestampMs) {
    Impl& d = *m_impl;
    if (d.assigned.empty()) return {};
    PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(d.assigned.size())));
    for (const Impl::Assigned& a : d.assigned) {
        rd_kafka_topic_partition_list_add(list.get(), a.topic->c_str(), a.partition)->offset = timestampMs;
    }
    if (const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(d.rk.get(), list.get(), 10'000); err) {
        return ioError(std::string("kafka source: offsets for time failed: ") + rd_kafka_err2str(err));
    }
    std::vector<PartitionOffset> targets;
    for (int i = 0; i < list->cnt; ++i) {
        const rd_kafka_topic_partition_t& p = list->elems[i];
        std::int64_t offset = p.offset;
        if (offset < 0) {  // no record at or after the time: the end
            std::int64_t low = 0;
            std::int64_t high = 0;
            if (rd_kafka_query_watermark_offsets(d.rk.get(), p.topic, p.partition, &low, &high, 10'000)) continue;
            offset = high;
        }
        targets.push_back({p.topic, p.partition, static_cast<std::uint64_t>(offset)});
    }
    return seek(targets);
}

engine::log::Result<void> KafkaEventSource::commitOffsets(std::span<const PartitionOffset> offsets) {
    PartitionList list = m_impl->toList(offsets, true);
    if (list->cnt == 0) return {};
    if (const rd_kafka_resp_err_t err = rd_kafka_commit(m_impl->rk.get(), list.get(), 0); err) {
        return ioError(std::string("kafka source: commit failed: ") + rd_kafka_err2str(err));
    }
    return {};
}

void KafkaEventSource::commitAfterCheckpoint(std::vector<PartitionOffset> offsets) {
    std::lock_guard lock(m_impl->commitMutex);
    m_impl->toCommit = std::move(offsets);
    m_impl->commitQueued = true;
}

void KafkaEventSource::setRebalanceListener(std::function<void(const KafkaRebalance&)> listener) {
    m_impl->listener = std::move(listener);
}

std::string KafkaEventSource::lastError() const { return m_impl->errors.last(); }

rd_kafka_t* KafkaEventSource::handle() const { return m_impl->rk.get(); }

}  // namespace cityops::connectors
