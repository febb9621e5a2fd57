#include "cityops/engine/reading.h"

namespace cityops::engine {

std::string_view toString(SensorKind kind) {
    switch (kind) {
        case SensorKind::Traffic:
            return "traffic";
        case SensorKind::AirQuality:
            return "air_quality";
        case SensorKind::Temperature:
            return "temperature";
        case SensorKind::Parking:
            return "parking";
        case SensorKind::Emergency:
            return "emergency";
        case SensorKind::Energy:
            return "energy";
        case SensorKind::Noise:
            return "noise";
    }
    return "unknown";
}

std::string_view toString(Metric metric) {
    switch (metric) {
        case Metric::TrafficSpeed:
            return "traffic_speed";
        case Metric::VehicleCount:
            return "vehicle_count";
        case Metric::Co2:
            return "co2";
        case Metric::Pm25:
            return "pm25";
        case Metric::Temperature:
            return "temperature";
        case Metric::Humidity:
            return "humidity";
        case Metric::ParkingOccupancy:
            return "parking_occupancy";
        case Metric::EmergencySeverity:
            return "emergency_severity";
        case Metric::EnergyKwh:
            return "energy_kwh";
        case Metric::NoiseDb:
            return "noise_db";
        case Metric::O3:
            return "o3";
        case Metric::No2:
            return "no2";
    }
    return "unknown";
}

std::string_view unitOf(Metric metric) {
    switch (metric) {
        case Metric::TrafficSpeed:
            return "km/h";
        case Metric::VehicleCount:
            return "vehicles";
        case Metric::Co2:
            return "ppm";
        case Metric::Pm25:
        case Metric::O3:
        case Metric::No2:
            return "µg/m³";
        case Metric::Temperature:
            return "°C";
        case Metric::Humidity:
            return "%";
        case Metric::ParkingOccupancy:
        case Metric::EmergencySeverity:
            return "";
        case Metric::EnergyKwh:
            return "kWh";
        case Metric::NoiseDb:
            return "dB(A)";
    }
    return "";
}

Metric primaryMetric(SensorKind kind) {
    switch (kind) {
        case SensorKind::Traffic:
            return Metric::TrafficSpeed;
        case SensorKind::AirQuality:
            return Metric::Co2;
        case SensorKind::Temperature:
            return Metric::Temperature;
        case SensorKind::Parking:
            return Metric::ParkingOccupancy;
        case SensorKind::Emergency:
            return Metric::EmergencySeverity;
        case SensorKind::Energy:
            return Metric::EnergyKwh;
        case SensorKind::Noise:
            return Metric::NoiseDb;
    }
    return Metric::TrafficSpeed;
}

}  // namespace cityops::engine
