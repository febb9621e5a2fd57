// SQL layer throughput on generated in-memory tables: the design's monthly noise query (CTEs,
// percentile, joins; docs/BATCH_HISTORY.md, run as written) over ~1 M noise readings, and the retail
// exercise 3.1 (top categories by units) over ~1 M sales rows. Best of 3 runs each.
// Usage: bench_sql [rows]   Prints one JSON object on stdout.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "cityops/engine/batch/table.h"
#include "cityops/engine/sql/sql.h"
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
    std::printf("{\"rows\": %zu,\n \"noise_monthly_design_query\": {\"best_seconds\": %.4f, \"rows_per_second\": %.0f, "
                "\"result_rows\": %zu},\n \"retail_3_1\": {\"best_seconds\": %.4f, \"rows_per_second\": %.0f, "
                "\"result_rows\": %zu}}\n",
                rows, n.bestSeconds, static_cast<double>(rows) / n.bestSeconds, n.resultRows, r.bestSeconds,
                static_cast<double>(rows) / r.bestSeconds, r.resultRows);
    return 0;
}
