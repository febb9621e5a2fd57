#pragma once

// Streaming SQL (issue #11, streaming half): scripts of CREATE TABLE … WATERMARK … WITH (…),
// INSERT INTO … SELECT, CREATE TABLE … AS SELECT and SELECT, run on the embedded stream engine
// (JobBuilder jobs: keyed event-time windows for TUMBLE/HOP/SESSION, the CEP operator for
// MATCH_RECOGNIZE). See docs/SQL.md, "Streaming SQL".

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/sql/ast.h"
#include "cityops/engine/sql/sql.h"

namespace cityops::engine::sql {

//! A column of CREATE TABLE: `name type` or the computed `name AS expr`.
struct ColumnDef {
    SourcePos pos;
    std::string name;  //!< lower case unless quoted
    std::string type;  //!< upper case as written, with its precision ("TIMESTAMP(3)"); empty when computed
    std::optional<AstExpr> computed;
};

//! `WATERMARK FOR column AS column - INTERVAL 'n' unit`.
struct WatermarkDef {
    SourcePos pos;
    std::string column;
    AstExpr expr;
};

//! One `'key' = 'value'` of a WITH clause.
struct TableOption {
    SourcePos pos;
    std::string key;
    std::string value;
};

//! CREATE TABLE name (columns [, WATERMARK ..]) WITH (..) [AS query].
struct CreateTableStatement {
    SourcePos pos;
    SourcePos namePos;
    std::string name;
    std::vector<ColumnDef> columns;
    std::optional<WatermarkDef> watermark;
    std::vector<TableOption> options;
    std::shared_ptr<Query> asQuery;
};

//! INSERT INTO table query.
struct InsertStatement {
    SourcePos pos;
    SourcePos tablePos;
    std::string table;
    std::shared_ptr<Query> query;
};

//! One statement of a streaming script.
struct ScriptStatement {
    enum class Kind { Query, CreateTable, Insert, Set };
    Kind kind = Kind::Query;
    SourcePos pos;
    std::shared_ptr<Query> query;  //!< Kind::Query
    CreateTableStatement create;   //!< Kind::CreateTable
    InsertStatement insert;        //!< Kind::Insert
    std::string setKey, setValue;  //!< Kind::Set ('key' = 'value'; accepted and ignored)
};

//! Parses a script: statements separated by ';'. Accepts everything parse() does plus CREATE TABLE,
//! INSERT INTO, SET, INTERVAL literals and MATCH_RECOGNIZE. Errors carry line and column.
SqlResult<std::vector<ScriptStatement>> parseScript(std::string_view text);

//! True when the text's first statement starts with CREATE, INSERT or SET (a streaming script).
bool isStreamScript(std::string_view text);

//! What a 'connector' = 'kafka' table needs to be read: connectors fill StreamEnvironment::kafkaSource.
struct KafkaTableSpec {
    std::string table;
    std::string topic;
    std::string bootstrapServers;
    std::string format;  //!< "json" or "avro"
    std::vector<std::pair<std::string, std::string>> options;  //!< every WITH option
};

//! Opens an EventSource for a Kafka table, or returns the reason it cannot.
using KafkaSourceFactory =
    std::function<Expected<std::unique_ptr<log::EventSource>, std::string>(const KafkaTableSpec& spec)>;

//! Where a script's tables live.
struct StreamEnvironment {
    //! The embedded log ('connector' = 'embedded' reads and writes its topics). When null and
    //! logDirectory is set, the log there is opened for the run.
    log::EventLog* log = nullptr;
    std::filesystem::path logDirectory;
    //! Kafka tables: empty = "needs a Kafka source; run with the Kafka connector".
    KafkaSourceFactory kafkaSource;
    int workers = 1;  //!< worker threads of each job
};

//! How a script runs.
struct StreamRunOptions {
    //! True: each job reads its source to the current end, then finishes (every window fires).
    //! False: jobs run until *stop becomes true.
    bool stopAtEnd = true;
    const std::atomic<bool>* stop = nullptr;
    std::size_t pollRecords = 4096;  //!< records per source poll (one engine batch; watermarks advance between batches)
};

//! Counters of one job of a script.
struct StreamJobReport {
    std::string statement;  //!< "INSERT INTO co2_alerts" or "SELECT"
    std::string plan;       //!< operators, one per line
    std::uint64_t recordsRead = 0;
    std::uint64_t deadLetters = 0;  //!< records no reading could be decoded from
    std::uint64_t lateEvents = 0;   //!< behind the watermark on arrival (counted, not silently dropped)
    std::uint64_t lateDropped = 0;  //!< of those, dropped by a window or pattern (beyond allowed lateness)
    std::uint64_t rowsOut = 0;
};

//! What a script produced.
struct StreamScriptResult {
    std::vector<Alert> alerts;  //!< rows inserted into 'connector' = 'alerts' tables, in emission order
    //! Rows of 'connector' = 'aggregates' tables (by table name) and of plain SELECTs ("select", "select 2", …).
    std::vector<std::pair<std::string, QueryResult>> tables;
    std::uint64_t topicRecords = 0;  //!< rows written to embedded-log topics
    std::vector<StreamJobReport> jobs;
};

//! Parses, plans and runs a streaming script. Never throws on bad input: errors carry line:column.
SqlResult<StreamScriptResult> runStreamScript(std::string_view script, const StreamEnvironment& environment,
                                              const StreamRunOptions& options = {});

//! The alerts of a script as a result table: sensor_id, location_id, first_event_time, event_time,
//! matched_count, value, severity, rule (what formatStreamResult prints and the SQL console shows).
QueryResult alertsAsTable(const std::vector<Alert>& alerts);

//! Renders a result: the alerts as a table (sensor_id, location_id, first/last event time, count,
//! value, severity, rule), then each table under its name, then one summary line per job.
std::string formatStreamResult(const StreamScriptResult& result, ResultFormat format);

//! Plans a script without running it: the plan text of each job, or the first error.
SqlResult<std::string> explainStreamScript(std::string_view script, const StreamEnvironment& environment = {});

}  // namespace cityops::engine::sql
