#include <QtTest>

#include <cstdlib>
#include <fstream>

#include "sql_test_support.h"

using namespace cityops::engine::sql;

//! Golden files: each tests/engine/sql/golden/*.sql runs over the CSVs in data/ and must print exactly
//! its .expected CSV (set CITYOPS_SQL_GOLDEN_UPDATE=1 to rewrite them after checking a change).
class TestSqlGolden : public QObject {
    Q_OBJECT

private slots:
    void goldenFiles() {
        Catalog catalog = sqltest::dataCatalog();
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(sqltest::sqlDir() / "golden")) {
            if (entry.path().extension() == ".sql") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        QVERIFY(files.size() >= 12);
        const bool update = std::getenv("CITYOPS_SQL_GOLDEN_UPDATE") != nullptr;
        for (const auto& file : files) {
            const std::string query = sqltest::readText(file);
            auto result = runQuery(catalog, query);
            if (!result) QFAIL(qPrintable(QString::fromStdString(file.filename().string() + ": " + result.error().toText())));
            const std::string csv = formatResult(*result, ResultFormat::Csv);
            auto expectedPath = file;
            expectedPath.replace_extension(".expected");
            if (update) {
                std::ofstream(expectedPath, std::ios::binary) << csv;
                continue;
            }
            const std::string expected = sqltest::readText(expectedPath);
            if (csv != expected) {
                qWarning("%s: got\n%s\nexpected\n%s", file.filename().c_str(), csv.c_str(), expected.c_str());
            }
            QCOMPARE(QString::fromStdString(csv), QString::fromStdString(expected));
        }
    }

    //! Bad queries: each fails with its kind of error, a message naming the problem and the position.
    void errorTable() {
        Catalog catalog = sqltest::dataCatalog();
        struct Case {
            const char* query;
            SqlErrc code;
            int line;
            int column;
            const char* fragment;
        };
        const Case cases[] = {
            {"SELECT * FROM sale", SqlErrc::UnknownTable, 1, 15, "did you mean 'sales'"},
            {"SELECT regoin FROM sales", SqlErrc::UnknownColumn, 1, 8, "did you mean 'region'"},
            {"SELECT id\nFROM sales\nWHERE prodcut = 'x'", SqlErrc::UnknownColumn, 3, 7, "did you mean 'product'"},
            {"SELECT x.id FROM sales s", SqlErrc::UnknownTable, 1, 8, "unknown table or alias 'x'"},
            {"SELECT region FROM sales s JOIN regions r ON s.region = r.region", SqlErrc::Ambiguous, 1, 8, "ambiguous"},
            {"SELECT region, qty FROM sales GROUP BY region", SqlErrc::Syntax, 1, 16, "must appear in the GROUP BY"},
            {"SELECT SUM(product) FROM sales", SqlErrc::TypeMismatch, 1, 8, "needs a numeric argument"},
            {"SELECT id FROM sales WHERE qty + 'a' > 1", SqlErrc::TypeMismatch, 1, 32, "cannot apply '+'"},
            {"SELECT id FROM sales WHERE sold_at > 5", SqlErrc::TypeMismatch, 1, 36, "cannot compare timestamp with long"},
            {"SELECT id FROM sales WHERE qty", SqlErrc::TypeMismatch, 1, 28, "WHERE needs a boolean"},
            {"SELECT id FROM sales WHERE SUM(qty) > 1", SqlErrc::Syntax, 1, 28, "not allowed in WHERE"},
            {"SELECT id FROM sales WHERE sold_at > 'yesterday'", SqlErrc::TypeMismatch, 1, 38, "not a valid timestamp"},
            {"SELECT id FROM sales UNION SELECT id FROM sales", SqlErrc::Unsupported, 1, 22, "UNION"},
            {"SELECT id FROM sales s RIGHT JOIN regions r ON s.region = r.region", SqlErrc::Unsupported, 1, 24, "RIGHT JOIN"},
            {"SELECT foo(id) FROM sales", SqlErrc::Unsupported, 1, 8, "unknown function foo()"},
            {"SELECT date_trunc('hourz', sold_at) FROM sales", SqlErrc::Unsupported, 1, 19, "did you mean 'hour'"},
            {"SELECT id FROM sales WHERE", SqlErrc::Syntax, 1, 27, "found end of query"},
            {"SELECT id,\n  FROM sales", SqlErrc::Syntax, 2, 3, "keyword FROM"},
            {"SELECT 'abc FROM sales", SqlErrc::Syntax, 1, 8, "unterminated string"},
            {"SELECT id FROM sales ORDER BY 5", SqlErrc::Syntax, 1, 31, "ORDER BY position 5"},
            {"SELECT id FROM sales LIMIT 'x'", SqlErrc::TypeMismatch, 1, 28, "LIMIT needs"},
            {"SELECT LAG(qty) OVER (PARTITION BY region) FROM sales", SqlErrc::Syntax, 1, 22, "needs ORDER BY"},
            {"SELECT PERCENTILE_CONT(1.5) WITHIN GROUP (ORDER BY qty) FROM sales", SqlErrc::TypeMismatch, 1, 24,
             "between 0 and 1"},
            {"SELECT id FROM sales WHERE id = :missing", SqlErrc::Syntax, 1, 33, "no value given for parameter :missing"},
            {"SELECT id FROM sales s LEFT JOIN regions r ON s.qty > r.target", SqlErrc::Unsupported, 1, 24,
             "LEFT JOIN needs at least one equality"},
            {"SELECT id FROM sales; SELECT 1", SqlErrc::Syntax, 1, 23, "expected end of query"},
            {"SELECT id FROM sales WHERE id = 1 # 2", SqlErrc::Syntax, 1, 35, "unexpected character '#'"},
            {"WITH a AS (SELECT 1 AS x), a AS (SELECT 2 AS x) SELECT x FROM a", SqlErrc::Syntax, 1, 28, "defined twice"},
            {"SELECT CAST(id AS blob) FROM sales", SqlErrc::Unsupported, 1, 8, "unknown type 'blob'"},
        };
        for (const Case& c : cases) {
            auto result = runQuery(catalog, c.query);
            if (result) QFAIL(c.query);
            const SqlError& e = result.error();
            const QString what = QString::fromUtf8(c.query) + QStringLiteral(" → ") + QString::fromStdString(e.toText());
            QVERIFY2(e.code == c.code, qPrintable(what));
            QVERIFY2(e.pos.line == c.line && e.pos.column == c.column, qPrintable(what));
            QVERIFY2(e.message.find(c.fragment) != std::string::npos, qPrintable(what));
        }
    }

    //! The three formats render nulls, quotes and numbers as documented.
    void formats() {
        Catalog catalog;
        auto r = runQuery(catalog, "SELECT 1 AS a, 'x,\"y' AS b, NULL AS c, 2.5 AS d");
        QVERIFY(r);
        QCOMPARE(QString::fromStdString(formatResult(*r, ResultFormat::Csv)),
                 QStringLiteral("a,b,c,d\n1,\"x,\"\"y\",,2.5\n"));
        QCOMPARE(QString::fromStdString(formatResult(*r, ResultFormat::Json)),
                 QStringLiteral("[\n {\"a\": 1, \"b\": \"x,\\\"y\", \"c\": null, \"d\": 2.5}\n]\n"));
        const std::string table = formatResult(*r, ResultFormat::Table);
        QVERIFY(table.find("| 1 | x,\"y | NULL | 2.5 |") != std::string::npos);
        QVERIFY(table.find("1 row") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSqlGolden)
#include "test_sql_golden.moc"
