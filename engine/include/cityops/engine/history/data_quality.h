#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/history/history_types.h"
#include "cityops/engine/reading.h"

namespace cityops::engine::history {

//! The plausible range of a metric's values; anything outside (or not finite) is OutOfRange.
struct ValueRange {
    double min = 0.0;
    double max = 0.0;
};

//! Physical plausibility ranges per metric, indexed by Metric (docs/BATCH_HISTORY.md lists them).
std::array<ValueRange, kMetricCount> defaultValueRanges();

struct QualityConfig {
    //! Expected reporting interval; 0 infers it per series as the median interval between readings.
    std::int64_t expectedIntervalMs = 0;
    double gapFactor = 2.0;  //!< a step longer than gapFactor × interval is a gap
    int stuckRun = 10;       //!< this many consecutive identical values (or more) is a stuck sensor
    std::array<ValueRange, kMetricCount> ranges = defaultValueRanges();
};

enum class QualityIssueKind : std::uint8_t { Gap, Stuck, OutOfRange, Duplicate };
inline constexpr int kQualityIssueKindCount = 4;
std::string_view toString(QualityIssueKind kind);  //!< "gap", "stuck", "out_of_range", "duplicate"

//! One finding, on one (sensor, metric) series.
struct QualityIssue {
    QualityIssueKind kind = QualityIssueKind::Gap;
    std::uint32_t sensorId = 0;
    Metric metric = Metric::TrafficSpeed;
    std::int64_t fromMs = 0;  //!< Gap: last reading before; Stuck: first of the run; others: the reading
    std::int64_t toMs = 0;    //!< Gap: first reading after; Stuck: last of the run; others: = fromMs
    std::uint64_t count = 0;  //!< Gap: missing readings; Stuck: run length; Duplicate: extra copies; OutOfRange: 1
    double value = 0.0;       //!< Stuck / OutOfRange / Duplicate: the value concerned
    std::string detail;       //!< one line for people
};

struct QualityReport {
    std::uint64_t readingsChecked = 0;
    std::uint64_t series = 0;  //!< distinct (sensor, metric)
    std::array<std::uint64_t, kQualityIssueKindCount> counts{};  //!< issues per kind
    std::vector<QualityIssue> issues;  //!< by sensor, metric, time, kind
};

//! Checks readings (any order) for gaps (missing intervals per series), stuck sensors (stuckRun or
//! more consecutive equal values), out-of-range values and duplicates (the same (sensor, metric,
//! event time) more than once, or the same non-zero seq at another time). Duplicate copies do not
//! count towards gaps or stuck runs.
QualityReport checkDataQuality(std::span<const Reading> readings, const QualityConfig& config = {});

std::string toText(const QualityReport& report, std::size_t maxIssues = 50);
std::string toJson(const QualityReport& report);

}  // namespace cityops::engine::history
