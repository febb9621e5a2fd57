#pragma once

// Source-side event time of the stream runtime: one watermark per source partition (largest event
// time seen − bounded out-of-orderness), merged as the minimum over the partitions that are not idle.

#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! How the source derives watermarks.
struct WatermarkOptions {
    TimeMs maxOutOfOrdernessMs = 10'000;  //!< a partition's watermark = its max event time − this
    //! A partition with no records for this long (processing time) leaves the minimum until it has
    //! data again, so a quiet partition does not stall windows. 0: partitions never go idle.
    TimeMs idleTimeoutMs = 30'000;
};

//! Per-partition watermarks and their merge (Flink's per-split watermarks with idleness).
//!
//! - Partition watermark: max event time seen − maxOutOfOrderness (kNoWatermark before any record).
//! - Merged watermark: the minimum over active partitions. A partition is idle once idleTimeout of
//!   processing time passed without records; it becomes active again with its next record. When
//!   every partition is idle the merged watermark is the largest partition watermark (all input so
//!   far is out, as Flink does). The merged watermark never decreases: a partition that returns from
//!   idleness behind it rejoins the minimum only once its own watermark has caught up, and its records
//!   behind the merged watermark are late.
//!
//! Not thread-safe: the source thread owns it. observe() is inline and cheap (one compare per record).
class WatermarkTracker {
public:
    explicit WatermarkTracker(WatermarkOptions options = {});

    //! Makes partitions 0..count-1 known (never shrinks). A known partition without records holds the
    //! merged watermark back until it goes idle. `now` starts their idle clocks.
    void ensurePartitions(int count, TimeMs now);
    int partitions() const { return static_cast<int>(m_parts.size()); }

    //! A record of `partition` with event time `eventTime` (the partition must be known).
    void observe(int partition, TimeMs eventTime) {
        Part& part = m_parts[static_cast<std::size_t>(partition)];
        if (eventTime > part.maxEventTime) {
            part.maxEventTime = eventTime;
        }
        part.touched = true;
    }

    //! Applies idleness at processing time `now` and recomputes the merged watermark; returns it.
    TimeMs advance(TimeMs now);
    //! The merged watermark after the last advance().
    TimeMs current() const { return m_merged; }
    //! The largest event time of any partition (kNoWatermark before any record).
    TimeMs maxEventTime() const;
    int idlePartitions() const;
    //! A partition's own watermark (kNoWatermark before its first record).
    TimeMs partitionWatermark(int partition) const;
    bool isIdle(int partition) const { return m_parts[static_cast<std::size_t>(partition)].idle; }

    //! Writes the per-partition max event times and the merged watermark.
    void snapshot(StateWriter& writer) const;
    //! Restores what snapshot() wrote; idle clocks restart at `now`. False if malformed.
    bool restore(StateReader& reader, TimeMs now);

private:
    struct Part {
        TimeMs maxEventTime = kNoWatermark;
        TimeMs lastActiveMs = 0;
        bool touched = false;
        bool idle = false;
        bool aligned = true;  //!< counts in the minimum (false after idleness until it catches up)
    };
    TimeMs watermarkOf(const Part& part) const;

    WatermarkOptions m_options;
    std::vector<Part> m_parts;
    TimeMs m_merged = kNoWatermark;
};

}  // namespace cityops::engine::stream
