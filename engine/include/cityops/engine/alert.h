#pragma once

#include <cstdint>
#include <string_view>

namespace cityops::engine {

//! The rule that raised an alert.
enum class AlertRule : std::uint8_t {
    Co2High,  //!< design rule: CO2 > 800 ppm at least 3 times within 5 minutes at one location
    EmergencyConfirmed,  //!< design rule: an emergency event followed by a related anomaly at its location
    EnergyAnomaly,       //!< design pattern: energy use far from the meter's same-hour-of-week baseline (robust z-score)
    // Situation rules (issue #5's scenarios); appended, since the numeric values are stored.
    TrafficJam,    //!< a road segment's 5-minute average speed stays at walking pace with vehicles queued
    HeatStress,    //!< most of a district's thermometers report a heat index above the limit for 30 minutes
    EnergyOutage,  //!< a meter reports almost nothing for several intervals while its recent level was normal
    SensorSilent,  //!< a sensor that reported before has sent nothing for several of its intervals
    // Emergency kinds (an emergency sensor reports an event of that type; see emergency_code.h).
    EmergencyFire,      //!< an emergency sensor reports a fire
    EmergencyGasLeak,   //!< an emergency sensor reports a gas leak
    EmergencyAccident,  //!< an emergency sensor reports a road accident
    EmergencyFlooding,  //!< an emergency sensor reports flooding
    // Sensor-health rules over the stream (data quality the operator must know about).
    SensorStuck,        //!< one sensor repeats the identical value many times over several minutes
    SensorDrift,        //!< a sensor slowly diverges from its district's other sensors of the metric
    DuplicateReadings,  //!< a sensor's (metric, sequence number) arrives more than once, repeatedly
    LateReadings,       //!< a sensor's readings repeatedly arrive seconds behind the stream's newest time
    ClockSkew,          //!< a sensor's event times are persistently far behind the stream's newest time
    DataFlood,          //!< a sensor sends far more readings per minute than its own usual rate
    RetailRush,         //!< a store's receipts per window far above its own baseline
};

enum class Severity : std::uint8_t { Info, Warning, Critical };

//! An alert raised in event time. Its id is deterministic (rule + key + first matched event), so a
//! re-emission after a restart or a rerun is recognisably the same alert.
struct Alert {
    std::uint64_t id = 0;
    std::int64_t firstEventMs = 0;  //!< event time of the first matched reading
    std::int64_t eventTimeMs = 0;   //!< event time of the reading that completed the match
    double value = 0.0;             //!< the largest value among the matched readings
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    AlertRule rule = AlertRule::Co2High;
    Severity severity = Severity::Warning;
    std::uint8_t matchedCount = 0;  //!< readings that formed the match
};

std::string_view toString(AlertRule rule);
std::string_view toString(Severity severity);

//! Deterministic alert id: a 64-bit mix of rule, key and the first matched event time.
std::uint64_t makeAlertId(AlertRule rule, std::uint64_t key, std::int64_t firstEventMs);

}  // namespace cityops::engine
