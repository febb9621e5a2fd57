#include "cityops/engine/stream/cep_rules.h"

#include <algorithm>
#include <tuple>

namespace cityops::engine::stream {

namespace {

bool isCo2Exceeding(const Reading& r, double threshold) { return r.metric == Metric::Co2 && r.value > threshold; }

bool isEmergency(const Reading& r, const EmergencyRuleConfig& c) {
    return r.kind == SensorKind::Emergency && r.metric == Metric::EmergencySeverity && r.value >= c.minSeverity;
}

bool isAnomaly(const Reading& r, const EmergencyRuleConfig& c) {
    return (r.metric == Metric::Temperature && r.value >= c.temperatureC) ||
           (r.metric == Metric::Co2 && r.value > c.co2Ppm);
}

CepOptions<Reading> readingOptions(std::string name, std::function<bool(const Reading&)> prefilter) {
    CepOptions<Reading> options;
    options.tieLess = readingTieLess;
    options.prefilter = std::move(prefilter);
    options.name = std::move(name);
    return options;
}

}  // namespace

bool readingTieLess(const Reading& a, const Reading& b) {
    return std::tie(a.sensorId, a.seq, a.value) < std::tie(b.sensorId, b.seq, b.value);
}

Pattern<Reading> co2RulePattern(const Co2RuleConfig& config) {
    const double threshold = config.thresholdPpm;
    return Pattern<Reading>::begin("high", AfterMatchSkipStrategy::skipPastLastEvent())
        .where([threshold](const Reading& r) { return isCo2Exceeding(r, threshold); })
        .times(config.times)
        .within(config.withinMs);
}

Alert co2RuleAlert(const Co2RuleConfig& config, const Match<Reading>& match) {
    const auto events = match.events();
    Alert alert;
    double maxValue = events.front().value.value;
    for (const auto& e : events) {
        maxValue = std::max(maxValue, e.value.value);
    }
    const Reading& last = events.back().value;
    alert.firstEventMs = events.front().eventTime;
    alert.eventTimeMs = events.back().eventTime;
    alert.value = maxValue;
    alert.sensorId = last.sensorId;
    alert.locationId = last.locationId;
    alert.rule = AlertRule::Co2High;
    alert.severity = maxValue >= config.criticalFactor * config.thresholdPpm ? Severity::Critical : Severity::Warning;
    alert.matchedCount = static_cast<std::uint8_t>(std::min<std::size_t>(events.size(), 255));
    alert.id = makeAlertId(alert.rule, match.key(), alert.firstEventMs);
    return alert;
}

std::unique_ptr<CepOperator<Reading, Alert>> makeCo2RuleOperator(const Co2RuleConfig& config) {
    const double threshold = config.thresholdPpm;
    return std::make_unique<CepOperator<Reading, Alert>>(
        co2RulePattern(config), [config](const Match<Reading>& m) { return co2RuleAlert(config, m); },
        readingOptions("cep(co2_high)", [threshold](const Reading& r) { return isCo2Exceeding(r, threshold); }));
}

Pattern<Reading> emergencyRulePattern(const EmergencyRuleConfig& config) {
    return Pattern<Reading>::begin("emergency", AfterMatchSkipStrategy::skipPastLastEvent())
        .where([config](const Reading& r) { return isEmergency(r, config); })
        .followedBy("anomaly")
        .where([config](const Reading& r) { return isAnomaly(r, config); })
        .where([](const Reading& r, const MatchContext<Reading>& ctx) {
            const Reading* emergency = ctx.first("emergency");
            return emergency != nullptr && emergency->locationId == r.locationId;
        })
        .within(config.withinMs);
}

Alert emergencyRuleAlert(const Match<Reading>& match) {
    Alert alert;
    const auto emergency = match.get("emergency");
    const auto anomaly = match.get("anomaly");
    if (emergency.empty() || anomaly.empty()) {
        return alert;
    }
    alert.firstEventMs = emergency.front().eventTime;
    alert.eventTimeMs = anomaly.back().eventTime;
    alert.value = anomaly.back().value.value;
    alert.sensorId = emergency.front().value.sensorId;
    alert.locationId = emergency.front().value.locationId;
    alert.rule = AlertRule::EmergencyConfirmed;
    alert.severity = Severity::Critical;
    alert.matchedCount = static_cast<std::uint8_t>(match.size());
    alert.id = makeAlertId(alert.rule, match.key(), alert.firstEventMs);
    return alert;
}

namespace {

std::function<bool(const Reading&)> emergencyPrefilter(const EmergencyRuleConfig& config) {
    return [config](const Reading& r) { return isEmergency(r, config) || isAnomaly(r, config); };
}

}  // namespace

std::unique_ptr<CepOperator<Reading, Alert>> makeEmergencyRuleOperator(const EmergencyRuleConfig& config) {
    return std::make_unique<CepOperator<Reading, Alert>>(
        emergencyRulePattern(config), [](const Match<Reading>& m) { return emergencyRuleAlert(m); },
        readingOptions("cep(emergency_confirmed)", emergencyPrefilter(config)));
}

std::unique_ptr<CepOperator<Reading, MatchedAlert>> makeEmergencyRuleMatchOperator(
    const EmergencyRuleConfig& config) {
    return std::make_unique<CepOperator<Reading, MatchedAlert>>(
        emergencyRulePattern(config),
        [](const Match<Reading>& m) { return MatchedAlert{emergencyRuleAlert(m), m}; },
        readingOptions("cep(emergency_confirmed)", emergencyPrefilter(config)));
}

}  // namespace cityops::engine::stream
