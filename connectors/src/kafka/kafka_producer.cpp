#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

#include "cityops/connectors/kafka_client.h"
#include "cityops/engine/log/topic_spec.h"
#include "kafka_common.h"

namespace cityops::connectors {

using engine::log::RecordInput;
using namespace kafka_detail;

// ── KafkaEventSink ──────────────────────────────────────────────────────────────────────────────

struct KafkaEventSink::Impl {
    ErrorState errors;
    KafkaSinkConfig config;
    Handle rk;
    struct Topic {
        std::string name;
        rd_kafka_topic_t* handle = nullptr;
        int partitions = 0;
    };
    std::vector<Topic> topics;
    std::size_t lastTopic = 0;
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> failedSinceFlush{0};
    mutable std::mutex failureMutex;
    std::string lastFailure;

    ~Impl() {
        for (Topic& t : topics) rd_kafka_topic_destroy(t.handle);
    }

    engine::log::Result<Topic*> topic(std::string_view name) {
        if (lastTopic < topics.size() && topics[lastTopic].name == name) return &topics[lastTopic];
        for (std::size_t i = 0; i < topics.size(); ++i) {
            if (topics[i].name == name) {
                lastTopic = i;
                return &topics[i];
            }
        }
        Topic t;
        t.name = std::string(name);
        t.handle = rd_kafka_topic_new(rk.get(), t.name.c_str(), nullptr);
        if (t.handle == nullptr) return ioError("kafka sink: topic " + t.name + ": " + rd_kafka_err2str(rd_kafka_last_error()));
        const struct rd_kafka_metadata* md = nullptr;
        const rd_kafka_resp_err_t err = rd_kafka_metadata(rk.get(), 0, t.handle, &md, static_cast<int>(config.metadataTimeout.count()));
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::string why = err != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(err)
                              : md->topic_cnt != 1           ? "no metadata"
                                                             : rd_kafka_err2str(md->topics[0].err);
            if (md != nullptr) rd_kafka_metadata_destroy(md);
            rd_kafka_topic_destroy(t.handle);
            const std::string broker = errors.lastAfterPoll(rk.get());
            return ioError("kafka sink: topic " + t.name + " unavailable: " + why + (broker.empty() ? "" : " (" + broker + ")"));
        }
        t.partitions = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
        topics.push_back(std::move(t));
        lastTopic = topics.size() - 1;
        return &topics.back();
    }
};

namespace {
void onDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    auto* impl = static_cast<KafkaEventSink::Impl*>(static_cast<ErrorState*>(opaque)->owner);
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        impl->delivered.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    impl->failed.fetch_add(1, std::memory_order_relaxed);
    impl->failedSinceFlush.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(impl->failureMutex);
    impl->lastFailure = rd_kafka_err2str(msg->err);
}
}  // namespace

engine::log::Result<std::unique_ptr<KafkaEventSink>> KafkaEventSink::create(KafkaSinkConfig config) {
    std::vector<ConfigEntry> extra = {
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"compression.type", config.compression},
        {"linger.ms", std::to_string(config.lingerMs)},
        {"batch.size", std::to_string(config.batchBytes)},
        {"message.timeout.ms", std::to_string(config.deliveryTimeout.count())},
    };
    extra.insert(extra.end(), config.extra.begin(), config.extra.end());
    std::string error;
    rd_kafka_conf_t* conf = makeConf(config.settings, extra, error);
    if (conf == nullptr) return ioError("kafka sink: " + error);
    auto impl = std::make_unique<Impl>();
    impl->errors.owner = impl.get();
    installErrorCallbacks(conf, &impl->errors);
    rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);
    char errstr[512];
    impl->rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
    if (!impl->rk) {
        rd_kafka_conf_destroy(conf);
        return ioError(std::string("kafka sink: producer could not be created: ") + errstr);
    }
    impl->config = std::move(config);
    return std::unique_ptr<KafkaEventSink>(new KafkaEventSink(std::move(impl)));
}

KafkaEventSink::KafkaEventSink(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KafkaEventSink::~KafkaEventSink() {
    if (m_impl->rk) rd_kafka_flush(m_impl->rk.get(), 5'000);
}

engine::log::Result<void> KafkaEventSink::send(std::string_view topicName, std::span<const RecordInput> records) {
    Impl& d = *m_impl;
    auto topic = d.topic(topicName);
    if (!topic) return topic.error();
    Impl::Topic& t = **topic;
    for (const RecordInput& r : records) {
        unsigned char key[8];
        encodeKey(r.key, key);
        unsigned char flags[4] = {static_cast<unsigned char>(r.flags), static_cast<unsigned char>(r.flags >> 8),
                                  static_cast<unsigned char>(r.flags >> 16), static_cast<unsigned char>(r.flags >> 24)};
        const int partition = engine::log::partitionForKey(r.key, t.partitions);
        rd_kafka_vu_t vu[7];
        vu[0].vtype = RD_KAFKA_VTYPE_RKT;
        vu[0].u.rkt = t.handle;
        vu[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        vu[1].u.i32 = partition;
        vu[2].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[2].u.i = RD_KAFKA_MSG_F_COPY;
        vu[3].vtype = RD_KAFKA_VTYPE_KEY;
        vu[3].u.mem = {key, sizeof key};
        vu[4].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[4].u.mem = {const_cast<std::byte*>(r.payload.data()), r.payload.size()};
        vu[5].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
        vu[5].u.i64 = r.timestampMs;
        vu[6].vtype = RD_KAFKA_VTYPE_HEADER;
        vu[6].u.header = {kFlagsHeader, flags, sizeof flags};
        const std::size_t count = r.flags != 0 ? 7 : 6;
        for (;;) {
            rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
            if (rd_kafka_error_t* e = rd_kafka_produceva(d.rk.get(), vu, count)) {
                err = rd_kafka_error_code(e);
                rd_kafka_error_destroy(e);
            }
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
            if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {  // backpressure: serve delivery reports, retry
                rd_kafka_poll(d.rk.get(), 50);
                continue;
            }
            return ioError("kafka sink: produce to " + t.name + " failed: " + rd_kafka_err2str(err));
        }
    }
    d.sent.fetch_add(records.size(), std::memory_order_relaxed);
    rd_kafka_poll(d.rk.get(), 0);
    return {};
}

engine::log::Result<void> KafkaEventSink::flush() {
    Impl& d = *m_impl;
    const int timeout = static_cast<int>(d.config.deliveryTimeout.count()) + 5'000;
    if (const rd_kafka_resp_err_t err = rd_kafka_flush(d.rk.get(), timeout); err) {
        const std::string broker = d.errors.lastAfterPoll(d.rk.get());
        return ioError(std::string("kafka sink: flush: ") + rd_kafka_err2str(err) + " with " +
                       std::to_string(rd_kafka_outq_len(d.rk.get())) + " record(s) outstanding" +
                       (broker.empty() ? "" : " (" + broker + ")"));
    }
    if (const std::uint64_t failed = d.failedSinceFlush.exchange(0); failed > 0) {
        std::lock_guard lock(d.failureMutex);
        return ioError("kafka sink: " + std::to_string(failed) + " record(s) not delivered: " + d.lastFailure);
    }
    return {};
}

DeliveryCounters KafkaEventSink::counters() const {
    DeliveryCounters c;
    c.sent = m_impl->sent.load();
    c.delivered = m_impl->delivered.load();
    c.failed = m_impl->failed.load();
    std::lock_guard lock(m_impl->failureMutex);
    c.lastFailure = m_impl->lastFailure;
    return c;
}

std::string KafkaEventSink::lastError() const { return m_impl->errors.last(); }

// ── KafkaTransactionalProducer ──────────────────────────────────────────────────────────────────

std::string_view toString(TxnOutcome outcome) {
    switch (outcome) {
        case TxnOutcome::Committed: return "committed";
        case TxnOutcome::Aborted: return "aborted";
        case TxnOutcome::Fenced: return "fenced";
        case TxnOutcome::Failed: return "failed";
    }
    return "?";
}

struct KafkaTransactionalProducer::Impl {
    ErrorState errors;
    KafkaTxnConfig config;
    Handle rk;
    bool inTxn = false;
    bool dead = false;  //!< fenced or fatal

    //! A producer with init_transactions done; error text on failure.
    std::string open() {
        std::vector<ConfigEntry> extra = {
            {"transactional.id", config.transactionalId},
            {"enable.idempotence", "true"},
            {"acks", "all"},
            {"compression.type", config.compression},
            {"transaction.timeout.ms", std::to_string(config.transactionTimeoutMs)},
        };
        extra.insert(extra.end(), config.extra.begin(), config.extra.end());
        std::string error;
        rd_kafka_conf_t* conf = makeConf(config.settings, extra, error);
        if (conf == nullptr) return error;
        installErrorCallbacks(conf, &errors);
        char errstr[512];
        rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
        if (!rk) {
            rd_kafka_conf_destroy(conf);
            return std::string("producer could not be created: ") + errstr;
        }
        if (rd_kafka_error_t* e = rd_kafka_init_transactions(rk.get(), static_cast<int>(config.timeout.count()))) {
            std::string text = rd_kafka_error_string(e);
            rd_kafka_error_destroy(e);
            const std::string broker = errors.lastAfterPoll(rk.get());
            rk.reset();
            return "init_transactions: " + text + (broker.empty() ? "" : " (" + broker + ")");
        }
        inTxn = false;
        dead = false;
        return {};
    }
};

namespace {
bool isFencing(rd_kafka_resp_err_t code) {
    return code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
           code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH || code == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
}
}  // namespace

engine::log::Result<std::unique_ptr<KafkaTransactionalProducer>> KafkaTransactionalProducer::create(KafkaTxnConfig config) {
    if (config.transactionalId.empty()) return ioError("kafka transactions: no transactional.id");
    auto impl = std::make_unique<Impl>();
    impl->errors.owner = impl.get();
    impl->config = std::move(config);
    if (std::string error = impl->open(); !error.empty()) return ioError("kafka transactions: " + error);
    return std::unique_ptr<KafkaTransactionalProducer>(new KafkaTransactionalProducer(std::move(impl)));
}

KafkaTransactionalProducer::KafkaTransactionalProducer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

KafkaTransactionalProducer::~KafkaTransactionalProducer() {
    if (m_impl->rk && m_impl->inTxn && !m_impl->dead) abort();
}

bool KafkaTransactionalProducer::recreate() {
    m_impl->rk.reset();
    ++m_recreated;
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (std::string error = m_impl->open(); error.empty()) return true;
        else m_lastError = "re-creating the producer: " + error;
    }
    m_impl->dead = true;
    return false;
}

engine::log::Result<void> KafkaTransactionalProducer::begin() {
    Impl& d = *m_impl;
    if (d.dead || !d.rk) return ioError("kafka transactions: producer is " + std::string(d.dead ? "fenced or failed: " : "gone: ") + m_lastError);
    if (d.inTxn) return {};
    if (rd_kafka_error_t* e = rd_kafka_begin_transaction(d.rk.get())) {
        m_lastError = rd_kafka_error_string(e);
        if (rd_kafka_error_is_fatal(e)) d.dead = true;
        rd_kafka_error_destroy(e);
        return ioError("kafka transactions: begin: " + m_lastError);
    }
    d.inTxn = true;
    return {};
}

engine::log::Result<void> KafkaTransactionalProducer::produce(const TxnRecord& record) {
    Impl& d = *m_impl;
    if (!d.inTxn) return ioError("kafka transactions: produce outside a transaction");
    unsigned char key[8];
    encodeKey(record.key, key);
    const std::string topic(record.topic);
    if (record.headers.size() > kMaxTxnHeaders) {
        return ioError("kafka transactions: more than " + std::to_string(kMaxTxnHeaders) + " headers on a record");
    }
    rd_kafka_vu_t vu[5 + kMaxTxnHeaders];
    vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    vu[0].u.cstr = topic.c_str();
    vu[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vu[1].u.i = RD_KAFKA_MSG_F_COPY;
    vu[2].vtype = RD_KAFKA_VTYPE_KEY;
    vu[2].u.mem = {key, sizeof key};
    vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
    vu[3].u.mem = {const_cast<std::byte*>(record.payload.data()), record.payload.size()};
    vu[4].vtype = RD_KAFKA_VTYPE_TIMESTAMP;
    vu[4].u.i64 = record.timestampMs;
    // Header names must be NUL-terminated for librdkafka: copied into a small stack buffer.
    char names[kMaxTxnHeaders][64];
    std::size_t fields = 5;
    for (const TxnHeader& h : record.headers) {
        const std::size_t len = std::min(h.name.size(), sizeof names[0] - 1);
        char* name = names[fields - 5];
        std::memcpy(name, h.name.data(), len);
        name[len] = '\0';
        vu[fields].vtype = RD_KAFKA_VTYPE_HEADER;
        vu[fields].u.header = {name, h.value.data(), static_cast<ssize_t>(h.value.size())};
        ++fields;
    }
    for (;;) {
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (rd_kafka_error_t* e = rd_kafka_produceva(d.rk.get(), vu, fields)) {
            err = rd_kafka_error_code(e);
            rd_kafka_error_destroy(e);
        }
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(d.rk.get(), 50);
            continue;
        }
        m_lastError = rd_kafka_err2str(err);
        return ioError("kafka transactions: produce to " + topic + ": " + m_lastError);
    }
}

TxnOutcome KafkaTransactionalProducer::commit(std::span<const engine::log::PartitionOffset> offsets, rd_kafka_t* consumer) {
    Impl& d = *m_impl;
    if (d.dead || !d.rk) return TxnOutcome::Failed;
    if (!d.inTxn) {
        if (auto begun = begin(); !begun) return d.dead ? TxnOutcome::Fenced : TxnOutcome::Failed;
    }
    const int timeout = static_cast<int>(d.config.timeout.count());
    // Runs one transactional call with librdkafka's error classes; nullopt = it succeeded.
    auto run = [&](auto&& call) -> std::optional<TxnOutcome> {
        for (int attempt = 0;; ++attempt) {
            rd_kafka_error_t* e = call();
            if (e == nullptr) return std::nullopt;
            m_lastError = rd_kafka_error_string(e);
            const bool retriable = rd_kafka_error_is_retriable(e);
            const bool abortable = rd_kafka_error_txn_requires_abort(e);
            const bool fatal = rd_kafka_error_is_fatal(e);
            const rd_kafka_resp_err_t code = rd_kafka_error_code(e);
            rd_kafka_error_destroy(e);
            if (fatal) {
                d.dead = true;
                d.inTxn = false;
                char reason[512];
                const rd_kafka_resp_err_t orig = rd_kafka_fatal_error(d.rk.get(), reason, sizeof reason);
                return isFencing(code) || isFencing(orig) ? TxnOutcome::Fenced : TxnOutcome::Failed;
            }
            if (abortable) {
                abort();
                return TxnOutcome::Aborted;
            }
            if (retriable && attempt < 3) {
                ++m_retries;
                continue;
            }
            // Unknown outcome (timed out after retries, or an unclassified error): abort if the
            // producer still can, then start over with a fresh producer; the caller retries the
            // records and deterministic ids make a repeat harmless.
            if (rd_kafka_error_t* a = rd_kafka_abort_transaction(d.rk.get(), timeout)) rd_kafka_error_destroy(a);
            d.inTxn = false;
            ++m_aborted;
            recreate();
            return TxnOutcome::Aborted;
        }
    };
    if (!offsets.empty()) {
        if (consumer == nullptr) {
            m_lastError = "offsets without a consumer";
            abort();
            return TxnOutcome::Aborted;
        }
        PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
        for (const auto& o : offsets) {
            rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset =
                static_cast<std::int64_t>(o.offset);
        }
        rd_kafka_consumer_group_metadata_t* group = rd_kafka_consumer_group_metadata(consumer);
        auto sent = run([&] { return rd_kafka_send_offsets_to_transaction(d.rk.get(), list.get(), group, timeout); });
        rd_kafka_consumer_group_metadata_destroy(group);
        if (sent) return *sent;
    }
    if (auto committed = run([&] { return rd_kafka_commit_transaction(d.rk.get(), timeout); })) return *committed;
    d.inTxn = false;
    ++m_committed;
    return TxnOutcome::Committed;
}

engine::log::Result<void> KafkaTransactionalProducer::flush() {
    if (!m_impl->rk) return ioError("kafka transactions: producer is gone");
    if (const rd_kafka_resp_err_t err = rd_kafka_flush(m_impl->rk.get(), static_cast<int>(m_impl->config.timeout.count())); err) {
        return ioError(std::string("kafka transactions: flush: ") + rd_kafka_err2str(err));
    }
    return {};
}

void KafkaTransactionalProducer::abort() {
    Impl& d = *m_impl;
    if (!d.rk || !d.inTxn) return;
    if (rd_kafka_error_t* e = rd_kafka_abort_transaction(d.rk.get(), static_cast<int>(d.config.timeout.count()))) {
        m_lastError = rd_kafka_error_string(e);
        const bool fatal = rd_kafka_error_is_fatal(e);
        rd_kafka_error_destroy(e);
        d.inTxn = false;
        ++m_aborted;
        if (fatal) d.dead = true;
        else recreate();
        return;
    }
    d.inTxn = false;
    ++m_aborted;
}

void KafkaTransactionalProducer::abandon() {
    m_impl->inTxn = false;
    m_impl->rk.reset();
    m_impl->dead = true;
    m_lastError = "abandoned";
}

}  // namespace cityops::connectors
