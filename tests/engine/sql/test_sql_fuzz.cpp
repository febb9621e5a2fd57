#include <QtTest>

#include <random>

#include "cityops/engine/sql/lexer.h"
#include "cityops/engine/sql/stream.h"
#include "sql_test_support.h"

using namespace cityops::engine::sql;

//! Mutated golden queries (tokens deleted, duplicated, swapped, inserted; random bytes; truncation;
//! deep nesting) must give a result or an error whose position lies inside the text, never a crash.
class TestSqlFuzz : public QObject {
    Q_OBJECT

private slots:
    void mutatedQueries() {
        Catalog catalog = sqltest::dataCatalog();
        std::vector<std::string> queries;
        for (const auto& entry : std::filesystem::directory_iterator(sqltest::sqlDir() / "golden")) {
            if (entry.path().extension() == ".sql") queries.push_back(sqltest::readText(entry.path()));
        }
        std::sort(queries.begin(), queries.end());
        QVERIFY(!queries.empty());
        const std::vector<std::string> pool = {"SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "(", ")", ",", "*",
                                               "JOIN", "ON", "AND", "OR", "NOT", "NULL", "CASE", "WHEN", "END", "OVER",
                                               "'x'", "1", "0.5", "sales", "region", "qty", "-", "/", "=", "IN", "LIMIT",
                                               "WITH", "AS", "COUNT", "SUM", "PARTITION", "::", ".", ";", ":p", "\"q\""};
        std::mt19937 rng(20261123);
        int ok = 0;
        int failed = 0;
        for (int iteration = 0; iteration < 3000; ++iteration) {
            const std::string& base = queries[static_cast<std::size_t>(iteration) % queries.size()];
            auto tokens = tokenize(base);
            QVERIFY(tokens);
            std::vector<std::string> parts;
            for (const Token& t : *tokens) {
                if (t.kind != TokenKind::End) parts.push_back(base.substr(t.offset, t.length));
            }
            std::string text;
            const int kind = static_cast<int>(rng() % 6);
            const int edits = 1 + static_cast<int>(rng() % 3);
            for (int e = 0; e < edits && !parts.empty(); ++e) {
                const std::size_t at = rng() % parts.size();
                switch (kind) {
                    case 0: parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at)); break;
                    case 1: parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at), parts[at]); break;
                    case 2: std::swap(parts[at], parts[rng() % parts.size()]); break;
                    case 3: parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at), pool[rng() % pool.size()]); break;
                    default: break;
                }
            }
            for (const std::string& p : parts) text += p + " ";
            if (kind == 4) {
                for (int e = 0; e < edits; ++e) text[rng() % text.size()] = static_cast<char>(rng() % 256);
            } else if (kind == 5) {
                text.resize(rng() % text.size());
            }
            auto result = runQuery(catalog, text);
            if (result) {
                ++ok;
                continue;
            }
            ++failed;
            const SqlError& err = result.error();
            const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
            QVERIFY2(err.pos.line >= 1 && err.pos.line <= lines && err.pos.column >= 1 &&
                         err.pos.column <= static_cast<int>(text.size()) + 1,
                     qPrintable(QString::fromStdString(text + " → " + err.toText())));
            QVERIFY(!err.message.empty());
        }
        QVERIFY(ok > 50);
        QVERIFY(failed > 500);
    }

    //! Streaming scripts (the design CO2 rule, windows, sinks) mutated the same way, parsed and planned.
    void mutatedStreamScripts() {
        const std::vector<std::string> scripts = {
            sqltest::designCo2Script(),
            "CREATE TABLE air (sensor_id BIGINT, metric STRING, `value` DOUBLE, ts BIGINT, t AS TO_TIMESTAMP_LTZ(ts, 3),\n"
            "  WATERMARK FOR t AS t - INTERVAL '5' SECOND) WITH ('connector' = 'embedded', 'topic' = 'air-quality');\n"
            "CREATE TABLE agg WITH ('connector' = 'aggregates') AS SELECT sensor_id, COUNT(*) AS n, AVG(`value`) AS a,\n"
            "  HOP_END(t, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE) AS e FROM air WHERE metric IN ('co2', 'pm25')\n"
            "  GROUP BY HOP(t, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE), sensor_id HAVING COUNT(*) > 2;\n"
            "INSERT INTO agg SELECT sensor_id, COUNT(*), SUM(`value`), SESSION_START(t, INTERVAL '30' SECOND) FROM air\n"
            "  GROUP BY SESSION(t, INTERVAL '30' SECOND), sensor_id;"};
        QVERIFY(!scripts[0].empty());
        const std::vector<std::string> pool = {"CREATE", "TABLE", "INSERT", "INTO", "WITH", "(", ")", ",", "'x'", "=",
                                               "WATERMARK", "FOR", "INTERVAL", "'5'", "SECOND", "TUMBLE", "HOP", "SESSION",
                                               "MATCH_RECOGNIZE", "PATTERN", "DEFINE", "MEASURES", "{", "}", "+", "*", "?",
                                               "PARTITION", "ORDER", "BY", "GROUP", "AS", "SELECT", "FROM", ";", "LIMIT"};
        std::mt19937 rng(20261124);
        int planned = 0;
        int failed = 0;
        for (int iteration = 0; iteration < 2000; ++iteration) {
            const std::string& base = scripts[static_cast<std::size_t>(iteration) % scripts.size()];
            auto tokens = tokenize(base);
            QVERIFY(tokens);
            std::vector<std::string> parts;
            for (const Token& t : *tokens) {
                if (t.kind != TokenKind::End) parts.push_back(base.substr(t.offset, t.length));
            }
            const int kind = static_cast<int>(rng() % 6);
            const int edits = 1 + static_cast<int>(rng() % 3);
            for (int e = 0; e < edits && !parts.empty(); ++e) {
                const std::size_t at = rng() % parts.size();
                switch (kind) {
                    case 0: parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at)); break;
                    case 1: parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at), parts[at]); break;
                    case 2: std::swap(parts[at], parts[rng() % parts.size()]); break;
                    case 3: parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(at), pool[rng() % pool.size()]); break;
                    default: break;
                }
            }
            std::string text;
            for (const std::string& p : parts) text += p + " ";
            if (kind == 4) {
                for (int e = 0; e < edits; ++e) text[rng() % text.size()] = static_cast<char>(rng() % 256);
            } else if (kind == 5) {
                text.resize(rng() % text.size());
            }
            auto result = explainStreamScript(text);
            if (result) {
                ++planned;
                continue;
            }
            ++failed;
            const SqlError& err = result.error();
            QVERIFY2(err.pos.line >= 1 && err.pos.column >= 1 && err.pos.column <= static_cast<int>(text.size()) + 1,
                     qPrintable(QString::fromStdString(text + " → " + err.toText())));
            QVERIFY(!err.message.empty());
        }
        QVERIFY(planned > 20);
        QVERIFY(failed > 500);
    }

    void hostileShapes() {
        Catalog catalog = sqltest::dataCatalog();
        const std::vector<std::string> texts = {
            std::string(10000, '('),
            "SELECT " + std::string(10000, '('),
            "SELECT " + std::string(10000, '-') + "1",
            "SELECT * FROM " + std::string(3000, '(') + "sales" + std::string(3000, ')'),
            "SELECT CASE " + [] {
                std::string s;
                for (int i = 0; i < 3000; ++i) s += "WHEN qty = " + std::to_string(i) + " THEN " + std::to_string(i) + " ";
                return s;
            }() + "END FROM sales",
            "SELECT qty IN (" + [] {
                std::string s = "0";
                for (int i = 1; i < 5000; ++i) s += "," + std::to_string(i);
                return s;
            }() + ") FROM sales",
            std::string("SELECT \0 FROM sales", 20),
            "SELECT 99999999999999999999999 * 99999999999999999999 FROM sales",
            "SELECT 9223372036854775807 + 1, -9223372036854775807 - 2, 5 % 0, 5 / 0",
            "",
            ";",
            "/* */",
        };
        for (const std::string& t : texts) {
            auto r = runQuery(catalog, t);
            if (!r) QVERIFY(r.error().pos.line >= 1 && r.error().pos.column >= 1);
        }
        auto wide = runQuery(catalog, texts[4]);
        QVERIFY(wide);  // a long CASE is wide, not deep
        QCOMPARE(wide->table.rowCount(), std::size_t{12});
    }
};

QTEST_GUILESS_MAIN(TestSqlFuzz)
#include "test_sql_fuzz.moc"
