#include "cityops/simulation/scoring.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <span>

#include "cityops/engine/stream/city_jobs.h"
#include "cityops/simulation/receipt_run.h"
#include "cityops/simulation/retail.h"
#include "cityops/simulation/simulator.h"
#include "sensor_model.h"

namespace cityops::simulation {
namespace {

namespace st = engine::stream;

constexpr engine::AlertRule kEngineRules[] = {
    engine::AlertRule::Co2High,    engine::AlertRule::EmergencyConfirmed, engine::AlertRule::EnergyAnomaly,
    engine::AlertRule::TrafficJam, engine::AlertRule::HeatStress,         engine::AlertRule::EnergyOutage,
    engine::AlertRule::SensorSilent, engine::AlertRule::EmergencyFire,      engine::AlertRule::EmergencyGasLeak,
    engine::AlertRule::EmergencyAccident, engine::AlertRule::EmergencyFlooding, engine::AlertRule::SensorStuck,
    engine::AlertRule::SensorDrift,    engine::AlertRule::DuplicateReadings,  engine::AlertRule::LateReadings,
    engine::AlertRule::ClockSkew,      engine::AlertRule::DataFlood,          engine::AlertRule::RetailRush};

//! Where an incident happens, as far as attributing alerts goes.
struct Place {
    enum class Kind { Anywhere, Point, District, Sensors } kind = Kind::Anywhere;
    GeoPoint point;
    double reachM = 0.0;
    int district = -1;
    const std::vector<std::uint32_t>* sensors = nullptr;
    //! Sensor failures and floods of one sensor kind: only that kind's sensors count as near.
    std::optional<engine::SensorKind> sensorKind;
};

Place placeOf(const City& city, const Incident& incident, const ScoringOptions& options) {
    Place place;
    if (incident.kind == IncidentKind::SensorFailure || incident.kind == IncidentKind::DataFlood) {
        place.sensorKind = incident.sensorKind;
    }
    const bool pointKind = incident.kind == IncidentKind::Fire || incident.kind == IncidentKind::GasLeak ||
                           incident.kind == IncidentKind::Flooding || incident.kind == IncidentKind::Accident;
    if (pointKind) {
        place.kind = Place::Kind::Point;
        place.point = {incident.lat, incident.lon};
        if (incident.kind == IncidentKind::Accident && incident.roadSegmentId >= 0 &&
            static_cast<std::size_t>(incident.roadSegmentId) < city.roads.size()) {
            const RoadSegment& road = city.roads[static_cast<std::size_t>(incident.roadSegmentId)];
            place.point = {(road.from.lat + road.to.lat) / 2.0, (road.from.lon + road.to.lon) / 2.0};
        }
        place.reachM = std::max(incident.radiusM, incident.alarmRadiusM) + options.marginM;
        return place;
    }
    if (!incident.sensorIds.empty()) {
        place.kind = Place::Kind::Sensors;
        place.sensors = &incident.sensorIds;
        return place;
    }
    if (!incident.district.empty()) {
        place.kind = Place::Kind::District;
        for (std::size_t d = 0; d < city.districts.size(); ++d) {
            if (city.districts[d].name == incident.district) {
                place.district = static_cast<int>(d);
            }
        }
    }
    return place;
}

bool isNear(const City& city, const Place& place, const RaisedAlert& alert) {
    if (place.sensorKind &&
        (alert.sensorId >= city.sensors.size() || city.sensors[alert.sensorId].kind != *place.sensorKind)) {
        return false;
    }
    switch (place.kind) {
        case Place::Kind::Anywhere:
            return true;
        case Place::Kind::District:
            return place.district == static_cast<int>(alert.locationId);
        case Place::Kind::Sensors:
            return std::find(place.sensors->begin(), place.sensors->end(), alert.sensorId) != place.sensors->end();
        case Place::Kind::Point:
            return alert.sensorId < city.sensors.size() &&
                   detail::distanceM(place.point, city.sensors[alert.sensorId].position) <= place.reachM;
    }
    return false;
}

void appendEscaped(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buffer;
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendAlert(std::string& out, const RaisedAlert& alert, const City& city) {
    out += "{\"id\":" + std::to_string(alert.id) + ",\"rule\":";
    appendEscaped(out, alert.rule);
    out += ",\"raised_ms\":" + std::to_string(alert.raisedMs) + ",\"sensor\":";
    appendEscaped(
        out, alert.sensorId < city.sensors.size() ? city.sensors[alert.sensorId].name : std::to_string(alert.sensorId));
    out += ",\"district\":";
    appendEscaped(out, alert.locationId < city.districts.size() ? city.districts[alert.locationId].name
                                                                : std::to_string(alert.locationId));
    out += '}';
}

}  // namespace

bool isEngineRule(std::string_view rule) {
    return std::any_of(std::begin(kEngineRules), std::end(kEngineRules),
                       [rule](engine::AlertRule r) { return engine::toString(r) == rule; });
}

RaisedAlert toRaisedAlert(const engine::Alert& alert) {
    RaisedAlert out;
    out.id = alert.id;
    out.rule = std::string(engine::toString(alert.rule));
    out.raisedMs = alert.eventTimeMs;
    out.firstEventMs = alert.firstEventMs;
    out.sensorId = alert.sensorId;
    out.locationId = alert.locationId;
    return out;
}

RunScore scoreRun(const City& city, const Scenario& scenario, const std::vector<RaisedAlert>& alerts,
                  const std::vector<Acknowledgement>& acknowledgements, const ScoringOptions& options) {
    RunScore score;
    score.scenario = scenario.name;
    std::vector<Place> places;
    for (std::size_t i = 0; i < scenario.incidents.size(); ++i) {
        const Incident& incident = scenario.incidents[i];
        IncidentScore s;
        s.index = i;
        s.kind = incident.kind;
        s.startMs = scenario.startTimeMs + incident.startOffsetMs;
        s.endMs = s.startMs + incident.durationMs;
        for (const std::string& rule : incident.expectedAlerts) {
            ExpectedAlertScore e;
            e.rule = rule;
            e.scorable = isEngineRule(rule);
            s.expected.push_back(std::move(e));
        }
        score.incidents.push_back(std::move(s));
        places.push_back(placeOf(city, incident, options));
    }
    auto firstAck = [&acknowledgements](std::uint64_t id) {
        std::optional<std::int64_t> best;
        for (const Acknowledgement& ack : acknowledgements) {
            if (ack.alertId == id && (!best || ack.timeMs < *best)) {
                best = ack.timeMs;
            }
        }
        return best;
    };

    std::vector<const RaisedAlert*> ordered;
    for (const RaisedAlert& alert : alerts) {
        ordered.push_back(&alert);
    }
    std::sort(ordered.begin(), ordered.end(), [](const RaisedAlert* a, const RaisedAlert* b) {
        return a->raisedMs != b->raisedMs ? a->raisedMs < b->raisedMs : a->id < b->id;
    });
    for (const RaisedAlert* alert : ordered) {
        bool attributed = false;
        for (std::size_t i = 0; i < score.incidents.size(); ++i) {
            IncidentScore& s = score.incidents[i];
            if (alert->raisedMs < s.startMs || alert->raisedMs >= s.endMs + options.graceMs ||
                !isNear(city, places[i], *alert)) {
                continue;
            }
            for (ExpectedAlertScore& e : s.expected) {
                if (e.rule != alert->rule) {
                    continue;
                }
                attributed = true;
                ++s.matchedAlerts;
                const std::optional<std::int64_t> ack = firstAck(alert->id);
                if (!e.raised) {
                    e.raised = true;
                    e.alertId = alert->id;
                    e.toRaisedMs = alert->raisedMs - s.startMs;
                }
                if (ack && (!e.toAcknowledgedMs || *ack - s.startMs < *e.toAcknowledgedMs)) {
                    e.toAcknowledgedMs = *ack - s.startMs;
                }
                break;
            }
        }
        if (!attributed) {
            score.falseAlerts.push_back(*alert);
        }
    }
    for (IncidentScore& s : score.incidents) {
        for (const ExpectedAlertScore& e : s.expected) {
            if (!e.scorable) {
                ++score.unscorable;
            } else if (e.raised) {
                ++score.raised;
            } else {
                ++s.missed;
                ++score.missed;
            }
            if (e.toAcknowledgedMs) {
                ++score.acknowledged;
            }
        }
    }
    return score;
}

std::string toJson(const RunScore& score, const City& city) {
    std::string out = "{\"scenario\":";
    appendEscaped(out, score.scenario);
    out += ",\"raised\":" + std::to_string(score.raised) + ",\"missed\":" + std::to_string(score.missed) +
           ",\"unscorable\":" + std::to_string(score.unscorable) +
           ",\"acknowledged\":" + std::to_string(score.acknowledged) +
           ",\"false_alerts_count\":" + std::to_string(score.falseAlerts.size()) + ",\"incidents\":[";
    for (std::size_t i = 0; i < score.incidents.size(); ++i) {
        const IncidentScore& s = score.incidents[i];
        out += i == 0 ? "{" : ",{";
        out += "\"index\":" + std::to_string(s.index) + ",\"type\":";
        appendEscaped(out, toString(s.kind));
        out += ",\"start_ms\":" + std::to_string(s.startMs) + ",\"end_ms\":" + std::to_string(s.endMs) +
               ",\"matched_alerts\":" + std::to_string(s.matchedAlerts) + ",\"missed\":" + std::to_string(s.missed) +
               ",\"expected\":[";
        for (std::size_t j = 0; j < s.expected.size(); ++j) {
            const ExpectedAlertScore& e = s.expected[j];
            out += j == 0 ? "{" : ",{";
            out += "\"rule\":";
            appendEscaped(out, e.rule);
            out += std::string(",\"scorable\":") + (e.scorable ? "true" : "false") +
                   ",\"raised\":" + (e.raised ? "true" : "false") + ",\"alert_id\":" + std::to_string(e.alertId) +
                   ",\"to_raised_ms\":" + std::to_string(e.toRaisedMs) +
                   ",\"to_acknowledged_ms\":" + (e.toAcknowledgedMs ? std::to_string(*e.toAcknowledgedMs) : "null") +
                   "}";
        }
        out += "]}";
    }
    out += "],\"false_alerts\":[";
    for (std::size_t i = 0; i < score.falseAlerts.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        appendAlert(out, score.falseAlerts[i], city);
    }
    out += "]}";
    return out;
}

std::vector<RaisedAlert> runScenarioAlerts(const City& city, const Scenario& scenario, std::int64_t durationMs,
                                           int workers, std::int64_t stepMs) {
    st::CityJobsConfig config;
    config.job.jobId = "training-run";
    config.job.workers = workers;
    for (const District& district : city.districts) {
        config.districtNames.push_back(district.name);
    }
    config.expectedSeries = 2 * city.sensors.size();
    st::CityJobsOutputs outputs;
    std::unique_ptr<st::RunningJob<engine::Reading>> job = st::buildCityJobs(config, outputs);
    Simulator simulator(city, scenario);
    // Retail incidents: the stores' receipts through the receipts stream (its retail rush rule).
    std::optional<ReceiptGenerator> receipts;
    st::ReceiptJobsOutputs receiptOutputs;
    st::ReceiptJobs receiptJobs;
    if (hasRetailIncidents(scenario)) {
        receipts.emplace(generateStores(city, scenario.seed), city, scenario);
        st::ReceiptJobsConfig receiptConfig;
        receiptConfig.job.workers = workers;
        receiptConfig.job.checkpointIntervalMs = 0;
        receiptJobs = st::buildReceiptJobs(receiptConfig, receiptOutputs);
    }
    std::vector<engine::Reading> batch;
    std::vector<Receipt> receiptBatch;
    std::vector<st::ReceiptEvent> receiptEvents;
    std::vector<engine::Alert> raised;
    const std::int64_t end = scenario.startTimeMs + durationMs;
    for (std::int64_t t = scenario.startTimeMs; t < end;) {
        t = std::min(t + std::max<std::int64_t>(1, stepMs), end);
        batch.clear();
        simulator.advanceTo(t, batch);
        job->push(std::span<const engine::Reading>(batch));
        outputs.alerts->drain(raised);
        if (receipts) {
            receiptBatch.clear();
            receipts->advanceTo(t, receiptBatch);
            receiptEvents.clear();
            for (const Receipt& r : receiptBatch) {
                receiptEvents.push_back(toReceiptEvent(r));
            }
            receiptJobs.receipts->push(std::span<const st::ReceiptEvent>(receiptEvents));
            receiptOutputs.alerts->drain(raised);
        }
    }
    job->finish();
    outputs.alerts->drain(raised);
    job.reset();
    if (receipts) {
        receiptJobs.receipts->finish();
        receiptJobs.items->finish();
        receiptOutputs.alerts->drain(raised);
    }
    std::vector<RaisedAlert> out;
    out.reserve(raised.size());
    for (const engine::Alert& alert : raised) {
        out.push_back(toRaisedAlert(alert));
    }
    std::sort(out.begin(), out.end(), [](const RaisedAlert& a, const RaisedAlert& b) {
        return a.raisedMs != b.raisedMs ? a.raisedMs < b.raisedMs : a.id < b.id;
    });
    // An alert re-emitted (same deterministic id) counts once.
    out.erase(
        std::unique(out.begin(), out.end(), [](const RaisedAlert& a, const RaisedAlert& b) { return a.id == b.id; }),
        out.end());
    return out;
}

}  // namespace cityops::simulation
