#include <sys/resource.h>
#include <sys/stat.h>

#include <QtTest>
#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

#include "cityops/connectors/report_export.h"
#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/retail_workflow.h"

using namespace cityops::connectors;
using namespace cityops::engine::batch;

namespace {

constexpr std::int64_t kApril8th2024 = 19821;  // days since 1970-01-01

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::uint32_t le(const QByteArray& data, qsizetype at, int bytes) {
    std::uint32_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(data[at + i]);
    return value;
}

//! Entry names from a zip's central directory; empty when the end-of-directory record is missing.
QStringList zipEntries(const QByteArray& zip) {
    QStringList names;
    const qsizetype eocd = zip.lastIndexOf(QByteArray("PK\x05\x06", 4));
    if (eocd < 0 || eocd + 22 > zip.size()) return names;
    const std::uint32_t count = le(zip, eocd + 10, 2);
    qsizetype at = le(zip, eocd + 16, 4);
    for (std::uint32_t i = 0; i < count && at + 46 <= zip.size(); ++i) {
        if (zip.mid(at, 4) != QByteArray("PK\x01\x02", 4)) break;
        const std::uint32_t nameLength = le(zip, at + 28, 2);
        names << QString::fromUtf8(zip.mid(at + 46, nameLength));
        at += 46 + nameLength + le(zip, at + 30, 2) + le(zip, at + 32, 2);
    }
    return names;
}

//! A small table exercising every type and the characters CSV and HTML must quote or escape.
Table trickyTable() {
    Column text(DataType::String);
    text.appendString("plain");
    text.appendString("comma, inside");
    text.appendString("say \"hi\"");
    text.appendString("two\nlines");
    text.appendNull();
    Column number(DataType::Double);
    for (const double v : {0.1, 1.0 / 3.0, 185.0, -2.5e-7}) number.appendDouble(v);
    number.appendNull();
    Column count(DataType::Int64);
    for (const std::int64_t v : {1, 2, 3, 4}) count.appendInt(v);
    count.appendNull();
    Column flag(DataType::Bool);
    for (const bool v : {true, false, true, false}) flag.appendBool(v);
    flag.appendNull();
    Column day(DataType::Date);
    for (std::int64_t d = 0; d < 4; ++d) day.appendInt(kApril8th2024 + d);
    day.appendNull();
    Table table;
    table.setColumn("text", std::move(text));
    table.setColumn("number", std::move(number));
    table.setColumn("count", std::move(count));
    table.setColumn("flag", std::move(flag));
    table.setColumn("day", std::move(day));
    return table;
}

Table scriptTable() {
    Column name(DataType::String);
    name.appendString("<script>alert('x')</script>");
    Column units(DataType::Int64);
    units.appendInt(7);
    Table table;
    table.setColumn("category", std::move(name));
    table.setColumn("units_sold", std::move(units));
    return table;
}

}  // namespace

//! CSV, JSON Lines, XLSX and HTML exports of the retail report: content, escaping and clean failures.
class TestReportExport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        auto result = runRetailWorkflow(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv");
        QVERIFY2(result.ok(), result.error().c_str());
        m_report = std::move(result).value();
        QVERIFY(m_report.cleaned.rowCount() > 0);
        QVERIFY(m_report.topCategories.rowCount() > 0);
    }

    void cleanedCsvRoundTrips() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cleaned.csv"));
        QCOMPARE(writeTableCsv(m_report.cleaned, path.toStdString()), std::string());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("cleaned.csv")});

        auto loaded = readCsvFile(path.toStdString());
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        const Table& back = loaded.value().table;
        const Table& original = m_report.cleaned;
        QCOMPARE(loaded.value().rowsWithErrors, std::size_t{0});
        QCOMPARE(back.rowCount(), original.rowCount());
        QCOMPARE(back.names(), original.names());
        for (std::size_t c = 0; c < original.columnCount(); ++c) {
            QVERIFY2(back.column(c).type() == original.column(c).type(), original.name(c).c_str());
            for (std::size_t r = 0; r < original.rowCount(); r += 97)
                QCOMPARE(back.column(c).toText(r), original.column(c).toText(r));
        }
    }

    void csvQuotesAndFormatsEveryType() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tricky.csv"));
        QCOMPARE(writeTableCsv(trickyTable(), path.toStdString()), std::string());
        const QByteArray expected =
            "text,number,count,flag,day\r\n"
            "plain,0.1,1,true,2024-04-08\r\n"
            "\"comma, inside\",0.3333333333333333,2,false,2024-04-09\r\n"
            "\"say \"\"hi\"\"\",185.0,3,true,2024-04-10\r\n"
            "\"two\nlines\",-2.5e-07,4,false,2024-04-11\r\n"
            ",,,,\r\n";
        QCOMPARE(readAll(path), expected);

        auto loaded = readCsvFile(path.toStdString());
        QVERIFY2(loaded.ok(), loaded.error().c_str());
        const Table& back = loaded.value().table;
        QCOMPARE(back.rowCount(), std::size_t{5});
        QCOMPARE(std::string(back.column("text").stringAt(3)), std::string("two\nlines"));
        QCOMPARE(back.column("number").doubleAt(1), 1.0 / 3.0);
        QVERIFY(back.column("day").type() == DataType::Date);
        QVERIFY(back.column("count").isNull(4));
    }

    void jsonLinesHaveOneObjectPerRow() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tricky.jsonl"));
        QCOMPARE(writeTableJsonLines(trickyTable(), path.toStdString()), std::string());
        const QList<QByteArray> lines = readAll(path).split('\n');
        QCOMPARE(lines.size(), 6);  // five rows and the final newline
        QCOMPARE(lines[0], QByteArray("{\"text\":\"plain\",\"number\":0.1,\"count\":1,\"flag\":true,"
                                      "\"day\":\"2024-04-08\"}"));
        QCOMPARE(lines[2], QByteArray("{\"text\":\"say \\\"hi\\\"\",\"number\":185.0,\"count\":3,\"flag\":true,"
                                      "\"day\":\"2024-04-10\"}"));
        QVERIFY(lines[3].startsWith("{\"text\":\"two\\nlines\","));
        QCOMPARE(lines[4], QByteArray("{\"text\":null,\"number\":null,\"count\":null,\"flag\":null,\"day\":null}"));
    }

    void xlsxHasSheetsAndCharts() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.xlsx"));
        QCOMPARE(writeRetailXlsx(m_report, path.toStdString()), std::string());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("report.xlsx")});
        const QByteArray zip = readAll(path);
        QVERIFY(zip.startsWith("PK"));
        const QStringList entries = zipEntries(zip);
        QVERIFY2(entries.contains(QStringLiteral("xl/workbook.xml")), qPrintable(entries.join(u' ')));
        for (int sheet = 1; sheet <= 10; ++sheet)
            QVERIFY(entries.contains(QStringLiteral("xl/worksheets/sheet%1.xml").arg(sheet)));
        QVERIFY(!entries.contains(QStringLiteral("xl/worksheets/sheet11.xml")));
        for (int chart = 1; chart <= 3; ++chart)
            QVERIFY(entries.contains(QStringLiteral("xl/charts/chart%1.xml").arg(chart)));

        const QString unzip = QStandardPaths::findExecutable(QStringLiteral("unzip"));
        if (unzip.isEmpty()) return;  // the central directory scan above already checked the parts
        const auto part = [&](const QString& name) {
            QProcess process;
            process.start(unzip, {QStringLiteral("-p"), path, name});
            process.waitForFinished(-1);
            return process.readAllStandardOutput();
        };
        const QByteArray workbook = part(QStringLiteral("xl/workbook.xml"));
        for (const char* name : {"Summary", "Cleaned data", "Catalogue", "Top 5 categories", "Avg by payment",
                                 "Avg by location", "Rejects"})
            QVERIFY2(workbook.contains(QByteArray("name=\"") + name + '"'), name);
        const QByteArray cleaned = part(QStringLiteral("xl/worksheets/sheet2.xml"));
        QVERIFY(cleaned.contains("<autoFilter"));
        QVERIFY(cleaned.contains("state=\"frozen\""));
        QVERIFY(part(QStringLiteral("xl/charts/chart1.xml")).contains("<c:barDir val=\"col\"/>"));
        QVERIFY(part(QStringLiteral("xl/charts/chart2.xml")).contains("<c:barDir val=\"bar\"/>"));
        QVERIFY(part(QStringLiteral("xl/styles.xml")).contains("yyyy-mm-dd"));
    }

    void htmlShowsKeyFiguresAndCharts() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("report.html"));
        QCOMPARE(writeRetailHtml(m_report, path.toStdString()), std::string());
        const QByteArray html = readAll(path);
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QCOMPARE(html.count("<svg"), 3);
        QVERIFY(!html.contains("<script"));
        QVERIFY(!html.contains("<link"));
        QVERIFY(!html.contains("src="));
        for (const Table* table : {&m_report.topCategories, &m_report.avgByPayment, &m_report.avgByLocation}) {
            for (std::size_t r = 0; r < table->rowCount(); ++r) {
                const std::string label = table->column(0).toText(r);
                const std::string value = table->column(1).toText(r);
                QVERIFY2(html.contains(QByteArray::fromStdString("<td>" + label + "</td>")), label.c_str());
                QVERIFY2(html.contains(QByteArray::fromStdString(">" + value + "</td>")), value.c_str());
            }
        }
        for (const auto& step : m_report.steps)
            QVERIFY2(html.contains(QByteArray::fromStdString(step.id + " ")), step.id.c_str());
    }

    void htmlEscapesCellsAndText() {
        RetailReport report;
        report.topCategories = scriptTable();
        report.catalogue = trickyTable();
        report.steps.push_back(RetailStep{"9.9", "<b>bold</b> & co", "a < b", "x > y"});
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("escaped.html"));
        QCOMPARE(writeRetailHtml(report, path.toStdString()), std::string());
        const QByteArray html = readAll(path);
        QVERIFY(!html.contains("<script"));
        QVERIFY(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        QVERIFY(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; co"));
        QVERIFY(html.contains("say &quot;hi&quot;"));
        QCOMPARE(html.count("<svg"), 1);
    }

    void missingDirectoryIsReportedAndWritesNothing() {
        QTemporaryDir dir;
        const std::string missing = dir.filePath(QStringLiteral("absent")).toStdString();
        const std::vector<std::pair<std::string, std::string>> results = {
            {missing + "/a.csv", writeTableCsv(m_report.topCategories, missing + "/a.csv")},
            {missing + "/a.jsonl", writeTableJsonLines(m_report.topCategories, missing + "/a.jsonl")},
            {missing + "/a.xlsx", writeRetailXlsx(m_report, missing + "/a.xlsx")},
            {missing + "/a.html", writeRetailHtml(m_report, missing + "/a.html")},
        };
        for (const auto& [path, error] : results) {
            QVERIFY2(error.find(path) != std::string::npos, error.c_str());
            QVERIFY2(error.find("does not exist") != std::string::npos, error.c_str());
        }
        QVERIFY(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());

        QFile plain(dir.filePath(QStringLiteral("plain")));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        const std::string underFile = plain.fileName().toStdString() + "/a.csv";
        const std::string error = writeTableCsv(m_report.topCategories, underFile);
        QVERIFY2(error.find("is not a directory") != std::string::npos, error.c_str());

        const std::string onDirectory = writeTableCsv(m_report.topCategories, dir.path().toStdString());
        QVERIFY2(onDirectory.find("is a directory") != std::string::npos, onDirectory.c_str());
    }

    void specialTargetsAreHandled() {
        QTemporaryDir dir;
        const QString fifo = dir.filePath(QStringLiteral("pipe"));
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        const std::string error = writeTableCsv(m_report.topCategories, fifo.toStdString());
        QVERIFY2(error.find("not a regular file") != std::string::npos, error.c_str());

        const QString real = dir.filePath(QStringLiteral("real.csv"));
        const QString link = dir.filePath(QStringLiteral("link.csv"));
        QFile placeholder(real);
        QVERIFY(placeholder.open(QIODevice::WriteOnly));
        placeholder.close();
        QVERIFY(QFile::link(real, link));
        QCOMPARE(writeTableCsv(m_report.topCategories, link.toStdString()), std::string());
        QVERIFY(QFileInfo(link).isSymLink());
        QVERIFY(readAll(real).startsWith("category,units_sold\r\n"));
    }

    void writeFailureMidFileKeepsTheOldFile() {
        // A file size limit makes writes fail part-way, as a full disk does (EFBIG instead of ENOSPC).
        QTemporaryDir dir;
        const QString csvPath = dir.filePath(QStringLiteral("cleaned.csv"));
        const QString xlsxPath = dir.filePath(QStringLiteral("report.xlsx"));
        const QString htmlPath = dir.filePath(QStringLiteral("report.html"));
        for (const QString& path : {csvPath, xlsxPath, htmlPath}) {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old");
        }
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limited = saved;
        limited.rlim_cur = 8192;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limited), 0);
        const std::string csv = writeTableCsv(m_report.cleaned, csvPath.toStdString());
        const std::string xlsx = writeRetailXlsx(m_report, xlsxPath.toStdString());
        const std::string html = writeRetailHtml(m_report, htmlPath.toStdString());
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previousHandler);

        QVERIFY2(csv.find(csvPath.toStdString()) != std::string::npos, csv.c_str());
        QVERIFY2(csv.find("too large") != std::string::npos, csv.c_str());
        QVERIFY2(xlsx.find(xlsxPath.toStdString()) != std::string::npos, xlsx.c_str());
        QVERIFY2(html.find(htmlPath.toStdString()) != std::string::npos, html.c_str());
        for (const QString& path : {csvPath, xlsxPath, htmlPath}) QCOMPARE(readAll(path), QByteArray("old"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 3);
    }

    void readOnlyDirectoryKeepsTheOldFile() {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("report.html"));
        QFile old(target);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("old");
        old.close();
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
        QFile probe(dir.filePath(QStringLiteral("probe")));
        if (probe.open(QIODevice::WriteOnly)) {
            probe.close();
            probe.remove();
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QSKIP("permissions are not enforced for this user (root)");
        }
        const std::string html = writeRetailHtml(m_report, target.toStdString());
        const std::string xlsx = writeRetailXlsx(m_report, dir.filePath(QStringLiteral("r.xlsx")).toStdString());
        const std::string csv = writeTableCsv(m_report.cleaned, dir.filePath(QStringLiteral("c.csv")).toStdString());
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        for (const std::string& error : {html, xlsx, csv})
            QVERIFY2(error.find("Permission denied") != std::string::npos, error.c_str());
        QVERIFY(html.find(target.toStdString()) != std::string::npos);
        QCOMPARE(readAll(target), QByteArray("old"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("report.html")});
    }

private:
    RetailReport m_report;
};

QTEST_GUILESS_MAIN(TestReportExport)
#include "test_report_export.moc"
