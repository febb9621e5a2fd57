#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/batch/table.h"
#include "cityops/engine/sql/ast.h"
#include "cityops/engine/sql/catalog.h"
#include "cityops/engine/sql/sql_error.h"

namespace cityops::engine::sql {

//! Parses one statement (an optional trailing ';'). Errors carry the line and column of the token.
SqlResult<Statement> parse(std::string_view text);

//! How a query runs.
struct QueryOptions {
    //! Values of :name parameters (e.g. "month_start" → "TIMESTAMP '2026-11-01'" is not needed: give the
    //! literal text as SQL, such as "'2026-11-01 00:00:00'" or "42"). Parsed as SQL expressions.
    std::map<std::string, std::string> parameters;
    //! Progress (fraction 0..1) reported between operators and every 64 k rows inside them; returning
    //! false cancels the query, which then fails with SqlErrc::Cancelled. Called on the calling thread.
    std::function<bool(double)> progress;
    //! Largest number of rows a cross join may produce before the query is refused.
    std::size_t maxCrossJoinRows = 50'000'000;
};

//! A query's result: the output column names (may repeat) and a table with one column per name
//! (internal column names are unique, not meant for display).
struct QueryResult {
    std::vector<std::string> names;
    batch::Table table;
    std::string plan;  //!< the logical plan, one operator per line (EXPLAIN text)
};

//! Parses, binds, plans and runs a query over the catalog. Never throws on bad input.
SqlResult<QueryResult> runQuery(Catalog& catalog, std::string_view text, const QueryOptions& options = {});

//! Output formats of formatResult.
enum class ResultFormat { Table, Csv, Json };
//! Renders a result: a boxed text grid, RFC-4180 CSV with a header, or a JSON array of objects.
std::string formatResult(const QueryResult& result, ResultFormat format);

}  // namespace cityops::engine::sql
