#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/latest_values.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine {

//! Settings of the first-slice pipeline: the design's Alert Detection and Real-time Aggregation jobs.
struct PipelineConfig {
    int workers = 0;                            //!< worker threads; 0 = number of cores
    std::int64_t maxOutOfOrdernessMs = 10'000;  //!< bounded out-of-orderness of the watermark
    std::int64_t windowSizeMs = 300'000;        //!< tumbling window (5 minutes)
    double co2ThresholdPpm = 800.0;             //!< CO2 rule: value strictly above this ...
    int co2Times = 3;                           //!< ... at least this many times ...
    std::int64_t co2WithinMs = 300'000;         //!< ... with last − first strictly below this (event time)
    std::size_t queueCapacity = 256;            //!< batches per worker queue before push() blocks
    std::uint32_t sensorCount = 0;              //!< size of the latest-value table (sensor ids below it)
};

//! Counters for the status bar and the headless summary. Read without stopping the pipeline.
//! After sync(): eventsIn == eventsProcessed + invalidEvents.
struct PipelineMetrics {
    //! Watermark before any valid event, and max event time before any valid event.
    static constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();
    //! Watermark after finish(): the end of time.
    static constexpr std::int64_t kEndOfTime = std::numeric_limits<std::int64_t>::max();

    std::uint64_t eventsIn = 0;
    std::uint64_t eventsProcessed = 0;
    std::uint64_t lateEvents = 0;  //!< their window had already fired when they arrived: counted, not aggregated
    std::uint64_t alerts = 0;
    std::uint64_t aggregates = 0;
    std::int64_t watermarkMs = kNoTime;     //!< the smallest watermark over all workers
    std::int64_t maxEventTimeMs = kNoTime;  //!< the largest valid event time seen by the source
    //! Dropped at the source: NaN/Inf value, sensorId >= sensorCount (when set), kind or metric out of
    //! range, or event time beyond ±2^62 ms.
    std::uint64_t invalidEvents = 0;
    //! CO2 readings older than the watermark whose window was still open: aggregated, but too late for
    //! the in-order CO2 rule, which has already evaluated past them.
    std::uint64_t lateRuleEvents = 0;
};

//! A keyed, multi-threaded event-time pipeline: source → keyBy(sensor) → 5-minute tumbling
//! average per sensor and metric, and the CO2 rule per sensor (one sensor = one location) → result queues.
//!
//! Event time: the watermark is the largest event time pushed minus maxOutOfOrdernessMs. A window
//! [start, end) fires once the watermark reaches end. The CO2 rule is Flink CEP's
//! begin(v > threshold).times(n).within(w) with relaxed contiguity and SKIP_PAST_LAST_EVENT:
//! n exceeding readings of one sensor whose last − first < w (strictly) raise one alert, and the
//! next match starts after its last reading. Readings are evaluated in (event time, seq, value)
//! order once the watermark passes them, so any arrival order within the out-of-orderness bound,
//! any batch size and any worker count give the same alerts and the same aggregates (a window's sum
//! is added in arrival order, so only its last bits can differ under reordering).
//!
//! Thread-safety: push(), finish() and sync() are called from one source thread. The drain
//! functions, latest() and metrics() may be called from any one other thread (the UI frame timer);
//! they take one lock per call, never per event.
class StreamPipeline {
public:
    explicit StreamPipeline(PipelineConfig config);
    ~StreamPipeline();
    StreamPipeline(const StreamPipeline&) = delete;
    StreamPipeline& operator=(const StreamPipeline&) = delete;

    //! Hands a batch to the workers, partitioned by sensor id. Blocks while a worker queue is full
    //! (backpressure). The watermark advances after each batch.
    void push(std::span<const Reading> batch);
    //! Waits until every batch pushed so far has been processed.
    void sync();
    //! End of input: the watermark moves to the end of time, every open window fires and every
    //! buffered CO2 reading is evaluated, then sync(). Readings pushed afterwards are late.
    void finish();

    //! Appends the alerts raised since the last call to out. Results accumulate until drained.
    void drainAlerts(std::vector<Alert>& out);
    //! Appends the window results fired since the last call to out.
    void drainAggregates(std::vector<WindowAggregate>& out);
    //! Readings of one sensor for the live chart; watchSensor(kNoSensor) stops watching.
    void watchSensor(std::uint32_t sensorId);
    void drainWatched(std::vector<Reading>& out);

    const LatestValues& latest() const;
    PipelineMetrics metrics() const;
    //! The configuration in use; workers is the resolved thread count (never 0).
    const PipelineConfig& config() const;

    static constexpr std::uint32_t kNoSensor = 0xffffffffu;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::engine
