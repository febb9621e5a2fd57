#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/emergency.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation::detail {

//! City-wide conditions at one simulated second, from local-time profiles (UTC+2, no DST).
struct Conditions {
    double traffic = 0.0;             //!< road load 0..1 (rush hours ≈ 1)
    double temperatureC = 0.0;        //!< seasonal mean + daily cycle, before local effects
    double diurnal = 0.0;             //!< -1 at the coldest hour, +1 at the warmest
    double commercialParking = 0.0;   //!< occupancy of office/shopping lots
    double residentialParking = 0.0;  //!< occupancy of residential lots
    double energyLoad = 0.0;          //!< fraction of a building's peak load
    double sunlight = 0.0;            //!< 0 at night .. 1 at a clear midsummer noon (drives O3)
};

//! Computes Conditions, cached per simulated second (and the seasonal part per day).
class ConditionsClock {
public:
    const Conditions& at(std::int64_t timeMs);

private:
    std::int64_t m_second = std::numeric_limits<std::int64_t>::min();
    std::int64_t m_day = std::numeric_limits<std::int64_t>::min();
    double m_seasonMean = 0.0;
    double m_seasonAmplitude = 0.0;
    double m_seasonSun = 0.0;
    Conditions m_conditions;
};

//! An incident resolved against a city: absolute simulated times and the kind's parameters.
struct ActiveIncident {
    IncidentKind kind = IncidentKind::Co2Episode;
    std::uint16_t district = 0;  //!< Co2Episode: the district (other kinds resolve to influences)
    std::int64_t startMs = 0;
    std::int64_t endMs = 0;
    double peakPpm = 0.0;
    int severity = 3;
    double temperatureDeltaC = 0.0;
    double energyFactor = 1.0;
};

//! How strongly one incident affects one sensor (0..1), precomputed when the simulator is built.
struct Influence {
    std::uint16_t incident = 0;
    float weight = 1.0F;
};

//! Per-sensor constants and the little state the dynamics keep (sequence number, slow drift).
struct SensorModel {
    std::uint64_t seq = 0;
    double bias = 0.0;        //!< kind-specific offset (ppm, °C, dB, ...)
    double scale = 1.0;       //!< kind-specific size (road capacity, building load, lot fill)
    double episodeFactor = 1.0;
    double intensity = 1.0;   //!< how busy the sensor's district is
    double speedLimitKmh = 50.0;
    double drift = 0.0;       //!< AR(1) slow component, bounded to ±3.5
    std::uint32_t intervalMs = 60'000;
    std::uint32_t phaseMs = 0;
    std::uint32_t id = 0;
    std::uint16_t district = 0;
    engine::SensorKind kind = engine::SensorKind::Traffic;
    bool commercial = false;
    EmergencyType emergencyType = EmergencyType::None;  //!< what the last emission reported
    std::vector<Influence> influences;                   //!< incidents other than CO2 episodes
};

//! Reporting interval of a sensor kind.
std::uint32_t reportingIntervalMs(engine::SensorKind kind);
//! Metrics per emission of a sensor kind (1, 2, or 4 for air quality: CO2, PM2.5, O3, NO2).
int metricsPerEmission(engine::SensorKind kind);

//! Builds the per-sensor models of a city, deterministic from seed.
std::vector<SensorModel> makeSensorModels(const City& city, std::uint64_t seed);

//! Appends the readings of one emission of sensor at timeMs to out (no allocation beyond out's growth),
//! and for emergency sensors that report an event, an EmergencyEvent to events.
void emitReadings(SensorModel& sensor, std::int64_t timeMs, const Conditions& conditions,
                  const std::vector<ActiveIncident>& incidents, std::uint64_t seedKey,
                  std::vector<engine::Reading>& out, std::vector<EmergencyEvent>& events);

//! Resolves the scenario's incidents against the city (times, districts) and attaches the sensors
//! each one affects to their models' influence lists.
std::vector<ActiveIncident> resolveIncidents(const City& city, const Scenario& scenario,
                                             std::vector<SensorModel>& models);

//! Resolves one incident (of scenario, or injected later) and appends it to out when the city has
//! what it refers to; the sensors it affects get an influence with index out.size() - 1.
void resolveIncident(const City& city, const Scenario& scenario, const Incident& incident,
                     std::vector<SensorModel>& models, std::vector<ActiveIncident>& out);

//! 0..1 strength of an incident at timeMs: its kind's ramp up, hold and ramp down.
double incidentEnvelope(const ActiveIncident& incident, std::int64_t timeMs);

//! Distance in metres (equirectangular; arithmetic only, so identical on every platform).
double distanceM(GeoPoint a, GeoPoint b);

}  // namespace cityops::simulation::detail
