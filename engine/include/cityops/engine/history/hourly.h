#pragma once

#include <span>
#include <vector>

#include "cityops/engine/history/history_types.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine::storage {
class Storage;
class StorageReader;
}  // namespace cityops::engine::storage

namespace cityops::engine::history {

//! One district's metric over one hour: all its sensors' readings together.
struct DistrictHourly {
    std::uint16_t locationId = 0;
    Metric metric = Metric::TrafficSpeed;
    std::int64_t hourStartMs = 0;
    std::uint64_t count = 0;
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    std::uint32_t sensors = 0;  //!< sensors with readings in the hour
    double average() const { return count == 0 ? 0.0 : sum / static_cast<double>(count); }
};

//! Tumbling one-hour windows of readings (any order) per (sensor, metric): the stored form
//! (WindowAggregate with [hour, hour + 1 h)). Sorted by sensor, metric, hour.
std::vector<WindowAggregate> aggregateWindows(std::span<const Reading> readings, std::int64_t windowSizeMs = kHourMs);

//! Sensor hours rolled up per (district, metric, hour). Sorted by location, metric, hour.
std::vector<DistrictHourly> aggregateDistricts(std::span<const WindowAggregate> sensorHours);

//! What runHourlyAggregation did.
struct HourlyRunReport {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::uint64_t readings = 0;
    std::uint64_t sensorHours = 0;  //!< rows upserted into window_aggregates (window size 1 h)
    std::vector<DistrictHourly> districts;
};

//! The batch layer's hourly aggregation: reads the readings of [fromMs, toMs), upserts one
//! window_aggregates row per (sensor, metric, hour) with window_size_ms = 1 h, and records one
//! data_lineage row (job "batch-hourly", input "readings", processing time nowMs). District hours are
//! computed and reported but not stored: the store derives districts from sensor rows
//! (StorageReader::districtAggregates), and a district row there would be counted twice.
//! Running it again over the same range rewrites the same rows (idempotent).
Result<HourlyRunReport> runHourlyAggregation(storage::Storage& storage, storage::StorageReader& reader,
                                             std::int64_t fromMs, std::int64_t toMs, std::int64_t nowMs);

std::string toText(const HourlyRunReport& report);
std::string toJson(const HourlyRunReport& report);

}  // namespace cityops::engine::history
