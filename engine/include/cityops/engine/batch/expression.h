#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cityops/engine/batch/column.h"

namespace cityops::engine::batch {

class Table;

//! Node kinds of the expression tree used by filter and computed columns.
enum class ExprKind {
    Column,
    Literal,
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Not,
    IsNull,
    IsNotNull,
    Case,
    Coalesce,
    Round,
    Cast,
    DayOfWeek,
    Month,
    DateTruncHour,
    DateTruncDay,
};

//! An expression over a table's columns with SQL null semantics: arithmetic and comparisons with a null
//! operand give null, and/or are three-valued, x / 0 is null. Built with col(), lit() and the helpers below.
struct Expr {
    ExprKind kind = ExprKind::Literal;
    std::string text;  //!< column name, or the string literal's storage
    Value literal;     //!< for Literal (a String literal's view is set at evaluation)
    std::vector<Expr> args;
    int digits = 0;                       //!< Round
    DataType castType = DataType::Int64;  //!< Cast

    static Expr make(ExprKind kind, std::vector<Expr> args) {
        Expr e;
        e.kind = kind;
        e.args = std::move(args);
        return e;
    }
};

Expr col(std::string name);
Expr litInt(std::int64_t value);
Expr litDouble(double value);
Expr litBool(bool value);
Expr litString(std::string value);
Expr litNull(DataType type);

Expr operator+(Expr a, Expr b);
Expr operator-(Expr a, Expr b);
Expr operator*(Expr a, Expr b);
Expr operator/(Expr a, Expr b);
Expr operator==(Expr a, Expr b);
Expr operator!=(Expr a, Expr b);
Expr operator<(Expr a, Expr b);
Expr operator<=(Expr a, Expr b);
Expr operator>(Expr a, Expr b);
Expr operator>=(Expr a, Expr b);
Expr operator&&(Expr a, Expr b);
Expr operator||(Expr a, Expr b);
Expr operator!(Expr a);

Expr isNull(Expr a);
Expr isNotNull(Expr a);
//! CASE WHEN c1 THEN v1 ... ELSE otherwise END.
Expr caseWhen(std::vector<std::pair<Expr, Expr>> branches, Expr otherwise);
Expr coalesce(std::vector<Expr> args);
//! Half away from zero, to `digits` decimals; result double.
Expr round(Expr a, int digits);
//! Value conversion: invalid (unparsable text, non-integral double to long) gives null. Not to string.
Expr cast(Expr a, DataType type);
//! ISO day of week of a date or timestamp: 1 = Monday ... 7 = Sunday.
Expr dayOfWeek(Expr a);
//! Month 1-12 of a date or timestamp.
Expr month(Expr a);
Expr dateTruncHour(Expr a);
Expr dateTruncDay(Expr a);

//! Result type of e over table's columns; throws BatchError on unknown columns or type mismatches.
DataType resultType(const Table& table, const Expr& e);
//! Evaluates e for every row (rows split over the threads; 0 means both cores).
Column evaluate(const Table& table, const Expr& e, unsigned threads = 0);
//! Row mask where predicate is true (null counts as false).
std::vector<std::uint8_t> evaluateMask(const Table& table, const Expr& predicate, unsigned threads = 0);

}  // namespace cityops::engine::batch
