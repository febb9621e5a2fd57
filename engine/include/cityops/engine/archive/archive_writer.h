#pragma once

#include <memory>
#include <span>

#include "cityops/engine/archive/archive_types.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/storage/retention.h"

namespace cityops::engine::archive {

//! Writes accepted raw events to the cold tier (the design's HDFS role): gzip JSON Lines files under
//! <root>/<topic>/year=YYYY/month=MM/day=DD/hour=HH/part-<created>-<n>.jsonl.gz, partitioned by the
//! UTC hour of each record's event time, plus an index of files (<root>/_index.db, SQLite).
//!
//! A file is written as a hidden temporary (".part-….jsonl.gz.tmp", which Spark and Hadoop skip),
//! rolled at maxFileBytes or maxFileAge, and on close: finished, fdatasync'ed, indexed with its
//! record count, event-time span and CRC-32 (one FULL-synced transaction), then renamed into place
//! and its directory synced. A crash therefore never leaves a partial file visible: open() completes
//! the rename of indexed files and deletes unindexed temporaries, whose records the caller re-archives
//! from the event log (it commits its log positions only after flush() returns: at-least-once).
//!
//! One line per record: {"ts":…,"topic":…,"partition":…,"offset":…,"key":…,"flags":…, then
//! "reading":{sensor_id, location_id, kind, metric, value, seq} for Reading payloads, "payload":"…"
//! for UTF-8 text (e.g. the raw JSON a gateway accepted), or "payload_b64":"…" for other bytes}.
//!
//! Thread-safety: every function may be called from any thread (one mutex, taken per call, i.e. per
//! batch). One writer per directory: a second open() of the same root fails (flock).
class ArchiveWriter {
public:
    static Result<std::unique_ptr<ArchiveWriter>> open(ArchiveOptions options, ArchiveOpenReport* report = nullptr);
    //! Closes (and so publishes) every open file; errors are dropped here: call flush() first to see them.
    ~ArchiveWriter();
    ArchiveWriter(const ArchiveWriter&) = delete;
    ArchiveWriter& operator=(const ArchiveWriter&) = delete;

    //! Appends records (as an EventSource delivered them) to their topic's hour files; rolls files
    //! by size and age. A record with an empty topic or one that cannot be a path name is rejected
    //! (InvalidArgument) before anything of the batch is written.
    Result<void> append(std::span<const log::SourceRecord> records);
    //! Closes every open file: after it returns, everything appended is durable, indexed and visible.
    Result<void> flush();
    //! Closes files that reached maxFileAge without waiting for the next append (call it periodically).
    Result<void> rollDue();
    //! Cold-tier retention: removes the hour folders of each topic the policy names whose hour ended at
    //! or before nowMs − limit (all their events are older), files first, then their index rows, then
    //! empty folders. Whole hours only: an hour straddling the cutoff stays until it is entirely older.
    Result<ColdRetentionReport> enforceRetention(const std::vector<storage::TopicRetention>& policy,
                                                 std::int64_t nowMs);

    const std::filesystem::path& root() const;
    //! Files closed (published) by this writer.
    std::uint64_t filesClosed() const;

private:
    struct Impl;
    explicit ArchiveWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::engine::archive
