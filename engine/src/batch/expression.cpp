#include "cityops/engine/batch/expression.h"

#include <cmath>
#include <limits>
#include <optional>

#include "cityops/engine/batch/result.h"
#include "cityops/engine/batch/table.h"
#include "column_access.h"
#include "parallel.h"
#include "value_cast.h"
#include "value_parse.h"

namespace cityops::engine::batch {

Expr col(std::string name) {
    Expr e;
    e.kind = ExprKind::Column;
    e.text = std::move(name);
    return e;
}
Expr litInt(std::int64_t value) {
    Expr e;
    e.literal = Value::ofInt(value);
    return e;
}
Expr litDouble(double value) {
    Expr e;
    e.literal = Value::ofDouble(value);
    return e;
}
Expr litBool(bool value) {
    Expr e;
    e.literal = Value::ofBool(value);
    return e;
}
Expr litString(std::string value) {
    Expr e;
    e.text = std::move(value);
    e.literal = Value{DataType::String, false, 0, 0.0, {}};
    return e;
}
Expr litNull(DataType type) {
    Expr e;
    e.literal = Value::nullOf(type);
    return e;
}

Expr operator+(Expr a, Expr b) {
    return Expr::make(ExprKind::Add, {std::move(a), std::move(b)});
}
Expr operator-(Expr a, Expr b) {
    return Expr::make(ExprKind::Sub, {std::move(a), std::move(b)});
}
Expr operator*(Expr a, Expr b) {
    return Expr::make(ExprKind::Mul, {std::move(a), std::move(b)});
}
Expr operator/(Expr a, Expr b) {
    return Expr::make(ExprKind::Div, {std::move(a), std::move(b)});
}
Expr operator==(Expr a, Expr b) {
    return Expr::make(ExprKind::Eq, {std::move(a), std::move(b)});
}
Expr operator!=(Expr a, Expr b) {
    return Expr::make(ExprKind::Ne, {std::move(a), std::move(b)});
}
Expr operator<(Expr a, Expr b) {
    return Expr::make(ExprKind::Lt, {std::move(a), std::move(b)});
}
Expr operator<=(Expr a, Expr b) {
    return Expr::make(ExprKind::Le, {std::move(a), std::move(b)});
}
Expr operator>(Expr a, Expr b) {
    return Expr::make(ExprKind::Gt, {std::move(a), std::move(b)});
}
Expr operator>=(Expr a, Expr b) {
    return Expr::make(ExprKind::Ge, {std::move(a), std::move(b)});
}
Expr operator&&(Expr a, Expr b) {
    return Expr::make(ExprKind::And, {std::move(a), std::move(b)});
}
Expr operator||(Expr a, Expr b) {
    return Expr::make(ExprKind::Or, {std::move(a), std::move(b)});
}
Expr operator!(Expr a) {
    return Expr::make(ExprKind::Not, {std::move(a)});
}
Expr isNull(Expr a) {
    return Expr::make(ExprKind::IsNull, {std::move(a)});
}
Expr isNotNull(Expr a) {
    return Expr::make(ExprKind::IsNotNull, {std::move(a)});
}
Expr caseWhen(std::vector<std::pair<Expr, Expr>> branches, Expr otherwise) {
    std::vector<Expr> args;
    for (auto& [condition, value] : branches) {
        args.push_back(std::move(condition));
        args.push_back(std::move(value));
    }
    args.push_back(std::move(otherwise));
    return Expr::make(ExprKind::Case, std::move(args));
}
Expr coalesce(std::vector<Expr> args) {
    return Expr::make(ExprKind::Coalesce, std::move(args));
}
Expr round(Expr a, int digits) {
    Expr e = Expr::make(ExprKind::Round, {std::move(a)});
    e.digits = digits;
    return e;
}
Expr cast(Expr a, DataType type) {
    Expr e = Expr::make(ExprKind::Cast, {std::move(a)});
    e.castType = type;
    return e;
}
Expr dayOfWeek(Expr a) {
    return Expr::make(ExprKind::DayOfWeek, {std::move(a)});
}
Expr month(Expr a) {
    return Expr::make(ExprKind::Month, {std::move(a)});
}
Expr dateTruncHour(Expr a) {
    return Expr::make(ExprKind::DateTruncHour, {std::move(a)});
}
Expr dateTruncDay(Expr a) {
    return Expr::make(ExprKind::DateTruncDay, {std::move(a)});
}

namespace detail {

Value castValue(const Value& v, DataType to) {
    if (v.null || v.type == to) return v.null ? Value::nullOf(to) : v;
    constexpr double kLimit = 9.2e18;
    switch (to) {
        case DataType::Double:
            if (v.type == DataType::String) {
                const auto d = parseDouble(v.s);
                return d ? Value::ofDouble(*d) : Value::nullOf(to);
            }
            return Value::ofDouble(v.asDouble());
        case DataType::Int64:
            if (v.type == DataType::String) {
                if (const auto i = parseInt(v.s)) return Value::ofInt(*i);
                const auto d = parseDouble(v.s);
                if (!d) return Value::nullOf(to);
                return castValue(Value::ofDouble(*d), to);
            }
            if (v.type == DataType::Double) {
                if (std::trunc(v.d) != v.d || std::fabs(v.d) > kLimit) return Value::nullOf(to);
                return Value::ofInt(static_cast<std::int64_t>(v.d));
            }
            return Value::ofInt(v.i);
        case DataType::Bool:
            if (v.type == DataType::String) {
                const auto b = parseBool(v.s, true);
                return b ? Value::ofBool(*b) : Value::nullOf(to);
            }
            if (v.type == DataType::Int64) return v.i == 0 || v.i == 1 ? Value::ofBool(v.i == 1) : Value::nullOf(to);
            if (v.type == DataType::Double) return v.d == 0 || v.d == 1 ? Value::ofBool(v.d == 1) : Value::nullOf(to);
            return Value::nullOf(to);
        case DataType::Date:
            if (v.type == DataType::String) {
                for (const DateFormat f : {DateFormat::Iso, DateFormat::Dmy}) {
                    if (const auto d = parseDate(v.s, f)) return Value::ofInt(*d, to);
                }
                if (const auto t = parseTimestamp(v.s)) return castValue(Value::ofInt(*t, DataType::Timestamp), to);
                return Value::nullOf(to);
            }
            if (v.type == DataType::Timestamp) {
                return Value::ofInt((v.i >= 0 ? v.i : v.i - 86399999) / 86400000, to);
            }
            return Value::nullOf(to);
        case DataType::Timestamp:
            if (v.type == DataType::String) {
                if (const auto t = parseTimestamp(v.s)) return Value::ofInt(*t, to);
                const auto d = parseDate(v.s, DateFormat::Iso);
                return d ? Value::ofInt(*d * 86400000, to) : Value::nullOf(to);
            }
            if (v.type == DataType::Date) return Value::ofInt(v.i * 86400000, to);
            return Value::nullOf(to);
        case DataType::String:
            break;
    }
    throw BatchError("cast to string is not supported in expressions");
}

}  // namespace detail

namespace {

bool isNumeric(DataType t) {
    return t == DataType::Int64 || t == DataType::Double;
}
bool isTemporal(DataType t) {
    return t == DataType::Date || t == DataType::Timestamp;
}

struct Bound {
    ExprKind kind = ExprKind::Literal;
    DataType type = DataType::Int64;
    const Column* column = nullptr;
    Value literal;
    std::string text;
    int digits = 0;
    std::vector<Bound> args;
};

DataType commonType(const std::vector<const Bound*>& values, const char* what) {
    DataType type = values.front()->type;
    bool typed = !(values.front()->kind == ExprKind::Literal && values.front()->literal.null);
    for (const Bound* b : values) {
        const bool isNullLiteral = b->kind == ExprKind::Literal && b->literal.null;
        if (isNullLiteral) continue;
        if (!typed)
            type = b->type, typed = true;
        else if (b->type == type)
            continue;
        else if (isNumeric(b->type) && isNumeric(type))
            type = DataType::Double;
        else
            throw BatchError(std::string(what) + " mixes " + std::string(typeName(type)) + " and " +
                             std::string(typeName(b->type)));
    }
    return type;
}

Bound bind(const Table& table, const Expr& e) {
    Bound b;
    b.kind = e.kind;
    b.digits = e.digits;
    for (const Expr& a : e.args) b.args.push_back(bind(table, a));
    auto requireArgs = [&](std::size_t n) {
        if (b.args.size() != n) throw BatchError("expression expects " + std::to_string(n) + " operands");
    };
    auto argType = [&](std::size_t i) { return b.args[i].type; };
    switch (e.kind) {
        case ExprKind::Column:
            b.column = &table.column(e.text);
            b.type = b.column->type();
            break;
        case ExprKind::Literal:
            b.literal = e.literal;
            b.text = e.text;
            b.type = e.literal.type;
            break;
        case ExprKind::Add:
        case ExprKind::Sub:
        case ExprKind::Mul:
        case ExprKind::Div:
            requireArgs(2);
            if (!isNumeric(argType(0)) || !isNumeric(argType(1))) throw BatchError("arithmetic needs numeric operands");
            b.type = e.kind != ExprKind::Div && argType(0) == DataType::Int64 && argType(1) == DataType::Int64
                         ? DataType::Int64
                         : DataType::Double;
            break;
        case ExprKind::Eq:
        case ExprKind::Ne:
        case ExprKind::Lt:
        case ExprKind::Le:
        case ExprKind::Gt:
        case ExprKind::Ge:
            requireArgs(2);
            commonType({&b.args[0], &b.args[1]}, "comparison");
            b.type = DataType::Bool;
            break;
        case ExprKind::And:
        case ExprKind::Or:
        case ExprKind::Not:
            requireArgs(e.kind == ExprKind::Not ? 1 : 2);
            for (const Bound& a : b.args) {
                if (a.type != DataType::Bool) throw BatchError("and/or/not need boolean operands");
            }
            b.type = DataType::Bool;
            break;
        case ExprKind::IsNull:
        case ExprKind::IsNotNull:
            requireArgs(1);
            b.type = DataType::Bool;
            break;
        case ExprKind::Case: {
            if (b.args.size() < 3 || b.args.size() % 2 == 0)
                throw BatchError("CASE needs condition/value pairs and ELSE");
            std::vector<const Bound*> values;
            for (std::size_t i = 0; i + 1 < b.args.size(); i += 2) {
                if (b.args[i].type != DataType::Bool) throw BatchError("CASE condition must be boolean");
                values.push_back(&b.args[i + 1]);
            }
            values.push_back(&b.args.back());
            b.type = commonType(values, "CASE");
            break;
        }
        case ExprKind::Coalesce: {
            if (b.args.empty()) throw BatchError("coalesce needs operands");
            std::vector<const Bound*> values;
            for (const Bound& a : b.args) values.push_back(&a);
            b.type = commonType(values, "coalesce");
            break;
        }
        case ExprKind::Round:
            requireArgs(1);
            if (!isNumeric(argType(0))) throw BatchError("round needs a numeric operand");
            b.type = DataType::Double;
            break;
        case ExprKind::Cast:
            requireArgs(1);
            if (e.castType == DataType::String) throw BatchError("cast to string is not supported in expressions");
            b.type = e.castType;
            break;
        case ExprKind::DayOfWeek:
        case ExprKind::Month:
        case ExprKind::DateTruncHour:
        case ExprKind::DateTruncDay:
            requireArgs(1);
            if (!isTemporal(argType(0))) throw BatchError("date function needs a date or timestamp");
            b.type = e.kind == ExprKind::DayOfWeek || e.kind == ExprKind::Month ? DataType::Int64 : DataType::Timestamp;
            break;
    }
    return b;
}

int compareValues(const Value& a, const Value& b) {
    if (a.type == DataType::String) return a.s.compare(b.s) < 0 ? -1 : (a.s == b.s ? 0 : 1);
    if (a.type == DataType::Double || b.type == DataType::Double) {
        const double x = a.asDouble();
        const double y = b.asDouble();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
}

std::int64_t daysOf(const Value& v) {
    return v.type == DataType::Date ? v.i : (v.i >= 0 ? v.i : v.i - 86399999) / 86400000;
}

Value evalRow(const Bound& b, std::size_t row) {
    switch (b.kind) {
        case ExprKind::Column:
            return b.column->valueAt(row);
        case ExprKind::Literal:
            if (b.type == DataType::String && !b.literal.null) return Value::ofString(b.text);
            return b.literal;
        case ExprKind::Add:
        case ExprKind::Sub:
        case ExprKind::Mul:
        case ExprKind::Div: {
            const Value x = evalRow(b.args[0], row);
            const Value y = evalRow(b.args[1], row);
            if (x.null || y.null) return Value::nullOf(b.type);
            if (b.type == DataType::Int64) {
                std::int64_t r = 0;
                const bool overflow = b.kind == ExprKind::Add   ? __builtin_add_overflow(x.i, y.i, &r)
                                      : b.kind == ExprKind::Sub ? __builtin_sub_overflow(x.i, y.i, &r)
                                                                : __builtin_mul_overflow(x.i, y.i, &r);
                return overflow ? Value::nullOf(b.type) : Value::ofInt(r);
            }
            const double p = x.asDouble();
            const double q = y.asDouble();
            switch (b.kind) {
                case ExprKind::Add:
                    return Value::ofDouble(p + q);
                case ExprKind::Sub:
                    return Value::ofDouble(p - q);
                case ExprKind::Mul:
                    return Value::ofDouble(p * q);
                default:
                    return q == 0.0 ? Value::nullOf(b.type) : Value::ofDouble(p / q);
            }
        }
        case ExprKind::Eq:
        case ExprKind::Ne:
        case ExprKind::Lt:
        case ExprKind::Le:
        case ExprKind::Gt:
        case ExprKind::Ge: {
            const Value x = evalRow(b.args[0], row);
            const Value y = evalRow(b.args[1], row);
            if (x.null || y.null) return Value::nullOf(DataType::Bool);
            const int c = compareValues(x, y);
            switch (b.kind) {
                case ExprKind::Eq:
                    return Value::ofBool(c == 0);
                case ExprKind::Ne:
                    return Value::ofBool(c != 0);
                case ExprKind::Lt:
                    return Value::ofBool(c < 0);
                case ExprKind::Le:
                    return Value::ofBool(c <= 0);
                case ExprKind::Gt:
                    return Value::ofBool(c > 0);
                default:
                    return Value::ofBool(c >= 0);
            }
        }
        case ExprKind::And:
        case ExprKind::Or: {
            const Value x = evalRow(b.args[0], row);
            const Value y = evalRow(b.args[1], row);
            const bool dominant = b.kind == ExprKind::Or;
            if ((!x.null && (x.i != 0) == dominant) || (!y.null && (y.i != 0) == dominant))
                return Value::ofBool(dominant);
            if (x.null || y.null) return Value::nullOf(DataType::Bool);
            return Value::ofBool(!dominant);
        }
        case ExprKind::Not: {
            const Value x = evalRow(b.args[0], row);
            return x.null ? x : Value::ofBool(x.i == 0);
        }
        case ExprKind::IsNull:
            return Value::ofBool(evalRow(b.args[0], row).null);
        case ExprKind::IsNotNull:
            return Value::ofBool(!evalRow(b.args[0], row).null);
        case ExprKind::Case: {
            for (std::size_t i = 0; i + 1 < b.args.size(); i += 2) {
                const Value c = evalRow(b.args[i], row);
                if (!c.null && c.i != 0) return detail::castValue(evalRow(b.args[i + 1], row), b.type);
            }
            return detail::castValue(evalRow(b.args.back(), row), b.type);
        }
        case ExprKind::Coalesce:
            for (const Bound& a : b.args) {
                const Value v = evalRow(a, row);
                if (!v.null) return b.type == DataType::String ? v : detail::castValue(v, b.type);
            }
            return Value::nullOf(b.type);
        case ExprKind::Round: {
            const Value x = evalRow(b.args[0], row);
            if (x.null) return Value::nullOf(DataType::Double);
            const double scale = std::pow(10.0, b.digits);
            return Value::ofDouble(std::round(x.asDouble() * scale) / scale);
        }
        case ExprKind::Cast:
            return detail::castValue(evalRow(b.args[0], row), b.type);
        case ExprKind::DayOfWeek:
        case ExprKind::Month:
        case ExprKind::DateTruncHour:
        case ExprKind::DateTruncDay: {
            const Value x = evalRow(b.args[0], row);
            if (x.null) return Value::nullOf(b.type);
            const std::int64_t days = daysOf(x);
            switch (b.kind) {
                case ExprKind::DayOfWeek:
                    return Value::ofInt(((days % 7 + 7 + 3) % 7) + 1);
                case ExprKind::Month:
                    return Value::ofInt(detail::civilFromDays(days).month);
                case ExprKind::DateTruncDay:
                    return Value::ofInt(days * 86400000, DataType::Timestamp);
                default: {
                    const std::int64_t ms = x.type == DataType::Date ? x.i * 86400000 : x.i;
                    const std::int64_t hour = 3600000;
                    return Value::ofInt((ms >= 0 ? ms : ms - hour + 1) / hour * hour, DataType::Timestamp);
                }
            }
        }
    }
    return Value::nullOf(b.type);
}

constexpr std::size_t kParallelRows = 50000;

}  // namespace

DataType resultType(const Table& table, const Expr& e) {
    return bind(table, e).type;
}

namespace {

//! A string column, or coalesce of string columns, whose columns all share one dictionary: evaluated by
//! picking codes, with no string hashing. Null when the expression has another shape.
std::optional<Column> sharedDictionaryStrings(const Bound& bound, std::size_t rows) {
    std::vector<const Column*> sources;
    if (bound.kind == ExprKind::Column) {
        sources.push_back(bound.column);
    } else if (bound.kind == ExprKind::Coalesce) {
        for (const Bound& a : bound.args) {
            if (a.kind != ExprKind::Column) return std::nullopt;
            sources.push_back(a.column);
        }
    } else {
        return std::nullopt;
    }
    const auto& dictionary = detail::ColumnAccess::dictionary(*sources.front());
    for (const Column* c : sources) {
        if (detail::ColumnAccess::dictionary(*c) != dictionary) return std::nullopt;
    }
    Column out = detail::ColumnAccess::sized(DataType::String, rows, dictionary);
    std::uint32_t* codes = detail::ColumnAccess::codes(out);
    std::uint64_t* valid = detail::ColumnAccess::valid(out);
    for (std::size_t r = 0; r < rows; ++r) {
        for (const Column* c : sources) {
            if (c->isNull(r)) continue;
            codes[r] = c->codeAt(r);
            valid[r >> 6] |= std::uint64_t{1} << (r & 63);
            break;
        }
    }
    return out;
}

}  // namespace

Column evaluate(const Table& table, const Expr& e, unsigned threads) {
    const Bound bound = bind(table, e);
    const std::size_t rows = table.rowCount();
    if (bound.type == DataType::String) {
        if (std::optional<Column> fast = sharedDictionaryStrings(bound, rows)) return std::move(*fast);
    }
    const unsigned workers = threads != 0 ? threads : detail::defaultThreads();
    if (bound.type != DataType::String && rows >= kParallelRows && workers > 1) {
        // Each thread writes its own range of values and validity words (ranges start at multiples of 64).
        Column out = detail::ColumnAccess::sized(bound.type, rows);
        std::int64_t* ints = bound.type == DataType::Double ? nullptr : detail::ColumnAccess::ints(out);
        double* doubles = bound.type == DataType::Double ? detail::ColumnAccess::doubles(out) : nullptr;
        std::uint64_t* valid = detail::ColumnAccess::valid(out);
        const std::size_t words = (rows + 63) / 64;
        detail::parallelFor(workers, workers, [&](std::size_t part) {
            const std::size_t end = std::min(rows, words * (part + 1) / workers * 64);
            for (std::size_t r = words * part / workers * 64; r < end; ++r) {
                const Value v = evalRow(bound, r);
                if (v.null) continue;
                if (doubles != nullptr)
                    doubles[r] = v.asDouble();
                else
                    ints[r] = v.type == DataType::Double ? static_cast<std::int64_t>(v.d) : v.i;
                valid[r >> 6] |= std::uint64_t{1} << (r & 63);
            }
        });
        return out;
    }
    Column out(bound.type);
    out.reserve(rows);
    if (rows < kParallelRows || workers == 1) {
        for (std::size_t r = 0; r < rows; ++r) out.appendValue(evalRow(bound, r));
        return out;
    }
    std::vector<Value> values(rows);
    detail::parallelFor(workers, workers, [&](std::size_t part) {
        const std::size_t end = rows * (part + 1) / workers;
        for (std::size_t r = rows * part / workers; r < end; ++r) values[r] = evalRow(bound, r);
    });
    for (const Value& v : values) out.appendValue(v);
    return out;
}

std::vector<std::uint8_t> evaluateMask(const Table& table, const Expr& predicate, unsigned threads) {
    const Bound bound = bind(table, predicate);
    if (bound.type != DataType::Bool) throw BatchError("filter predicate must be boolean");
    const std::size_t rows = table.rowCount();
    std::vector<std::uint8_t> mask(rows, 0);
    const unsigned workers = rows < kParallelRows ? 1 : (threads != 0 ? threads : detail::defaultThreads());
    detail::parallelFor(workers, workers, [&](std::size_t part) {
        const std::size_t end = rows * (part + 1) / workers;
        for (std::size_t r = rows * part / workers; r < end; ++r) {
            const Value v = evalRow(bound, r);
            mask[r] = !v.null && v.i != 0 ? 1 : 0;
        }
    });
    return mask;
}

}  // namespace cityops::engine::batch
