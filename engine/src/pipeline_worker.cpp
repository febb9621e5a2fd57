#include "pipeline_worker.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace cityops::engine::detail {

PipelineWorker::PipelineWorker(const PipelineConfig& config, LatestValues& latest, SharedOutputs& outputs)
    : m_latest(latest),
      m_outputs(outputs),
      m_queue(config.queueCapacity),
      m_windows(config.windowSizeMs),
      m_co2(config.co2ThresholdPpm, config.co2Times, config.co2WithinMs) {
    for (int kind = 0; kind < kSensorKindCount; ++kind) {
        m_primary[static_cast<std::size_t>(kind)] = primaryMetric(static_cast<SensorKind>(kind));
    }
}

void PipelineWorker::run() {
    for (;;) {
        Batch batch = m_queue.pop();
        if (batch.stop) {
            m_queue.complete(std::move(batch.readings));
            return;
        }
        process(batch);
        m_queue.complete(std::move(batch.readings));
    }
}

void PipelineWorker::process(const Batch& batch) {
    const std::uint32_t watchedSensor = m_outputs.watchedSensor.load(std::memory_order_relaxed);
    const bool storeLatest = m_latest.size() > 0;
    std::uint64_t late = 0;
    std::uint64_t lateRule = 0;
    bool latestChanged = false;

    for (const Reading& reading : batch.readings) {
        if (reading.sensorId == watchedSensor) {
            m_watched.push_back(reading);
        }
        if (storeLatest && reading.metric == m_primary[static_cast<std::size_t>(reading.kind)] &&
            reading.eventTimeMs >= m_latest.eventTimeMs(reading.sensorId)) {
            m_latest.store(reading.sensorId, reading.value, reading.eventTimeMs);
            latestChanged = true;
        }
        if (m_windows.isLate(reading.eventTimeMs)) {
            ++late;
            continue;
        }
        m_windows.add(reading);
        if (reading.metric == Metric::Co2) {
            if (m_co2.accepts(reading.eventTimeMs)) {
                m_co2.add(reading);
            } else {
                ++lateRule;
            }
        }
    }

    m_windows.advance(batch.watermarkMs, m_aggregates);
    m_co2.advance(batch.watermarkMs, m_alerts);
    if (latestChanged) {
        m_latest.publish();
    }

    m_counters.processed.fetch_add(batch.readings.size(), std::memory_order_relaxed);
    if (late > 0) {
        m_counters.late.fetch_add(late, std::memory_order_relaxed);
    }
    if (lateRule > 0) {
        m_counters.lateRule.fetch_add(lateRule, std::memory_order_relaxed);
    }
    publish();
    std::int64_t watermark = m_counters.watermarkMs.load(std::memory_order_relaxed);
    if (batch.watermarkMs > watermark) {
        m_counters.watermarkMs.store(batch.watermarkMs, std::memory_order_relaxed);
    }
}

void PipelineWorker::publish() {
    if (m_alerts.empty() && m_aggregates.empty() && m_watched.empty()) {
        return;
    }
    const std::size_t alerts = m_alerts.size();
    const std::size_t aggregates = m_aggregates.size();
    {
        std::lock_guard lock(m_outputs.mutex);
        m_outputs.alerts.insert(m_outputs.alerts.end(), m_alerts.begin(), m_alerts.end());
        m_outputs.aggregates.insert(m_outputs.aggregates.end(), m_aggregates.begin(), m_aggregates.end());
        if (!m_watched.empty() &&
            m_watched.front().sensorId == m_outputs.watchedSensor.load(std::memory_order_relaxed)) {
            std::vector<Reading>& watched = m_outputs.watched;
            watched.insert(watched.end(), m_watched.begin(), m_watched.end());
            if (watched.size() > SharedOutputs::kMaxWatched) {
                const auto excess = static_cast<std::ptrdiff_t>(watched.size() - SharedOutputs::kMaxWatched);
                watched.erase(watched.begin(), watched.begin() + excess);
            }
        }
    }
    m_counters.alerts.fetch_add(alerts, std::memory_order_relaxed);
    m_counters.aggregates.fetch_add(aggregates, std::memory_order_relaxed);
    m_alerts.clear();
    m_aggregates.clear();
    m_watched.clear();
}

}  // namespace cityops::engine::detail
