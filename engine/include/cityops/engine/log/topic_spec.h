#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cityops::engine::log {

inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

//! One topic of the event log: its partition count and how long its records are kept.
struct TopicSpec {
    std::string name;
    int partitions = 1;
    std::int64_t retentionMs = 7 * kDayMs;  //!< sealed segments whose newest record is older are deleted
};

//! The design's topics (traffic-events 12 / 7 d, air-quality 6 / 30 d, temperature-data 4 / 60 d,
//! parking-events 6 / 14 d, emergency-events 3 / 365 d, energy-data 8 / 90 d) plus receipts 4 / 30 d.
std::vector<TopicSpec> defaultTopics();

//! Stable key → partition mapping (a fixed 64-bit mix, then modulo): the same on every run and build,
//! so a sensor's records always land in one partition and stay ordered.
int partitionForKey(std::uint64_t key, int partitions);

}  // namespace cityops::engine::log
