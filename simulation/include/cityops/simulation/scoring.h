#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! An alert raised during a training run, as the scorer needs it (from engine::Alert).
struct RaisedAlert {
    std::uint64_t id = 0;
    std::string rule;           //!< engine rule name: "co2_high", "emergency_confirmed", "energy_anomaly"
    std::int64_t raisedMs = 0;  //!< simulated time the alert was raised (event time of the completing reading)
    std::int64_t firstEventMs = 0;
    std::uint32_t sensorId = 0;    //!< the sensor the alert names (City::sensors index)
    std::uint16_t locationId = 0;  //!< district index
};

//! An operator acknowledging an alert at a simulated time (the console passes them in).
struct Acknowledgement {
    std::uint64_t alertId = 0;
    std::int64_t timeMs = 0;
};

//! How strict the scorer is about time and place.
struct ScoringOptions {
    //! An alert still belongs to an incident this long after the incident ended (rules need a few
    //! readings; aggregation windows close late).
    std::int64_t graceMs = 10 * 60'000;
    //! Point incidents: the alert's sensor must lie within max(radius, alarm radius) + this margin.
    double marginM = 500.0;
};

//! One declared alert of one incident.
struct ExpectedAlertScore {
    std::string rule;
    //! False when the engine has no rule of this name yet (the scenario format names rules the
    //! incidents are designed for, see resources/scenarios/README.md): then it is neither raised
    //! nor missed.
    bool scorable = false;
    bool raised = false;
    std::uint64_t alertId = 0;                     //!< the first matching alert
    std::int64_t toRaisedMs = -1;                  //!< incident start → alert raised; -1 = not raised
    std::optional<std::int64_t> toAcknowledgedMs;  //!< incident start → first acknowledgement of a matching alert
};

//! The score of one incident of the timeline.
struct IncidentScore {
    std::size_t index = 0;  //!< position in Scenario::incidents
    IncidentKind kind = IncidentKind::Co2Episode;
    std::int64_t startMs = 0;  //!< absolute simulated times
    std::int64_t endMs = 0;
    std::vector<ExpectedAlertScore> expected;
    std::uint32_t matchedAlerts = 0;  //!< raised alerts attributed to this incident (all its rules)
    std::uint32_t missed = 0;         //!< scorable expected alerts not raised
};

//! The score of a training run.
struct RunScore {
    std::string scenario;
    std::vector<IncidentScore> incidents;
    std::vector<RaisedAlert> falseAlerts;  //!< raised alerts no incident expects (rule, time, place)
    std::uint32_t raised = 0;              //!< scorable expected alerts raised
    std::uint32_t missed = 0;
    std::uint32_t unscorable = 0;  //!< expected alerts the engine has no rule for
    std::uint32_t acknowledged = 0;
};

//! True when the engine raises alerts under this rule name (engine::toString(AlertRule)).
bool isEngineRule(std::string_view rule);

//! A RaisedAlert from an engine alert.
RaisedAlert toRaisedAlert(const engine::Alert& alert);

//! Scores a run: each raised alert is attributed to the incidents whose expected rules name it,
//! which were active at its time (start ≤ time < end + grace) and whose place it is near (point
//! incidents: the alert's sensor within max(radius, alarm radius) + margin; district incidents: the
//! alert's district; city-wide incidents: anywhere). An alert attributed to none is false.
RunScore scoreRun(const City& city, const Scenario& scenario, const std::vector<RaisedAlert>& alerts,
                  const std::vector<Acknowledgement>& acknowledgements, const ScoringOptions& options = {});

//! The score as one JSON object (times in ms; -1 = never; null = not acknowledged).
std::string toJson(const RunScore& score, const City& city);

//! Runs a scenario for durationMs through the design's four stream jobs (engine buildCityJobs,
//! in-process, no storage) and returns every alert they raised, ordered by (raised time, id).
//! stepMs is how much simulated time each push carries. Throws engine::stream::JobError if the
//! jobs cannot start.
std::vector<RaisedAlert> runScenarioAlerts(const City& city, const Scenario& scenario, std::int64_t durationMs,
                                           int workers = 2, std::int64_t stepMs = 10'000);

}  // namespace cityops::simulation
