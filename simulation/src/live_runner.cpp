#include "cityops/simulation/live_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "cityops/simulation/simulator.h"

namespace cityops::simulation {
namespace {

constexpr std::chrono::milliseconds kTick{50};
constexpr double kMaxSpeed = 1'000'000.0;

}  // namespace

struct LiveRunner::Impl {
    //! Where the readings of one tick go (called on the runner thread), with the simulated time reached.
    using Push = std::function<void(std::span<const engine::Reading>, std::int64_t simTimeMs)>;

    Impl(const City& city, const Scenario& scenario, Push target, std::int64_t resumeAt)
        : simulator(city, scenario), push(std::move(target)), resumeTimeMs(resumeAt), simTime(scenario.startTimeMs) {}

    //! Catches up with a restored checkpoint: the readings before it were already processed.
    void resume(std::vector<engine::Reading>& batch) {
        constexpr std::int64_t kStepMs = 60'000;
        while (simulator.now() < resumeTimeMs) {
            {
                std::lock_guard lock(mutex);
                if (stopRequested) return;
            }
            batch.clear();
            std::lock_guard sim(simMutex);
            simulator.advanceTo(std::min(resumeTimeMs, simulator.now() + kStepMs), batch);
            simTime.store(simulator.now(), std::memory_order_release);
        }
        resumed.store(true, std::memory_order_release);
    }

    //! Carries out queued steps and jumps (runner thread).
    void applyControl(std::vector<engine::Reading>& batch) {
        std::int64_t stepMs = 0;
        std::optional<std::int64_t> jump;
        {
            std::lock_guard lock(mutex);
            stepMs = std::exchange(pendingStepMs, 0);
            jump = std::exchange(pendingJump, std::nullopt);
            pendingControl.store(false, std::memory_order_release);
        }
        if (jump) {
            std::lock_guard sim(simMutex);
            simulator.jumpTo(*jump);
            simTime.store(simulator.now(), std::memory_order_release);
        }
        if (stepMs > 0) {
            batch.clear();
            {
                std::lock_guard sim(simMutex);
                simulator.step(stepMs, batch);
            }
            push(batch, simulator.now());
            events.fetch_add(batch.size(), std::memory_order_release);
            simTime.store(simulator.now(), std::memory_order_release);
        }
    }

    //! The runner thread: one batch per tick; the simulator is advanced only here (inject() and
    //! scenario() read or extend it under simMutex from other threads).
    void run() {
        using Clock = std::chrono::steady_clock;
        std::vector<engine::Reading> batch;
        resume(batch);
        double carryMs = 0.0;
        Clock::time_point nextTick = Clock::now() + kTick;
        std::unique_lock lock(mutex);
        while (!stopRequested) {
            lock.unlock();
            if (pendingControl.load(std::memory_order_acquire)) {
                applyControl(batch);
            }
            if (!paused.load(std::memory_order_acquire)) {
                carryMs += static_cast<double>(kTick.count()) * speed.load(std::memory_order_acquire);
                const auto advanceMs = static_cast<std::int64_t>(carryMs);
                carryMs -= static_cast<double>(advanceMs);
                if (advanceMs > 0) {
                    batch.clear();
                    {
                        std::lock_guard sim(simMutex);
                        simulator.advanceTo(simulator.now() + advanceMs, batch);
                    }
                    push(batch, simulator.now());
                    events.fetch_add(batch.size(), std::memory_order_release);
                    simTime.store(simulator.now(), std::memory_order_release);
                }
            } else {
                push({}, simulator.now());  // paused: checkpoints and idleness still progress
            }
            lock.lock();
            wake.wait_until(lock, nextTick, [this] { return stopRequested; });
            nextTick = std::max(nextTick + kTick, Clock::now());
        }
    }

    Simulator simulator;
    Push push;
    std::int64_t resumeTimeMs;
    std::atomic<bool> resumed{false};
    std::thread thread;
    std::mutex lifecycle;  //!< serialises start() and stop(), so a stop's join never races a start
    std::mutex mutex;      //!< guards stopRequested and the thread handle
    std::condition_variable wake;
    bool stopRequested = false;
    std::int64_t pendingStepMs = 0;             //!< guarded by mutex
    std::optional<std::int64_t> pendingJump;    //!< guarded by mutex
    std::atomic<bool> pendingControl{false};
    mutable std::mutex simMutex;  //!< guards the simulator against inject()/scenario() from other threads
    std::atomic<double> speed{1.0};
    std::atomic<bool> paused{false};
    std::atomic<std::int64_t> simTime;
    std::atomic<std::uint64_t> events{0};
};

LiveRunner::LiveRunner(const City& city, const Scenario& scenario, LiveJobs& jobs)
    : m_impl(std::make_unique<Impl>(
          city, scenario,
          [&jobs](std::span<const engine::Reading> batch, std::int64_t simTimeMs) { jobs.push(batch, simTimeMs); },
          jobs.resumeTimeMs().value_or(scenario.startTimeMs))) {}

LiveRunner::LiveRunner(const City& city, const Scenario& scenario, engine::StreamPipeline& pipeline)
    : m_impl(std::make_unique<Impl>(
          city, scenario,
          [&pipeline](std::span<const engine::Reading> batch, std::int64_t) {
              if (!batch.empty()) {
                  pipeline.push(batch);
              }
          },
          scenario.startTimeMs)) {}

LiveRunner::~LiveRunner() { stop(); }

void LiveRunner::start() {
    std::lock_guard lifecycle(m_impl->lifecycle);
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->thread.joinable()) {
        return;
    }
    m_impl->stopRequested = false;
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->run(); });
}

void LiveRunner::stop() {
    std::lock_guard lifecycle(m_impl->lifecycle);
    std::thread thread;
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->stopRequested = true;
        thread = std::move(m_impl->thread);
    }
    m_impl->wake.notify_all();
    if (thread.joinable()) {
        thread.join();
    }
}

void LiveRunner::setSpeed(double speed) {
    const double clamped = speed > 0.0 ? std::min(speed, kMaxSpeed) : 0.0;  // also maps NaN to 0
    m_impl->speed.store(clamped, std::memory_order_release);
}

double LiveRunner::speed() const { return m_impl->speed.load(std::memory_order_acquire); }

void LiveRunner::setPaused(bool paused) { m_impl->paused.store(paused, std::memory_order_release); }

bool LiveRunner::paused() const { return m_impl->paused.load(std::memory_order_acquire); }

std::int64_t LiveRunner::simTimeMs() const { return m_impl->simTime.load(std::memory_order_acquire); }

bool LiveRunner::resumed() const { return m_impl->resumed.load(std::memory_order_acquire); }

std::uint64_t LiveRunner::eventsProduced() const { return m_impl->events.load(std::memory_order_acquire); }

void LiveRunner::step(std::int64_t stepMs) {
    if (stepMs <= 0) {
        return;
    }
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->pendingStepMs += stepMs;
        m_impl->pendingControl.store(true, std::memory_order_release);
    }
}

void LiveRunner::jumpTo(std::int64_t timeMs) {
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->pendingJump = timeMs;
        m_impl->pendingControl.store(true, std::memory_order_release);
    }
}

engine::Expected<std::size_t, std::string> LiveRunner::inject(Incident incident) {
    std::lock_guard sim(m_impl->simMutex);
    return m_impl->simulator.inject(std::move(incident));
}

Scenario LiveRunner::scenario() const {
    std::lock_guard sim(m_impl->simMutex);
    return m_impl->simulator.scenario();
}

bool LiveRunner::controlPending() const { return m_impl->pendingControl.load(std::memory_order_acquire); }

}  // namespace cityops::simulation
