#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/log/event_log.h"
#include "segment_io.h"

namespace cityops::engine::log::detail {

//! Where a reader starts in a segment: the segment's file and bounds and an index entry at or before
//! the wanted record. A snapshot taken under the partition's lock.
struct SegmentLocation {
    std::filesystem::path path;
    std::uint64_t baseOffset = 0;
    std::uint64_t endOffset = 0;
    std::uint64_t endPosition = 0;  //!< bytes of whole, accepted records
    std::uint64_t entryOffset = 0;
    std::uint64_t entryPosition = 0;
    bool active = false;  //!< the partition's last segment, which may still grow
};

//! One partition: its segments, the active segment's file and the append/recovery/retention logic.
//! Thread-safety: every member function may be called from any thread; m_mutex guards the segment
//! list, the active file and the write buffer. The high-water mark is also published as an atomic.
class PartitionLog {
public:
    PartitionLog(std::string topic, int partition, std::filesystem::path dir, const LogConfig& config);

    const std::string& topic() const { return m_topic; }
    int partition() const { return m_partition; }
    std::uint32_t maxPayloadBytes() const { return m_config.maxPayloadBytes; }

    //! Loads sealed segments (their .idx, or a verifying scan), scans the active one and cuts a torn tail.
    Result<void> open(OpenReport& report);
    Result<AppendResult> append(std::span<const RecordInput> records);
    Result<void> sync();
    Result<void> enforceRetention(std::int64_t cutoffMs, RetentionReport& report);

    PartitionInfo info() const;
    std::uint64_t highWatermark() const { return m_highWatermark.load(std::memory_order_acquire); }
    std::uint64_t startOffset() const;

    //! The segment holding offset (>= startOffset(), < highWatermark()); nullopt if retention removed it.
    std::optional<SegmentLocation> locate(std::uint64_t offset) const;
    //! The first segment with a record at or after timestampMs, with the index entry to scan from.
    std::optional<SegmentLocation> locateTimestamp(std::int64_t timestampMs) const;
    //! Refreshes the bounds of the segment with baseOffset; false if it no longer exists.
    bool segmentBounds(std::uint64_t baseOffset, SegmentLocation& location) const;

private:
    Result<void> loadSealed(SegmentMeta& meta, OpenReport& report);
    Result<void> recoverActive(SegmentMeta& meta, OpenReport& report);
    Result<void> roll();
    //! Encodes records[first, last) into m_buffer and writes them to the active segment in one call.
    Result<void> writeChunk(std::span<const RecordInput> records);
    SegmentLocation locationOf(const SegmentMeta& meta, std::size_t entry, bool active) const;

    std::string m_topic;
    int m_partition;
    std::filesystem::path m_dir;
    const LogConfig& m_config;

    mutable std::mutex m_mutex;
    std::deque<SegmentMeta> m_segments;  //!< oldest first; back() is the active segment
    UniqueFd m_fd;                       //!< the active segment, read-write
    std::vector<std::byte> m_buffer;     //!< encoded batch, reused
    bool m_dirty = false;                //!< appended since the last fdatasync
    std::atomic<std::uint64_t> m_highWatermark{0};
    std::atomic<std::uint64_t> m_durableOffset{0};
};

}  // namespace cityops::engine::log::detail
