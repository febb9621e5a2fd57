#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/emergency.h"
#include "cityops/simulation/scenario.h"
#include "cityops/simulation/sensor_fault.h"

namespace cityops::simulation {

//! Generates sensor readings for a city and a scenario in simulated time. Deterministic: the same
//! city, scenario and seed give a byte-identical stream, whatever the step sizes of advanceTo. Keeps
//! its own copies of city and scenario. Not thread-safe; one thread drives it.
//!
//! Output order is delivery order: (delivery time, sensor id, generation order). Without faults the
//! delivery time is the event time. Out-of-order faults deliver a reading up to maxDelayMs after its
//! event time and clock-skew faults shift the event time but not the delivery, so only then can
//! event times in the output go backwards.
class Simulator {
public:
    Simulator(const City& city, const Scenario& scenario);
    ~Simulator();
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    //! Current simulated time (ms since epoch).
    std::int64_t now() const;
    //! Appends every reading with event time in [now(), untilMs) to out, in event-time order, and
    //! moves now() to untilMs. Does not clear out. (With faults: every reading delivered in that range.)
    void advanceTo(std::int64_t untilMs, std::vector<engine::Reading>& out);
    //! Makes sensorId misbehave over simulated [fromMs, toMs). Call before advancing past fromMs;
    //! sensor_failure incidents use the same path.
    void addFault(std::uint32_t sensorId, const SensorFault& fault, std::int64_t fromMs, std::int64_t toMs);
    //! Appends the emergency events generated so far (generation order) to out and forgets them.
    void drainEmergencyEvents(std::vector<EmergencyEvent>& out);

    const City& city() const;
    const Scenario& scenario() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::simulation
