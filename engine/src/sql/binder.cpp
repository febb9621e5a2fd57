// Binder: AST → type-checked logical plan (name resolution, GROUP BY / aggregate / window placement).
#include "sql/binder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>


namespace cityops::engine::sql::detail {

namespace {

std::string_view typeText(DataType t) { return batch::typeName(t); }
bool numeric(DataType t) { return t == DataType::Int64 || t == DataType::Double; }
bool temporal(DataType t) { return t == DataType::Date || t == DataType::Timestamp; }

const std::map<std::string, AggFn>& aggregateNames() {
    static const std::map<std::string, AggFn> kNames = {
        {"count", AggFn::Count},          {"sum", AggFn::Sum},
        {"avg", AggFn::Avg},              {"mean", AggFn::Avg},
        {"min", AggFn::Min},              {"max", AggFn::Max},
        {"stddev", AggFn::StddevSamp},    {"stddev_samp", AggFn::StddevSamp},
        {"stddev_pop", AggFn::StddevPop}, {"variance", AggFn::VarSamp},
        {"var_samp", AggFn::VarSamp},     {"var_pop", AggFn::VarPop},
        {"percentile", AggFn::PercentileCont},     {"percentile_cont", AggFn::PercentileCont},
        {"median", AggFn::PercentileCont},         {"percentile_approx", AggFn::ApproxPercentile},
        {"approx_percentile", AggFn::ApproxPercentile}, {"approx_quantile", AggFn::ApproxPercentile},
        {"quantile_cont", AggFn::PercentileCont}};
    return kNames;
}

const std::map<std::string, WinFn>& windowOnlyNames() {
    static const std::map<std::string, WinFn> kNames = {
        {"row_number", WinFn::RowNumber}, {"rank", WinFn::Rank},   {"dense_rank", WinFn::DenseRank},
        {"lag", WinFn::Lag},              {"lead", WinFn::Lead},   {"first_value", WinFn::FirstValue},
        {"last_value", WinFn::LastValue}};
    return kNames;
}

const std::map<std::string, Func>& scalarNames() {
    static const std::map<std::string, Func> kNames = {
        {"coalesce", Func::Coalesce}, {"ifnull", Func::Coalesce},   {"nvl", Func::Coalesce},
        {"nullif", Func::NullIf},     {"date_trunc", Func::DateTrunc}, {"to_date", Func::ToDate},
        {"hour", Func::Hour},         {"minute", Func::Minute},     {"second", Func::Second},
        {"year", Func::Year},         {"quarter", Func::Quarter},   {"month", Func::Month},
        {"day", Func::Day},           {"dayofmonth", Func::Day},    {"dayofweek", Func::DayOfWeek},
        {"dayofyear", Func::DayOfYear}, {"round", Func::Round},     {"abs", Func::Abs},
        {"floor", Func::Floor},       {"ceil", Func::Ceil},         {"ceiling", Func::Ceil},
        {"sqrt", Func::Sqrt},         {"power", Func::Power},       {"pow", Func::Power},
        {"ln", Func::Ln},             {"exp", Func::Exp},           {"lower", Func::Lower},
        {"upper", Func::Upper},       {"length", Func::Length},     {"char_length", Func::Length},
        {"concat", Func::Concat},     {"trim", Func::Trim},         {"substr", Func::Substr},
        {"substring", Func::Substr},  {"greatest", Func::Greatest}, {"least", Func::Least},
        {"extract", Func::Year},      {"date_part", Func::Year},    {"cast", Func::Coalesce}};
    return kNames;
}

bool isAggregateCall(const AstExpr& e) {
    return e.kind == AstKind::Function && !e.over && aggregateNames().count(e.name) != 0;
}

std::optional<DataType> typeFromName(const std::string& name) {
    static const std::map<std::string, DataType> kTypes = {
        {"int", DataType::Int64},      {"integer", DataType::Int64},  {"bigint", DataType::Int64},
        {"smallint", DataType::Int64}, {"tinyint", DataType::Int64},  {"long", DataType::Int64},
        {"int64", DataType::Int64},    {"double", DataType::Double},  {"float", DataType::Double},
        {"real", DataType::Double},    {"decimal", DataType::Double}, {"numeric", DataType::Double},
        {"float8", DataType::Double},  {"varchar", DataType::String}, {"string", DataType::String},
        {"text", DataType::String},    {"char", DataType::String},    {"boolean", DataType::Bool},
        {"bool", DataType::Bool},      {"date", DataType::Date},      {"timestamp", DataType::Timestamp},
        {"datetime", DataType::Timestamp}};
    const auto it = kTypes.find(name);
    if (it == kTypes.end()) return std::nullopt;
    return it->second;
}

std::string lowerCopy(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

BoundExpr columnRef(int index, DataType type, SourcePos pos) {
    BoundExpr b;
    b.op = BOp::Column;
    b.column = index;
    b.type = type;
    b.pos = pos;
    return b;
}

BoundExpr make(BOp op, DataType type, SourcePos pos, std::vector<BoundExpr> args) {
    BoundExpr b;
    b.op = op;
    b.type = type;
    b.pos = pos;
    b.args = std::move(args);
    return b;
}

BoundExpr castTo(BoundExpr e, DataType type) {
    if (e.type == type) return e;
    if (e.op == BOp::Literal && e.nullLiteral) {
        e.type = type;
        return e;
    }
    const SourcePos pos = e.pos;
    std::vector<BoundExpr> args;
    args.push_back(std::move(e));
    return make(BOp::Cast, type, pos, std::move(args));
}

bool isNullLiteral(const BoundExpr& e) { return e.op == BOp::Literal && e.nullLiteral; }

void collectColumns(const BoundExpr& e, std::vector<int>& out) {
    if (e.op == BOp::Column) out.push_back(e.column);
    for (const BoundExpr& a : e.args) collectColumns(a, out);
}

void shiftColumns(BoundExpr& e, int by) {
    if (e.op == BOp::Column) e.column += by;
    for (BoundExpr& a : e.args) shiftColumns(a, by);
}

//! Where a name is looked up: the relation's columns, and for post-aggregation binding the mapping
//! of rendered expressions (group keys, aggregates, window calls) to columns.
struct Scope {
    std::vector<ColumnInfo> columns;
    const std::map<std::string, int>* mapping = nullptr;
    const Scope* preAggregate = nullptr;  //!< set after GROUP BY: columns that exist but are not grouped
    std::string clause = "this clause";   //!< for "not allowed in WHERE" messages
    bool allowWindows = false;
};

struct CteEnv {
    std::map<std::string, std::pair<std::shared_ptr<const PlanNode>, std::vector<ColumnInfo>>> ctes;
    const CteEnv* parent = nullptr;
    const std::pair<std::shared_ptr<const PlanNode>, std::vector<ColumnInfo>>* find(const std::string& name) const {
        for (const CteEnv* e = this; e != nullptr; e = e->parent) {
            const auto it = e->ctes.find(name);
            if (it != e->ctes.end()) return &it->second;
        }
        return nullptr;
    }
    void names(std::vector<std::string>& out) const {
        for (const CteEnv* e = this; e != nullptr; e = e->parent) {
            for (const auto& [name, _] : e->ctes) out.push_back(name);
        }
    }
};

class Binder {
public:
    Binder(Catalog& catalog, const QueryOptions& options) : m_catalog(catalog), m_options(options) {}

    std::unique_ptr<PlanNode> query(const Query& q, const CteEnv* parent) {
        CteEnv env;
        env.parent = parent;
        for (const Cte& c : q.ctes) {
            if (env.ctes.count(c.name) != 0) raise(SqlErrc::Syntax, "CTE '" + c.name + "' is defined twice", c.pos);
            std::unique_ptr<PlanNode> plan = query(*c.query, &env);
            std::vector<ColumnInfo> schema = plan->schema;
            env.ctes[c.name] = {std::shared_ptr<const PlanNode>(std::move(plan)), std::move(schema)};
        }
        return select(q, env);
    }

private:
    // ---- FROM ----
    std::unique_ptr<PlanNode> from(const TableRef& ref, const CteEnv& env) {
        switch (ref.kind) {
            case TableRef::Kind::Named: {
                const std::string qualifier = ref.alias.empty() ? ref.name : ref.alias;
                if (const auto* cte = env.find(ref.name)) {
                    auto node = std::make_unique<PlanNode>();
                    node->kind = PlanKind::CteRef;
                    node->pos = ref.pos;
                    node->table = ref.name;
                    node->shared = cte->first;
                    node->schema = cte->second;
                    for (ColumnInfo& c : node->schema) c.qualifier = qualifier;
                    return node;
                }
                if (!m_catalog.contains(ref.name)) {
                    std::vector<std::string> names = m_catalog.tableNames();
                    env.names(names);
                    raise(SqlErrc::UnknownTable, "unknown table '" + ref.name + "'" + didYouMean(ref.name, names), ref.pos);
                }
                auto loaded = m_catalog.table(ref.name, m_options.progress);
                if (!loaded) {
                    raise(SqlErrc::Data, "cannot load table '" + ref.name + "': " + loaded.error(), ref.pos);
                }
                auto node = std::make_unique<PlanNode>();
                node->kind = PlanKind::Scan;
                node->pos = ref.pos;
                node->table = ref.name;
                node->source = *loaded;
                const batch::Table& t = **loaded;
                for (std::size_t i = 0; i < t.columnCount(); ++i) {
                    node->schema.push_back({qualifier, lowerCopy(t.name(i)), t.column(i).type()});
                }
                return node;
            }
            case TableRef::Kind::Subquery: {
                std::unique_ptr<PlanNode> node = query(*ref.subquery, &env);
                for (ColumnInfo& c : node->schema) c.qualifier = ref.alias;
                return node;
            }
            case TableRef::Kind::Join:
                return join(ref, env);
        }
        return nullptr;
    }

    std::unique_ptr<PlanNode> join(const TableRef& ref, const CteEnv& env) {
        auto node = std::make_unique<PlanNode>();
        node->kind = PlanKind::Join;
        node->pos = ref.pos;
        node->leftJoin = ref.join == TableRef::JoinKind::Left;
        std::unique_ptr<PlanNode> left = from(*ref.left, env);
        std::unique_ptr<PlanNode> right = from(*ref.right, env);
        const int leftCount = static_cast<int>(left->schema.size());
        node->schema = left->schema;
        node->schema.insert(node->schema.end(), right->schema.begin(), right->schema.end());
        std::vector<BoundExpr> residual;
        if (ref.on) {
            Scope scope;
            scope.columns = node->schema;
            scope.clause = "JOIN ... ON";
            std::vector<const AstExpr*> conjuncts;
            splitAnd(*ref.on, conjuncts);
            for (const AstExpr* c : conjuncts) {
                BoundExpr b = bind(*c, scope);
                requireBool(b, "the JOIN condition", c->pos);
                if (b.op == BOp::Eq && b.args.size() == 2) {
                    const int side0 = side(b.args[0], leftCount);
                    const int side1 = side(b.args[1], leftCount);
                    if ((side0 == 1 && side1 == 2) || (side0 == 2 && side1 == 1)) {
                        BoundExpr l = std::move(b.args[side0 == 1 ? 0 : 1]);
                        BoundExpr r = std::move(b.args[side0 == 1 ? 1 : 0]);
                        shiftColumns(r, -leftCount);
                        node->leftKeys.push_back(std::move(l));
                        node->rightKeys.push_back(std::move(r));
                        continue;
                    }
                }
                residual.push_back(std::move(b));
            }
        }
        if (node->leftKeys.empty()) {
            if (node->leftJoin) {
                raise(SqlErrc::Unsupported, "LEFT JOIN needs at least one equality between the two sides in ON", ref.pos);
            }
            node->crossJoin = true;
        }
        std::vector<BoundExpr> afterJoin;
        for (BoundExpr& r : residual) {
            if (node->leftJoin) {
                if (side(r, leftCount) == 2) {  // a condition on the right side only filters the right input
                    shiftColumns(r, -leftCount);
                    auto filter = std::make_unique<PlanNode>();
                    filter->kind = PlanKind::Filter;
                    filter->pos = r.pos;
                    filter->schema = right->schema;
                    filter->predicate = std::move(r);
                    filter->children.push_back(std::move(right));
                    right = std::move(filter);
                    continue;
                }
                raise(SqlErrc::Unsupported,
                      "LEFT JOIN ... ON supports equalities between the sides and conditions on the right side only",
                      r.pos);
            }
            afterJoin.push_back(std::move(r));
        }
        node->children.push_back(std::move(left));
        node->children.push_back(std::move(right));
        if (afterJoin.empty()) return node;
        auto filter = std::make_unique<PlanNode>();
        filter->kind = PlanKind::Filter;
        filter->pos = ref.pos;
        filter->schema = node->schema;
        filter->predicate = conjunction(std::move(afterJoin));
        filter->children.push_back(std::move(node));
        return filter;
    }

    static int side(const BoundExpr& e, int leftCount) {
        std::vector<int> cols;
        collectColumns(e, cols);
        int s = 0;
        for (const int c : cols) s |= c < leftCount ? 1 : 2;
        return s;
    }

    static void splitAnd(const AstExpr& e, std::vector<const AstExpr*>& out) {
        if (e.kind == AstKind::Binary && e.name == "AND") {
            splitAnd(e.args[0], out);
            splitAnd(e.args[1], out);
        } else {
            out.push_back(&e);
        }
    }

    static BoundExpr conjunction(std::vector<BoundExpr> parts) {
        BoundExpr acc = std::move(parts.front());
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const SourcePos pos = parts[i].pos;
            std::vector<BoundExpr> args;
            args.push_back(std::move(acc));
            args.push_back(std::move(parts[i]));
            acc = make(BOp::And, DataType::Bool, pos, std::move(args));
        }
        return acc;
    }

    // ---- SELECT ----
    static void collectCalls(const AstExpr& e, bool windows, std::vector<const AstExpr*>& out, bool insideAgg = false) {
        if (e.kind == AstKind::Function) {
            if (windows && e.over) {
                out.push_back(&e);
                return;
            }
            if (!windows && isAggregateCall(e)) {
                if (!insideAgg) out.push_back(&e);
                for (const AstExpr& a : e.args) collectCalls(a, windows, out, true);
                return;
            }
            if (e.over) {  // aggregates inside a window's arguments, partition and order are computed first
                for (const AstExpr& a : e.args) collectCalls(a, windows, out, insideAgg);
                for (const AstExpr& p : e.over->partitionBy) collectCalls(p, windows, out, insideAgg);
                for (const OrderItem& o : e.over->orderBy) collectCalls(o.expr, windows, out, insideAgg);
                return;
            }
        }
        for (const AstExpr& a : e.args) collectCalls(a, windows, out, insideAgg);
    }

    std::unique_ptr<PlanNode> select(const Query& q, const CteEnv& env) {
        const SelectCore& core = q.select;
        std::unique_ptr<PlanNode> node;
        if (core.from) {
            node = from(*core.from, env);
        } else {
            node = std::make_unique<PlanNode>();
            node->kind = PlanKind::Values;
            node->pos = core.pos;
            node->schema.push_back({"$", "$one", DataType::Int64});
        }
        Scope base;
        base.columns = node->schema;
        if (core.where) {
            base.clause = "WHERE";
            BoundExpr pred = bind(*core.where, base);
            requireBool(pred, "WHERE", core.where->pos);
            node = wrap(PlanKind::Filter, std::move(node), core.where->pos);
            node->predicate = std::move(pred);
        }

        std::vector<const AstExpr*> aggCalls;
        for (const SelectItem& item : core.items) collectCalls(item.expr, false, aggCalls);
        if (core.having) collectCalls(*core.having, false, aggCalls);
        for (const OrderItem& o : q.orderBy) collectCalls(o.expr, false, aggCalls);
        const bool grouped = !core.groupBy.empty() || !aggCalls.empty() || core.having;

        std::map<std::string, int> mapping;
        Scope current = base;
        current.clause = "SELECT";
        Scope preScope = base;
        if (grouped) {
            auto agg = wrap(PlanKind::Aggregate, std::move(node), core.pos);
            agg->schema.clear();
            preScope.clause = "GROUP BY";
            for (const AstExpr& g : core.groupBy) {
                const AstExpr* keyAst = &g;
                if (g.kind == AstKind::Literal && g.literal == LiteralKind::Int) {
                    if (g.i < 1 || g.i > static_cast<std::int64_t>(core.items.size())) {
                        raise(SqlErrc::Syntax, "GROUP BY position " + std::to_string(g.i) + " is not in the select list",
                              g.pos);
                    }
                    keyAst = &core.items[static_cast<std::size_t>(g.i - 1)].expr;
                } else if (g.kind == AstKind::Column && g.qualifier.empty() && !resolves(g, preScope)) {
                    for (const SelectItem& item : core.items) {
                        if (item.alias == g.name) keyAst = &item.expr;
                    }
                }
                if (keyAst->kind == AstKind::Star) raise(SqlErrc::Syntax, "cannot GROUP BY *", keyAst->pos);
                BoundExpr key = bind(*keyAst, preScope);
                const int index = static_cast<int>(agg->exprs.size());
                mapping.emplace(render(*keyAst), index);
                mapping.emplace(render(g), index);
                ColumnInfo info{"", render(*keyAst), key.type};
                if (key.op == BOp::Column) info = preScope.columns[static_cast<std::size_t>(key.column)];
                agg->schema.push_back(info);
                agg->exprs.push_back(std::move(key));
            }
            for (const AstExpr* call : aggCalls) {
                const std::string text = render(*call);
                if (mapping.count(text) != 0) continue;
                AggCall a = aggregate(*call, preScope);
                mapping.emplace(text, static_cast<int>(agg->schema.size()));
                agg->schema.push_back({"", "$agg" + std::to_string(agg->aggs.size()), aggregateType(a)});
                agg->aggs.push_back(std::move(a));
            }
            node = std::move(agg);
            current.columns = node->schema;
            current.mapping = &mapping;
            current.preAggregate = &preScope;
            if (core.having) {
                current.clause = "HAVING";
                BoundExpr pred = bind(*core.having, current);
                requireBool(pred, "HAVING", core.having->pos);
                node = wrap(PlanKind::Filter, std::move(node), core.having->pos);
                node->predicate = std::move(pred);
                current.clause = "SELECT";
            }
        }

        std::vector<const AstExpr*> winCalls;
        for (const SelectItem& item : core.items) collectCalls(item.expr, true, winCalls);
        for (const OrderItem& o : q.orderBy) collectCalls(o.expr, true, winCalls);
        if (!winCalls.empty()) {
            auto win = wrap(PlanKind::Window, std::move(node), core.pos);
            current.mapping = &mapping;
            for (const AstExpr* call : winCalls) {
                const std::string text = render(*call);
                if (mapping.count(text) != 0) continue;
                WindowCall w = window(*call, current);
                mapping[text] = static_cast<int>(win->schema.size());
                win->schema.push_back({"", "$win" + std::to_string(win->windows.size()), w.type});
                win->windows.push_back(std::move(w));
            }
            node = std::move(win);
            current.columns = node->schema;
        }

        // projection (+ hidden ORDER BY columns)
        auto project = wrap(PlanKind::Project, std::move(node), core.pos);
        project->schema.clear();
        std::vector<std::string> itemTexts;
        for (const SelectItem& item : core.items) {
            if (item.expr.kind == AstKind::Star) {
                if (grouped) raise(SqlErrc::Unsupported, "SELECT * cannot be combined with GROUP BY or aggregates", item.expr.pos);
                bool any = false;
                for (std::size_t i = 0; i < current.columns.size(); ++i) {
                    const ColumnInfo& c = current.columns[i];
                    if (c.name.empty() || c.name[0] == '$') continue;
                    if (!item.expr.qualifier.empty() && c.qualifier != item.expr.qualifier) continue;
                    any = true;
                    project->exprs.push_back(columnRef(static_cast<int>(i), c.type, item.expr.pos));
                    project->schema.push_back({"", c.name, c.type});
                    itemTexts.push_back(c.qualifier + "." + c.name);
                }
                if (!any) raise(SqlErrc::UnknownTable, "no table '" + item.expr.qualifier + "' for " + render(item.expr), item.expr.pos);
                continue;
            }
            BoundExpr b = bind(item.expr, current);
            std::string name = item.alias;
            if (name.empty()) name = item.expr.kind == AstKind::Column ? item.expr.name : render(item.expr);
            project->schema.push_back({"", name, b.type});
            project->exprs.push_back(std::move(b));
            itemTexts.push_back(render(item.expr));
        }
        const std::size_t visible = project->exprs.size();
        std::vector<SortSpec> sort;
        for (const OrderItem& o : q.orderBy) {
            int index = -1;
            if (o.expr.kind == AstKind::Literal && o.expr.literal == LiteralKind::Int) {
                if (o.expr.i < 1 || o.expr.i > static_cast<std::int64_t>(visible)) {
                    raise(SqlErrc::Syntax, "ORDER BY position " + std::to_string(o.expr.i) + " is not in the select list",
                          o.expr.pos);
                }
                index = static_cast<int>(o.expr.i - 1);
            } else if (o.expr.kind == AstKind::Column && o.expr.qualifier.empty()) {
                for (std::size_t i = 0; i < visible && index < 0; ++i) {
                    if (project->schema[i].name == o.expr.name) index = static_cast<int>(i);
                }
            }
            if (index < 0) {
                const std::string text = render(o.expr);
                for (std::size_t i = 0; i < itemTexts.size() && index < 0; ++i) {
                    if (itemTexts[i] == text) index = static_cast<int>(i);
                }
            }
            if (index < 0) {
                if (core.distinct) {
                    raise(SqlErrc::Syntax, "with SELECT DISTINCT, ORDER BY expressions must appear in the select list",
                          o.expr.pos);
                }
                current.clause = "ORDER BY";
                BoundExpr b = bind(o.expr, current);
                index = static_cast<int>(project->exprs.size());
                project->schema.push_back({"", "$order" + std::to_string(index), b.type});
                project->exprs.push_back(std::move(b));
            }
            SortSpec s;
            s.expr = columnRef(index, project->schema[static_cast<std::size_t>(index)].type, o.expr.pos);
            s.ascending = o.ascending;
            s.nullsFirst = o.nullsFirst.value_or(false);
            sort.push_back(std::move(s));
        }
        node = std::move(project);
        if (core.distinct) node = wrap(PlanKind::Distinct, std::move(node), core.pos);
        if (!sort.empty()) {
            node = wrap(PlanKind::Sort, std::move(node), q.orderBy.front().expr.pos);
            node->sort = std::move(sort);
        }
        if (q.limit || q.offset) {
            const SourcePos pos = q.limit ? q.limit->pos : q.offset->pos;
            node = wrap(PlanKind::Limit, std::move(node), pos);
            if (q.limit) node->limit = constantCount(*q.limit, "LIMIT");
            if (q.offset) node->offset = constantCount(*q.offset, "OFFSET");
        }
        if (node->schema.size() > visible) {
            auto trim = wrap(PlanKind::Project, std::move(node), core.pos);
            trim->schema.resize(visible);
            for (std::size_t i = 0; i < visible; ++i) {
                trim->exprs.push_back(columnRef(static_cast<int>(i), trim->schema[i].type, core.pos));
            }
            node = std::move(trim);
        }
        return node;
    }

    static std::unique_ptr<PlanNode> wrap(PlanKind kind, std::unique_ptr<PlanNode> child, SourcePos pos) {
        auto node = std::make_unique<PlanNode>();
        node->kind = kind;
        node->pos = pos;
        node->schema = child->schema;
        node->children.push_back(std::move(child));
        return node;
    }

    std::int64_t constantCount(const AstExpr& e, const char* clause) {
        Scope empty;
        empty.clause = clause;
        const BoundExpr b = bind(e, empty);
        if (b.op != BOp::Literal || b.type != DataType::Int64 || b.nullLiteral || b.i < 0) {
            raise(SqlErrc::TypeMismatch, std::string(clause) + " needs a non-negative integer constant", e.pos);
        }
        return b.i;
    }

    // ---- aggregates and windows ----
    double constantFraction(const AstExpr& e, const Scope& scope) {
        const BoundExpr b = bind(e, scope);
        if (b.op != BOp::Literal || !numeric(b.type) || b.nullLiteral) {
            raise(SqlErrc::TypeMismatch, "the percentile must be a numeric constant", e.pos);
        }
        const double p = b.type == DataType::Double ? b.d : static_cast<double>(b.i);
        if (!(p >= 0.0 && p <= 1.0)) raise(SqlErrc::TypeMismatch, "the percentile must lie between 0 and 1", e.pos);
        return p;
    }

    AggCall aggregate(const AstExpr& call, const Scope& scope) {
        AggCall a;
        a.fn = aggregateNames().at(call.name);
        a.text = render(call);
        Scope inner = scope;
        inner.clause = "an aggregate's argument";
        auto argCount = [&](std::size_t lo, std::size_t hi) {
            if (call.args.size() < lo || call.args.size() > hi) {
                raise(SqlErrc::Syntax, call.name + "() takes " + std::to_string(lo) +
                                           (lo == hi ? "" : " to " + std::to_string(hi)) + " argument" +
                                           (hi == 1 ? "" : "s") + ", got " + std::to_string(call.args.size()),
                      call.pos);
            }
        };
        if (call.distinct && a.fn != AggFn::Count) {
            raise(SqlErrc::Unsupported, "DISTINCT is supported in COUNT only", call.pos);
        }
        if (call.name == "percentile_cont") {
            argCount(1, 1);
            if (call.withinGroup.size() != 1) {
                raise(SqlErrc::Syntax, "percentile_cont(p) needs WITHIN GROUP (ORDER BY one expression)", call.pos);
            }
            a.fraction = constantFraction(call.args[0], inner);
            a.descending = !call.withinGroup[0].ascending;
            if (a.descending) a.fraction = 1.0 - a.fraction;
            a.arg = bind(call.withinGroup[0].expr, inner);
        } else {
            if (!call.withinGroup.empty()) raise(SqlErrc::Unsupported, "WITHIN GROUP is supported for percentile_cont only", call.pos);
            if (a.fn == AggFn::PercentileCont && call.name != "median") {
                argCount(2, 2);
                a.fraction = constantFraction(call.args[1], inner);
            } else if (a.fn == AggFn::ApproxPercentile) {
                argCount(2, 3);
                a.fraction = constantFraction(call.args[1], inner);
            } else {
                argCount(1, 1);
            }
            if (a.fn == AggFn::Count && call.args[0].kind == AstKind::Star) {
                if (!call.args[0].qualifier.empty() || call.distinct) raise(SqlErrc::Syntax, "only COUNT(*) takes a *", call.pos);
                a.fn = AggFn::CountStar;
            } else {
                a.arg = bind(call.args[0], inner);
                if (call.distinct) a.fn = AggFn::CountDistinct;
            }
        }
        const bool needsNumber = a.fn != AggFn::Count && a.fn != AggFn::CountStar && a.fn != AggFn::CountDistinct &&
                                 a.fn != AggFn::Min && a.fn != AggFn::Max;
        if (needsNumber && !numeric(a.arg->type) && !isNullLiteral(*a.arg)) {
            raise(SqlErrc::TypeMismatch,
                  call.name + "() needs a numeric argument, found " + std::string(typeText(a.arg->type)), call.pos);
        }
        return a;
    }

    static DataType aggregateType(const AggCall& a) {
        switch (a.fn) {
            case AggFn::Count:
            case AggFn::CountStar:
            case AggFn::CountDistinct:
                return DataType::Int64;
            case AggFn::Sum:
                return a.arg->type == DataType::Int64 ? DataType::Int64 : DataType::Double;
            case AggFn::Min:
            case AggFn::Max:
                return a.arg->type;
            default:
                return DataType::Double;
        }
    }

    WindowCall window(const AstExpr& call, const Scope& scope) {
        WindowCall w;
        w.text = render(call);
        w.pos = call.pos;
        Scope inner = scope;
        inner.clause = "a window function";
        inner.allowWindows = false;
        const auto only = windowOnlyNames().find(call.name);
        if (only != windowOnlyNames().end()) {
            w.fn = only->second;
        } else if (call.name == "count") {
            w.fn = !call.args.empty() && call.args[0].kind == AstKind::Star ? WinFn::CountStar : WinFn::Count;
        } else if (call.name == "sum") {
            w.fn = WinFn::Sum;
        } else if (call.name == "avg" || call.name == "mean") {
            w.fn = WinFn::Avg;
        } else if (call.name == "min") {
            w.fn = WinFn::Min;
        } else if (call.name == "max") {
            w.fn = WinFn::Max;
        } else {
            raise(SqlErrc::Unsupported, "window function " + call.name + "() is not supported" +
                                            didYouMean(call.name, {"row_number", "rank", "dense_rank", "lag", "lead", "sum",
                                                                   "avg", "count", "min", "max", "first_value", "last_value"}),
                  call.pos);
        }
        if (call.distinct) raise(SqlErrc::Unsupported, "DISTINCT is not supported in window functions", call.pos);
        const bool ranking = w.fn == WinFn::RowNumber || w.fn == WinFn::Rank || w.fn == WinFn::DenseRank;
        if (ranking && !call.args.empty()) raise(SqlErrc::Syntax, call.name + "() takes no arguments", call.pos);
        if (!ranking && w.fn != WinFn::CountStar) {
            if (call.args.empty()) raise(SqlErrc::Syntax, call.name + "() needs an argument", call.pos);
            w.args.push_back(bind(call.args[0], inner));
        }
        if (w.fn == WinFn::Lag || w.fn == WinFn::Lead) {
            if (call.args.size() > 3) raise(SqlErrc::Syntax, call.name + "() takes 1 to 3 arguments", call.pos);
            if (call.args.size() >= 2) {
                const BoundExpr n = bind(call.args[1], inner);
                if (n.op != BOp::Literal || n.type != DataType::Int64 || n.i < 0) {
                    raise(SqlErrc::TypeMismatch, call.name + "() offset must be a non-negative integer constant", call.args[1].pos);
                }
                w.offset = n.i;
            }
            if (call.args.size() == 3) w.args.push_back(unify(w.args[0], bind(call.args[2], inner), call.pos).second);
        } else if (call.args.size() > 1) {
            raise(SqlErrc::Syntax, call.name + "() takes one argument here", call.pos);
        }
        if ((w.fn == WinFn::Sum || w.fn == WinFn::Avg) && !numeric(w.args[0].type)) {
            raise(SqlErrc::TypeMismatch, call.name + "() needs a numeric argument, found " + std::string(typeText(w.args[0].type)),
                  call.pos);
        }
        const WindowDef& def = *call.over;
        for (const AstExpr& p : def.partitionBy) w.partition.push_back(bind(p, inner));
        for (const OrderItem& o : def.orderBy) {
            SortSpec s;
            s.expr = bind(o.expr, inner);
            s.ascending = o.ascending;
            s.nullsFirst = o.nullsFirst.value_or(false);
            w.order.push_back(std::move(s));
        }
        if ((ranking || w.fn == WinFn::Lag || w.fn == WinFn::Lead) && w.order.empty() && w.fn != WinFn::RowNumber) {
            raise(SqlErrc::Syntax, call.name + "() needs ORDER BY in its OVER clause", def.pos);
        }
        if (def.hasFrame) {
            w.rows = def.rows;
            using K = FrameBound::Kind;
            if (def.start.kind == K::UnboundedFollowing || def.end.kind == K::UnboundedPreceding) {
                raise(SqlErrc::Syntax, "invalid window frame bounds", def.pos);
            }
            w.startUnbounded = def.start.kind == K::UnboundedPreceding;
            w.startOffset = def.start.kind == K::Preceding ? def.start.offset
                            : def.start.kind == K::Following ? -def.start.offset : 0.0;
            w.endUnbounded = def.end.kind == K::UnboundedFollowing;
            w.endOffset = def.end.kind == K::Following ? def.end.offset
                          : def.end.kind == K::Preceding ? -def.end.offset : 0.0;
            if (!w.rows && (def.start.kind == K::Preceding || def.start.kind == K::Following ||
                            def.end.kind == K::Preceding || def.end.kind == K::Following)) {
                if (w.order.size() != 1 || !(numeric(w.order[0].expr.type) || temporal(w.order[0].expr.type))) {
                    raise(SqlErrc::Unsupported, "RANGE with an offset needs exactly one numeric, date or timestamp ORDER BY key",
                          def.pos);
                }
            }
            if (w.rows && (std::floor(def.start.offset) != def.start.offset || std::floor(def.end.offset) != def.end.offset)) {
                raise(SqlErrc::Syntax, "ROWS frame offsets must be integers", def.pos);
            }
        } else if (w.order.empty()) {
            w.wholePartition = true;
        } else {
            w.rows = false;  // default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        }
        switch (w.fn) {
            case WinFn::RowNumber:
            case WinFn::Rank:
            case WinFn::DenseRank:
            case WinFn::Count:
            case WinFn::CountStar:
                w.type = DataType::Int64;
                break;
            case WinFn::Avg:
                w.type = DataType::Double;
                break;
            case WinFn::Sum:
                w.type = w.args[0].type == DataType::Int64 ? DataType::Int64 : DataType::Double;
                break;
            default:
                w.type = w.args[0].type;
                break;
        }
        return w;
    }

    // ---- expressions ----
    bool resolves(const AstExpr& column, const Scope& scope) const {
        for (const ColumnInfo& c : scope.columns) {
            if (c.name == column.name && (column.qualifier.empty() || c.qualifier == column.qualifier)) return true;
        }
        return false;
    }

    int resolve(const AstExpr& e, const Scope& scope) {
        int found = -1;
        bool qualifierSeen = e.qualifier.empty();
        for (std::size_t i = 0; i < scope.columns.size(); ++i) {
            const ColumnInfo& c = scope.columns[i];
            if (!e.qualifier.empty() && c.qualifier == e.qualifier) qualifierSeen = true;
            if (c.name != e.name || (!e.qualifier.empty() && c.qualifier != e.qualifier)) continue;
            if (found >= 0) {
                raise(SqlErrc::Ambiguous, "column reference '" + render(e) + "' is ambiguous (qualify it with a table name)",
                      e.pos);
            }
            found = static_cast<int>(i);
        }
        if (found >= 0) return found;
        if (scope.preAggregate != nullptr && resolves(e, *scope.preAggregate)) {
            raise(SqlErrc::Syntax,
                  "column '" + render(e) + "' must appear in the GROUP BY clause or be used in an aggregate function",
                  e.pos);
        }
        const Scope& names = scope.preAggregate != nullptr ? *scope.preAggregate : scope;
        if (!qualifierSeen) {
            std::set<std::string> qualifiers;
            for (const ColumnInfo& c : names.columns) {
                if (!c.qualifier.empty() && c.qualifier != "$") qualifiers.insert(c.qualifier);
            }
            raise(SqlErrc::UnknownTable,
                  "unknown table or alias '" + e.qualifier + "' in '" + render(e) + "'" +
                      didYouMean(e.qualifier, {qualifiers.begin(), qualifiers.end()}),
                  e.pos);
        }
        std::vector<std::string> candidates;
        for (const ColumnInfo& c : names.columns) {
            if (!c.name.empty() && c.name[0] != '$' && (e.qualifier.empty() || c.qualifier == e.qualifier)) {
                candidates.push_back(c.name);
            }
        }
        raise(SqlErrc::UnknownColumn, "unknown column '" + render(e) + "'" + didYouMean(e.name, candidates), e.pos);
    }

    static void requireBool(const BoundExpr& b, const std::string& where, SourcePos pos) {
        if (b.type != DataType::Bool && !isNullLiteral(b)) {
            raise(SqlErrc::TypeMismatch, where + " needs a boolean condition, found " + std::string(typeText(b.type)), pos);
        }
    }

    //! Brings two operands to a comparable type; string literals next to dates become dates.
    std::pair<BoundExpr, BoundExpr> unify(BoundExpr a, BoundExpr b, SourcePos pos, const std::string& op = "compare") {
        if (isNullLiteral(a)) a.type = b.type;
        if (isNullLiteral(b)) b.type = a.type;
        if (a.type == b.type) return {std::move(a), std::move(b)};
        if (numeric(a.type) && numeric(b.type)) return {std::move(a), std::move(b)};
        auto temporalLiteral = [&](BoundExpr& lit, DataType to) {
            if (lit.op != BOp::Literal || lit.type != DataType::String) return false;
            const std::optional<std::int64_t> v = parseTemporal(lit.str, to);
            if (!v) raise(SqlErrc::TypeMismatch, "'" + lit.str + "' is not a valid " + std::string(typeText(to)), lit.pos);
            lit.type = to;
            lit.i = *v;
            lit.str.clear();
            return true;
        };
        if (temporal(a.type) && temporalLiteral(b, a.type)) return {std::move(a), std::move(b)};
        if (temporal(b.type) && temporalLiteral(a, b.type)) return {std::move(a), std::move(b)};
        if (temporal(a.type) && temporal(b.type)) {
            return {castTo(std::move(a), DataType::Timestamp), castTo(std::move(b), DataType::Timestamp)};
        }
        raise(SqlErrc::TypeMismatch,
              "cannot " + op + " " + std::string(typeText(a.type)) + " with " + std::string(typeText(b.type)), pos);
    }

    static DataType commonType(const std::vector<BoundExpr*>& values, SourcePos pos, const std::string& what) {
        std::optional<DataType> t;
        for (const BoundExpr* v : values) {
            if (isNullLiteral(*v)) continue;
            if (!t || *t == v->type) {
                t = v->type;
            } else if (numeric(*t) && numeric(v->type)) {
                t = DataType::Double;
            } else if (temporal(*t) && temporal(v->type)) {
                t = DataType::Timestamp;
            } else {
                raise(SqlErrc::TypeMismatch,
                      what + " mixes " + std::string(typeText(*t)) + " and " + std::string(typeText(v->type)), pos);
            }
        }
        return t.value_or(DataType::Int64);
    }

    BoundExpr literal(const AstExpr& e) {
        BoundExpr b;
        b.op = BOp::Literal;
        b.pos = e.pos;
        switch (e.literal) {
            case LiteralKind::Null:
                b.nullLiteral = true;
                b.type = DataType::Int64;
                break;
            case LiteralKind::Int:
                b.type = DataType::Int64;
                b.i = e.i;
                break;
            case LiteralKind::Double:
                b.type = DataType::Double;
                b.d = e.d;
                break;
            case LiteralKind::Bool:
                b.type = DataType::Bool;
                b.i = e.i;
                break;
            case LiteralKind::String:
                b.type = DataType::String;
                b.str = e.text;
                break;
            case LiteralKind::Date:
            case LiteralKind::Timestamp: {
                BoundExpr s;
                s.op = BOp::Literal;
                s.type = DataType::String;
                s.str = e.text;
                s.pos = e.pos;
                BoundExpr probe;
                probe.type = e.literal == LiteralKind::Date ? DataType::Date : DataType::Timestamp;
                probe.op = BOp::Column;
                return unify(std::move(probe), std::move(s), e.pos).second;
            }
        }
        return b;
    }

    BoundExpr bind(const AstExpr& e, const Scope& scope) {
        if (scope.mapping != nullptr) {
            const auto it = scope.mapping->find(render(e));
            if (it != scope.mapping->end() && e.kind != AstKind::Literal) {
                return columnRef(it->second, scope.columns[static_cast<std::size_t>(it->second)].type, e.pos);
            }
        }
        switch (e.kind) {
            case AstKind::Column: {
                const int index = resolve(e, scope);
                return columnRef(index, scope.columns[static_cast<std::size_t>(index)].type, e.pos);
            }
            case AstKind::Star:
                raise(SqlErrc::Syntax, "* is only allowed in the select list and COUNT(*)", e.pos);
            case AstKind::Literal:
                return literal(e);
            case AstKind::Param: {
                const auto it = m_options.parameters.find(e.name);
                if (it == m_options.parameters.end()) {
                    raise(SqlErrc::Syntax, "no value given for parameter :" + e.name, e.pos);
                }
                if (++m_paramDepth > 8) raise(SqlErrc::Limit, "parameters refer to each other too deeply", e.pos);
                auto parsed = parse("SELECT " + it->second);
                if (!parsed || parsed->query.select.items.size() != 1 || parsed->query.select.from) {
                    raise(SqlErrc::Syntax, "the value of :" + e.name + " is not one SQL expression: " + it->second, e.pos);
                }
                Scope empty;
                BoundExpr b = bind(parsed->query.select.items[0].expr, empty);
                --m_paramDepth;
                b.pos = e.pos;
                return b;
            }
            case AstKind::Unary: {
                BoundExpr a = bind(e.args[0], scope);
                if (e.name == "NOT") {
                    requireBool(a, "NOT", e.pos);
                    return make(BOp::Not, DataType::Bool, e.pos, {std::move(a)});
                }
                if (!numeric(a.type) && !isNullLiteral(a)) {
                    raise(SqlErrc::TypeMismatch, "cannot negate " + std::string(typeText(a.type)), e.pos);
                }
                return make(BOp::Neg, a.type, e.pos, {std::move(a)});
            }
            case AstKind::Binary:
                return binary(e, scope);
            case AstKind::IsNull: {
                BoundExpr a = bind(e.args[0], scope);
                return make(e.negated ? BOp::IsNotNull : BOp::IsNull, DataType::Bool, e.pos, {std::move(a)});
            }
            case AstKind::InList: {
                std::vector<BoundExpr> args;
                args.push_back(bind(e.args[0], scope));
                for (std::size_t i = 1; i < e.args.size(); ++i) {
                    auto [x, v] = unify(args[0], bind(e.args[i], scope), e.args[i].pos);
                    args[0] = std::move(x);
                    args.push_back(std::move(v));
                }
                BoundExpr b = make(BOp::In, DataType::Bool, e.pos, std::move(args));
                b.negated = e.negated;
                return b;
            }
            case AstKind::Between: {
                BoundExpr x = bind(e.args[0], scope);
                auto [x1, lo] = unify(x, bind(e.args[1], scope), e.args[1].pos);
                auto [x2, hi] = unify(x, bind(e.args[2], scope), e.args[2].pos);
                BoundExpr ge = make(BOp::Ge, DataType::Bool, e.pos, {std::move(x1), std::move(lo)});
                BoundExpr le = make(BOp::Le, DataType::Bool, e.pos, {std::move(x2), std::move(hi)});
                BoundExpr both = make(BOp::And, DataType::Bool, e.pos, {std::move(ge), std::move(le)});
                return e.negated ? make(BOp::Not, DataType::Bool, e.pos, {std::move(both)}) : both;
            }
            case AstKind::Like: {
                BoundExpr s = bind(e.args[0], scope);
                BoundExpr p = bind(e.args[1], scope);
                for (const BoundExpr* x : {&s, &p}) {
                    if (x->type != DataType::String && !isNullLiteral(*x)) {
                        raise(SqlErrc::TypeMismatch, "LIKE needs strings, found " + std::string(typeText(x->type)), x->pos);
                    }
                }
                BoundExpr b = make(BOp::Like, DataType::Bool, e.pos, {std::move(s), std::move(p)});
                b.negated = e.negated;
                b.caseInsensitive = e.name == "ilike";
                return b;
            }
            case AstKind::Case:
                return caseExpr(e, scope);
            case AstKind::Cast: {
                const auto type = typeFromName(e.name);
                if (!type) raise(SqlErrc::Unsupported, "unknown type '" + e.name + "'", e.pos);
                BoundExpr a = bind(e.args[0], scope);
                if (isNullLiteral(a)) {
                    a.type = *type;
                    return a;
                }
                return make(BOp::Cast, *type, e.pos, {std::move(a)});
            }
            case AstKind::Function:
                return function(e, scope);
        }
        raise(SqlErrc::Unsupported, "unsupported expression", e.pos);
    }

    BoundExpr binary(const AstExpr& e, const Scope& scope) {
        BoundExpr a = bind(e.args[0], scope);
        BoundExpr b = bind(e.args[1], scope);
        const std::string& op = e.name;
        if (op == "AND" || op == "OR") {
            requireBool(a, op, e.args[0].pos);
            requireBool(b, op, e.args[1].pos);
            return make(op == "AND" ? BOp::And : BOp::Or, DataType::Bool, e.pos, {std::move(a), std::move(b)});
        }
        if (op == "||") return make(BOp::Concat, DataType::String, e.pos, {std::move(a), std::move(b)});
        static const std::map<std::string, BOp> kCompare = {{"=", BOp::Eq}, {"<>", BOp::Ne}, {"<", BOp::Lt},
                                                            {"<=", BOp::Le}, {">", BOp::Gt}, {">=", BOp::Ge}};
        if (const auto it = kCompare.find(op); it != kCompare.end()) {
            auto [x, y] = unify(std::move(a), std::move(b), e.pos);
            return make(it->second, DataType::Bool, e.pos, {std::move(x), std::move(y)});
        }
        if (isNullLiteral(a)) a.type = numeric(b.type) ? b.type : DataType::Int64;
        if (isNullLiteral(b)) b.type = numeric(a.type) ? a.type : DataType::Int64;
        if (!numeric(a.type) || !numeric(b.type)) {
            raise(SqlErrc::TypeMismatch,
                  "cannot apply '" + op + "' to " + std::string(typeText(a.type)) + " and " + std::string(typeText(b.type)),
                  e.pos);
        }
        static const std::map<std::string, BOp> kArith = {
            {"+", BOp::Add}, {"-", BOp::Sub}, {"*", BOp::Mul}, {"/", BOp::Div}, {"%", BOp::Mod}};
        const BOp bop = kArith.at(op);
        const DataType type =
            bop != BOp::Div && a.type == DataType::Int64 && b.type == DataType::Int64 ? DataType::Int64 : DataType::Double;
        return make(bop, type, e.pos, {std::move(a), std::move(b)});
    }

    BoundExpr caseExpr(const AstExpr& e, const Scope& scope) {
        std::vector<BoundExpr> args;
        std::size_t i = 0;
        std::optional<BoundExpr> operand;
        if (e.hasOperand) operand = bind(e.args[i++], scope);
        const std::size_t end = e.hasElse ? e.args.size() - 1 : e.args.size();
        std::vector<std::size_t> valueSlots;
        for (; i + 1 < end + 1 && i < end; i += 2) {
            BoundExpr cond = bind(e.args[i], scope);
            if (operand) {
                auto [x, y] = unify(*operand, std::move(cond), e.args[i].pos);
                cond = make(BOp::Eq, DataType::Bool, e.args[i].pos, {std::move(x), std::move(y)});
            }
            requireBool(cond, "WHEN", e.args[i].pos);
            args.push_back(std::move(cond));
            valueSlots.push_back(args.size());
            args.push_back(bind(e.args[i + 1], scope));
        }
        if (e.hasElse) {
            valueSlots.push_back(args.size());
            args.push_back(bind(e.args.back(), scope));
        }
        std::vector<BoundExpr*> values;
        for (const std::size_t s : valueSlots) values.push_back(&args[s]);
        const DataType type = commonType(values, e.pos, "CASE");
        for (BoundExpr* v : values) {
            if (isNullLiteral(*v)) v->type = type;
        }
        BoundExpr b = make(BOp::Case, type, e.pos, std::move(args));
        b.hasElse = e.hasElse;
        return b;
    }

    BoundExpr function(const AstExpr& e, const Scope& scope) {
        if (e.over) {
            raise(SqlErrc::Syntax, "window function " + e.name + "() is not allowed in " + scope.clause, e.pos);
        }
        if (aggregateNames().count(e.name) != 0) {
            raise(SqlErrc::Syntax, "aggregate function " + e.name + "() is not allowed in " + scope.clause, e.pos);
        }
        if (windowOnlyNames().count(e.name) != 0) {
            raise(SqlErrc::Syntax, e.name + "() needs an OVER clause", e.pos);
        }
        const auto it = scalarNames().find(e.name);
        if (it == scalarNames().end() || e.name == "cast") {
            std::vector<std::string> names;
            for (const auto& [n, _] : scalarNames()) names.push_back(n);
            for (const auto& [n, _] : aggregateNames()) names.push_back(n);
            for (const auto& [n, _] : windowOnlyNames()) names.push_back(n);
            raise(SqlErrc::Unsupported, "unknown function " + e.name + "()" + didYouMean(e.name, names), e.pos);
        }
        if (e.distinct || !e.withinGroup.empty()) {
            raise(SqlErrc::Syntax, e.name + "() is not an aggregate: DISTINCT / WITHIN GROUP do not apply", e.pos);
        }
        BoundExpr b;
        b.op = BOp::Call;
        b.func = it->second;
        b.pos = e.pos;
        auto arity = [&](std::size_t lo, std::size_t hi) {
            if (e.args.size() < lo || e.args.size() > hi) {
                raise(SqlErrc::Syntax, e.name + "() takes " + std::to_string(lo) + (lo == hi ? "" : " to " + std::to_string(hi)) +
                                           " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(e.args.size()),
                      e.pos);
            }
        };
        auto need = [&](const BoundExpr& a, bool ok, const char* what) {
            if (!ok && !isNullLiteral(a)) {
                raise(SqlErrc::TypeMismatch, e.name + "() needs " + what + ", found " + std::string(typeText(a.type)), a.pos);
            }
        };
        // date parts: extract('field', x), date_part('field', x), hour(x), ...
        std::size_t first = 0;
        if (e.name == "extract" || e.name == "date_part") {
            arity(2, 2);
            if (e.args[0].kind != AstKind::Literal || e.args[0].literal != LiteralKind::String) {
                raise(SqlErrc::Syntax, e.name + "() needs a date part name first", e.args[0].pos);
            }
            static const std::map<std::string, Func> kParts = {
                {"year", Func::Year},   {"quarter", Func::Quarter}, {"month", Func::Month},     {"day", Func::Day},
                {"hour", Func::Hour},   {"minute", Func::Minute},   {"second", Func::Second},  {"dow", Func::DayOfWeek},
                {"isodow", Func::DayOfWeek}, {"dayofweek", Func::DayOfWeek}, {"doy", Func::DayOfYear},
                {"dayofyear", Func::DayOfYear}};
            const std::string field = lowerCopy(e.args[0].text);
            const auto part = kParts.find(field);
            if (part == kParts.end()) {
                std::vector<std::string> names;
                for (const auto& [n, _] : kParts) names.push_back(n);
                raise(SqlErrc::Unsupported, "unknown date part '" + field + "'" + didYouMean(field, names), e.args[0].pos);
            }
            b.func = part->second;
            b.str = field == "dayofweek" ? "" : field;
            first = 1;
        }
        std::vector<BoundExpr> args;
        for (std::size_t i = first; i < e.args.size(); ++i) args.push_back(bind(e.args[i], scope));
        switch (b.func) {
            case Func::Coalesce:
            case Func::Greatest:
            case Func::Least: {
                if (args.empty()) arity(1, 64);
                std::vector<BoundExpr*> values;
                for (BoundExpr& a : args) values.push_back(&a);
                b.type = commonType(values, e.pos, e.name + "()");
                for (BoundExpr& a : args) a = castTo(std::move(a), b.type);
                break;
            }
            case Func::NullIf: {
                arity(2, 2);
                b.type = args[0].type;
                auto [x, y] = unify(std::move(args[0]), std::move(args[1]), e.pos);
                args = {std::move(x), std::move(y)};
                break;
            }
            case Func::DateTrunc: {
                arity(2, 2);
                if (args[0].op != BOp::Literal || args[0].type != DataType::String) {
                    raise(SqlErrc::Syntax, "date_trunc() needs a unit string first ('hour', 'day', 'month', ...)", e.args[0].pos);
                }
                b.str = lowerCopy(args[0].str);
                static const std::set<std::string> kUnits = {"second", "minute", "hour", "day", "week", "month", "quarter", "year"};
                if (kUnits.count(b.str) == 0) {
                    raise(SqlErrc::Unsupported, "unknown date_trunc unit '" + args[0].str + "'" +
                                                    didYouMean(b.str, {kUnits.begin(), kUnits.end()}),
                          e.args[0].pos);
                }
                args.erase(args.begin());
                need(args[0], temporal(args[0].type), "a date or timestamp");
                b.type = args[0].type == DataType::Date ? DataType::Date : DataType::Timestamp;
                break;
            }
            case Func::ToDate:
                arity(1, 1);
                need(args[0], temporal(args[0].type) || args[0].type == DataType::String, "a date, timestamp or string");
                b.type = DataType::Date;
                break;
            case Func::Hour:
            case Func::Minute:
            case Func::Second:
            case Func::Year:
            case Func::Quarter:
            case Func::Month:
            case Func::Day:
            case Func::DayOfWeek:
            case Func::DayOfYear:
                if (first == 0) arity(1, 1);
                need(args[0], temporal(args[0].type), "a date or timestamp");
                b.type = DataType::Int64;
                break;
            case Func::Round:
                arity(1, 2);
                need(args[0], numeric(args[0].type), "a number");
                if (args.size() == 2 && (args[1].op != BOp::Literal || args[1].type != DataType::Int64)) {
                    raise(SqlErrc::TypeMismatch, "round() needs an integer constant for its digits", args[1].pos);
                }
                b.type = args[0].type;
                break;
            case Func::Abs:
            case Func::Floor:
            case Func::Ceil:
                arity(1, 1);
                need(args[0], numeric(args[0].type), "a number");
                b.type = args[0].type;
                break;
            case Func::Sqrt:
            case Func::Ln:
            case Func::Exp:
                arity(1, 1);
                need(args[0], numeric(args[0].type), "a number");
                b.type = DataType::Double;
                break;
            case Func::Power:
                arity(2, 2);
                need(args[0], numeric(args[0].type), "numbers");
                need(args[1], numeric(args[1].type), "numbers");
                b.type = DataType::Double;
                break;
            case Func::Lower:
            case Func::Upper:
            case Func::Trim:
            case Func::Length:
                arity(1, 1);
                need(args[0], args[0].type == DataType::String, "a string");
                b.type = b.func == Func::Length ? DataType::Int64 : DataType::String;
                break;
            case Func::Substr:
                arity(2, 3);
                need(args[0], args[0].type == DataType::String, "a string");
                for (std::size_t i = 1; i < args.size(); ++i) need(args[i], args[i].type == DataType::Int64, "integer positions");
                b.type = DataType::String;
                break;
            case Func::Concat:
                if (args.empty()) arity(1, 64);
                b.type = DataType::String;
                break;
        }
        b.args = std::move(args);
        return b;
    }

    Catalog& m_catalog;
    const QueryOptions& m_options;
    int m_paramDepth = 0;
};

}  // namespace

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t bestDistance = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const std::string& c : candidates) {
        const std::size_t d = editDistance(name, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best.empty() ? "" : ", did you mean '" + best + "'?";
}

std::unique_ptr<PlanNode> bindStatement(const Statement& statement, Catalog& catalog, const QueryOptions& options) {
    Binder binder(catalog, options);
    return binder.query(statement.query, nullptr);
}

}  // namespace cityops::engine::sql::detail
