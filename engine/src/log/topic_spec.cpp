#include "cityops/engine/log/topic_spec.h"

namespace cityops::engine::log {

std::vector<TopicSpec> defaultTopics() {
    return {
        {"traffic-events", 12, 7 * kDayMs}, {"air-quality", 6, 30 * kDayMs},       {"temperature-data", 4, 60 * kDayMs},
        {"parking-events", 6, 14 * kDayMs}, {"emergency-events", 3, 365 * kDayMs}, {"energy-data", 8, 90 * kDayMs},
        {"receipts", 4, 30 * kDayMs},
    };
}

int partitionForKey(std::uint64_t key, int partitions) {
    if (partitions <= 1) {
        return 0;
    }
    // splitmix64 finaliser: fixed constants, so the mapping never changes between builds.
    std::uint64_t x = key + 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return static_cast<int>(x % static_cast<std::uint64_t>(partitions));
}

}  // namespace cityops::engine::log
