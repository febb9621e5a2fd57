#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "cityops/engine/expected.h"
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

    // ── Run control for training runs (the console's Simulation panel) ─────────────────────────────
    // step() and jumpTo() are carried out by the runner thread at its next tick (≤ 50 ms; nothing
    // happens until start()), so the engine is still fed from one thread; simTimeMs() then shows the
    // result. See Simulator for what a jump does to the stream: a backward jump replays from the
    // scenario start, and the jobs see the replayed span as late readings.

    //! Queues one single step of stepMs simulated time (works while paused); steps add up.
    void step(std::int64_t stepMs);
    //! Queues a jump to simulated time timeMs (forward or backward); a later jump replaces an earlier
    //! one not yet carried out.
    void jumpTo(std::int64_t timeMs);
    //! Adds an incident now (Simulator::inject: its startOffsetMs counts from the current simulated
    //! time). Returns its index in scenario().incidents or what is wrong with it.
    engine::Expected<std::size_t, std::string> inject(Incident incident);
    //! A copy of the scenario as run, with the injected incidents (what scoring needs).
    Scenario scenario() const;
    //! Steps and jumps queued and not yet carried out.
    bool controlPending() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::simulation
