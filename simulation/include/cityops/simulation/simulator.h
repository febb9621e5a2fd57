#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cityops/engine/expected.h"
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

    // ── Run control (training runs): pause, single step, jump, inject ──────────────────────────
    //
    // Determinism: the stream is a function of (city, scenario incl. injected incidents, faults)
    // only. A jump to T followed by advancing gives exactly the readings a straight run delivers at
    // or after T (same values, seqs and order); the readings and emergency events of the skipped
    // span are generated and dropped, so a jump costs what generating the span costs. Injecting the
    // same incidents at the same simulated times gives the same bytes; an incident injected at or
    // before its start equals the same incident written in the scenario file.

    //! While paused, advanceTo() produces nothing and leaves now() unchanged (a wall-clock driver
    //! keeps calling it); step() still works. Not paused after construction.
    void setPaused(bool paused);
    bool paused() const;
    //! One single step: the readings of [now(), now() + stepMs), paused or not.
    void step(std::int64_t stepMs, std::vector<engine::Reading>& out);
    //! Moves now() to timeMs. Forward: the span is simulated and dropped. Backward: the simulator
    //! starts again from the scenario start (keeping injected incidents and added faults) and runs
    //! forward to timeMs. Emergency events not yet drained are kept.
    void jumpTo(std::int64_t timeMs);
    //! Adds an incident during the run. Its startOffsetMs counts from now() (0 = now), not from the
    //! scenario start; it is appended to scenario().incidents with the offset made scenario-relative,
    //! so scoring sees it. Returns its index in scenario().incidents, or what is wrong with it
    //! (duration ≤ 0, negative start, missing point, severity outside 1..5, radius ≤ 0, ...).
    engine::Expected<std::size_t, std::string> inject(Incident incident);

    const City& city() const;
    const Scenario& scenario() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::simulation
