#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/reading.h"

namespace cityops::engine::storage {

//! How long one topic's data is kept, in the hot tier (SQLite) and the cold tier (archive).
struct TopicRetention {
    std::string topic;
    std::int64_t retentionMs = 0;
};

//! The design's limits, taken from log::defaultTopics(): traffic-events 7 d, air-quality 30 d,
//! temperature-data 60 d, parking-events 14 d, emergency-events 365 d, energy-data 90 d, receipts 30 d.
std::vector<TopicRetention> defaultRetention();
//! The limit of topic in policy; nullopt (keep forever) if the policy does not name it.
std::optional<std::int64_t> retentionOf(const std::vector<TopicRetention>& policy, std::string_view topic);

//! The topic a sensor kind publishes to. The design has no noise topic: noise meters are environmental
//! sensors and share air-quality (and its 30-day limit).
std::string_view topicOf(SensorKind kind);
//! The sensor kind that reports a metric (CO2 and PM2.5: air quality; humidity: temperature; ...).
SensorKind kindOf(Metric metric);
//! topicOf(kindOf(metric)): the topic whose limit applies to a metric's readings and aggregates.
std::string_view topicOf(Metric metric);

//! Rows one retention pass removed from the hot tier for one topic; all are older than cutoffMs.
struct HotRetentionCount {
    std::string topic;
    std::int64_t cutoffMs = 0;  //!< now − retention: rows with time < cutoffMs were deleted
    std::uint64_t readings = 0;
    std::uint64_t events = 0;
    std::uint64_t aggregates = 0;  //!< window aggregates, by window start
};

//! What Storage::enforceRetention removed, per topic the policy names.
struct HotRetentionReport {
    std::vector<HotRetentionCount> topics;
    std::uint64_t total() const;
};

}  // namespace cityops::engine::storage
