#include <QtTest>
#include <string>
#include <vector>

#include "cityops/engine/batch/csv_reader.h"

using namespace cityops::engine::batch;

namespace {

//! One malformed input and what each mode must make of it.
struct Case {
    const char* name;
    std::string csv;
    // the first rejects entry
    std::int64_t line;
    std::int64_t offset;
    const char* column;  //!< nullptr: the record as a whole
    std::string reason;
    // rows kept by Permissive and by Drop; rows a structural problem loses even in Permissive
    std::size_t permissiveRows;
    std::size_t dropRows;
};

std::vector<Case> cases() {
    const std::string big(10 * 1024 * 1024, 'x');
    return {
        {"short row", "a,b,c\n1,2,3\n4,5\n7,8,9\n", 3, 12, nullptr, "expected 3 fields, found 2", 3, 2},
        {"long row", "a,b\n1,2\n3,4,5\n6,7\n", 3, 8, nullptr, "expected 2 fields, found 3", 3, 2},
        {"unbalanced quote", "a,b\n1,2\n3,\"open\n4,5\n", 3, 8, nullptr, "unterminated quoted field opened on line 3",
         1, 1},
        {"text after closing quote", "a,b\n1,\"x\"y\n2,3\n", 2, 4, nullptr,
         "unexpected character after closing quote in field 2", 1, 1},
        {"invalid UTF-8", "a,b\n1,ok\n2,bad\xFF\n", 3, 9, "b", "invalid UTF-8", 2, 1},
        {"10 MB single field", "id,blob\n1," + big + "\n2,x\n", 2, 8, "blob",
         "field of 10485760 bytes exceeds the limit of 1048576 bytes", 2, 1},
        {"10 MB quoted field", "id,blob\n1,\"" + big + "\"\n2,x\n", 2, 8, "blob",
         "field of 10485760 bytes exceeds the limit of 1048576 bytes", 2, 1},
        {"BOM and CRLF, short row", "\xEF\xBB\xBF" "a,b\r\n1,2\r\n3\r\n4,5\r\n", 3, 13, nullptr,
         "expected 2 fields, found 1", 3, 2},
        {"short row after a quoted newline", "n,note\n1,\"two\nlines\"\n2\n3,z\n", 4, 21, nullptr,
         "expected 2 fields, found 1", 3, 2},
    };
}

CsvOptions inMode(CsvMode mode, unsigned threads = 1) {
    CsvOptions options;
    options.mode = mode;
    options.threads = threads;
    if (threads > 1) options.parallelThresholdBytes = 0;
    return options;
}

}  // namespace

//! Malformed CSVs in each of the three modes: a clear rejects entry (line, byte offset, column, reason)
//! or error message, the row counts each mode promises, and no crash; same answers on two threads.
class TestCsvMalformed : public QObject {
    Q_OBJECT

private slots:
    void rejectsInEveryMode() {
        for (const Case& c : cases()) {
            for (const unsigned threads : {1U, 2U}) {
                const QByteArray what = QByteArray(c.name) + " threads=" + QByteArray::number(threads);
                const auto permissive = readCsvText(c.csv, inMode(CsvMode::Permissive, threads));
                QVERIFY2(permissive.ok(), what.constData());
                const CsvLoad& p = permissive.value();
                QVERIFY2(p.rejects.rowCount() >= 1, what.constData());
                QCOMPARE(p.rejects.column("line").intAt(0), c.line);
                QCOMPARE(p.rejects.column("byte_offset").intAt(0), c.offset);
                if (c.column == nullptr) {
                    QVERIFY2(p.rejects.column("column").isNull(0), what.constData());
                } else {
                    QCOMPARE(std::string(p.rejects.column("column").stringAt(0)), std::string(c.column));
                }
                QCOMPARE(std::string(p.rejects.column("reason").stringAt(0)), c.reason);
                QCOMPARE(p.rowsLoaded, c.permissiveRows);
                QCOMPARE(p.rowsWithErrors, std::size_t{1});
                QCOMPARE(p.rowsLoaded + p.rowsDropped, p.recordsRead);

                const auto drop = readCsvText(c.csv, inMode(CsvMode::Drop, threads));
                QVERIFY2(drop.ok(), what.constData());
                QCOMPARE(drop.value().rowsLoaded, c.dropRows);
                QCOMPARE(drop.value().rowsDropped, drop.value().recordsRead - c.dropRows);
                QCOMPARE(drop.value().rejects.rowCount(), p.rejects.rowCount());

                const auto failFast = readCsvText(c.csv, inMode(CsvMode::FailFast, threads));
                QVERIFY2(!failFast.ok(), what.constData());
                std::string expected =
                    "CSV rejected at line " + std::to_string(c.line) + " (byte " + std::to_string(c.offset) + ")";
                if (c.column != nullptr) expected += ", column '" + std::string(c.column) + "'";
                expected += ": " + c.reason;
                QVERIFY2(failFast.error().rfind(expected, 0) == 0,
                         (what + ": " + QByteArray::fromStdString(failFast.error())).constData());
            }
        }
    }

    void wellFormedEdgeCasesPassEveryMode() {
        // BOM, CRLF, quoted newlines, escaped quotes and blank lines are valid CSV: no rejects anywhere.
        const std::string csv = "\xEF\xBB\xBFid,note\r\n1,\"a, \"\"b\"\"\r\nc\"\r\n\r\n2,plain\r\n3,\"\"\r\n";
        for (const CsvMode mode : {CsvMode::Permissive, CsvMode::Drop, CsvMode::FailFast}) {
            const auto result = readCsvText(csv, inMode(mode));
            QVERIFY2(result.ok(), result.error().c_str());
            const CsvLoad& l = result.value();
            QCOMPARE(l.table.names(), (std::vector<std::string>{"id", "note"}));
            QCOMPARE(l.rowsLoaded, std::size_t{3});
            QCOMPARE(l.rejects.rowCount(), std::size_t{0});
            QCOMPARE(l.table.column("note").toText(0), std::string("a, \"b\"\r\nc"));
            QVERIFY(l.table.column("note").isNull(2));  // "" is the null token
        }
    }

    void emptyAndHeaderOnlyInEveryMode() {
        for (const CsvMode mode : {CsvMode::Permissive, CsvMode::Drop, CsvMode::FailFast}) {
            for (const std::string& empty : {std::string(), std::string("\xEF\xBB\xBF"), std::string("\r\n\n  \n")}) {
                const auto result = readCsvText(empty, inMode(mode));
                QVERIFY(!result.ok());
                QCOMPARE(result.error(), std::string("empty file: no header and no data"));
            }
            const auto headerOnly = readCsvText("a,b,c\r\n", inMode(mode));
            QVERIFY2(headerOnly.ok(), headerOnly.error().c_str());
            QCOMPARE(headerOnly.value().table.columnCount(), std::size_t{3});
            QCOMPARE(headerOnly.value().table.rowCount(), std::size_t{0});
            QCOMPARE(headerOnly.value().notes.front(), std::string("header only: no data rows"));
        }
    }

    void manyProblemsAreAllListedInOrder() {
        // Permissive keeps every recoverable row and lists every problem, ordered by position.
        const std::string csv = "a,b\n1,2\nx,3\n4\n5,\xC3\n6,\"7\n";
        const auto result = readCsvText(csv, inMode(CsvMode::Permissive));
        QVERIFY(result.ok());
        const CsvLoad& l = result.value();
        QCOMPARE(l.recordsRead, std::size_t{5});
        QCOMPARE(l.rejects.rowCount(), std::size_t{3});
        QCOMPARE(l.rejects.column("line").intAt(0), std::int64_t{4});
        QCOMPARE(std::string(l.rejects.column("reason").stringAt(0)), std::string("expected 2 fields, found 1"));
        QCOMPARE(l.rejects.column("line").intAt(1), std::int64_t{5});
        QCOMPARE(std::string(l.rejects.column("reason").stringAt(1)), std::string("invalid UTF-8"));
        QCOMPARE(std::string(l.rejects.column("value").stringAt(1)), std::string("\\xC3"));
        QCOMPARE(l.rejects.column("line").intAt(2), std::int64_t{6});
        QCOMPARE(std::string(l.rejects.column("reason").stringAt(2)),
                 std::string("unterminated quoted field opened on line 6"));
        QCOMPARE(l.table.column("a").type(), DataType::String);  // "x" makes column a text
        QCOMPARE(l.rowsLoaded, std::size_t{4});
        QCOMPARE(l.rowsDropped, std::size_t{1});
    }
};

QTEST_APPLESS_MAIN(TestCsvMalformed)
#include "test_csv_malformed.moc"
