#pragma once

#include <memory>

#include "cityops/engine/sql/sql.h"
#include "sql/plan.h"

namespace cityops::engine::sql::detail {

//! Resolves tables (loading them from the catalog) and columns, checks types and builds the logical
//! plan. Throws SqlException with the position of the offending node.
std::unique_ptr<PlanNode> bindStatement(const Statement& statement, Catalog& catalog, const QueryOptions& options);

//! Edit distance, for "did you mean" hints.
std::size_t editDistance(std::string_view a, std::string_view b);
//! ", did you mean 'x'?" for the closest candidate within a small distance, else "".
std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace cityops::engine::sql::detail
