#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace cityops::engine::history {

//! Runs a job once a night at a fixed UTC time on its own thread (std::thread + condition variable).
//! The clock is injectable so the schedule is testable: the thread re-reads it at least every
//! pollInterval, so a test clock that jumps is noticed that quickly.
//! Missed nights (the process was down, the clock jumped days) are not replayed: one catch-up run,
//! then the next night. Thread-safety: every function may be called from any thread; the job runs on
//! the scheduler's thread, one run at a time.
class NightlyScheduler {
public:
    using Clock = std::function<std::int64_t()>;  //!< ms since the epoch (UTC)
    using Job = std::function<void(std::int64_t scheduledMs)>;

    struct Options {
        int hourUtc = 2;
        int minuteUtc = 0;
        std::chrono::milliseconds pollInterval{1000};
        Clock clock;  //!< system clock when empty
    };

    NightlyScheduler(Options options, Job job);
    //! stop().
    ~NightlyScheduler();
    NightlyScheduler(const NightlyScheduler&) = delete;
    NightlyScheduler& operator=(const NightlyScheduler&) = delete;

    void start();
    //! Wakes the thread and joins it; a running job finishes first.
    void stop();
    //! Runs the job as soon as possible (on demand), besides the schedule.
    void runNow();
    //! The scheduled time of the next nightly run.
    std::int64_t nextRunMs() const;
    //! Jobs completed so far.
    std::uint64_t runs() const;

    //! The first time >= nowMs at hourUtc:minuteUtc (UTC).
    static std::int64_t nextRunAt(std::int64_t nowMs, int hourUtc, int minuteUtc);

private:
    void loop();
    std::int64_t now() const;

    Options m_options;
    Job m_job;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_thread;
    std::int64_t m_next = 0;
    std::uint64_t m_runs = 0;
    bool m_stop = false;
    bool m_runNow = false;
};

}  // namespace cityops::engine::history
