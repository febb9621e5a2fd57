#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

#include "batch_queue.h"
#include "cityops/engine/alert.h"
#include "cityops/engine/latest_values.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream_pipeline.h"
#include "cityops/engine/window_aggregate.h"
#include "co2_rule.h"
#include "tumbling_windows.h"

namespace cityops::engine::detail {

//! Results shared by all workers and drained by the UI thread. `mutex` guards the three vectors;
//! a worker takes it once per batch, a drain once per call.
struct SharedOutputs {
    //! Readings of the watched sensor kept for the live chart; older ones are dropped beyond this.
    static constexpr std::size_t kMaxWatched = 100'000;

    std::mutex mutex;
    std::vector<Alert> alerts;
    std::vector<WindowAggregate> aggregates;
    std::vector<Reading> watched;
    std::atomic<std::uint32_t> watchedSensor{StreamPipeline::kNoSensor};
};

//! Per-worker counters, written once per batch by the worker and read by metrics() at any time.
struct alignas(64) WorkerCounters {
    std::atomic<std::uint64_t> processed{0};
    std::atomic<std::uint64_t> late{0};
    std::atomic<std::uint64_t> lateRule{0};
    std::atomic<std::uint64_t> alerts{0};
    std::atomic<std::uint64_t> aggregates{0};
    std::atomic<std::int64_t> watermarkMs{std::numeric_limits<std::int64_t>::min()};
};

//! One keyed partition: owns the windows and rule state of its sensors and runs on its own thread.
//! Only that thread touches the state; everything shared goes through BatchQueue, SharedOutputs,
//! WorkerCounters and LatestValues.
class PipelineWorker {
public:
    PipelineWorker(const PipelineConfig& config, LatestValues& latest, SharedOutputs& outputs);

    BatchQueue& queue() { return m_queue; }
    const WorkerCounters& counters() const { return m_counters; }
    //! Thread body: processes batches until a stop batch arrives.
    void run();

private:
    void process(const Batch& batch);
    void publish();

    LatestValues& m_latest;
    SharedOutputs& m_outputs;
    BatchQueue m_queue;
    WorkerCounters m_counters;
    TumblingWindows m_windows;
    Co2Rule m_co2;
    std::array<Metric, kSensorKindCount> m_primary{};
    std::vector<Alert> m_alerts;
    std::vector<WindowAggregate> m_aggregates;
    std::vector<Reading> m_watched;
};

}  // namespace cityops::engine::detail
