#pragma once

// How an emergency sensor's reading carries the type of the event it reports. A Reading has no
// room for it, so the EmergencySeverity value carries it in its first decimal:
//   value = severity + code / 10     (severity 1..5, code = EmergencyCode, e.g. 4.1 = a severity-4 fire)
// A quiet reading is exactly 0. Consumers that compare the value with a severity (value ≥ 3,
// value > 0) keep working; emergencySeverity() gives the integer severity back.

#include <cmath>
#include <cstdint>

namespace cityops::engine {

//! The type of an emergency event (the simulator's EmergencyType has the same values).
enum class EmergencyCode : std::uint8_t { None, Fire, GasLeak, Accident, Flooding, AirQuality };

//! The EmergencySeverity value for a severity (0..5) and an event type; severity 0 is always 0.
inline double encodeEmergency(int severity, EmergencyCode code) {
    return severity <= 0 ? 0.0 : static_cast<double>(severity) + static_cast<double>(code) / 10.0;
}

//! The integer severity of an EmergencySeverity value (0 = quiet; a plain integer value too).
inline int emergencySeverity(double value) {
    return std::isfinite(value) && value > 0.0 ? static_cast<int>(std::floor(value + 1e-6)) : 0;
}

//! The event type of an EmergencySeverity value (None for 0, a plain integer or an unknown code).
inline EmergencyCode emergencyCodeOf(double value) {
    if (!std::isfinite(value) || value <= 0.0) {
        return EmergencyCode::None;
    }
    const long tenths = std::lround((value - std::floor(value + 1e-6)) * 10.0);
    return tenths >= 1 && tenths <= 5 ? static_cast<EmergencyCode>(tenths) : EmergencyCode::None;
}

}  // namespace cityops::engine
