#pragma once

#include <cstdint>
#include <string_view>

namespace cityops::simulation {

//! What an emergency sensor is reporting. engine::Metric carries only the severity, so the type
//! travels in this simulation-side side stream, joined to readings by (sensorId, seq).
enum class EmergencyType : std::uint8_t { None, Fire, GasLeak, Accident, Flooding, AirQuality };

//! One emission of an emergency sensor that reports an event (severity 1..5), or the first quiet
//! emission after one (severity 0, type = the type that cleared).
struct EmergencyEvent {
    std::int64_t eventTimeMs = 0;  //!< true event time (before any clock-skew fault)
    std::uint64_t seq = 0;         //!< the seq of the EmergencySeverity reading it belongs to
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    EmergencyType type = EmergencyType::None;
    std::uint8_t severity = 0;
};

//! Lower-case name ("fire", "gas_leak", "accident", "flooding", "air_quality", "none").
std::string_view toString(EmergencyType type);

}  // namespace cityops::simulation
