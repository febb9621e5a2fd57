#include <QtTest>

#include "cityops/engine/batch/result.h"
#include "cityops/engine/batch/table.h"

using namespace cityops::engine::batch;

//! Columns with null bitmaps, dictionary encoding, take(), printSchema and show(n).
class TestTable : public QObject {
    Q_OBJECT

private slots:
    void nullBitmapAcrossWords() {
        Column c(DataType::Int64);
        for (int i = 0; i < 200; ++i) {
            if (i % 3 == 0)
                c.appendNull();
            else
                c.appendInt(i);
        }
        QCOMPARE(c.size(), std::size_t{200});
        QCOMPARE(c.nullCount(), std::size_t{67});
        QVERIFY(c.isNull(0));
        QVERIFY(!c.isNull(130));
        QCOMPARE(c.intAt(130), std::int64_t{130});
    }

    void dictionaryEncodesAndSharesOnTake() {
        Column c(DataType::String);
        for (const char* s : {"a", "b", "a", "c", "a"}) c.appendString(s);
        c.appendNull();
        QCOMPARE(c.dictionary().strings.size(), std::size_t{3});
        QCOMPARE(c.codeAt(0), c.codeAt(2));
        Column picked = c.take({4, 3, Column::kNoRow, 5});
        QCOMPARE(picked.size(), std::size_t{4});
        QCOMPARE(picked.stringAt(0), std::string_view("a"));
        QCOMPARE(picked.stringAt(1), std::string_view("c"));
        QVERIFY(picked.isNull(2));
        QVERIFY(picked.isNull(3));
        picked.appendString("long string that is not in the shared dictionary");
        QCOMPARE(c.dictionary().strings.size(), std::size_t{3});
        QCOMPARE(picked.stringAt(4), std::string_view("long string that is not in the shared dictionary"));
        QCOMPARE(c.stringAt(3), std::string_view("c"));
    }

    void schemaAndShow() {
        Table t;
        Column ids(DataType::Int64);
        Column names(DataType::String);
        Column days(DataType::Date);
        Column prices(DataType::Double);
        for (int i = 0; i < 3; ++i) {
            ids.appendInt(i);
            names.appendString(i == 1 ? "a rather long name beyond twenty" : "x");
            days.appendInt(19000 + i);
            if (i == 2)
                prices.appendNull();
            else
                prices.appendDouble(1.5 * i);
        }
        t.setColumn("id", ids);
        t.setColumn("name", names);
        t.setColumn("day", days);
        t.setColumn("price", prices);
        QCOMPARE(QString::fromStdString(t.schemaText()),
                 QStringLiteral("root\n |-- id: long (nullable = true)\n |-- name: string (nullable = true)\n"
                                " |-- day: date (nullable = true)\n |-- price: double (nullable = true)\n"));
        const std::string shown = t.showText(2);
        QVERIFY(shown.find("|id|                name|       day|price|") != std::string::npos);
        QVERIFY(shown.find("| 1|a rather long nam...|2022-01-09|  1.5|") != std::string::npos);
        QVERIFY(shown.find("only showing top 2 rows") != std::string::npos);
        QVERIFY(t.showText(5).find("null") != std::string::npos);
        QVERIFY(t.memoryBytes() > 0);
        QVERIFY_THROWS_EXCEPTION(BatchError, t.column("missing"));
        Column shortColumn(DataType::Int64);
        QVERIFY_THROWS_EXCEPTION(BatchError, t.setColumn("bad", shortColumn));
    }
};

QTEST_APPLESS_MAIN(TestTable)
#include "test_table.moc"
