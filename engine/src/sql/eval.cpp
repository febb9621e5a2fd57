// Column-at-a-time evaluation of bound expressions over a batch Table, with SQL null semantics.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <memory>

#include "batch/value_cast.h"
#include "batch/value_parse.h"
#include "sql/plan.h"

namespace cityops::engine::sql::detail {

using batch::Column;
using batch::Value;

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

//! An evaluated argument: a column of the input, a computed column, or one constant for all rows.
struct Operand {
    const Column* ref = nullptr;
    std::unique_ptr<Column> owned;
    bool constant = false;
    Value value;  //!< a constant string views the BoundExpr's str, which outlives the evaluation
    Value at(std::size_t row) const { return constant ? value : ref->valueAt(row); }
};

Operand operand(const BoundExpr& e, const batch::Table& input, ExecContext& ctx) {
    Operand o;
    if (e.op == BOp::Column) {
        o.ref = &input.column(static_cast<std::size_t>(e.column));
    } else if (e.op == BOp::Literal) {
        o.constant = true;
        o.value = e.nullLiteral ? Value::nullOf(e.type) : Value{e.type, false, e.i, e.d, {}};
        if (e.type == DataType::String && !e.nullLiteral) o.value.s = e.str;
    } else {
        o.owned = std::make_unique<Column>(evaluate(e, input, ctx));
        o.ref = o.owned.get();
    }
    return o;
}

std::string textOf(const Value& v) {
    switch (v.type) {
        case DataType::String: return std::string(v.s);
        case DataType::Double: return batch::detail::formatDouble(v.d);
        case DataType::Bool: return v.i != 0 ? "true" : "false";
        case DataType::Date: return batch::detail::formatDate(v.i);
        case DataType::Timestamp: return batch::detail::formatTimestamp(v.i);
        case DataType::Int64: return std::to_string(v.i);
    }
    return {};
}

//! Appends v (of any type) converted to out's type.
void appendAs(Column& out, const Value& v) {
    if (v.null) {
        out.appendNull();
    } else if (out.type() == DataType::String) {
        if (v.type == DataType::String) {
            out.appendString(v.s);
        } else {
            out.appendString(textOf(v));
        }
    } else if (v.type == out.type()) {
        if (v.type == DataType::Double) {
            out.appendDouble(v.d);
        } else {
            out.appendInt(v.i);
        }
    } else if (out.type() == DataType::Timestamp && v.type == DataType::Date) {
        out.appendInt(v.i * kMsPerDay);
    } else if (out.type() == DataType::Double) {
        out.appendDouble(v.asDouble());
    } else {
        out.appendValue(batch::detail::castValue(v, out.type()));
    }
}

bool likeMatch(std::string_view s, std::string_view p, bool ci) {
    // iterative wildcard match with backtracking on the last %
    std::size_t si = 0, pi = 0, starP = std::string_view::npos, starS = 0;
    auto eq = [ci](char a, char b) {
        return ci ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)) : a == b;
    };
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '%') {
            starP = pi++;
            starS = si;
        } else if (pi < p.size() && (p[pi] == '_' || eq(p[pi], s[si]))) {
            ++pi;
            ++si;
        } else if (starP != std::string_view::npos) {
            pi = starP + 1;
            si = ++starS;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '%') ++pi;
    return pi == p.size();
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

//! Date part of a date (days) or timestamp (ms) value.
std::int64_t datePart(Func f, const Value& v, std::string_view field) {
    const std::int64_t ms = v.type == DataType::Date ? v.i * kMsPerDay : v.i;
    const std::int64_t days = floorDiv(ms, kMsPerDay);
    const std::int64_t msOfDay = ms - days * kMsPerDay;
    const auto civil = batch::detail::civilFromDays(days);
    const std::int64_t dow0 = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday: 0 = Sunday
    switch (f) {
        case Func::Hour: return msOfDay / 3'600'000;
        case Func::Minute: return msOfDay / 60'000 % 60;
        case Func::Second: return msOfDay / 1000 % 60;
        case Func::Year: return civil.year;
        case Func::Quarter: return (civil.month - 1) / 3 + 1;
        case Func::Month: return civil.month;
        case Func::Day: return civil.day;
        case Func::DayOfWeek:
            if (field == "dow") return dow0;
            if (field == "isodow") return dow0 == 0 ? 7 : dow0;
            return dow0 + 1;  // Spark dayofweek: 1 = Sunday
        case Func::DayOfYear: return days - batch::detail::daysFromCivil(civil.year, 1, 1) + 1;
        default: return 0;
    }
}

std::int64_t truncate(std::string_view unit, const Value& v) {
    const bool date = v.type == DataType::Date;
    const std::int64_t ms = date ? v.i * kMsPerDay : v.i;
    std::int64_t out = ms;
    const std::int64_t days = floorDiv(ms, kMsPerDay);
    const auto civil = batch::detail::civilFromDays(days);
    if (unit == "second") {
        out = floorDiv(ms, 1000) * 1000;
    } else if (unit == "minute") {
        out = floorDiv(ms, 60'000) * 60'000;
    } else if (unit == "hour") {
        out = floorDiv(ms, 3'600'000) * 3'600'000;
    } else if (unit == "day") {
        out = days * kMsPerDay;
    } else if (unit == "week") {
        const std::int64_t dow0 = ((days % 7) + 7 + 3) % 7;  // 0 = Monday
        out = (days - dow0) * kMsPerDay;
    } else if (unit == "month") {
        out = batch::detail::daysFromCivil(civil.year, civil.month, 1) * kMsPerDay;
    } else if (unit == "quarter") {
        out = batch::detail::daysFromCivil(civil.year, (civil.month - 1) / 3 * 3 + 1, 1) * kMsPerDay;
    } else if (unit == "year") {
        out = batch::detail::daysFromCivil(civil.year, 1, 1) * kMsPerDay;
    }
    return date ? floorDiv(out, kMsPerDay) : out;
}

double roundHalfAway(double v, std::int64_t digits) {
    const double scale = std::pow(10.0, static_cast<double>(digits));
    const double scaled = v * scale;
    // nudge by a relative epsilon so 2.675 (stored as 2.67499...) rounds like the decimal the user wrote
    const double r = std::round(scaled + std::copysign(std::fabs(scaled) * 1e-15, scaled));
    return r / scale;
}

Value callRow(const BoundExpr& e, const std::vector<Operand>& args, std::size_t row, std::string& scratch) {
    auto arg = [&](std::size_t k) { return args[k].at(row); };
    switch (e.func) {
        case Func::Coalesce:
        case Func::Greatest:
        case Func::Least: {
            Value best = Value::nullOf(e.type);
            for (std::size_t k = 0; k < args.size(); ++k) {
                const Value v = arg(k);
                if (v.null) continue;
                if (e.func == Func::Coalesce) return v;
                const int c = best.null ? 0 : compareValues(v, best);
                if (best.null || (e.func == Func::Greatest ? c > 0 : c < 0)) best = v;
            }
            return best;
        }
        case Func::NullIf: {
            const Value a = arg(0);
            const Value b = arg(1);
            if (!a.null && !b.null && compareValues(a, b) == 0) return Value::nullOf(e.type);
            return a;
        }
        case Func::Concat: {
            scratch.clear();
            for (std::size_t k = 0; k < args.size(); ++k) {
                const Value v = arg(k);
                if (!v.null) scratch += textOf(v);
            }
            return Value::ofString(scratch);
        }
        default:
            break;
    }
    for (std::size_t k = 0; k < args.size(); ++k) {
        if (arg(k).null) return Value::nullOf(e.type);
    }
    const Value a = args.empty() ? Value{} : arg(0);
    switch (e.func) {
        case Func::DateTrunc: {
            const Value v = arg(0);
            return Value::ofInt(truncate(e.str, v), v.type);
        }
        case Func::ToDate:
            if (a.type == DataType::String) {
                const auto ts = parseTemporal(a.s, DataType::Timestamp);
                return ts ? Value::ofInt(floorDiv(*ts, kMsPerDay), DataType::Date) : Value::nullOf(DataType::Date);
            }
            return Value::ofInt(a.type == DataType::Date ? a.i : floorDiv(a.i, kMsPerDay), DataType::Date);
        case Func::Hour:
        case Func::Minute:
        case Func::Second:
        case Func::Year:
        case Func::Quarter:
        case Func::Month:
        case Func::Day:
        case Func::DayOfWeek:
        case Func::DayOfYear:
            return Value::ofInt(datePart(e.func, a, e.str));
        case Func::Round: {
            const std::int64_t digits = args.size() > 1 ? arg(1).i : 0;
            if (a.type != DataType::Double) {
                if (digits >= 0) return a;
                const auto scale = static_cast<std::int64_t>(std::pow(10.0, static_cast<double>(-digits)));
                return Value::ofInt(static_cast<std::int64_t>(roundHalfAway(static_cast<double>(a.i) / scale, 0)) * scale);
            }
            return Value::ofDouble(roundHalfAway(a.d, digits));
        }
        case Func::Abs:
            return a.type == DataType::Double ? Value::ofDouble(std::fabs(a.d)) : Value::ofInt(a.i < 0 ? -a.i : a.i);
        case Func::Floor:
            return a.type == DataType::Double ? Value::ofDouble(std::floor(a.d)) : a;
        case Func::Ceil:
            return a.type == DataType::Double ? Value::ofDouble(std::ceil(a.d)) : a;
        case Func::Sqrt:
            return a.asDouble() < 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(std::sqrt(a.asDouble()));
        case Func::Ln:
            return a.asDouble() <= 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(std::log(a.asDouble()));
        case Func::Exp:
            return Value::ofDouble(std::exp(a.asDouble()));
        case Func::Power:
            return Value::ofDouble(std::pow(a.asDouble(), arg(1).asDouble()));
        case Func::Lower:
        case Func::Upper:
            scratch.assign(a.s);
            for (char& c : scratch) {
                c = static_cast<char>(e.func == Func::Lower ? std::tolower(static_cast<unsigned char>(c))
                                                            : std::toupper(static_cast<unsigned char>(c)));
            }
            return Value::ofString(scratch);
        case Func::Length: {
            std::int64_t n = 0;
            for (const char c : a.s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
            return Value::ofInt(n);
        }
        case Func::Trim: {
            std::string_view s = a.s;
            while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
            while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
            return Value::ofString(s);
        }
        case Func::Substr: {
            const std::int64_t size = static_cast<std::int64_t>(a.s.size());
            std::int64_t start = arg(1).i;
            start = start > 0 ? start - 1 : (start < 0 ? std::max<std::int64_t>(size + start, 0) : 0);
            std::int64_t len = args.size() > 2 ? arg(2).i : size;
            if (len < 0) len = 0;
            if (start >= size) return Value::ofString({});
            return Value::ofString(a.s.substr(static_cast<std::size_t>(start),
                                              static_cast<std::size_t>(std::min(len, size - start))));
        }
        default:
            return Value::nullOf(e.type);
    }
}

Value arithmetic(BOp op, const Value& a, const Value& b, DataType type) {
    if (type == DataType::Int64) {
        std::int64_t r = 0;
        switch (op) {
            case BOp::Add:
                if (__builtin_add_overflow(a.i, b.i, &r)) return Value::nullOf(type);
                return Value::ofInt(r);
            case BOp::Sub:
                if (__builtin_sub_overflow(a.i, b.i, &r)) return Value::nullOf(type);
                return Value::ofInt(r);
            case BOp::Mul:
                if (__builtin_mul_overflow(a.i, b.i, &r)) return Value::nullOf(type);
                return Value::ofInt(r);
            case BOp::Mod:
                if (b.i == 0 || (b.i == -1 && a.i == std::numeric_limits<std::int64_t>::min())) return Value::ofInt(0);
                return Value::ofInt(a.i % b.i);
            default:
                break;
        }
    }
    const double x = a.asDouble();
    const double y = b.asDouble();
    switch (op) {
        case BOp::Add: return Value::ofDouble(x + y);
        case BOp::Sub: return Value::ofDouble(x - y);
        case BOp::Mul: return Value::ofDouble(x * y);
        case BOp::Div: return y == 0.0 ? Value::nullOf(DataType::Double) : Value::ofDouble(x / y);
        case BOp::Mod: return y == 0.0 ? Value::nullOf(DataType::Double) : Value::ofDouble(std::fmod(x, y));
        default: return Value::nullOf(type);
    }
}

}  // namespace

std::optional<std::int64_t> parseTemporal(std::string_view text, DataType type) {
    if (type == DataType::Date) return batch::detail::parseDate(text, batch::detail::DateFormat::Iso);
    if (auto ts = batch::detail::parseTimestamp(text)) return ts;
    const auto d = batch::detail::parseDate(text, batch::detail::DateFormat::Iso);
    return d ? std::optional<std::int64_t>(*d * kMsPerDay) : std::nullopt;
}

int compareValues(const Value& a, const Value& b) {
    if (a.type == DataType::String || b.type == DataType::String) {
        const int c = a.s.compare(b.s);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (a.type == DataType::Double || b.type == DataType::Double) {
        const double x = a.asDouble();
        const double y = b.asDouble();
        if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;  // NaN is largest
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
}

std::string internalName(std::size_t i) { return "c" + std::to_string(i); }

Column evaluate(const BoundExpr& e, const batch::Table& input, ExecContext& ctx) {
    const std::size_t rows = input.rowCount();
    if (e.op == BOp::Column) return input.column(static_cast<std::size_t>(e.column));
    std::vector<Operand> args;
    args.reserve(e.args.size());
    for (const BoundExpr& a : e.args) args.push_back(operand(a, input, ctx));
    Column out(e.type);
    out.reserve(rows);
    std::string scratch;
    auto each = [&](auto&& rowFn) {
        for (std::size_t r = 0; r < rows; ++r) {
            if ((r & (ExecContext::kChunk - 1)) == ExecContext::kChunk - 1) ctx.tick(e.pos);
            rowFn(r);
        }
    };
    switch (e.op) {
        case BOp::Literal: {
            Operand lit = operand(e, input, ctx);
            each([&](std::size_t) { appendAs(out, lit.value); });
            break;
        }
        case BOp::Neg:
            each([&](std::size_t r) {
                const Value v = args[0].at(r);
                if (v.null) {
                    out.appendNull();
                } else if (v.type == DataType::Double) {
                    out.appendDouble(-v.d);
                } else {
                    out.appendInt(-v.i);
                }
            });
            break;
        case BOp::Not:
            each([&](std::size_t r) {
                const Value v = args[0].at(r);
                v.null ? out.appendNull() : out.appendBool(v.i == 0);
            });
            break;
        case BOp::Add:
        case BOp::Sub:
        case BOp::Mul:
        case BOp::Div:
        case BOp::Mod:
            each([&](std::size_t r) {
                const Value a = args[0].at(r);
                const Value b = args[1].at(r);
                appendAs(out, a.null || b.null ? Value::nullOf(e.type) : arithmetic(e.op, a, b, e.type));
            });
            break;
        case BOp::Concat:
            each([&](std::size_t r) {
                const Value a = args[0].at(r);
                const Value b = args[1].at(r);
                if (a.null || b.null) {
                    out.appendNull();
                } else {
                    scratch = textOf(a) + textOf(b);
                    out.appendString(scratch);
                }
            });
            break;
        case BOp::Eq:
        case BOp::Ne:
        case BOp::Lt:
        case BOp::Le:
        case BOp::Gt:
        case BOp::Ge:
            each([&](std::size_t r) {
                const Value a = args[0].at(r);
                const Value b = args[1].at(r);
                if (a.null || b.null) {
                    out.appendNull();
                    return;
                }
                const int c = compareValues(a, b);
                bool v = false;
                switch (e.op) {
                    case BOp::Eq: v = c == 0; break;
                    case BOp::Ne: v = c != 0; break;
                    case BOp::Lt: v = c < 0; break;
                    case BOp::Le: v = c <= 0; break;
                    case BOp::Gt: v = c > 0; break;
                    default: v = c >= 0; break;
                }
                out.appendBool(v);
            });
            break;
        case BOp::And:
        case BOp::Or:
            each([&](std::size_t r) {
                const Value a = args[0].at(r);
                const Value b = args[1].at(r);
                const bool isAnd = e.op == BOp::And;
                const bool dominant = !isAnd;  // AND: false dominates; OR: true dominates
                if ((!a.null && (a.i != 0) == dominant) || (!b.null && (b.i != 0) == dominant)) {
                    out.appendBool(dominant);
                } else if (a.null || b.null) {
                    out.appendNull();
                } else {
                    out.appendBool(!dominant);
                }
            });
            break;
        case BOp::IsNull:
        case BOp::IsNotNull:
            each([&](std::size_t r) { out.appendBool(args[0].at(r).null == (e.op == BOp::IsNull)); });
            break;
        case BOp::In:
            each([&](std::size_t r) {
                const Value x = args[0].at(r);
                if (x.null) {
                    out.appendNull();
                    return;
                }
                bool found = false;
                bool sawNull = false;
                for (std::size_t k = 1; k < args.size() && !found; ++k) {
                    const Value v = args[k].at(r);
                    if (v.null) {
                        sawNull = true;
                    } else if (compareValues(x, v) == 0) {
                        found = true;
                    }
                }
                if (!found && sawNull) {
                    out.appendNull();
                } else {
                    out.appendBool(found != e.negated);
                }
            });
            break;
        case BOp::Like:
            each([&](std::size_t r) {
                const Value s = args[0].at(r);
                const Value p = args[1].at(r);
                if (s.null || p.null) {
                    out.appendNull();
                } else {
                    out.appendBool(likeMatch(s.s, p.s, e.caseInsensitive) != e.negated);
                }
            });
            break;
        case BOp::Case: {
            const std::size_t pairs = (args.size() - (e.hasElse ? 1 : 0)) / 2;
            each([&](std::size_t r) {
                for (std::size_t k = 0; k < pairs; ++k) {
                    const Value c = args[2 * k].at(r);
                    if (!c.null && c.i != 0) {
                        appendAs(out, args[2 * k + 1].at(r));
                        return;
                    }
                }
                if (e.hasElse) {
                    appendAs(out, args.back().at(r));
                } else {
                    out.appendNull();
                }
            });
            break;
        }
        case BOp::Cast:
            each([&](std::size_t r) {
                const Value v = args[0].at(r);
                if (v.null || e.type == DataType::String || v.type == e.type) {
                    appendAs(out, v);
                } else if (e.type == DataType::Date && v.type == DataType::Timestamp) {
                    out.appendInt(floorDiv(v.i, kMsPerDay));
                } else if (e.type == DataType::Timestamp && v.type == DataType::Date) {
                    out.appendInt(v.i * kMsPerDay);
                } else if (e.type == DataType::Int64 && v.type == DataType::Double) {
                    // SQL casts round to nearest (Postgres, DuckDB)
                    const double rounded = std::nearbyint(v.d);
                    if (std::isfinite(rounded) && std::fabs(rounded) < 9.2e18) {
                        out.appendInt(static_cast<std::int64_t>(rounded));
                    } else {
                        out.appendNull();
                    }
                } else if (v.type == DataType::String && (e.type == DataType::Date || e.type == DataType::Timestamp)) {
                    const auto parsed = parseTemporal(v.s, e.type);
                    parsed ? out.appendInt(*parsed) : out.appendNull();
                } else {
                    out.appendValue(batch::detail::castValue(v, e.type));
                }
            });
            break;
        case BOp::Call:
            each([&](std::size_t r) { appendAs(out, callRow(e, args, r, scratch)); });
            break;
        case BOp::Column:
            break;
    }
    return out;
}

}  // namespace cityops::engine::sql::detail
