#include "cityops/simulation/simulator.h"

#include <algorithm>
#include <numeric>

#include "fault_model.h"
#include "rng.h"
#include "sensor_model.h"
#include "sim_time.h"

namespace cityops::simulation {
namespace {

//! Every reporting interval divides this cycle, so one sorted cycle of emissions repeats forever.
constexpr std::int64_t kCycleMs = 60'000;
//! Emergency events kept for drainEmergencyEvents; older ones are dropped when nobody drains them.
constexpr std::size_t kMaxEmergencyEvents = 1 << 16;

bool deliveredBefore(const detail::Delivery& a, const detail::Delivery& b) {
    if (a.deliveryMs != b.deliveryMs) {
        return a.deliveryMs < b.deliveryMs;
    }
    if (a.reading.sensorId != b.reading.sensorId) {
        return a.reading.sensorId < b.reading.sensorId;
    }
    return a.order < b.order;
}

}  // namespace

struct Simulator::Impl {
    City city;
    Scenario scenario;
    std::int64_t now = 0;
    std::uint64_t seedKey = 0;
    std::vector<detail::SensorModel> sensors;
    std::vector<detail::ActiveIncident> incidents;
    detail::ConditionsClock clock;
    detail::FaultModel faults{0};
    //! One cycle of emissions sorted by (offset, sensor id): the stable tie order.
    std::vector<std::uint32_t> cycleOffsets;
    std::vector<std::uint32_t> cycleSensors;
    std::uint64_t readingsPerCycle = 0;
    std::vector<EmergencyEvent> emergencyEvents;
    std::vector<engine::Reading> scratch;
    std::vector<detail::Delivery> staged;
    std::vector<detail::Delivery> pending;  //!< generated, delivered at a later step
    std::uint64_t order = 0;
    bool paused = false;
    struct AddedFault {
        std::uint32_t sensor;
        SensorFault fault;
        std::int64_t fromMs;
        std::int64_t toMs;
    };
    std::vector<AddedFault> addedFaults;  //!< Simulator::addFault calls, replayed when jumping back

    void advance(std::int64_t untilMs, std::vector<engine::Reading>& out);

    void buildSchedule() {
        std::vector<std::pair<std::uint32_t, std::uint32_t>> entries;
        for (const detail::SensorModel& sensor : sensors) {
            for (std::uint32_t offset = sensor.phaseMs; offset < kCycleMs; offset += sensor.intervalMs) {
                entries.emplace_back(offset, sensor.id);
            }
            readingsPerCycle += static_cast<std::uint64_t>(kCycleMs / sensor.intervalMs) *
                                static_cast<std::uint64_t>(detail::metricsPerEmission(sensor.kind));
        }
        std::sort(entries.begin(), entries.end());
        cycleOffsets.reserve(entries.size());
        cycleSensors.reserve(entries.size());
        for (const auto& [offset, sensor] : entries) {
            cycleOffsets.push_back(offset);
            cycleSensors.push_back(sensor);
        }
    }

    //! Sensors an incident selects: explicit ids, or by kind and/or district.
    std::vector<std::uint32_t> selectSensors(const Incident& incident) const {
        std::vector<std::uint32_t> out;
        if (!incident.sensorIds.empty()) {
            for (const std::uint32_t id : incident.sensorIds) {
                if (id < city.sensors.size()) {
                    out.push_back(id);
                }
            }
            return out;
        }
        for (const Sensor& sensor : city.sensors) {
            const bool kindOk = !incident.sensorKind || sensor.kind == *incident.sensorKind;
            const bool districtOk = incident.district.empty() ||
                                    (sensor.districtId < city.districts.size() &&
                                     city.districts[sensor.districtId].name == incident.district);
            if (kindOk && districtOk) {
                out.push_back(sensor.id);
            }
        }
        return out;
    }

    void resolveFaults(const Incident& incident) {
        const std::int64_t from = scenario.startTimeMs + incident.startOffsetMs;
        const std::int64_t to = from + incident.durationMs;
        if (incident.kind == IncidentKind::SensorFailure) {
            for (const std::uint32_t id : selectSensors(incident)) {
                faults.addFault(id, incident.fault, from, to);
            }
        } else if (incident.kind == IncidentKind::DataFlood) {
            for (const std::uint32_t id : selectSensors(incident)) {
                faults.addFlood(id, static_cast<int>(incident.rateMultiplier), from, to);
            }
        }
    }

    //! Everything derived from city, scenario and added faults, from the scenario start.
    void reset() {
        now = scenario.startTimeMs;
        sensors = detail::makeSensorModels(city, scenario.seed);
        incidents = detail::resolveIncidents(city, scenario, sensors);
        faults = detail::FaultModel(city.sensors.size());
        for (const Incident& incident : scenario.incidents) {
            resolveFaults(incident);
        }
        for (const AddedFault& added : addedFaults) {
            faults.addFault(added.sensor, added.fault, added.fromMs, added.toMs);
        }
        clock = detail::ConditionsClock{};
        staged.clear();
        pending.clear();
        order = 0;
    }

    //! Calls emit(time, sensor) for every scheduled emission in [now, untilMs), in schedule order.
    template <typename Emit>
    void forEachEmission(std::int64_t untilMs, Emit&& emit) {
        std::int64_t cycleStart = detail::floorDiv(now, kCycleMs) * kCycleMs;
        const auto firstOffset = static_cast<std::uint32_t>(now - cycleStart);
        std::size_t index = static_cast<std::size_t>(
            std::lower_bound(cycleOffsets.begin(), cycleOffsets.end(), firstOffset) - cycleOffsets.begin());
        const std::size_t count = cycleOffsets.size();
        for (;;) {
            for (; index < count; ++index) {
                const std::int64_t time = cycleStart + cycleOffsets[index];
                if (time >= untilMs) {
                    return;
                }
                emit(time, cycleSensors[index]);
            }
            cycleStart += kCycleMs;
            index = 0;
        }
    }

    //! The faulty path: stage every delivery, hold back those due later, sort the rest.
    void advanceWithFaults(std::int64_t untilMs, std::vector<engine::Reading>& out) {
        forEachEmission(untilMs, [&](std::int64_t time, std::uint32_t id) {
            detail::SensorModel& sensor = sensors[id];
            const detail::Conditions& conditions = clock.at(time);
            scratch.clear();
            detail::emitReadings(sensor, time, conditions, incidents, seedKey, scratch, emergencyEvents);
            faults.deliver(id, time, scratch, seedKey, order, staged);
            const int multiplier = faults.floodMultiplier(id, time);
            for (int k = 1; k < multiplier; ++k) {
                const std::int64_t extra = time + std::int64_t{sensor.intervalMs} * k / multiplier;
                scratch.clear();
                detail::emitReadings(sensor, extra, conditions, incidents, seedKey, scratch, emergencyEvents);
                faults.deliver(id, extra, scratch, seedKey, order, staged);
            }
        });
        const auto due = std::partition(pending.begin(), pending.end(),
                                        [untilMs](const detail::Delivery& d) { return d.deliveryMs >= untilMs; });
        staged.insert(staged.end(), due, pending.end());
        pending.erase(due, pending.end());
        const auto later = std::partition(staged.begin(), staged.end(),
                                          [untilMs](const detail::Delivery& d) { return d.deliveryMs < untilMs; });
        pending.insert(pending.end(), later, staged.end());
        staged.erase(later, staged.end());
        std::sort(staged.begin(), staged.end(), deliveredBefore);
        for (const detail::Delivery& d : staged) {
            out.push_back(d.reading);
        }
        staged.clear();
    }
};

Simulator::Simulator(const City& city, const Scenario& scenario) : m_impl(std::make_unique<Impl>()) {
    m_impl->city = city;
    m_impl->scenario = scenario;
    m_impl->now = scenario.startTimeMs;
    m_impl->seedKey = detail::mix64(scenario.seed ^ 0x53494d554c415445ULL);
    m_impl->reset();
    m_impl->buildSchedule();
}

Simulator::~Simulator() = default;

std::int64_t Simulator::now() const { return m_impl->now; }

void Simulator::advanceTo(std::int64_t untilMs, std::vector<engine::Reading>& out) {
    if (!m_impl->paused) {
        m_impl->advance(untilMs, out);
    }
}

void Simulator::Impl::advance(std::int64_t untilMs, std::vector<engine::Reading>& out) {
    Impl& d = *this;
    if (untilMs <= d.now || d.cycleOffsets.empty()) {
        d.now = std::max(d.now, untilMs);
        return;
    }
    const double expected = static_cast<double>(d.readingsPerCycle) * static_cast<double>(untilMs - d.now) /
                            static_cast<double>(kCycleMs);
    const std::size_t needed = out.size() + static_cast<std::size_t>(expected * 1.05) + 64;
    if (out.capacity() < needed) {
        out.reserve(std::max(needed, out.capacity() * 2));  // geometric, so many small steps stay linear
    }
    if (!d.faults.empty()) {
        d.advanceWithFaults(untilMs, out);
    } else {
        d.forEachEmission(untilMs, [&d, &out](std::int64_t time, std::uint32_t id) {
            detail::emitReadings(d.sensors[id], time, d.clock.at(time), d.incidents, d.seedKey, out,
                                 d.emergencyEvents);
        });
    }
    d.now = untilMs;
    if (d.emergencyEvents.size() > kMaxEmergencyEvents) {
        d.emergencyEvents.erase(d.emergencyEvents.begin(),
                                d.emergencyEvents.end() - static_cast<std::ptrdiff_t>(kMaxEmergencyEvents / 2));
    }
}

void Simulator::addFault(std::uint32_t sensorId, const SensorFault& fault, std::int64_t fromMs, std::int64_t toMs) {
    m_impl->faults.addFault(sensorId, fault, fromMs, toMs);
    m_impl->addedFaults.push_back({sensorId, fault, fromMs, toMs});
}

void Simulator::setPaused(bool paused) { m_impl->paused = paused; }

bool Simulator::paused() const { return m_impl->paused; }

void Simulator::step(std::int64_t stepMs, std::vector<engine::Reading>& out) {
    m_impl->advance(m_impl->now + std::max<std::int64_t>(0, stepMs), out);
}

void Simulator::jumpTo(std::int64_t timeMs) {
    Impl& d = *m_impl;
    if (timeMs < d.now) {
        d.reset();
    }
    const std::size_t keptEvents = d.emergencyEvents.size();
    std::vector<engine::Reading> dropped;
    while (d.now < timeMs) {
        dropped.clear();
        d.advance(std::min(timeMs, d.now + kCycleMs), dropped);
    }
    d.emergencyEvents.resize(std::min(keptEvents, d.emergencyEvents.size()));
}

engine::Expected<std::size_t, std::string> Simulator::inject(Incident incident) {
    Impl& d = *m_impl;
    const bool point = incident.kind == IncidentKind::Fire || incident.kind == IncidentKind::GasLeak ||
                       incident.kind == IncidentKind::Flooding || incident.kind == IncidentKind::Accident;
    if (incident.durationMs <= 0) {
        return std::string("the duration must be greater than zero");
    }
    if (incident.startOffsetMs < 0) {
        return std::string("an incident cannot start in the past");
    }
    if (point && !incident.hasPoint && !(incident.kind == IncidentKind::Accident && incident.roadSegmentId >= 0)) {
        return std::string(toString(incident.kind)) + " needs a point (lat, lon)";
    }
    if (point && (incident.severity < 1 || incident.severity > 5)) {
        return std::string("the severity must be an integer from 1 to 5");
    }
    if (point && (!(incident.radiusM > 0.0) || !(incident.alarmRadiusM > 0.0))) {
        return std::string("the radii must be greater than zero");
    }
    if (incident.kind == IncidentKind::DataFlood && !(incident.rateMultiplier >= 2.0)) {
        return std::string("a data flood needs a rate multiplier of at least 2");
    }
    if (!incident.district.empty() &&
        std::none_of(d.city.districts.begin(), d.city.districts.end(),
                     [&incident](const District& district) { return district.name == incident.district; })) {
        return "the city has no district '" + incident.district + "'";
    }
    if (d.incidents.size() >= 0xffff) {
        return std::string("too many incidents");
    }
    incident.startOffsetMs += d.now - d.scenario.startTimeMs;
    d.scenario.incidents.push_back(std::move(incident));
    const Incident& added = d.scenario.incidents.back();
    detail::resolveIncident(d.city, d.scenario, added, d.sensors, d.incidents);
    d.resolveFaults(added);
    return d.scenario.incidents.size() - 1;
}

void Simulator::drainEmergencyEvents(std::vector<EmergencyEvent>& out) {
    out.insert(out.end(), m_impl->emergencyEvents.begin(), m_impl->emergencyEvents.end());
    m_impl->emergencyEvents.clear();
}

const City& Simulator::city() const { return m_impl->city; }

const Scenario& Simulator::scenario() const { return m_impl->scenario; }

}  // namespace cityops::simulation
