#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "cityops/engine/stream_pipeline.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! Drives a Simulator into the engine on its own thread, paced against the wall clock at a chosen
//! speed (simulated seconds per real second). The console uses it with LiveJobs (the design's jobs
//! on the general stream runtime); the first-slice StreamPipeline is still accepted.
//!
//! Thread-safety: start/stop/setSpeed/setPaused and the getters may be called from any thread.
//! While running, the runner's thread is the engine's source thread (it calls push()); after
//! stop() returns, the caller may call the engine's source-side functions (checkpoint, finish) itself.
class LiveRunner {
public:
    //! Feeds the city jobs. When they resumed from a checkpoint, the simulator first runs (without
    //! pushing) to the checkpoint's simulated time, so nothing is counted twice.
    LiveRunner(const City& city, const Scenario& scenario, LiveJobs& jobs);
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
    //! True once the runner thread has caught up with a restored checkpoint (at once without one).
    bool resumed() const;
    //! Readings handed to the engine so far.
    std::uint64_t eventsProduced() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::simulation
