#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "cityops/simulation/city.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"

namespace cityops::testing {

//! What app/main.cpp wires together for a scenario: city, the design's jobs on 2 workers (durable
//! when dataDir is given, with a checkpoint every checkpointIntervalMs) and the live runner.
struct Console {
    explicit Console(const simulation::Scenario& s, const std::filesystem::path& dataDir = {},
                     std::int64_t checkpointIntervalMs = 30'000)
        : scenario(s),
          city(simulation::generateDemoCity(s.seed, s.sensorCount)),
          owned(startJobs(city, scenario, dataDir, checkpointIntervalMs)),
          jobs(*owned),
          runner(city, scenario, jobs) {}

    static std::unique_ptr<simulation::LiveJobs> startJobs(const simulation::City& city,
                                                           const simulation::Scenario& scenario,
                                                           const std::filesystem::path& dataDir,
                                                           std::int64_t checkpointIntervalMs) {
        simulation::LiveJobsOptions options;
        options.workers = 2;
        options.dataDir = dataDir;
        options.checkpointIntervalMs = checkpointIntervalMs;
        auto started = simulation::LiveJobs::start(city, scenario, options);
        if (!started) throw std::runtime_error(started.error());
        return std::move(*started);
    }

    simulation::Scenario scenario;
    simulation::City city;
    std::unique_ptr<simulation::LiveJobs> owned;
    simulation::LiveJobs& jobs;
    simulation::LiveRunner runner;
};

}  // namespace cityops::testing
