#pragma once

// RuntimeCore's state, shared by runtime_core.cpp (source side, lifecycle, metrics) and
// runtime_threads.cpp (worker and coordinator loops).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/stream/latency_histogram.h"
#include "cityops/engine/stream/runtime.h"
#include "runtime_queues.h"

namespace cityops::engine::stream::runtime_detail {

inline std::int64_t steadyNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

//! What the source contributes to checkpoint `id`, handed to the coordinator before the barrier.
struct SourceSnapshot {
    std::uint64_t id = 0;
    TimeMs createdMs = 0;
    std::int64_t startedNs = 0;
    std::vector<log::PartitionOffset> positions;
    std::vector<std::byte> state;  //!< watermark tracker + the watermark sent to workers
    std::vector<storage::DeadLetter> deadLetters;
};

struct RuntimeCore::Impl {
    Impl(JobConfig c, JobParts p);

    // Threads (runtime_threads.cpp).
    void runWorker(int worker);
    void runCoordinator();
    void completeCheckpoint(std::uint64_t id, std::vector<std::vector<std::byte>>& snapshots,
                            storage::WriteBatch& staged, TimeMs watermark);
    void fail(const std::string& what);
    void publishWorkerStats(int worker);
    void publishGlobalStats();

    // Source side (runtime_core.cpp).
    void restoreFromStore();
    void send(int worker, InputMessage&& message);
    void sendToAll(MessageKind kind, std::uint64_t marker);
    std::uint64_t injectBarrier();
    bool checkpointInFlight() const;
    void waitCheckpoint(std::uint64_t id);
    void stopThreads();

    JobConfig config;
    SystemClock systemClock;
    MonotonicClock monotonicClockDefault;
    const Clock* clock = nullptr;
    const Clock* monotonic = nullptr;
    int workerCount = 1;
    JobParts parts;
    std::vector<std::unique_ptr<InputQueue>> queues;
    std::unique_ptr<Inbox> inbox;
    std::vector<std::thread> workerThreads;
    std::thread coordinatorThread;
    std::optional<RestoreInfo> restoreInfo;
    TimeMs restoredWatermark = kNoWatermark;
    const std::int64_t startNs = steadyNowNs();

    // Source-thread state.
    WatermarkTracker tracker;
    std::vector<std::unique_ptr<Payload>> fill;
    std::vector<TimeMs> sentWatermark;
    std::vector<TimeMs> sentTimeMs;
    TimeMs batchWatermark = kNoWatermark;
    std::int64_t batchIngestNs = 0;
    std::uint64_t nextCheckpointId = 1;
    std::uint64_t lastInjectedCheckpoint = 0;
    std::uint64_t nextSyncId = 1;
    TimeMs lastCheckpointStartMs = 0;
    TimeMs processingMs = kNoWatermark;  //!< the last processing time handed out (never decreases)
    TimeMs lastMonotonicMs = 0;
    TimeMs lastWallMs = 0;
    //! The job's processing time (source thread only): the wall clock while it moves forward; while it
    //! is behind the last value (stepped back), the last value plus the elapsed monotonic time.
    TimeMs processingNow();
    bool isFinished = false;
    std::function<std::vector<log::PartitionOffset>()> positionProvider;
    std::vector<log::PartitionOffset> positions;
    std::vector<storage::DeadLetter> pendingDeadLetters;
    std::map<std::string, std::uint64_t, std::less<>> deadLetterCounts;
    bool deadLettersDirty = false;
    std::atomic<bool> checkpointRequested{false};

    // Source ↔ coordinator hand-off (handoffMutex).
    std::mutex handoffMutex;
    std::condition_variable handoffChanged;
    std::deque<SourceSnapshot> sourceSnapshots;
    std::uint64_t finishedCheckpoint = 0;  //!< last checkpoint id the coordinator finished (committed or failed)
    std::string finishedCheckpointError;
    std::uint64_t finishedSync = 0;

    // Metrics (atomics written by one thread each; statsMutex guards the rest).
    std::atomic<std::uint64_t> eventsIn{0};
    std::atomic<std::uint64_t> lateEvents{0};
    std::atomic<std::uint64_t> deadLetterTotal{0};
    std::atomic<std::uint64_t> recordsOut{0};
    std::atomic<std::int64_t> backpressureNs{0};
    std::atomic<TimeMs> watermarkMs{kNoWatermark};
    std::atomic<TimeMs> processingMsShared{kNoWatermark};  //!< processingMs for metrics()
    std::atomic<std::uint64_t> clockStepsBack{0};
    std::atomic<std::uint64_t> clockStepsForward{0};
    std::atomic<TimeMs> processedWatermarkMs{kNoWatermark};
    std::atomic<TimeMs> maxEventTimeMs{kNoWatermark};
    std::atomic<int> partitionCount{0};
    std::atomic<int> idlePartitionCount{0};
    LatencyHistogram latency;
    mutable std::mutex statsMutex;
    std::vector<std::vector<OperatorMetrics>> workerStats;
    std::vector<OperatorMetrics> globalStats;
    CheckpointMetrics checkpointStats;
    std::vector<DeadLetterCount> deadLetterSnapshot;
    std::string failure;
    std::atomic<bool> failed{false};

    // events/s and recent backpressure between metrics() calls (rateMutex).
    mutable std::mutex rateMutex;
    mutable std::int64_t rateSampleNs = 0;
    mutable std::uint64_t rateSampleEvents = 0;
    mutable std::int64_t rateSampleBackpressureNs = 0;
    mutable double rate = 0.0;
    mutable double backpressureRecent = 0.0;
};

}  // namespace cityops::engine::stream::runtime_detail
