// Seasonal (hour-of-week) + linear-trend forecast of a city-wide hourly series, with holdout errors.
#include "cityops/engine/history/forecast.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "history/json_out.h"

namespace cityops::engine::history {

std::vector<HourlyPoint> citySeries(std::span<const WindowAggregate> sensorHours, Metric metric, SeriesStat stat) {
    std::map<std::int64_t, std::pair<double, std::uint64_t>> hours;
    for (const WindowAggregate& a : sensorHours) {
        if (a.metric == metric && a.count > 0) {
            auto& h = hours[hourFloor(a.windowStartMs)];
            h.first += a.sum;
            h.second += a.count;
        }
    }
    std::vector<HourlyPoint> out;
    out.reserve(hours.size());
    for (const auto& [hour, h] : hours) {
        out.push_back({hour, stat == SeriesStat::Total ? h.first : h.first / static_cast<double>(h.second)});
    }
    return out;
}

double SeasonalTrendModel::predict(std::int64_t hourStartMs) const {
    const double t = static_cast<double>(hourStartMs - originMs) / static_cast<double>(kHourMs);
    return intercept + slopePerHour * t + season[static_cast<std::size_t>(hourOfWeek(hourStartMs))];
}

Result<SeasonalTrendModel> fitSeasonalTrend(std::span<const HourlyPoint> points) {
    if (points.size() < static_cast<std::size_t>(kHoursPerWeek)) {
        return HistoryError{detail::format("forecast: %zu training hours; at least one week (168) needed", points.size())};
    }
    SeasonalTrendModel m;
    m.originMs = points.front().hourStartMs;
    std::vector<double> t(points.size());
    std::vector<int> how(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        t[i] = static_cast<double>(points[i].hourStartMs - m.originMs) / static_cast<double>(kHourMs);
        how[i] = hourOfWeek(points[i].hourStartMs);
    }
    // Backfitting: the trend on the deseasonalised values, then the centred hour-of-week means of the
    // detrended values; converges in a few rounds because the two are nearly orthogonal over whole weeks.
    for (int round = 0; round < 20; ++round) {
        double st = 0, sy = 0, stt = 0, sty = 0;
        for (std::size_t i = 0; i < points.size(); ++i) {
            const double y = points[i].value - m.season[static_cast<std::size_t>(how[i])];
            st += t[i];
            sy += y;
            stt += t[i] * t[i];
            sty += t[i] * y;
        }
        const double n = static_cast<double>(points.size());
        const double denom = n * stt - st * st;
        m.slopePerHour = denom != 0.0 ? (n * sty - st * sy) / denom : 0.0;
        m.intercept = (sy - m.slopePerHour * st) / n;
        std::array<double, kHoursPerWeek> sum{};
        std::array<int, kHoursPerWeek> count{};
        for (std::size_t i = 0; i < points.size(); ++i) {
            const auto h = static_cast<std::size_t>(how[i]);
            sum[h] += points[i].value - m.intercept - m.slopePerHour * t[i];
            ++count[h];
        }
        double centre = 0.0;
        int seen = 0;
        for (int h = 0; h < kHoursPerWeek; ++h) {
            if (count[h] > 0) {
                m.season[h] = sum[h] / count[h];
                centre += m.season[h];
                ++seen;
            }
        }
        for (int h = 0; h < kHoursPerWeek; ++h) {
            m.season[h] = count[h] > 0 ? m.season[h] - centre / seen : 0.0;
        }
    }
    return m;
}

ForecastErrors forecastErrors(std::span<const HourlyPoint> actual, std::span<const double> predicted) {
    ForecastErrors e;
    double abs = 0.0, pct = 0.0;
    std::size_t pctPoints = 0;
    for (std::size_t i = 0; i < actual.size() && i < predicted.size(); ++i) {
        const double err = std::fabs(actual[i].value - predicted[i]);
        abs += err;
        if (actual[i].value != 0.0) {
            pct += err / std::fabs(actual[i].value);
            ++pctPoints;
        }
        ++e.points;
    }
    e.mae = e.points ? abs / static_cast<double>(e.points) : 0.0;
    e.mapePct = pctPoints ? 100.0 * pct / static_cast<double>(pctPoints) : 0.0;
    return e;
}

Result<ForecastReport> trainAndEvaluate(std::span<const HourlyPoint> series, Metric metric, SeriesStat stat,
                                        std::int64_t holdoutMs) {
    if (series.empty()) {
        return HistoryError{"forecast: no hourly data for " + std::string(toString(metric))};
    }
    ForecastReport r;
    r.metric = metric;
    r.stat = stat;
    r.holdoutStartMs = hourFloor(series.back().hourStartMs) - holdoutMs + kHourMs;
    const auto split = std::lower_bound(series.begin(), series.end(), r.holdoutStartMs,
                                        [](const HourlyPoint& p, std::int64_t ms) { return p.hourStartMs < ms; });
    const std::span<const HourlyPoint> train(series.begin(), split);
    r.holdoutActual.assign(split, series.end());
    r.trainPoints = train.size();
    r.holdoutPoints = r.holdoutActual.size();
    auto model = fitSeasonalTrend(train);
    if (!model) {
        return model.error();
    }
    r.model = *model;
    double trainMean = 0.0;
    std::map<std::int64_t, double> trainByHour;
    for (const HourlyPoint& p : train) {
        trainMean += p.value;
        trainByHour[p.hourStartMs] = p.value;
    }
    trainMean /= static_cast<double>(train.size());
    std::vector<double> meanPred, naivePred;
    const std::int64_t lastTrainWeekStart = hourFloor(train.back().hourStartMs) - kWeekMs + kHourMs;
    for (const HourlyPoint& p : r.holdoutActual) {
        r.holdoutPredicted.push_back(r.model.predict(p.hourStartMs));
        meanPred.push_back(trainMean);
        // The same hour of the week in the last training week.
        const std::int64_t weeksBack = (p.hourStartMs - lastTrainWeekStart) / kWeekMs;
        const auto it = trainByHour.find(p.hourStartMs - weeksBack * kWeekMs);
        naivePred.push_back(it != trainByHour.end() ? it->second : trainMean);
    }
    r.modelErrors = forecastErrors(r.holdoutActual, r.holdoutPredicted);
    r.meanBaseline = forecastErrors(r.holdoutActual, meanPred);
    r.seasonalNaive = forecastErrors(r.holdoutActual, naivePred);
    return r;
}

std::string toText(const ForecastReport& r) {
    std::string out = detail::format(
        "Forecast of city %s %s per hour (hour-of-week season + linear trend)\n"
        "  trained on %zu hours, holdout %zu hours from %s\n"
        "  trend %+.4f per hour\n"
        "  holdout            MAE        MAPE\n",
        r.stat == SeriesStat::Total ? "total" : "mean", std::string(toString(r.metric)).c_str(), r.trainPoints,
        r.holdoutPoints, formatTimestamp(r.holdoutStartMs).c_str(), r.model.slopePerHour);
    out += detail::format("  model       %10.3f %10.2f%%\n", r.modelErrors.mae, r.modelErrors.mapePct);
    out += detail::format("  mean        %10.3f %10.2f%%\n", r.meanBaseline.mae, r.meanBaseline.mapePct);
    out += detail::format("  last week   %10.3f %10.2f%%\n", r.seasonalNaive.mae, r.seasonalNaive.mapePct);
    return out;
}

std::string toJson(const ForecastReport& r) {
    detail::JsonOut j;
    auto errors = [&](std::string_view name, const ForecastErrors& e) {
        j.key(name).beginObject().field("mae", e.mae).field("mape_pct", e.mapePct).field("points", e.points).endObject();
    };
    j.beginObject()
        .field("metric", toString(r.metric))
        .field("stat", r.stat == SeriesStat::Total ? "total" : "mean")
        .field("train_hours", r.trainPoints)
        .field("holdout_hours", r.holdoutPoints)
        .field("holdout_start", formatTimestamp(r.holdoutStartMs))
        .field("trend_per_hour", r.model.slopePerHour)
        .field("intercept", r.model.intercept);
    errors("model", r.modelErrors);
    errors("baseline_mean", r.meanBaseline);
    errors("baseline_last_week", r.seasonalNaive);
    j.key("holdout").beginArray();
    for (std::size_t i = 0; i < r.holdoutActual.size(); ++i) {
        j.beginObject()
            .field("hour", formatTimestamp(r.holdoutActual[i].hourStartMs))
            .field("actual", r.holdoutActual[i].value)
            .field("predicted", r.holdoutPredicted[i])
            .endObject();
    }
    j.endArray().endObject();
    return std::move(j).str();
}

}  // namespace cityops::engine::history
