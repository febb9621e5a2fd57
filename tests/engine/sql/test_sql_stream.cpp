//! Streaming SQL (issue #11): scripts parsed and planned onto the stream engine, run over an embedded
//! log; the design's CO2 rule from docs/SQL.md against the programmatic CEP rule on the co2-episode
//! scenario; windows against hand computations; errors with positions.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/sql/stream.h"
#include "cityops/engine/stream/cep_rules.h"
#include "cityops/engine/stream/job.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"
#include "cityops/simulation/simulator.h"
#include "sql_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::sql;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kT0 = 1'772'438'400'000;  // 2026-03-02 08:00:00 UTC
constexpr const char* kAirTable = R"(
CREATE TABLE air (sensor_id BIGINT, location_id BIGINT, `type` STRING, metric STRING, `value` DOUBLE,
                  event_time TIMESTAMP(3), WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND)
WITH ('connector' = 'embedded', 'topic' = 'air-quality', 'format' = 'json');
)";

//! A fresh embedded log under a temporary directory holding `readings` on air-quality (binary records).
struct TestLog {
    QTemporaryDir dir;
    std::unique_ptr<log::EventLog> log;
    explicit TestLog(const std::vector<Reading>& readings, bool json = false) {
        log::LogConfig config;
        config.directory = fs::path(dir.path().toStdString()) / "log";
        fs::create_directories(config.directory);
        auto opened = log::EventLog::open(config);
        if (!opened) qFatal("cannot open the log");
        log = std::move(*opened);
        log::LogEventSink sink(*log);
        std::vector<log::RecordInput> records;
        std::vector<std::string> texts;
        texts.reserve(readings.size());
        for (const Reading& r : readings) {
            if (json) {
                char buf[stream::kMaxReadingJsonBytes];
                texts.emplace_back(buf, stream::encodeReadingJson(r, buf));
                records.push_back({r.eventTimeMs, r.sensorId, 0, std::as_bytes(std::span(texts.back().data(), texts.back().size()))});
            } else {
                records.push_back(log::readingRecord(r));
            }
        }
        for (std::size_t at = 0; at < records.size(); at += 4096) {
            const std::size_t n = std::min<std::size_t>(4096, records.size() - at);
            if (!sink.send("air-quality", std::span(records).subspan(at, n))) qFatal("cannot write the log");
        }
    }
    StreamEnvironment env() const {
        StreamEnvironment e;
        e.log = log.get();
        e.workers = 2;
        return e;
    }
};

Reading co2(std::uint32_t sensor, std::uint16_t location, std::int64_t t, double value, std::uint64_t seq = 0) {
    Reading r;
    r.sensorId = sensor;
    r.locationId = location;
    r.kind = SensorKind::AirQuality;
    r.metric = Metric::Co2;
    r.eventTimeMs = t;
    r.value = value;
    r.seq = seq;
    return r;
}

//! The co2-episode scenario's readings for its first 40 minutes (the episode runs 10 … 30 min).
std::vector<Reading> co2EpisodeReadings() {
    auto loaded = cityops::simulation::loadScenario("co2-episode");
    if (!std::holds_alternative<cityops::simulation::Scenario>(loaded)) qFatal("no co2-episode scenario");
    const auto& scenario = std::get<cityops::simulation::Scenario>(loaded);
    const auto city = cityops::simulation::generateDemoCity(scenario.seed, scenario.sensorCount);
    cityops::simulation::Simulator simulator(city, scenario);
    std::vector<Reading> out;
    simulator.advanceTo(scenario.startTimeMs + 40 * 60'000, out);
    return out;
}

using AlertKey = std::tuple<std::uint32_t, std::uint16_t, std::int64_t, std::int64_t, int, double, int, std::uint64_t>;
AlertKey keyOf(const Alert& a) {
    return {a.sensorId, a.locationId, a.firstEventMs, a.eventTimeMs, a.matchedCount, a.value, static_cast<int>(a.severity), a.id};
}

}  // namespace

class TestSqlStream : public QObject {
    Q_OBJECT

private slots:
    void parsesScripts() {
        auto parsed = parseScript(std::string(kAirTable) + R"(
            CREATE TABLE out WITH ('connector' = 'aggregates') AS
              SELECT sensor_id, COUNT(*) AS n FROM air GROUP BY TUMBLE(event_time, INTERVAL '1' MINUTE), sensor_id;
            INSERT INTO out SELECT * FROM air;
            SET 'table.local-time-zone' = 'UTC';)");
        QVERIFY2(parsed, parsed ? "" : parsed.error().toText().c_str());
        QCOMPARE(parsed->size(), std::size_t{4});
        const CreateTableStatement& c = (*parsed)[0].create;
        QCOMPARE(c.name, std::string("air"));
        QCOMPARE(c.columns.size(), std::size_t{6});
        QVERIFY(QString::fromStdString(c.columns[5].type).toUpper().startsWith("TIMESTAMP"));
        QVERIFY(c.watermark);
        QCOMPARE(c.watermark->expr.args[1].i, std::int64_t{10'000});
        QCOMPARE(c.options.size(), std::size_t{3});
        QVERIFY((*parsed)[1].create.asQuery);
        QCOMPARE((*parsed)[2].kind, ScriptStatement::Kind::Insert);
        QCOMPARE((*parsed)[3].kind, ScriptStatement::Kind::Set);
        QVERIFY(isStreamScript(kAirTable));
        QVERIFY(!isStreamScript("SELECT 1"));
        // The batch parser keeps refusing the streaming constructs, with their position.
        auto batch = parse("SELECT * FROM t MATCH_RECOGNIZE (PATTERN (A) DEFINE A AS TRUE)");
        QVERIFY(!batch);
        QCOMPARE(batch.error().code, SqlErrc::Unsupported);
        QCOMPARE(batch.error().pos.column, 17);
        // The design script parses and plans.
        const std::string design = sqltest::designCo2Script();
        QVERIFY(!design.empty());
        auto plan = explainStreamScript(design);
        QVERIFY2(plan, plan ? "" : plan.error().toText().c_str());
        QVERIFY(plan->find("cep pattern (h{3,3}) within 5m, skip past last row") != std::string::npos);
    }

    void errorsPointAtTheProblem() {
        struct Case {
            std::string script;
            SqlErrc code;
            int line, column;
            std::string text;
        };
        const std::string t = kAirTable;  // occupies lines 1-5 of each script
        const std::vector<Case> cases = {
            {t + "SELECT * FROM aire;", SqlErrc::UnknownTable, 5, 15, "unknown table 'aire', did you mean 'air'?"},
            {t + "SELECT valu FROM air;", SqlErrc::UnknownColumn, 5, 8, "unknown column 'valu', did you mean 'value'?"},
            {t + "SELECT * FROM air ORDER BY event_time;", SqlErrc::Unsupported, 5, 28, "ORDER BY on an unbounded stream"},
            {t + "SELECT sensor_id, COUNT(*) FROM air GROUP BY sensor_id;", SqlErrc::Unsupported, 5, 46, "needs a TUMBLE, HOP or SESSION window"},
            {t + "SELECT COUNT(*) FROM air;", SqlErrc::Unsupported, 5, 8, "only allowed with a windowed GROUP BY"},
            {t + "SELECT metric, COUNT(*) FROM air GROUP BY TUMBLE(event_time, INTERVAL '1' MINUTE), sensor_id;",
             SqlErrc::UnknownColumn, 5, 8, "column 'metric' must appear in the GROUP BY clause"},
            {t + "SELECT COUNT(*) FROM air GROUP BY TUMBLE(sensor_id, INTERVAL '1' MINUTE);", SqlErrc::TypeMismatch, 5, 42,
             "needs the table's event-time column 'event_time'"},
            {t + "SELECT * FROM air WHERE metric > 3;", SqlErrc::TypeMismatch, 5, 32, "cannot compare string with bigint"},
            {"CREATE TABLE k (sensor_id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'x');", SqlErrc::Syntax, 1, 41,
             "needs 'properties.bootstrap.servers'"},
            {"CREATE TABLE e (sensor_id BIGINT) WITH ('connector' = 'embedded', 'topic' = 'x', 'format' = 'avro');",
             SqlErrc::Unsupported, 1, 41, "format 'avro' needs the Kafka connector"},
            {"CREATE TABLE e (sensor_id BIGINT, colour STRING) WITH ('connector' = 'embedded', 'topic' = 'x');",
             SqlErrc::UnknownColumn, 1, 35, "column 'colour' is not a field of a reading"},
            {"CREATE TABLE e (sensor_id BIGINT) WITH ('connector' = 'nats');", SqlErrc::Unsupported, 1, 41, "unknown connector 'nats'"},
            {t + "CREATE TABLE a (sensor_id BIGINT) WITH ('connector' = 'alerts');\nSELECT * FROM a;", SqlErrc::Unsupported, 6, 15,
             "is a sink and cannot be read"},
            {t + "CREATE TABLE a (sensor_id BIGINT, location_id BIGINT) WITH ('connector' = 'alerts');\n"
                 "INSERT INTO a SELECT sensor_id FROM air;",
             SqlErrc::TypeMismatch, 6, 1, "the query gives 1 columns, the table has 2"},
            {t + "SELECT * FROM air MATCH_RECOGNIZE (ORDER BY sensor_id PATTERN (A) DEFINE A AS TRUE);", SqlErrc::Unsupported, 5, 45,
             "must be ORDER BY the table's event-time column"},
            {t + "SELECT * FROM air MATCH_RECOGNIZE (ORDER BY event_time PATTERN (A | B));", SqlErrc::Syntax, 5, 67,
             "unexpected character '|'"},
            {t + "SELECT * FROM air WHERE value > INTERVAL '5' PARSEC;", SqlErrc::Syntax, 5, 46, "unknown INTERVAL unit 'PARSEC'"},
            {"INSERT INTO nowhere SELECT 1 FROM x;", SqlErrc::UnknownTable, 1, 13, "unknown table 'nowhere'"},
        };
        for (const Case& c : cases) {
            auto r = explainStreamScript(c.script);
            QVERIFY2(!r, c.script.c_str());
            const std::string got = r.error().toText();
            QVERIFY2(r.error().code == c.code, got.c_str());
            QVERIFY2(r.error().pos.line == c.line && r.error().pos.column == c.column, got.c_str());
            QVERIFY2(got.find(c.text) != std::string::npos, got.c_str());
        }
        // A Kafka table without a source factory: refused when the job would start, at its FROM.
        auto kafka = runStreamScript("CREATE TABLE k (sensor_id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'x',\n"
                                     "  'properties.bootstrap.servers' = 'b:9092');\nSELECT * FROM k;",
                                     StreamEnvironment{});
        QVERIFY(!kafka);
        QCOMPARE(kafka.error().code, SqlErrc::Unsupported);
        QCOMPARE(kafka.error().pos.line, 3);
        QCOMPARE(kafka.error().pos.column, 15);
        QVERIFY(kafka.error().message.find("needs a Kafka source; run with the Kafka connector") != std::string::npos);
    }

    void tumblingHopAndSessionWindowsMatchHandComputation() {
        // Two sensors, one reading every 10 s for 10 minutes, values 0..59; sensor 2 is in district 5.
        std::vector<Reading> readings;
        for (int i = 0; i < 60; ++i) {
            readings.push_back(co2(1, 3, kT0 + i * 10'000, i));
            readings.push_back(co2(2, 5, kT0 + i * 10'000 + 1, 100 + i));
        }
        TestLog log(readings);
        auto result = runStreamScript(std::string(kAirTable) + R"(
            SELECT sensor_id, location_id, TUMBLE_START(event_time, INTERVAL '2' MINUTE) AS ws,
                   TUMBLE_END(event_time, INTERVAL '2' MINUTE) AS we, COUNT(*) AS n, AVG(`value`) AS a, MAX(`value`) AS mx
            FROM air WHERE metric = 'co2'
            GROUP BY TUMBLE(event_time, INTERVAL '2' MINUTE), sensor_id, location_id HAVING MIN(`value`) >= 12;
            SELECT COUNT(*) AS n, HOP_START(event_time, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE) AS s FROM air
            WHERE sensor_id = 1 GROUP BY HOP(event_time, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE);
            SELECT sensor_id, COUNT(*) AS n, SESSION_END(event_time, INTERVAL '30' SECOND) AS e FROM air
            GROUP BY SESSION(event_time, INTERVAL '30' SECOND), sensor_id;)",
                                      log.env());
        QVERIFY2(result, result ? "" : result.error().toText().c_str());
        QCOMPARE(result->tables.size(), std::size_t{3});
        // Tumbling: 5 windows per sensor of 12 readings; HAVING drops sensor 1's first window (min 0).
        const batch::Table& t = result->tables[0].second.table;
        QCOMPARE(result->tables[0].second.names, (std::vector<std::string>{"sensor_id", "location_id", "ws", "we", "n", "a", "mx"}));
        QCOMPARE(t.rowCount(), std::size_t{9});
        std::map<std::pair<std::int64_t, std::int64_t>, std::tuple<std::int64_t, std::int64_t, double, double>> rows;
        for (std::size_t r = 0; r < t.rowCount(); ++r) {
            rows[{t.column(0).intAt(r), t.column(2).intAt(r)}] = {t.column(1).intAt(r), t.column(4).intAt(r), t.column(5).doubleAt(r),
                                                                   t.column(6).doubleAt(r)};
            QCOMPARE(t.column(3).intAt(r) - t.column(2).intAt(r), std::int64_t{120'000});
        }
        for (int w = 0; w < 5; ++w) {
            const double base = 12.0 * w;
            if (w > 0) {
                QCOMPARE(rows.at({1, kT0 + w * 120'000}), std::make_tuple(std::int64_t{3}, std::int64_t{12}, base + 5.5, base + 11));
            }
            QCOMPARE(rows.at({2, kT0 + w * 120'000}), std::make_tuple(std::int64_t{5}, std::int64_t{12}, 100 + base + 5.5, 100 + base + 11));
        }
        // Hop (3 min every minute) over sensor 1's 60 readings: windows starting at -2 … 9 min.
        const batch::Table& h = result->tables[1].second.table;
        std::map<std::int64_t, std::int64_t> hop;
        for (std::size_t r = 0; r < h.rowCount(); ++r) hop[h.column(1).intAt(r)] = h.column(0).intAt(r);
        QCOMPARE(hop.size(), std::size_t{12});
        for (int s = -2; s <= 9; ++s) {
            const int from = std::max(0, s), to = std::min(10, s + 3);
            QCOMPARE(hop.at(kT0 + s * 60'000), std::int64_t{(to - from) * 6});
        }
        // Sessions: readings 10 s apart never leave a 30 s gap: one session per sensor of 60 readings.
        const batch::Table& s = result->tables[2].second.table;
        QCOMPARE(s.rowCount(), std::size_t{2});
        for (std::size_t r = 0; r < s.rowCount(); ++r) QCOMPARE(s.column(1).intAt(r), std::int64_t{60});
        QCOMPARE(result->jobs.size(), std::size_t{3});
        QCOMPARE(result->jobs[0].recordsRead, std::uint64_t{120});
    }

    //! golden_stream/*.sql over the two-sensor log, printed as CSV, against the .expected files
    //! (CITYOPS_UPDATE_GOLDEN=1 rewrites them).
    void goldenScripts() {
        std::vector<Reading> readings;
        for (int i = 0; i < 60; ++i) {
            readings.push_back(co2(1, 3, kT0 + i * 10'000, i));
            readings.push_back(co2(2, 5, kT0 + i * 10'000 + 1, 100 + i));
        }
        TestLog log(readings, /*json=*/true);
        int files = 0;
        for (const auto& entry : fs::directory_iterator(sqltest::sqlDir() / "golden_stream")) {
            if (entry.path().extension() != ".sql") continue;
            ++files;
            auto result = runStreamScript(sqltest::readText(entry.path()), log.env());
            QVERIFY2(result, qPrintable(QString::fromStdString(entry.path().filename().string() + ": " +
                                                               (result ? std::string() : result.error().toText()))));
            const std::string got = formatStreamResult(*result, ResultFormat::Csv);
            fs::path expected = entry.path();
            expected.replace_extension(".expected");
            if (qEnvironmentVariableIsSet("CITYOPS_UPDATE_GOLDEN")) {
                std::ofstream(expected, std::ios::binary) << got;
            }
            QCOMPARE(QString::fromStdString(got), QString::fromStdString(sqltest::readText(expected)));
        }
        QVERIFY(files >= 2);
    }

    void lateEventsAreCountedNotLost() {
        // In-order readings up to 10 min, then one 5 minutes behind the watermark (10 s delay).
        std::vector<Reading> readings;
        for (int i = 0; i < 60; ++i) readings.push_back(co2(1, 3, kT0 + i * 10'000, 500));
        readings.push_back(co2(1, 3, kT0 + 5 * 60'000 + 1, 900));
        TestLog log(readings);
        StreamRunOptions options;
        options.pollRecords = 16;  // the watermark advances between polls: the last reading arrives behind it
        auto result = runStreamScript(std::string(kAirTable) +
                                          "SELECT COUNT(*) AS n FROM air GROUP BY TUMBLE(event_time, INTERVAL '1' MINUTE);",
                                      log.env(), options);
        QVERIFY2(result, result ? "" : result.error().toText().c_str());
        // Every reading is either in a window's count or counted as dropped late: none silently lost.
        std::int64_t total = 0;
        const batch::Table& t = result->tables[0].second.table;
        for (std::size_t r = 0; r < t.rowCount(); ++r) total += t.column(0).intAt(r);
        QCOMPARE(total + static_cast<std::int64_t>(result->jobs[0].lateDropped), std::int64_t{61});
        QVERIFY(result->jobs[0].lateDropped <= result->jobs[0].lateEvents);
    }

    void designCo2RuleGivesTheProgrammaticAlerts() {
        const std::vector<Reading> readings = co2EpisodeReadings();
        QVERIFY(readings.size() > 1000);
        TestLog log(readings, /*json=*/true);  // as the headless run writes it

        // Programmatic: the CEP rule keyed by sensor (as the first pipeline's Co2Rule is).
        stream::JobConfig config;
        config.workers = 2;
        config.checkpointIntervalMs = 0;
        stream::JobBuilder<Reading> job(config);
        auto alertsSink = std::make_shared<stream::QueueSink<Alert>>();
        job.keyBy([](const Reading& r) { return stream::Key{r.sensorId}; }, [](const Reading& r) { return r.eventTimeMs; })
            .process([](int) { return stream::makeCo2RuleOperator(); })
            .sink(alertsSink);
        auto running = job.build();
        running->push(readings);
        running->finish();
        std::vector<Alert> expected;
        alertsSink->drain(expected);
        running.reset();
        QVERIFY2(expected.size() >= 3, "the co2 episode raises alerts");

        auto result = runStreamScript(sqltest::designCo2Script(), log.env());
        QVERIFY2(result, result ? "" : result.error().toText().c_str());
        QCOMPARE(result->jobs.at(0).recordsRead, static_cast<std::uint64_t>(readings.size()));
        QCOMPARE(result->jobs.at(0).deadLetters, std::uint64_t{0});
        std::multiset<AlertKey> a, b;
        for (const Alert& x : expected) a.insert(keyOf(x));
        for (const Alert& x : result->alerts) {
            QVERIFY(x.rule == AlertRule::Co2High);
            b.insert(keyOf(x));
        }
        QCOMPARE(b.size(), a.size());
        QVERIFY(a == b);
        QVERIFY(std::any_of(result->alerts.begin(), result->alerts.end(), [](const Alert& x) { return x.severity == Severity::Critical; }));
    }

    void sinksTopicsAndKafkaFactory() {
        std::vector<Reading> readings;
        for (int i = 0; i < 30; ++i) readings.push_back(co2(1 + i % 3, 2, kT0 + i * 1000, 700 + i * 10));
        TestLog log(readings);
        // INSERT INTO a topic of the embedded log: one JSON row per accepted reading.
        auto result = runStreamScript(std::string(kAirTable) + R"(
            CREATE TABLE high (sensor_id BIGINT, event_time TIMESTAMP(3), `value` DOUBLE)
              WITH ('connector' = 'embedded', 'topic' = 'receipts');
            INSERT INTO high SELECT sensor_id, event_time, `value` FROM air WHERE `value` > 900;
            CREATE TABLE agg WITH ('connector' = 'aggregates') AS
              SELECT sensor_id, SUM(`value`) AS total FROM air GROUP BY TUMBLE(event_time, INTERVAL '1' HOUR), sensor_id;)",
                                      log.env());
        QVERIFY2(result, result ? "" : result.error().toText().c_str());
        QCOMPARE(result->topicRecords, std::uint64_t{9});  // values 910 … 990
        QCOMPARE(result->tables.at(0).first, std::string("agg"));
        QCOMPARE(result->tables.at(0).second.table.rowCount(), std::size_t{3});
        QVERIFY(formatStreamResult(*result, ResultFormat::Csv).find("sensor_id,total") != std::string::npos);
        // A Kafka table read through an injected source factory (here the embedded log's source).
        StreamEnvironment env = log.env();
        std::string askedFor;
        env.kafkaSource = [&](const KafkaTableSpec& spec) -> Expected<std::unique_ptr<log::EventSource>, std::string> {
            askedFor = spec.topic + "@" + spec.bootstrapServers;
            auto source = log::LogEventSource::create(*log.log, {"air-quality"});
            if (!source) return std::string("no topic");
            return std::unique_ptr<log::EventSource>(std::move(*source));
        };
        auto kafka = runStreamScript(R"(
            CREATE TABLE k (sensor_id BIGINT, `value` DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
            WITH ('connector' = 'kafka', 'topic' = 'air-quality', 'properties.bootstrap.servers' = 'kafka-1:9092', 'format' = 'avro');
            SELECT sensor_id, `value` FROM k WHERE sensor_id = 2;)",
                                     env);
        QVERIFY2(kafka, kafka ? "" : kafka.error().toText().c_str());
        QCOMPARE(askedFor, std::string("air-quality@kafka-1:9092"));
        QCOMPARE(kafka->tables.at(0).second.table.rowCount(), std::size_t{10});
    }
};

QTEST_GUILESS_MAIN(TestSqlStream)
#include "test_sql_stream.moc"
