#include "cityops/connectors/kafka_worker.h"

#include <librdkafka/rdkafka.h>

#include <charconv>
#include <climits>
#include <cstdio>
#include <mutex>
#include <optional>

#include "cityops/connectors/gateway/forward_batch.h"
#include "cityops/engine/log/topic_spec.h"
#include "cityops/engine/storage/storage.h"

namespace cityops::connectors {

using engine::log::PartitionOffset;
using engine::log::SourceRecord;
namespace stream = engine::stream;

std::size_t encodeAlertJson(const engine::Alert& a, std::span<char> out) {
    const int n = std::snprintf(out.data(), out.size(),
                                "{\"alert_id\":\"%016llx\",\"rule\":\"%.*s\",\"severity\":\"%.*s\",\"sensor_id\":%u,"
                                "\"location_id\":%u,\"first_event_ms\":%lld,\"event_time_ms\":%lld,\"value\":%.17g,"
                                "\"matched\":%u}",
                                static_cast<unsigned long long>(a.id), static_cast<int>(toString(a.rule).size()),
                                toString(a.rule).data(), static_cast<int>(toString(a.severity).size()),
                                toString(a.severity).data(), a.sensorId, static_cast<unsigned>(a.locationId),
                                static_cast<long long>(a.firstEventMs), static_cast<long long>(a.eventTimeMs), a.value,
                                static_cast<unsigned>(a.matchedCount));
    return n < 0 || static_cast<std::size_t>(n) >= out.size() ? 0 : static_cast<std::size_t>(n);
}

std::uint64_t alertIdOfJson(std::string_view json) {
    constexpr std::string_view kKey = "\"alert_id\":\"";
    const auto at = json.find(kKey);
    if (at == std::string_view::npos || json.size() < at + kKey.size() + 16) return 0;
    std::uint64_t id = 0;
    const char* first = json.data() + at + kKey.size();
    const auto result = std::from_chars(first, first + 16, id, 16);
    return result.ec == std::errc() ? id : 0;
}

namespace {
constexpr std::uint32_t kJsonFlags = 2;  //!< cityops-flags of a JSON reading (as the gateways and the simulator write them)

std::size_t encodeDistrictJson(const stream::DistrictAggregate& g, std::span<char> out) {
    const int n = std::snprintf(out.data(), out.size(),
                                "{\"location_id\":%u,\"metric\":\"%.*s\",\"window_start\":%lld,\"window_end\":%lld,"
                                "\"count\":%llu,\"sensors\":%u,\"avg\":%.17g,\"min\":%.17g,\"max\":%.17g}",
                                static_cast<unsigned>(g.locationId), static_cast<int>(toString(g.metric).size()),
                                toString(g.metric).data(), static_cast<long long>(g.windowStart),
                                static_cast<long long>(g.windowEnd), static_cast<unsigned long long>(g.count), g.sensors,
                                g.average(), g.min, g.max);
    return n < 0 || static_cast<std::size_t>(n) >= out.size() ? 0 : static_cast<std::size_t>(n);
}
}  // namespace

struct KafkaCityWorker::Impl {
    KafkaWorkerConfig config;
    std::unique_ptr<engine::storage::Storage> store;
    std::unique_ptr<KafkaEventSource> source;
    std::unique_ptr<KafkaTransactionalProducer> producer;
    stream::CityJobsOutputs outputs;
    std::unique_ptr<stream::RunningJob<engine::Reading>> job;
    std::optional<stream::ReadingDecoder> decoder;  //!< with config.decoderLimits (set in create)
    std::optional<AvroReadingCodec> avroReadings;   //!< likewise
    AvroAlertCodec avroAlerts;

    //! A rejected record waiting for the next transaction (rare bad-input path: allocates).
    struct Rejected {
        std::string payload;
        std::uint64_t key = 0;
        std::int64_t timestampMs = 0;
        std::uint32_t flags = 0;
        std::string topic;
        std::string partition;
        std::string offset;
        std::string reason;
    };
    std::vector<Rejected> rejected;

    std::vector<std::pair<std::string, int>> partitionIndex;  //!< (topic, partition) → job partition index
    std::vector<int> declare;                                 //!< newly assigned indexes to announce
    std::vector<SourceRecord> records;
    std::vector<engine::Reading> values;
    std::vector<engine::Reading> tapped;
    std::vector<stream::Record<engine::Alert>> alerts;
    std::vector<stream::DistrictAggregate> districts;
    std::string pendingError;
    bool dirty = false;  //!< records pushed since the last commit
    bool crashed = false;
    std::uint64_t outputsSeen = 0;  //!< alerts + district aggregates the sinks had at the last check

    mutable std::mutex statsMutex;
    KafkaWorkerStats stats;

    //! Job partition index of (topic, partition): fixed for all workers and runs, so restored
    //! per-partition watermarks belong to the same partitions.
    int indexOf(std::string_view topic, int partition) const {
        int base = 0;
        for (std::size_t t = 0; t < config.inputTopics.size(); ++t) {
            if (config.inputTopics[t] == topic) return base + std::min(partition, topicPartitions[t] - 1);
            base += topicPartitions[t];
        }
        return 0;
    }
    std::vector<int> topicPartitions;  //!< partition count of each input topic

    //! Everything pushed so far up to `offsets`: outputs in one transaction with the offsets, then
    //! the state checkpoint. Retries aborted transactions with the same outputs. Empty on success.
    std::string commit(const std::vector<PartitionOffset>& offsets) {
        job->sync();
        outputs.alerts->drainRecords(alerts);
        if (outputs.districtAggregates) outputs.districtAggregates->drain(districts);
        for (int attempt = 0;; ++attempt) {
            if (auto begun = producer->begin(); !begun) return begun.error().message;
            char buffer[512];
            for (const auto& r : alerts) {
                const std::size_t n =
                    config.format == PayloadFormat::Avro
                        ? avroAlerts.encode(r.value, std::as_writable_bytes(std::span(buffer)))
                        : encodeAlertJson(r.value, buffer);
                if (n == 0) return "alert " + std::to_string(r.value.id) + " could not be encoded";
                if (auto sent = producer->produce({config.alertsTopic, r.value.id, r.value.eventTimeMs,
                                                   std::as_bytes(std::span(buffer, n))});
                    !sent) {
                    return sent.error().message;
                }
            }
            if (!config.aggregatesTopic.empty()) {
                for (const auto& g : districts) {
                    const std::size_t n = encodeDistrictJson(g, buffer);
                    const std::uint64_t key = (std::uint64_t{g.locationId} << 8) | static_cast<std::uint8_t>(g.metric);
                    if (auto sent = producer->produce({config.aggregatesTopic, key, g.windowEnd - 1,
                                                       std::as_bytes(std::span(buffer, n))});
                        !sent) {
                        return sent.error().message;
                    }
                }
            }
            if (!config.deadLetterTopic.empty()) {
                for (const Rejected& r : rejected) {
                    char flags[4];
                    for (int b = 0; b < 4; ++b) flags[b] = static_cast<char>((r.flags >> (8 * b)) & 0xff);
                    const TxnHeader headers[] = {{kDlqReasonHeader, r.reason},
                                                 {kDlqTopicHeader, r.topic},
                                                 {kDlqPartitionHeader, r.partition},
                                                 {kDlqOffsetHeader, r.offset},
                                                 {"cityops-flags", std::string_view(flags, 4)}};
                    if (auto sent = producer->produce({config.deadLetterTopic, r.key, r.timestampMs,
                                                       std::as_bytes(std::span(r.payload.data(), r.payload.size())),
                                                       headers});
                        !sent) {
                        return sent.error().message;
                    }
                }
            }
            if (config.crashAfterTransactions != 0 && stats.transactions >= config.crashAfterTransactions) {
                crashed = true;  // killed with the transaction open: produced, never committed
                return "crashed (test hook) with an open transaction";
            }
            const TxnOutcome outcome = producer->commit(offsets, source->handle());
            if (outcome == TxnOutcome::Committed) break;
            {
                std::lock_guard lock(statsMutex);
                ++stats.aborted;
            }
            if (outcome == TxnOutcome::Fenced) {
                return "fenced: another worker took over transactional.id " + config.transactionalId + " (" +
                       producer->lastError() + ")";
            }
            if (outcome == TxnOutcome::Failed || attempt >= 5) {
                return "transaction " + std::string(toString(outcome)) + ": " + producer->lastError();
            }
        }
        {
            std::lock_guard lock(statsMutex);
            ++stats.transactions;
            stats.alerts += alerts.size();
            stats.aggregates += config.aggregatesTopic.empty() ? 0 : districts.size();
            stats.deadLettersPublished += config.deadLetterTopic.empty() ? 0 : rejected.size();
        }
        alerts.clear();
        districts.clear();
        rejected.clear();
        if (store) {
            job->setSourcePositions(offsets);
            if (auto id = job->checkpoint(); !id) return "checkpoint: " + id.error();
        }
        dirty = false;
        return {};
    }

    void push(std::size_t count) {
        values.clear();
        int runIndex = -1;
        const char* runTopic = nullptr;
        int runPartition = -1;
        std::uint64_t decoded = 0;
        std::uint64_t dead = 0;
        auto flush = [&] {
            if (!values.empty()) job->push(values, runIndex);
            if (config.onReadings) tapped.insert(tapped.end(), values.begin(), values.end());
            decoded += values.size();
            values.clear();
        };
        for (std::size_t i = 0; i < count; ++i) {
            const SourceRecord& rec = records[i];
            if (rec.topic.data() != runTopic || rec.partition != runPartition) {
                flush();
                runTopic = rec.topic.data();
                runPartition = rec.partition;
                runIndex = indexOf(rec.topic, rec.partition);
            }
            if (auto reading = engine::log::readingOf(rec.record)) {
                values.push_back(*reading);
                continue;
            }
            std::string_view reason;
            if (rec.record.flags == kAvroReadingFlags ||
                (rec.record.flags != kJsonFlags && config.format == PayloadFormat::Avro)) {
                engine::Reading reading;
                const AvroError error = avroReadings->decode(rec.record.payload, reading);
                if (error == AvroError::None) {
                    values.push_back(reading);
                    continue;
                }
                reason = toString(error);
            } else {
                stream::DecodedReading out;
                const stream::DecodeError error = decoder->decode(rec.record.payload, INT64_MIN, out);
                if (error == stream::DecodeError::None) {
                    values.push_back(out.reading);
                    continue;
                }
                reason = stream::toString(error);
            }
            ++dead;
            engine::storage::DeadLetter letter;
            letter.source = std::string(rec.topic);
            letter.sourceRef = letter.source + "/" + std::to_string(rec.partition) + "/" + std::to_string(rec.record.offset);
            letter.reason = std::string(reason);
            letter.payload.assign(reinterpret_cast<const char*>(rec.record.payload.data()), rec.record.payload.size());
            if (!config.deadLetterTopic.empty()) {
                rejected.push_back({letter.payload, rec.record.key, rec.record.timestampMs, rec.record.flags,
                                    letter.source, std::to_string(rec.partition), std::to_string(rec.record.offset),
                                    letter.reason});
            }
            job->reportDeadLetter(std::move(letter));
        }
        flush();
        dirty = true;
        if (config.onReadings) config.onReadings(std::span<const engine::Reading>(tapped));
        tapped.clear();
        std::lock_guard lock(statsMutex);
        stats.decoded += decoded;
        stats.deadLetters += dead;
    }
};

KafkaCityWorker::KafkaCityWorker(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
KafkaCityWorker::~KafkaCityWorker() = default;

engine::Expected<std::unique_ptr<KafkaCityWorker>, std::string> KafkaCityWorker::create(KafkaWorkerConfig config) {
    auto impl = std::make_unique<Impl>();
    impl->decoder.emplace(config.decoderLimits);
    impl->avroReadings.emplace(config.decoderLimits);
    if (config.inputTopics.empty()) {
        for (const auto& t : engine::log::defaultTopics()) {
            if (t.name != "receipts") config.inputTopics.push_back(t.name);
        }
    }
    if (!config.storePath.empty()) {
        engine::storage::StorageOptions options;
        options.path = config.storePath;
        auto store = engine::storage::Storage::open(options);
        if (!store) return "worker store " + config.storePath.string() + ": " + store.error().message;
        impl->store = std::move(*store);
    }
    stream::CityJobsConfig jobs = config.jobs;
    jobs.job.storage = impl->store.get();
    jobs.job.checkpointIntervalMs = 0;  // checkpoints follow the committed transactions
    if (jobs.job.idleTimeoutMs == 0) jobs.job.idleTimeoutMs = 5'000;
    if (jobs.job.jobId == "job") jobs.job.jobId = "city-jobs";
    impl->outputs.alerts = std::make_shared<stream::QueueSink<engine::Alert>>();
    impl->outputs.districtAggregates = std::make_shared<stream::QueueSink<stream::DistrictAggregate>>();
    try {
        impl->job = stream::buildCityJobs(std::move(jobs), impl->outputs);
    } catch (const std::exception& e) {
        return std::string("worker jobs: ") + e.what();
    }

    KafkaSourceConfig sourceConfig;
    sourceConfig.settings = config.settings;
    sourceConfig.groupId = config.groupId;
    sourceConfig.topics = config.inputTopics;
    sourceConfig.extra = config.consumerExtra;
    auto source = KafkaEventSource::create(std::move(sourceConfig));
    if (!source) return source.error().message;
    impl->source = std::move(*source);
    for (const std::string& topic : config.inputTopics) {
        rd_kafka_topic_t* handle = rd_kafka_topic_new(impl->source->handle(), topic.c_str(), nullptr);
        const struct rd_kafka_metadata* md = nullptr;
        const rd_kafka_resp_err_t err = rd_kafka_metadata(impl->source->handle(), 0, handle, &md, 10'000);
        int partitions = 0;
        std::string why = rd_kafka_err2str(err);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1) {
            partitions = md->topics[0].partition_cnt;
            why = rd_kafka_err2str(md->topics[0].err);
        }
        if (md != nullptr) rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(handle);
        if (partitions <= 0) {
            const std::string broker = impl->source->lastError();
            return "input topic " + topic + " unavailable: " + why + (broker.empty() ? "" : " (" + broker + ")");
        }
        impl->topicPartitions.push_back(partitions);
    }
    if (const auto& restored = impl->job->restored()) {
        // Partitions of the checkpoint start at its offsets when (and if) they are assigned again.
        if (auto sought = impl->source->seek(restored->positions); !sought) return sought.error().message;
        impl->stats.restoredFrom = restored->checkpointId;
    }

    KafkaTxnConfig txn;
    txn.settings = config.settings;
    txn.transactionalId = config.transactionalId;
    txn.timeout = config.transactionTimeout;
    txn.extra = config.producerExtra;
    impl->config = config;  // indexOf() reads the topics from here on
    auto producer = KafkaTransactionalProducer::create(std::move(txn));
    if (!producer) return producer.error().message;
    impl->producer = std::move(*producer);

    Impl* d = impl.get();
    impl->source->setRebalanceListener([d](const KafkaRebalance& change) {
        for (const auto& p : change.assigned) d->declare.push_back(d->indexOf(p.topic, p.partition));
        if (!change.revoked.empty() && d->pendingError.empty() && d->dirty) {
            // Flush to the barrier before the partitions leave: everything pushed so far is
            // published and its offsets committed in one transaction, so the new owner starts
            // exactly where this worker stopped.
            d->pendingError = d->commit(change.revoked);
        }
    });
    return std::unique_ptr<KafkaCityWorker>(new KafkaCityWorker(std::move(impl)));
}

engine::Expected<KafkaWorkerStats, std::string> KafkaCityWorker::run(const std::atomic<bool>& stop) {
    Impl& d = *m_impl;
    if (!d.job) return std::string("worker: already crashed");
    d.records.resize(4096);
    auto lastCommit = std::chrono::steady_clock::now();
    while (!stop.load(std::memory_order_acquire)) {
        auto polled = d.source->poll(d.records, d.config.pollTimeout);
        if (!polled) return polled.error().message;
        if (!d.pendingError.empty()) {
            if (d.crashed) crash();
            return d.pendingError;
        }
        for (int index : d.declare) d.job->push({}, index);  // the partition holds the watermark from now
        d.declare.clear();
        if (*polled > 0) {
            d.push(*polled);
        } else {
            d.job->tick();
            // Idle partitions and processing time fire windows and patterns without new records:
            // their outputs need a transaction too.
            const std::uint64_t outputs = d.outputs.alerts->total() + d.outputs.districtAggregates->total();
            if (outputs != d.outputsSeen) {
                d.outputsSeen = outputs;
                d.dirty = true;
            }
        }
        {
            std::lock_guard lock(d.statsMutex);
            d.stats.consumed += *polled;
            d.stats.rebalances = d.source->rebalances();
        }
        const auto now = std::chrono::steady_clock::now();
        if (d.dirty && now - lastCommit >= d.config.commitInterval) {
            if (std::string error = d.commit(d.source->positions()); !error.empty()) {
                if (d.crashed) crash();
                return error;
            }
            lastCommit = now;
        }
    }
    if (d.dirty) {
        if (std::string error = d.commit(d.source->positions()); !error.empty()) return error;
    }
    d.source->close();
    return stats();
}

void KafkaCityWorker::crash() {
    Impl& d = *m_impl;
    if (!d.job) return;
    d.producer->abandon();
    d.job.reset();  // staged rows since the last checkpoint are not committed
    d.source->abandon();
    d.source.reset();
    d.store.reset();
}

KafkaWorkerStats KafkaCityWorker::stats() const {
    std::lock_guard lock(m_impl->statsMutex);
    return m_impl->stats;
}

const KafkaWorkerConfig& KafkaCityWorker::config() const { return m_impl->config; }

}  // namespace cityops::connectors
