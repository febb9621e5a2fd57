// Runs streaming scripts: each INSERT / SELECT becomes a JobBuilder<Reading> job over an EventSource
// (the embedded log's topic, or a Kafka source a connector injects), with the planned operators and
// a coordinator-side sink that turns emitted records into rows for the target table.
#include <algorithm>
#include <cstring>
#include <tuple>

#include "cityops/engine/batch/operations.h"
#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/sql/stream.h"
#include "cityops/engine/stream/cep_rules.h"
#include "cityops/engine/stream/job.h"
#include "cityops/engine/stream/json_codec.h"
#include "sql/stream_plan.h"

namespace cityops::engine::sql {

using detail::raise;
using detail::SqlException;

namespace stream_detail {

namespace {

//! WHERE before windows and patterns: forwards the readings the condition accepts, key unchanged.
class FilterOp final : public stream::KeyedOperator<Reading, Reading> {
public:
    explicit FilterOp(std::shared_ptr<const Node> where) : m_where(std::move(where)) {}
    void processElement(stream::Key key, const Reading& r, TimeMs t, stream::Collector<Reading>& out) override {
        ++m_counters.recordsIn;
        EvalContext ctx;
        ctx.reading = &r;
        if (!m_where || truthy(eval(*m_where, ctx))) {
            ++m_counters.recordsOut;
            out.collect(key, r, t);
        }
    }
    bool forwardsPrefetch() const override { return true; }
    stream::OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "sql filter"; }

private:
    std::shared_ptr<const Node> m_where;
    stream::OperatorCounters m_counters;
};

//! The aggregates of a windowed GROUP BY as one incremental window function.
struct GroupAggFn {
    using Accumulator = GroupAcc;
    using Result = GroupAcc;
    std::shared_ptr<const std::vector<AggSpec>> aggs;

    GroupAcc createAccumulator() const {
        GroupAcc a;
        a.min.fill(std::numeric_limits<double>::infinity());
        a.max.fill(-std::numeric_limits<double>::infinity());
        return a;
    }
    void add(GroupAcc& acc, const Reading& r) const {
        if (acc.rows++ == 0) acc.first = r;
        EvalContext ctx;
        ctx.reading = &r;
        for (std::size_t i = 0; i < aggs->size(); ++i) {
            const AggSpec& spec = (*aggs)[i];
            if (!spec.arg) continue;
            const Value v = eval(*spec.arg, ctx);
            if (v.null) continue;
            const double d = v.asDouble();
            ++acc.count[i];
            acc.sum[i] += d;
            acc.min[i] = std::min(acc.min[i], d);
            acc.max[i] = std::max(acc.max[i], d);
        }
    }
    void merge(GroupAcc& acc, const GroupAcc& other) const {
        if (acc.rows == 0) acc.first = other.first;
        acc.rows += other.rows;
        for (std::size_t i = 0; i < aggs->size(); ++i) {
            acc.count[i] += other.count[i];
            acc.sum[i] += other.sum[i];
            acc.min[i] = std::min(acc.min[i], other.min[i]);
            acc.max[i] = std::max(acc.max[i], other.max[i]);
        }
    }
    GroupAcc getResult(const GroupAcc& acc) const { return acc; }
    std::string name() const { return "sql aggregates"; }
};

std::int64_t intOf(const Value& v) { return v.type == DataType::Double ? static_cast<std::int64_t>(v.d) : v.i; }

//! Where a job's rows go.
class RowTarget {
public:
    virtual ~RowTarget() = default;
    virtual void row(const Value* values) = 0;
    //! After each sink batch (topic writes are sent per batch).
    virtual void flush() {}
};

class TableTarget final : public RowTarget {
public:
    TableTarget(std::vector<std::string> names, const std::vector<Node>& outputs) : m_names(std::move(names)) {
        for (const Node& n : outputs) m_columns.emplace_back(n.type);
    }
    void row(const Value* values) override {
        for (std::size_t i = 0; i < m_columns.size(); ++i) m_columns[i].appendValue(values[i]);
    }
    QueryResult result(std::string plan) {
        QueryResult r;
        r.names = m_names;
        std::vector<batch::SortKey> keys;
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            r.table.setColumn("c" + std::to_string(i), std::move(m_columns[i]));
            keys.push_back({"c" + std::to_string(i), true});
        }
        // Parallel subtasks emit in whatever order the threads interleave: a bounded run's rows are
        // sorted by their columns left to right so the same script over the same log prints the same.
        r.table = batch::orderBy(r.table, keys);
        r.plan = std::move(plan);
        return r;
    }

private:
    std::vector<std::string> m_names;
    std::vector<batch::Column> m_columns;
};

class AlertTarget final : public RowTarget {
public:
    AlertTarget(const TableDef& table, std::vector<Alert>& out) : m_table(table), m_out(out) {
        for (int r = 0; r <= static_cast<int>(AlertRule::SensorSilent); ++r) {
            if (toString(static_cast<AlertRule>(r)) == table.rule) m_rule = static_cast<AlertRule>(r);
        }
    }
    void row(const Value* values) override {
        Alert a;
        a.rule = m_rule;
        bool haveEnd = false;
        for (std::size_t i = 0; i < m_table.columns.size(); ++i) {
            const Value& v = values[i];
            if (v.null) continue;
            switch (alertColumn(m_table.columns[i].name)) {
                case AlertColumn::SensorId: a.sensorId = static_cast<std::uint32_t>(intOf(v)); break;
                case AlertColumn::LocationId: a.locationId = static_cast<std::uint16_t>(intOf(v)); break;
                case AlertColumn::First: a.firstEventMs = intOf(v); break;
                case AlertColumn::Last:
                    a.eventTimeMs = intOf(v);
                    haveEnd = true;
                    break;
                case AlertColumn::Count: a.matchedCount = static_cast<std::uint8_t>(std::clamp<std::int64_t>(intOf(v), 0, 255)); break;
                case AlertColumn::Value: a.value = v.asDouble(); break;
                case AlertColumn::Severity:
                    a.severity = v.s == "critical" ? Severity::Critical : v.s == "info" ? Severity::Info : Severity::Warning;
                    break;
                case AlertColumn::Unknown: break;
            }
        }
        if (!haveEnd) a.eventTimeMs = a.firstEventMs;
        a.id = makeAlertId(a.rule, a.sensorId, a.firstEventMs);
        m_out.push_back(a);
    }

private:
    const TableDef& m_table;
    std::vector<Alert>& m_out;
    AlertRule m_rule = AlertRule::Co2High;
};

void appendJson(std::string& out, const std::string& name, const Value& v) {
    out += out.size() > 1 ? ",\"" : "\"";
    out += name;
    out += "\":";
    if (v.null) {
        out += "null";
    } else if (v.type == DataType::String) {
        out += '"';
        for (const char c : v.s) {
            if (c == '"' || c == '\\') out += '\\';
            if (static_cast<unsigned char>(c) < 0x20) continue;
            out += c;
        }
        out += '"';
    } else if (v.type == DataType::Timestamp) {
        out += std::to_string(v.i);
    } else {
        out += valueText(v);
    }
}

//! Rows as JSON objects ({"column": value, …}; timestamps in ms) appended to an embedded-log topic.
class TopicTarget final : public RowTarget {
public:
    TopicTarget(const TableDef& table, std::vector<std::string> names, log::EventLog& log, std::uint64_t& written)
        : m_table(table), m_names(std::move(names)), m_sink(log), m_written(written) {}
    void row(const Value* values) override {
        std::string json = "{";
        std::int64_t ts = 0;
        std::uint64_t key = 0;
        for (std::size_t i = 0; i < m_names.size(); ++i) {
            appendJson(json, m_names[i], values[i]);
            if (!values[i].null && values[i].type == DataType::Timestamp && ts == 0) ts = values[i].i;
            if (!values[i].null && m_names[i] == "sensor_id") key = static_cast<std::uint64_t>(intOf(values[i]));
        }
        json += "}";
        m_payloads.push_back(std::move(json));
        m_meta.emplace_back(ts, key);
    }
    void flush() override {
        if (m_payloads.empty()) return;
        std::vector<log::RecordInput> records;
        for (std::size_t i = 0; i < m_payloads.size(); ++i) {
            records.push_back({m_meta[i].first, m_meta[i].second, 0,
                               std::as_bytes(std::span(m_payloads[i].data(), m_payloads[i].size()))});
        }
        if (auto sent = m_sink.send(m_table.topic, records); !sent) {
            m_error = "cannot write to topic '" + m_table.topic + "': " + sent.error().message;
        } else {
            m_written += records.size();
        }
        m_payloads.clear();
        m_meta.clear();
    }
    const std::string& error() const { return m_error; }

private:
    const TableDef& m_table;
    std::vector<std::string> m_names;
    log::LogEventSink m_sink;
    std::uint64_t& m_written;
    std::vector<std::string> m_payloads;
    std::vector<std::pair<std::int64_t, std::uint64_t>> m_meta;
    std::string m_error;
};

//! Opens the embedded log on first use.
class LogHolder {
public:
    explicit LogHolder(const StreamEnvironment& env) : m_env(env) {}
    log::EventLog& get(SourcePos pos) {
        if (m_env.log != nullptr) return *m_env.log;
        if (!m_owned) {
            if (m_env.logDirectory.empty()) raise(SqlErrc::Data, "no embedded log to read (give a data directory)", pos);
            if (!std::filesystem::exists(m_env.logDirectory)) {
                raise(SqlErrc::Data, "no embedded log at " + m_env.logDirectory.string() + " (run cityops --headless --data-dir first)", pos);
            }
            log::LogConfig config;
            config.directory = m_env.logDirectory;
            auto opened = log::EventLog::open(config);
            if (!opened) raise(SqlErrc::Data, "cannot open the embedded log: " + opened.error().message, pos);
            m_owned = std::move(*opened);
        }
        return *m_owned;
    }

private:
    const StreamEnvironment& m_env;
    std::unique_ptr<log::EventLog> m_owned;
};

std::unique_ptr<log::EventSource> openSource(const JobPlan& plan, const StreamEnvironment& env, LogHolder& logs) {
    const TableDef& t = *plan.source;
    if (t.connector == Connector::Kafka) {
        if (!env.kafkaSource) {
            raise(SqlErrc::Unsupported,
                  "table '" + t.name + "' (connector 'kafka') needs a Kafka source; run with the Kafka connector "
                  "(this engine has no Kafka source factory), or use 'connector' = 'embedded'",
                  plan.sourcePos);
        }
        KafkaTableSpec spec{t.name, t.topic, t.servers, t.format, t.options};
        auto source = env.kafkaSource(spec);
        if (!source) raise(SqlErrc::Data, "cannot read Kafka table '" + t.name + "': " + source.error(), plan.sourcePos);
        return std::move(*source);
    }
    auto source = log::LogEventSource::create(logs.get(plan.sourcePos), {t.topic});
    if (!source) raise(SqlErrc::Data, "cannot read topic '" + t.topic + "' of the embedded log: " + source.error().message, plan.sourcePos);
    return std::move(*source);
}

//! Runs one planned job to the end of its source (or until stopped); rows go to `target`.
StreamJobReport runJob(const JobPlan& plan, RowTarget& target, const StreamEnvironment& env, LogHolder& logs,
                       const StreamRunOptions& options, std::string statement, int number) {
    auto source = openSource(plan, env, logs);
    stream::JobConfig config;
    config.jobId = "sql-" + std::to_string(number);
    config.workers = std::max(1, env.workers);
    config.maxOutOfOrdernessMs = plan.source->delayMs;
    config.checkpointIntervalMs = 0;
    config.restoreFromCheckpoint = false;
    stream::JobBuilder<Reading> job(config);

    std::shared_ptr<const Node> time = plan.source->eventTime ? std::make_shared<const Node>(*plan.source->eventTime) : nullptr;
    const bool plainTime = !time || (time->op == Node::Op::Field && time->field == Field::EventTime);
    const KeySpec key = plan.key;
    auto keyed = job.keyBy([key](const Reading& r) { return key.of(r); },
                           [time, plainTime](const Reading& r) {
                               if (plainTime) return r.eventTimeMs;
                               EvalContext ctx;
                               ctx.reading = &r;
                               const Value v = eval(*time, ctx);
                               return v.null ? r.eventTimeMs : v.i;
                           });
    std::shared_ptr<const Node> where = plan.where ? std::make_shared<const Node>(*plan.where) : nullptr;
    std::vector<Value> row(std::max(plan.outputs.size(), plan.matchColumns.size()) + 1);
    std::vector<Value> matchRow(plan.matchColumns.size() + 1);
    std::uint64_t rowsOut = 0;
    const auto emit = [&](const EvalContext& ctx) {
        for (std::size_t i = 0; i < plan.outputs.size(); ++i) row[i] = eval(plan.outputs[i], ctx);
        target.row(row.data());
        ++rowsOut;
    };

    if (plan.kind == JobPlan::Kind::Project) {
        keyed.process([where](int) { return std::make_unique<FilterOp>(where); })
            .sink(std::make_shared<stream::CallbackSink<Reading>>([&](std::span<const stream::Record<Reading>> records) {
                for (const auto& rec : records) {
                    EvalContext ctx;
                    ctx.reading = &rec.value;
                    emit(ctx);
                }
                target.flush();
            }));
    } else if (plan.kind == JobPlan::Kind::Window) {
        auto aggs = std::make_shared<const std::vector<AggSpec>>(plan.aggregates);
        const stream::WindowAssigner assigner = *plan.assigner;
        using WindowOp = stream::WindowOperator<Reading, GroupAggFn>;
        auto filtered = keyed.process([where](int) { return std::make_unique<FilterOp>(where); });
        filtered.process([assigner, aggs](int) { return std::make_unique<WindowOp>(assigner, GroupAggFn{aggs}); })
            .sink(std::make_shared<stream::CallbackSink<stream::WindowResult<GroupAcc>>>(
                [&](std::span<const stream::Record<stream::WindowResult<GroupAcc>>> records) {
                    for (const auto& rec : records) {
                        EvalContext ctx;
                        ctx.group = &rec.value.value;
                        ctx.reading = &rec.value.value.first;
                        ctx.windowStart = rec.value.windowStart;
                        ctx.windowEnd = rec.value.windowEnd;
                        if (plan.having && !truthy(eval(*plan.having, ctx))) continue;
                        emit(ctx);
                    }
                    target.flush();
                }));
    } else {
        stream::CepOptions<Reading> cep;
        cep.tieLess = stream::readingTieLess;
        if (where) cep.prefilter = [where](const Reading& r) {
            EvalContext ctx;
            ctx.reading = &r;
            return truthy(eval(*where, ctx));
        };
        cep.name = "sql match_recognize";
        const stream::Pattern<Reading> pattern = *plan.pattern;
        keyed.process([pattern, cep](int) { return stream::makeCepOperator(pattern, cep); })
            .sink(std::make_shared<stream::CallbackSink<stream::Match<Reading>>>(
                [&](std::span<const stream::Record<stream::Match<Reading>>> records) {
                    for (const auto& rec : records) {
                        EvalContext m;
                        m.match = &rec.value;
                        for (std::size_t i = 0; i < plan.matchColumns.size(); ++i) matchRow[i] = eval(plan.matchColumns[i], m);
                        EvalContext ctx;
                        ctx.row = matchRow.data();
                        if (plan.outerWhere && !truthy(eval(*plan.outerWhere, ctx))) continue;
                        emit(ctx);
                    }
                    target.flush();
                }));
    }

    stream::ReadingDecoder decoder;
    auto decode = [&decoder](const log::SourceRecord& rec, Reading& out) -> stream::DecodeResult {
        if (auto r = log::readingOf(rec.record)) {
            out = *r;
            return stream::DecodeResult::accept();
        }
        stream::DecodedReading decoded;
        const auto error = decoder.decode(rec.record.payload, INT64_MIN, decoded);
        if (error != stream::DecodeError::None) return stream::DecodeResult::reject(stream::toString(error));
        out = decoded.reading;
        return stream::DecodeResult::accept();
    };
    auto running = job.build();
    stream::RunOptions run;
    run.stopAtEnd = options.stopAtEnd;
    run.stop = options.stop;
    run.pollRecords = std::max<std::size_t>(1, options.pollRecords);
    auto read = running->run(*source, decode, run);
    if (!read) raise(SqlErrc::Data, "reading table '" + plan.source->name + "' failed: " + read.error().message, plan.sourcePos);
    if (!options.stopAtEnd) running->finish();
    const stream::JobMetrics metrics = running->metrics();
    running.reset();
    StreamJobReport report;
    report.statement = std::move(statement);
    report.plan = plan.text;
    report.recordsRead = *read;
    report.deadLetters = metrics.deadLetters;
    report.lateEvents = metrics.lateEvents;
    for (const auto& op : metrics.operators) report.lateDropped += op.counters.lateDropped;
    report.rowsOut = rowsOut;
    return report;
}

//! Runs (or, with run = false, only plans) a script.
SqlResult<StreamScriptResult> execute(std::string_view script, const StreamEnvironment& env, const StreamRunOptions& options,
                                      bool run) {
    auto parsed = parseScript(script);
    if (!parsed) return parsed.error();
    StreamScriptResult result;
    try {
        ScriptCatalog catalog;
        LogHolder logs(env);
        int selects = 0;
        int jobs = 0;
        const auto perform = [&](const JobPlan& plan, const TableDef* sink, const std::string& statement, SourcePos pos) {
            ++jobs;
            if (!run) {
                result.jobs.push_back(StreamJobReport{statement, plan.text, 0, 0, 0, 0, 0});
                return;
            }
            if (sink == nullptr || sink->connector == Connector::Aggregates || sink->connector == Connector::Print) {
                TableTarget target(plan.names, plan.outputs);
                result.jobs.push_back(runJob(plan, target, env, logs, options, statement, jobs));
                const std::string name = sink != nullptr ? sink->name : (++selects == 1 ? "select" : "select " + std::to_string(selects));
                result.tables.emplace_back(name, target.result(plan.text));
            } else if (sink->connector == Connector::Alerts) {
                AlertTarget target(*sink, result.alerts);
                result.jobs.push_back(runJob(plan, target, env, logs, options, statement, jobs));
                // In event-time order whatever the subtasks' interleaving (see TableTarget::result).
                std::stable_sort(result.alerts.begin(), result.alerts.end(), [](const Alert& a, const Alert& b) {
                    return std::tie(a.eventTimeMs, a.sensorId, a.id) < std::tie(b.eventTimeMs, b.sensorId, b.id);
                });
            } else {
                TopicTarget target(*sink, plan.names, logs.get(pos), result.topicRecords);
                result.jobs.push_back(runJob(plan, target, env, logs, options, statement, jobs));
                if (!target.error().empty()) raise(SqlErrc::Data, target.error(), pos);
            }
        };
        for (const ScriptStatement& st : *parsed) {
            switch (st.kind) {
                case ScriptStatement::Kind::Set: break;
                case ScriptStatement::Kind::CreateTable:
                    if (!st.create.asQuery) {
                        catalog.create(st.create);
                    } else {
                        const JobPlan plan = planQuery(*st.create.asQuery, catalog);
                        catalog.createSink(st.create, plan.names);
                        perform(plan, catalog.find(st.create.name), "CREATE TABLE " + st.create.name + " AS SELECT", st.pos);
                    }
                    break;
                case ScriptStatement::Kind::Insert: {
                    const TableDef& sink = catalog.require(st.insert.table, st.insert.tablePos);
                    if (sink.connector == Connector::Kafka) {
                        raise(SqlErrc::Unsupported, "writing to Kafka tables is not supported (insert into an 'embedded' topic)", st.insert.tablePos);
                    }
                    const JobPlan plan = planQuery(*st.insert.query, catalog);
                    if (!sink.columns.empty() && sink.columns.size() != plan.names.size()) {
                        raise(SqlErrc::TypeMismatch,
                              "INSERT INTO " + sink.name + ": the query gives " + std::to_string(plan.names.size()) +
                                  " columns, the table has " + std::to_string(sink.columns.size()),
                              st.insert.pos);
                    }
                    perform(plan, &sink, "INSERT INTO " + sink.name, st.pos);
                    break;
                }
                case ScriptStatement::Kind::Query: perform(planQuery(*st.query, catalog), nullptr, "SELECT", st.pos); break;
            }
        }
    } catch (const SqlException& e) {
        return e.error;
    } catch (const std::exception& e) {  // JobError, invalid pattern arguments
        return SqlError{SqlErrc::Data, e.what(), SourcePos{}};
    }
    return result;
}

}  // namespace
}  // namespace stream_detail

SqlResult<StreamScriptResult> runStreamScript(std::string_view script, const StreamEnvironment& environment,
                                              const StreamRunOptions& options) {
    return stream_detail::execute(script, environment, options, true);
}

QueryResult alertsAsTable(const std::vector<Alert>& alerts) {
    using batch::Column;
    using batch::DataType;
    Column sensor(DataType::Int64), location(DataType::Int64), first(DataType::Timestamp), last(DataType::Timestamp),
        count(DataType::Int64), value(DataType::Double), severity(DataType::String), rule(DataType::String);
    for (const Alert& a : alerts) {
        sensor.appendInt(a.sensorId);
        location.appendInt(a.locationId);
        first.appendInt(a.firstEventMs);
        last.appendInt(a.eventTimeMs);
        count.appendInt(a.matchedCount);
        value.appendDouble(a.value);
        severity.appendString(toString(a.severity));
        rule.appendString(toString(a.rule));
    }
    QueryResult out;
    out.names = {"sensor_id", "location_id", "first_event_time", "event_time", "matched_count", "value", "severity", "rule"};
    Column* columns[] = {&sensor, &location, &first, &last, &count, &value, &severity, &rule};
    for (std::size_t i = 0; i < 8; ++i) out.table.setColumn("c" + std::to_string(i), std::move(*columns[i]));
    return out;
}

std::string formatStreamResult(const StreamScriptResult& result, ResultFormat format) {
    std::string out;
    const bool table = format == ResultFormat::Table;
    if (!result.alerts.empty()) {
        if (table) out += "alerts (" + std::to_string(result.alerts.size()) + ")\n";
        out += formatResult(alertsAsTable(result.alerts), format);
    }
    for (const auto& [name, rows] : result.tables) {
        if (table) out += name + " (" + std::to_string(rows.table.rowCount()) + " rows)\n";
        out += formatResult(rows, format);
    }
    if (table) {
        for (const StreamJobReport& job : result.jobs) {
            out += job.statement + ": " + std::to_string(job.recordsRead) + " records read, " + std::to_string(job.rowsOut) +
                   " rows out, " + std::to_string(job.lateEvents) + " late (" + std::to_string(job.lateDropped) +
                   " dropped by windows/patterns), " + std::to_string(job.deadLetters) + " undecodable\n";
        }
        if (result.topicRecords > 0) out += std::to_string(result.topicRecords) + " rows written to topics\n";
    }
    return out;
}

SqlResult<std::string> explainStreamScript(std::string_view script, const StreamEnvironment& environment) {
    auto planned = stream_detail::execute(script, environment, {}, false);
    if (!planned) return planned.error();
    std::string text;
    for (const auto& job : planned->jobs) text += job.statement + "\n" + job.plan;
    return text;
}

}  // namespace cityops::engine::sql
