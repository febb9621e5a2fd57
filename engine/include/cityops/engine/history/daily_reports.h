#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/history/history_types.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine::history {

//! Thresholds of the daily service reports (docs/BATCH_HISTORY.md explains the choice).
struct DailyThresholds {
    double co2Ppm = 1000.0;      //!< hourly mean CO2 above this counts an hour (indoor-air comfort limit)
    double pm25 = 25.0;          //!< hourly mean PM2.5 µg/m³ above this counts an hour (EU annual limit value)
    double parkingFull = 0.95;   //!< hourly mean occupancy at or above this counts as a full hour
};

//! One parking lot (sensor) on one UTC day.
struct ParkingLotDay {
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    std::int64_t dayStartMs = 0;
    double avgOccupancy = 0.0;  //!< over the day's readings
    double maxOccupancy = 0.0;
    int peakHour = 0;           //!< UTC hour of the highest hourly mean (earliest on ties)
    double peakHourOccupancy = 0.0;
    int fullHours = 0;          //!< hours whose mean >= DailyThresholds::parkingFull
    int hours = 0;              //!< hours with data
};

//! All parking lots of one district on one UTC day; hourly means pool every lot's readings.
struct ParkingDistrictDay {
    std::uint16_t locationId = 0;
    std::int64_t dayStartMs = 0;
    double avgOccupancy = 0.0;
    double maxOccupancy = 0.0;
    int peakHour = 0;
    double peakHourOccupancy = 0.0;
    int lots = 0;
    int hours = 0;
};

//! Air quality of one district on one UTC day (CO2 and PM2.5 of all its sensors pooled).
struct AirQualityDay {
    std::uint16_t locationId = 0;
    std::int64_t dayStartMs = 0;
    std::optional<double> co2Avg, co2Max, pm25Avg, pm25Max;
    int co2HoursAbove = 0;   //!< district hourly means above DailyThresholds::co2Ppm
    int pm25HoursAbove = 0;  //!< district hourly means above DailyThresholds::pm25
    int hours = 0;           //!< hours with CO2 or PM2.5 data
};

struct DailyReport {
    DailyThresholds thresholds;
    std::vector<ParkingLotDay> parkingLots;          //!< by day, sensor
    std::vector<ParkingDistrictDay> parkingDistricts;  //!< by day, district
    std::vector<AirQualityDay> airQuality;           //!< by day, district
};

//! The daily reports per service from sensor-hour aggregates (window size 1 h, any order; metrics
//! other than parking occupancy, CO2 and PM2.5 are ignored). Averages are weighted by readings.
DailyReport dailyReports(std::span<const WindowAggregate> sensorHours, const DailyThresholds& thresholds = {});

std::string toText(const DailyReport& report);
std::string toJson(const DailyReport& report);

}  // namespace cityops::engine::history
