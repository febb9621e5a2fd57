#pragma once

// The multi-threaded core of a stream job: worker threads, bounded batch queues, the coordinator
// thread (sinks, global stages, checkpoints), source-side watermarks, metrics. It is type-erased:
// job.h builds the typed operator graphs and drives the core from the source thread. Job authors use
// job.h; this header gives them JobConfig, the clocks and JobError.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "cityops/engine/expected.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/storage/records.h"
#include "cityops/engine/stream/checkpoint.h"
#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/sinks.h"
#include "cityops/engine/stream/stream_metrics.h"
#include "cityops/engine/stream/watermarks.h"

namespace cityops::engine::storage {
class Storage;
}

namespace cityops::engine::stream {

//! Processing time for a job: the wall clock, or a manual clock in tests and simulations.
class Clock {
public:
    virtual ~Clock() = default;
    virtual TimeMs nowMs() const = 0;
};

//! Wall-clock milliseconds since the Unix epoch.
class SystemClock final : public Clock {
public:
    TimeMs nowMs() const override;
};

//! Milliseconds of std::chrono::steady_clock: never stepped, only good for measuring elapsed time.
class MonotonicClock final : public Clock {
public:
    TimeMs nowMs() const override;
};

//! A clock that moves only when told to (deterministic tests). Thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimeMs start = 0) : m_now(start) {}
    TimeMs nowMs() const override { return m_now.load(std::memory_order_acquire); }
    void set(TimeMs now) { m_now.store(now, std::memory_order_release); }
    void advance(TimeMs by) { m_now.fetch_add(by, std::memory_order_acq_rel); }

private:
    std::atomic<TimeMs> m_now;
};

//! Settings of one stream job. Aggregate: `JobConfig{.jobId = "alert-detection", .workers = 2}`.
struct JobConfig {
    std::string jobId = "job";  //!< names the job's checkpoints in the store
    int workers = 0;            //!< worker threads; 0 = std::thread::hardware_concurrency()
    std::size_t queueCapacity = 16;      //!< batches per worker queue before the source blocks
    std::size_t maxBatchRecords = 4096;  //!< larger pushes / polls are cut into batches of this size
    TimeMs maxOutOfOrdernessMs = 10'000;  //!< bounded out-of-orderness of every source partition
    TimeMs idleTimeoutMs = 30'000;        //!< processing time without records before a partition is idle; 0 = never
    int sourcePartitions = 1;  //!< push(): partitions 0..n-1 hold the watermark from the start (run() asks the source)
    TimeMs checkpointIntervalMs = 30'000;  //!< processing time between checkpoints; 0 = only on demand
    TimeMs processingTimeTickMs = 1'000;   //!< operators' onProcessingTime cadence; 0 = never
    const Clock* clock = nullptr;          //!< processing time; nullptr = SystemClock. Must outlive the job
    //! Measures elapsed time while `clock` has been stepped back (NTP step, operator change): the job's
    //! processing time never goes back and keeps pace with this clock until the wall clock catches up,
    //! so processing-time timers, idle detection and checkpoint intervals do not stall for the size of
    //! the step. nullptr = MonotonicClock. Must outlive the job.
    const Clock* monotonicClock = nullptr;
    //! The store for checkpoints and exactly-once sinks; nullptr = no checkpoints. Must outlive the job.
    storage::Storage* storage = nullptr;
    bool restoreFromCheckpoint = true;  //!< resume from the job's latest checkpoint when one exists
    //! Called on the coordinator thread after each committed checkpoint.
    std::function<void(const CheckpointInfo&)> onCheckpoint;
};

//! A job that cannot be built or restored (graph misuse, missing storage, unreadable checkpoint).
class JobError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

namespace runtime_detail {

//! Records of one batch (typed subclasses live in job.h). Pooled and reused: clear() keeps capacity.
class Payload {
public:
    virtual ~Payload() = default;
    virtual void clear() = 0;
    virtual std::size_t records() const = 0;
};

//! The operators of one worker. Called only from that worker's thread (after construction).
class WorkerGraph {
public:
    virtual ~WorkerGraph() = default;
    virtual void process(Payload& input) = 0;
    virtual void watermark(TimeMs watermark) = 0;
    virtual void processingTime(TimeMs now) = 0;
    //! Swaps what the operators emitted since the last call into `out` (a cleared output payload);
    //! false if nothing was emitted.
    virtual bool takeOutputs(Payload& out) = 0;
    virtual void snapshot(StateWriter& writer) const = 0;
    //! Restores one saved worker snapshot, keeping the keys `filter` owns. Throws JobError.
    virtual void restore(std::span<const std::byte> snapshot, const KeyFilter& filter) = 0;
    //! Fills `out` with one entry per operator (reuses its strings).
    virtual void stats(std::vector<OperatorMetrics>& out) const = 0;
};

//! The coordinator side: sinks of parallel streams and global stages. Coordinator thread only.
class CoordinatorGraph {
public:
    virtual ~CoordinatorGraph() = default;
    //! Dispatches one worker's outputs; returns the records handed to sinks.
    virtual std::uint64_t consume(Payload& outputs, SinkContext& context) = 0;
    virtual std::uint64_t watermark(TimeMs watermark, SinkContext& context) = 0;
    virtual std::uint64_t processingTime(TimeMs now, SinkContext& context) = 0;
    virtual void snapshot(StateWriter& writer) const = 0;
    virtual void restore(std::span<const std::byte> snapshot, const KeyFilter& filter) = 0;
    virtual void stats(std::vector<OperatorMetrics>& out) const = 0;
};

//! What job.h hands the core: one graph per worker, the coordinator graph, payload factories.
struct JobParts {
    std::vector<std::unique_ptr<WorkerGraph>> workers;
    std::unique_ptr<CoordinatorGraph> coordinator;
    std::function<std::unique_ptr<Payload>()> makeInput;
    std::function<std::unique_ptr<Payload>()> makeOutput;
};

//! Threads, queues, watermarks, checkpoints and metrics of one job (see engine/src/stream/runtime/README.md).
//! The source-thread functions must be called from one thread at a time (the job's source thread);
//! metrics(), requestCheckpoint() and restored() from any thread.
class RuntimeCore {
public:
    //! Restores from the latest checkpoint (if configured), then starts the threads. Throws JobError.
    RuntimeCore(JobConfig config, JobParts parts);
    //! Stops the threads. Rows staged since the last checkpoint are not committed (a restart replays them).
    ~RuntimeCore();
    RuntimeCore(const RuntimeCore&) = delete;
    RuntimeCore& operator=(const RuntimeCore&) = delete;

    int workers() const;
    const JobConfig& config() const;

    // --- source thread ---
    //! Between source batches: injects a checkpoint barrier when one is due or requested.
    void service();
    //! Starts a batch: stamps its ingest time and readies one fill buffer per worker.
    void beginBatch();
    //! The buffer worker w's share of the current batch goes into.
    Payload& fill(int worker);
    WatermarkTracker& tracker();
    //! Makes source partitions 0..count-1 known.
    void ensurePartitions(int count);
    //! The merged watermark before the current batch (records at or below it are late).
    TimeMs watermark() const;
    //! Ends a batch: advances the watermark and hands every worker its share (blocks on full queues).
    void endBatch(std::uint64_t records, std::uint64_t late);
    //! No records: lets idleness, processing-time ticks and due checkpoints progress.
    void tick();
    //! Takes a checkpoint now and waits for its commit; returns its id or the error.
    Expected<std::uint64_t, std::string> checkpoint();
    //! Waits until everything pushed so far has been processed and delivered to the sinks.
    void sync();
    //! End of input: watermark kEndOfTime, a final checkpoint (with storage) or sync(). Idempotent.
    void finish();
    bool finished() const;
    //! Positions a checkpoint records: the function is asked at each barrier (run()), or the list set here (push()).
    void setPositionProvider(std::function<std::vector<log::PartitionOffset>()> provider);
    void setPositions(std::vector<log::PartitionOffset> positions);
    //! A record the source could not decode: counted per reason and, with storage, committed to
    //! dead_letters with the next checkpoint.
    void reportDeadLetter(storage::DeadLetter letter);

    // --- any thread ---
    //! The next service() takes a checkpoint.
    void requestCheckpoint();
    const std::optional<RestoreInfo>& restored() const;
    JobMetrics metrics() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace runtime_detail
}  // namespace cityops::engine::stream
