#include "sql/stream_expr.h"

#include <cmath>
#include <cstdio>

#include "batch/value_parse.h"
#include "sql/binder.h"

namespace cityops::engine::sql::stream_detail {

using detail::raise;

namespace {

bool numeric(DataType t) { return t == DataType::Int64 || t == DataType::Double || t == DataType::Timestamp; }

Value fieldValue(Field field, const Reading& r) {
    switch (field) {
        case Field::SensorId: return Value::ofInt(r.sensorId);
        case Field::LocationId: return Value::ofInt(r.locationId);
        case Field::Kind: return Value::ofString(toString(r.kind));
        case Field::Metric: return Value::ofString(toString(r.metric));
        case Field::Value: return Value::ofDouble(r.value);
        case Field::Seq: return Value::ofInt(static_cast<std::int64_t>(r.seq));
        case Field::EventTime: return Value::ofInt(r.eventTimeMs, DataType::Timestamp);
    }
    return Value::nullOf(DataType::Int64);
}

int compare(const Value& a, const Value& b) {
    if (a.type == DataType::String) return a.s < b.s ? -1 : (a.s > b.s ? 1 : 0);
    if (a.type == DataType::Double || b.type == DataType::Double) {
        const double x = a.asDouble();
        const double y = b.asDouble();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
}

bool compareOp(const std::string& op, int c) {
    if (op == "=") return c == 0;
    if (op == "<>" || op == "!=") return c != 0;
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
}

Value aggregateOf(const Node& n, const GroupAcc& g) {
    const auto i = static_cast<std::size_t>(n.index);
    switch (n.agg) {
        case AggFn::CountStar: return Value::ofInt(static_cast<std::int64_t>(g.rows));
        case AggFn::Count: return Value::ofInt(static_cast<std::int64_t>(g.count[i]));
        case AggFn::Sum: return g.count[i] == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(g.sum[i]);
        case AggFn::Avg:
            return g.count[i] == 0 ? Value::nullOf(DataType::Double)
                                   : Value::ofDouble(g.sum[i] / static_cast<double>(g.count[i]));
        case AggFn::Min: return g.count[i] == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(g.min[i]);
        case AggFn::Max: return g.count[i] == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(g.max[i]);
    }
    return Value::nullOf(DataType::Double);
}

Value matchAggregate(const Node& n, const EvalContext& ctx) {
    if (ctx.match == nullptr) return Value::nullOf(n.type);
    const auto events = n.variable.empty() ? ctx.match->events() : ctx.match->get(n.variable);
    if (n.op == Node::Op::MatchTime) return Value::ofInt(ctx.match->lastEventTime(), DataType::Timestamp);
    if (n.op == Node::Op::MatchFirst || n.op == Node::Op::MatchLast) {
        if (events.empty()) return Value::nullOf(n.type);
        EvalContext inner = ctx;
        inner.reading = n.op == Node::Op::MatchFirst ? &events.front().value : &events.back().value;
        return eval(n.kids[0], inner);
    }
    if (n.agg == AggFn::CountStar) return Value::ofInt(static_cast<std::int64_t>(events.size()));
    std::int64_t count = 0;
    double sum = 0.0, lo = 0.0, hi = 0.0;
    for (const auto& e : events) {
        EvalContext inner = ctx;
        inner.reading = &e.value;
        const Value v = eval(n.kids[0], inner);
        if (v.null) continue;
        const double d = v.asDouble();
        lo = count == 0 ? d : std::min(lo, d);
        hi = count == 0 ? d : std::max(hi, d);
        sum += d;
        ++count;
    }
    switch (n.agg) {
        case AggFn::Count: return Value::ofInt(count);
        case AggFn::Sum: return count == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(sum);
        case AggFn::Avg: return count == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(sum / static_cast<double>(count));
        case AggFn::Min: return count == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(lo);
        case AggFn::Max: return count == 0 ? Value::nullOf(DataType::Double) : Value::ofDouble(hi);
        case AggFn::CountStar: break;
    }
    return Value::nullOf(DataType::Double);
}

}  // namespace

Value eval(const Node& n, const EvalContext& ctx) {
    switch (n.op) {
        case Node::Op::Field: return ctx.reading != nullptr ? fieldValue(n.field, *ctx.reading) : Value::nullOf(n.type);
        case Node::Op::Literal: return n.literal;
        case Node::Op::Neg: {
            Value v = eval(n.kids[0], ctx);
            if (v.null) return v;
            if (v.type == DataType::Double) return Value::ofDouble(-v.d);
            return Value::ofInt(-v.i, v.type);
        }
        case Node::Op::Not: {
            Value v = eval(n.kids[0], ctx);
            return v.null ? v : Value::ofBool(v.i == 0);
        }
        case Node::Op::Arith: {
            const Value a = eval(n.kids[0], ctx);
            const Value b = eval(n.kids[1], ctx);
            if (a.null || b.null) return Value::nullOf(n.type);
            if (n.type == DataType::Double || n.arith == '/') {
                const double x = a.asDouble();
                const double y = b.asDouble();
                switch (n.arith) {
                    case '+': return Value::ofDouble(x + y);
                    case '-': return Value::ofDouble(x - y);
                    case '*': return Value::ofDouble(x * y);
                    case '/': return y == 0.0 ? Value::nullOf(DataType::Double) : Value::ofDouble(x / y);
                    default: return y == 0.0 ? Value::nullOf(DataType::Double) : Value::ofDouble(std::fmod(x, y));
                }
            }
            std::int64_t r = 0;
            bool overflow = false;
            switch (n.arith) {
                case '+': overflow = __builtin_add_overflow(a.i, b.i, &r); break;
                case '-': overflow = __builtin_sub_overflow(a.i, b.i, &r); break;
                case '*': overflow = __builtin_mul_overflow(a.i, b.i, &r); break;
                default:
                    if (b.i == 0 || (b.i == -1 && a.i == INT64_MIN)) return Value::nullOf(n.type);
                    r = a.i % b.i;
            }
            return overflow ? Value::nullOf(n.type) : Value::ofInt(r, n.type);
        }
        case Node::Op::Compare: {
            const Value a = eval(n.kids[0], ctx);
            const Value b = eval(n.kids[1], ctx);
            if (a.null || b.null) return Value::nullOf(DataType::Bool);
            return Value::ofBool(compareOp(n.cmp, compare(a, b)));
        }
        case Node::Op::And: {
            const Value a = eval(n.kids[0], ctx);
            if (!a.null && a.i == 0) return Value::ofBool(false);
            const Value b = eval(n.kids[1], ctx);
            if (!b.null && b.i == 0) return Value::ofBool(false);
            return a.null || b.null ? Value::nullOf(DataType::Bool) : Value::ofBool(true);
        }
        case Node::Op::Or: {
            const Value a = eval(n.kids[0], ctx);
            if (!a.null && a.i != 0) return Value::ofBool(true);
            const Value b = eval(n.kids[1], ctx);
            if (!b.null && b.i != 0) return Value::ofBool(true);
            return a.null || b.null ? Value::nullOf(DataType::Bool) : Value::ofBool(false);
        }
        case Node::Op::IsNull: return Value::ofBool(eval(n.kids[0], ctx).null != n.negated);
        case Node::Op::InList: {
            const Value a = eval(n.kids[0], ctx);
            if (a.null) return Value::nullOf(DataType::Bool);
            bool found = false;
            for (std::size_t i = 1; i < n.kids.size() && !found; ++i) {
                const Value b = eval(n.kids[i], ctx);
                found = !b.null && compare(a, b) == 0;
            }
            return Value::ofBool(found != n.negated);
        }
        case Node::Op::Between: {
            const Value a = eval(n.kids[0], ctx);
            const Value lo = eval(n.kids[1], ctx);
            const Value hi = eval(n.kids[2], ctx);
            if (a.null || lo.null || hi.null) return Value::nullOf(DataType::Bool);
            return Value::ofBool((compare(a, lo) >= 0 && compare(a, hi) <= 0) != n.negated);
        }
        case Node::Op::Case: {
            const std::size_t pairs = (n.kids.size() - (n.hasElse ? 1 : 0)) / 2;
            for (std::size_t i = 0; i < pairs; ++i) {
                if (truthy(eval(n.kids[2 * i], ctx))) return eval(n.kids[2 * i + 1], ctx);
            }
            return n.hasElse ? eval(n.kids.back(), ctx) : Value::nullOf(n.type);
        }
        case Node::Op::Abs: {
            Value v = eval(n.kids[0], ctx);
            if (v.null) return v;
            return v.type == DataType::Double ? Value::ofDouble(std::fabs(v.d)) : Value::ofInt(v.i < 0 ? -v.i : v.i);
        }
        case Node::Op::Round: {
            Value v = eval(n.kids[0], ctx);
            if (v.null || v.type != DataType::Double) return v;
            const double scale = std::pow(10.0, static_cast<double>(n.index));
            return Value::ofDouble(std::round(v.d * scale) / scale);
        }
        case Node::Op::ToTime: {
            Value v = eval(n.kids[0], ctx);
            if (v.null) return Value::nullOf(DataType::Timestamp);
            return Value::ofInt(v.type == DataType::Double ? static_cast<std::int64_t>(v.d) : v.i, DataType::Timestamp);
        }
        case Node::Op::Agg: return ctx.group != nullptr ? aggregateOf(n, *ctx.group) : Value::nullOf(n.type);
        case Node::Op::WindowStart: return Value::ofInt(ctx.windowStart, DataType::Timestamp);
        case Node::Op::WindowEnd: return Value::ofInt(ctx.windowEnd, DataType::Timestamp);
        case Node::Op::RowRef: return ctx.row != nullptr ? ctx.row[n.index] : Value::nullOf(n.type);
        case Node::Op::MatchFirst:
        case Node::Op::MatchLast:
        case Node::Op::MatchAgg:
        case Node::Op::MatchTime: return matchAggregate(n, ctx);
    }
    return Value::nullOf(DataType::Int64);
}

Node fieldNode(Field field, DataType type, SourcePos pos) {
    Node n;
    n.op = Node::Op::Field;
    n.field = field;
    n.type = type;
    n.pos = pos;
    return n;
}

std::string typeText(DataType type) {
    switch (type) {
        case DataType::Int64: return "bigint";
        case DataType::Double: return "double";
        case DataType::Bool: return "boolean";
        case DataType::Date: return "date";
        case DataType::Timestamp: return "timestamp";
        case DataType::String: return "string";
    }
    return "?";
}

std::string valueText(const Value& v) {
    if (v.null) return "null";
    switch (v.type) {
        case DataType::Double: {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.17g", v.d);
            double back = 0.0;
            for (int p = 1; p <= 17; ++p) {  // shortest text that reads back the same
                std::snprintf(buf, sizeof buf, "%.*g", p, v.d);
                back = std::strtod(buf, nullptr);
                if (back == v.d) break;
            }
            return buf;
        }
        case DataType::Bool: return v.i != 0 ? "true" : "false";
        case DataType::Timestamp: return batch::detail::formatTimestamp(v.i);
        case DataType::String: return std::string(v.s);
        default: return std::to_string(v.i);
    }
}

namespace {

class Compiler {
public:
    explicit Compiler(const Scope& scope) : m_scope(scope) {}

    Node compile(const AstExpr& e) {
        switch (e.kind) {
            case AstKind::Column: {
                if (m_scope.column) {
                    if (auto n = m_scope.column(e)) return *n;
                }
                const std::string shown = e.qualifier.empty() ? e.name : e.qualifier + "." + e.name;
                raise(SqlErrc::UnknownColumn, "unknown column '" + shown + "'" + detail::didYouMean(e.name, m_scope.names), e.pos);
            }
            case AstKind::Star: raise(SqlErrc::Unsupported, "'*' is only allowed in the select list and COUNT(*)", e.pos);
            case AstKind::Param: raise(SqlErrc::Unsupported, "parameters are not supported in streaming scripts", e.pos);
            case AstKind::Literal: return literal(e);
            case AstKind::Unary: {
                Node n;
                n.pos = e.pos;
                n.kids.push_back(compile(e.args[0]));
                if (e.name == "NOT") {
                    expectBool(n.kids[0], "NOT");
                    n.op = Node::Op::Not;
                    n.type = DataType::Bool;
                } else {
                    if (!numeric(n.kids[0].type)) raise(SqlErrc::TypeMismatch, "cannot negate a " + typeText(n.kids[0].type), e.pos);
                    n.op = Node::Op::Neg;
                    n.type = n.kids[0].type;
                }
                return n;
            }
            case AstKind::Binary: return binary(e);
            case AstKind::IsNull: {
                Node n;
                n.op = Node::Op::IsNull;
                n.type = DataType::Bool;
                n.pos = e.pos;
                n.negated = e.negated;
                n.kids.push_back(compile(e.args[0]));
                return n;
            }
            case AstKind::InList:
            case AstKind::Between: {
                Node n;
                n.op = e.kind == AstKind::InList ? Node::Op::InList : Node::Op::Between;
                n.type = DataType::Bool;
                n.pos = e.pos;
                n.negated = e.negated;
                for (const AstExpr& a : e.args) {
                    n.kids.push_back(compile(a));
                    checkComparable(n.kids.front(), n.kids.back(), a.pos);
                }
                return n;
            }
            case AstKind::Case: return caseExpr(e);
            case AstKind::Function: return function(e);
            case AstKind::Cast: raise(SqlErrc::Unsupported, "CAST is not supported in streaming queries", e.pos);
            case AstKind::Like: raise(SqlErrc::Unsupported, "LIKE is not supported in streaming queries (use = or IN)", e.pos);
        }
        raise(SqlErrc::Unsupported, "unsupported expression", e.pos);
    }

private:
    Node literal(const AstExpr& e) {
        Node n;
        n.op = Node::Op::Literal;
        n.pos = e.pos;
        switch (e.literal) {
            case LiteralKind::Null: n.literal = Value::nullOf(DataType::Int64); break;
            case LiteralKind::Int: n.literal = Value::ofInt(e.i); break;
            case LiteralKind::Double: n.literal = Value::ofDouble(e.d); break;
            case LiteralKind::Bool: n.literal = Value::ofBool(e.i != 0); break;
            case LiteralKind::String:
                n.text = std::make_shared<const std::string>(e.text);
                n.literal = Value::ofString(*n.text);
                break;
            case LiteralKind::Date:
            case LiteralKind::Timestamp: {
                const auto ms = batch::detail::parseTimestamp(e.text);
                if (!ms) raise(SqlErrc::TypeMismatch, "not a timestamp: '" + e.text + "'", e.pos);
                n.literal = Value::ofInt(*ms, DataType::Timestamp);
                break;
            }
        }
        n.type = n.literal.type;
        return n;
    }

    static void expectBool(const Node& n, const std::string& what) {
        if (n.type != DataType::Bool) raise(SqlErrc::TypeMismatch, what + " needs a boolean, found " + typeText(n.type), n.pos);
    }
    static void checkComparable(const Node& a, const Node& b, SourcePos pos) {
        const bool ok = (numeric(a.type) && numeric(b.type)) || a.type == b.type ||
                        (a.literal.null && a.op == Node::Op::Literal) || (b.literal.null && b.op == Node::Op::Literal);
        if (!ok) raise(SqlErrc::TypeMismatch, "cannot compare " + typeText(a.type) + " with " + typeText(b.type), pos);
    }

    Node binary(const AstExpr& e) {
        Node n;
        n.pos = e.pos;
        n.kids.push_back(compile(e.args[0]));
        n.kids.push_back(compile(e.args[1]));
        const Node& a = n.kids[0];
        const Node& b = n.kids[1];
        const std::string& op = e.name;
        if (op == "AND" || op == "OR") {
            expectBool(a, op);
            expectBool(b, op);
            n.op = op == "AND" ? Node::Op::And : Node::Op::Or;
            n.type = DataType::Bool;
        } else if (op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
            checkComparable(a, b, e.pos);
            n.op = Node::Op::Compare;
            n.cmp = op;
            n.type = DataType::Bool;
        } else if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
            if (!numeric(a.type) || !numeric(b.type)) {
                raise(SqlErrc::TypeMismatch, "cannot apply '" + op + "' to " + typeText(a.type) + " and " + typeText(b.type), e.pos);
            }
            n.op = Node::Op::Arith;
            n.arith = op[0];
            if (a.type == DataType::Double || b.type == DataType::Double || op == "/") {
                n.type = DataType::Double;
            } else if (a.type == DataType::Timestamp || b.type == DataType::Timestamp) {
                n.type = a.type == DataType::Timestamp && b.type == DataType::Timestamp && op == "-" ? DataType::Int64
                                                                                                       : DataType::Timestamp;
            } else {
                n.type = DataType::Int64;
            }
        } else {
            raise(SqlErrc::Unsupported, "operator '" + op + "' is not supported in streaming queries", e.pos);
        }
        return n;
    }

    Node caseExpr(const AstExpr& e) {
        if (e.hasOperand) raise(SqlErrc::Unsupported, "CASE with an operand is not supported in streaming queries (use CASE WHEN)", e.pos);
        Node n;
        n.op = Node::Op::Case;
        n.pos = e.pos;
        n.hasElse = e.hasElse;
        std::optional<DataType> type;
        for (std::size_t i = 0; i < e.args.size(); ++i) {
            Node k = compile(e.args[i]);
            const bool isResult = (e.hasElse && i + 1 == e.args.size()) || i % 2 == 1;
            if (!isResult) {
                expectBool(k, "WHEN");
            } else if (!(k.op == Node::Op::Literal && k.literal.null)) {
                if (type && *type != k.type && !(numeric(*type) && numeric(k.type))) {
                    raise(SqlErrc::TypeMismatch, "CASE branches have types " + typeText(*type) + " and " + typeText(k.type), k.pos);
                }
                if (!type || k.type == DataType::Double) type = k.type;
            }
            n.kids.push_back(std::move(k));
        }
        n.type = type.value_or(DataType::Int64);
        return n;
    }

    Node function(const AstExpr& e) {
        if (e.over) raise(SqlErrc::Unsupported, "OVER windows are not supported on streams (use GROUP BY TUMBLE/HOP/SESSION)", e.pos);
        if (m_scope.call) {
            if (auto n = m_scope.call(e)) return *n;
        }
        const std::string& f = e.name;
        Node n;
        n.pos = e.pos;
        if ((f == "abs" || f == "round") && !e.args.empty() && e.args.size() <= 2) {
            n.kids.push_back(compile(e.args[0]));
            if (!numeric(n.kids[0].type)) raise(SqlErrc::TypeMismatch, f + " needs a number", e.pos);
            n.op = f == "abs" ? Node::Op::Abs : Node::Op::Round;
            n.type = n.kids[0].type;
            if (f == "round" && e.args.size() == 2) {
                if (e.args[1].kind != AstKind::Literal || e.args[1].literal != LiteralKind::Int) {
                    raise(SqlErrc::TypeMismatch, "round's digits must be an integer literal", e.args[1].pos);
                }
                n.index = static_cast<int>(std::clamp<std::int64_t>(e.args[1].i, -15, 15));
            }
            return n;
        }
        if ((f == "to_timestamp_ltz" || f == "to_timestamp") && !e.args.empty() && e.args.size() <= 2) {
            n.kids.push_back(compile(e.args[0]));
            if (n.kids[0].type != DataType::Int64 && n.kids[0].type != DataType::Timestamp) {
                raise(SqlErrc::TypeMismatch, f + " needs milliseconds since the epoch (bigint)", e.pos);
            }
            if (e.args.size() == 2 && !(e.args[1].kind == AstKind::Literal && e.args[1].i == 3)) {
                raise(SqlErrc::Unsupported, f + ": only precision 3 (milliseconds) is supported", e.args[1].pos);
            }
            n.op = Node::Op::ToTime;
            n.type = DataType::Timestamp;
            return n;
        }
        static const char* const kAggregates[] = {"count", "sum", "avg", "min", "max"};
        for (const char* a : kAggregates) {
            if (f == a) raise(SqlErrc::Unsupported, "aggregate " + f + "() is only allowed with a windowed GROUP BY or in MEASURES", e.pos);
        }
        raise(SqlErrc::Unsupported, "function '" + f + "' is not supported in streaming queries", e.pos);
    }

    const Scope& m_scope;
};

}  // namespace

Node compile(const AstExpr& expr, const Scope& scope) { return Compiler(scope).compile(expr); }

}  // namespace cityops::engine::sql::stream_detail
