#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cityops/engine/archive/archive_types.h"
#include "cityops/engine/storage/retention.h"

namespace cityops::engine::storage {
class Storage;
}

namespace cityops::engine::archive {

class ArchiveWriter;

//! What one retention run removed from both tiers, or why it failed.
struct RetentionRunReport {
    std::int64_t nowMs = 0;
    storage::HotRetentionReport hot;
    ColdRetentionReport cold;
    std::string error;  //!< empty when both tiers succeeded
};

//! Settings of the retention job.
struct RetentionJobOptions {
    std::vector<storage::TopicRetention> policy = storage::defaultRetention();
    std::chrono::milliseconds interval{3'600'000};  //!< between runs of the background thread
    //! Reference time (ms) of each background run; defaults to the system clock. Tests call runOnce().
    std::function<std::int64_t()> clock;
};

//! The background retention job: every interval, applies the per-topic limits to the hot tier
//! (Storage::enforceRetention) and the cold tier (ArchiveWriter::enforceRetention). Either tier may be
//! absent (nullptr). Both outlive the job. Thread-safety: all functions from any thread.
class RetentionJob {
public:
    RetentionJob(storage::Storage* hot, ArchiveWriter* cold, RetentionJobOptions options = {});
    //! Stops the background thread (waiting for a run in progress).
    ~RetentionJob();
    RetentionJob(const RetentionJob&) = delete;
    RetentionJob& operator=(const RetentionJob&) = delete;

    //! Starts the background thread; its first run is immediate. Idempotent.
    void start();
    void stop();
    //! One run with nowMs as the reference time, on the calling thread (serialized with background runs).
    RetentionRunReport runOnce(std::int64_t nowMs);
    //! The report of the latest run (background or runOnce); nowMs = 0 before the first.
    RetentionRunReport lastReport() const;
    std::uint64_t runs() const;

private:
    void loop();

    storage::Storage* m_hot;
    ArchiveWriter* m_cold;
    RetentionJobOptions m_options;
    std::mutex m_runMutex;  //!< one run at a time
    mutable std::mutex m_mutex;  //!< guards the members below
    std::condition_variable m_wake;
    bool m_stopping = false;
    RetentionRunReport m_last;
    std::uint64_t m_runs = 0;
    std::thread m_thread;
};

}  // namespace cityops::engine::archive
