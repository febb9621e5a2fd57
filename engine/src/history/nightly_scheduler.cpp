// NightlyScheduler: a once-a-night job thread with an injectable clock.
#include "cityops/engine/history/nightly_scheduler.h"

#include <algorithm>

#include "cityops/engine/history/history_types.h"

namespace cityops::engine::history {

NightlyScheduler::NightlyScheduler(Options options, Job job) : m_options(std::move(options)), m_job(std::move(job)) {
    m_options.hourUtc = std::clamp(m_options.hourUtc, 0, 23);
    m_options.minuteUtc = std::clamp(m_options.minuteUtc, 0, 59);
    if (m_options.pollInterval <= std::chrono::milliseconds(0)) {
        m_options.pollInterval = std::chrono::milliseconds(1000);
    }
    m_next = nextRunAt(now(), m_options.hourUtc, m_options.minuteUtc);
}

NightlyScheduler::~NightlyScheduler() { stop(); }

std::int64_t NightlyScheduler::now() const {
    if (m_options.clock) {
        return m_options.clock();
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t NightlyScheduler::nextRunAt(std::int64_t nowMs, int hourUtc, int minuteUtc) {
    const std::int64_t today = dayFloor(nowMs) + hourUtc * kHourMs + minuteUtc * 60'000LL;
    return today >= nowMs ? today : today + kDayMs;
}

void NightlyScheduler::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable()) {
        return;
    }
    m_stop = false;
    m_thread = std::thread([this] { loop(); });
}

void NightlyScheduler::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id()) {
        m_thread.join();
    }
}

void NightlyScheduler::runNow() {
    {
        std::lock_guard lock(m_mutex);
        m_runNow = true;
    }
    m_wake.notify_all();
}

std::int64_t NightlyScheduler::nextRunMs() const {
    std::lock_guard lock(m_mutex);
    return m_next;
}

std::uint64_t NightlyScheduler::runs() const {
    std::lock_guard lock(m_mutex);
    return m_runs;
}

void NightlyScheduler::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        const std::int64_t t = now();
        const bool due = t >= m_next;
        if (due || m_runNow) {
            const std::int64_t scheduled = due ? m_next : t;
            m_runNow = false;
            if (due) {
                // Missed nights are not replayed: the next run is the first one after now.
                m_next = nextRunAt(std::max(t, m_next + 1), m_options.hourUtc, m_options.minuteUtc);
            }
            lock.unlock();
            m_job(scheduled);
            lock.lock();
            ++m_runs;
            continue;
        }
        const auto wait = std::min<std::int64_t>(m_next - t, m_options.pollInterval.count());
        m_wake.wait_for(lock, std::chrono::milliseconds(wait), [this] { return m_stop || m_runNow; });
    }
}

}  // namespace cityops::engine::history
