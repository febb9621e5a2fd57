#include "cityops/engine/batch/window.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "cityops/engine/batch/result.h"
#include "row_key.h"

namespace cityops::engine::batch {

namespace {

//! Row indexes of each partition, each sorted by the order column (stable, nulls last).
std::vector<std::vector<std::size_t>> partitions(const Table& table, const WindowSpec& window) {
    std::vector<const Column*> keys;
    for (const std::string& name : window.partitionBy) keys.push_back(&table.column(name));
    const Column& order = table.column(window.orderBy);
    if (order.type() == DataType::String || order.type() == DataType::Bool) {
        throw BatchError("window order column '" + window.orderBy + "' must be numeric, date or timestamp");
    }
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::vector<std::size_t>> groups;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        std::string key;
        for (const Column* c : keys) detail::appendKey(key, *c, r, false);
        const auto [it, inserted] = index.try_emplace(std::move(key), groups.size());
        if (inserted) groups.emplace_back();
        groups[it->second].push_back(r);
    }
    for (std::vector<std::size_t>& rows : groups) {
        std::stable_sort(rows.begin(), rows.end(), [&order](std::size_t a, std::size_t b) {
            if (order.isNull(a) || order.isNull(b)) return !order.isNull(a) && order.isNull(b);
            return order.valueAt(a).asDouble() < order.valueAt(b).asDouble();
        });
    }
    return groups;
}

}  // namespace

Table lag(const Table& table, const WindowSpec& window, const std::string& column, std::size_t offset,
          const std::string& as) {
    const Column& source = table.column(column);
    std::vector<std::size_t> from(table.rowCount(), Column::kNoRow);
    for (const std::vector<std::size_t>& rows : partitions(table, window)) {
        for (std::size_t p = offset; p < rows.size(); ++p) from[rows[p]] = rows[p - offset];
    }
    Table out = table;
    out.setColumn(as, source.take(from));
    return out;
}

Table movingAverage(const Table& table, const WindowSpec& window, const std::string& column, double preceding,
                    double following, const std::string& as) {
    const Column& source = table.column(column);
    if (source.type() != DataType::Int64 && source.type() != DataType::Double) {
        throw BatchError("moving average needs a numeric column, '" + column + "' is " +
                         std::string(typeName(source.type())));
    }
    const Column& order = table.column(window.orderBy);
    std::vector<double> averages(table.rowCount(), 0.0);
    std::vector<bool> present(table.rowCount(), false);
    for (const std::vector<std::size_t>& rows : partitions(table, window)) {
        std::size_t end = 0;
        while (end < rows.size() && !order.isNull(rows[end])) ++end;
        std::size_t lo = 0;
        std::size_t hi = 0;
        double sum = 0.0;
        std::size_t count = 0;
        for (std::size_t p = 0; p < end; ++p) {
            const double v = order.valueAt(rows[p]).asDouble();
            while (hi < end && order.valueAt(rows[hi]).asDouble() <= v + following) {
                if (!source.isNull(rows[hi])) sum += source.valueAt(rows[hi]).asDouble(), ++count;
                ++hi;
            }
            while (lo < hi && order.valueAt(rows[lo]).asDouble() < v - preceding) {
                if (!source.isNull(rows[lo])) sum -= source.valueAt(rows[lo]).asDouble(), --count;
                ++lo;
            }
            if (count > 0) {
                averages[rows[p]] = sum / static_cast<double>(count);
                present[rows[p]] = true;
            }
        }
    }
    Column result(DataType::Double);
    result.reserve(table.rowCount());
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        if (present[r])
            result.appendDouble(averages[r]);
        else
            result.appendNull();
    }
    Table out = table;
    out.setColumn(as, std::move(result));
    return out;
}

}  // namespace cityops::engine::batch
