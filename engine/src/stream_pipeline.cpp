#include "cityops/engine/stream_pipeline.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

#include "batch_queue.h"
#include "pipeline_worker.h"

namespace cityops::engine {

namespace {

//! Event times beyond ±2^62 ms are rejected, so window and rule arithmetic can never overflow.
constexpr std::int64_t kMaxAbsEventTimeMs = std::int64_t{1} << 62;

bool isValid(const Reading& reading, std::uint32_t sensorCount) {
    return std::isfinite(reading.value) && (sensorCount == 0 || reading.sensorId < sensorCount) &&
           static_cast<int>(reading.kind) < kSensorKindCount && static_cast<int>(reading.metric) < kMetricCount &&
           reading.eventTimeMs <= kMaxAbsEventTimeMs && reading.eventTimeMs >= -kMaxAbsEventTimeMs;
}

int workerCount(int configured) {
    if (configured > 0) {
        return configured;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

template <typename T>
void moveOut(std::vector<T>& shared, std::vector<T>& out) {
    if (out.empty()) {
        out.swap(shared);
        shared.clear();
        return;
    }
    out.insert(out.end(), shared.begin(), shared.end());
    shared.clear();
}

}  // namespace

struct StreamPipeline::Impl {
    explicit Impl(PipelineConfig c)
        : config(c),
          latest(config.sensorCount),
          sensorCount(config.sensorCount),
          maxOutOfOrdernessMs(std::clamp<std::int64_t>(config.maxOutOfOrdernessMs, 0, kMaxAbsEventTimeMs)) {}

    void send(std::size_t worker, detail::Batch&& batch) {
        ++pushed[worker];
        workers[worker]->queue().push(std::move(batch));
    }

    void stopWorkers() {
        for (std::size_t i = 0; i < threads.size(); ++i) {
            detail::Batch stop;
            stop.stop = true;
            workers[i]->queue().push(std::move(stop));
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
        threads.clear();
    }

    PipelineConfig config;
    LatestValues latest;
    detail::SharedOutputs outputs;
    std::vector<std::unique_ptr<detail::PipelineWorker>> workers;
    std::vector<std::thread> threads;

    // Source-thread state.
    const std::uint32_t sensorCount;
    const std::int64_t maxOutOfOrdernessMs;
    std::vector<std::vector<Reading>> fill;
    std::vector<std::uint64_t> pushed;
    std::vector<std::int64_t> sentWatermarkMs;
    std::int64_t maxEventTimeMs = PipelineMetrics::kNoTime;
    std::int64_t watermarkMs = PipelineMetrics::kNoTime;

    std::atomic<std::uint64_t> eventsIn{0};
    std::atomic<std::uint64_t> invalidEvents{0};
    std::atomic<std::int64_t> publishedMaxEventTimeMs{PipelineMetrics::kNoTime};
};

StreamPipeline::StreamPipeline(PipelineConfig config) : m_impl(std::make_unique<Impl>(config)) {
    Impl& d = *m_impl;
    const auto count = static_cast<std::size_t>(workerCount(d.config.workers));
    d.config.workers = static_cast<int>(count);
    d.fill.resize(count);
    d.pushed.assign(count, 0);
    d.sentWatermarkMs.assign(count, PipelineMetrics::kNoTime);
    d.workers.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        d.workers.push_back(std::make_unique<detail::PipelineWorker>(d.config, d.latest, d.outputs));
    }
    d.threads.reserve(count);
    try {
        for (std::size_t i = 0; i < count; ++i) {
            d.threads.emplace_back([worker = d.workers[i].get()] { worker->run(); });
        }
    } catch (...) {
        d.stopWorkers();
        throw;
    }
}

StreamPipeline::~StreamPipeline() {
    m_impl->stopWorkers();
}

void StreamPipeline::push(std::span<const Reading> batch) {
    Impl& d = *m_impl;
    const std::size_t workerCount = d.workers.size();
    for (std::size_t i = 0; i < workerCount; ++i) {
        if (d.fill[i].capacity() == 0) {
            d.fill[i] = d.workers[i]->queue().takeBuffer();
        }
    }

    std::uint64_t invalid = 0;
    std::int64_t maxEventTimeMs = d.maxEventTimeMs;
    for (const Reading& reading : batch) {
        if (!isValid(reading, d.sensorCount)) {
            ++invalid;
            continue;
        }
        maxEventTimeMs = std::max(maxEventTimeMs, reading.eventTimeMs);
        d.fill[workerCount == 1 ? 0 : reading.sensorId % workerCount].push_back(reading);
    }
    d.eventsIn.fetch_add(batch.size(), std::memory_order_relaxed);
    if (invalid > 0) {
        d.invalidEvents.fetch_add(invalid, std::memory_order_relaxed);
    }
    if (maxEventTimeMs != d.maxEventTimeMs) {
        d.maxEventTimeMs = maxEventTimeMs;
        d.publishedMaxEventTimeMs.store(maxEventTimeMs, std::memory_order_relaxed);
        d.watermarkMs = std::max(d.watermarkMs, maxEventTimeMs - d.maxOutOfOrdernessMs);
    }

    for (std::size_t i = 0; i < workerCount; ++i) {
        if (d.fill[i].empty() && d.sentWatermarkMs[i] >= d.watermarkMs) {
            continue;
        }
        detail::Batch out;
        out.readings = std::exchange(d.fill[i], {});
        out.watermarkMs = d.watermarkMs;
        d.sentWatermarkMs[i] = d.watermarkMs;
        d.send(i, std::move(out));
    }
}

void StreamPipeline::sync() {
    Impl& d = *m_impl;
    for (std::size_t i = 0; i < d.workers.size(); ++i) {
        d.workers[i]->queue().waitCompleted(d.pushed[i]);
    }
}

void StreamPipeline::finish() {
    Impl& d = *m_impl;
    d.watermarkMs = PipelineMetrics::kEndOfTime;
    for (std::size_t i = 0; i < d.workers.size(); ++i) {
        if (d.sentWatermarkMs[i] == PipelineMetrics::kEndOfTime) {
            continue;
        }
        detail::Batch out;
        out.watermarkMs = PipelineMetrics::kEndOfTime;
        d.sentWatermarkMs[i] = PipelineMetrics::kEndOfTime;
        d.send(i, std::move(out));
    }
    sync();
}

void StreamPipeline::drainAlerts(std::vector<Alert>& out) {
    std::lock_guard lock(m_impl->outputs.mutex);
    moveOut(m_impl->outputs.alerts, out);
}

void StreamPipeline::drainAggregates(std::vector<WindowAggregate>& out) {
    std::lock_guard lock(m_impl->outputs.mutex);
    moveOut(m_impl->outputs.aggregates, out);
}

void StreamPipeline::watchSensor(std::uint32_t sensorId) {
    std::lock_guard lock(m_impl->outputs.mutex);
    m_impl->outputs.watched.clear();
    m_impl->outputs.watchedSensor.store(sensorId, std::memory_order_relaxed);
}

void StreamPipeline::drainWatched(std::vector<Reading>& out) {
    std::lock_guard lock(m_impl->outputs.mutex);
    moveOut(m_impl->outputs.watched, out);
}

const LatestValues& StreamPipeline::latest() const {
    return m_impl->latest;
}

PipelineMetrics StreamPipeline::metrics() const {
    const Impl& d = *m_impl;
    PipelineMetrics m;
    m.eventsIn = d.eventsIn.load(std::memory_order_relaxed);
    m.invalidEvents = d.invalidEvents.load(std::memory_order_relaxed);
    m.maxEventTimeMs = d.publishedMaxEventTimeMs.load(std::memory_order_relaxed);
    m.watermarkMs = PipelineMetrics::kEndOfTime;
    for (const auto& worker : d.workers) {
        const detail::WorkerCounters& c = worker->counters();
        m.eventsProcessed += c.processed.load(std::memory_order_relaxed);
        m.lateEvents += c.late.load(std::memory_order_relaxed);
        m.lateRuleEvents += c.lateRule.load(std::memory_order_relaxed);
        m.alerts += c.alerts.load(std::memory_order_relaxed);
        m.aggregates += c.aggregates.load(std::memory_order_relaxed);
        m.watermarkMs = std::min(m.watermarkMs, c.watermarkMs.load(std::memory_order_relaxed));
    }
    return m;
}

const PipelineConfig& StreamPipeline::config() const {
    return m_impl->config;
}

}  // namespace cityops::engine
