#pragma once
// The headless engine worker on Kafka: a consumer-group member that runs the design's jobs
// (engine::stream::buildCityJobs) on the partitions it is assigned and publishes alerts and district
// aggregates exactly once through Kafka transactions. The `cityops-engine` executable wraps it.
//
//   KafkaEventSource ──poll──▶ decode (JSON / raw Reading) ──push(partition)──▶ city jobs
//                                                                                 │ alerts, district aggregates
//   every commitInterval and on revocation:  sync ─▶ produce in one transaction ◀─┘
//                                            + the consumer offsets (send_offsets_to_transaction)
//                                            ─▶ commit ─▶ state checkpoint into the worker's store

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <memory>
#include <string>
#include <vector>

#include "cityops/connectors/kafka_avro.h"
#include "cityops/connectors/kafka_client.h"
#include "cityops/engine/expected.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/json_codec.h"

namespace cityops::connectors {

//! Settings of one worker.
struct KafkaWorkerConfig {
    KafkaSettings settings;
    std::string groupId = "cityops-engine";
    std::vector<std::string> inputTopics;  //!< empty: the design's reading topics (defaultTopics() minus receipts)
    std::string alertsTopic = "alerts";
    std::string aggregatesTopic = "aggregates";  //!< district aggregates; empty: not published
    //! Records the decoder rejects are published here (raw payload, original key and timestamp) in
    //! the same transaction as the outputs and offsets after them, with the error in headers:
    //! cityops-dlq-reason (the engine's dead-letter reason, e.g. "malformed_json"),
    //! cityops-dlq-topic / -partition / -offset (the source position, decimal text) and
    //! cityops-flags (the record's flags). Empty: rejects only go to the store's dead_letters table.
    std::string deadLetterTopic = "dead-letters";
    //! Payload format: of input records without a format flag (cityops-flags 2 = JSON, 4 = Avro
    //! and 1 = raw Reading are decoded as flagged), and of the alerts published. Aggregates are JSON.
    PayloadFormat format = PayloadFormat::Json;
    //! Limits of the JSON and Avro decoders (sensorCount > 0 rejects unknown sensors as "unknown_sensor").
    engine::stream::DecoderLimits decoderLimits;
    //! Stable per worker slot ("cityops-engine-1"): a restarted worker fences its zombie predecessor.
    std::string transactionalId = "cityops-engine-1";
    //! The worker's state store (SQLite): operator state checkpointed after each committed
    //! transaction, so a restarted worker resumes with the state of its offsets. Empty: no state
    //! is kept (a restart starts the jobs empty from the committed offsets).
    std::filesystem::path storePath;
    //! storage and checkpointIntervalMs are set by the worker; idleTimeoutMs 0 becomes 5 s (job
    //! partition indexes are fixed: topic by topic in inputTopics order, then partition, so
    //! partitions owned by other workers are known to the job and must go idle).
    engine::stream::CityJobsConfig jobs;
    std::chrono::milliseconds commitInterval{1000};
    std::chrono::milliseconds pollTimeout{100};
    std::vector<ConfigEntry> consumerExtra;
    std::vector<ConfigEntry> producerExtra;
    std::chrono::milliseconds transactionTimeout{10'000};
    //! Called on the worker thread with each batch of readings handed to the jobs (metrics, tests).
    std::function<void(std::span<const engine::Reading>)> onReadings;
    //! Test hook: after this many committed transactions the next one is produced but never
    //! committed, and run() returns as if the process had been killed (0 = never).
    std::uint64_t crashAfterTransactions = 0;
};

//! Counters of a worker (any thread).
struct KafkaWorkerStats {
    std::uint64_t consumed = 0;      //!< records polled
    std::uint64_t decoded = 0;       //!< readings handed to the jobs
    std::uint64_t deadLetters = 0;   //!< records the decoder rejected
    std::uint64_t deadLettersPublished = 0;  //!< of those, published to deadLetterTopic in committed transactions
    std::uint64_t alerts = 0;        //!< alerts published in committed transactions
    std::uint64_t aggregates = 0;    //!< district aggregates published in committed transactions
    std::uint64_t transactions = 0;  //!< committed
    std::uint64_t aborted = 0;       //!< aborted and retried
    std::uint64_t rebalances = 0;
    std::uint64_t restoredFrom = 0;  //!< checkpoint id the worker resumed from (0 = none)
};

//! One worker. run() on one thread; stats(), requestStop() from any thread.
class KafkaCityWorker {
public:
    //! Opens the store, restores the latest checkpoint, creates the consumer and the transactional
    //! producer (fencing an earlier producer with the same transactional.id). Errors in words.
    static engine::Expected<std::unique_ptr<KafkaCityWorker>, std::string> create(KafkaWorkerConfig config);
    ~KafkaCityWorker();

    //! Consumes until stop is set (then commits what it processed and leaves the group), or until an
    //! error: fenced by a newer worker with the same transactional.id, a fatal client error.
    engine::Expected<KafkaWorkerStats, std::string> run(const std::atomic<bool>& stop);
    //! Test hook: ends like a killed process — no commit, no abort, no leaving the group politely.
    void crash();

    KafkaWorkerStats stats() const;
    const KafkaWorkerConfig& config() const;

    struct Impl;

private:
    explicit KafkaCityWorker(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

//! The JSON of an alert as published to the alerts topic (keyed by the alert id):
//! {"alert_id":"<16 hex>","rule":"co2_high",...}. Returns the bytes written into out (>= 512 bytes).
std::size_t encodeAlertJson(const engine::Alert& alert, std::span<char> out);
//! The alert id of a published alert payload, 0 if it has none.
std::uint64_t alertIdOfJson(std::string_view json);

//! Header names of a record on the dead-letter topic.
inline constexpr std::string_view kDlqReasonHeader = "cityops-dlq-reason";
inline constexpr std::string_view kDlqTopicHeader = "cityops-dlq-topic";
inline constexpr std::string_view kDlqPartitionHeader = "cityops-dlq-partition";
inline constexpr std::string_view kDlqOffsetHeader = "cityops-dlq-offset";

}  // namespace cityops::connectors
