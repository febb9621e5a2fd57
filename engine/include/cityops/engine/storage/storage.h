#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>

#include "cityops/engine/storage/records.h"
#include "cityops/engine/storage/retention.h"
#include "cityops/engine/storage/storage_result.h"

namespace cityops::engine::storage {

//! The schema version this build reads and writes: PRAGMA user_version, and the newest row of the
//! schema_version table (version, applied_ms, description), which keeps the migration history.
inline constexpr int kSchemaVersion = 2;

//! Settings of a storage file.
struct StorageOptions {
    std::filesystem::path path;                   //!< the database file; its directory must exist
    std::chrono::milliseconds busyTimeout{2000};  //!< wait this long for another connection's lock
    bool verifyOnOpen = false;                    //!< run PRAGMA quick_check before anything else
    std::size_t queueCapacity = 64;               //!< queued batches before submit() blocks
    std::uint32_t maxPageCount = 0;               //!< test hook: cap the file size in pages (0 = none)
};

//! The embedded store of readings, aggregates, alerts and checkpoints (the design's Cassandra, HDFS
//! catalogue and Elasticsearch roles, in one SQLite file in WAL mode).
//!
//! All writes go through one dedicated writer thread and its own connection, one transaction per
//! batch. Readers use StorageReader on their own connections and never block the writer (WAL).
//!
//! Durability: batches with alerts, checkpoints or alert actions commit with synchronous=FULL (the
//! WAL is fsynced before the commit returns: they survive a power loss). Bulk batches of readings,
//! aggregates and the rest commit with synchronous=NORMAL: they survive a process crash, but a power
//! loss may drop the last commits since the previous WAL checkpoint. They are replayed from the
//! event log (at-least-once) and the upserts make the replay idempotent.
//!
//! Thread-safety: every public function may be called from any thread.
class Storage {
public:
    //! Opens or creates the database and migrates it to kSchemaVersion. Never modifies a file it
    //! refuses: a newer schema, a foreign or corrupt file.
    static Result<std::unique_ptr<Storage>> open(StorageOptions options);
    //! Commits the queued batches, then stops the writer thread.
    ~Storage();
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    //! Queues a batch for the writer thread; the future reports its commit. Blocks while the queue is full.
    std::future<Result<void>> submit(WriteBatch batch);
    //! submit() and wait.
    Result<void> write(WriteBatch batch);
    //! Exactly-once sink commit: the pending rows and the checkpoint (offsets + state blob) commit in
    //! one transaction with synchronous=FULL. A checkpoint id lower than the job's latest is rejected;
    //! committing the latest one again is an idempotent retry.
    Result<void> commitCheckpoint(CheckpointRecord checkpoint, WriteBatch pending);
    //! Moves an alert along its lifecycle (synchronous=FULL).
    Result<void> applyAlertAction(AlertAction action);
    //! Hot-tier retention: deletes readings, events and window aggregates whose time is older than
    //! nowMs − the limit of their metric's topic (topicOf(Metric)); topics the policy does not name are
    //! kept. Runs on the writer thread in short transactions (512 sensor/metric pairs each), so ingest
    //! batches interleave with it. Blocks until done. Alerts, dead letters, lineage and checkpoints are
    //! not topic data and are kept. Freed pages are reused by later writes (the file does not shrink).
    Result<HotRetentionReport> enforceRetention(const std::vector<TopicRetention>& policy, std::int64_t nowMs);

    const std::filesystem::path& path() const;
    //! Batches committed by this instance.
    std::uint64_t committedBatches() const;

private:
    struct Impl;
    explicit Storage(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::engine::storage
