#include "cityops/engine/alert.h"

namespace cityops::engine {

namespace {

//! splitmix64 finaliser: a bijective mix with full avalanche.
std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

std::string_view toString(AlertRule rule) {
    switch (rule) {
        case AlertRule::Co2High:
            return "co2_high";
        case AlertRule::EmergencyConfirmed:
            return "emergency_confirmed";
        case AlertRule::EnergyAnomaly:
            return "energy_anomaly";
        case AlertRule::TrafficJam:
            return "traffic_jam";
        case AlertRule::HeatStress:
            return "heat_stress";
        case AlertRule::EnergyOutage:
            return "energy_outage";
        case AlertRule::SensorSilent:
            return "sensor_silent";
        case AlertRule::EmergencyFire:
            return "emergency_fire";
        case AlertRule::EmergencyGasLeak:
            return "emergency_gas_leak";
        case AlertRule::EmergencyAccident:
            return "emergency_accident";
        case AlertRule::EmergencyFlooding:
            return "emergency_flooding";
        case AlertRule::SensorStuck:
            return "sensor_stuck";
        case AlertRule::SensorDrift:
            return "sensor_drift";
        case AlertRule::DuplicateReadings:
            return "duplicate_readings";
        case AlertRule::LateReadings:
            return "late_readings";
        case AlertRule::ClockSkew:
            return "clock_skew";
        case AlertRule::DataFlood:
            return "data_flood";
        case AlertRule::RetailRush:
            return "retail_rush";
    }
    return "unknown";
}

std::string_view toString(Severity severity) {
    switch (severity) {
        case Severity::Info:
            return "info";
        case Severity::Warning:
            return "warning";
        case Severity::Critical:
            return "critical";
    }
    return "unknown";
}

std::uint64_t makeAlertId(AlertRule rule, std::uint64_t key, std::int64_t firstEventMs) {
    std::uint64_t h = mix64(static_cast<std::uint64_t>(rule) + 1);
    h = mix64(h ^ key);
    h = mix64(h ^ static_cast<std::uint64_t>(firstEventMs));
    return h == 0 ? 1 : h;
}

}  // namespace cityops::engine
