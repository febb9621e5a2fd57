#include "cityops/connectors/serving/metrics_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace cityops::connectors::serving {

namespace {

constexpr std::array<std::string_view, 37> kNames{
    "cityops_up",
    "cityops_events_in_total",
    "cityops_records_out_total",
    "cityops_events_per_second",
    "cityops_late_events_total",
    "cityops_dead_letters_total",
    "cityops_operator_records_in_total",
    "cityops_operator_records_out_total",
    "cityops_operator_state_bytes",
    "cityops_pipeline_latency_seconds",
    "cityops_pipeline_latency_records_total",
    "cityops_watermark_lag_seconds",
    "cityops_processing_lag_seconds",
    "cityops_idle_partitions",
    "cityops_queue_depth_batches",
    "cityops_backpressure_ratio",
    "cityops_state_bytes",
    "cityops_job_failed",
    "cityops_checkpoints_completed_total",
    "cityops_checkpoints_failed_total",
    "cityops_checkpoint_last_duration_seconds",
    "cityops_checkpoint_duration_seconds",
    "cityops_checkpoint_age_seconds",
    "cityops_checkpoint_size_bytes",
    "cityops_ui_stall_seconds",
    "cityops_ui_frame_seconds",
    "cityops_ui_heartbeats_total",
    "cityops_ui_frames_total",
    "cityops_alerts",
    "cityops_dead_letters_stored",
    "cityops_http_requests_total",
    "cityops_http_request_duration_seconds",
    "cityops_ws_clients",
    "cityops_ws_batches_total",
    "cityops_ws_messages_sent_total",
    "cityops_ws_messages_dropped_total",
    "cityops_ws_alerts_dropped_total",
};

void appendNumber(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[32];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, result.ptr);
    }
}

void appendLabelValue(std::string& out, std::string_view value) {
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
}

void appendSample(std::string& out, std::string_view name, const Labels& labels, double value) {
    out += name;
    if (!labels.empty()) {
        out.push_back('{');
        bool first = true;
        for (const auto& [key, text] : labels) {
            if (!first) out.push_back(',');
            first = false;
            out += key;
            out += "=\"";
            appendLabelValue(out, text);
            out.push_back('"');
        }
        out.push_back('}');
    }
    out.push_back(' ');
    appendNumber(out, value);
    out.push_back('\n');
}

double seconds(double ms) { return ms / 1000.0; }

}  // namespace

Histogram::Histogram(std::vector<double> upperBounds) : m_bounds(std::move(upperBounds)) {
    std::sort(m_bounds.begin(), m_bounds.end());
    m_counts.assign(m_bounds.size() + 1, 0);
}

void Histogram::observe(double value) {
    const auto it = std::lower_bound(m_bounds.begin(), m_bounds.end(), value);
    ++m_counts[static_cast<std::size_t>(it - m_bounds.begin())];
    m_sum += value;
    ++m_count;
}

void PrometheusWriter::family(std::string_view name, std::string_view type, std::string_view help) {
    m_text += "# HELP ";
    m_text += name;
    m_text.push_back(' ');
    for (const char c : help) {
        if (c == '\\') {
            m_text += "\\\\";
        } else if (c == '\n') {
            m_text += "\\n";
        } else {
            m_text.push_back(c);
        }
    }
    m_text += "\n# TYPE ";
    m_text += name;
    m_text.push_back(' ');
    m_text += type;
    m_text.push_back('\n');
}

void PrometheusWriter::sample(std::string_view name, const Labels& labels, double value) {
    appendSample(m_text, name, labels, value);
}

void PrometheusWriter::histogram(std::string_view name, const Labels& labels, const Histogram& histogram) {
    const std::string base(name);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= histogram.upperBounds().size(); ++i) {
        cumulative += histogram.counts()[i];
        Labels withLe = labels;
        std::string le = "+Inf";
        if (i < histogram.upperBounds().size()) {
            le.clear();
            appendNumber(le, histogram.upperBounds()[i]);
        }
        withLe.emplace_back("le", le);
        appendSample(m_text, base + "_bucket", withLe, static_cast<double>(cumulative));
    }
    appendSample(m_text, base + "_sum", labels, histogram.sum());
    appendSample(m_text, base + "_count", labels, static_cast<double>(histogram.count()));
}

std::span<const std::string_view> exportedMetricNames() { return kNames; }

void writeJobMetrics(PrometheusWriter& out, const engine::stream::JobMetrics& m, const Histogram& checkpointDurations) {
    const Labels job{{"job", m.jobId}};
    auto counter = [&](std::string_view name, std::string_view help, double value) {
        out.family(name, "counter", help);
        out.sample(name, job, value);
    };
    auto gauge = [&](std::string_view name, std::string_view help, double value) {
        out.family(name, "gauge", help);
        out.sample(name, job, value);
    };
    counter("cityops_events_in_total", "Records accepted by the job's source.", static_cast<double>(m.eventsIn));
    counter("cityops_records_out_total", "Records handed to the job's sinks.", static_cast<double>(m.recordsOut));
    gauge("cityops_events_per_second", "Source rate over the last second.", m.eventsPerSecond);
    counter("cityops_late_events_total", "Records whose event time was at or below the watermark on arrival.",
            static_cast<double>(m.lateEvents));

    out.family("cityops_dead_letters_total", "counter", "Records the source rejected, by reason.");
    if (m.deadLettersByReason.empty()) {
        out.sample("cityops_dead_letters_total", {{"job", m.jobId}, {"reason", "any"}}, static_cast<double>(m.deadLetters));
    }
    for (const auto& d : m.deadLettersByReason) {
        out.sample("cityops_dead_letters_total", {{"job", m.jobId}, {"reason", d.reason}}, static_cast<double>(d.count));
    }

    out.family("cityops_operator_records_in_total", "counter", "Records into each operator (per-job throughput).");
    for (const auto& op : m.operators) {
        out.sample("cityops_operator_records_in_total", {{"job", m.jobId}, {"operator", op.name}},
                   static_cast<double>(op.counters.recordsIn));
    }
    out.family("cityops_operator_records_out_total", "counter", "Records out of each operator.");
    for (const auto& op : m.operators) {
        out.sample("cityops_operator_records_out_total", {{"job", m.jobId}, {"operator", op.name}},
                   static_cast<double>(op.counters.recordsOut));
    }
    out.family("cityops_operator_state_bytes", "gauge", "Keyed state held by each operator.");
    for (const auto& op : m.operators) {
        out.sample("cityops_operator_state_bytes", {{"job", m.jobId}, {"operator", op.name}},
                   static_cast<double>(op.stateBytes));
    }

    out.family("cityops_pipeline_latency_seconds", "gauge",
               "Ingest-to-sink latency quantiles from the runtime's log-bucketed histogram (quantile 1 = max).");
    out.sample("cityops_pipeline_latency_seconds", {{"job", m.jobId}, {"quantile", "0.5"}}, seconds(m.latency.p50Ms));
    out.sample("cityops_pipeline_latency_seconds", {{"job", m.jobId}, {"quantile", "0.99"}}, seconds(m.latency.p99Ms));
    out.sample("cityops_pipeline_latency_seconds", {{"job", m.jobId}, {"quantile", "1"}}, seconds(m.latency.maxMs));
    counter("cityops_pipeline_latency_records_total", "Records counted by the latency histogram.",
            static_cast<double>(m.latency.samples));

    gauge("cityops_watermark_lag_seconds", "Max event time minus the merged watermark.", seconds(static_cast<double>(m.eventTimeLagMs)));
    gauge("cityops_processing_lag_seconds", "Processing time minus the watermark.",
          seconds(static_cast<double>(m.processingTimeLagMs)));
    gauge("cityops_idle_partitions", "Source partitions marked idle.", m.idlePartitions);
    gauge("cityops_queue_depth_batches", "Batches waiting in the worker queues.", static_cast<double>(m.queuedBatches));
    gauge("cityops_backpressure_ratio", "Share of the last second the source waited on full queues.",
          m.backpressureRecent);
    gauge("cityops_state_bytes", "Keyed state of all operators.", static_cast<double>(m.stateBytes));
    gauge("cityops_job_failed", "1 when an operator or sink threw and the job stopped.", m.failure.empty() ? 0.0 : 1.0);

    counter("cityops_checkpoints_completed_total", "Checkpoints committed by this run.",
            static_cast<double>(m.checkpoints.completed));
    counter("cityops_checkpoints_failed_total", "Checkpoint commits that failed.", static_cast<double>(m.checkpoints.failed));
    gauge("cityops_checkpoint_last_duration_seconds", "Barrier injection to commit of the last checkpoint.",
          seconds(m.checkpoints.lastDurationMs));
    out.family("cityops_checkpoint_duration_seconds", "histogram", "Checkpoint durations seen by the server.");
    out.histogram("cityops_checkpoint_duration_seconds", job, checkpointDurations);
    gauge("cityops_checkpoint_age_seconds", "Time since the last checkpoint (-1 before the first).",
          m.checkpoints.ageMs < 0 ? -1.0 : seconds(static_cast<double>(m.checkpoints.ageMs)));
    gauge("cityops_checkpoint_size_bytes", "Operator-state bytes of the last checkpoint.",
          static_cast<double>(m.checkpoints.lastSizeBytes));
}

void writeUiMetrics(PrometheusWriter& out, const UiSample& s) {
    out.family("cityops_ui_stall_seconds", "gauge", "Console event-loop stall (heartbeat lateness) quantiles.");
    out.sample("cityops_ui_stall_seconds", {{"quantile", "0.5"}}, seconds(s.stallP50Ms));
    out.sample("cityops_ui_stall_seconds", {{"quantile", "0.99"}}, seconds(s.stallP99Ms));
    out.sample("cityops_ui_stall_seconds", {{"quantile", "1"}}, seconds(s.stallMaxMs));
    out.family("cityops_ui_frame_seconds", "gauge", "Console frame processing and paint time, 99th percentile.");
    out.sample("cityops_ui_frame_seconds", {{"quantile", "0.99"}}, seconds(s.frameP99Ms));
    out.family("cityops_ui_heartbeats_total", "counter", "Event-loop heartbeats measured.");
    out.sample("cityops_ui_heartbeats_total", static_cast<double>(s.heartbeats));
    out.family("cityops_ui_frames_total", "counter", "Console frames measured.");
    out.sample("cityops_ui_frames_total", static_cast<double>(s.frames));
}

}  // namespace cityops::connectors::serving
