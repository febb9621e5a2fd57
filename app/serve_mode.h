#pragma once

#include <atomic>
#include <memory>

#include "cli_options.h"

namespace cityops::simulation {
struct Scenario;
class LiveJobs;
}  // namespace cityops::simulation
namespace cityops::widgets {
class MainWindow;
}

namespace cityops::app {

//! `cityops --headless --serve`: runs the design's jobs live (LiveJobs + LiveRunner at --speed) into
//! <data-dir>/cityops.db and serves the REST/WebSocket API and /metrics over them until SIGINT or
//! SIGTERM (the simulation stops after --duration when given; serving goes on). Alert actions go
//! through the store's lifecycle and the audit log of the data directory.
int runHeadlessServe(const CliOptions& options, const simulation::Scenario& scenario, const std::atomic<bool>& cancel);

//! `cityops --serve` with the console: serves the running window's store, live values and metrics;
//! alerts reach the stream as the alert queue receives them, alert actions go through the console's
//! AlertWorkflow on the UI thread, and the frame probe's figures feed /metrics. Returns an owner to
//! keep alive while the window runs, or null after printing why serving could not start.
std::shared_ptr<void> startConsoleServe(const CliOptions& options, simulation::LiveJobs& jobs,
                                        widgets::MainWindow& window);

}  // namespace cityops::app
