#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/simulation/sensor_fault.h"

namespace cityops::simulation::detail {

//! One reading on its way out: the simulator's output is ordered by (deliveryMs, sensorId, order).
struct Delivery {
    std::int64_t deliveryMs = 0;
    std::uint64_t order = 0;  //!< generation order, the final tie-break
    engine::Reading reading;
};

//! The sensor faults and data floods in force, per sensor, and what they do to an emission.
//! Random choices hash (seed, sensor, seq), so they do not depend on how time is stepped.
class FaultModel {
public:
    explicit FaultModel(std::size_t sensorCount);

    void addFault(std::uint32_t sensor, const SensorFault& fault, std::int64_t fromMs, std::int64_t toMs);
    void addFlood(std::uint32_t sensor, int multiplier, std::int64_t fromMs, std::int64_t toMs);
    //! True when no fault or flood was ever added (the simulator can then skip delivery ordering).
    bool empty() const { return !m_any; }
    //! How many emissions the sensor makes per reporting interval at timeMs (1 = normal).
    int floodMultiplier(std::uint32_t sensor, std::int64_t timeMs) const;
    //! Applies the sensor's faults active at timeMs to one emission and appends what gets delivered.
    void deliver(std::uint32_t sensor, std::int64_t timeMs, std::span<const engine::Reading> emission,
                 std::uint64_t seedKey, std::uint64_t& order, std::vector<Delivery>& staged);

private:
    struct Window {
        SensorFault fault;
        std::int64_t fromMs = 0;
        std::int64_t toMs = 0;
        double stuck[4] = {0.0, 0.0, 0.0, 0.0};  //!< one per metric of an emission (kMaxMetrics)
        bool captured = false;
    };
    struct Flood {
        int multiplier = 1;
        std::int64_t fromMs = 0;
        std::int64_t toMs = 0;
    };

    std::vector<std::vector<Window>> m_faults;
    std::vector<std::vector<Flood>> m_floods;
    bool m_any = false;
};

}  // namespace cityops::simulation::detail
