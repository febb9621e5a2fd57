#include <QtTest>
#include <cmath>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/operations.h"
#include "cityops/engine/batch/result.h"

using namespace cityops::engine::batch;

namespace {

Table csv(const std::string& text) {
    CsvOptions options;
    options.hasHeader = true;
    return readCsvText(text, options).value().table;
}

std::vector<std::string> columnText(const Table& t, std::string_view name) {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < t.rowCount(); ++r) out.push_back(t.column(name).toText(r));
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

//! Table operations: names, casts, expressions, joins, group-by, ordering, null handling.
class TestOperations : public QObject {
    Q_OBJECT

private slots:
    void namesAndSelect() {
        QCOMPARE(toSnakeCase("Price Per Unit"), std::string("price_per_unit"));
        QCOMPARE(toSnakeCase("Transaction ID"), std::string("transaction_id"));
        QCOMPARE(toSnakeCase("customerID"), std::string("customer_id"));
        QCOMPARE(toSnakeCase("HTTPServer"), std::string("http_server"));
        QCOMPARE(toSnakeCase("  x-y (z) "), std::string("x_y_z"));
        const Table t = csv("A B,cD\n1,2\n");
        QCOMPARE(normaliseNames(t).names(), (Strings{"a_b", "c_d"}));
        QCOMPARE(select(t, {"cD"}).names(), (Strings{"cD"}));
        QCOMPARE(rename(t, {{"cD", "z"}}).names(), (Strings{"A B", "z"}));
        QVERIFY_THROWS_EXCEPTION(BatchError, rename(t, {{"cD", "A B"}}));
        QVERIFY_THROWS_EXCEPTION(BatchError, select(t, {"nope"}));
    }

    void castCountsNewNulls() {
        const Table t = csv("q,s\n10.0,2024-01-02\n2.5,junk\n,x\n7,2023-12-31\n");
        const CastResult toInt = castColumn(t, "q", DataType::Int64);
        QCOMPARE(toInt.newNulls, std::size_t{1});
        QCOMPARE(columnText(toInt.table, "q"), (Strings{"10", "null", "null", "7"}));
        const CastResult toDate = castColumn(t, "s", DataType::Date);
        QCOMPARE(toDate.newNulls, std::size_t{2});
        QCOMPARE(columnText(toDate.table, "s"), (Strings{"2024-01-02", "null", "null", "2023-12-31"}));
        QCOMPARE(columnText(castColumn(t, "q", DataType::String).table, "q"), (Strings{"10.0", "2.5", "null", "7.0"}));
    }

    void expressions() {
        const Table t =
            csv("a,b,d,ts\n1,2.0,2024-03-04,2024-03-04 13:45:10\n4,,2024-03-10,2024-03-10 00:00:00\n,0,,\n");
        QCOMPARE(columnText(withColumn(t, "x", col("a") * litInt(3) + litInt(1)), "x"), (Strings{"4", "13", "null"}));
        QCOMPARE(columnText(withColumn(t, "x", col("a") / col("b")), "x"), (Strings{"0.5", "null", "null"}));
        QCOMPARE(columnText(withColumn(t, "x", col("a") > litInt(2) || isNull(col("a"))), "x"),
                 (Strings{"false", "true", "true"}));
        QCOMPARE(columnText(withColumn(t, "x", col("a") > litInt(2) && col("b") > litDouble(1)), "x"),
                 (Strings{"false", "null", "false"}));
        QCOMPARE(columnText(withColumn(t, "x", caseWhen({{col("a") < litInt(2), litString("low")}}, litString("high"))),
                            "x"),
                 (Strings{"low", "high", "high"}));
        QCOMPARE(columnText(withColumn(t, "x", coalesce({col("b"), col("a"), litInt(-1)})), "x"),
                 (Strings{"2.0", "4.0", "0.0"}));
        QCOMPARE(columnText(withColumn(t, "x", round(col("a") / litDouble(3.0), 2)), "x"),
                 (Strings{"0.33", "1.33", "null"}));
        QCOMPARE(columnText(withColumn(t, "x", dayOfWeek(col("d"))), "x"), (Strings{"1", "7", "null"}));
        QCOMPARE(columnText(withColumn(t, "x", month(col("ts"))), "x"), (Strings{"3", "3", "null"}));
        QCOMPARE(columnText(withColumn(t, "x", dateTruncHour(col("ts"))), "x"),
                 (Strings{"2024-03-04 13:00:00", "2024-03-10 00:00:00", "null"}));
        QCOMPARE(columnText(withColumn(t, "x", dateTruncDay(col("d"))), "x"),
                 (Strings{"2024-03-04 00:00:00", "2024-03-10 00:00:00", "null"}));
        QCOMPARE(filter(t, !(col("a") == litInt(1))).rowCount(), std::size_t{1});
        QVERIFY_THROWS_EXCEPTION(BatchError, filter(t, col("a") + litInt(1)));
        QVERIFY_THROWS_EXCEPTION(BatchError, withColumn(t, "x", col("d") + litInt(1)));
    }

    void parallelEvaluationMatches() {
        std::string text = "a,b\n";
        for (int i = 0; i < 120000; ++i)
            text += std::to_string(i) + "," + (i % 7 == 0 ? "" : std::to_string(i % 13)) + "\n";
        const Table t = csv(text);
        const Expr e = caseWhen({{col("b") > litInt(6), col("a") * col("b")}}, litInt(0));
        const Column one = evaluate(t, e, 1);
        const Column two = evaluate(t, e, 2);
        for (std::size_t r = 0; r < t.rowCount(); ++r) QCOMPARE(one.toText(r), two.toText(r));
        std::size_t expected = 0;
        for (int i = 0; i < 120000; ++i) expected += (i % 7 != 0 && i % 13 > 6) ? 1 : 0;
        QCOMPARE(filter(t, col("b") > litInt(6)).rowCount(), expected);
    }

    void joins() {
        const Table l = csv("k,v\n1,a\n2,b\n3,c\n,d\n2,e\n");
        const Table r = csv("k,w\n2,x\n2,y\n3,z\n,n\n");
        const Table inner = join(l, r, {"k"}, {"k"}, JoinType::Inner);
        QCOMPARE(columnText(inner, "v"), (Strings{"b", "b", "c", "e", "e"}));
        QCOMPARE(columnText(inner, "w"), (Strings{"x", "y", "z", "x", "y"}));
        const Table left = join(l, r, {"k"}, {"k"}, JoinType::Left);
        QCOMPARE(columnText(left, "w"), (Strings{"null", "x", "y", "z", "null", "x", "y"}));
        QCOMPARE(columnText(join(l, r, {"k"}, {"k"}, JoinType::Semi), "v"), (Strings{"b", "c", "e"}));
        QCOMPARE(columnText(join(l, r, {"k"}, {"k"}, JoinType::Anti), "v"), (Strings{"a", "d"}));
        const Table rd = csv("k,v\n2.0,q\n");
        const Table mixed = join(l, rd, {"k"}, {"k"}, JoinType::Inner);
        QCOMPARE(columnText(mixed, "v_right"), (Strings{"q", "q"}));
        QVERIFY_THROWS_EXCEPTION(BatchError, join(l, r, {"v"}, {"k"}, JoinType::Inner));
    }

    void groupByAggregates() {
        const Table t = csv("g,x\na,1\nb,10\na,3\na,\nb,10\nc,\na,8\n");
        const Table g = groupBy(t, {"g"},
                                {{AggKind::Sum, "x", "sum"},
                                 {AggKind::Avg, "x", "avg"},
                                 {AggKind::Min, "x", "min"},
                                 {AggKind::Max, "x", "max"},
                                 {AggKind::Count, "x", "n"},
                                 {AggKind::CountAll, "x", "rows"},
                                 {AggKind::CountDistinct, "x", "nd"},
                                 {AggKind::StdDev, "x", "sd"},
                                 {AggKind::Percentile, "x", "p50", 0.5},
                                 {AggKind::Percentile, "x", "p90", 0.9}});
        QCOMPARE(columnText(g, "g"), (Strings{"a", "b", "c"}));
        QCOMPARE(columnText(g, "sum"), (Strings{"12", "20", "null"}));
        QCOMPARE(columnText(g, "avg"), (Strings{"4.0", "10.0", "null"}));
        QCOMPARE(columnText(g, "min"), (Strings{"1", "10", "null"}));
        QCOMPARE(columnText(g, "max"), (Strings{"8", "10", "null"}));
        QCOMPARE(columnText(g, "n"), (Strings{"3", "2", "0"}));
        QCOMPARE(columnText(g, "rows"), (Strings{"4", "2", "1"}));
        QCOMPARE(columnText(g, "nd"), (Strings{"3", "1", "0"}));
        QVERIFY(std::fabs(g.column("sd").doubleAt(0) - std::sqrt(13.0)) < 1e-12);
        QCOMPARE(columnText(g, "p50"), (Strings{"3.0", "10.0", "null"}));
        QVERIFY(std::fabs(g.column("p90").doubleAt(0) - 7.0) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(BatchError, groupBy(t, {"x"}, {{AggKind::Sum, "g", "s"}}));
    }

    void orderingAndNulls() {
        const Table t = csv("a,b\n2,x\n,y\n1,z\n2,w\n1,z\n");
        QCOMPARE(columnText(orderBy(t, {{"a", true}, {"b", true}}), "b"), (Strings{"z", "z", "w", "x", "y"}));
        QCOMPARE(columnText(orderBy(t, {{"a", false}}), "b"), (Strings{"x", "w", "z", "z", "y"}));
        QCOMPARE(limit(t, 2).rowCount(), std::size_t{2});
        QCOMPARE(limit(t, 20).rowCount(), std::size_t{5});
        QCOMPARE(distinct(t).rowCount(), std::size_t{4});
        QCOMPARE(columnText(distinct(t, {"a"}), "b"), (Strings{"x", "y", "z"}));
        QCOMPARE(dropNa(t).rowCount(), std::size_t{4});
        QCOMPARE(dropNa(t, {"b"}).rowCount(), std::size_t{5});
        QCOMPARE(columnText(fillNa(t, "a", Value::ofInt(0)), "a"), (Strings{"2", "0", "1", "2", "1"}));
        QVERIFY_THROWS_EXCEPTION(BatchError, fillNa(t, "a", Value::ofString("x")));
    }
};

QTEST_APPLESS_MAIN(TestOperations)
#include "test_operations.moc"
