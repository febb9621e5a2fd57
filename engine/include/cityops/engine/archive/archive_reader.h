#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/archive/archive_types.h"
#include "cityops/engine/log/event_source.h"

namespace cityops::engine::archive {

//! Read side of an archive: the file index, verification and statistics. Opens the index read-only,
//! so it may run beside the writer. Thread-safety: one thread at a time; open one per thread.
class ArchiveReader {
public:
    static Result<std::unique_ptr<ArchiveReader>> open(const std::filesystem::path& root);
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader&) = delete;
    ArchiveReader& operator=(const ArchiveReader&) = delete;

    //! Indexed files of topic (all topics if empty) whose events may fall in [fromMs, toMs), by hour.
    Result<std::vector<ArchiveFileInfo>> files(const std::string& topic, std::int64_t fromMs, std::int64_t toMs);
    //! Checks every indexed file of topic (all if empty): present, size, CRC-32, gzip stream, each
    //! JSON line, record count and event-time span against the index; and looks for archive files the
    //! index does not know. Every problem is reported with its file; nothing is skipped silently.
    Result<VerifyReport> verify(const std::string& topic = {});
    //! Files, records, bytes and event-time span per topic.
    Result<std::vector<ArchiveTopicStats>> stats();

private:
    struct Impl;
    explicit ArchiveReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

//! Replay from the archive into the engine: an EventSource over the records of some topics with event
//! time in [fromMs, toMs). Files are read hour by hour (topics interleaved by hour), each whole file's
//! CRC-32 checked against the index before any of its records is delivered; a damaged file is a
//! Corrupt error naming it, never skipped (a poll that reaches it first returns the records it already
//! holds; the next poll, and every later one, returns the error). Within a partition, records come in archive order, which is
//! offset order as long as the partition's event times did not go back across an hour boundary.
//! An exhausted archive polls 0 at once (exhausted() tells); it never waits for new files.
//!
//! positions() gives, per (topic, partition) seen, the offset after the last one delivered; seek()
//! restarts from the first file and skips records below the given offsets; seekToTimestamp() restarts
//! at the first record with event time >= the timestamp. Thread-safety: one thread at a time.
class ArchiveEventSource final : public log::EventSource {
public:
    static Result<std::unique_ptr<ArchiveEventSource>> create(const std::filesystem::path& root,
                                                              std::vector<std::string> topics, std::int64_t fromMs,
                                                              std::int64_t toMs, std::size_t bufferBytes = 1 << 20);
    ~ArchiveEventSource() override;

    Result<std::size_t> poll(std::span<log::SourceRecord> out, std::chrono::milliseconds timeout) override;
    std::vector<log::PartitionOffset> positions() const override;
    Result<void> seek(std::span<const log::PartitionOffset> positions) override;
    Result<void> seekToTimestamp(std::int64_t timestampMs) override;

    bool exhausted() const;
    //! Files whose records have been opened so far (each CRC-checked).
    std::uint64_t filesRead() const;

private:
    struct Impl;
    explicit ArchiveEventSource(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::engine::archive
