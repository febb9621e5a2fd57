#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/history/history_types.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine::history {

//! One hour of a city-wide series.
struct HourlyPoint {
    std::int64_t hourStartMs = 0;
    double value = 0.0;
};

//! How sensor hours combine into the city's value of an hour.
enum class SeriesStat : std::uint8_t {
    Total,  //!< sum of the readings (energy: kWh consumed in the city per hour)
    Mean,   //!< mean of the readings (traffic: average speed)
};

//! The city-wide hourly series of one metric from sensor-hour aggregates, sorted by hour.
std::vector<HourlyPoint> citySeries(std::span<const WindowAggregate> sensorHours, Metric metric, SeriesStat stat);

//! value(t) = intercept + slope × hours since origin + season[hour of week], fitted by least squares
//! with backfitting (alternating the linear trend and the 168 centred hour-of-week means).
struct SeasonalTrendModel {
    std::int64_t originMs = 0;
    double intercept = 0.0;
    double slopePerHour = 0.0;
    std::array<double, kHoursPerWeek> season{};
    double predict(std::int64_t hourStartMs) const;
};

//! Fits the model on points (needs at least one week of them); InvalidArgument-style error otherwise.
Result<SeasonalTrendModel> fitSeasonalTrend(std::span<const HourlyPoint> points);

struct ForecastErrors {
    double mae = 0.0;
    double mapePct = 0.0;     //!< over points with a non-zero actual value
    std::size_t points = 0;
};

//! ForecastErrors of predictions against actuals (same length).
ForecastErrors forecastErrors(std::span<const HourlyPoint> actual, std::span<const double> predicted);

struct ForecastReport {
    Metric metric = Metric::EnergyKwh;
    SeriesStat stat = SeriesStat::Total;
    std::int64_t holdoutStartMs = 0;
    std::size_t trainPoints = 0;
    std::size_t holdoutPoints = 0;
    SeasonalTrendModel model;
    ForecastErrors modelErrors;
    ForecastErrors meanBaseline;   //!< the training mean for every hour
    ForecastErrors seasonalNaive;  //!< the value one week earlier (last training week)
    std::vector<HourlyPoint> holdoutActual;
    std::vector<double> holdoutPredicted;
};

//! Trains on every point before (last point's hour − holdoutMs + 1 h) and scores the rest: the model
//! against the two naive baselines. Needs a week of training data and one holdout point.
Result<ForecastReport> trainAndEvaluate(std::span<const HourlyPoint> series, Metric metric, SeriesStat stat,
                                        std::int64_t holdoutMs = kWeekMs);

std::string toText(const ForecastReport& report);
std::string toJson(const ForecastReport& report);

}  // namespace cityops::engine::history
