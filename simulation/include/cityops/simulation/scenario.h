#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/simulation/sensor_fault.h"

namespace cityops::simulation {

//! The kinds of incident a scenario timeline can hold (resources/scenarios/README.md describes each).
enum class IncidentKind : std::uint8_t {
    Co2Episode,         //!< CO2 in a district climbs to peakPpm
    Fire,               //!< at a point: CO2, PM2.5 and temperature spike nearby; emergency sensors report
    GasLeak,            //!< at a point: emergency (gas) sensors report
    Flooding,           //!< at a point: emergency sensors report
    Accident,           //!< on a road segment or at a point: traffic collapses and queues up
    HeatWave,           //!< city-wide or one district: temperature and energy use go up
    SubstationFailure,  //!< a district's energy meters drop to about zero
    SensorFailure,      //!< chosen sensors misbehave (a SensorFault)
    DataFlood,          //!< chosen sensors report rateMultiplier times as often
    RetailRush,         //!< stores see more customers with bigger baskets
};

//! One incident on the scenario timeline, in simulated time relative to the scenario start. Fields
//! beyond kind, times and expectedAlerts are used only by the kinds named in their comments.
struct Incident {
    IncidentKind kind = IncidentKind::Co2Episode;
    std::string district;          //!< district name the incident affects; empty = not limited to one
    std::int64_t startOffsetMs = 0;
    std::int64_t durationMs = 0;
    double peakPpm = 1200.0;       //!< Co2Episode: CO2 level reached at the peak
    std::vector<std::string> expectedAlerts;  //!< rule names the incident should raise, for scoring

    bool hasPoint = false;         //!< Fire, GasLeak, Flooding, Accident: lat/lon given
    double lat = 0.0;
    double lon = 0.0;
    double radiusM = 500.0;        //!< Fire, GasLeak, Flooding, Accident: sensors within are affected
    double alarmRadiusM = 3'000.0; //!< Fire, GasLeak, Flooding, Accident: emergency sensors within report
    int severity = 3;              //!< Fire, GasLeak, Flooding, Accident: 1..5
    std::int32_t roadSegmentId = -1;  //!< Accident: the blocked segment, or -1 (then the point)
    double temperatureDeltaC = 8.0;   //!< HeatWave: extra degrees at the peak
    double energyFactor = 1.35;       //!< HeatWave: energy use multiplier at the peak
    std::vector<std::uint32_t> sensorIds;           //!< SensorFailure: explicit sensors
    std::optional<engine::SensorKind> sensorKind;   //!< SensorFailure, DataFlood: every sensor of a kind
    SensorFault fault;                //!< SensorFailure
    double rateMultiplier = 1.0;      //!< DataFlood (integer 2..100), RetailRush (1..20)
    double basketFactor = 1.0;        //!< RetailRush: items per basket multiplier
};

//! A scenario: which city, from which seed, starting when, and a timeline of incidents.
struct Scenario {
    std::string name;
    std::string description;
    std::uint64_t seed = 42;
    std::uint32_t sensorCount = 200;
    std::int64_t startTimeMs = 0;         //!< simulated wall-clock start, ms since epoch (UTC)
    std::int64_t defaultDurationMs = 3'600'000;
    std::vector<Incident> incidents;
};

//! A parse or validation failure with where it happened.
struct ScenarioError {
    std::string message;  //!< names the field and the problem
    int line = 0;         //!< 1-based line in the file, 0 when unknown
};

//! Either a scenario or an error: the boundary never throws on bad input.
using ScenarioResult = std::variant<Scenario, ScenarioError>;

//! Parses a scenario from JSON text (format documented in resources/scenarios/README.md).
ScenarioResult parseScenario(std::string_view json);
//! Loads a scenario from a file path, or a built-in scenario by name ("quiet-day", "co2-episode").
ScenarioResult loadScenario(std::string_view fileOrName);
//! Names of the built-in scenarios.
std::vector<std::string> builtinScenarioNames();

//! The alert names expected_alerts may use (documented in resources/scenarios/README.md).
std::vector<std::string> knownAlertNames();
//! Scenario spelling of an incident kind ("co2_episode", "fire", ...).
std::string_view toString(IncidentKind kind);

}  // namespace cityops::simulation
