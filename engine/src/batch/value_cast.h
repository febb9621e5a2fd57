#pragma once

#include "cityops/engine/batch/column.h"

namespace cityops::engine::batch::detail {

//! Converts a scalar to a non-string type; null when the value has no valid form there.
Value castValue(const Value& v, DataType to);

}  // namespace cityops::engine::batch::detail
