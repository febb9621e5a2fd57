#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "cityops/engine/stream_pipeline.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! Drives a Simulator into a StreamPipeline on its own thread, paced against the wall clock at a
//! chosen speed (simulated seconds per real second). The console uses it for the live view.
//!
//! Thread-safety: start/stop/setSpeed/setPaused and the getters may be called from any thread.
//! While running, the runner's thread is the pipeline's source thread (it calls push()); after
//! stop() returns, the caller may call the pipeline's sync()/finish() itself.
class LiveRunner {
public:
    LiveRunner(const City& city, const Scenario& scenario, engine::StreamPipeline& pipeline);
    ~LiveRunner();  //!< stops and joins
    LiveRunner(const LiveRunner&) = delete;
    LiveRunner& operator=(const LiveRunner&) = delete;

    void start();
    void stop();
    void setSpeed(double speed);
    double speed() const;
    void setPaused(bool paused);
    bool paused() const;
    //! Current simulated time, ms since epoch.
    std::int64_t simTimeMs() const;
    //! Readings handed to the engine so far.
    std::uint64_t eventsProduced() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::simulation
