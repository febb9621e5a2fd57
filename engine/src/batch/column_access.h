#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "cityops/engine/batch/column.h"

namespace cityops::engine::batch::detail {

//! Bulk construction of columns by the engine's vectorised paths: size a column once, then write values
//! and validity words directly (threads may fill disjoint ranges that start at multiples of 64 rows).
struct ColumnAccess {
    //! A column of `rows` nulls (values zero), its arrays sized; strings share `dictionary` when given.
    static Column sized(DataType type, std::size_t rows, std::shared_ptr<Dictionary> dictionary = nullptr) {
        Column c(type);
        if (dictionary) c.m_dict = std::move(dictionary);
        c.m_size = rows;
        c.m_valid.assign((rows + 63) / 64, 0);
        if (type == DataType::Double)
            c.m_doubles.assign(rows, 0.0);
        else if (type == DataType::String)
            c.m_codes.assign(rows, 0);
        else
            c.m_ints.assign(rows, 0);
        return c;
    }
    static std::int64_t* ints(Column& c) { return c.m_ints.data(); }
    static double* doubles(Column& c) { return c.m_doubles.data(); }
    static std::uint32_t* codes(Column& c) { return c.m_codes.data(); }
    static std::uint64_t* valid(Column& c) { return c.m_valid.data(); }
    static const std::uint64_t* valid(const Column& c) { return c.m_valid.data(); }
    //! Dictionaries filled in bulk (the CSV reader) leave Dictionary::index empty: building a hash map
    //! node per distinct string (a million for an id column) cost more than the rest of the column.
    //! The index is complete exactly when index.size() == strings.size(); lookups go through
    //! key_index.h (a local map when it is incomplete), appends complete it (Column::appendString).
    static const std::shared_ptr<Dictionary>& dictionary(const Column& c) { return c.m_dict; }
    static std::shared_ptr<Dictionary>& dictionary(Column& c) { return c.m_dict; }
};

}  // namespace cityops::engine::batch::detail
