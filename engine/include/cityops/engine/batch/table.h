#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/batch/column.h"

namespace cityops::engine::batch {

//! A named, typed column set of equal length: the batch engine's DataFrame. Columns are immutable once
//! added and shared between tables derived from one another, so copying a table copies no data.
class Table {
public:
    Table() = default;

    std::size_t rowCount() const { return m_columns.empty() ? 0 : m_columns.front()->size(); }
    std::size_t columnCount() const { return m_columns.size(); }
    const std::vector<std::string>& names() const { return m_names; }
    const std::string& name(std::size_t index) const { return m_names[index]; }
    const Column& column(std::size_t index) const { return *m_columns[index]; }
    //! Throws BatchError when absent.
    const Column& column(std::string_view name) const { return *m_columns[indexOf(name)]; }
    std::optional<std::size_t> find(std::string_view name) const;
    //! Throws BatchError (listing the available names) when absent.
    std::size_t indexOf(std::string_view name) const;

    //! Adds or replaces a column; throws BatchError on a length mismatch.
    void setColumn(std::string name, Column column);
    //! Adds or replaces a column by sharing column `index` of source (no copy).
    void shareColumn(std::string name, const Table& source, std::size_t index);
    void renameColumn(std::size_t index, std::string name) { m_names[index] = std::move(name); }
    //! Every column's rows picked by index (see Column::take).
    Table take(const std::vector<std::size_t>& rows) const;

    //! Spark printSchema layout: "root" then " |-- name: type (nullable = true)" per column.
    std::string schemaText() const;
    //! Spark show(n) layout: a boxed text grid of the first n rows; cells longer than truncate are cut.
    std::string showText(std::size_t rows = 20, std::size_t truncate = 20) const;
    //! Heap bytes of the columns (shared columns counted in full).
    std::size_t memoryBytes() const;

private:
    std::vector<std::string> m_names;
    std::vector<std::shared_ptr<const Column>> m_columns;
};

}  // namespace cityops::engine::batch
