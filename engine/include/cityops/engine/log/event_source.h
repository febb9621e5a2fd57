#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/log/log_result.h"
#include "cityops/engine/log/record.h"

namespace cityops::engine::log {

class EventLog;
class PartitionReader;

//! A consumer's position in one partition: the next offset it will read. Checkpoints store these.
struct PartitionOffset {
    std::string topic;
    int partition = 0;
    std::uint64_t offset = 0;

    bool operator==(const PartitionOffset&) const = default;
};

//! A record delivered by an EventSource. topic stays valid as long as the source; payload until the
//! next poll() on the source.
struct SourceRecord {
    std::string_view topic;
    int partition = 0;
    RecordView record;
};

//! Records from a set of topic partitions: the embedded log or, later, a Kafka consumer, behind one
//! interface the stream pipeline polls. Thread-safety: one thread uses a source at a time.
class EventSource {
public:
    virtual ~EventSource() = default;
    //! Fills out with up to out.size() records, in offset order per partition; waits up to timeout when
    //! nothing is available. Returns the count (0 on timeout).
    virtual Result<std::size_t> poll(std::span<SourceRecord> out, std::chrono::milliseconds timeout) = 0;
    //! The next offset of every assigned partition: what a checkpoint snapshots.
    virtual std::vector<PartitionOffset> positions() const = 0;
    //! Restores positions (e.g. from a checkpoint); assigned partitions not listed keep theirs.
    virtual Result<void> seek(std::span<const PartitionOffset> positions) = 0;
    //! Moves every assigned partition to its first record with timestamp >= timestampMs (replay).
    virtual Result<void> seekToTimestamp(std::int64_t timestampMs) = 0;
};

//! Where producers put records; each goes to partitionForKey(key, partitions of its topic).
//! Thread-safety: one thread uses a sink at a time.
class EventSink {
public:
    virtual ~EventSink() = default;
    //! Appends records to topic. Returns once they are accepted (the implementation states its durability).
    virtual Result<void> send(std::string_view topic, std::span<const RecordInput> records) = 0;
    //! Makes every accepted record durable.
    virtual Result<void> flush() = 0;
};

//! EventSource over the embedded log: one PartitionReader per assigned partition, read round-robin
//! into one byte buffer owned by the source (allocated once).
class LogEventSource final : public EventSource {
public:
    //! Assigns every partition of topics, each at its start offset. bufferBytes bounds one poll's payloads.
    static Result<std::unique_ptr<LogEventSource>> create(const EventLog& log, const std::vector<std::string>& topics,
                                                          std::size_t bufferBytes = 1 << 20);
    ~LogEventSource() override;

    Result<std::size_t> poll(std::span<SourceRecord> out, std::chrono::milliseconds timeout) override;
    std::vector<PartitionOffset> positions() const override;
    Result<void> seek(std::span<const PartitionOffset> positions) override;
    Result<void> seekToTimestamp(std::int64_t timestampMs) override;

private:
    struct Assigned;
    LogEventSource(const EventLog& log, std::size_t bufferBytes);
    Result<std::size_t> pollOnce(std::span<SourceRecord> out);

    const EventLog& m_log;
    std::vector<Assigned> m_assigned;
    std::vector<std::byte> m_buffer;
    std::vector<RecordView> m_views;
    std::size_t m_next = 0;  //!< round-robin start
};

//! EventSink into the embedded log. Accepted = EventLog::append() returned (see SyncPolicy).
class LogEventSink final : public EventSink {
public:
    explicit LogEventSink(EventLog& log);

    Result<void> send(std::string_view topic, std::span<const RecordInput> records) override;
    Result<void> flush() override;

private:
    EventLog& m_log;
    std::vector<std::vector<RecordInput>> m_byPartition;  //!< reused between sends
};

}  // namespace cityops::engine::log
