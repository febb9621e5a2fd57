#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cityops/engine/stream/stream_metrics.h"

namespace cityops::connectors::serving {

//! The console's UI responsiveness as the app's FrameProbe measures it (milliseconds).
struct UiSample {
    double stallP50Ms = 0.0;  //!< event-loop heartbeat lateness
    double stallP99Ms = 0.0;
    double stallMaxMs = 0.0;
    double frameP99Ms = 0.0;  //!< frame processing + paint
    std::uint64_t heartbeats = 0;
    std::uint64_t frames = 0;
};

//! A Prometheus histogram with fixed upper bounds (seconds); observe() is for one thread at a time.
class Histogram {
public:
    explicit Histogram(std::vector<double> upperBounds);
    void observe(double value);
    const std::vector<double>& upperBounds() const { return m_bounds; }
    //! Per-bucket counts (not cumulative), the last one is +Inf.
    const std::vector<std::uint64_t>& counts() const { return m_counts; }
    double sum() const { return m_sum; }
    std::uint64_t count() const { return m_count; }

private:
    std::vector<double> m_bounds;
    std::vector<std::uint64_t> m_counts;
    double m_sum = 0.0;
    std::uint64_t m_count = 0;
};

using Labels = std::vector<std::pair<std::string, std::string>>;

//! Writes the Prometheus text exposition format (version 0.0.4): one HELP and TYPE line per family,
//! then its samples; label values escaped, histograms cumulative ending in le="+Inf".
class PrometheusWriter {
public:
    //! Starts a family; type is counter, gauge, histogram or summary.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }
    void histogram(std::string_view name, const Labels& labels, const Histogram& histogram);
    const std::string& text() const { return m_text; }

private:
    std::string m_text;
};

//! Every metric family name /metrics can export (with the histogram and summary series suffixes
//! left off). The Grafana dashboard may only use these.
std::span<const std::string_view> exportedMetricNames();

//! Writes the engine's job metrics (events in/out, rates, per-operator throughput, latency, watermark
//! lag, checkpoints, queues, dead letters). checkpointDurations: durations observed so far.
void writeJobMetrics(PrometheusWriter& out, const engine::stream::JobMetrics& metrics,
                     const Histogram& checkpointDurations);
void writeUiMetrics(PrometheusWriter& out, const UiSample& sample);

}  // namespace cityops::connectors::serving
