// Bad-input matrix, CSV (docs/BAD_INPUT.md cases C1–C9). The structural cases (BOM, CRLF, quoted
// newlines, ragged rows, unbalanced quotes, invalid UTF-8, 10 MB fields, empty files) are proven by
// test_engine_batch_csv_malformed; this test adds bad values under a schema and the real retail file
// with damage: each problem is one rejects entry naming line and column, and every other row survives.

#include <QtTest>
#include <fstream>
#include <sstream>
#include <string>

#include "cityops/engine/batch/csv_reader.h"

using namespace cityops::engine::batch;

namespace {

//! The first 20 lines (header + 19 rows) of the shared retail data set.
std::string retailHead() {
    std::ifstream in(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv", std::ios::binary);
    std::string out;
    std::string line;
    for (int i = 0; i < 20 && std::getline(in, line); ++i) out += line + "\n";
    return out;
}

QByteArray q(const std::string& s) { return QByteArray::fromStdString(s); }

}  // namespace

class TestBadInputCsv : public QObject {
    Q_OBJECT

private slots:
    //! A bad value under an explicit schema: the row stays (Permissive, the cell null) and one rejects
    //! entry names line, column and reason; the good rows around it are intact.
    void badValueUnderSchema_data() {
        QTest::addColumn<QByteArray>("cell");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("reason");
        QTest::newRow("C1 NaN price") << QByteArray("NaN") << "price" << "";
        QTest::newRow("C2 inf price") << QByteArray("inf") << "price" << "";
        QTest::newRow("C3 number with text") << QByteArray("12abc") << "price" << "";
        QTest::newRow("C4 impossible date") << QByteArray("2024-02-30") << "day" << "";
    }
    void badValueUnderSchema() {
        QFETCH(QByteArray, cell);
        QFETCH(QString, column);
        QFETCH(QString, reason);
        const bool inDay = column == QLatin1String("day");
        const std::string bad = cell.toStdString();
        const std::string csv = "id,price,day\n1,2.5,2024-01-01\n2," + (inDay ? std::string("3.5") : bad) + "," +
                                (inDay ? bad : std::string("2024-01-02")) + "\n3,4.5,2024-01-03\n";
        CsvOptions options;
        options.schema = {{"id", DataType::Int64}, {"price", DataType::Double}, {"day", DataType::Date}};
        const auto result = readCsvText(csv, options);
        QVERIFY2(result.ok(), result.error().c_str());
        const CsvLoad& load = result.value();
        QCOMPARE(load.rowsLoaded, std::size_t{3});
        QCOMPARE(load.rowsWithErrors, std::size_t{1});
        QCOMPARE(load.rejects.rowCount(), std::size_t{1});
        QCOMPARE(load.rejects.column("line").intAt(0), std::int64_t{3});
        QCOMPARE(QString::fromStdString(std::string(load.rejects.column("column").stringAt(0))), column);
        QVERIFY(load.table.column(column.toStdString()).isNull(1));
        QCOMPARE(load.table.column("price").doubleAt(2), 4.5);
        QVERIFY(!std::string(load.rejects.column("reason").stringAt(0)).empty());
        options.mode = CsvMode::FailFast;
        const auto failed = readCsvText(csv, options);
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error().rfind("CSV rejected at line 3", 0) == 0, failed.error().c_str());
        QVERIFY2(failed.error().find("column '" + column.toStdString() + "'") != std::string::npos, failed.error().c_str());
    }

    //! C5–C8: the first 20 lines of retail_store_sales.csv, damaged; the 19 rows (less the damaged
    //! one where the structure is lost) load, the damage is one rejects entry on the right line.
    void damagedRetailHead_data() {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<int>("rows");      //!< rows loaded in Permissive mode
        QTest::addColumn<int>("rejectLine");  //!< 0: no rejects
        const std::string head = retailHead();
        QVERIFY(!head.empty());
        QTest::newRow("C5 clean") << q(head) << 19 << 0;
        std::string crlf;
        for (char c : head) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        QTest::newRow("C6 BOM and CRLF") << q("\xEF\xBB\xBF" + crlf) << 19 << 0;
        std::string ragged = head;
        const auto line5 = [&] {
            std::size_t at = 0;
            for (int i = 0; i < 4; ++i) at = ragged.find('\n', at) + 1;
            return at;
        }();
        ragged.insert(ragged.find(',', line5), ",extra");  // line 5 gets one field too many
        QTest::newRow("C7 ragged row") << q(ragged) << 19 << 5;
        std::string cut = head.substr(0, head.size() - 1);
        cut = cut.substr(0, cut.rfind(','));  // the last row loses its last field and the newline
        QTest::newRow("C8 truncated last row") << q(cut) << 19 << 20;
    }
    void damagedRetailHead() {
        QFETCH(QByteArray, csv);
        QFETCH(int, rows);
        QFETCH(int, rejectLine);
        for (const unsigned threads : {1U, 2U}) {
            CsvOptions options;
            options.threads = threads;
            if (threads > 1) options.parallelThresholdBytes = 0;
            const auto result = readCsvText(csv.toStdString(), options);
            QVERIFY2(result.ok(), result.error().c_str());
            const CsvLoad& load = result.value();
            QCOMPARE(load.recordsRead, std::size_t{19});
            QCOMPARE(load.rowsLoaded, static_cast<std::size_t>(rows));
            QCOMPARE(load.table.columnCount(), std::size_t{11});
            QCOMPARE(load.table.name(0), std::string("Transaction ID"));
            if (rejectLine == 0) {
                QCOMPARE(load.rejects.rowCount(), std::size_t{0});
            } else {
                QVERIFY(load.rejects.rowCount() >= 1);
                QCOMPARE(load.rejects.column("line").intAt(0), std::int64_t{rejectLine});
            }
        }
    }

    //! C18 (found by fuzz_csv): a field past the header's width that is itself bad (here over the
    //! size limit) in a long row. The rejects name it by position; it read past the column names before.
    void badFieldPastTheHeader() {
        const std::string csv = "a,b\n1,2\n3,4," + std::string(300, 'x') + "\n5,6\n";
        for (const CsvMode mode : {CsvMode::Permissive, CsvMode::Drop, CsvMode::FailFast}) {
            CsvOptions options;
            options.mode = mode;
            options.maxFieldBytes = 256;
            const auto result = readCsvText(csv, options);
            if (mode == CsvMode::FailFast) {
                QVERIFY(!result.ok());
                QVERIFY2(result.error().find("line 3") != std::string::npos, result.error().c_str());
                continue;
            }
            QVERIFY2(result.ok(), result.error().c_str());
            const CsvLoad& load = result.value();
            QCOMPARE(load.rowsWithErrors, std::size_t{1});
            QCOMPARE(load.rowsLoaded, mode == CsvMode::Drop ? std::size_t{2} : std::size_t{3});
            bool named = false;
            for (std::size_t i = 0; i < load.rejects.rowCount(); ++i) {
                QCOMPARE(load.rejects.column("line").intAt(i), std::int64_t{3});
                if (!load.rejects.column("column").isNull(i)) {
                    named = load.rejects.column("column").stringAt(i) == "column_3";
                }
            }
            QVERIFY(named);
        }
    }

    //! C9: 1970 and 2100 dates are valid calendar dates: kept as they are (range checks belong to the
    //! workflow reading the table, not the reader).
    void farDatesAreKept() {
        const auto result = readCsvText("id,day\n1,1970-01-01\n2,2100-12-31\n");
        QVERIFY(result.ok());
        QCOMPARE(result.value().rowsLoaded, std::size_t{2});
        QCOMPARE(result.value().rejects.rowCount(), std::size_t{0});
        QCOMPARE(result.value().table.column("day").toText(1), std::string("2100-12-31"));
    }
};

QTEST_GUILESS_MAIN(TestBadInputCsv)
#include "test_bad_input_csv.moc"
