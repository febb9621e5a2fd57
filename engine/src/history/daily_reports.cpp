// Daily service reports (parking, air quality) from sensor-hour aggregates.
#include "cityops/engine/history/daily_reports.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "history/json_out.h"

namespace cityops::engine::history {

namespace {

//! Readings pooled over some sensors in one hour.
struct Pool {
    std::uint64_t count = 0;
    double sum = 0.0;
    double max = 0.0;
    void add(const WindowAggregate& a) {
        max = count == 0 ? a.max : std::max(max, a.max);
        count += a.count;
        sum += a.sum;
    }
    double mean() const { return count == 0 ? 0.0 : sum / static_cast<double>(count); }
};

//! A day of hourly pools (index = UTC hour), summed into the day's figures.
struct DayPools {
    std::array<Pool, 24> hours{};
    std::set<std::uint32_t> sensors;

    Pool day() const {
        Pool total;
        for (const Pool& p : hours) {
            if (p.count > 0) {
                total.max = total.count == 0 ? p.max : std::max(total.max, p.max);
                total.count += p.count;
                total.sum += p.sum;
            }
        }
        return total;
    }
    int hoursWithData() const {
        return static_cast<int>(std::count_if(hours.begin(), hours.end(), [](const Pool& p) { return p.count > 0; }));
    }
    //! Earliest hour with the highest mean, and that mean.
    std::pair<int, double> peak() const {
        int best = -1;
        for (int h = 0; h < 24; ++h) {
            if (hours[h].count > 0 && (best < 0 || hours[h].mean() > hours[best].mean())) {
                best = h;
            }
        }
        return best < 0 ? std::pair{0, 0.0} : std::pair{best, hours[best].mean()};
    }
    int hoursWhere(auto predicate) const {
        return static_cast<int>(std::count_if(hours.begin(), hours.end(),
                                              [&](const Pool& p) { return p.count > 0 && predicate(p.mean()); }));
    }
};

}  // namespace

DailyReport dailyReports(std::span<const WindowAggregate> sensorHours, const DailyThresholds& thresholds) {
    DailyReport report;
    report.thresholds = thresholds;
    // Keys put the day first, so the maps iterate in the report's order.
    std::map<std::tuple<std::int64_t, std::uint32_t>, std::pair<std::uint16_t, DayPools>> lots;
    std::map<std::tuple<std::int64_t, std::uint16_t>, DayPools> parkingDistricts;
    std::map<std::tuple<std::int64_t, std::uint16_t>, std::pair<DayPools, DayPools>> air;  // CO2, PM2.5
    for (const WindowAggregate& a : sensorHours) {
        if (a.count == 0) {
            continue;
        }
        const std::int64_t day = dayFloor(a.windowStartMs);
        const int hour = hourOfDay(a.windowStartMs);
        if (a.metric == Metric::ParkingOccupancy) {
            auto& lot = lots[{day, a.sensorId}];
            lot.first = a.locationId;
            lot.second.hours[hour].add(a);
            DayPools& district = parkingDistricts[{day, a.locationId}];
            district.hours[hour].add(a);
            district.sensors.insert(a.sensorId);
        } else if (a.metric == Metric::Co2 || a.metric == Metric::Pm25) {
            auto& pools = air[{day, a.locationId}];
            (a.metric == Metric::Co2 ? pools.first : pools.second).hours[hour].add(a);
        }
    }
    for (const auto& [key, lot] : lots) {
        const Pool day = lot.second.day();
        const auto [peakHour, peakMean] = lot.second.peak();
        ParkingLotDay row;
        row.sensorId = std::get<1>(key);
        row.locationId = lot.first;
        row.dayStartMs = std::get<0>(key);
        row.avgOccupancy = day.mean();
        row.maxOccupancy = day.max;
        row.peakHour = peakHour;
        row.peakHourOccupancy = peakMean;
        row.fullHours = lot.second.hoursWhere([&](double m) { return m >= thresholds.parkingFull; });
        row.hours = lot.second.hoursWithData();
        report.parkingLots.push_back(row);
    }
    for (const auto& [key, pools] : parkingDistricts) {
        const Pool day = pools.day();
        const auto [peakHour, peakMean] = pools.peak();
        ParkingDistrictDay row;
        row.dayStartMs = std::get<0>(key);
        row.locationId = std::get<1>(key);
        row.avgOccupancy = day.mean();
        row.maxOccupancy = day.max;
        row.peakHour = peakHour;
        row.peakHourOccupancy = peakMean;
        row.lots = static_cast<int>(pools.sensors.size());
        row.hours = pools.hoursWithData();
        report.parkingDistricts.push_back(row);
    }
    for (const auto& [key, pools] : air) {
        AirQualityDay row;
        row.dayStartMs = std::get<0>(key);
        row.locationId = std::get<1>(key);
        const Pool co2 = pools.first.day();
        const Pool pm = pools.second.day();
        if (co2.count > 0) {
            row.co2Avg = co2.mean();
            row.co2Max = co2.max;
        }
        if (pm.count > 0) {
            row.pm25Avg = pm.mean();
            row.pm25Max = pm.max;
        }
        row.co2HoursAbove = pools.first.hoursWhere([&](double m) { return m > thresholds.co2Ppm; });
        row.pm25HoursAbove = pools.second.hoursWhere([&](double m) { return m > thresholds.pm25; });
        for (int h = 0; h < 24; ++h) {
            row.hours += (pools.first.hours[h].count > 0 || pools.second.hours[h].count > 0) ? 1 : 0;
        }
        report.airQuality.push_back(row);
    }
    return report;
}

std::string toText(const DailyReport& report) {
    std::string out = "Parking per district and day (occupancy 0..1)\n"
                      "  day         district  lots hours    avg    max  peak hour (avg)\n";
    for (const ParkingDistrictDay& d : report.parkingDistricts) {
        out += detail::format("  %s %8u %5d %5d %6.3f %6.3f  %02d:00 (%.3f)\n", formatDay(d.dayStartMs).c_str(),
                              static_cast<unsigned>(d.locationId), d.lots, d.hours, d.avgOccupancy, d.maxOccupancy,
                              d.peakHour, d.peakHourOccupancy);
    }
    out += detail::format("Parking lots: %zu lot-days (per lot in the JSON output)\n", report.parkingLots.size());
    out += detail::format("Air quality per district and day (hours above CO2 %.0f ppm / PM2.5 %.0f ug/m3)\n",
                          report.thresholds.co2Ppm, report.thresholds.pm25);
    out += "  day         district  CO2 avg  CO2 max  >thr  PM2.5 avg PM2.5 max  >thr\n";
    for (const AirQualityDay& d : report.airQuality) {
        out += detail::format("  %s %8u %8s %8s %5d %10s %9s %5d\n", formatDay(d.dayStartMs).c_str(),
                              static_cast<unsigned>(d.locationId), detail::optional1(d.co2Avg).c_str(),
                              detail::optional1(d.co2Max).c_str(), d.co2HoursAbove, detail::optional1(d.pm25Avg).c_str(),
                              detail::optional1(d.pm25Max).c_str(), d.pm25HoursAbove);
    }
    return out;
}

std::string toJson(const DailyReport& report) {
    detail::JsonOut j;
    j.beginObject().key("thresholds").beginObject();
    j.field("co2_ppm", report.thresholds.co2Ppm)
        .field("pm25", report.thresholds.pm25)
        .field("parking_full", report.thresholds.parkingFull)
        .endObject();
    j.key("parking_lots").beginArray();
    for (const ParkingLotDay& d : report.parkingLots) {
        j.beginObject()
            .field("day", formatDay(d.dayStartMs))
            .field("sensor_id", d.sensorId)
            .field("location_id", static_cast<unsigned>(d.locationId))
            .field("avg_occupancy", d.avgOccupancy)
            .field("max_occupancy", d.maxOccupancy)
            .field("peak_hour", d.peakHour)
            .field("peak_hour_occupancy", d.peakHourOccupancy)
            .field("full_hours", d.fullHours)
            .field("hours", d.hours)
            .endObject();
    }
    j.endArray().key("parking_districts").beginArray();
    for (const ParkingDistrictDay& d : report.parkingDistricts) {
        j.beginObject()
            .field("day", formatDay(d.dayStartMs))
            .field("location_id", static_cast<unsigned>(d.locationId))
            .field("avg_occupancy", d.avgOccupancy)
            .field("max_occupancy", d.maxOccupancy)
            .field("peak_hour", d.peakHour)
            .field("peak_hour_occupancy", d.peakHourOccupancy)
            .field("lots", d.lots)
            .field("hours", d.hours)
            .endObject();
    }
    j.endArray().key("air_quality").beginArray();
    for (const AirQualityDay& d : report.airQuality) {
        j.beginObject()
            .field("day", formatDay(d.dayStartMs))
            .field("location_id", static_cast<unsigned>(d.locationId))
            .field("co2_avg", d.co2Avg)
            .field("co2_max", d.co2Max)
            .field("co2_hours_above", d.co2HoursAbove)
            .field("pm25_avg", d.pm25Avg)
            .field("pm25_max", d.pm25Max)
            .field("pm25_hours_above", d.pm25HoursAbove)
            .field("hours", d.hours)
            .endObject();
    }
    j.endArray().endObject();
    return std::move(j).str();
}

}  // namespace cityops::engine::history
