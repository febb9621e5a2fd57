#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "cityops/engine/stream_pipeline.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/receipt_run.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! How a headless run drives the simulator into the engine.
struct RunOptions {
    std::int64_t durationMs = 600'000;  //!< simulated time to run
    double speed = 0.0;                 //!< simulated seconds per real second; 0 = as fast as possible
    int workers = 0;                    //!< engine worker threads; 0 = number of cores
    std::int64_t stepMs = 1'000;        //!< simulated time handed to the engine per batch
};

//! What a headless run prints: events, alerts by rule, throughput, and for scenarios with
//! retail_rush incidents the receipts stream's results.
struct RunSummary {
    std::string scenario;
    std::uint64_t events = 0;
    std::uint64_t alerts = 0;      //!< alerts of every rule
    std::uint64_t co2Alerts = 0;   //!< alerts of rule Co2High
    std::uint64_t aggregates = 0;  //!< window results fired
    std::uint64_t lateEvents = 0;
    std::int64_t simulatedMs = 0;
    double wallSeconds = 0.0;
    double eventsPerSecond = 0.0;
    bool cancelled = false;
    //! Set when the scenario has retail_rush incidents: the receipts stream over the same duration.
    std::optional<ReceiptsRunSummary> receipts;
};

//! Runs simulator → engine for options.durationMs of simulated time without a window.
//! cancel, when given, stops the run early (Ctrl+C in the CLI).
RunSummary runHeadless(const City& city, const Scenario& scenario, const RunOptions& options,
                       const std::atomic<bool>* cancel = nullptr);

//! Human-readable multi-line summary, stable enough for scripts to grep ("co2_alerts: N").
std::string formatSummary(const RunSummary& summary);

}  // namespace cityops::simulation
