#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "cityops/engine/log/log_result.h"

namespace cityops::engine::log::detail {

inline constexpr std::int64_t kNoTimestamp = std::numeric_limits<std::int64_t>::min();

//! Sparse index entry: the record at position has offset; every record before it has a timestamp
//! <= maxTimestampBefore, so a timestamp lookup can start at the last entry below the target.
struct IndexEntry {
    std::uint64_t offset = 0;
    std::uint64_t position = 0;
    std::int64_t maxTimestampBefore = kNoTimestamp;
};

//! What the partition knows about one segment file. Sealed segments never change.
struct SegmentMeta {
    std::filesystem::path path;  //!< the .log file
    std::uint64_t baseOffset = 0;
    std::uint64_t endOffset = 0;  //!< one past the last record
    std::uint64_t size = 0;       //!< bytes of whole records
    std::int64_t maxTimestampMs = kNoTimestamp;
    std::uint64_t lastIndexedPosition = 0;
    std::vector<IndexEntry> index;

    //! Accounts a record appended at position (the same rule for appends and recovery scans).
    void noteRecord(std::uint64_t offset, std::uint64_t position, std::int64_t timestampMs, std::uint32_t recordSize,
                    std::uint32_t interval);
    //! Index of the last entry whose offset is <= offset (the index is never empty once a record exists).
    std::size_t entryFor(std::uint64_t offset) const;
};

//! Owns a file descriptor.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    int get() const { return m_fd; }
    int release();
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

std::filesystem::path segmentPath(const std::filesystem::path& dir, std::uint64_t baseOffset);
std::filesystem::path indexPathOf(const std::filesystem::path& logPath);
//! Base offset from a segment file name ("00000000000000001234.log"); false if it is not one.
bool parseSegmentName(const std::filesystem::path& path, std::uint64_t& baseOffset);

LogError ioError(const std::string& what, const std::filesystem::path& path, int err);
LogError corruptError(const std::string& what, const std::filesystem::path& path, std::uint64_t position,
                      std::uint64_t offset);

Result<void> writeAll(int fd, const std::byte* data, std::size_t size, std::uint64_t position,
                      const std::filesystem::path& path);
//! Reads up to size bytes at position; fewer only at end of file.
Result<std::size_t> readAt(int fd, std::byte* data, std::size_t size, std::uint64_t position,
                           const std::filesystem::path& path);
Result<void> syncFd(int fd, const std::filesystem::path& path);
Result<void> syncDirectory(const std::filesystem::path& dir);

//! A segment scanned from its start: the valid prefix and where (if anywhere) it stopped being valid.
struct ScanResult {
    SegmentMeta meta;  //!< describes the valid prefix
    std::uint64_t fileSize = 0;
    bool clean = true;  //!< every byte of the file belongs to a valid record
};

//! Reads a whole segment, verifying framing, CRCs and contiguous offsets from meta.baseOffset.
Result<ScanResult> scanSegment(int fd, const std::filesystem::path& path, std::uint64_t baseOffset,
                               std::uint32_t maxPayloadBytes, std::uint32_t indexInterval);
//! True if a valid record with offset >= expectedOffset starts anywhere in (from, fileSize): then the
//! damage at from is corruption inside the data, not a torn tail.
Result<bool> validRecordAfter(int fd, const std::filesystem::path& path, std::uint64_t from, std::uint64_t fileSize,
                              std::uint64_t expectedOffset, std::uint32_t maxPayloadBytes);

//! Writes meta's index plus an end marker (end offset, size, max timestamp) to the .idx file, synced.
Result<void> writeIndexFile(const SegmentMeta& meta);
//! Loads a sealed segment's .idx into meta; false if it is missing or does not match the file.
bool loadIndexFile(SegmentMeta& meta, std::uint64_t fileSize);

}  // namespace cityops::engine::log::detail
