#pragma once

// Bound expressions and the logical plan (private to engine/src/sql). The binder builds them from the
// AST; the executor runs them on batch Tables. Columns are referenced by position in the child's
// output; an operator's output table names its columns c0, c1, ... (schema() gives the SQL names).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <stdexcept>
#include <string>
#include <vector>

#include "cityops/engine/batch/column.h"
#include "cityops/engine/batch/table.h"
#include "cityops/engine/sql/sql_error.h"

namespace cityops::engine::sql::detail {

using batch::DataType;

//! Thrown inside the SQL layer and turned into an SqlError at runQuery's boundary.
struct SqlException {
    SqlError error;
};
[[noreturn]] inline void raise(SqlErrc code, std::string message, SourcePos pos) {
    throw SqlException{SqlError{code, std::move(message), pos}};
}

enum class BOp {
    Column, Literal, Neg, Not, Add, Sub, Mul, Div, Mod, Concat, Eq, Ne, Lt, Le, Gt, Ge, And, Or,
    IsNull, IsNotNull, In, Like, Case, Cast, Call
};

enum class Func {
    Coalesce, NullIf, DateTrunc, ToDate, Hour, Minute, Second, Year, Quarter, Month, Day, DayOfWeek, DayOfYear,
    Round, Abs, Floor, Ceil, Sqrt, Power, Ln, Exp, Lower, Upper, Length, Concat, Trim, Substr, Greatest, Least
};

//! A type-checked expression over the columns of one input table.
struct BoundExpr {
    BOp op = BOp::Literal;
    DataType type = DataType::Int64;
    bool nullLiteral = false;  //!< Literal NULL (typed by context)
    int column = -1;
    std::int64_t i = 0;
    double d = 0.0;
    std::string str;  //!< string literal, LIKE pattern, date_trunc unit
    Func func = Func::Coalesce;
    bool negated = false;
    bool hasElse = false;
    bool caseInsensitive = false;
    SourcePos pos;
    std::vector<BoundExpr> args;
};

struct ColumnInfo {
    std::string qualifier;
    std::string name;
    DataType type = DataType::Int64;
};

enum class AggFn { Count, CountStar, CountDistinct, Sum, Avg, Min, Max, StddevSamp, StddevPop, VarSamp, VarPop,
                   PercentileCont, PercentileDisc, ApproxPercentile };

struct AggCall {
    AggFn fn = AggFn::Count;
    std::optional<BoundExpr> arg;
    double fraction = 0.5;
    bool descending = false;  //!< WITHIN GROUP (ORDER BY x DESC): fraction becomes 1 - fraction
    std::string text;         //!< rendered call, for EXPLAIN
};

struct SortSpec {
    BoundExpr expr;
    bool ascending = true;
    bool nullsFirst = false;
};

enum class WinFn { RowNumber, Rank, DenseRank, Lag, Lead, Sum, Avg, Count, CountStar, Min, Max, FirstValue, LastValue };

struct WindowCall {
    WinFn fn = WinFn::RowNumber;
    std::vector<BoundExpr> args;  //!< the value; LAG/LEAD: value, default
    std::int64_t offset = 1;      //!< LAG/LEAD
    std::vector<BoundExpr> partition;
    std::vector<SortSpec> order;
    bool rows = false;  //!< ROWS frame; else RANGE
    bool wholePartition = false;  //!< no ORDER BY and no frame: the frame is the partition
    bool startUnbounded = true;
    double startOffset = 0.0;  //!< preceding distance (negative: following)
    bool endUnbounded = false;
    double endOffset = 0.0;  //!< following distance (negative: preceding)
    DataType type = DataType::Int64;
    std::string text;
    SourcePos pos;
};

enum class PlanKind { Scan, Values, Filter, Project, Aggregate, Window, Sort, Limit, Distinct, Join, CteRef };

//! One logical operator. Children produce tables; this node's output is described by schema.
struct PlanNode {
    PlanKind kind = PlanKind::Scan;
    SourcePos pos;
    std::vector<ColumnInfo> schema;
    std::vector<std::unique_ptr<PlanNode>> children;
    std::string table;  //!< Scan: catalog name
    const batch::Table* source = nullptr;
    std::optional<BoundExpr> predicate;  //!< Filter; Join residual
    std::vector<BoundExpr> exprs;        //!< Project; Aggregate keys
    std::vector<AggCall> aggs;
    std::vector<WindowCall> windows;
    std::vector<SortSpec> sort;
    std::int64_t limit = -1;
    std::int64_t offset = 0;
    bool leftJoin = false;
    bool crossJoin = false;
    std::vector<BoundExpr> leftKeys, rightKeys;
    std::shared_ptr<const PlanNode> shared;  //!< CteRef: the CTE's plan, run once per query
};

//! Cancellation and progress of one run.
class ExecContext {
public:
    ExecContext(std::function<bool(double)> progress, std::size_t operators, std::size_t maxCrossRows)
        : maxCrossJoinRows(maxCrossRows), m_progress(std::move(progress)), m_operators(operators == 0 ? 1 : operators) {}
    //! Called every kChunk rows inside an operator; throws the cancellation error when asked to stop.
    void tick(SourcePos pos) {
        if (m_progress && !m_progress(static_cast<double>(m_done) / static_cast<double>(m_operators))) {
            raise(SqlErrc::Cancelled, "query cancelled", pos);
        }
    }
    void operatorDone(SourcePos pos) {
        ++m_done;
        tick(pos);
    }
    static constexpr std::size_t kChunk = 65536;
    std::size_t maxCrossJoinRows;
    std::map<const PlanNode*, batch::Table> cteResults;  //!< CTE plans already run

private:
    std::function<bool(double)> m_progress;
    std::size_t m_operators;
    std::size_t m_done = 0;
};

//! Column name of position i in an operator's output table.
std::string internalName(std::size_t i);
//! Evaluates e over every row of input.
batch::Column evaluate(const BoundExpr& e, const batch::Table& input, ExecContext& ctx);
//! Runs a plan.
batch::Table execute(const PlanNode& node, ExecContext& ctx);
//! Adds the window columns of node to input.
batch::Table executeWindows(const PlanNode& node, const batch::Table& input, ExecContext& ctx);
//! Indexes of rows in sorted order (stable).
std::vector<std::size_t> sortedRows(const batch::Table& input, const std::vector<SortSpec>& keys, ExecContext& ctx);
//! A date (days) or timestamp (ms) read from ISO text (a timestamp also from a bare date); nullopt if invalid.
std::optional<std::int64_t> parseTemporal(std::string_view text, DataType type);
//! Three-way comparison of two non-null values of comparable types.
int compareValues(const batch::Value& a, const batch::Value& b);
//! Operators in the plan (for progress).
std::size_t countOperators(const PlanNode& node);
//! EXPLAIN text.
std::string explain(const PlanNode& node);

}  // namespace cityops::engine::sql::detail
