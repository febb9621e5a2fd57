#include <algorithm>
#include <cmath>

#include "sensor_model.h"

namespace cityops::simulation::detail {
namespace {

using engine::SensorKind;

constexpr double kMetresPerDegLat = 110'574.0;
constexpr double kMetresPerDegLonEquator = 111'320.0;
constexpr double kDegToRad = 0.017453292519943295;

//! cos(x) for |x| ≤ π/2 by its Taylor series to x^10: no libm, so every platform gets the same bits.
double cosine(double x) {
    const double x2 = x * x;
    return 1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0 * (1.0 - x2 / 90.0))));
}

//! Fraction of an incident's duration spent ramping up (and, for most kinds, down).
double rampFraction(IncidentKind kind) {
    switch (kind) {
        case IncidentKind::Co2Episode:
        case IncidentKind::HeatWave:
            return 0.25;
        case IncidentKind::Fire:
        case IncidentKind::GasLeak:
        case IncidentKind::Flooding:
            return 0.1;
        default:
            return 0.0;
    }
}

int districtIndex(const City& city, const std::string& name) {
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        if (city.districts[d].name == name) {
            return static_cast<int>(d);
        }
    }
    return -1;
}

void attach(std::vector<SensorModel>& models, std::uint32_t sensor, std::size_t incident, double weight) {
    if (weight > 0.0) {
        models[sensor].influences.push_back({static_cast<std::uint16_t>(incident), static_cast<float>(weight)});
    }
}

//! Point incidents: fire, gas leak, flooding and accident.
void attachPointIncident(const City& city, const Incident& incident, std::size_t index,
                         std::vector<SensorModel>& models) {
    GeoPoint centre{incident.lat, incident.lon};
    const RoadSegment* road = nullptr;
    if (incident.kind == IncidentKind::Accident && incident.roadSegmentId >= 0) {
        const auto id = static_cast<std::size_t>(incident.roadSegmentId);
        if (id >= city.roads.size()) {
            return;
        }
        road = &city.roads[id];
        centre = {(road->from.lat + road->to.lat) / 2.0, (road->from.lon + road->to.lon) / 2.0};
    }
    for (const Sensor& sensor : city.sensors) {
        const double d = distanceM(centre, sensor.position);
        const double nearness = d < incident.radiusM ? 1.0 - d / incident.radiusM : 0.0;
        switch (sensor.kind) {
            case SensorKind::Emergency:
                attach(models, sensor.id, index, d <= incident.alarmRadiusM ? 1.0 : 0.0);
                break;
            case SensorKind::AirQuality:
            case SensorKind::Temperature:
                if (incident.kind == IncidentKind::Fire && nearness > 0.0) {
                    attach(models, sensor.id, index, nearness);  // effects: far field and near plume
                }
                break;
            case SensorKind::Traffic:
                if (incident.kind != IncidentKind::Accident) {
                    break;
                }
                if (road != nullptr && sensor.roadSegmentId == incident.roadSegmentId) {
                    attach(models, sensor.id, index, 1.0);
                } else if (nearness > 0.0) {
                    attach(models, sensor.id, index, road != nullptr ? 0.6 * nearness : 0.4 + 0.6 * nearness);
                }
                break;
            default:
                break;
        }
    }
}

}  // namespace

double distanceM(GeoPoint a, GeoPoint b) {
    const double dLat = (b.lat - a.lat) * kMetresPerDegLat;
    const double dLon = (b.lon - a.lon) * kMetresPerDegLonEquator * cosine((a.lat + b.lat) * 0.5 * kDegToRad);
    return std::sqrt(dLat * dLat + dLon * dLon);
}

double incidentEnvelope(const ActiveIncident& incident, std::int64_t timeMs) {
    if (timeMs < incident.startMs || timeMs >= incident.endMs) {
        return 0.0;
    }
    const double ramp = rampFraction(incident.kind);
    if (ramp <= 0.0) {
        return 1.0;
    }
    const double u =
        static_cast<double>(timeMs - incident.startMs) / static_cast<double>(incident.endMs - incident.startMs);
    const double rampDown =
        incident.kind == IncidentKind::Co2Episode || incident.kind == IncidentKind::HeatWave ? ramp : 2.0 * ramp;
    if (u < ramp) {
        return u / ramp;
    }
    if (u > 1.0 - rampDown) {
        return (1.0 - u) / rampDown;
    }
    return 1.0;
}

void resolveIncident(const City& city, const Scenario& scenario, const Incident& incident,
                     std::vector<SensorModel>& models, std::vector<ActiveIncident>& out) {
    ActiveIncident active;
    active.kind = incident.kind;
    active.startMs = scenario.startTimeMs + incident.startOffsetMs;
    active.endMs = active.startMs + incident.durationMs;
    active.peakPpm = incident.peakPpm;
    active.severity = incident.severity;
    active.temperatureDeltaC = incident.temperatureDeltaC;
    active.energyFactor = incident.energyFactor;
    const int district = incident.district.empty() ? -1 : districtIndex(city, incident.district);
    if (!incident.district.empty() && district < 0) {
        return;  // a district this city does not have: the incident has no effect here
    }
    const std::size_t index = out.size();
    switch (incident.kind) {
        case IncidentKind::Co2Episode:
            active.district = static_cast<std::uint16_t>(district);
            break;
        case IncidentKind::Fire:
        case IncidentKind::GasLeak:
        case IncidentKind::Flooding:
        case IncidentKind::Accident:
            attachPointIncident(city, incident, index, models);
            break;
        case IncidentKind::HeatWave:
        case IncidentKind::SubstationFailure:
            for (const Sensor& sensor : city.sensors) {
                const bool inArea = district < 0 || sensor.districtId == district;
                const bool kindMatches =
                    sensor.kind == SensorKind::Energy ||
                    (sensor.kind == SensorKind::Temperature && incident.kind == IncidentKind::HeatWave);
                attach(models, sensor.id, index, inArea && kindMatches ? 1.0 : 0.0);
            }
            break;
        case IncidentKind::SensorFailure:
        case IncidentKind::DataFlood:
        case IncidentKind::RetailRush:
            break;  // not sensor dynamics: see fault_model and retail
    }
    out.push_back(active);
}

std::vector<ActiveIncident> resolveIncidents(const City& city, const Scenario& scenario,
                                             std::vector<SensorModel>& models) {
    std::vector<ActiveIncident> out;
    for (const Incident& incident : scenario.incidents) {
        resolveIncident(city, scenario, incident, models, out);
    }
    return out;
}

}  // namespace cityops::simulation::detail

namespace cityops::simulation {

std::string_view toString(EmergencyType type) {
    switch (type) {
        case EmergencyType::None:
            return "none";
        case EmergencyType::Fire:
            return "fire";
        case EmergencyType::GasLeak:
            return "gas_leak";
        case EmergencyType::Accident:
            return "accident";
        case EmergencyType::Flooding:
            return "flooding";
        case EmergencyType::AirQuality:
            return "air_quality";
    }
    return "none";
}

}  // namespace cityops::simulation
