// Monthly noise statistics per district: readings → hourly → daily → monthly (docs/BATCH_HISTORY.md).
#include "cityops/engine/history/noise_stats.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "history/json_out.h"

namespace cityops::engine::history {

std::string_view toString(NoiseCategory category) {
    switch (category) {
        case NoiseCategory::Low: return "LOW";
        case NoiseCategory::Moderate: return "MODERATE";
        case NoiseCategory::High: return "HIGH";
    }
    return "LOW";
}

NoiseCategory categorize(double monthlyAvgDb, const NoiseThresholds& thresholds) {
    if (monthlyAvgDb > thresholds.highDb) {
        return NoiseCategory::High;
    }
    return monthlyAvgDb > thresholds.moderateDb ? NoiseCategory::Moderate : NoiseCategory::Low;
}

namespace {

struct Hour {
    double sum = 0.0;
    std::uint64_t count = 0;
    double min = 0.0;
    double max = 0.0;
    double avg() const { return sum / static_cast<double>(count); }
};

//! Spark's percentile(): position p × (n − 1) in the sorted values, linear interpolation between neighbours.
double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const double pos = p * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

double mean(const std::vector<double>& values) {
    double s = 0.0;
    for (const double v : values) {
        s += v;
    }
    return s / static_cast<double>(values.size());
}

}  // namespace

NoiseReport monthlyNoiseStatistics(std::span<const Reading> readings, YearMonth month,
                                   const NoiseThresholds& thresholds) {
    NoiseReport report;
    report.month = month;
    report.thresholds = thresholds;
    const std::int64_t from = monthStartMs(month);
    const std::int64_t to = monthEndMs(month);
    // hourly: GROUP BY district, hour.
    std::map<std::pair<std::uint16_t, std::int64_t>, Hour> hours;
    for (const Reading& r : readings) {
        if (r.metric != Metric::NoiseDb || r.eventTimeMs < from || r.eventTimeMs >= to || !std::isfinite(r.value)) {
            continue;
        }
        auto [it, fresh] = hours.try_emplace({r.locationId, hourFloor(r.eventTimeMs)});
        Hour& h = it->second;
        h.min = fresh ? r.value : std::min(h.min, r.value);
        h.max = fresh ? r.value : std::max(h.max, r.value);
        h.sum += r.value;
        ++h.count;
    }
    // daily: GROUP BY district, day; and the per-district inputs of the monthly row.
    struct District {
        std::vector<double> hourlyAvgs, dayHourAvgs, nightHourAvgs;
    };
    std::map<std::uint16_t, District> districts;
    for (auto it = hours.begin(); it != hours.end();) {
        const std::uint16_t location = it->first.first;
        const std::int64_t day = dayFloor(it->first.second);
        NoiseDay d;
        d.locationId = location;
        d.dayStartMs = day;
        d.minDb = it->second.min;
        d.maxDb = it->second.max;
        double sumOfAvgs = 0.0;
        District& dist = districts[location];
        for (; it != hours.end() && it->first.first == location && dayFloor(it->first.second) == day; ++it) {
            const double avg = it->second.avg();
            sumOfAvgs += avg;
            ++d.hours;
            d.minDb = std::min(d.minDb, it->second.min);
            d.maxDb = std::max(d.maxDb, it->second.max);
            dist.hourlyAvgs.push_back(avg);
            const int hod = hourOfDay(it->first.second);
            (hod >= thresholds.dayStartHour && hod < thresholds.dayEndHour ? dist.dayHourAvgs : dist.nightHourAvgs)
                .push_back(avg);
        }
        d.avgDb = sumOfAvgs / d.hours;
        report.days.push_back(d);
    }
    // monthly: GROUP BY district.
    for (auto& [location, dist] : districts) {
        NoiseMonth m;
        m.locationId = location;
        std::vector<double> dailyAvgs;
        int above = 0;
        bool first = true;
        for (const NoiseDay& d : report.days) {
            if (d.locationId != location) {
                continue;
            }
            dailyAvgs.push_back(d.avgDb);
            above += d.avgDb > thresholds.euLimitDb ? 1 : 0;
            m.maxDb = first ? d.maxDb : std::max(m.maxDb, d.maxDb);
            m.minDb = first ? d.minDb : std::min(m.minDb, d.minDb);
            first = false;
        }
        m.daysWithData = static_cast<int>(dailyAvgs.size());
        m.hoursWithData = static_cast<int>(dist.hourlyAvgs.size());
        m.avgDb = mean(dailyAvgs);
        if (dailyAvgs.size() >= 2) {
            double ss = 0.0;
            for (const double v : dailyAvgs) {
                ss += (v - m.avgDb) * (v - m.avgDb);
            }
            m.stddevDb = std::sqrt(ss / static_cast<double>(dailyAvgs.size() - 1));
        }
        m.p95Db = percentile(dist.hourlyAvgs, 0.95);
        m.category = categorize(m.avgDb, thresholds);
        m.pctDaysAboveEuLimit = 100.0 * above / m.daysWithData;
        if (!dist.dayHourAvgs.empty()) {
            m.dayAvgDb = mean(dist.dayHourAvgs);
        }
        if (!dist.nightHourAvgs.empty()) {
            m.nightAvgDb = mean(dist.nightHourAvgs);
        }
        report.districts.push_back(m);
    }
    return report;
}

std::string toText(const NoiseReport& report) {
    std::string out = detail::format(
        "Noise statistics %s per district (dB(A); HIGH > %.0f, MODERATE > %.0f, EU limit %.0f; day %02d-%02d UTC)\n",
        toString(report.month).c_str(), report.thresholds.highDb, report.thresholds.moderateDb,
        report.thresholds.euLimitDb, report.thresholds.dayStartHour, report.thresholds.dayEndHour);
    out += "  district    avg    max    min    p95 stddev days category  %days>EU  day avg night avg\n";
    for (const NoiseMonth& m : report.districts) {
        out += detail::format("  %8u %6.1f %6.1f %6.1f %6.1f %6.2f %4d %-9s %8.1f %8s %9s\n",
                              static_cast<unsigned>(m.locationId), m.avgDb, m.maxDb, m.minDb, m.p95Db, m.stddevDb,
                              m.daysWithData, std::string(toString(m.category)).c_str(), m.pctDaysAboveEuLimit,
                              detail::optional1(m.dayAvgDb).c_str(), detail::optional1(m.nightAvgDb).c_str());
    }
    if (report.districts.empty()) {
        out += "  (no noise readings in this month)\n";
    }
    return out;
}

std::string toJson(const NoiseReport& report) {
    detail::JsonOut j;
    j.beginObject().field("month", toString(report.month)).key("thresholds").beginObject();
    j.field("high_db", report.thresholds.highDb)
        .field("moderate_db", report.thresholds.moderateDb)
        .field("eu_limit_db", report.thresholds.euLimitDb)
        .field("day_start_hour", report.thresholds.dayStartHour)
        .field("day_end_hour", report.thresholds.dayEndHour)
        .endObject();
    j.key("districts").beginArray();
    for (const NoiseMonth& m : report.districts) {
        j.beginObject()
            .field("location_id", static_cast<unsigned>(m.locationId))
            .field("avg_db", m.avgDb)
            .field("max_db", m.maxDb)
            .field("min_db", m.minDb)
            .field("p95_db", m.p95Db)
            .field("stddev_db", m.stddevDb)
            .field("days_with_data", m.daysWithData)
            .field("hours_with_data", m.hoursWithData)
            .field("category", toString(m.category))
            .field("pct_days_above_eu_limit", m.pctDaysAboveEuLimit)
            .field("day_avg_db", m.dayAvgDb)
            .field("night_avg_db", m.nightAvgDb)
            .endObject();
    }
    j.endArray().key("days").beginArray();
    for (const NoiseDay& d : report.days) {
        j.beginObject()
            .field("location_id", static_cast<unsigned>(d.locationId))
            .field("day", formatDay(d.dayStartMs))
            .field("avg_db", d.avgDb)
            .field("max_db", d.maxDb)
            .field("min_db", d.minDb)
            .field("hours", d.hours)
            .endObject();
    }
    j.endArray().endObject();
    return std::move(j).str();
}

}  // namespace cityops::engine::history
