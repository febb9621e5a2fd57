#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"
#include "flat_key_index.h"

namespace cityops::engine::detail {

//! Epoch-aligned tumbling windows per (sensor, metric) for the keys one worker owns. Open windows
//! are grouped by their end time, so advancing the watermark touches only the windows that fire.
class TumblingWindows {
public:
    explicit TumblingWindows(std::int64_t windowSizeMs);

    static std::int64_t windowStart(std::int64_t eventTimeMs, std::int64_t windowSizeMs);

    //! True when the reading's window has already fired under the current watermark.
    bool isLate(std::int64_t eventTimeMs) const;
    //! Adds a reading that is not late.
    void add(const Reading& reading);
    //! Fires every window with end <= watermarkMs, appending one aggregate per key in firing order.
    void advance(std::int64_t watermarkMs, std::vector<WindowAggregate>& out);
    std::int64_t watermarkMs() const { return m_watermarkMs; }

private:
    struct Bucket {
        FlatKeyIndex index;
        std::vector<WindowAggregate> windows;
    };
    using BucketMap = std::map<std::int64_t, Bucket>;

    Bucket& bucketFor(std::int64_t windowEndMs);

    std::int64_t m_sizeMs;
    std::int64_t m_watermarkMs;
    BucketMap m_open;
    std::vector<BucketMap::node_type> m_spare;
    std::int64_t m_cachedEndMs = 0;
    Bucket* m_cached = nullptr;
};

}  // namespace cityops::engine::detail
