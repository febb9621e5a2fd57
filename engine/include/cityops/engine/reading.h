#pragma once

#include <cstdint>
#include <string_view>

namespace cityops::engine {

//! The sensor families of the smart-city design (plus noise, which the monthly batch report needs).
enum class SensorKind : std::uint8_t { Traffic, AirQuality, Temperature, Parking, Emergency, Energy, Noise };
inline constexpr int kSensorKindCount = 7;

//! One measured quantity. A sensor of one kind may report several metrics (air quality: CO2, PM2.5,
//! O3 and NO2). New metrics are appended at the end: the numeric values are stored in logs,
//! checkpoints and SQLite, so existing ones never change.
enum class Metric : std::uint8_t {
    TrafficSpeed,       //!< km/h averaged over the road segment
    VehicleCount,       //!< vehicles per reporting interval
    Co2,                //!< ppm
    Pm25,               //!< µg/m³
    Temperature,        //!< °C
    Humidity,           //!< % relative humidity
    ParkingOccupancy,   //!< fraction of occupied places, 0..1
    EmergencySeverity,  //!< 0 = quiet, 1..5 = active event severity
    EnergyKwh,          //!< kWh consumed in the reporting interval
    NoiseDb,            //!< dB(A)
    O3,                 //!< ozone, µg/m³
    No2,                //!< nitrogen dioxide, µg/m³
};
inline constexpr int kMetricCount = 12;

//! One sensor reading as it travels through the engine: a fixed-size value type, so the hot path
//! copies it into preallocated queues and never allocates.
struct Reading {
    std::int64_t eventTimeMs = 0;  //!< event time from the payload, ms since the Unix epoch (UTC)
    std::uint64_t seq = 0;         //!< per-sensor sequence number: gaps and repeats are detectable
    double value = 0.0;
    std::uint32_t sensorId = 0;    //!< dense index into the city's sensor registry
    std::uint16_t locationId = 0;  //!< district index of the sensor
    SensorKind kind = SensorKind::Traffic;
    Metric metric = Metric::TrafficSpeed;
};

std::string_view toString(SensorKind kind);
std::string_view toString(Metric metric);
//! Unit shown next to a metric's value ("ppm", "km/h", ...).
std::string_view unitOf(Metric metric);
//! The metric a sensor kind is coloured by on the map and charted by default.
Metric primaryMetric(SensorKind kind);

}  // namespace cityops::engine
