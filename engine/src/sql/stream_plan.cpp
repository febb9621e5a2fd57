#include "sql/stream_plan.h"

#include <algorithm>
#include <set>

#include "sql/binder.h"

namespace cityops::engine::sql::stream_detail {

using detail::raise;

namespace {

std::string lowerText(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool isInterval(const AstExpr& e) { return e.kind == AstKind::Literal && e.name == "interval"; }

TimeMs intervalOf(const AstExpr& e, const std::string& what) {
    if (!isInterval(e)) raise(SqlErrc::TypeMismatch, what + " must be an INTERVAL, e.g. INTERVAL '5' MINUTE", e.pos);
    if (e.i <= 0) raise(SqlErrc::TypeMismatch, what + " must be longer than zero", e.pos);
    return e.i;
}

//! The Reading field a source column maps to, from its name and declared type.
std::optional<Node> sourceField(const ColumnDef& c) {
    const std::string type = lowerText(c.type);
    const auto is = [&](std::initializer_list<const char*> names) {
        return std::any_of(names.begin(), names.end(), [&](const char* n) { return c.name == n; });
    };
    if (type.rfind("timestamp", 0) == 0) return fieldNode(Field::EventTime, DataType::Timestamp, c.pos);
    if (is({"ts", "timestamp", "ts_ms", "event_time_ms", "event_time"})) return fieldNode(Field::EventTime, DataType::Int64, c.pos);
    if (is({"sensor_id"})) return fieldNode(Field::SensorId, DataType::Int64, c.pos);
    if (is({"location_id", "district"})) return fieldNode(Field::LocationId, DataType::Int64, c.pos);
    if (is({"type", "kind"})) return fieldNode(Field::Kind, DataType::String, c.pos);
    if (is({"metric"})) return fieldNode(Field::Metric, DataType::String, c.pos);
    if (is({"value"})) return fieldNode(Field::Value, DataType::Double, c.pos);
    if (is({"seq"})) return fieldNode(Field::Seq, DataType::Int64, c.pos);
    return std::nullopt;
}

//! Columns of a table; qualifiers accepted: the table's name, its alias and pattern variables.
Scope tableScope(const TableDef& t, std::vector<std::string> qualifiers) {
    Scope s;
    qualifiers.push_back(t.name);
    for (const auto& c : t.columns) s.names.push_back(c.name);
    s.column = [&t, qualifiers](const AstExpr& e) -> std::optional<Node> {
        if (!e.qualifier.empty() && std::find(qualifiers.begin(), qualifiers.end(), e.qualifier) == qualifiers.end()) {
            raise(SqlErrc::UnknownTable, "unknown table or pattern variable '" + e.qualifier + "'", e.pos);
        }
        for (const auto& c : t.columns) {
            if (c.name == e.name) {
                Node n = c.node;
                n.pos = e.pos;
                return n;
            }
        }
        return std::nullopt;
    };
    return s;
}

Node compileBool(const AstExpr& e, const Scope& scope, const std::string& what) {
    Node n = compile(e, scope);
    if (n.type != DataType::Bool) raise(SqlErrc::TypeMismatch, what + " needs a boolean condition, found " + typeText(n.type), e.pos);
    return n;
}

void addKeyField(KeySpec& key, const Node& n, const AstExpr& e, const std::string& clause) {
    if (n.op == Node::Op::Field) {
        switch (n.field) {
            case Field::SensorId: key.sensor = true; return;
            case Field::LocationId: key.location = true; return;
            case Field::Metric: key.metric = true; return;
            case Field::Kind: key.kind = true; return;
            default: break;
        }
    }
    raise(SqlErrc::Unsupported, clause + " on a stream supports the columns sensor_id, location_id, metric and type, not '" + render(e) + "'", e.pos);
}

bool grouped(const KeySpec& key, const Node& n) {
    if (n.op != Node::Op::Field) return false;
    return (n.field == Field::SensorId && key.sensor) || (n.field == Field::LocationId && key.location) ||
           (n.field == Field::Metric && key.metric) || (n.field == Field::Kind && key.kind);
}

std::string outputName(const SelectItem& item) {
    if (!item.alias.empty()) return item.alias;
    if (item.expr.kind == AstKind::Column) return item.expr.name;
    return render(item.expr);
}

void checkStreamingQuery(const Query& q) {
    if (!q.ctes.empty()) raise(SqlErrc::Unsupported, "WITH is not supported in streaming queries", q.ctes.front().pos);
    if (!q.orderBy.empty()) {
        raise(SqlErrc::Unsupported, "ORDER BY on an unbounded stream is not supported (a sorted result needs the whole stream)",
              q.orderBy.front().expr.pos);
    }
    if (q.limit) raise(SqlErrc::Unsupported, "LIMIT on an unbounded stream is not supported", q.limit->pos);
    if (q.offset) raise(SqlErrc::Unsupported, "OFFSET on an unbounded stream is not supported", q.offset->pos);
    if (q.select.distinct) raise(SqlErrc::Unsupported, "SELECT DISTINCT on an unbounded stream is not supported", q.select.pos);
    if (!q.select.from) raise(SqlErrc::Unsupported, "a streaming query needs FROM a stream table", q.select.pos);
    if (q.select.from->kind == TableRef::Kind::Join) {
        raise(SqlErrc::Unsupported, "joins of streams are not supported", q.select.from->pos);
    }
}

const TableDef& readableTable(const ScriptCatalog& catalog, const TableRef& ref) {
    const TableDef& t = catalog.require(ref.name, ref.pos);
    if (!t.readable()) {
        raise(SqlErrc::Unsupported, "table '" + t.name + "' is a sink and cannot be read (only 'embedded' and 'kafka' tables are sources)", ref.pos);
    }
    return t;
}

//! Select items over a scope (stars expand to `starColumns`).
void compileOutputs(const SelectCore& s, const Scope& scope, const std::vector<std::string>& starColumns, JobPlan& plan) {
    for (const SelectItem& item : s.items) {
        if (item.expr.kind == AstKind::Star) {
            for (const std::string& name : starColumns) {
                AstExpr col;
                col.kind = AstKind::Column;
                col.name = name;
                col.pos = item.expr.pos;
                plan.outputs.push_back(compile(col, scope));
                plan.names.push_back(name);
            }
            continue;
        }
        plan.outputs.push_back(compile(item.expr, scope));
        plan.names.push_back(outputName(item));
    }
}

std::vector<std::string> columnNames(const TableDef& t) {
    std::vector<std::string> names;
    for (const auto& c : t.columns) names.push_back(c.name);
    return names;
}

std::string sourceText(const TableDef& t) {
    std::string s = "source " + t.name + " (" + (t.connector == Connector::Kafka ? "kafka" : "embedded") + " topic " + t.topic;
    if (t.hasWatermark) s += ", watermark " + t.eventTimeColumn + " - " + stream::formatDuration(t.delayMs);
    return s + ")\n";
}

std::string keyText(const KeySpec& k) {
    std::string s;
    const auto add = [&](bool on, const char* name) {
        if (on) s += (s.empty() ? "" : ", ") + std::string(name);
    };
    add(k.sensor, "sensor_id");
    add(k.location, "location_id");
    add(k.metric, "metric");
    add(k.kind, "type");
    return s.empty() ? "(all)" : s;
}

// ---- windowed GROUP BY ------------------------------------------------------------------------

void planWindow(const Query& q, const TableDef& table, const Scope& scope, JobPlan& plan) {
    const SelectCore& s = q.select;
    const AstExpr* window = nullptr;
    for (const AstExpr& g : s.groupBy) {
        if (g.kind == AstKind::Function && (g.name == "tumble" || g.name == "hop" || g.name == "session")) {
            if (window != nullptr) raise(SqlErrc::Unsupported, "GROUP BY has more than one window", g.pos);
            window = &g;
        } else {
            addKeyField(plan.key, compile(g, scope), g, "GROUP BY");
        }
    }
    if (window == nullptr) {
        raise(SqlErrc::Unsupported,
              "GROUP BY on an unbounded stream needs a TUMBLE, HOP or SESSION window (a non-windowed GROUP BY would "
              "need an emit policy for its ever-changing results, which is not supported)",
              s.groupBy.empty() ? s.pos : s.groupBy.front().pos);
    }
    const std::string family = window->name;
    const std::size_t wantArgs = family == "hop" ? 3 : 2;
    if (window->args.size() != wantArgs) {
        raise(SqlErrc::TypeMismatch, family + (family == "hop" ? "(time, slide, size)" : family == "tumble" ? "(time, size)" : "(time, gap)") +
                                         " takes " + std::to_string(wantArgs) + " arguments", window->pos);
    }
    if (!table.hasWatermark) {
        raise(SqlErrc::Unsupported, "table '" + table.name + "' has no WATERMARK: event-time windows need one", window->pos);
    }
    const AstExpr& timeArg = window->args[0];
    if (timeArg.kind != AstKind::Column || timeArg.name != table.eventTimeColumn) {
        raise(SqlErrc::TypeMismatch, family + " needs the table's event-time column '" + table.eventTimeColumn + "' (its WATERMARK column)", timeArg.pos);
    }
    if (family == "tumble") {
        plan.assigner = stream::WindowAssigner::tumbling(intervalOf(window->args[1], "the window size"));
    } else if (family == "hop") {
        const TimeMs slide = intervalOf(window->args[1], "the slide");
        const TimeMs size = intervalOf(window->args[2], "the window size");
        if (size / slide > 1000) raise(SqlErrc::Limit, "a HOP window may overlap at most 1000 others (size / slide)", window->pos);
        plan.assigner = stream::WindowAssigner::sliding(size, slide);
    } else {
        plan.assigner = stream::WindowAssigner::session(intervalOf(window->args[1], "the session gap"));
    }

    // Output scope: grouped columns, aggregates, window bounds.
    std::map<std::string, int> aggIndex;
    Scope out;
    out.names = scope.names;
    out.column = [&](const AstExpr& e) -> std::optional<Node> {
        auto n = scope.column(e);
        if (n && !grouped(plan.key, *n)) {
            raise(SqlErrc::UnknownColumn, "column '" + e.name + "' must appear in the GROUP BY clause or be used in an aggregate function", e.pos);
        }
        return n;
    };
    out.call = [&](const AstExpr& e) -> std::optional<Node> {
        const std::string& f = e.name;
        Node n;
        n.pos = e.pos;
        for (const char* suffix : {"_start", "_end", "_rowtime"}) {
            const std::string fn = f;
            const auto at = fn.rfind('_');
            if (at == std::string::npos || fn.substr(at) != suffix) continue;
            const std::string fam = fn.substr(0, at);
            if (fam != "tumble" && fam != "hop" && fam != "session") continue;
            if (fam != family) raise(SqlErrc::TypeMismatch, f + " does not match the GROUP BY window " + family + "(...)", e.pos);
            n.op = std::string(suffix) == "_start" ? Node::Op::WindowStart : Node::Op::WindowEnd;
            n.type = DataType::Timestamp;
            return n;
        }
        static const std::map<std::string, AggFn> kFns = {
            {"count", AggFn::Count}, {"sum", AggFn::Sum}, {"avg", AggFn::Avg}, {"min", AggFn::Min}, {"max", AggFn::Max}};
        const auto it = kFns.find(f);
        if (it == kFns.end()) return std::nullopt;
        if (e.distinct) raise(SqlErrc::Unsupported, "DISTINCT aggregates are not supported on streams", e.pos);
        if (e.args.size() != 1) raise(SqlErrc::TypeMismatch, f + " takes one argument", e.pos);
        const std::string key = render(e);
        n.op = Node::Op::Agg;
        AggSpec spec;
        spec.fn = it->second;
        if (f == "count" && e.args[0].kind == AstKind::Star) {
            spec.fn = AggFn::CountStar;
        } else {
            Node arg = compile(e.args[0], scope);
            if (f != "count" && arg.type != DataType::Int64 && arg.type != DataType::Double) {
                raise(SqlErrc::TypeMismatch, f + " needs a number, found " + typeText(arg.type), e.args[0].pos);
            }
            spec.arg = std::move(arg);
        }
        n.agg = spec.fn;
        n.type = spec.fn == AggFn::CountStar || spec.fn == AggFn::Count ? DataType::Int64 : DataType::Double;
        if (const auto found = aggIndex.find(key); found != aggIndex.end()) {
            n.index = found->second;
            return n;
        }
        if (static_cast<int>(plan.aggregates.size()) >= kMaxAggregates) {
            raise(SqlErrc::Limit, "a streaming query has at most " + std::to_string(kMaxAggregates) + " aggregates", e.pos);
        }
        n.index = static_cast<int>(plan.aggregates.size());
        aggIndex[key] = n.index;
        plan.aggregates.push_back(std::move(spec));
        return n;
    };
    std::vector<std::string> groupedNames;
    for (const auto& c : table.columns) {
        if (grouped(plan.key, c.node)) groupedNames.push_back(c.name);
    }
    compileOutputs(s, out, groupedNames, plan);
    if (s.having) plan.having = compileBool(*s.having, out, "HAVING");
    plan.kind = JobPlan::Kind::Window;
    plan.text += "keyBy " + keyText(plan.key) + "\nwindow " + plan.assigner->describe() + " (allowed lateness 0: later events are counted as late)\n";
    plan.text += "aggregate";
    for (const auto& [text, index] : aggIndex) plan.text += (index == 0 ? " " : ", ") + text;
    plan.text += "\n";
    if (s.having) plan.text += "having " + render(*s.having) + "\n";
}

// ---- MATCH_RECOGNIZE --------------------------------------------------------------------------

const TableDef& matchInput(const TableRef& from, const ScriptCatalog& catalog, JobPlan& plan) {
    if (from.kind == TableRef::Kind::Named) {
        const TableDef& t = readableTable(catalog, from);
        plan.text += sourceText(t);
        return t;
    }
    const Query& sub = *from.subquery;
    checkStreamingQuery(sub);
    const SelectCore& s = sub.select;
    if (s.from->kind != TableRef::Kind::Named || s.from->match || !s.groupBy.empty() || s.having ||
        s.items.size() != 1 || s.items[0].expr.kind != AstKind::Star) {
        raise(SqlErrc::Unsupported, "the subquery under MATCH_RECOGNIZE may only filter rows: SELECT * FROM table WHERE ...", sub.pos);
    }
    const TableDef& t = readableTable(catalog, *s.from);
    plan.text += sourceText(t);
    if (s.where) {
        std::vector<std::string> quals;
        if (!s.from->alias.empty()) quals.push_back(s.from->alias);
        plan.where = compileBool(*s.where, tableScope(t, quals), "WHERE");
        plan.text += "filter " + render(*s.where) + "\n";
    }
    return t;
}

void planMatch(const Query& q, const ScriptCatalog& catalog, JobPlan& plan) {
    const TableRef& from = *q.select.from;
    const MatchRecognize& m = *from.match;
    const TableDef& table = matchInput(from, catalog, plan);
    plan.source = &table;
    plan.sourcePos = from.pos;
    if (!table.hasWatermark) raise(SqlErrc::Unsupported, "table '" + table.name + "' has no WATERMARK: MATCH_RECOGNIZE needs event time", m.pos);

    std::vector<std::string> variables;
    for (const PatternTerm& term : m.pattern) {
        if (std::find(variables.begin(), variables.end(), term.variable) != variables.end()) {
            raise(SqlErrc::Unsupported, "pattern variable '" + term.variable + "' appears twice", term.pos);
        }
        variables.push_back(term.variable);
    }
    std::vector<std::string> quals = variables;
    if (!from.alias.empty() && from.alias != "subquery") quals.push_back(from.alias);
    const Scope scope = tableScope(table, quals);

    std::vector<std::string> names;
    for (const AstExpr& p : m.partitionBy) {
        Node n = compile(p, scope);
        addKeyField(plan.key, n, p, "PARTITION BY");
        Node last;
        last.op = Node::Op::MatchLast;
        last.type = n.type;
        last.pos = p.pos;
        last.kids.push_back(std::move(n));
        plan.matchColumns.push_back(std::move(last));
        names.push_back(p.kind == AstKind::Column ? p.name : render(p));
    }
    if (m.orderBy.size() != 1 || m.orderBy[0].expr.kind != AstKind::Column || m.orderBy[0].expr.name != table.eventTimeColumn ||
        !m.orderBy[0].ascending) {
        raise(SqlErrc::Unsupported, "MATCH_RECOGNIZE must be ORDER BY the table's event-time column " + table.eventTimeColumn + " (ascending)",
              m.orderBy.empty() ? m.pos : m.orderBy[0].expr.pos);
    }

    // DEFINE conditions and the pattern (SQL row patterns are strictly contiguous: next / consecutive).
    std::map<std::string, std::shared_ptr<const Node>> defines;
    for (const auto& [var, cond] : m.defines) {
        if (std::find(variables.begin(), variables.end(), var) == variables.end()) {
            raise(SqlErrc::UnknownColumn, "DEFINE names '" + var + "', which is not a PATTERN variable", cond.pos);
        }
        defines[var] = std::make_shared<const Node>(compileBool(cond, scope, "DEFINE"));
    }
    const auto skip = m.skip == MatchRecognize::Skip::PastLastRow ? stream::AfterMatchSkipStrategy::skipPastLastEvent()
                                                                   : stream::AfterMatchSkipStrategy::skipToNext();
    std::optional<stream::Pattern<Reading>> pattern;
    for (const PatternTerm& term : m.pattern) {
        pattern = pattern ? pattern->next(term.variable) : stream::Pattern<Reading>::begin(term.variable, skip);
        if (const auto d = defines.find(term.variable); d != defines.end()) {
            pattern = pattern->where([cond = d->second](const Reading& r) {
                EvalContext ctx;
                ctx.reading = &r;
                return truthy(eval(*cond, ctx));
            });
        }
        const bool looping = term.maxTimes == -1 || term.maxTimes > 1;
        if (term.maxTimes == -1) {
            pattern = term.minTimes <= 1 ? pattern->oneOrMore() : pattern->timesOrMore(term.minTimes);
        } else if (term.maxTimes > 1) {
            pattern = pattern->times(std::max(term.minTimes, 1), term.maxTimes);
        }
        if (looping) pattern = pattern->consecutive();
        if (term.minTimes == 0) pattern = pattern->optional();
    }
    if (m.within) pattern = pattern->within(intervalOf(*m.within, "WITHIN"));
    plan.pattern = std::move(pattern);

    // MEASURES: FIRST/LAST/aggregates over a variable's rows; a bare column is LAST of its variable.
    const auto variableAt = [&](const AstExpr& e) -> std::string {
        const bool ref = e.kind == AstKind::Star || e.kind == AstKind::Column;
        return ref && std::find(variables.begin(), variables.end(), e.qualifier) != variables.end() ? e.qualifier : "";
    };
    const auto variableOf = [&](const AstExpr& e) -> std::string {
        if (auto v = variableAt(e); !v.empty()) return v;
        for (const AstExpr& a : e.args) {
            if (auto v = variableAt(a); !v.empty()) return v;
        }
        return "";
    };
    Scope measures;
    measures.names = scope.names;
    measures.column = [&](const AstExpr& e) -> std::optional<Node> {
        auto inner = scope.column(e);
        if (!inner) return std::nullopt;
        Node n;
        n.op = Node::Op::MatchLast;
        n.type = inner->type;
        n.pos = e.pos;
        n.variable = variableOf(e);
        n.kids.push_back(std::move(*inner));
        return n;
    };
    measures.call = [&](const AstExpr& e) -> std::optional<Node> {
        static const std::map<std::string, AggFn> kFns = {
            {"count", AggFn::Count}, {"sum", AggFn::Sum}, {"avg", AggFn::Avg}, {"min", AggFn::Min}, {"max", AggFn::Max}};
        Node n;
        n.pos = e.pos;
        if (e.name == "match_rowtime") {
            n.op = Node::Op::MatchTime;
            n.type = DataType::Timestamp;
            return n;
        }
        const bool firstLast = e.name == "first" || e.name == "last";
        const auto agg = kFns.find(e.name);
        if (!firstLast && agg == kFns.end()) return std::nullopt;
        if (e.args.size() != 1) raise(SqlErrc::TypeMismatch, e.name + " takes one argument in MEASURES", e.pos);
        n.variable = variableOf(e.args[0]);
        if (agg != kFns.end() && e.args[0].kind == AstKind::Star) {
            n.op = Node::Op::MatchAgg;
            n.agg = AggFn::CountStar;
            n.type = DataType::Int64;
            if (e.name != "count") raise(SqlErrc::TypeMismatch, "only COUNT takes *", e.pos);
            return n;
        }
        Node arg = compile(e.args[0], scope);
        n.type = arg.type;
        n.kids.push_back(std::move(arg));
        if (firstLast) {
            n.op = e.name == "first" ? Node::Op::MatchFirst : Node::Op::MatchLast;
            return n;
        }
        n.op = Node::Op::MatchAgg;
        n.agg = agg->second;
        n.type = n.agg == AggFn::Count ? DataType::Int64 : DataType::Double;
        return n;
    };
    for (const SelectItem& item : m.measures) {
        plan.matchColumns.push_back(compile(item.expr, measures));
        names.push_back(item.alias);
    }
    plan.kind = JobPlan::Kind::Match;
    plan.text += "keyBy " + keyText(plan.key) + "\ncep pattern (";
    for (const PatternTerm& term : m.pattern) {
        plan.text += (&term == &m.pattern.front() ? "" : " ") + term.variable;
        if (term.maxTimes != 1 || term.minTimes != 1) {
            plan.text += "{" + std::to_string(term.minTimes) + "," + (term.maxTimes < 0 ? std::string() : std::to_string(term.maxTimes)) + "}";
        }
    }
    plan.text += ")";
    if (m.within) plan.text += " within " + stream::formatDuration(m.within->i);
    plan.text += m.skip == MatchRecognize::Skip::PastLastRow ? ", skip past last row\n" : ", skip to next row\n";

    // The outer SELECT reads the match rows.
    Scope rows;
    rows.names = names;
    rows.column = [&](const AstExpr& e) -> std::optional<Node> {
        if (!e.qualifier.empty() && e.qualifier != m.alias) raise(SqlErrc::UnknownTable, "unknown table '" + e.qualifier + "'", e.pos);
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == e.name) {
                Node n;
                n.op = Node::Op::RowRef;
                n.index = static_cast<int>(i);
                n.type = plan.matchColumns[i].type;
                n.pos = e.pos;
                return n;
            }
        }
        return std::nullopt;
    };
    const SelectCore& s = q.select;
    if (!s.groupBy.empty()) raise(SqlErrc::Unsupported, "GROUP BY over MATCH_RECOGNIZE rows is not supported", s.groupBy.front().pos);
    if (s.having) raise(SqlErrc::Unsupported, "HAVING needs GROUP BY", s.having->pos);
    if (s.where) plan.outerWhere = compileBool(*s.where, rows, "WHERE");
    compileOutputs(s, rows, names, plan);
}

}  // namespace

AlertColumn alertColumn(const std::string& name) {
    static const std::map<std::string, AlertColumn> kNames = {
        {"sensor_id", AlertColumn::SensorId},      {"location_id", AlertColumn::LocationId},
        {"district", AlertColumn::LocationId},     {"first_event_time", AlertColumn::First},
        {"first_time", AlertColumn::First},        {"window_start", AlertColumn::First},
        {"start_time", AlertColumn::First},        {"event_time", AlertColumn::Last},
        {"last_event_time", AlertColumn::Last},    {"last_time", AlertColumn::Last},
        {"window_end", AlertColumn::Last},         {"end_time", AlertColumn::Last},
        {"matched_count", AlertColumn::Count},     {"readings", AlertColumn::Count},
        {"value", AlertColumn::Value},             {"max_value", AlertColumn::Value},
        {"severity", AlertColumn::Severity}};
    const auto it = kNames.find(name);
    return it == kNames.end() ? AlertColumn::Unknown : it->second;
}

namespace {

void checkAlertColumns(const TableDef& t) {
    for (const auto& c : t.columns) {
        if (alertColumn(c.name) == AlertColumn::Unknown) {
            raise(SqlErrc::UnknownColumn,
                  "an 'alerts' table has no column '" + c.name + "' (use sensor_id, location_id, first_event_time, event_time, "
                  "matched_count, value, severity)",
                  c.pos);
        }
    }
}

}  // namespace

// ---- catalog ----------------------------------------------------------------------------------

TableDef& ScriptCatalog::add(const CreateTableStatement& c) {
    if (find(c.name) != nullptr) raise(SqlErrc::Ambiguous, "table '" + c.name + "' already exists", c.namePos);
    auto t = std::make_unique<TableDef>();
    t->name = c.name;
    t->pos = c.pos;
    std::string connector;
    SourcePos connectorPos = c.pos;
    for (const TableOption& o : c.options) {
        const std::string key = lowerText(o.key);
        t->options.emplace_back(key, o.value);
        if (key == "connector") {
            connector = lowerText(o.value);
            connectorPos = o.pos;
        } else if (key == "topic") {
            t->topic = o.value;
        } else if (key == "format" || key == "value.format") {
            t->format = lowerText(o.value);
            if (t->format != "json" && t->format != "avro") {
                raise(SqlErrc::Unsupported, "format '" + o.value + "' is not supported (use 'json' or 'avro')", o.pos);
            }
        } else if (key == "properties.bootstrap.servers") {
            t->servers = o.value;
        } else if (key == "rule") {
            t->rule = lowerText(o.value);
            bool known = false;
            for (int r = 0; r <= static_cast<int>(AlertRule::SensorSilent); ++r) {
                known = known || toString(static_cast<AlertRule>(r)) == t->rule;
            }
            if (!known) raise(SqlErrc::Unsupported, "unknown alert rule '" + o.value + "' (e.g. 'co2_high')", o.pos);
        } else if (key.rfind("properties.", 0) != 0 && key.rfind("scan.", 0) != 0 && key.rfind("value.", 0) != 0 &&
                   key.rfind("key.", 0) != 0 && key.rfind("sink.", 0) != 0) {
            raise(SqlErrc::Unsupported, "unknown table option '" + o.key + "'", o.pos);
        }
    }
    if (connector.empty()) {
        raise(SqlErrc::Syntax, "table '" + c.name + "' needs WITH ('connector' = 'embedded' | 'kafka' | 'alerts' | 'aggregates' | 'print')", c.namePos);
    }
    if (connector == "embedded") {
        t->connector = Connector::Embedded;
        if (t->topic.empty()) raise(SqlErrc::Syntax, "an 'embedded' table needs a 'topic' (e.g. 'air-quality')", connectorPos);
        if (t->format == "avro") {
            raise(SqlErrc::Unsupported, "the embedded log holds JSON (or binary) readings: format 'avro' needs the Kafka connector", connectorPos);
        }
    } else if (connector == "kafka") {
        t->connector = Connector::Kafka;
        if (t->topic.empty()) raise(SqlErrc::Syntax, "a 'kafka' table needs a 'topic'", connectorPos);
        if (t->servers.empty()) raise(SqlErrc::Syntax, "a 'kafka' table needs 'properties.bootstrap.servers'", connectorPos);
    } else if (connector == "alerts" || connector == "alert") {
        t->connector = Connector::Alerts;
    } else if (connector == "aggregates") {
        t->connector = Connector::Aggregates;
    } else if (connector == "print" || connector == "blackhole") {
        t->connector = Connector::Print;
    } else {
        raise(SqlErrc::Unsupported, "unknown connector '" + connector + "' (use 'embedded', 'kafka', 'alerts', 'aggregates' or 'print')", connectorPos);
    }
    TableDef& ref = *t;
    m_tables.push_back(std::move(t));
    return ref;
}

void ScriptCatalog::create(const CreateTableStatement& c) {
    TableDef& t = add(c);
    if (!t.readable()) {
        if (c.watermark) raise(SqlErrc::Unsupported, "a sink table has no WATERMARK", c.watermark->pos);
        for (const ColumnDef& col : c.columns) {
            if (col.computed) raise(SqlErrc::Unsupported, "a sink table has no computed columns", col.pos);
            t.columns.push_back({col.name, col.pos, Node{}});
        }
        if (t.connector == Connector::Alerts) checkAlertColumns(t);
        return;
    }
    if (c.columns.empty()) raise(SqlErrc::Syntax, "a source table needs its columns", c.namePos);
    for (const ColumnDef& col : c.columns) {
        for (const auto& other : t.columns) {
            if (other.name == col.name) raise(SqlErrc::Ambiguous, "column '" + col.name + "' is declared twice", col.pos);
        }
        if (col.computed) {
            t.columns.push_back({col.name, col.pos, compile(*col.computed, tableScope(t, {}))});
            continue;
        }
        auto field = sourceField(col);
        if (!field) {
            raise(SqlErrc::UnknownColumn,
                  "column '" + col.name + "' is not a field of a reading (sensor_id, location_id, type, metric, value, seq, "
                  "or the event time as a TIMESTAMP column or BIGINT ts / event_time_ms)",
                  col.pos);
        }
        t.columns.push_back({col.name, col.pos, *field});
    }
    if (c.watermark) {
        const WatermarkDef& w = *c.watermark;
        const TableDef::Col* col = nullptr;
        for (const auto& x : t.columns) {
            if (x.name == w.column) col = &x;
        }
        if (col == nullptr) raise(SqlErrc::UnknownColumn, "WATERMARK FOR unknown column '" + w.column + "'", w.pos);
        if (col->node.type != DataType::Timestamp) {
            raise(SqlErrc::TypeMismatch, "the WATERMARK column must be a TIMESTAMP, '" + w.column + "' is " + typeText(col->node.type), w.pos);
        }
        const AstExpr& e = w.expr;
        const bool plain = e.kind == AstKind::Column && e.name == w.column;
        const bool minus = e.kind == AstKind::Binary && e.name == "-" && e.args[0].kind == AstKind::Column &&
                           e.args[0].name == w.column && isInterval(e.args[1]);
        if (!plain && !minus) {
            raise(SqlErrc::Unsupported, "WATERMARK must be `" + w.column + " - INTERVAL 'n' SECOND` (bounded out-of-orderness)", e.pos);
        }
        t.hasWatermark = true;
        t.eventTimeColumn = w.column;
        t.eventTime = col->node;
        t.delayMs = minus ? e.args[1].i : 0;
    }
}

void ScriptCatalog::createSink(const CreateTableStatement& c, const std::vector<std::string>& columns) {
    if (!c.columns.empty()) raise(SqlErrc::Unsupported, "CREATE TABLE … AS SELECT takes its columns from the query", c.columns.front().pos);
    TableDef& t = add(c);
    if (t.connector == Connector::Kafka) raise(SqlErrc::Unsupported, "writing to Kafka tables is not supported", c.namePos);
    for (const std::string& name : columns) t.columns.push_back({name, c.pos, Node{}});
    if (t.connector == Connector::Alerts) checkAlertColumns(t);
}

const TableDef* ScriptCatalog::find(const std::string& name) const {
    for (const auto& t : m_tables) {
        if (t->name == name) return t.get();
    }
    return nullptr;
}

const TableDef& ScriptCatalog::require(const std::string& name, SourcePos pos) const {
    if (const TableDef* t = find(name)) return *t;
    raise(SqlErrc::UnknownTable, "unknown table '" + name + "'" + detail::didYouMean(name, names()), pos);
}

std::vector<std::string> ScriptCatalog::names() const {
    std::vector<std::string> out;
    for (const auto& t : m_tables) out.push_back(t->name);
    return out;
}

JobPlan planQuery(const Query& q, const ScriptCatalog& catalog) {
    checkStreamingQuery(q);
    JobPlan plan;
    const TableRef& from = *q.select.from;
    if (from.match) {
        planMatch(q, catalog, plan);
        plan.text += "project";
        for (const auto& n : plan.names) plan.text += " " + n;
        plan.text += "\n";
        return plan;
    }
    if (from.kind != TableRef::Kind::Named) {
        raise(SqlErrc::Unsupported, "subqueries in FROM are only supported as the input of MATCH_RECOGNIZE", from.pos);
    }
    const TableDef& table = readableTable(catalog, from);
    plan.source = &table;
    plan.sourcePos = from.pos;
    plan.text += sourceText(table);
    std::vector<std::string> quals;
    if (!from.alias.empty()) quals.push_back(from.alias);
    const Scope scope = tableScope(table, quals);
    const SelectCore& s = q.select;
    if (s.where) {
        plan.where = compileBool(*s.where, scope, "WHERE");
        plan.text += "filter " + render(*s.where) + "\n";
    }
    if (!s.groupBy.empty()) {
        planWindow(q, table, scope, plan);
    } else {
        if (s.having) raise(SqlErrc::Unsupported, "HAVING needs a windowed GROUP BY on a stream", s.having->pos);
        compileOutputs(s, scope, columnNames(table), plan);
        plan.kind = JobPlan::Kind::Project;
    }
    plan.text += "project";
    for (const auto& n : plan.names) plan.text += " " + n;
    plan.text += "\n";
    return plan;
}

}  // namespace cityops::engine::sql::stream_detail
