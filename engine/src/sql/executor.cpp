// Runs a logical plan on the batch engine: scans, filters and projections through batch Tables,
// joins through batch::join, aggregation through batch::groupBy, distinct through batch::distinct.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cityops/engine/batch/operations.h"
#include "sql/plan.h"

namespace cityops::engine::sql::detail {

using batch::Column;
using batch::Table;

namespace {

Table renamed(const Table& input) {
    Table out;
    for (std::size_t i = 0; i < input.columnCount(); ++i) out.shareColumn(internalName(i), input, i);
    return out;
}

Table takeRows(const Table& input, const std::vector<std::size_t>& rows) {
    if (input.columnCount() == 0) return input;
    return input.take(rows);
}

Table filterRows(const Table& input, const BoundExpr& predicate, ExecContext& ctx) {
    const Column mask = evaluate(predicate, input, ctx);
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < mask.size(); ++r) {
        if (!mask.isNull(r) && mask.intAt(r) != 0) rows.push_back(r);
    }
    if (rows.size() == input.rowCount()) return input;
    return takeRows(input, rows);
}

Table project(const PlanNode& node, const Table& input, ExecContext& ctx) {
    Table out;
    for (std::size_t i = 0; i < node.exprs.size(); ++i) {
        const BoundExpr& e = node.exprs[i];
        if (e.op == BOp::Column) {
            out.shareColumn(internalName(i), input, static_cast<std::size_t>(e.column));
        } else {
            out.setColumn(internalName(i), evaluate(e, input, ctx));
        }
        if (input.rowCount() > ExecContext::kChunk) ctx.tick(e.pos);
    }
    return out;
}

Table aggregate(const PlanNode& node, const Table& input, ExecContext& ctx) {
    Table work;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < node.exprs.size(); ++i) {
        keys.push_back("k" + std::to_string(i));
        work.setColumn(keys.back(), evaluate(node.exprs[i], input, ctx));
    }
    std::vector<batch::Aggregate> specs;
    struct Post {
        std::size_t spec;
        std::size_t countSpec = 0;
        AggFn fn;
    };
    std::vector<Post> posts;
    for (std::size_t i = 0; i < node.aggs.size(); ++i) {
        const AggCall& a = node.aggs[i];
        std::string arg;
        if (a.arg) {
            arg = "a" + std::to_string(i);
            work.setColumn(arg, evaluate(*a.arg, input, ctx));
        }
        batch::Aggregate spec;
        spec.column = arg;
        spec.as = "r" + std::to_string(specs.size());
        spec.fraction = a.fraction;
        Post post{specs.size(), 0, a.fn};
        switch (a.fn) {
            case AggFn::Count: spec.kind = batch::AggKind::Count; break;
            case AggFn::CountStar: spec.kind = batch::AggKind::CountAll; break;
            case AggFn::CountDistinct: spec.kind = batch::AggKind::CountDistinct; break;
            case AggFn::Sum: spec.kind = batch::AggKind::Sum; break;
            case AggFn::Avg: spec.kind = batch::AggKind::Avg; break;
            case AggFn::Min: spec.kind = batch::AggKind::Min; break;
            case AggFn::Max: spec.kind = batch::AggKind::Max; break;
            case AggFn::PercentileCont:
            case AggFn::PercentileDisc: spec.kind = batch::AggKind::Percentile; break;
            case AggFn::ApproxPercentile: spec.kind = batch::AggKind::ApproxPercentile; break;
            case AggFn::StddevSamp:
            case AggFn::StddevPop:
            case AggFn::VarSamp:
            case AggFn::VarPop: spec.kind = batch::AggKind::StdDev; break;
        }
        specs.push_back(spec);
        if (a.fn == AggFn::StddevPop || a.fn == AggFn::VarPop) {
            batch::Aggregate count;
            count.kind = batch::AggKind::Count;
            count.column = arg;
            count.as = "r" + std::to_string(specs.size());
            post.countSpec = specs.size();
            specs.push_back(count);
        }
        posts.push_back(post);
    }
    if (work.columnCount() == 0) {  // COUNT(*) alone: groupBy needs one column to count rows of
        Column ones(DataType::Int64);
        ones.reserve(input.rowCount());
        for (std::size_t r = 0; r < input.rowCount(); ++r) ones.appendInt(1);
        work.setColumn("one", std::move(ones));
    }
    ctx.tick(node.pos);
    const Table grouped = batch::groupBy(work, keys, specs);
    Table out;
    for (std::size_t i = 0; i < keys.size(); ++i) out.shareColumn(internalName(i), grouped, i);
    for (std::size_t i = 0; i < posts.size(); ++i) {
        const Post& p = posts[i];
        const std::size_t index = keys.size() + p.spec;
        const std::string name = internalName(keys.size() + i);
        const DataType want = node.schema[keys.size() + i].type;
        const Column& c = grouped.column(index);
        if (p.fn == AggFn::StddevSamp || p.fn == AggFn::StddevPop || p.fn == AggFn::VarSamp || p.fn == AggFn::VarPop) {
            Column fixed(DataType::Double);
            const Column* counts = p.fn == AggFn::StddevPop || p.fn == AggFn::VarPop
                                       ? &grouped.column(keys.size() + p.countSpec)
                                       : nullptr;
            for (std::size_t r = 0; r < c.size(); ++r) {
                const bool pop = counts != nullptr;
                const std::int64_t n = pop ? counts->intAt(r) : 0;
                if (pop && n == 1) {
                    fixed.appendDouble(0.0);
                    continue;
                }
                if (c.isNull(r)) {
                    fixed.appendNull();
                    continue;
                }
                double var = c.doubleAt(r) * c.doubleAt(r);
                if (pop) var = var * static_cast<double>(n - 1) / static_cast<double>(n);
                fixed.appendDouble(p.fn == AggFn::VarSamp || p.fn == AggFn::VarPop ? var : std::sqrt(var));
            }
            out.setColumn(name, std::move(fixed));
        } else if (c.type() != want) {
            Column converted(want);
            for (std::size_t r = 0; r < c.size(); ++r) {
                const batch::Value v = c.valueAt(r);
                if (v.null) {
                    converted.appendNull();
                } else if (want == DataType::Double) {
                    converted.appendDouble(v.asDouble());
                } else {
                    converted.appendInt(v.i);
                }
            }
            out.setColumn(name, std::move(converted));
        } else {
            out.shareColumn(name, grouped, index);
        }
    }
    return out;
}

Table join(const PlanNode& node, const Table& left, const Table& right, ExecContext& ctx) {
    std::vector<std::size_t> leftRows;
    std::vector<std::size_t> rightRows;
    if (node.crossJoin) {
        const std::size_t total = left.rowCount() * right.rowCount();
        if (right.rowCount() != 0 && total / right.rowCount() != left.rowCount()) {
            raise(SqlErrc::Limit, "cross join too large", node.pos);
        }
        if (total > ctx.maxCrossJoinRows) {
            raise(SqlErrc::Limit,
                  "the join has no equality between its sides and would produce " + std::to_string(total) +
                      " rows (limit " + std::to_string(ctx.maxCrossJoinRows) + "); add an equality to ON",
                  node.pos);
        }
        leftRows.reserve(total);
        rightRows.reserve(total);
        for (std::size_t l = 0; l < left.rowCount(); ++l) {
            if ((l & 1023) == 1023) ctx.tick(node.pos);
            for (std::size_t r = 0; r < right.rowCount(); ++r) {
                leftRows.push_back(l);
                rightRows.push_back(r);
            }
        }
    } else {
        Table lk;
        Table rk;
        std::vector<std::string> names;
        for (std::size_t i = 0; i < node.leftKeys.size(); ++i) {
            names.push_back("k" + std::to_string(i));
            lk.setColumn(names.back(), evaluate(node.leftKeys[i], left, ctx));
            rk.setColumn(names.back(), evaluate(node.rightKeys[i], right, ctx));
        }
        auto rowIds = [](std::size_t n) {
            Column ids(DataType::Int64);
            ids.reserve(n);
            for (std::size_t r = 0; r < n; ++r) ids.appendInt(static_cast<std::int64_t>(r));
            return ids;
        };
        lk.setColumn("lrow", rowIds(left.rowCount()));
        rk.setColumn("rrow", rowIds(right.rowCount()));
        ctx.tick(node.pos);
        const Table joined = batch::join(lk, rk, names, names, node.leftJoin ? batch::JoinType::Left : batch::JoinType::Inner);
        const Column& l = joined.column("lrow");
        const Column& r = joined.column("rrow");
        leftRows.reserve(joined.rowCount());
        rightRows.reserve(joined.rowCount());
        for (std::size_t i = 0; i < joined.rowCount(); ++i) {
            leftRows.push_back(static_cast<std::size_t>(l.intAt(i)));
            rightRows.push_back(r.isNull(i) ? Column::kNoRow : static_cast<std::size_t>(r.intAt(i)));
        }
    }
    Table out;
    std::size_t index = 0;
    for (std::size_t i = 0; i < left.columnCount(); ++i) out.setColumn(internalName(index++), left.column(i).take(leftRows));
    for (std::size_t i = 0; i < right.columnCount(); ++i) {
        out.setColumn(internalName(index++), right.column(i).take(rightRows));
    }
    return out;
}

}  // namespace

std::vector<std::size_t> sortedRows(const Table& input, const std::vector<SortSpec>& keys, ExecContext& ctx) {
    std::vector<Column> columns;
    columns.reserve(keys.size());
    for (const SortSpec& k : keys) columns.push_back(evaluate(k.expr, input, ctx));
    std::vector<std::size_t> rows(input.rowCount());
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    ctx.tick(keys.empty() ? SourcePos{} : keys.front().expr.pos);
    std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
        for (std::size_t k = 0; k < keys.size(); ++k) {
            const Column& c = columns[k];
            const bool na = c.isNull(a);
            const bool nb = c.isNull(b);
            if (na || nb) {
                if (na == nb) continue;
                return na == keys[k].nullsFirst;
            }
            int cmp = 0;
            switch (c.type()) {
                case DataType::String: {
                    const int s = c.stringAt(a).compare(c.stringAt(b));
                    cmp = s < 0 ? -1 : (s > 0 ? 1 : 0);
                    break;
                }
                case DataType::Double:
                    cmp = compareValues(batch::Value::ofDouble(c.doubleAt(a)), batch::Value::ofDouble(c.doubleAt(b)));
                    break;
                default:
                    cmp = c.intAt(a) < c.intAt(b) ? -1 : (c.intAt(a) > c.intAt(b) ? 1 : 0);
                    break;
            }
            if (cmp != 0) return keys[k].ascending ? cmp < 0 : cmp > 0;
        }
        return false;
    });
    return rows;
}

Table execute(const PlanNode& node, ExecContext& ctx) {
    Table out;
    switch (node.kind) {
        case PlanKind::Scan:
            out = renamed(*node.source);
            break;
        case PlanKind::Values: {
            Column one(DataType::Int64);
            one.appendInt(1);
            out.setColumn(internalName(0), std::move(one));
            break;
        }
        case PlanKind::CteRef: {
            auto it = ctx.cteResults.find(node.shared.get());
            if (it == ctx.cteResults.end()) {
                Table result = execute(*node.shared, ctx);
                it = ctx.cteResults.emplace(node.shared.get(), std::move(result)).first;
            }
            out = it->second;
            break;
        }
        case PlanKind::Filter:
            out = filterRows(execute(*node.children[0], ctx), *node.predicate, ctx);
            break;
        case PlanKind::Project:
            out = project(node, execute(*node.children[0], ctx), ctx);
            break;
        case PlanKind::Aggregate:
            out = aggregate(node, execute(*node.children[0], ctx), ctx);
            break;
        case PlanKind::Window:
            out = executeWindows(node, execute(*node.children[0], ctx), ctx);
            break;
        case PlanKind::Sort: {
            const Table input = execute(*node.children[0], ctx);
            out = takeRows(input, sortedRows(input, node.sort, ctx));
            break;
        }
        case PlanKind::Limit: {
            const Table input = execute(*node.children[0], ctx);
            const auto n = input.rowCount();
            const auto from = static_cast<std::size_t>(std::min<std::int64_t>(node.offset, static_cast<std::int64_t>(n)));
            std::size_t to = n;
            if (node.limit >= 0) to = std::min(n, from + static_cast<std::size_t>(std::min<std::int64_t>(node.limit, static_cast<std::int64_t>(n))));
            std::vector<std::size_t> rows(to - from);
            std::iota(rows.begin(), rows.end(), from);
            out = takeRows(input, rows);
            break;
        }
        case PlanKind::Distinct:
            out = renamed(batch::distinct(execute(*node.children[0], ctx)));
            break;
        case PlanKind::Join: {
            const Table left = execute(*node.children[0], ctx);
            const Table right = execute(*node.children[1], ctx);
            out = join(node, left, right, ctx);
            break;
        }
    }
    ctx.operatorDone(node.pos);
    return out;
}

std::size_t countOperators(const PlanNode& node) {
    std::size_t n = 1;
    for (const auto& c : node.children) n += countOperators(*c);
    if (node.shared) n += countOperators(*node.shared);
    return n;
}

namespace {

std::string exprText(const BoundExpr& e, const std::vector<ColumnInfo>& input);

std::string columnText(int index, const std::vector<ColumnInfo>& input) {
    if (index < 0 || static_cast<std::size_t>(index) >= input.size()) return "#" + std::to_string(index);
    const ColumnInfo& c = input[static_cast<std::size_t>(index)];
    return c.qualifier.empty() || c.qualifier == "$" ? c.name : c.qualifier + "." + c.name;
}

std::string exprText(const BoundExpr& e, const std::vector<ColumnInfo>& input) {
    static const char* kOps[] = {"", "", "-", "NOT ", "+", "-", "*", "/", "%", "||", "=", "<>", "<", "<=", ">", ">=",
                                 "AND", "OR"};
    switch (e.op) {
        case BOp::Column: return columnText(e.column, input);
        case BOp::Literal:
            if (e.nullLiteral) return "NULL";
            if (e.type == DataType::String) return "'" + e.str + "'";
            return e.type == DataType::Double ? std::to_string(e.d) : std::to_string(e.i);
        case BOp::Neg:
        case BOp::Not: return kOps[static_cast<int>(e.op)] + exprText(e.args[0], input);
        case BOp::IsNull: return exprText(e.args[0], input) + " IS NULL";
        case BOp::IsNotNull: return exprText(e.args[0], input) + " IS NOT NULL";
        case BOp::In: return exprText(e.args[0], input) + (e.negated ? " NOT IN (...)" : " IN (...)");
        case BOp::Like: return exprText(e.args[0], input) + " LIKE " + exprText(e.args[1], input);
        case BOp::Case: return "CASE ... END";
        case BOp::Cast: return "CAST(" + exprText(e.args[0], input) + " AS " + std::string(batch::typeName(e.type)) + ")";
        case BOp::Call: return "fn(...)";
        default:
            return "(" + exprText(e.args[0], input) + " " + kOps[static_cast<int>(e.op)] + " " + exprText(e.args[1], input) + ")";
    }
}

void explainInto(const PlanNode& node, int depth, std::string& out) {
    static const char* kNames[] = {"Scan", "Values", "Filter", "Project", "Aggregate", "Window", "Sort", "Limit",
                                   "Distinct", "Join", "CteRef"};
    out += std::string(static_cast<std::size_t>(depth) * 2, ' ') + kNames[static_cast<int>(node.kind)];
    const std::vector<ColumnInfo> empty;
    const std::vector<ColumnInfo>& input = node.children.empty() ? empty : node.children[0]->schema;
    switch (node.kind) {
        case PlanKind::Scan:
        case PlanKind::CteRef: out += " " + node.table; break;
        case PlanKind::Filter: out += " " + exprText(*node.predicate, input); break;
        case PlanKind::Project:
            for (std::size_t i = 0; i < node.exprs.size(); ++i) out += (i ? ", " : " ") + exprText(node.exprs[i], input);
            break;
        case PlanKind::Aggregate:
            out += " keys:";
            for (const BoundExpr& k : node.exprs) out += " " + exprText(k, input);
            out += " aggs:";
            for (const AggCall& a : node.aggs) out += " " + a.text;
            break;
        case PlanKind::Window:
            for (const WindowCall& w : node.windows) out += " " + w.text;
            break;
        case PlanKind::Sort:
            for (const SortSpec& s : node.sort) out += " " + exprText(s.expr, input) + (s.ascending ? " ASC" : " DESC");
            break;
        case PlanKind::Limit: out += " " + std::to_string(node.limit) + " offset " + std::to_string(node.offset); break;
        case PlanKind::Join: out += node.crossJoin ? " cross" : (node.leftJoin ? " left" : " inner"); break;
        default: break;
    }
    out += "\n";
    if (node.shared) explainInto(*node.shared, depth + 1, out);
    for (const auto& c : node.children) explainInto(*c, depth + 1, out);
}

}  // namespace

std::string explain(const PlanNode& node) {
    std::string out;
    explainInto(node, 0, out);
    return out;
}

}  // namespace cityops::engine::sql::detail
