#include "cityops/engine/archive/retention_job.h"

#include "cityops/engine/archive/archive_writer.h"
#include "cityops/engine/storage/storage.h"

namespace cityops::engine::archive {

RetentionJob::RetentionJob(storage::Storage* hot, ArchiveWriter* cold, RetentionJobOptions options)
    : m_hot(hot), m_cold(cold), m_options(std::move(options)) {}

RetentionJob::~RetentionJob() {
    stop();
}

void RetentionJob::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable()) {
        return;
    }
    m_stopping = false;
    m_thread = std::thread([this] { loop(); });
}

void RetentionJob::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void RetentionJob::loop() {
    for (;;) {
        const std::int64_t now =
            m_options.clock ? m_options.clock()
                            : std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
        runOnce(now);
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_for(lock, m_options.interval, [&] { return m_stopping; })) {
            return;
        }
    }
}

RetentionRunReport RetentionJob::runOnce(std::int64_t nowMs) {
    std::lock_guard run(m_runMutex);
    RetentionRunReport report;
    report.nowMs = nowMs;
    if (m_hot) {
        if (auto hot = m_hot->enforceRetention(m_options.policy, nowMs)) {
            report.hot = std::move(*hot);
        } else {
            report.error = "hot tier: " + hot.error().message;
        }
    }
    if (m_cold) {
        if (auto cold = m_cold->enforceRetention(m_options.policy, nowMs)) {
            report.cold = std::move(*cold);
        } else {
            report.error += (report.error.empty() ? "" : "; ") + std::string("cold tier: ") + cold.error().message;
        }
    }
    std::lock_guard lock(m_mutex);
    m_last = report;
    ++m_runs;
    return report;
}

RetentionRunReport RetentionJob::lastReport() const {
    std::lock_guard lock(m_mutex);
    return m_last;
}

std::uint64_t RetentionJob::runs() const {
    std::lock_guard lock(m_mutex);
    return m_runs;
}

}  // namespace cityops::engine::archive
