#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/history/history_types.h"
#include "cityops/engine/reading.h"

namespace cityops::engine::history {

//! The design's monthly noise category of a district, from its monthly average.
enum class NoiseCategory : std::uint8_t { Low, Moderate, High };
std::string_view toString(NoiseCategory category);  //!< "LOW", "MODERATE", "HIGH"

//! Limits of the monthly noise statistics (docs/BATCH_HISTORY.md gives their sources).
struct NoiseThresholds {
    double highDb = 65.0;      //!< monthly avg > highDb → HIGH
    double moderateDb = 55.0;  //!< monthly avg > moderateDb → MODERATE, else LOW
    double euLimitDb = 55.0;   //!< a day counts as "above the EU limit" when its average is > this
    int dayStartHour = 7;      //!< day-time hours are [dayStartHour, dayEndHour) UTC, night the rest
    int dayEndHour = 23;
};

NoiseCategory categorize(double monthlyAvgDb, const NoiseThresholds& thresholds = {});

//! One district-day: from the district's hourly averages of that UTC day.
struct NoiseDay {
    std::uint16_t locationId = 0;
    std::int64_t dayStartMs = 0;
    double avgDb = 0.0;  //!< mean of the hourly averages
    double maxDb = 0.0;  //!< max of the readings
    double minDb = 0.0;  //!< min of the readings
    int hours = 0;       //!< hours with data
};

//! One district's month, the design's query result row.
struct NoiseMonth {
    std::uint16_t locationId = 0;
    double avgDb = 0.0;     //!< mean of the daily averages
    double maxDb = 0.0;     //!< max of the daily maxima
    double minDb = 0.0;     //!< min of the daily minima
    double p95Db = 0.0;     //!< exact 95th percentile of the hourly averages (linear interpolation, like Spark's percentile)
    double stddevDb = 0.0;  //!< sample standard deviation of the daily averages (0 with fewer than 2 days)
    int daysWithData = 0;
    int hoursWithData = 0;
    NoiseCategory category = NoiseCategory::Low;
    double pctDaysAboveEuLimit = 0.0;  //!< 100 × days with avg > euLimitDb / daysWithData
    std::optional<double> dayAvgDb;    //!< mean of the hourly averages in day-time hours
    std::optional<double> nightAvgDb;  //!< mean of the hourly averages in night-time hours
};

struct NoiseReport {
    YearMonth month;
    NoiseThresholds thresholds;
    std::vector<NoiseMonth> districts;  //!< by location id; districts without noise data are absent
    std::vector<NoiseDay> days;         //!< by location id, day
};

//! The monthly noise statistics per district exactly as docs/BATCH_HISTORY.md's SQL defines them:
//! readings → hourly (per district) → daily → monthly. Only Metric::NoiseDb readings of the month (UTC)
//! count; others are ignored. Means are arithmetic over dB values, as the design's query takes them.
NoiseReport monthlyNoiseStatistics(std::span<const Reading> readings, YearMonth month,
                                   const NoiseThresholds& thresholds = {});

std::string toText(const NoiseReport& report);
std::string toJson(const NoiseReport& report);

}  // namespace cityops::engine::history
