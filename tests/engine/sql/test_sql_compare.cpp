#include <QtTest>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "cityops/engine/batch/operations.h"
#include "cityops/engine/batch/retail_workflow.h"
#include "cityops/engine/history/noise_stats.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "sql_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::sql;
using batch::Column;
using batch::DataType;
using batch::Table;

namespace {

bool near(double a, double b, double rel = 1e-9) { return std::fabs(a - b) <= rel * std::max(1.0, std::fabs(b)); }

//! A random table: k (string, 25 keys), i (long, 10% null), d (double), t (timestamp, one per minute).
Table randomTable(std::size_t rows, unsigned seed) {
    std::mt19937 rng(seed);
    Column k(DataType::String), i(DataType::Int64), d(DataType::Double), t(DataType::Timestamp);
    for (std::size_t r = 0; r < rows; ++r) {
        k.appendString("key" + std::to_string(rng() % 25));
        if (rng() % 10 == 0) {
            i.appendNull();
        } else {
            i.appendInt(static_cast<std::int64_t>(rng() % 1000) - 300);
        }
        d.appendDouble(std::ldexp(static_cast<double>(rng() % 100000), -7) * 3.0);
        t.appendInt(1'700'000'000'000 + static_cast<std::int64_t>(r) * 60'000);
    }
    Table out;
    out.setColumn("k", std::move(k));
    out.setColumn("i", std::move(i));
    out.setColumn("d", std::move(d));
    out.setColumn("t", std::move(t));
    return out;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

//! SQL results against the programmatic API and hand loops on the same data.
class TestSqlCompare : public QObject {
    Q_OBJECT

private slots:
    void groupByAndPercentiles() {
        Catalog catalog;
        const Table t = randomTable(20000, 7);
        catalog.registerTable("t", t);
        auto r = runQuery(catalog,
                          "SELECT k, COUNT(*) AS n, COUNT(i) AS ni, SUM(i) AS si, AVG(d) AS ad, MIN(i) AS mi, MAX(d) AS xd,\n"
                          "       STDDEV_SAMP(d) AS sd, STDDEV_POP(d) AS sp, PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY d) AS p90,\n"
                          "       percentile(d, 0.25) AS p25, percentile_approx(d, 0.5) AS approx50, COUNT(DISTINCT i % 7) AS nd\n"
                          "FROM t GROUP BY k ORDER BY k");
        QVERIFY2(r, r ? "" : r.error().toText().c_str());
        struct Acc {
            std::int64_t n = 0, ni = 0, si = 0, mi = INT64_MAX;
            std::vector<double> d;
            std::set<std::int64_t> mods;
        };
        std::map<std::string, Acc> acc;
        for (std::size_t row = 0; row < t.rowCount(); ++row) {
            Acc& a = acc[std::string(t.column("k").stringAt(row))];
            ++a.n;
            if (!t.column("i").isNull(row)) {
                ++a.ni;
                a.si += t.column("i").intAt(row);
                a.mi = std::min(a.mi, t.column("i").intAt(row));
                a.mods.insert(t.column("i").intAt(row) % 7);
            }
            a.d.push_back(t.column("d").doubleAt(row));
        }
        const Table& out = r->table;
        QCOMPARE(out.rowCount(), acc.size());
        std::size_t row = 0;
        for (const auto& [key, a] : acc) {
            QCOMPARE(std::string(out.column(0).stringAt(row)), key);
            QCOMPARE(out.column(1).intAt(row), a.n);
            QCOMPARE(out.column(2).intAt(row), a.ni);
            QCOMPARE(out.column(3).intAt(row), a.si);
            double sum = 0.0;
            for (const double v : a.d) sum += v;
            const double mean = sum / static_cast<double>(a.d.size());
            QVERIFY(near(out.column(4).doubleAt(row), mean));
            QCOMPARE(out.column(5).intAt(row), a.mi);
            QCOMPARE(out.column(6).doubleAt(row), *std::max_element(a.d.begin(), a.d.end()));
            double ss = 0.0;
            for (const double v : a.d) ss += (v - mean) * (v - mean);
            QVERIFY(near(out.column(7).doubleAt(row), std::sqrt(ss / static_cast<double>(a.d.size() - 1))));
            QVERIFY(near(out.column(8).doubleAt(row), std::sqrt(ss / static_cast<double>(a.d.size()))));
            QCOMPARE(out.column(9).doubleAt(row), percentile(a.d, 0.9));
            QCOMPARE(out.column(10).doubleAt(row), percentile(a.d, 0.25));
            // approximate median: its rank within 1% of the group
            std::vector<double> sorted = a.d;
            std::sort(sorted.begin(), sorted.end());
            const double approx = out.column(11).doubleAt(row);
            const auto rank = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), approx) - sorted.begin());
            QVERIFY(std::fabs(rank / static_cast<double>(sorted.size()) - 0.5) < 0.01);
            QCOMPARE(out.column(12).intAt(row), static_cast<std::int64_t>(a.mods.size()));
            ++row;
        }
    }

    void windowFunctions() {
        Catalog catalog;
        const Table t = randomTable(5000, 11);
        catalog.registerTable("t", t);
        auto r = runQuery(catalog,
                          "SELECT k, t, d, LAG(d, 2) OVER (PARTITION BY k ORDER BY t) AS lag2,\n"
                          "  AVG(d) OVER (PARTITION BY k ORDER BY t ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) AS avg4,\n"
                          "  SUM(i) OVER (PARTITION BY k ORDER BY t) AS running,\n"
                          "  ROW_NUMBER() OVER (PARTITION BY k ORDER BY t) AS rn,\n"
                          "  RANK() OVER (PARTITION BY k ORDER BY i) AS rk,\n"
                          "  AVG(d) OVER (PARTITION BY k ORDER BY t RANGE BETWEEN 600000 PRECEDING AND CURRENT ROW) AS avg10min\n"
                          "FROM t ORDER BY k, t");
        QVERIFY2(r, r ? "" : r.error().toText().c_str());
        // hand loops per key, rows in time order (the table is already in time order)
        std::map<std::string, std::vector<std::size_t>> byKey;
        for (std::size_t row = 0; row < t.rowCount(); ++row) byKey[std::string(t.column("k").stringAt(row))].push_back(row);
        const Table& out = r->table;
        std::size_t o = 0;
        for (const auto& [key, rows] : byKey) {
            std::int64_t running = 0;
            bool anyI = false;
            for (std::size_t j = 0; j < rows.size(); ++j, ++o) {
                const std::size_t row = rows[j];
                QCOMPARE(out.column(1).intAt(o), t.column("t").intAt(row));
                if (j < 2) {
                    QVERIFY(out.column(3).isNull(o));
                } else {
                    QCOMPARE(out.column(3).doubleAt(o), t.column("d").doubleAt(rows[j - 2]));
                }
                double s = 0.0;
                const std::size_t from = j >= 3 ? j - 3 : 0;
                for (std::size_t x = from; x <= j; ++x) s += t.column("d").doubleAt(rows[x]);
                QVERIFY(near(out.column(4).doubleAt(o), s / static_cast<double>(j - from + 1)));
                if (!t.column("i").isNull(row)) {
                    running += t.column("i").intAt(row);
                    anyI = true;
                }
                if (anyI) {
                    QCOMPARE(out.column(5).intAt(o), running);
                } else {
                    QVERIFY(out.column(5).isNull(o));
                }
                QCOMPARE(out.column(6).intAt(o), static_cast<std::int64_t>(j + 1));
                // rank by i (nulls last): 1 + rows with a smaller i; nulls rank after every value
                std::int64_t rank = 1;
                const bool iNull = t.column("i").isNull(row);
                for (const std::size_t other : rows) {
                    const bool otherNull = t.column("i").isNull(other);
                    if (iNull ? !otherNull : (!otherNull && t.column("i").intAt(other) < t.column("i").intAt(row))) ++rank;
                }
                QCOMPARE(out.column(7).intAt(o), rank);
                double s10 = 0.0;
                int n10 = 0;
                for (const std::size_t other : rows) {
                    const std::int64_t dt = t.column("t").intAt(row) - t.column("t").intAt(other);
                    if (dt >= 0 && dt <= 600000) {
                        s10 += t.column("d").doubleAt(other);
                        ++n10;
                    }
                }
                QVERIFY(near(out.column(8).doubleAt(o), s10 / n10));
            }
        }
        QCOMPARE(o, t.rowCount());
    }

    void joinAgainstHashJoin() {
        Catalog catalog = sqltest::dataCatalog();
        auto r = runQuery(catalog, "SELECT s.id, r.manager FROM sales s LEFT JOIN regions r ON r.region = s.region ORDER BY s.id");
        QVERIFY(r);
        auto sales = catalog.table("sales");
        auto regions = catalog.table("regions");
        QVERIFY(sales && regions);
        const Table joined = batch::orderBy(batch::join(**sales, **regions, {"region"}, {"region"}, batch::JoinType::Left),
                                            {{"id", true}});
        QCOMPARE(r->table.rowCount(), joined.rowCount());
        for (std::size_t row = 0; row < joined.rowCount(); ++row) {
            QCOMPARE(r->table.column(0).intAt(row), joined.column("id").intAt(row));
            QCOMPARE(r->table.column(1).toText(row), joined.column("manager").toText(row));
        }
    }

    //! Retail exercise 3.1 and 3.2 in SQL over the workflow's cleaned table equal the workflow's tables.
    void retailQuestions() {
        auto loaded = batch::runRetailWorkflow(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv");
        QVERIFY(loaded);
        const batch::RetailReport* report = &loaded.value();
        Catalog catalog;
        catalog.registerTable("retail", report->cleaned);
        auto same = [](const QueryResult& sql, const Table& expected) {
            QCOMPARE(sql.table.rowCount(), expected.rowCount());
            QCOMPARE(sql.names, expected.names());
            for (std::size_t c = 0; c < expected.columnCount(); ++c) {
                for (std::size_t row = 0; row < expected.rowCount(); ++row) {
                    QCOMPARE(sql.table.column(c).toText(row), expected.column(c).toText(row));
                }
            }
        };
        auto q31 = runQuery(catalog,
                            "SELECT category, SUM(quantity) AS units_sold\nFROM retail\nGROUP BY category\n"
                            "ORDER BY units_sold DESC, category\nLIMIT 5");
        QVERIFY(q31);
        same(*q31, report->topCategories);
        QCOMPARE(QString::fromStdString(q31->table.column(0).toText(0)), QStringLiteral("Food"));
        auto q32a = runQuery(catalog,
                             "SELECT payment_method, ROUND(AVG(total_spent), 2) AS avg_total_spent\nFROM retail\n"
                             "GROUP BY payment_method\nORDER BY payment_method");
        QVERIFY(q32a);
        same(*q32a, report->avgByPayment);
        auto q32b = runQuery(catalog,
                             "SELECT location, ROUND(AVG(total_spent), 2) AS avg_total_spent FROM retail "
                             "GROUP BY location ORDER BY location");
        QVERIFY(q32b);
        same(*q32b, report->avgByLocation);
    }

    //! The design's monthly noise query (docs/BATCH_HISTORY.md, run as written) over stored readings
    //! equals monthlyNoiseStatistics; the analyst's report (PERCENTILE_CONT, night counts) equals hand loops.
    void monthlyNoiseOverStoredData() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path db = std::filesystem::path(dir.path().toStdString()) / "cityops.db";
        std::vector<Reading> readings;
        std::mt19937 rng(5);
        const std::int64_t oct1 = history::monthStartMs({2026, 10});
        const std::int64_t dec1 = history::monthStartMs({2026, 12});
        for (std::uint32_t sensor = 1; sensor <= 6; ++sensor) {
            const auto district = static_cast<std::uint16_t>(1 + sensor % 3);
            for (std::int64_t ts = oct1 + sensor * 1000; ts < dec1; ts += 30 * 60 * 1000 + (rng() % 5) * 60 * 1000) {
                if (rng() % 50 == 0) continue;  // gaps
                Reading r;
                r.eventTimeMs = ts;
                r.sensorId = sensor;
                r.locationId = district;
                r.kind = SensorKind::Noise;
                r.metric = Metric::NoiseDb;
                const int hour = history::hourOfDay(ts);
                r.value = 45.0 + district * 4.0 + (hour >= 7 && hour < 23 ? 12.0 : 0.0) + static_cast<double>(rng() % 200) / 10.0;
                readings.push_back(r);
                Reading other = r;
                other.sensorId = sensor + 100;
                other.kind = SensorKind::Temperature;
                other.metric = Metric::Temperature;
                other.value = 10.0;
                readings.push_back(other);
            }
        }
        {
            storage::StorageOptions options;
            options.path = db;
            auto store = storage::Storage::open(options);
            QVERIFY(store);
            storage::WriteBatch batch;
            batch.readings = readings;
            QVERIFY((*store)->write(std::move(batch)));
        }
        auto reader = storage::StorageReader::open(db);
        QVERIFY(reader);
        const history::YearMonth month{2026, 11};
        auto stored = (*reader)->readingsInRange(std::nullopt, history::monthStartMs(month), history::monthEndMs(month));
        QVERIFY(stored);
        const history::NoiseReport job = history::monthlyNoiseStatistics(*stored, month);
        QCOMPARE(job.districts.size(), std::size_t{3});

        Catalog catalog;
        catalog.registerStoredReadings(db);
        QueryOptions options;
        options.parameters["month_start"] = "TIMESTAMP '2026-11-01 00:00:00'";
        options.parameters["month_end"] = "TIMESTAMP '2026-12-01 00:00:00'";
        const std::string design = sqltest::designNoiseQuery();
        QVERIFY(design.find("percentile(hour_avg_db, 0.95)") != std::string::npos);
        auto r = runQuery(catalog, design, options);
        QVERIFY2(r, r ? "" : r.error().toText().c_str());
        const Table& t = r->table;
        QCOMPARE(r->names, (std::vector<std::string>{"district", "avg_db", "max_db", "min_db", "p95_db", "stddev_db",
                                                     "days_with_data", "hours_with_data", "category",
                                                     "pct_days_above_eu_limit", "day_avg_db", "night_avg_db"}));
        QCOMPARE(t.rowCount(), job.districts.size());
        for (std::size_t i = 0; i < job.districts.size(); ++i) {
            const history::NoiseMonth& m = job.districts[i];
            QCOMPARE(t.column(0).intAt(i), static_cast<std::int64_t>(m.locationId));
            QVERIFY(near(t.column(1).doubleAt(i), m.avgDb, 1e-12));
            QCOMPARE(t.column(2).doubleAt(i), m.maxDb);
            QCOMPARE(t.column(3).doubleAt(i), m.minDb);
            QVERIFY(near(t.column(4).doubleAt(i), m.p95Db, 1e-12));
            QVERIFY(near(t.column(5).doubleAt(i), m.stddevDb, 1e-9));
            QCOMPARE(t.column(6).intAt(i), static_cast<std::int64_t>(m.daysWithData));
            QCOMPARE(t.column(7).intAt(i), static_cast<std::int64_t>(m.hoursWithData));
            QCOMPARE(std::string(t.column(8).stringAt(i)), std::string(history::toString(m.category)));
            QVERIFY(near(t.column(9).doubleAt(i), m.pctDaysAboveEuLimit, 1e-12));
            QVERIFY(near(t.column(10).doubleAt(i), *m.dayAvgDb, 1e-12));
            QVERIFY(near(t.column(11).doubleAt(i), *m.nightAvgDb, 1e-12));
        }

        // The analyst's version over both months: per district and month.
        const std::string report = sqltest::readText(sqltest::sqlDir() / "queries/noise_monthly_report.sql");
        auto a = runQuery(catalog, report);
        QVERIFY2(a, a ? "" : a.error().toText().c_str());
        struct Acc {
            std::vector<double> v;
            std::int64_t loudNights = 0;
        };
        std::map<std::pair<std::int64_t, std::int64_t>, Acc> hand;
        for (const Reading& x : readings) {
            if (x.metric != Metric::NoiseDb) continue;
            Acc& acc = hand[{x.locationId, history::monthStartMs(history::yearMonthOf(x.eventTimeMs))}];
            acc.v.push_back(x.value);
            const int hour = history::hourOfDay(x.eventTimeMs);
            if (x.value > 70.0 && (hour >= 22 || hour < 6)) ++acc.loudNights;
        }
        const Table& at = a->table;
        QCOMPARE(at.rowCount(), hand.size());
        std::size_t row = 0;
        for (const auto& [k, acc] : hand) {
            QCOMPARE(at.column(0).intAt(row), k.first);
            QCOMPARE(at.column(1).intAt(row), k.second);
            double s = 0.0;
            for (const double v : acc.v) s += v;
            QVERIFY(near(at.column(2).doubleAt(row), s / static_cast<double>(acc.v.size())));
            QCOMPARE(at.column(3).doubleAt(row), percentile(acc.v, 0.95));
            QCOMPARE(at.column(4).intAt(row), acc.loudNights);
            QCOMPARE(at.column(5).intAt(row), static_cast<std::int64_t>(acc.v.size()));
            ++row;
        }
    }

    void cancellationAndProgress() {
        Catalog catalog;
        catalog.registerTable("t", randomTable(200000, 3));
        std::vector<double> seen;
        QueryOptions options;
        options.progress = [&](double f) {
            seen.push_back(f);
            return true;
        };
        auto ok = runQuery(catalog, "SELECT k, AVG(d) FROM t WHERE i > 0 GROUP BY k ORDER BY k", options);
        QVERIFY(ok);
        QVERIFY(seen.size() >= 5);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
        int calls = 0;
        options.progress = [&](double) { return ++calls < 3; };
        auto cancelled = runQuery(catalog, "SELECT k, d * 2 + 1 AS x FROM t WHERE i > 0 ORDER BY x", options);
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, SqlErrc::Cancelled);
        QCOMPARE(calls, 3);
    }

    void parametersAndExplain() {
        Catalog catalog = sqltest::dataCatalog();
        QueryOptions options;
        options.parameters["min_qty"] = "3";
        options.parameters["region"] = "'south'";
        auto r = runQuery(catalog, "SELECT id FROM sales WHERE qty >= :min_qty AND region = :region ORDER BY id", options);
        QVERIFY(r);
        QCOMPARE(r->table.rowCount(), std::size_t{3});
        QCOMPARE(r->table.column(0).intAt(0), std::int64_t{3});
        QVERIFY(r->plan.find("Filter") != std::string::npos);
        QVERIFY(r->plan.find("Scan sales") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSqlCompare)
#include "test_sql_compare.moc"
