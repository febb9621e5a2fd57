#pragma once
// Kafka clients behind the engine's log interfaces (engine/include/cityops/engine/log/event_source.h):
//
//   producers ──KafkaEventSink::send──▶ topic ──KafkaEventSource::poll──▶ stream job (run / push)
//   stream job alerts ──KafkaTransactionalProducer (alerts + consumer offsets in one transaction)──▶ alerts
//
// Records keep the embedded log's shape: key = 8 bytes little-endian (the sensor id), timestamp =
// the record's event time, flags in the "cityops-flags" header, payload opaque (JSON by default).
// See docs/KAFKA.md.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/connectors/kafka_settings.h"
#include "cityops/engine/log/event_source.h"

typedef struct rd_kafka_s rd_kafka_t;  // NOLINT(modernize-use-using): librdkafka's opaque handle

namespace cityops::connectors {

// ── Consumer ────────────────────────────────────────────────────────────────────────────────────

//! Settings of a consumer-group source.
struct KafkaSourceConfig {
    KafkaSettings settings;
    std::string groupId = "cityops-engine";
    std::vector<std::string> topics;
    std::vector<ConfigEntry> extra;  //!< further librdkafka properties (session.timeout.ms, ...)
    //! Where a partition starts that has neither a checkpoint position nor a committed offset.
    bool startAtEarliest = true;
};

//! Partition assignment changes, reported on the source thread from inside poll().
struct KafkaRebalance {
    std::vector<engine::log::PartitionOffset> assigned;  //!< with the offset reading starts at
    std::vector<engine::log::PartitionOffset> revoked;   //!< with the position reached (not committed)
};

//! EventSource over a Kafka consumer group.
//!
//! Offsets are never auto-committed: Kafka's committed offsets move only when the job says so —
//! commitOffsets() after a checkpoint committed, or the transactional producer's
//! sendOffsetsToTransaction. Start positions of a newly assigned partition: the position given by
//! seek() (a restored checkpoint) if one is pending for it, else the group's committed offset, else
//! the earliest (or latest) offset.
//!
//! Revocation discards uncommitted progress: the partition leaves positions() at once, so no later
//! checkpoint or transaction records it, and its new owner resumes from the last committed offset
//! and replays what this worker read since (at-least-once; alerts are exactly-once at a sink that
//! keys on the deterministic alert id).
//!
//! Thread-safety: like every EventSource, one thread at a time; commitAfterCheckpoint(), metrics and
//! lastError() from any thread.
class KafkaEventSource final : public engine::log::EventSource {
public:
    //! Creates the consumer and subscribes. Errors (invalid settings, refused property) in words.
    static engine::log::Result<std::unique_ptr<KafkaEventSource>> create(KafkaSourceConfig config);
    ~KafkaEventSource() override;

    engine::log::Result<std::size_t> poll(std::span<engine::log::SourceRecord> out,
                                          std::chrono::milliseconds timeout) override;
    std::vector<engine::log::PartitionOffset> positions() const override;
    //! Assigned partitions move now; the others start there when they are assigned (a checkpoint).
    engine::log::Result<void> seek(std::span<const engine::log::PartitionOffset> positions) override;
    engine::log::Result<void> seekToTimestamp(std::int64_t timestampMs) override;

    //! Commits offsets to the group now (synchronously; source thread).
    engine::log::Result<void> commitOffsets(std::span<const engine::log::PartitionOffset> offsets);
    //! Queues offsets of a committed checkpoint (any thread, e.g. JobConfig::onCheckpoint); the next
    //! poll() commits them asynchronously. Only partitions still assigned are committed.
    void commitAfterCheckpoint(std::vector<engine::log::PartitionOffset> offsets);
    //! Called from poll() when the assignment changes (set before the first poll).
    void setRebalanceListener(std::function<void(const KafkaRebalance&)> listener);
    //! Closes the consumer: leaves the group (its partitions move to the others at once).
    void close();
    //! Test hook: drops the consumer like a killed process (no leave: the group notices at the
    //! session timeout). The source is unusable afterwards.
    void abandon();

    std::uint64_t rebalances() const { return m_rebalances.load(std::memory_order_relaxed); }
    std::uint64_t consumed() const { return m_consumed.load(std::memory_order_relaxed); }
    //! The last error librdkafka reported (broker down, authentication failed), empty if none.
    std::string lastError() const;
    //! The consumer handle (for the transactional producer's group metadata).
    rd_kafka_t* handle() const;

    struct Impl;

private:
    explicit KafkaEventSource(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
    std::atomic<std::uint64_t> m_rebalances{0};
    std::atomic<std::uint64_t> m_consumed{0};
};

// ── Producer ────────────────────────────────────────────────────────────────────────────────────

//! Settings of the producer the simulator and gateways use.
struct KafkaSinkConfig {
    KafkaSettings settings;
    std::string compression = "lz4";  //!< lz4, zstd, gzip, snappy or none
    int lingerMs = 5;                 //!< batching: wait up to this long to fill a batch
    int batchBytes = 1 << 20;         //!< batch.size
    std::chrono::milliseconds deliveryTimeout{30'000};  //!< a record not acknowledged by then fails
    std::chrono::milliseconds metadataTimeout{10'000};  //!< a topic's first send waits this long for its partitions
    std::vector<ConfigEntry> extra;
};

//! Counters of a producer's delivery reports.
struct DeliveryCounters {
    std::uint64_t sent = 0;       //!< records handed to librdkafka
    std::uint64_t delivered = 0;  //!< acknowledged by all in-sync replicas (acks=all)
    std::uint64_t failed = 0;     //!< delivery failed after librdkafka's retries
    std::string lastFailure;      //!< reason of the last failed delivery
};

//! engine::log::EventSink into Kafka: idempotent (enable.idempotence: no duplicates or reordering
//! from retries), acks=all, batched (linger, batch.size) and compressed. send() returns once the
//! records are queued in librdkafka (blocking while its queue is full); flush() waits for every
//! delivery report and fails if any record was not delivered. At-least-once from the edge: a gateway
//! keeps its disk buffer until flush() succeeded. Each record goes to partitionForKey(key, partitions),
//! the embedded log's mapping, so a sensor keeps one partition.
class KafkaEventSink final : public engine::log::EventSink {
public:
    static engine::log::Result<std::unique_ptr<KafkaEventSink>> create(KafkaSinkConfig config);
    ~KafkaEventSink() override;

    engine::log::Result<void> send(std::string_view topic, std::span<const engine::log::RecordInput> records) override;
    //! Waits for all delivery reports (up to deliveryTimeout + 5 s); error if any record failed since the last flush.
    engine::log::Result<void> flush() override;
    DeliveryCounters counters() const;
    std::string lastError() const;

    struct Impl;

private:
    explicit KafkaEventSink(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// ── Transactions ────────────────────────────────────────────────────────────────────────────────

//! Outcome of committing one transaction.
enum class TxnOutcome {
    Committed,  //!< records and offsets are committed
    Aborted,    //!< aborted (abortable error, or unknown outcome after a timeout): nothing of it counts
    Fenced,     //!< another producer with the same transactional.id took over: this worker must stop
    Failed,     //!< fatal producer error other than fencing
};
std::string_view toString(TxnOutcome outcome);

//! Settings of the exactly-once producer.
struct KafkaTxnConfig {
    KafkaSettings settings;
    std::string transactionalId;  //!< stable per worker slot: a restarted worker fences its zombie
    std::string compression = "lz4";
    std::chrono::milliseconds timeout{10'000};  //!< init / commit / abort timeout
    int transactionTimeoutMs = 60'000;         //!< broker aborts a transaction left open longer
    std::vector<ConfigEntry> extra;
};

//! One Kafka record header (name and raw value bytes).
struct TxnHeader {
    std::string_view name;
    std::string_view value;
};
//! At most this many headers per transactional record.
inline constexpr std::size_t kMaxTxnHeaders = 8;

//! One record of a transaction.
struct TxnRecord {
    std::string_view topic;
    std::uint64_t key = 0;
    std::int64_t timestampMs = 0;
    std::span<const std::byte> payload;
    std::span<const TxnHeader> headers = {};  //!< up to kMaxTxnHeaders (dead letters carry their error here)
};

//! A transactional producer: records and consumer offsets commit in one Kafka transaction
//! (read_committed consumers see all or nothing). commit() handles librdkafka's error classes:
//! retriable errors are retried; an abortable error aborts; a timeout is an unknown outcome — the
//! transaction is aborted if possible and the producer re-created (init_transactions again), and the
//! caller retries the same records: deterministic alert ids make a repeat harmless downstream.
//! Fencing (a newer producer with the same transactional.id) ends this producer: Fenced.
class KafkaTransactionalProducer {
public:
    static engine::log::Result<std::unique_ptr<KafkaTransactionalProducer>> create(KafkaTxnConfig config);
    ~KafkaTransactionalProducer();

    //! Begins a transaction if none is open. Error when fenced or fatal.
    engine::log::Result<void> begin();
    //! Queues one record in the open transaction (begin() first).
    engine::log::Result<void> produce(const TxnRecord& record);
    //! Sends offsets (next offsets to read) of the consumer's group, then commits. On Aborted the
    //! producer is ready for a retry (re-created if the outcome was unknown).
    TxnOutcome commit(std::span<const engine::log::PartitionOffset> offsets, rd_kafka_t* consumer);
    //! Waits until the records produced so far reached the brokers (still uncommitted).
    engine::log::Result<void> flush();
    //! Aborts the open transaction (e.g. on shutdown without committing).
    void abort();
    //! Destroys the producer without committing or aborting (a crash, for tests).
    void abandon();

    std::uint64_t committed() const { return m_committed; }
    std::uint64_t aborted() const { return m_aborted; }
    std::uint64_t recreated() const { return m_recreated; }
    std::uint64_t retries() const { return m_retries; }
    //! Why the last commit did not commit.
    const std::string& lastError() const { return m_lastError; }

    struct Impl;

private:
    explicit KafkaTransactionalProducer(std::unique_ptr<Impl> impl);
    bool recreate();
    std::unique_ptr<Impl> m_impl;
    std::uint64_t m_committed = 0;
    std::uint64_t m_aborted = 0;
    std::uint64_t m_recreated = 0;
    std::uint64_t m_retries = 0;
    std::string m_lastError;
};

}  // namespace cityops::connectors
