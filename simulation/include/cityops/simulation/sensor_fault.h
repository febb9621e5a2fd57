#pragma once

#include <cstdint>
#include <string_view>

namespace cityops::simulation {

//! How a faulty sensor misbehaves (the failure modes of a real sensor network).
enum class FaultMode : std::uint8_t {
    Stuck,       //!< every metric repeats the value of the first faulty emission
    Drift,       //!< the primary metric drifts away linearly (driftPerHour units per hour)
    Dropout,     //!< emissions are lost with probability rate (seq still advances: gaps are visible)
    Duplicate,   //!< emissions are sent twice (same seq) with probability rate
    OutOfOrder,  //!< emissions are delivered up to maxDelayMs late with probability rate
    ClockSkew,   //!< the sensor's clock is off: event times carry skewMs, delivery does not
};

//! A fault's mode and parameters; which sensors and when is said by the incident or the API call.
struct SensorFault {
    FaultMode mode = FaultMode::Stuck;
    double rate = 1.0;                //!< Dropout/Duplicate/OutOfOrder: probability per emission, (0, 1]
    double driftPerHour = 5.0;        //!< Drift: change of the primary metric per simulated hour
    std::int64_t maxDelayMs = 8'000;  //!< OutOfOrder: delivery delay is uniform in [1 ms, maxDelayMs]
    std::int64_t skewMs = 0;          //!< ClockSkew: added to event times (may be negative)
};

//! Scenario spelling of a fault mode ("stuck", "drift", "dropout", "duplicate", "out_of_order", "clock_skew").
std::string_view toString(FaultMode mode);

}  // namespace cityops::simulation
