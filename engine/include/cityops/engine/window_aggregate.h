#pragma once

#include <cstdint>

#include "cityops/engine/reading.h"

namespace cityops::engine {

//! The result of one event-time window for one key (sensor + metric): count, sum, min, max.
struct WindowAggregate {
    std::int64_t windowStartMs = 0;  //!< inclusive
    std::int64_t windowEndMs = 0;    //!< exclusive
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    std::uint32_t count = 0;
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    Metric metric = Metric::TrafficSpeed;

    double average() const { return count == 0 ? 0.0 : sum / count; }
};

}  // namespace cityops::engine
