#pragma once

#include <cstdint>

#include "cityops/engine/stream_pipeline.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"

namespace cityops::testing {

//! What app/main.cpp wires together for a scenario: city, a 2-worker pipeline and the live runner.
struct Console {
    explicit Console(const simulation::Scenario& s)
        : scenario(s),
          city(simulation::generateDemoCity(s.seed, s.sensorCount)),
          pipeline(makeConfig(city)),
          runner(city, scenario, pipeline) {}

    static engine::PipelineConfig makeConfig(const simulation::City& city) {
        engine::PipelineConfig config;
        config.workers = 2;
        config.sensorCount = static_cast<std::uint32_t>(city.sensors.size());
        return config;
    }

    simulation::Scenario scenario;
    simulation::City city;
    engine::StreamPipeline pipeline;
    simulation::LiveRunner runner;
};

}  // namespace cityops::testing
