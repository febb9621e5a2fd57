#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cityops/engine/batch/table.h"

namespace cityops::engine::batch {

//! PARTITION BY ... ORDER BY orderBy (ascending, nulls last). Results keep the input row order.
struct WindowSpec {
    std::vector<std::string> partitionBy;
    std::string orderBy;
};

//! Adds `as` = the value of `column` `offset` rows earlier in the row's partition (null for the first).
Table lag(const Table& table, const WindowSpec& window, const std::string& column, std::size_t offset,
          const std::string& as);

//! Adds `as` = average of the non-null `column` values of the partition's rows whose order value lies in
//! [v - preceding, v + following] for the row's order value v (a RANGE frame; order column numeric, date in
//! days or timestamp in ms). Rows with a null order value get null.
Table movingAverage(const Table& table, const WindowSpec& window, const std::string& column, double preceding,
                    double following, const std::string& as);

}  // namespace cityops::engine::batch
