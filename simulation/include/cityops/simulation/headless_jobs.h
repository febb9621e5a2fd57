#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cityops/engine/expected.h"
#include "cityops/engine/stream/stream_metrics.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! A durable headless run of the design's four jobs (engine/include/cityops/engine/stream/city_jobs.h)
//! in a data directory:
//!   <dataDir>/log/         the embedded event log: the scenario's readings as JSON, one topic per
//!                          design topic (noise readings travel with air-quality)
//!   <dataDir>/archive/     the raw archive of the same records (gzip JSON Lines per topic and hour)
//!   <dataDir>/log/COMPLETE written once the whole scenario is in the log and the archive
//!   <dataDir>/cityops.db   sensors, alerts, 5-minute aggregates, enriched readings, dead letters and
//!                          the jobs' checkpoints (SQLite)
//! Producing is deterministic and done once (an incomplete log is produced again from scratch);
//! consuming resumes from the jobs' latest checkpoint, so a run killed at any moment and started
//! again ends with the same tables as an uninterrupted run: exactly once.
struct JobsRunOptions {
    std::filesystem::path dataDir;
    std::int64_t durationMs = 600'000;          //!< simulated time to produce
    int workers = 0;                            //!< engine worker threads; 0 = number of cores
    std::int64_t checkpointIntervalMs = 30'000;  //!< processing time between checkpoints
};

struct JobsRunSummary {
    std::string scenario;
    std::uint64_t produced = 0;       //!< readings this run wrote to the log (0: the log was complete)
    std::uint64_t consumed = 0;       //!< log records this run read
    std::uint64_t restoredFrom = 0;   //!< checkpoint id the run resumed from; 0 = from the start
    double restartToFirstBatchMs = -1.0;  //!< start of consuming → first batch handed to the workers
    // What the store holds at the end (all runs on this data directory together).
    std::uint64_t storedAlerts = 0;
    std::uint64_t storedCo2Alerts = 0;
    std::uint64_t storedEmergencyAlerts = 0;
    std::uint64_t storedEnergyAlerts = 0;
    std::uint64_t storedReadings = 0;
    std::uint64_t archiveFiles = 0;     //!< raw archive (<dataDir>/archive), verified by CRC at the end
    std::uint64_t archivedRecords = 0;
    std::uint64_t archiveProblems = 0;  //!< corrupt, missing or unindexed files found by the check
    // This run's outputs.
    std::uint64_t sensorAggregates = 0;
    std::uint64_t districtAggregates = 0;
    std::uint64_t duplicates = 0;
    double wallSeconds = 0.0;
    double eventsPerSecond = 0.0;  //!< consumed / wall seconds of consuming
    engine::stream::JobMetrics metrics;
    bool cancelled = false;
};

//! Produces the scenario into the log when needed, then runs the jobs until the log is consumed
//! (or cancel is set). Errors (unwritable directory, a store from a newer version, ...) come back
//! as a message; nothing is overwritten that could not be read.
engine::Expected<JobsRunSummary, std::string> runJobsHeadless(const City& city, const Scenario& scenario,
                                                              const JobsRunOptions& options,
                                                              const std::atomic<bool>* cancel = nullptr);

//! "key: value" lines like formatSummary(), for scripts.
std::string formatJobsSummary(const JobsRunSummary& summary);

}  // namespace cityops::simulation
