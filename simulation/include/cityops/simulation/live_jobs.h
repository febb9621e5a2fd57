#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/expected.h"
#include "cityops/engine/latest_values.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/stream_metrics.h"
#include "cityops/engine/window_aggregate.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! How the console runs the design's jobs.
struct LiveJobsOptions {
    //! Empty: no checkpoints (results live in memory only). Else <dataDir>/cityops.db holds the
    //! sensors, the jobs' rows (alerts, aggregates, enriched readings) and their checkpoints, as in
    //! runJobsHeadless, and a console started again on it resumes from the last checkpoint.
    std::filesystem::path dataDir;
    int workers = 0;                             //!< engine worker threads; 0 = number of cores
    std::int64_t checkpointIntervalMs = 30'000;  //!< processing time between checkpoints (with dataDir)
};

//! The design's four city jobs (engine/stream/city_jobs.h) fed by a live source, with the results
//! the console shows: QueueSinks of alerts and 5-minute aggregates, the latest value of every sensor
//! and the readings of one watched sensor, and the runtime's metrics.
//!
//! Thread-safety: push/tick/checkpoint/finish are source-side and must be called from one thread at
//! a time (the LiveRunner thread while it runs). The drain functions, watchSensor, latest() and
//! metrics() may be called from one other thread (the UI frame timer); each takes at most one lock
//! per call, never one per event, and a push takes one lock per batch.
class LiveJobs {
public:
    static constexpr std::uint32_t kNoSensor = 0xffffffffu;
    //! Source positions are recorded under this topic: offset = simulated time pushed so far (ms).
    static constexpr const char* kSourceTopic = "simulator";

    //! Builds and starts the jobs (restoring the checkpoint of `scenario` in options.dataDir when
    //! there is one). Errors: unwritable directory, unreadable store or checkpoint.
    static engine::Expected<std::unique_ptr<LiveJobs>, std::string> start(const City& city, const Scenario& scenario,
                                                                          const LiveJobsOptions& options);
    ~LiveJobs();
    LiveJobs(const LiveJobs&) = delete;
    LiveJobs& operator=(const LiveJobs&) = delete;

    // ── Source side ──────────────────────────────────────────────────────────────────────────────
    //! Hands the readings produced up to simulated time simTimeMs to the jobs (blocks while the
    //! workers are behind: backpressure), updates the latest values and the watched sensor's readings.
    void push(std::span<const engine::Reading> readings, std::int64_t simTimeMs);
    //! No readings now (paused): lets checkpoints and idle partitions progress.
    void tick();
    //! Waits until everything pushed so far has been processed and handed to the result queues.
    void sync();
    //! End of input: every open window fires (then, with a data directory, a final checkpoint).
    //! Pushing afterwards throws.
    void finish();
    //! Takes a checkpoint now and waits for its commit; an error without a data directory.
    engine::Expected<std::uint64_t, std::string> checkpoint();
    //! Simulated time the restored checkpoint covers: the source continues from there.
    std::optional<std::int64_t> resumeTimeMs() const { return m_resumeTimeMs; }

    // ── Reader side ──────────────────────────────────────────────────────────────────────────────
    //! Alerts of every rule (CO2, emergency confirmed, energy anomaly), appended to out.
    void drainAlerts(std::vector<engine::Alert>& out);
    //! The 5-minute per-sensor aggregates of the Real-time Aggregation job, appended to out.
    void drainAggregates(std::vector<engine::WindowAggregate>& out);
    //! The per-district (and city-wide) aggregates of the same job, appended to out.
    void drainDistrictAggregates(std::vector<engine::stream::DistrictAggregate>& out);
    //! Readings of one sensor for the live chart; kNoSensor stops watching.
    void watchSensor(std::uint32_t sensorId);
    void drainWatched(std::vector<engine::Reading>& out);
    //! The primary metric's latest value per sensor (published once per pushed batch).
    const engine::LatestValues& latest() const { return m_latest; }
    engine::stream::JobMetrics metrics() const;

    double co2ThresholdPpm() const { return m_co2ThresholdPpm; }
    //! True with a data directory: checkpoints are taken and results stored.
    bool durable() const { return !m_dataDir.empty(); }
    const std::filesystem::path& dataDir() const { return m_dataDir; }

private:
    LiveJobs(const City& city, std::filesystem::path dataDir);

    struct Impl;
    std::unique_ptr<Impl> m_impl;
    engine::LatestValues m_latest;
    std::filesystem::path m_dataDir;
    std::optional<std::int64_t> m_resumeTimeMs;
    double m_co2ThresholdPpm = 800.0;
};

}  // namespace cityops::simulation
