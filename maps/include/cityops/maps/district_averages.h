#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::maps {

//! The district choropleth's data: per district, the mean over sensors of the latest fired window's
//! average of one metric (CO2 by default), fed with the drained WindowAggregates. A newer window of a
//! district replaces the older one; older windows arriving late are ignored.
class DistrictAverages {
public:
    explicit DistrictAverages(std::size_t districtCount, engine::Metric metric = engine::Metric::Co2);

    //! Folds a batch of window results in; returns whether any district's mean changed.
    bool add(std::span<const engine::WindowAggregate> aggregates);
    //! Mean per district in district-id order; NaN for a district without a window yet.
    std::vector<double> means() const;
    engine::Metric metric() const { return m_metric; }

private:
    struct Slot {
        std::int64_t windowStartMs = 0;
        double sum = 0.0;
        std::uint32_t count = 0;
    };
    std::vector<Slot> m_slots;
    engine::Metric m_metric;
};

}  // namespace cityops::maps
