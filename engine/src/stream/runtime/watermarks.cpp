#include "cityops/engine/stream/watermarks.h"

#include <algorithm>

namespace cityops::engine::stream {

WatermarkTracker::WatermarkTracker(WatermarkOptions options) : m_options(options) {
    m_options.maxOutOfOrdernessMs = std::max<TimeMs>(0, m_options.maxOutOfOrdernessMs);
    m_options.idleTimeoutMs = std::max<TimeMs>(0, m_options.idleTimeoutMs);
}

void WatermarkTracker::ensurePartitions(int count, TimeMs now) {
    while (static_cast<int>(m_parts.size()) < count) {
        Part part;
        part.lastActiveMs = now;
        m_parts.push_back(part);
    }
}

TimeMs WatermarkTracker::watermarkOf(const Part& part) const {
    if (part.maxEventTime == kNoWatermark) {
        return kNoWatermark;
    }
    // Saturating subtraction: event times near the minimum must not wrap around.
    if (part.maxEventTime < kNoWatermark + m_options.maxOutOfOrdernessMs) {
        return kNoWatermark;
    }
    return part.maxEventTime - m_options.maxOutOfOrdernessMs;
}

TimeMs WatermarkTracker::advance(TimeMs now) {
    TimeMs activeMin = kEndOfTime;
    TimeMs anyMax = kNoWatermark;
    bool anyActive = false;
    for (Part& part : m_parts) {
        const TimeMs wm = watermarkOf(part);
        if (part.touched) {
            part.touched = false;
            if (part.idle) {
                // Back from idleness: it rejoins the minimum once it has caught up (Flink's alignment),
                // so the partitions that kept flowing are not stalled meanwhile.
                part.idle = false;
                part.aligned = wm >= m_merged;
            }
            part.lastActiveMs = now;
        } else if (m_options.idleTimeoutMs > 0 && now - part.lastActiveMs >= m_options.idleTimeoutMs) {
            part.idle = true;
        }
        if (!part.aligned && wm >= m_merged) {
            part.aligned = true;
        }
        anyMax = std::max(anyMax, wm);
        if (!part.idle && part.aligned) {
            anyActive = true;
            activeMin = std::min(activeMin, wm);
        }
    }
    const TimeMs merged = anyActive ? activeMin : anyMax;
    m_merged = std::max(m_merged, merged);
    return m_merged;
}

TimeMs WatermarkTracker::maxEventTime() const {
    TimeMs out = kNoWatermark;
    for (const Part& part : m_parts) {
        out = std::max(out, part.maxEventTime);
    }
    return out;
}

int WatermarkTracker::idlePartitions() const {
    return static_cast<int>(std::count_if(m_parts.begin(), m_parts.end(), [](const Part& p) { return p.idle; }));
}

TimeMs WatermarkTracker::partitionWatermark(int partition) const {
    return watermarkOf(m_parts[static_cast<std::size_t>(partition)]);
}

void WatermarkTracker::snapshot(StateWriter& writer) const {
    writer.put<TimeMs>(m_merged);
    writer.put<std::uint32_t>(static_cast<std::uint32_t>(m_parts.size()));
    for (const Part& part : m_parts) {
        writer.put<TimeMs>(part.maxEventTime);
    }
}

bool WatermarkTracker::restore(StateReader& reader, TimeMs now) {
    const auto merged = reader.get<TimeMs>();
    const auto count = reader.get<std::uint32_t>();
    if (reader.failed() || count > (1u << 20)) {
        return false;
    }
    ensurePartitions(static_cast<int>(count), now);
    for (std::uint32_t i = 0; i < count; ++i) {
        Part& part = m_parts[i];
        part.maxEventTime = std::max(part.maxEventTime, reader.get<TimeMs>());
        part.lastActiveMs = now;
    }
    m_merged = std::max(m_merged, merged);
    return !reader.failed();
}

}  // namespace cityops::engine::stream
