// SQL layer throughput on generated in-memory tables: the design's monthly noise query (CTEs,
// percentile, joins; docs/BATCH_HISTORY.md, run as written) over ~1 M noise readings, and the retail
// exercise 3.1 (top categories by units) over ~1 M sales rows; the design's CO2 rule as streaming SQL
// (docs/SQL.md, MATCH_RECOGNIZE) against the programmatic CEP rule over the same embedded log of ~1 M
// JSON readings (both: 2 workers, read from the log to its end). Best of 3 runs each.
// Usage: bench_sql [rows]   Prints one JSON object on stdout.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <filesystem>
#include <unistd.h>

#include "cityops/engine/batch/table.h"
#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/sql/sql.h"
#include "cityops/engine/sql/stream.h"
#include "cityops/engine/stream/cep_rules.h"
#include "cityops/engine/stream/job.h"
#include "cityops/engine/stream/json_codec.h"
#include "../engine/sql/sql_test_support.h"

using namespace cityops::engine;

namespace {

constexpr std::int64_t kNov2026 = 1'793'491'200'000;  // 2026-11-01T00:00:00Z

batch::Table noiseReadings(std::size_t rows) {
    std::mt19937 rng(42);
    batch::Column sensor(batch::DataType::Int64), kind(batch::DataType::String), metric(batch::DataType::String),
        district(batch::DataType::Int64), ts(batch::DataType::Timestamp), value(batch::DataType::Double);
    const std::int64_t span = 30LL * 86'400'000;
    for (std::size_t i = 0; i < rows; ++i) {
        const auto s = static_cast<std::int64_t>(i % 400);
        sensor.appendInt(s);
        kind.appendString("noise");
        metric.appendString("noise_db");
        district.appendInt(s % 12);
        ts.appendInt(kNov2026 + static_cast<std::int64_t>(i) * span / static_cast<std::int64_t>(rows));
        value.appendDouble(40.0 + static_cast<double>(rng() % 4000) / 100.0);
    }
    batch::Table t;
    t.setColumn("sensor_id", std::move(sensor));
    t.setColumn("kind", std::move(kind));
    t.setColumn("metric", std::move(metric));
    t.setColumn("district", std::move(district));
    t.setColumn("ts", std::move(ts));
    t.setColumn("value", std::move(value));
    return t;
}

batch::Table retailRows(std::size_t rows) {
    static const char* kCategories[] = {"Food", "Beverages", "Milk Products", "Furniture", "Butchers",
                                        "Electric household essentials", "Computers and electric accessories", "Patisserie"};
    std::mt19937 rng(7);
    batch::Column category(batch::DataType::String), quantity(batch::DataType::Double), total(batch::DataType::Double);
    for (std::size_t i = 0; i < rows; ++i) {
        category.appendString(kCategories[rng() % 8]);
        const double q = 1.0 + static_cast<double>(rng() % 10);
        quantity.appendDouble(q);
        total.appendDouble(q * (5.0 + static_cast<double>(rng() % 3500) / 100.0));
    }
    batch::Table t;
    t.setColumn("category", std::move(category));
    t.setColumn("quantity", std::move(quantity));
    t.setColumn("total_spent", std::move(total));
    return t;
}

struct Run {
    double bestSeconds = 1e300;
    std::size_t resultRows = 0;
    std::string error;
};

Run bestOf3(sql::Catalog& catalog, const std::string& query, const sql::QueryOptions& options) {
    Run run;
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        auto r = sql::runQuery(catalog, query, options);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!r) {
            run.error = r.error().toText();
            return run;
        }
        run.resultRows = r->table.rowCount();
        run.bestSeconds = std::min(run.bestSeconds, seconds);
    }
    return run;
}

//! CO2 readings of 500 sensors every 10 s, JSON in a fresh embedded log; every 7th sensor has episodes.
std::unique_ptr<log::EventLog> co2Log(const std::filesystem::path& dir, std::size_t rows) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    log::LogConfig config;
    config.directory = dir;
    config.syncPolicy = log::SyncPolicy::Manual;
    auto opened = log::EventLog::open(config);
    if (!opened) return nullptr;
    log::LogEventSink sink(**opened);
    std::mt19937 rng(11);
    std::vector<std::string> texts;
    std::vector<log::RecordInput> records;
    for (std::size_t i = 0; i < rows; ++i) {
        Reading r;
        r.sensorId = static_cast<std::uint32_t>(i % 500);
        r.locationId = static_cast<std::uint16_t>(r.sensorId % 12);
        r.kind = SensorKind::AirQuality;
        r.metric = Metric::Co2;
        r.seq = i / 500;
        r.eventTimeMs = kNov2026 + static_cast<std::int64_t>(i / 500) * 10'000 + static_cast<std::int64_t>(rng() % 3000);
        const bool episode = r.sensorId % 7 == 0 && (i / 500) % 120 < 30;
        r.value = episode ? 780.0 + static_cast<double>(rng() % 700) : 420.0 + static_cast<double>(rng() % 300);
        char buf[stream::kMaxReadingJsonBytes];
        texts.emplace_back(buf, stream::encodeReadingJson(r, buf));
        if (texts.size() == 4096 || i + 1 == rows) {
            records.clear();
            for (const std::string& t : texts) {
                records.push_back({kNov2026, 0, 0, std::as_bytes(std::span(t.data(), t.size()))});
            }
            if (!sink.send("air-quality", records)) return nullptr;
            texts.clear();
        }
    }
    return std::move(*opened);
}

//! The programmatic rule over the log: CEP operator keyed by sensor, 2 workers; returns the alert count.
std::size_t programmaticCo2(log::EventLog& eventLog) {
    stream::JobConfig config;
    config.workers = 2;
    config.checkpointIntervalMs = 0;
    stream::JobBuilder<Reading> job(config);
    auto alerts = std::make_shared<stream::QueueSink<Alert>>();
    job.keyBy([](const Reading& r) { return stream::Key{r.sensorId}; }, [](const Reading& r) { return r.eventTimeMs; })
        .process([](int) { return stream::makeCo2RuleOperator(); })
        .sink(alerts);
    auto running = job.build();
    auto source = log::LogEventSource::create(eventLog, {"air-quality"});
    stream::ReadingDecoder decoder;
    stream::RunOptions options;
    options.stopAtEnd = true;
    (void)running->run(**source, [&decoder](const log::SourceRecord& rec, Reading& out) {
        stream::DecodedReading d;
        const auto e = decoder.decode(rec.record.payload, INT64_MIN, d);
        out = d.reading;
        return e == stream::DecodeError::None ? stream::DecodeResult::accept() : stream::DecodeResult::reject(stream::toString(e));
    }, options);
    std::vector<Alert> out;
    alerts->drain(out);
    return out.size();
}

template <class F>
double bestSecondsOf3(F&& f) {
    double best = 1e300;
    for (int i = 0; i < 3; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t rows = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 1'000'000;
    sql::Catalog catalog;
    catalog.registerTable("readings", noiseReadings(rows));
    catalog.registerTable("retail", retailRows(rows));
    sql::QueryOptions noiseOptions;
    noiseOptions.parameters["month_start"] = "TIMESTAMP '2026-11-01 00:00:00'";
    noiseOptions.parameters["month_end"] = "TIMESTAMP '2026-12-01 00:00:00'";
    const std::string noise = sqltest::designNoiseQuery();
    if (noise.empty()) {
        std::fprintf(stderr, "bench_sql: the noise query was not found in docs/BATCH_HISTORY.md\n");
        return 1;
    }
    const Run n = bestOf3(catalog, noise, noiseOptions);
    const Run r = bestOf3(catalog,
                          "SELECT category, SUM(quantity) AS units_sold FROM retail GROUP BY category "
                          "ORDER BY units_sold DESC, category LIMIT 5",
                          {});
    if (!n.error.empty() || !r.error.empty()) {
        std::fprintf(stderr, "bench_sql: %s %s\n", n.error.c_str(), r.error.c_str());
        return 1;
    }
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("bench_sql_co2_" + std::to_string(getpid()));
    auto eventLog = co2Log(dir, rows);
    if (!eventLog) {
        std::fprintf(stderr, "bench_sql: cannot write the CO2 log under %s\n", dir.c_str());
        return 1;
    }
    std::size_t programmaticAlerts = 0, sqlAlerts = 0;
    std::string sqlError;
    const double programmatic = bestSecondsOf3([&] { programmaticAlerts = programmaticCo2(*eventLog); });
    sql::StreamEnvironment env;
    env.log = eventLog.get();
    env.workers = 2;
    const std::string co2 = sqltest::designCo2Script();
    const double streaming = bestSecondsOf3([&] {
        auto result = sql::runStreamScript(co2, env);
        if (result) {
            sqlAlerts = result->alerts.size();
        } else {
            sqlError = result.error().toText();
        }
    });
    eventLog.reset();
    std::filesystem::remove_all(dir);
    if (!sqlError.empty()) {
        std::fprintf(stderr, "bench_sql: co2 script: %s\n", sqlError.c_str());
        return 1;
    }
    std::printf("{\"rows\": %zu,\n \"co2_streaming_sql\": {\"best_seconds\": %.4f, \"events_per_second\": %.0f, \"alerts\": %zu},\n"
                " \"co2_programmatic_cep\": {\"best_seconds\": %.4f, \"events_per_second\": %.0f, \"alerts\": %zu},\n",
                rows, streaming, static_cast<double>(rows) / streaming, sqlAlerts, programmatic,
                static_cast<double>(rows) / programmatic, programmaticAlerts);
    std::printf(" \"noise_monthly_design_query\": {\"best_seconds\": %.4f, \"rows_per_second\": %.0f, "
                "\"result_rows\": %zu},\n \"retail_3_1\": {\"best_seconds\": %.4f, \"rows_per_second\": %.0f, "
                "\"result_rows\": %zu}}\n",
                n.bestSeconds, static_cast<double>(rows) / n.bestSeconds, n.resultRows, r.bestSeconds,
                static_cast<double>(rows) / r.bestSeconds, r.resultRows);
    return 0;
}
