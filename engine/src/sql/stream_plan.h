#pragma once

// Streaming SQL planner: script tables (CREATE TABLE) and one job plan per INSERT / SELECT, mapped
// onto the stream engine's operators (filter → keyed window | CEP) by stream_run.cpp.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/sql/stream.h"
#include "cityops/engine/stream/cep_pattern.h"
#include "cityops/engine/stream/windows.h"
#include "sql/stream_expr.h"

namespace cityops::engine::sql::stream_detail {

enum class Connector { Embedded, Kafka, Alerts, Aggregates, Print };

//! A table of the script.
struct TableDef {
    struct Col {
        std::string name;
        SourcePos pos;
        Node node;  //!< a Field node, or the computed expression
    };
    std::string name;
    SourcePos pos;
    Connector connector = Connector::Embedded;
    std::string topic;
    std::string format = "json";
    std::string servers;
    std::vector<std::pair<std::string, std::string>> options;
    std::vector<Col> columns;       //!< source columns (embedded / kafka) or the sink's columns
    bool hasWatermark = false;
    std::string eventTimeColumn;    //!< the WATERMARK column
    std::optional<Node> eventTime;  //!< its expression over a Reading
    TimeMs delayMs = 10'000;        //!< bounded out-of-orderness from the WATERMARK (engine default without)
    std::string rule = "co2_high";  //!< alerts tables: the AlertRule of their rows
    bool readable() const { return connector == Connector::Embedded || connector == Connector::Kafka; }
};

//! What a column of an 'alerts' table fills in an Alert (matched by name; the query's columns go by position).
enum class AlertColumn { SensorId, LocationId, First, Last, Count, Value, Severity, Unknown };
AlertColumn alertColumn(const std::string& name);

//! Which Reading fields make up the key (GROUP BY / PARTITION BY columns besides the window).
struct KeySpec {
    bool sensor = false, location = false, metric = false, kind = false;
    stream::Key of(const Reading& r) const {
        stream::Key k = sensor ? r.sensorId : 0;
        if (location) k |= static_cast<stream::Key>(r.locationId) << 32;
        if (metric) k |= (static_cast<stream::Key>(r.metric) + 1) << 48;
        if (kind) k |= (static_cast<stream::Key>(r.kind) + 1) << 56;
        return k;
    }
};

//! An aggregate of a windowed GROUP BY.
struct AggSpec {
    AggFn fn = AggFn::CountStar;
    std::optional<Node> arg;
};

//! One streaming job: source → WHERE → (window aggregate | MATCH_RECOGNIZE | nothing) → rows.
struct JobPlan {
    enum class Kind { Project, Window, Match };
    Kind kind = Kind::Project;
    const TableDef* source = nullptr;
    SourcePos sourcePos;
    std::optional<Node> where;  //!< per event, before windows / patterns
    KeySpec key;
    // Window
    std::optional<stream::WindowAssigner> assigner;
    std::vector<AggSpec> aggregates;
    std::optional<Node> having;
    // Match
    std::optional<stream::Pattern<Reading>> pattern;
    std::vector<Node> matchColumns;  //!< partition columns then measures: one output row per match
    std::optional<Node> outerWhere;  //!< WHERE over the MATCH_RECOGNIZE rows
    // Output rows
    std::vector<std::string> names;
    std::vector<Node> outputs;
    std::string text;  //!< the plan, one operator per line
};

//! Tables of a script, in creation order.
class ScriptCatalog {
public:
    //! Validates and adds a CREATE TABLE (without AS); throws SqlException.
    void create(const CreateTableStatement& statement);
    //! Adds a sink table with the given columns (CREATE TABLE … AS SELECT).
    void createSink(const CreateTableStatement& statement, const std::vector<std::string>& columns);
    const TableDef* find(const std::string& name) const;
    const TableDef& require(const std::string& name, SourcePos pos) const;
    std::vector<std::string> names() const;

private:
    TableDef& add(const CreateTableStatement& statement);
    std::vector<std::unique_ptr<TableDef>> m_tables;
};

//! Plans a streaming query; throws SqlException with the position of the unsupported construct.
JobPlan planQuery(const Query& query, const ScriptCatalog& catalog);

}  // namespace cityops::engine::sql::stream_detail
