#pragma once

// Expressions of streaming SQL, compiled once from the AST into a small tree evaluated per event
// (WHERE, DEFINE, event time, aggregate arguments) or per emitted row (SELECT, HAVING, MEASURES).
// Evaluation never allocates: strings are views of static names or of the compiled literals.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/batch/column.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/sql/ast.h"
#include "cityops/engine/stream/cep_match.h"
#include "sql/plan.h"

namespace cityops::engine::sql::stream_detail {

using batch::DataType;
using batch::Value;
using stream::TimeMs;

//! The fields of a Reading a stream table's columns map to.
enum class Field { SensorId, LocationId, Kind, Metric, Value, Seq, EventTime };

//! Window aggregates that fit an accumulator kept inline in the window slot.
inline constexpr int kMaxAggregates = 8;

//! Accumulator of a windowed GROUP BY: a representative reading (grouped fields are equal in all of
//! the group's readings) and count/sum/min/max per aggregate. Trivially copyable.
struct GroupAcc {
    Reading first{};
    std::uint64_t rows = 0;
    std::array<std::uint64_t, kMaxAggregates> count{};
    std::array<double, kMaxAggregates> sum{};
    std::array<double, kMaxAggregates> min{};
    std::array<double, kMaxAggregates> max{};
};

//! What an expression sees.
struct EvalContext {
    const Reading* reading = nullptr;           //!< the event (or a group's representative reading)
    const GroupAcc* group = nullptr;            //!< window aggregates
    TimeMs windowStart = 0;
    TimeMs windowEnd = 0;
    const Value* row = nullptr;                 //!< columns of a MATCH_RECOGNIZE output row
    const stream::Match<Reading>* match = nullptr;
};

enum class AggFn { CountStar, Count, Sum, Avg, Min, Max };

//! A compiled expression node.
struct Node {
    enum class Op {
        Field, Literal, Neg, Not, Arith, Compare, And, Or, IsNull, InList, Between, Case, Abs, Round,
        ToTime, Agg, WindowStart, WindowEnd, RowRef, MatchFirst, MatchLast, MatchAgg, MatchTime
    };
    Op op = Op::Literal;
    DataType type = DataType::Int64;
    SourcePos pos;
    Field field = Field::Value;
    Value literal;
    std::shared_ptr<const std::string> text;  //!< owns a string literal's characters
    char arith = '+';                          //!< + - * / %
    std::string cmp;                           //!< = <> < <= > >=
    int index = 0;                             //!< aggregate slot, row column, or variable
    AggFn agg = AggFn::CountStar;
    std::string variable;                      //!< MATCH_RECOGNIZE variable ("" = every event)
    bool negated = false;
    bool hasElse = false;
    std::vector<Node> kids;
};

//! Evaluates a node. Null propagates through operators; comparisons with null are null.
Value eval(const Node& node, const EvalContext& ctx);
//! True when the value is a non-null true boolean (a filter passes).
inline bool truthy(const Value& v) { return !v.null && v.i != 0; }

//! How names and special calls resolve while compiling. Each hook returns nullopt when it does not
//! handle the node (the compiler then reports an unknown column / function).
struct Scope {
    std::function<std::optional<Node>(const AstExpr& column)> column;
    std::function<std::optional<Node>(const AstExpr& call)> call;
    std::vector<std::string> names;  //!< for "did you mean"
};

//! Compiles an expression; throws detail::SqlException with the node's position.
Node compile(const AstExpr& expr, const Scope& scope);

//! A field node of the given type.
Node fieldNode(Field field, DataType type, SourcePos pos);
//! The SQL type name shown in errors.
std::string typeText(DataType type);
//! A value as text (JSON-ish: strings unquoted) for sinks.
std::string valueText(const Value& v);

}  // namespace cityops::engine::sql::stream_detail
