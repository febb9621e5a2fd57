#pragma once

// The design's CEP rules over engine::Reading, ready to run as keyed operators that emit
// engine::Alert. Key the input by location (or by sensor, as the first pipeline's Co2Rule does).

#include <memory>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream/cep_match.h"
#include "cityops/engine/stream/cep_operator.h"
#include "cityops/engine/stream/cep_pattern.h"

namespace cityops::engine::stream {

//! CO2 > thresholdPpm `times` times within withinMs per key, relaxed contiguity, SKIP_PAST_LAST_EVENT.
struct Co2RuleConfig {
    double thresholdPpm = 800.0;
    int times = 3;
    TimeMs withinMs = 5 * 60'000;
    double criticalFactor = 1.5;  //!< Critical when the largest matched value reaches factor × threshold
};

//! An emergency event (EmergencySeverity ≥ minSeverity) followed within withinMs by an anomaly at the
//! same location (temperature ≥ temperatureC or CO2 > co2Ppm), SKIP_PAST_LAST_EVENT.
struct EmergencyRuleConfig {
    double minSeverity = 3.0;
    double temperatureC = 45.0;
    double co2Ppm = 1200.0;
    TimeMs withinMs = 10 * 60'000;
};

//! An alert together with the match that raised it (all matched readings, by stage name).
struct MatchedAlert {
    Alert alert;
    Match<Reading> match;
};

//! Orders readings of one key with the same event time: (sensorId, seq, value), as Co2Rule does.
bool readingTieLess(const Reading& a, const Reading& b);

//! Stage "high": metric Co2 and value > threshold, times(n), within.
Pattern<Reading> co2RulePattern(const Co2RuleConfig& config = {});
//! The Co2High alert of a match: id = makeAlertId(Co2High, key, first), max value, severity, count.
Alert co2RuleAlert(const Co2RuleConfig& config, const Match<Reading>& match);
//! The CO2 rule as an operator (prefilters readings that are not exceeding CO2 readings).
std::unique_ptr<CepOperator<Reading, Alert>> makeCo2RuleOperator(const Co2RuleConfig& config = {});

//! Stages "emergency" (the event) and "anomaly" (same location as the emergency), within.
Pattern<Reading> emergencyRulePattern(const EmergencyRuleConfig& config = {});
//! The Critical EmergencyConfirmed alert of a match: sensor and location of the emergency event,
//! value of the anomaly, id = makeAlertId(EmergencyConfirmed, key, emergency time), matchedCount 2.
Alert emergencyRuleAlert(const Match<Reading>& match);
//! The emergency rule as an operator emitting alerts.
std::unique_ptr<CepOperator<Reading, Alert>> makeEmergencyRuleOperator(const EmergencyRuleConfig& config = {});
//! The emergency rule as an operator emitting the alert with both matched readings.
std::unique_ptr<CepOperator<Reading, MatchedAlert>> makeEmergencyRuleMatchOperator(
    const EmergencyRuleConfig& config = {});

}  // namespace cityops::engine::stream
