#include "cityops/maps/district_averages.h"

#include <limits>

namespace cityops::maps {

DistrictAverages::DistrictAverages(std::size_t districtCount, engine::Metric metric)
    : m_slots(districtCount), m_metric(metric) {}

bool DistrictAverages::add(std::span<const engine::WindowAggregate> aggregates) {
    bool changed = false;
    for (const engine::WindowAggregate& aggregate : aggregates) {
        if (aggregate.metric != m_metric || aggregate.count == 0 || aggregate.locationId >= m_slots.size()) continue;
        Slot& slot = m_slots[aggregate.locationId];
        if (slot.count > 0 && aggregate.windowStartMs < slot.windowStartMs) continue;
        if (slot.count == 0 || aggregate.windowStartMs > slot.windowStartMs) {
            slot = Slot{aggregate.windowStartMs, 0.0, 0};
        }
        slot.sum += aggregate.average();
        ++slot.count;
        changed = true;
    }
    return changed;
}

std::vector<double> DistrictAverages::means() const {
    std::vector<double> result;
    result.reserve(m_slots.size());
    for (const Slot& slot : m_slots)
        result.push_back(slot.count == 0 ? std::numeric_limits<double>::quiet_NaN() : slot.sum / slot.count);
    return result;
}

}  // namespace cityops::maps
