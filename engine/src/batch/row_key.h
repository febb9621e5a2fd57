#pragma once

#include <cstring>
#include <string>

#include "cityops/engine/batch/column.h"

namespace cityops::engine::batch::detail {

//! Appends a byte encoding of one cell to a composite hash key: equal keys iff equal values (nulls equal
//! each other; with numericAsDouble, ints encode as doubles so they can match a double column).
inline void appendKey(std::string& key, const Column& column, std::size_t row, bool numericAsDouble) {
    if (column.isNull(row)) {
        key += '\0';
        return;
    }
    key += '\1';
    auto appendBytes = [&key](const auto& v) {
        char bytes[sizeof(v)];
        std::memcpy(bytes, &v, sizeof(v));
        key.append(bytes, sizeof(v));
    };
    switch (column.type()) {
        case DataType::String: {
            const std::string_view s = column.stringAt(row);
            appendBytes(static_cast<std::uint32_t>(s.size()));
            key.append(s);
            break;
        }
        case DataType::Double: {
            const double d = column.doubleAt(row) == 0.0 ? 0.0 : column.doubleAt(row);
            appendBytes(d);
            break;
        }
        default:
            if (numericAsDouble)
                appendBytes(static_cast<double>(column.intAt(row)) + 0.0);
            else
                appendBytes(column.intAt(row));
    }
}

}  // namespace cityops::engine::batch::detail
