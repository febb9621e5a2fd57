#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cityops/engine/batch/expression.h"
#include "cityops/engine/batch/table.h"

namespace cityops::engine::batch {

// All operations return a new table and throw BatchError on misuse (unknown column, bad types).

Table select(const Table& table, const std::vector<std::string>& columns);
//! Renames (old, new) pairs; other columns keep their names.
Table rename(const Table& table, const std::vector<std::pair<std::string, std::string>>& renames);
//! "Price Per Unit" -> "price_per_unit", "customerID" -> "customer_id", "x-y (z)" -> "x_y_z".
std::string toSnakeCase(std::string_view name);
//! Every column renamed with toSnakeCase.
Table normaliseNames(const Table& table);

//! A cast column and how many non-null values became null because they had no valid form.
struct CastResult {
    Table table;
    std::size_t newNulls = 0;
};
//! Casts one column in place (any type to string through its text form).
CastResult castColumn(const Table& table, const std::string& column, DataType type);

Table filter(const Table& table, const Expr& predicate);
//! Adds or replaces a computed column.
Table withColumn(const Table& table, const std::string& name, const Expr& e);
Table limit(const Table& table, std::size_t rows);
//! Drops rows with a null in any of subset (all columns when subset is empty).
Table dropNa(const Table& table, const std::vector<std::string>& subset = {});
//! Replaces nulls of one column by a value of a compatible type.
Table fillNa(const Table& table, const std::string& column, const Value& value);
//! First occurrence of each distinct row over subset (all columns when empty), in input order.
Table distinct(const Table& table, const std::vector<std::string>& subset = {});

//! Sort key: column and direction; nulls sort last either way.
struct SortKey {
    std::string column;
    bool ascending = true;
};
//! Stable sort.
Table orderBy(const Table& table, const std::vector<SortKey>& keys);

enum class JoinType { Inner, Left, Semi, Anti };
//! Hash join on equal keys (null keys never match; int and double keys compare numerically). Inner and
//! left append the right side's non-key columns, suffixed "_right" on a name clash; semi and anti keep
//! only the left columns. Output follows left row order.
Table join(const Table& left, const Table& right, const std::vector<std::string>& leftKeys,
           const std::vector<std::string>& rightKeys, JoinType type);

enum class AggKind { Count, CountAll, CountDistinct, Sum, Avg, Min, Max, StdDev, Percentile, ApproxPercentile };
//! One aggregate: Count counts non-null values, CountAll rows; StdDev is the sample deviation;
//! Percentile is exact (linear interpolation between closest ranks, fraction in [0, 1]); ApproxPercentile
//! summarises each group with a t-digest (a few hundred centroids; rank error well under 1%).
struct Aggregate {
    AggKind kind = AggKind::Count;
    std::string column;
    std::string as;
    double fraction = 0.5;
};
//! Groups by keys (null is a group of its own) in first-appearance order; one row per group.
Table groupBy(const Table& table, const std::vector<std::string>& keys, const std::vector<Aggregate>& aggregates);

}  // namespace cityops::engine::batch
