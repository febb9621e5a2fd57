#include <QtTest>
#include <random>
#include <string>

#include "cityops/engine/batch/csv_reader.h"

using namespace cityops::engine::batch;

namespace {

CsvLoad load(const std::string& text, CsvOptions options = {}) {
    auto result = readCsvText(text, options);
    if (!result) qFatal("unexpected load failure: %s", result.error().c_str());
    return std::move(result).value();
}

bool sameTables(const Table& a, const Table& b) {
    if (a.names() != b.names() || a.rowCount() != b.rowCount()) return false;
    for (std::size_t c = 0; c < a.columnCount(); ++c) {
        if (a.column(c).type() != b.column(c).type()) return false;
        for (std::size_t r = 0; r < a.rowCount(); ++r) {
            if (a.column(c).toText(r) != b.column(c).toText(r)) return false;
        }
    }
    return true;
}

std::string text(const Table& t, std::string_view column, std::size_t row) {
    return t.column(column).toText(row);
}

}  // namespace

//! CSV reader: RFC-4180 quoting, detection (delimiter, header, types), rejects and modes, malformed
//! inputs, and identical results on one or two threads.
class TestCsvReader : public QObject {
    Q_OBJECT

private slots:
    void infersTypes() {
        const CsvLoad l = load(
            "id,price,ok,day,at,name\n1,2.5,True,2024-01-31,2024-01-31 10:15:00,a\n"
            "2,,false,2024-02-29,2024-01-31T23:59:59.5,\n");
        QCOMPARE(l.table.rowCount(), std::size_t{2});
        QCOMPARE(l.table.column("id").type(), DataType::Int64);
        QCOMPARE(l.table.column("price").type(), DataType::Double);
        QCOMPARE(l.table.column("ok").type(), DataType::Bool);
        QCOMPARE(l.table.column("day").type(), DataType::Date);
        QCOMPARE(l.table.column("at").type(), DataType::Timestamp);
        QCOMPARE(l.table.column("name").type(), DataType::String);
        QVERIFY(l.table.column("price").isNull(1));
        QVERIFY(l.table.column("name").isNull(1));
        QCOMPARE(text(l.table, "day", 1), std::string("2024-02-29"));
        QCOMPARE(text(l.table, "at", 1), std::string("2024-01-31 23:59:59.500"));
        QCOMPARE(l.rejects.rowCount(), std::size_t{0});
    }

    void dateFormats() {
        QCOMPARE(load("d\n31/01/2024\n01/02/2024\n").table.column("d").type(), DataType::Date);
        QCOMPARE(text(load("d\n31/01/2024\n01/02/2024\n").table, "d", 1), std::string("2024-02-01"));
        QCOMPARE(text(load("d\n01/31/2024\n02/01/2024\n").table, "d", 1), std::string("2024-02-01"));
        const CsvLoad ambiguous = load("d\n01/02/2024\n03/04/2024\n");
        QCOMPARE(ambiguous.table.column("d").type(), DataType::String);
        QCOMPARE(ambiguous.notes.size(), std::size_t{1});
        QCOMPARE(load("d\n2023-02-29\n").table.column("d").type(), DataType::String);
    }

    void quotingNewlinesCrlfBom() {
        const CsvLoad l = load("\xEF\xBB\xBFid,note\r\n1,\"a, \"\"quoted\"\"\r\nsecond line\"\r\n\r\n2,plain\r\n");
        QCOMPARE(l.table.names().front(), std::string("id"));
        QCOMPARE(l.table.rowCount(), std::size_t{2});
        QCOMPARE(text(l.table, "note", 0), std::string("a, \"quoted\"\r\nsecond line"));
        QCOMPARE(text(l.table, "note", 1), std::string("plain"));
        QCOMPARE(l.rejects.rowCount(), std::size_t{0});
    }

    void detectsDelimiterAndHeader() {
        QCOMPARE(load("a;b\n1;2\n").delimiter, ';');
        QCOMPARE(load("a\tb\n1\t2\n").delimiter, '\t');
        QCOMPARE(load("a|b\n1|2,5\n").delimiter, '|');
        const CsvLoad noHeader = load("1,x\n2,y\n");
        QVERIFY(!noHeader.hasHeader);
        QCOMPARE(noHeader.table.rowCount(), std::size_t{2});
        QCOMPARE(noHeader.table.names(), (std::vector<std::string>{"column_1", "column_2"}));
        QVERIFY(load("a,b\nx,y\n").hasHeader);
        QVERIFY(!load("a,a\nx,y\n").hasHeader);
    }

    void explicitSchemaAndDigitBools() {
        CsvOptions options;
        options.schema = {{"flag", DataType::Bool}, {"n", DataType::Double}};
        const CsvLoad l = load("flag,n\n1,3\n0,x\n", options);
        QVERIFY(l.hasHeader);
        QCOMPARE(l.table.column("flag").type(), DataType::Bool);
        QCOMPARE(text(l.table, "flag", 0), std::string("true"));
        QCOMPARE(text(l.table, "n", 0), std::string("3.0"));
        QVERIFY(l.table.column("n").isNull(1));
        QCOMPARE(l.rejects.rowCount(), std::size_t{1});
        QCOMPARE(text(l.rejects, "column", 0), std::string("n"));
        QCOMPARE(text(l.rejects, "line", 0), std::string("3"));
        QCOMPARE(text(l.rejects, "byte_offset", 0), std::string("11"));
        QCOMPARE(text(l.rejects, "value", 0), std::string("x"));
    }

    void raggedRowsAcrossModes() {
        const std::string csv = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n";
        const CsvLoad permissive = load(csv);
        QCOMPARE(permissive.table.rowCount(), std::size_t{4});
        QVERIFY(permissive.table.column("c").isNull(1));
        QCOMPARE(permissive.rejects.rowCount(), std::size_t{2});
        QCOMPARE(text(permissive.rejects, "reason", 0), std::string("expected 3 fields, found 2"));
        QCOMPARE(text(permissive.rejects, "line", 1), std::string("4"));
        QCOMPARE(permissive.rowsWithErrors, std::size_t{2});
        CsvOptions drop;
        drop.mode = CsvMode::Drop;
        const CsvLoad dropped = load(csv, drop);
        QCOMPARE(dropped.table.rowCount(), std::size_t{2});
        QCOMPARE(dropped.rowsDropped, std::size_t{2});
        QCOMPARE(text(dropped.table, "a", 1), std::string("10"));
        CsvOptions failFast;
        failFast.mode = CsvMode::FailFast;
        const auto failed = readCsvText(csv, failFast);
        QVERIFY(!failed);
        QCOMPARE(QString::fromStdString(failed.error()),
                 QStringLiteral("CSV rejected at line 3 (byte 12): expected 3 fields, found 2"));
    }

    void malformedInputs() {
        const auto empty = readCsvText("");
        QVERIFY(!empty);
        QVERIFY(empty.error().find("empty file") != std::string::npos);
        QVERIFY(!readCsvText("\xEF\xBB\xBF\r\n\n"));
        QVERIFY(!readCsvFile("/nonexistent/file.csv"));

        const CsvLoad headerOnly = load("a,b,c\n");
        QCOMPARE(headerOnly.table.rowCount(), std::size_t{0});
        QCOMPARE(headerOnly.table.columnCount(), std::size_t{3});
        QCOMPARE(headerOnly.notes.front(), std::string("header only: no data rows"));

        const CsvLoad unbalanced = load("a,b\n1,2\n3,\"open\n4,5\n");
        QCOMPARE(unbalanced.table.rowCount(), std::size_t{1});
        QCOMPARE(unbalanced.rowsDropped, std::size_t{1});
        QCOMPARE(text(unbalanced.rejects, "reason", 0), std::string("unterminated quoted field opened on line 3"));
        QVERIFY(unbalanced.rejects.column("column").isNull(0));

        const CsvLoad stray = load("a,b\n1,\"x\"y\n2,3\n");
        QCOMPARE(stray.table.rowCount(), std::size_t{1});
        QVERIFY(text(stray.rejects, "reason", 0).find("after closing quote") != std::string::npos);

        const CsvLoad utf8 = load("a,b\n1,caf\xC3\xA9\n2,bad\xC3\x28\n3,\xFF\n");
        QCOMPARE(utf8.table.rowCount(), std::size_t{3});
        QCOMPARE(text(utf8.table, "b", 0), std::string("caf\xC3\xA9"));
        QVERIFY(utf8.table.column("b").isNull(1));
        QCOMPARE(utf8.rejects.rowCount(), std::size_t{2});
        QCOMPARE(text(utf8.rejects, "reason", 0), std::string("invalid UTF-8"));
        QCOMPARE(text(utf8.rejects, "value", 0), std::string("bad\\xC3("));
    }

    void hugeField() {
        const std::string big(10 * 1024 * 1024, 'x');
        const std::string csv = "id,blob\n1,\"" + big + "\"\n2,small\n";
        const CsvLoad limited = load(csv);
        QCOMPARE(limited.table.rowCount(), std::size_t{2});
        QVERIFY(limited.table.column("blob").isNull(0));
        QVERIFY(text(limited.rejects, "reason", 0).find("exceeds the limit of 1048576 bytes") != std::string::npos);
        QCOMPARE(text(limited.rejects, "column", 0), std::string("blob"));
        CsvOptions roomy;
        roomy.maxFieldBytes = 16 * 1024 * 1024;
        const CsvLoad full = load(csv, roomy);
        QCOMPARE(full.table.column("blob").stringAt(0).size(), big.size());
        QCOMPARE(full.rejects.rowCount(), std::size_t{0});
    }

    void twoThreadsMatchOne() {
        std::mt19937 rng(7);
        std::string csv = "id,amount,note,day\n";
        for (int i = 0; i < 60000; ++i) {
            csv += std::to_string(i) + "," + std::to_string(rng() % 10000) + "." + std::to_string(rng() % 10) + ",";
            switch (rng() % 5) {
                case 0:
                    csv += "\"multi\nline, \"\"quoted\"\"\"";
                    break;
                case 1:
                    csv += "";
                    break;
                case 2:
                    csv += "\"\n\n\"";
                    break;
                default:
                    csv += "w" + std::to_string(rng() % 300);
                    break;
            }
            csv += i % 997 == 0 ? ",not-a-date\n"
                                : ",2024-0" + std::to_string(1 + rng() % 9) + "-1" + std::to_string(rng() % 10) + "\n";
            if (i % 5000 == 0) csv += "\r\n";
        }
        CsvOptions one;
        one.threads = 1;
        CsvOptions two;
        two.threads = 2;
        two.parallelThresholdBytes = 0;
        CsvOptions many;
        many.threads = 7;
        many.parallelThresholdBytes = 0;
        const CsvLoad a = load(csv, one);
        const CsvLoad b = load(csv, two);
        const CsvLoad c = load(csv, many);
        QCOMPARE(a.table.rowCount(), std::size_t{60000});
        QCOMPARE(a.table.column("day").type(), DataType::String);
        QVERIFY(sameTables(a.table, b.table));
        QVERIFY(sameTables(a.table, c.table));
        QVERIFY(sameTables(a.rejects, b.rejects));
    }

    void randomBytesNeverCrash() {
        std::mt19937 rng(3);
        const std::string alphabet = ",\"\n\r;a1.-/\xff\xc3 ";
        for (int round = 0; round < 400; ++round) {
            std::string input;
            const std::size_t length = rng() % 300;
            for (std::size_t i = 0; i < length; ++i) input += alphabet[rng() % alphabet.size()];
            for (const CsvMode mode : {CsvMode::Permissive, CsvMode::Drop, CsvMode::FailFast}) {
                CsvOptions one;
                one.mode = mode;
                one.threads = 1;
                CsvOptions two = one;
                two.threads = 2;
                two.parallelThresholdBytes = 0;
                const auto a = readCsvText(input, one);
                const auto b = readCsvText(input, two);
                QCOMPARE(a.ok(), b.ok());
                QCOMPARE(a.error(), b.error());
                if (!a) {
                    QVERIFY(!a.error().empty());
                    continue;
                }
                QCOMPARE(a.value().rowsLoaded + a.value().rowsDropped, a.value().recordsRead);
                QVERIFY(sameTables(a.value().table, b.value().table));
                QVERIFY(sameTables(a.value().rejects, b.value().rejects));
            }
        }
    }

    void retailFileLoads() {
        const auto result = readCsvFile(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv");
        QVERIFY2(result.ok(), result.error().c_str());
        const CsvLoad& l = result.value();
        QCOMPARE(l.table.rowCount(), std::size_t{10575});
        QCOMPARE(l.table.columnCount(), std::size_t{11});
        QCOMPARE(l.table.column("Transaction Date").type(), DataType::Date);
        QCOMPARE(l.table.column("Discount Applied").type(), DataType::Bool);
        QCOMPARE(l.table.column("Price Per Unit").type(), DataType::Double);
        QCOMPARE(l.table.column("Item").nullCount(), std::size_t{1037});
        QCOMPARE(l.rejects.rowCount(), std::size_t{0});
    }
};

QTEST_APPLESS_MAIN(TestCsvReader)
#include "test_csv_reader.moc"
