// Data-quality checks over readings: gaps, stuck sensors, out-of-range values, duplicates.
#include "cityops/engine/history/data_quality.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "history/json_out.h"

namespace cityops::engine::history {

std::array<ValueRange, kMetricCount> defaultValueRanges() {
    std::array<ValueRange, kMetricCount> r{};
    r[static_cast<int>(Metric::TrafficSpeed)] = {0.0, 200.0};
    r[static_cast<int>(Metric::VehicleCount)] = {0.0, 10'000.0};
    r[static_cast<int>(Metric::Co2)] = {250.0, 10'000.0};
    r[static_cast<int>(Metric::Pm25)] = {0.0, 1'000.0};
    r[static_cast<int>(Metric::Temperature)] = {-50.0, 60.0};
    r[static_cast<int>(Metric::Humidity)] = {0.0, 100.0};
    r[static_cast<int>(Metric::ParkingOccupancy)] = {0.0, 1.0};
    r[static_cast<int>(Metric::EmergencySeverity)] = {0.0, 5.9};  // severity + type code (emergency_code.h)
    r[static_cast<int>(Metric::EnergyKwh)] = {0.0, 100'000.0};
    r[static_cast<int>(Metric::NoiseDb)] = {20.0, 140.0};
    r[static_cast<int>(Metric::O3)] = {0.0, 1'000.0};
    r[static_cast<int>(Metric::No2)] = {0.0, 2'000.0};
    return r;
}

std::string_view toString(QualityIssueKind kind) {
    switch (kind) {
        case QualityIssueKind::Gap: return "gap";
        case QualityIssueKind::Stuck: return "stuck";
        case QualityIssueKind::OutOfRange: return "out_of_range";
        case QualityIssueKind::Duplicate: return "duplicate";
    }
    return "gap";
}

namespace {

void add(QualityReport& report, QualityIssue issue) {
    ++report.counts[static_cast<int>(issue.kind)];
    report.issues.push_back(std::move(issue));
}

//! Checks one (sensor, metric) series, sorted by time (ties by seq).
void checkSeries(std::span<const Reading* const> series, const QualityConfig& config, QualityReport& report) {
    const Reading& head = *series.front();
    const ValueRange range = config.ranges[static_cast<int>(head.metric)];
    auto issue = [&](QualityIssueKind kind, std::int64_t from, std::int64_t to, std::uint64_t count, double value,
                     std::string detail) {
        add(report, QualityIssue{kind, head.sensorId, head.metric, from, to, count, value, std::move(detail)});
    };
    // Distinct times (the first copy of each); copies are duplicates.
    std::vector<const Reading*> distinct;
    distinct.reserve(series.size());
    std::map<std::uint64_t, std::int64_t> seqTime;  // non-zero seq → first event time
    for (const Reading* r : series) {
        if (!distinct.empty() && distinct.back()->eventTimeMs == r->eventTimeMs) {
            issue(QualityIssueKind::Duplicate, r->eventTimeMs, r->eventTimeMs, 1, r->value,
                  detail::format("reading at %s repeated", formatTimestamp(r->eventTimeMs).c_str()));
            continue;
        }
        if (r->seq != 0) {
            auto [it, fresh] = seqTime.try_emplace(r->seq, r->eventTimeMs);
            if (!fresh) {
                issue(QualityIssueKind::Duplicate, r->eventTimeMs, r->eventTimeMs, 1, r->value,
                      detail::format("seq %llu already seen at %s", static_cast<unsigned long long>(r->seq),
                                     formatTimestamp(it->second).c_str()));
                continue;
            }
        }
        distinct.push_back(r);
        if (!std::isfinite(r->value) || r->value < range.min || r->value > range.max) {
            issue(QualityIssueKind::OutOfRange, r->eventTimeMs, r->eventTimeMs, 1, r->value,
                  detail::format("%g outside [%g, %g]", r->value, range.min, range.max));
        }
    }
    // Gaps: against the configured interval or the series' median step.
    std::int64_t interval = config.expectedIntervalMs;
    if (interval <= 0 && distinct.size() >= 3) {
        std::vector<std::int64_t> steps;
        steps.reserve(distinct.size() - 1);
        for (std::size_t i = 1; i < distinct.size(); ++i) {
            steps.push_back(distinct[i]->eventTimeMs - distinct[i - 1]->eventTimeMs);
        }
        std::nth_element(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(steps.size() / 2), steps.end());
        interval = steps[steps.size() / 2];
    }
    if (interval > 0) {
        for (std::size_t i = 1; i < distinct.size(); ++i) {
            const std::int64_t step = distinct[i]->eventTimeMs - distinct[i - 1]->eventTimeMs;
            if (static_cast<double>(step) > config.gapFactor * static_cast<double>(interval)) {
                const auto missing = static_cast<std::uint64_t>(std::llround(static_cast<double>(step) / interval) - 1);
                issue(QualityIssueKind::Gap, distinct[i - 1]->eventTimeMs, distinct[i]->eventTimeMs, missing, 0.0,
                      detail::format("no reading for %lld s (about %llu missing at %lld s intervals)",
                                     static_cast<long long>(step / 1000), static_cast<unsigned long long>(missing),
                                     static_cast<long long>(interval / 1000)));
            }
        }
    }
    // Stuck: runs of equal values.
    for (std::size_t i = 0; i < distinct.size();) {
        std::size_t j = i + 1;
        while (j < distinct.size() && distinct[j]->value == distinct[i]->value) {
            ++j;
        }
        if (config.stuckRun > 0 && j - i >= static_cast<std::size_t>(config.stuckRun)) {
            issue(QualityIssueKind::Stuck, distinct[i]->eventTimeMs, distinct[j - 1]->eventTimeMs, j - i,
                  distinct[i]->value,
                  detail::format("value %g repeated %zu times until %s", distinct[i]->value, j - i,
                                 formatTimestamp(distinct[j - 1]->eventTimeMs).c_str()));
        }
        i = j;
    }
}

}  // namespace

QualityReport checkDataQuality(std::span<const Reading> readings, const QualityConfig& config) {
    QualityReport report;
    report.readingsChecked = readings.size();
    std::vector<const Reading*> order;
    order.reserve(readings.size());
    for (const Reading& r : readings) {
        order.push_back(&r);
    }
    std::stable_sort(order.begin(), order.end(), [](const Reading* a, const Reading* b) {
        return std::tie(a->sensorId, a->metric, a->eventTimeMs, a->seq) <
               std::tie(b->sensorId, b->metric, b->eventTimeMs, b->seq);
    });
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i + 1;
        while (j < order.size() && order[j]->sensorId == order[i]->sensorId && order[j]->metric == order[i]->metric) {
            ++j;
        }
        ++report.series;
        checkSeries(std::span(order).subspan(i, j - i), config, report);
        i = j;
    }
    std::stable_sort(report.issues.begin(), report.issues.end(), [](const QualityIssue& a, const QualityIssue& b) {
        return std::tie(a.sensorId, a.metric, a.fromMs, a.kind) < std::tie(b.sensorId, b.metric, b.fromMs, b.kind);
    });
    return report;
}

std::string toText(const QualityReport& report, std::size_t maxIssues) {
    std::string out = detail::format(
        "Data quality: %llu readings in %llu series: %llu gaps, %llu stuck runs, %llu out of range, %llu duplicates\n",
        static_cast<unsigned long long>(report.readingsChecked), static_cast<unsigned long long>(report.series),
        static_cast<unsigned long long>(report.counts[0]), static_cast<unsigned long long>(report.counts[1]),
        static_cast<unsigned long long>(report.counts[2]), static_cast<unsigned long long>(report.counts[3]));
    for (std::size_t i = 0; i < report.issues.size() && i < maxIssues; ++i) {
        const QualityIssue& q = report.issues[i];
        out += detail::format("  %-12s sensor %u %-18s %s  %s\n", std::string(toString(q.kind)).c_str(), q.sensorId,
                              std::string(toString(q.metric)).c_str(), formatTimestamp(q.fromMs).c_str(),
                              q.detail.c_str());
    }
    if (report.issues.size() > maxIssues) {
        out += detail::format("  ... %zu more (all in the JSON output)\n", report.issues.size() - maxIssues);
    }
    return out;
}

std::string toJson(const QualityReport& report) {
    detail::JsonOut j;
    j.beginObject()
        .field("readings_checked", report.readingsChecked)
        .field("series", report.series)
        .key("counts")
        .beginObject();
    for (int k = 0; k < kQualityIssueKindCount; ++k) {
        j.field(toString(static_cast<QualityIssueKind>(k)), report.counts[k]);
    }
    j.endObject().key("issues").beginArray();
    for (const QualityIssue& q : report.issues) {
        j.beginObject()
            .field("kind", toString(q.kind))
            .field("sensor_id", q.sensorId)
            .field("metric", toString(q.metric))
            .field("from", formatTimestamp(q.fromMs))
            .field("to", formatTimestamp(q.toMs))
            .field("count", q.count)
            .field("value", q.value)
            .field("detail", q.detail)
            .endObject();
    }
    j.endArray().endObject();
    return std::move(j).str();
}

}  // namespace cityops::engine::history
