#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "cityops/engine/log/log_result.h"

namespace cityops::engine::archive {

//! Archive calls report log errors (Io, Corrupt naming the file, InvalidArgument), so an archive can
//! stand where the log stands (ArchiveEventSource is a log::EventSource).
template <class T>
using Result = log::Result<T>;

inline constexpr std::int64_t kHourMs = 3'600'000;

//! Settings of an archive directory.
struct ArchiveOptions {
    std::filesystem::path root;                   //!< created if missing; holds <topic>/year=…/ and _index.db
    std::uint64_t maxFileBytes = 64ULL << 20;     //!< uncompressed JSON bytes before a file is rolled
    std::chrono::milliseconds maxFileAge{300'000};  //!< processing time a file stays open before a roll
    std::size_t maxOpenFiles = 32;                //!< open hour files; the least recently written closes first
    int compressionLevel = 1;                     //!< zlib level 1..9 (1: fastest; see docs/STORAGE.md)
    bool syncOnClose = true;                      //!< fdatasync the file and its directory when it is closed
    //! Processing-time clock (ms) for age rolls and created_ms; defaults to the system clock. Tests inject one.
    std::function<std::int64_t()> clock;
};

//! One archive file as the index describes it. path is relative to the archive root.
struct ArchiveFileInfo {
    std::string path;
    std::string topic;
    std::int64_t hourMs = 0;  //!< start of the UTC hour of every record's event time
    std::uint64_t records = 0;
    std::int64_t minEventMs = 0;
    std::int64_t maxEventMs = 0;
    std::uint64_t bytes = 0;  //!< compressed file size
    std::uint32_t crc32 = 0;  //!< CRC-32 (zlib) of the whole compressed file
    std::int64_t createdMs = 0;
};

//! What ArchiveWriter::open found left over by a crash.
struct ArchiveOpenReport {
    std::size_t completedRenames = 0;  //!< indexed files whose final rename had not happened: done now
    std::size_t removedTempFiles = 0;  //!< unindexed temporary files (never visible): deleted
};

//! What a verification found wrong with one file.
enum class ProblemKind : std::uint8_t {
    Missing,        //!< indexed, but the file is gone
    SizeMismatch,   //!< the file's size differs from the index
    CrcMismatch,    //!< the file's CRC-32 differs from the index
    BadContent,     //!< gzip stream or a JSON line does not decode, or counts/times differ from the index
    Unindexed,      //!< an archive file the index does not know (invisible to replay)
};

struct ArchiveProblem {
    ProblemKind kind = ProblemKind::CrcMismatch;
    std::string path;  //!< relative to the archive root
    std::string message;
};

//! Result of ArchiveReader::verify: every problem, never just the first.
struct VerifyReport {
    std::uint64_t filesChecked = 0;
    std::uint64_t recordsChecked = 0;
    std::vector<ArchiveProblem> problems;
    bool ok() const { return problems.empty(); }
};

//! What one retention pass removed from the cold tier for one topic.
struct ColdRetentionCount {
    std::string topic;
    std::int64_t cutoffMs = 0;  //!< hours whose every possible event time is < cutoffMs were removed
    std::uint64_t files = 0;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
};

struct ColdRetentionReport {
    std::vector<ColdRetentionCount> topics;
};

//! Size and span of one topic in the archive, from the index.
struct ArchiveTopicStats {
    std::string topic;
    std::uint64_t files = 0;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    std::int64_t oldestEventMs = 0;
    std::int64_t newestEventMs = 0;
};

//! archive/<topic>/year=YYYY/month=MM/day=DD/hour=HH (UTC), the layout Spark discovers as partition columns.
std::filesystem::path hourDirectory(std::string_view topic, std::int64_t eventTimeMs);
//! Start of the UTC hour holding eventTimeMs (floor, also for times before 1970).
std::int64_t hourStart(std::int64_t eventTimeMs);

}  // namespace cityops::engine::archive
