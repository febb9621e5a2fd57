#pragma once

// Syntax tree of the SQL dialect (docs/SQL.md). Every node carries the position of its first token,
// so the binder's errors point at the text. Statements are a variant so the streaming forms (CREATE
// TABLE ... WATERMARK, INSERT INTO) can be added as new alternatives beside Query.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/sql/sql_error.h"

namespace cityops::engine::sql {

struct Query;
struct OrderItem;
struct WindowDef;

//! Expression node kinds.
enum class AstKind {
    Column,    //!< [qualifier.]name
    Star,      //!< * or qualifier.* (select lists and COUNT(*))
    Literal,   //!< number, string, boolean, NULL, DATE/TIMESTAMP 'x'; INTERVAL 'n' unit (scripts only): Int, name "interval", i = ms
    Param,     //!< :name, bound from QueryOptions::parameters
    Unary,     //!< op: "-", "NOT"
    Binary,    //!< op: + - * / % || = <> < <= > >= AND OR
    Function,  //!< name(args) [WITHIN GROUP (ORDER BY ..)] [OVER (..)]; EXTRACT(f FROM x) is extract('f', x)
    Case,      //!< CASE [operand] WHEN .. THEN .. [ELSE ..] END: args = [operand?] when, then ..., else?
    Cast,      //!< CAST(x AS type) or x::type; text = type name
    IsNull,    //!< x IS [NOT] NULL
    InList,    //!< x [NOT] IN (a, b, ..)
    Between,   //!< x [NOT] BETWEEN a AND b
    Like,      //!< x [NOT] LIKE pattern
};

//! Literal kinds.
enum class LiteralKind { Null, Int, Double, String, Bool, Date, Timestamp };

//! One expression node. Children are held by value (the tree is copied when the binder matches
//! GROUP BY expressions); depth is bounded by the parser.
struct AstExpr {
    AstKind kind = AstKind::Literal;
    SourcePos pos;
    std::string name;       //!< column or function name (lower case), operator, or cast type
    std::string qualifier;  //!< table alias of a column or star
    LiteralKind literal = LiteralKind::Null;
    std::string text;       //!< literal text (strings unescaped)
    std::int64_t i = 0;
    double d = 0.0;
    bool negated = false;   //!< NOT IN / NOT BETWEEN / NOT LIKE / IS NOT NULL
    bool distinct = false;  //!< COUNT(DISTINCT x)
    bool hasElse = false;   //!< Case
    bool hasOperand = false;  //!< Case with an operand
    int depth = 1;          //!< height of this subtree
    std::vector<AstExpr> args;
    std::vector<OrderItem> withinGroup;  //!< PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x)
    std::shared_ptr<WindowDef> over;     //!< window function when set
};

//! ORDER BY item.
struct OrderItem {
    AstExpr expr;
    bool ascending = true;
    std::optional<bool> nullsFirst;  //!< default: nulls last (DuckDB's default)
};

//! Frame bound of a window: UNBOUNDED PRECEDING/FOLLOWING, n PRECEDING/FOLLOWING, CURRENT ROW.
struct FrameBound {
    enum class Kind { UnboundedPreceding, Preceding, CurrentRow, Following, UnboundedFollowing };
    Kind kind = Kind::CurrentRow;
    double offset = 0.0;
};

//! OVER (PARTITION BY .. ORDER BY .. [ROWS|RANGE frame]).
struct WindowDef {
    SourcePos pos;
    std::vector<AstExpr> partitionBy;
    std::vector<OrderItem> orderBy;
    bool hasFrame = false;
    bool rows = true;  //!< ROWS frame, else RANGE
    FrameBound start;
    FrameBound end;
};

//! SELECT item: expression with optional alias, or a star.
struct SelectItem {
    AstExpr expr;
    std::string alias;
};

struct MatchRecognize;

//! FROM element: a named table, a subquery or a join of two elements.
struct TableRef {
    enum class Kind { Named, Subquery, Join };
    enum class JoinKind { Inner, Left, Cross };
    Kind kind = Kind::Named;
    SourcePos pos;
    std::string name;   //!< Named: table name (lower case)
    std::string alias;  //!< lower case; empty when none
    std::shared_ptr<Query> subquery;
    JoinKind join = JoinKind::Inner;
    std::shared_ptr<TableRef> left;
    std::shared_ptr<TableRef> right;
    std::optional<AstExpr> on;
    //! `source MATCH_RECOGNIZE (...)`: only in streaming scripts (parseScript); set on Named/Subquery.
    std::shared_ptr<MatchRecognize> match;
};

//! One term of a MATCH_RECOGNIZE pattern: a variable with its quantifier ({n}, {n,m}, +, *, ?).
struct PatternTerm {
    SourcePos pos;
    std::string variable;  //!< lower case
    int minTimes = 1;
    int maxTimes = 1;  //!< -1 = unbounded
};

//! `MATCH_RECOGNIZE (PARTITION BY .. ORDER BY .. MEASURES .. ONE ROW PER MATCH AFTER MATCH SKIP ..
//! PATTERN (..) [WITHIN INTERVAL ..] DEFINE v AS cond, ..)` (Flink SQL's CEP clause).
struct MatchRecognize {
    enum class Skip { PastLastRow, ToNextRow };
    SourcePos pos;
    std::vector<AstExpr> partitionBy;
    std::vector<OrderItem> orderBy;
    std::vector<SelectItem> measures;
    Skip skip = Skip::PastLastRow;
    std::vector<PatternTerm> pattern;
    std::optional<AstExpr> within;  //!< an INTERVAL literal
    std::vector<std::pair<std::string, AstExpr>> defines;  //!< variable (lower case) → condition
    std::string alias;
};

//! One SELECT block.
struct SelectCore {
    SourcePos pos;
    bool distinct = false;
    std::vector<SelectItem> items;
    std::shared_ptr<TableRef> from;
    std::optional<AstExpr> where;
    std::vector<AstExpr> groupBy;
    std::optional<AstExpr> having;
};

//! WITH name AS (query).
struct Cte {
    SourcePos pos;
    std::string name;
    std::shared_ptr<Query> query;
};

//! A complete query: CTEs, one SELECT block, ORDER BY, LIMIT, OFFSET.
struct Query {
    SourcePos pos;
    std::vector<Cte> ctes;
    SelectCore select;
    std::vector<OrderItem> orderBy;
    std::optional<AstExpr> limit;
    std::optional<AstExpr> offset;
};

//! A parsed statement. Only queries exist so far (streaming DDL/DML will be further kinds).
struct Statement {
    Query query;
};

//! Canonical SQL text of an expression (lower-case names, fully parenthesised binary operators): the
//! default output column name and the key the binder matches GROUP BY expressions with.
std::string render(const AstExpr& e);

}  // namespace cityops::engine::sql
