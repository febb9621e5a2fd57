#include "sensor_model.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "cityops/engine/emergency_code.h"
#include "rng.h"
#include "sim_time.h"

namespace cityops::simulation::detail {
namespace {

using engine::Metric;
using engine::Reading;
using engine::SensorKind;

using HourProfile = std::array<double, 24>;

// Values at hh:00 local time; linear in between.
constexpr HourProfile kTrafficWeekday{0.10, 0.06, 0.05, 0.05, 0.07, 0.15, 0.40, 0.80, 0.95, 0.75, 0.60, 0.58,
                                      0.62, 0.62, 0.60, 0.65, 0.80, 0.97, 1.00, 0.80, 0.55, 0.40, 0.28, 0.18};
constexpr HourProfile kTrafficWeekend{0.15, 0.10, 0.07, 0.05, 0.05, 0.07, 0.12, 0.20, 0.30, 0.42, 0.52, 0.58,
                                      0.60, 0.60, 0.58, 0.56, 0.55, 0.55, 0.52, 0.46, 0.38, 0.30, 0.24, 0.18};
constexpr HourProfile kDiurnal{-0.55, -0.70, -0.80, -0.90, -0.97, -1.00, -0.95, -0.80, -0.55, -0.25, 0.05, 0.35,
                               0.60,  0.82,  0.95,  1.00,  0.92,  0.75,  0.50,  0.25,  0.05,  -0.15, -0.30, -0.45};
constexpr HourProfile kCommercialWeekday{0.10, 0.08, 0.08, 0.08, 0.08, 0.10, 0.18, 0.35, 0.70, 0.88, 0.92, 0.92,
                                         0.90, 0.90, 0.92, 0.90, 0.85, 0.70, 0.50, 0.35, 0.25, 0.18, 0.12, 0.10};
constexpr HourProfile kCommercialWeekend{0.08, 0.06, 0.05, 0.05, 0.05, 0.05, 0.08, 0.12, 0.20, 0.35, 0.50, 0.60,
                                         0.65, 0.65, 0.62, 0.60, 0.58, 0.52, 0.42, 0.32, 0.22, 0.15, 0.10, 0.08};
constexpr HourProfile kResidentialWeekday{0.92, 0.93, 0.93, 0.93, 0.93, 0.92, 0.88, 0.75, 0.55, 0.45, 0.42, 0.42,
                                          0.42, 0.42, 0.42, 0.44, 0.50, 0.62, 0.75, 0.85, 0.90, 0.91, 0.92, 0.92};
constexpr HourProfile kResidentialWeekend{0.92, 0.93, 0.93, 0.93, 0.93, 0.93, 0.92, 0.90, 0.86, 0.80, 0.72, 0.66,
                                          0.64, 0.64, 0.66, 0.70, 0.74, 0.78, 0.82, 0.86, 0.89, 0.90, 0.91, 0.92};
constexpr HourProfile kEnergyWeekday{0.50, 0.46, 0.44, 0.43, 0.44, 0.50, 0.65, 0.80, 0.88, 0.86, 0.84, 0.84,
                                     0.85, 0.84, 0.82, 0.82, 0.85, 0.92, 0.98, 1.00, 0.97, 0.88, 0.74, 0.60};
constexpr HourProfile kEnergyWeekend{0.52, 0.48, 0.45, 0.44, 0.44, 0.46, 0.50, 0.58, 0.68, 0.76, 0.80, 0.82,
                                     0.83, 0.82, 0.80, 0.80, 0.82, 0.88, 0.94, 0.97, 0.95, 0.87, 0.74, 0.61};

// Clear-sky sunlight at hh:00 local (solar noon ≈ 12:30 local in Kyiv, UTC+2); scaled by season.
constexpr HourProfile kSunlight{0.00, 0.00, 0.00, 0.00, 0.00, 0.02, 0.10, 0.25, 0.45, 0.63, 0.80, 0.92,
                                0.98, 1.00, 0.95, 0.85, 0.70, 0.50, 0.30, 0.12, 0.03, 0.00, 0.00, 0.00};
// Monthly strength of the midday sun (winter days are short and low), at mid-month.
constexpr std::array<double, 12> kMonthlySun{0.30, 0.42, 0.58, 0.74, 0.88, 0.97, 1.00, 0.92, 0.75, 0.55, 0.36, 0.27};

// Kyiv's monthly mean temperature and half the typical daily range, at mid-month.
constexpr std::array<double, 12> kMonthlyMeanC{-3.5, -2.5, 2.0, 9.5, 15.5, 19.0, 21.0, 20.0, 14.5, 8.5, 2.5, -1.5};
constexpr std::array<double, 12> kMonthlyAmplitudeC{2.5, 3.0, 4.0, 5.0, 5.5, 5.5, 5.5, 5.5, 5.0, 4.0, 2.5, 2.2};

// How busy each demo district is (centre busiest); other cities' districts get the default.
constexpr std::array<double, 10> kDistrictIntensity{0.95, 1.00, 1.00, 0.80, 0.85, 0.80, 0.85, 0.75, 0.85, 0.80};
constexpr double kDefaultIntensity = 0.85;

constexpr std::int64_t kLocalOffsetMs = 2 * kMsPerHour;
constexpr double kCo2BaselinePpm = 420.0;
constexpr double kCo2TrafficPpm = 130.0;
constexpr double kDriftLimit = 3.5;
// NO2 (µg/m³): urban background plus the traffic share (rush-hour kerbside ≈ 60–70).
constexpr double kNo2BackgroundUgm3 = 12.0;
constexpr double kNo2TrafficUgm3 = 48.0;
// O3 (µg/m³): night background, photochemical production at full sun and 25 °C, and titration by
// NO (NO + O3 → NO2), modelled as a share of the local NO2.
constexpr double kO3BackgroundUgm3 = 38.0;
constexpr double kO3PhotochemicalUgm3 = 70.0;
constexpr double kO3TitrationPerNo2 = 0.55;

double interpolate(const HourProfile& profile, std::int64_t msOfDay) {
    const std::int64_t hour = msOfDay / kMsPerHour;
    const double fraction = static_cast<double>(msOfDay % kMsPerHour) / static_cast<double>(kMsPerHour);
    const double a = profile[static_cast<std::size_t>(hour)];
    const double b = profile[static_cast<std::size_t>((hour + 1) % 24)];
    return a + (b - a) * fraction;
}

double interpolateMonthly(const std::array<double, 12>& table, double monthPosition) {
    const double shifted = monthPosition - 0.5;
    const double base = std::floor(shifted);
    const double fraction = shifted - base;
    const int index = (static_cast<int>(base) % 12 + 12) % 12;
    return table[static_cast<std::size_t>(index)] +
           (table[static_cast<std::size_t>((index + 1) % 12)] - table[static_cast<std::size_t>(index)]) * fraction;
}

double districtEnvelope(const std::vector<ActiveIncident>& incidents, std::uint16_t district, std::int64_t timeMs,
                        double* peakPpm) {
    double envelope = 0.0;
    for (const ActiveIncident& incident : incidents) {
        if (incident.kind == IncidentKind::Co2Episode && incident.district == district) {
            const double e = incidentEnvelope(incident, timeMs);
            if (e > envelope) {
                envelope = e;
                *peakPpm = incident.peakPpm;
            }
        }
    }
    return envelope;
}

//! The combined effect of the incidents influencing one sensor at one moment (strongest of each kind).
struct Effects {
    double fire = 0.0;          //!< far field: (0.3 + 0.7 nearness) × envelope × severity/3
    double fireNear = 0.0;      //!< near field: nearness³ × envelope × severity/3 (the plume next to the fire)
    double accident = 0.0;      //!< 0..1 congestion from an accident
    double heat = 0.0;          //!< extra °C from a heat wave
    double energyFactor = 1.0;  //!< heat wave energy multiplier
    double substation = 0.0;    //!< 0..1 share of supply lost
    int severity = 0;           //!< emergency severity 1..5, 0 = quiet
    EmergencyType type = EmergencyType::None;
};

static_assert(static_cast<int>(EmergencyType::Fire) == static_cast<int>(engine::EmergencyCode::Fire) &&
                  static_cast<int>(EmergencyType::GasLeak) == static_cast<int>(engine::EmergencyCode::GasLeak) &&
                  static_cast<int>(EmergencyType::Accident) == static_cast<int>(engine::EmergencyCode::Accident) &&
                  static_cast<int>(EmergencyType::Flooding) == static_cast<int>(engine::EmergencyCode::Flooding) &&
                  static_cast<int>(EmergencyType::AirQuality) == static_cast<int>(engine::EmergencyCode::AirQuality),
              "the reading's emergency code is the simulator's EmergencyType");

EmergencyType emergencyTypeOf(IncidentKind kind) {
    switch (kind) {
        case IncidentKind::Fire: return EmergencyType::Fire;
        case IncidentKind::GasLeak: return EmergencyType::GasLeak;
        case IncidentKind::Flooding: return EmergencyType::Flooding;
        case IncidentKind::Accident: return EmergencyType::Accident;
        default: return EmergencyType::None;
    }
}

Effects effectsAt(const SensorModel& sensor, const std::vector<ActiveIncident>& incidents, std::int64_t timeMs) {
    Effects effects;
    for (const Influence& influence : sensor.influences) {
        const ActiveIncident& incident = incidents[influence.incident];
        const double envelope = incidentEnvelope(incident, timeMs);
        if (envelope <= 0.0) {
            continue;
        }
        const double strength = envelope * influence.weight;
        switch (incident.kind) {
            case IncidentKind::Fire: {
                // The influence weight of a fire is the sensor's nearness (1 at the point, 0 at radius).
                const double near = influence.weight;
                effects.fire = std::max(effects.fire, envelope * (0.3 + 0.7 * near) * incident.severity / 3.0);
                effects.fireNear = std::max(effects.fireNear, envelope * near * near * near * incident.severity / 3.0);
                break;
            }
            case IncidentKind::Accident: effects.accident = std::max(effects.accident, strength); break;
            case IncidentKind::HeatWave:
                effects.heat = std::max(effects.heat, strength * incident.temperatureDeltaC);
                effects.energyFactor = std::max(effects.energyFactor, 1.0 + (incident.energyFactor - 1.0) * strength);
                break;
            case IncidentKind::SubstationFailure: effects.substation = std::max(effects.substation, strength); break;
            default: break;
        }
        const EmergencyType type = emergencyTypeOf(incident.kind);
        if (sensor.kind == SensorKind::Emergency && type != EmergencyType::None) {
            const int severity = std::max(1, static_cast<int>(std::ceil(incident.severity * envelope - 1e-9)));
            if (severity > effects.severity) {
                effects.severity = severity;
                effects.type = type;
            }
        }
    }
    return effects;
}

std::uint64_t noiseKey(std::uint64_t seedKey, const SensorModel& sensor, std::uint64_t salt) {
    return seedKey ^ (std::uint64_t{sensor.id} * 0x9e3779b97f4a7c15ULL) ^ (sensor.seq * 0xd1b54a32d192ed03ULL) ^ salt;
}

void push(std::vector<Reading>& out, const SensorModel& sensor, std::int64_t timeMs, Metric metric, double value) {
    Reading& r = out.emplace_back();
    r.eventTimeMs = timeMs;
    r.seq = sensor.seq;
    r.value = value;
    r.sensorId = sensor.id;
    r.locationId = sensor.district;
    r.kind = sensor.kind;
    r.metric = metric;
}

double roundTo(double value, double step) { return std::floor(value / step + 0.5) * step; }

}  // namespace

const Conditions& ConditionsClock::at(std::int64_t timeMs) {
    const std::int64_t second = floorDiv(timeMs, kMsPerSecond);
    if (second == m_second) {
        return m_conditions;
    }
    m_second = second;
    const std::int64_t localMs = second * kMsPerSecond + kLocalOffsetMs;
    const std::int64_t day = floorDiv(localMs, kMsPerDay);
    const std::int64_t msOfDay = localMs - day * kMsPerDay;
    if (day != m_day) {
        m_day = day;
        const CivilDate date = civilFromDays(day);
        const CivilDate next = civilFromDays(daysFromCivil({date.year, date.month, 1}) + 32);
        const std::int64_t monthDays = daysFromCivil({next.year, next.month, 1}) - daysFromCivil({date.year, date.month, 1});
        const double monthPosition =
            (date.month - 1) + (static_cast<double>(date.day) - 0.5) / static_cast<double>(monthDays);
        m_seasonMean = interpolateMonthly(kMonthlyMeanC, monthPosition);
        m_seasonAmplitude = interpolateMonthly(kMonthlyAmplitudeC, monthPosition);
        m_seasonSun = interpolateMonthly(kMonthlySun, monthPosition);
    }
    const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 0 = Monday (1970-01-01 was a Thursday)
    const bool weekend = weekday >= 5;
    Conditions& c = m_conditions;
    c.traffic = interpolate(weekend ? kTrafficWeekend : kTrafficWeekday, msOfDay) * (weekday == 6 ? 0.85 : 1.0);
    c.diurnal = interpolate(kDiurnal, msOfDay);
    c.temperatureC = m_seasonMean + m_seasonAmplitude * c.diurnal;
    c.commercialParking = interpolate(weekend ? kCommercialWeekend : kCommercialWeekday, msOfDay);
    c.residentialParking = interpolate(weekend ? kResidentialWeekend : kResidentialWeekday, msOfDay);
    c.energyLoad = interpolate(weekend ? kEnergyWeekend : kEnergyWeekday, msOfDay);
    c.sunlight = interpolate(kSunlight, msOfDay) * m_seasonSun;
    return c;
}

std::uint32_t reportingIntervalMs(SensorKind kind) {
    switch (kind) {
        case SensorKind::Traffic: return 10'000;
        case SensorKind::AirQuality:
        case SensorKind::Parking:
        case SensorKind::Noise: return 30'000;
        case SensorKind::Temperature:
        case SensorKind::Emergency:
        case SensorKind::Energy: return 60'000;
    }
    return 60'000;
}

int metricsPerEmission(SensorKind kind) {
    if (kind == SensorKind::AirQuality) {
        return 4;
    }
    return kind == SensorKind::Traffic || kind == SensorKind::Temperature ? 2 : 1;
}

std::vector<SensorModel> makeSensorModels(const City& city, std::uint64_t seed) {
    std::vector<SensorModel> models(city.sensors.size());
    for (std::size_t i = 0; i < city.sensors.size(); ++i) {
        const Sensor& sensor = city.sensors[i];
        SensorModel& m = models[i];
        Rng rng(seed ^ mix64(0x53454e534f520000ULL + sensor.id));
        m.id = sensor.id;
        m.kind = sensor.kind;
        m.district = sensor.districtId;
        m.intervalMs = reportingIntervalMs(sensor.kind);
        m.phaseMs = rng.below(m.intervalMs);
        m.intensity = sensor.districtId < kDistrictIntensity.size() ? kDistrictIntensity[sensor.districtId]
                                                                    : kDefaultIntensity;
        m.episodeFactor = rng.uniform(0.88, 1.12);
        switch (sensor.kind) {
            case SensorKind::Traffic:
                if (sensor.roadSegmentId >= 0 && static_cast<std::size_t>(sensor.roadSegmentId) < city.roads.size()) {
                    m.speedLimitKmh = city.roads[static_cast<std::size_t>(sensor.roadSegmentId)].speedLimitKmh;
                }
                m.scale = 6.0 * m.speedLimitKmh / 50.0 * rng.uniform(0.8, 1.2);
                m.bias = rng.uniform(0.85, 1.1);
                break;
            case SensorKind::AirQuality: m.bias = rng.uniform(0.0, 25.0); break;
            case SensorKind::Temperature: m.bias = rng.uniform(-0.7, 0.7); break;
            case SensorKind::Parking:
                m.commercial = rng.uniform() < m.intensity - 0.45;
                m.scale = rng.uniform(0.85, 1.05);
                break;
            case SensorKind::Emergency: break;
            case SensorKind::Energy: m.scale = rng.uniform(5.0, 40.0); break;
            case SensorKind::Noise: m.bias = rng.uniform(-4.0, 5.0); break;
        }
        m.drift = rng.uniform(-1.0, 1.0);
    }
    return models;
}

void emitReadings(SensorModel& sensor, std::int64_t timeMs, const Conditions& conditions,
                  const std::vector<ActiveIncident>& incidents, std::uint64_t seedKey, std::vector<Reading>& out,
                  std::vector<EmergencyEvent>& events) {
    ++sensor.seq;
    const double n1 = hashNoise(noiseKey(seedKey, sensor, 0x1111));
    const double n2 = hashNoise(noiseKey(seedKey, sensor, 0x2222));
    sensor.drift = std::clamp(0.95 * sensor.drift + 0.3 * hashNoise(noiseKey(seedKey, sensor, 0x3333)), -kDriftLimit,
                              kDriftLimit);
    const double load = conditions.traffic * sensor.intensity;
    const Effects effects = sensor.influences.empty() ? Effects{} : effectsAt(sensor, incidents, timeMs);
    switch (sensor.kind) {
        case SensorKind::Traffic: {
            const double local = std::min(1.1, load * sensor.bias);
            const double congestion = std::min(1.0, local);
            // Rush hour slows a street to ≈ 45 % of its limit (a 30 km/h street crawls at ≈ 13 km/h);
            // noise and drift scale with the limit, so only an incident brings walking pace.
            const double speed = sensor.speedLimitKmh * (1.0 - 0.55 * congestion * congestion) +
                                 (2.5 * n1 + 1.5 * sensor.drift) * sensor.speedLimitKmh / 50.0;
            // An accident: speed collapses towards walking pace and the queue adds stopped vehicles.
            const double blocked = speed * (1.0 - 0.92 * effects.accident);
            const double queue = 1.0 + 1.8 * effects.accident;
            push(out, sensor, timeMs, Metric::TrafficSpeed,
                 roundTo(std::clamp(blocked, 2.0, sensor.speedLimitKmh * 1.15), 0.1));
            push(out, sensor, timeMs, Metric::VehicleCount,
                 std::max(0.0, std::floor(sensor.scale * std::max(local, 0.5 * effects.accident) * queue *
                                              (1.0 + 0.15 * n2) + 0.5)));
            break;
        }
        case SensorKind::AirQuality: {
            double co2 = kCo2BaselinePpm + sensor.bias + kCo2TrafficPpm * load + 7.0 * n1 + 3.0 * sensor.drift;
            double pm25 = std::max(1.0, 6.0 + 22.0 * load + 2.0 * n2 + 0.8 * sensor.drift);
            double peak = 0.0;
            const double envelope = districtEnvelope(incidents, sensor.district, timeMs, &peak);
            if (envelope > 0.0) {
                const double target = peak * sensor.episodeFactor + 15.0 * n2;
                co2 = std::max(co2, co2 + (target - co2) * envelope);
                pm25 += 18.0 * envelope;
            }
            // Smoke: at severity 3 the far field adds 450 ppm and 75 µg/m³ (0.3 of it at the radius); the
            // plume near the fire adds up to 1200 ppm and 250 µg/m³ more, falling off with nearness³.
            co2 += 450.0 * effects.fire + 1200.0 * effects.fireNear;
            pm25 += 75.0 * effects.fire + 250.0 * effects.fireNear;
            // NO2 follows the traffic (rush hours) and combustion; a still night keeps some of it.
            const double no2 = std::max(2.0, kNo2BackgroundUgm3 + kNo2TrafficUgm3 * load + 3.0 * n1 +
                                                 1.5 * sensor.drift + 40.0 * effects.fire + 120.0 * effects.fireNear);
            // O3 is made by sunlight, faster when warm (afternoon, heat waves), and eaten by fresh NO
            // from traffic: high at suburban summer afternoons, low at a kerb in the rush hour.
            const double localC = conditions.temperatureC + effects.heat;
            const double warmth = std::clamp((localC + 5.0) / 30.0, 0.15, 1.6);
            const double o3 = std::max(
                2.0, kO3BackgroundUgm3 + kO3PhotochemicalUgm3 * conditions.sunlight * warmth -
                         kO3TitrationPerNo2 * (no2 - kNo2BackgroundUgm3) - 10.0 * (1.0 - conditions.sunlight) * load +
                         2.5 * n2 + sensor.drift);
            push(out, sensor, timeMs, Metric::Co2, roundTo(co2, 0.1));
            push(out, sensor, timeMs, Metric::Pm25, roundTo(pm25, 0.1));
            push(out, sensor, timeMs, Metric::O3, roundTo(o3, 0.1));
            push(out, sensor, timeMs, Metric::No2, roundTo(no2, 0.1));
            break;
        }
        case SensorKind::Temperature: {
            const double t = conditions.temperatureC + 2.0 * (sensor.intensity - 0.75) + sensor.bias + 0.15 * n1 +
                             0.15 * sensor.drift + effects.heat + 12.0 * effects.fire + 60.0 * effects.fireNear;
            const double humidity = std::clamp(72.0 - 14.0 * conditions.diurnal + 4.0 * sensor.bias + 1.5 * n2 +
                                                   sensor.drift - 2.0 * effects.heat - 20.0 * effects.fire,
                                               15.0, 100.0);
            push(out, sensor, timeMs, Metric::Temperature, roundTo(t, 0.01));
            push(out, sensor, timeMs, Metric::Humidity, roundTo(humidity, 0.1));
            break;
        }
        case SensorKind::Parking: {
            const double profile = sensor.commercial ? conditions.commercialParking : conditions.residentialParking;
            const double occupancy = std::clamp(profile * sensor.scale + 0.02 * n1 + 0.01 * sensor.drift, 0.0, 1.0);
            push(out, sensor, timeMs, Metric::ParkingOccupancy, roundTo(occupancy, 0.001));
            break;
        }
        case SensorKind::Emergency: {
            double peak = 0.0;
            const double envelope = districtEnvelope(incidents, sensor.district, timeMs, &peak);
            int severity = envelope >= 0.5 ? 2 : 0;
            EmergencyType type = severity > 0 ? EmergencyType::AirQuality : EmergencyType::None;
            if (effects.severity > severity) {
                severity = effects.severity;
                type = effects.type;
            }
            // The type travels in the value's first decimal (engine/emergency_code.h): 4.1 = fire, severity 4.
            push(out, sensor, timeMs, Metric::EmergencySeverity,
                 engine::encodeEmergency(severity, static_cast<engine::EmergencyCode>(type)));
            if (severity > 0 || sensor.emergencyType != EmergencyType::None) {
                const EmergencyType reported = severity > 0 ? type : sensor.emergencyType;
                events.push_back({timeMs, sensor.seq, sensor.id, sensor.district, reported,
                                  static_cast<std::uint8_t>(severity)});
            }
            sensor.emergencyType = type;
            break;
        }
        case SensorKind::Energy: {
            const double heating = 0.015 * std::max(0.0, 12.0 - conditions.temperatureC);
            // A substation failure leaves only standby trickle (0.5 %) on the district's meters.
            const double kwh = sensor.scale * conditions.energyLoad * (1.0 + heating) * (1.0 + 0.03 * n1) *
                               effects.energyFactor * (1.0 - 0.995 * effects.substation);
            push(out, sensor, timeMs, Metric::EnergyKwh, roundTo(kwh, 0.01));
            break;
        }
        case SensorKind::Noise: {
            const double db = 40.0 + 28.0 * std::sqrt(std::max(0.0, load)) + sensor.bias + 1.5 * n1 + 0.5 * sensor.drift;
            push(out, sensor, timeMs, Metric::NoiseDb, roundTo(db, 0.1));
            break;
        }
    }
}

}  // namespace cityops::simulation::detail
