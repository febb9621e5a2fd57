#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/log/log_result.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/log/topic_spec.h"

namespace cityops::engine::log {

namespace detail {
class PartitionLog;
}

//! When appended records reach the disk (fdatasync). "Accepted" means append() returned: the records
//! are in the file and survive a process crash; they survive a power loss once durableOffset() passes them.
enum class SyncPolicy : std::uint8_t {
    EveryAppend,  //!< fdatasync before append() returns: accepted == durable
    Interval,     //!< a background thread syncs dirty partitions every syncInterval
    Manual,       //!< only sync() and segment rolls sync
};

//! Event-log settings. Segment files live at <directory>/<topic>/<partition>/<base-offset>.log (+ .idx).
struct LogConfig {
    std::filesystem::path directory;
    std::vector<TopicSpec> topics = defaultTopics();
    std::uint64_t segmentBytes = 64ULL << 20;     //!< a segment is rolled before it would exceed this
    std::uint32_t indexIntervalBytes = 64 << 10;  //!< sparse index: one entry per this many bytes
    std::uint32_t maxPayloadBytes = 1 << 20;      //!< larger payloads are rejected
    SyncPolicy syncPolicy = SyncPolicy::Interval;
    std::chrono::milliseconds syncInterval{1000};
};

//! A torn tail cut off a partition's last segment during open().
struct TruncatedTail {
    std::string topic;
    int partition = 0;
    std::string path;
    std::uint64_t position = 0;  //!< new file size
    std::uint64_t bytes = 0;     //!< bytes removed
};

//! What open() found and repaired.
struct OpenReport {
    std::vector<TruncatedTail> truncated;
    std::uint64_t truncatedBytes = 0;
    std::uint64_t segments = 0;
    std::uint64_t rebuiltIndexes = 0;  //!< sealed segments whose .idx was missing or invalid and was rebuilt
};

//! A sealed segment removed by enforceRetention().
struct DeletedSegment {
    std::string topic;
    int partition = 0;
    std::string path;
    std::uint64_t baseOffset = 0;
    std::uint64_t endOffset = 0;  //!< one past its last record
    std::int64_t maxTimestampMs = 0;
};

struct RetentionReport {
    std::vector<DeletedSegment> deleted;
};

//! Offsets assigned to an appended batch: [firstOffset, nextOffset).
struct AppendResult {
    std::uint64_t firstOffset = 0;
    std::uint64_t nextOffset = 0;
};

//! A partition's offsets: records [startOffset, highWatermark) are readable.
struct PartitionInfo {
    std::uint64_t startOffset = 0;    //!< first offset not removed by retention
    std::uint64_t highWatermark = 0;  //!< one past the last accepted record
    std::uint64_t durableOffset = 0;  //!< records below this have been fdatasync'ed
    std::size_t segments = 0;
};

//! The outcome of one PartitionReader::read().
struct ReadBatch {
    std::size_t count = 0;            //!< records written to the front of the caller's span
    std::uint64_t nextOffset = 0;     //!< the reader's position after the read
    std::uint64_t highWatermark = 0;  //!< the partition's high-water mark seen by this read
    std::uint64_t skipped = 0;        //!< records the reader jumped over because retention removed them
};

//! A cursor over one partition. Reads whole records into caller-provided buffers (no allocation on
//! the read path) and verifies each record's CRC; a bad record is a Corrupt error naming file and position.
//! Thread-safety: one thread uses a reader at a time; any number of readers run concurrently with the
//! writer and each read sees a prefix of the partition up to the high-water mark at that moment.
//! A reader must not outlive its EventLog.
class PartitionReader {
public:
    PartitionReader(PartitionReader&& other) noexcept;
    PartitionReader& operator=(PartitionReader&& other) noexcept;
    PartitionReader(const PartitionReader&) = delete;
    PartitionReader& operator=(const PartitionReader&) = delete;
    ~PartitionReader();

    //! Moves to offset, clamped into [startOffset, highWatermark]; returns the new position.
    std::uint64_t seek(std::uint64_t offset);
    //! Moves to the first record whose timestamp is >= timestampMs (the high-water mark if none).
    Result<std::uint64_t> seekToTimestamp(std::int64_t timestampMs);
    std::uint64_t position() const { return m_position; }
    std::uint64_t highWatermark() const;

    //! Reads up to records.size() records from the position. Payloads are placed in buffer, which must
    //! hold at least one record (40-byte header + payload) or BufferTooSmall is returned. Records read
    //! before a failure are returned; the failure (e.g. Corrupt) comes with the next call.
    Result<ReadBatch> read(std::span<RecordView> records, std::span<std::byte> buffer);

private:
    friend class EventLog;
    explicit PartitionReader(const detail::PartitionLog* log);
    //! Opens the segment holding m_position and sets m_filePos to that record; false at the end.
    Result<bool> positionCursor(ReadBatch& batch);
    //! Opens path unless it is already open; false if retention deleted it meanwhile.
    Result<bool> openSegment(const std::string& path, std::uint64_t baseOffset);
    void closeSegment();

    const detail::PartitionLog* m_log = nullptr;
    std::uint64_t m_position = 0;
    int m_fd = -1;
    std::string m_path;
    std::uint64_t m_segmentBase = 0;
    std::uint64_t m_filePos = 0;     //!< byte position of m_position in the open segment
    std::uint64_t m_segmentEnd = 0;  //!< bytes of accepted records in the open segment when last checked
    bool m_segmentActive = false;
    bool m_cursorValid = false;
    std::vector<std::byte> m_scan;  //!< scratch for seeks (not the read path)
};

//! The embedded partitioned event log: the console's Kafka when no broker is attached.
//! Ordered per partition, offsets from 0, segment files with CRC-32C per record, recovery on open,
//! time-based retention.
//! Thread-safety: append() may be called from any threads; appends to one partition are serialized
//! by that partition's mutex, different partitions proceed in parallel. sync(), info(),
//! enforceRetention() and reader() may be called from any thread. The destructor must not race any call.
class EventLog {
public:
    //! Opens or creates the log in config.directory: scans each partition's last segment, verifies its
    //! CRCs and truncates a torn tail (see openReport()). Corruption before the tail is an error.
    static Result<std::unique_ptr<EventLog>> open(LogConfig config);
    //! Stops the background sync thread and syncs every partition.
    ~EventLog();
    EventLog(const EventLog&) = delete;
    EventLog& operator=(const EventLog&) = delete;

    const LogConfig& config() const;
    const OpenReport& openReport() const;
    //! The topic named name, or nullptr.
    const TopicSpec* topic(std::string_view name) const;

    //! Appends records to one partition with one write() per segment touched; offsets are contiguous.
    //! On an I/O error a prefix of the batch may have been appended (info() tells the high-water mark).
    Result<AppendResult> append(std::string_view topic, int partition, std::span<const RecordInput> records);
    //! fdatasync every partition with unsynced appends.
    Result<void> sync();
    //! Deletes, per partition, the leading sealed segments whose newest timestamp is older than
    //! nowMs − the topic's retention. The active segment is never deleted.
    Result<RetentionReport> enforceRetention(std::int64_t nowMs);

    Result<PartitionInfo> info(std::string_view topic, int partition) const;
    //! A cursor at the partition's start offset.
    Result<PartitionReader> reader(std::string_view topic, int partition) const;

    //! Increases with every successful append, on any partition.
    std::uint64_t appendGeneration() const;
    //! Waits until appendGeneration() differs from seen or timeout passes; returns the generation.
    std::uint64_t waitForAppend(std::uint64_t seen, std::chrono::milliseconds timeout) const;
    //! The last error of the background sync thread (SyncPolicy::Interval), if any.
    std::optional<LogError> backgroundSyncError() const;

private:
    struct Impl;
    explicit EventLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::engine::log
