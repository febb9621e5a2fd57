#pragma once

// What a running stream job reports to the metrics view and the headless summary. A JobMetrics is a
// copy taken without stopping the job: counters of different threads are each recent, not one instant.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cityops/engine/stream/latency_histogram.h"
#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! One operator of the job graph, its counters summed over the workers that run it.
struct OperatorMetrics {
    int nodeId = 0;       //!< position in the job graph (creation order)
    bool global = false;  //!< runs on the coordinator (parallelism 1)
    std::string name;
    OperatorCounters counters;
    std::size_t stateBytes = 0;
};

//! Checkpoint history of the job.
struct CheckpointMetrics {
    std::uint64_t completed = 0;  //!< committed by this run
    std::uint64_t failed = 0;     //!< commits that failed (their rows go with the next checkpoint)
    std::uint64_t lastId = 0;     //!< the last committed (or restored) checkpoint id
    double lastDurationMs = 0.0;  //!< barrier injection → commit returned
    std::size_t lastSizeBytes = 0;  //!< bytes of the operator-state blob
    std::size_t lastRows = 0;       //!< sink rows committed with it
    TimeMs lastCompletedMs = kNoWatermark;  //!< processing time of the last commit
    TimeMs ageMs = -1;                      //!< now − lastCompletedMs (−1 before the first)
    std::string lastError;
};

//! Records the source rejected, per reason.
struct DeadLetterCount {
    std::string reason;
    std::uint64_t count = 0;
};

//! A snapshot of a running job's metrics (JobRuntime::metrics()).
struct JobMetrics {
    std::string jobId;
    int workers = 0;
    std::uint64_t eventsIn = 0;      //!< records accepted by the source
    std::uint64_t recordsOut = 0;    //!< records handed to sinks
    double eventsPerSecond = 0.0;    //!< source rate over the last ~second between metrics() calls
    std::uint64_t lateEvents = 0;    //!< records whose event time was ≤ the watermark when they arrived
    std::uint64_t deadLetters = 0;   //!< records the source decoder rejected
    std::vector<DeadLetterCount> deadLettersByReason;

    TimeMs watermarkMs = kNoWatermark;           //!< merged source watermark
    TimeMs processedWatermarkMs = kNoWatermark;  //!< the watermark every worker has processed
    TimeMs maxEventTimeMs = kNoWatermark;
    TimeMs eventTimeLagMs = 0;       //!< max event time − watermark
    TimeMs processingTimeLagMs = 0;  //!< processing time − watermark (how far behind wall time)
    int sourcePartitions = 0;
    int idlePartitions = 0;
    std::uint64_t clockStepsBack = 0;     //!< wall clock stepped back > 1 s: processing time rode it out
    std::uint64_t clockStepsForward = 0;  //!< wall clock jumped > 60 s ahead of elapsed time: timers due fired

    std::vector<OperatorMetrics> operators;
    std::size_t stateBytes = 0;  //!< sum of the operators' stateBytes()

    LatencySummary latency;          //!< ingest (source batch) → emit (sink batch)
    double backpressureRatio = 0.0;  //!< time the source waited on full queues / wall time, since start
    double backpressureRecent = 0.0;  //!< the same over the last ~second between metrics() calls
    std::size_t queuedBatches = 0;    //!< batches waiting in worker queues now
    std::size_t inputBuffersAllocated = 0;   //!< batch buffers ever created (bounded: they are recycled)
    std::size_t outputBuffersAllocated = 0;

    CheckpointMetrics checkpoints;
    std::string failure;  //!< set when an operator or sink threw: the job stops processing
};

}  // namespace cityops::engine::stream
