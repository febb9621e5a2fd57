#include <algorithm>
#include <cstdio>
#include <iterator>

#include "cityops/simulation/city.h"
#include "field_reader.h"

namespace cityops::simulation {
namespace detail {
namespace {

constexpr std::uint32_t kMaxSensors = 100'000;
constexpr double kMinPeakPpm = 400.0;
constexpr double kMaxPeakPpm = 20'000.0;

//! What an incident type is called in a scenario and which fields it takes beyond the common ones.
struct KindInfo {
    IncidentKind kind;
    std::string_view name;
    std::string_view fields;  //!< ", "-separated
};
constexpr std::string_view kPointFields = "lat, lon, radius_m, alarm_radius_m, severity";
constexpr KindInfo kKinds[] = {
    {IncidentKind::Co2Episode, "co2_episode", "district, peak_ppm"},
    {IncidentKind::Fire, "fire", kPointFields},
    {IncidentKind::GasLeak, "gas_leak", kPointFields},
    {IncidentKind::Flooding, "flooding", kPointFields},
    {IncidentKind::Accident, "accident", "road, lat, lon, radius_m, alarm_radius_m, severity"},
    {IncidentKind::HeatWave, "heat_wave", "district, temperature_delta_c, energy_factor"},
    {IncidentKind::SubstationFailure, "substation_failure", "district"},
    {IncidentKind::SensorFailure, "sensor_failure",
     "sensor_ids, sensor_kind, district, fault, rate, drift_per_hour, max_delay, skew"},
    {IncidentKind::DataFlood, "data_flood", "district, sensor_kind, rate_multiplier"},
    {IncidentKind::RetailRush, "retail_rush", "district, rate_multiplier, basket_factor"},
};
//! Names expected_alerts may use: the engine's rules (co2_high, emergency_confirmed, energy_anomaly) and
//! those planned for the incidents.
constexpr std::string_view kAlertNames[] = {
    "co2_high",       "emergency_confirmed", "energy_anomaly",     "emergency_fire",     "emergency_gas_leak",
    "emergency_flooding", "emergency_accident", "traffic_jam",     "heat_stress",        "energy_outage",
    "sensor_stuck",   "sensor_drift",        "sensor_silent",      "duplicate_readings", "late_readings",
    "clock_skew",     "data_flood",          "retail_rush"};

constexpr std::string_view kCommonFields = "type, start, duration, expected_alerts";

constexpr std::pair<FaultMode, std::string_view> kFaultNames[] = {{FaultMode::Stuck, "stuck"},
                                                                  {FaultMode::Drift, "drift"},
                                                                  {FaultMode::Dropout, "dropout"},
                                                                  {FaultMode::Duplicate, "duplicate"},
                                                                  {FaultMode::OutOfOrder, "out_of_order"},
                                                                  {FaultMode::ClockSkew, "clock_skew"}};

bool listContains(std::string_view list, std::string_view name) {
    while (!list.empty()) {
        const std::size_t comma = list.find(", ");
        if (list.substr(0, comma) == name) {
            return true;
        }
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 2);
    }
    return false;
}

std::string knownNames(auto&& range, auto&& nameOf) {
    std::string out;
    for (const auto& item : range) {
        out += out.empty() ? "" : ", ";
        out += nameOf(item);
    }
    return out;
}

double boundedNumber(const FieldReader& reader, simdjson::dom::element value, const std::string& path, double lo,
                     double hi) {
    const double out = reader.number(value, path);
    if (!(out >= lo && out <= hi)) {
        char range[96];
        std::snprintf(range, sizeof range, "must be between %g and %g", lo, hi);
        reader.fail(path, range);
    }
    return out;
}

//! A duration that may be negative ("-90s"), for clock skew.
std::int64_t signedDuration(const FieldReader& reader, simdjson::dom::element value, const std::string& path) {
    const std::string text = reader.string(value, path);
    const bool negative = !text.empty() && text.front() == '-';
    const std::optional<std::int64_t> ms = detail::parseDuration(negative ? text.substr(1) : text);
    if (!ms) {
        reader.fail(path, "bad duration \"" + text + "\" (expected e.g. \"30s\" or \"-2m\")");
    }
    return negative ? -*ms : *ms;
}

engine::SensorKind sensorKindNamed(const FieldReader& reader, const std::string& name, const std::string& path) {
    for (int k = 0; k < engine::kSensorKindCount; ++k) {
        const auto kind = static_cast<engine::SensorKind>(k);
        if (engine::toString(kind) == name) {
            return kind;
        }
    }
    std::string known;
    for (int k = 0; k < engine::kSensorKindCount; ++k) {
        known += known.empty() ? "" : ", ";
        known += engine::toString(static_cast<engine::SensorKind>(k));
    }
    reader.fail(path, "unknown sensor kind \"" + name + "\" (known: " + known + ")");
}

const KindInfo& parseKind(const FieldReader& reader, simdjson::dom::object object, const std::string& path) {
    const std::string typePath = path + ".type";
    const std::string type = reader.string(object["type"].value_unsafe(), typePath);
    for (const KindInfo& info : kKinds) {
        if (info.name == type) {
            return info;
        }
    }
    reader.fail(typePath, "unknown incident type \"" + type + "\" (known: " + knownNames(kKinds, [](const KindInfo& k) {
                              return std::string(k.name);
                          }) + ")");
}

void setKindDefaults(Incident& incident) {
    switch (incident.kind) {
        case IncidentKind::GasLeak:
            incident.radiusM = 300.0;
            break;
        case IncidentKind::Flooding:
            incident.radiusM = 400.0;
            break;
        case IncidentKind::Accident:
            incident.radiusM = 200.0;
            break;
        case IncidentKind::RetailRush:
            incident.rateMultiplier = 3.0;
            incident.basketFactor = 1.5;
            break;
        default:
            break;
    }
}

//! Checks the fields a kind needs together, after all fields were read.
void checkCombination(const FieldReader& reader, Incident& incident, const std::string& path,
                      const std::vector<std::string>& seen) {
    auto has = [&seen](std::string_view key) { return std::find(seen.begin(), seen.end(), key) != seen.end(); };
    auto require = [&](std::string_view key) {
        if (!has(key)) {
            reader.fail(path, "missing required field '" + std::string(key) + "'");
        }
    };
    switch (incident.kind) {
        case IncidentKind::Co2Episode:
        case IncidentKind::SubstationFailure:
            require("district");
            break;
        case IncidentKind::Fire:
        case IncidentKind::GasLeak:
        case IncidentKind::Flooding:
            require("lat");
            require("lon");
            break;
        case IncidentKind::Accident:
            if (!has("road") && !(has("lat") && has("lon"))) {
                reader.fail(path, "an accident needs 'road' or both 'lat' and 'lon'");
            }
            if (has("road") && (has("lat") || has("lon"))) {
                reader.fail(path, "give either 'road' or 'lat'/'lon', not both");
            }
            break;
        case IncidentKind::SensorFailure: {
            require("fault");
            if (has("sensor_ids") == has("sensor_kind")) {
                reader.fail(path, "give exactly one of 'sensor_ids' and 'sensor_kind'");
            }
            if (has("district") && !has("sensor_kind")) {
                reader.fail(path + ".district", "only narrows 'sensor_kind'; not allowed with 'sensor_ids'");
            }
            const FaultMode mode = incident.fault.mode;
            auto onlyFor = [&](std::string_view key, bool allowed, std::string_view modes) {
                if (has(key) && !allowed) {
                    reader.fail(path + "." + std::string(key), "only used with fault " + std::string(modes));
                }
            };
            const bool random =
                mode == FaultMode::Dropout || mode == FaultMode::Duplicate || mode == FaultMode::OutOfOrder;
            onlyFor("rate", random, "\"dropout\", \"duplicate\" or \"out_of_order\"");
            onlyFor("drift_per_hour", mode == FaultMode::Drift, "\"drift\"");
            onlyFor("max_delay", mode == FaultMode::OutOfOrder, "\"out_of_order\"");
            onlyFor("skew", mode == FaultMode::ClockSkew, "\"clock_skew\"");
            if (!has("rate")) {
                incident.fault.rate = mode == FaultMode::Dropout ? 1.0 : 0.3;
            }
            if (!has("skew") && mode == FaultMode::ClockSkew) {
                incident.fault.skewMs = 30'000;
            }
            break;
        }
        case IncidentKind::DataFlood:
            require("rate_multiplier");
            if (!has("district") && !has("sensor_kind")) {
                reader.fail(path, "a data flood needs 'district', 'sensor_kind' or both");
            }
            break;
        case IncidentKind::HeatWave:
        case IncidentKind::RetailRush:
            break;
    }
}

}  // namespace

Incident parseIncident(const FieldReader& reader, simdjson::dom::element value, const std::string& path) {
    const simdjson::dom::object object = reader.object(value, path);
    requireFields(reader, object, path, {"type", "start", "duration"});
    const KindInfo& info = parseKind(reader, object, path);
    Incident incident;
    incident.kind = info.kind;
    setKindDefaults(incident);
    const std::vector<std::string> districts = demoDistrictNames();
    std::vector<std::string> seen;
    for (const auto field : object) {
        const std::string key(field.key);
        const std::string fieldPath = path + "." + key;
        if (!listContains(kCommonFields, key) && !listContains(info.fields, key)) {
            reader.fail(fieldPath, "unknown field (allowed for " + std::string(info.name) + ": " +
                                       std::string(kCommonFields) + ", " + std::string(info.fields) + ")");
        }
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            reader.fail(fieldPath, "appears more than once");
        }
        seen.push_back(key);
        if (key == "type") {
            continue;
        } else if (key == "district") {
            incident.district = reader.string(field.value, fieldPath);
            if (std::find(districts.begin(), districts.end(), incident.district) == districts.end()) {
                reader.fail(fieldPath,
                            "unknown district \"" + incident.district + "\" (known: " + joined(districts) + ")");
            }
        } else if (key == "start") {
            incident.startOffsetMs = reader.duration(field.value, fieldPath, true);
        } else if (key == "duration") {
            incident.durationMs = reader.duration(field.value, fieldPath, false);
        } else if (key == "peak_ppm") {
            incident.peakPpm = reader.number(field.value, fieldPath);
            if (incident.peakPpm < kMinPeakPpm || incident.peakPpm > kMaxPeakPpm) {
                reader.fail(fieldPath, "peak_ppm must be between 400 and 20000");
            }
        } else if (key == "expected_alerts") {
            std::size_t index = 0;
            for (const simdjson::dom::element alert : reader.array(field.value, fieldPath)) {
                const std::string alertPath = fieldPath + "[" + std::to_string(index++) + "]";
                std::string name = reader.string(alert, alertPath);
                if (std::find(std::begin(kAlertNames), std::end(kAlertNames), name) == std::end(kAlertNames)) {
                    reader.fail(alertPath,
                                "unknown alert \"" + name + "\" (known: " +
                                    knownNames(kAlertNames, [](std::string_view n) { return std::string(n); }) + ")");
                }
                incident.expectedAlerts.push_back(std::move(name));
            }
        } else if (key == "lat") {
            incident.lat = boundedNumber(reader, field.value, fieldPath, -90.0, 90.0);
            incident.hasPoint = true;
        } else if (key == "lon") {
            incident.lon = boundedNumber(reader, field.value, fieldPath, -180.0, 180.0);
        } else if (key == "radius_m") {
            incident.radiusM = boundedNumber(reader, field.value, fieldPath, 10.0, 20'000.0);
        } else if (key == "alarm_radius_m") {
            incident.alarmRadiusM = boundedNumber(reader, field.value, fieldPath, 10.0, 50'000.0);
        } else if (key == "severity") {
            const std::uint64_t severity = reader.unsignedInteger(field.value, fieldPath);
            if (severity < 1 || severity > 5) {
                reader.fail(fieldPath, "must be an integer from 1 to 5");
            }
            incident.severity = static_cast<int>(severity);
        } else if (key == "road") {
            const std::uint64_t road = reader.unsignedInteger(field.value, fieldPath);
            if (road > 0x7fffffffULL) {
                reader.fail(fieldPath, "road segment id too large");
            }
            incident.roadSegmentId = static_cast<std::int32_t>(road);
        } else if (key == "temperature_delta_c") {
            incident.temperatureDeltaC = boundedNumber(reader, field.value, fieldPath, 0.0, 25.0);
        } else if (key == "energy_factor") {
            incident.energyFactor = boundedNumber(reader, field.value, fieldPath, 1.0, 3.0);
        } else if (key == "sensor_ids") {
            std::size_t index = 0;
            for (const simdjson::dom::element id : reader.array(field.value, fieldPath)) {
                const std::string idPath = fieldPath + "[" + std::to_string(index++) + "]";
                const std::uint64_t sensor = reader.unsignedInteger(id, idPath);
                if (sensor >= kMaxSensors) {
                    reader.fail(idPath, "sensor id must be below 100000");
                }
                incident.sensorIds.push_back(static_cast<std::uint32_t>(sensor));
            }
            if (incident.sensorIds.empty()) {
                reader.fail(fieldPath, "must not be empty");
            }
        } else if (key == "sensor_kind") {
            incident.sensorKind = sensorKindNamed(reader, reader.string(field.value, fieldPath), fieldPath);
        } else if (key == "fault") {
            const std::string mode = reader.string(field.value, fieldPath);
            const auto* found = std::find_if(std::begin(kFaultNames), std::end(kFaultNames),
                                             [&mode](const auto& entry) { return entry.second == mode; });
            if (found == std::end(kFaultNames)) {
                reader.fail(fieldPath,
                            "unknown fault \"" + mode + "\" (known: " + knownNames(kFaultNames, [](const auto& f) {
                                return std::string(f.second);
                            }) + ")");
            }
            incident.fault.mode = found->first;
        } else if (key == "rate") {
            incident.fault.rate = boundedNumber(reader, field.value, fieldPath, 0.0, 1.0);
            if (incident.fault.rate <= 0.0) {
                reader.fail(fieldPath, "must be greater than 0");
            }
        } else if (key == "drift_per_hour") {
            incident.fault.driftPerHour = boundedNumber(reader, field.value, fieldPath, -1e6, 1e6);
        } else if (key == "max_delay") {
            incident.fault.maxDelayMs = reader.duration(field.value, fieldPath, false);
            if (incident.fault.maxDelayMs > 3'600'000) {
                reader.fail(fieldPath, "must be at most 1h");
            }
        } else if (key == "skew") {
            incident.fault.skewMs = signedDuration(reader, field.value, fieldPath);
        } else if (key == "rate_multiplier") {
            if (incident.kind == IncidentKind::DataFlood) {
                const std::uint64_t multiplier = reader.unsignedInteger(field.value, fieldPath);
                if (multiplier < 2 || multiplier > 100) {
                    reader.fail(fieldPath, "must be an integer from 2 to 100");
                }
                incident.rateMultiplier = static_cast<double>(multiplier);
            } else {
                incident.rateMultiplier = boundedNumber(reader, field.value, fieldPath, 1.0, 20.0);
            }
        } else if (key == "basket_factor") {
            incident.basketFactor = boundedNumber(reader, field.value, fieldPath, 1.0, 5.0);
        }
    }
    checkCombination(reader, incident, path, seen);
    return incident;
}

}  // namespace detail

std::vector<std::string> knownAlertNames() {
    return {std::begin(detail::kAlertNames), std::end(detail::kAlertNames)};
}

std::string_view toString(IncidentKind kind) {
    for (const detail::KindInfo& info : detail::kKinds) {
        if (info.kind == kind) {
            return info.name;
        }
    }
    return "unknown";
}

std::string_view toString(FaultMode mode) {
    for (const auto& [faultMode, name] : detail::kFaultNames) {
        if (faultMode == mode) {
            return name;
        }
    }
    return "unknown";
}

}  // namespace cityops::simulation
