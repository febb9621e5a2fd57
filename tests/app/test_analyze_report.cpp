#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kSharedCsv = QStringLiteral(CITYOPS_SHARED_DATA_DIR "/retail_store_sales.csv");

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

//! `cityops analyze <csv> --report out.pdf --xlsx out.xlsx --html out.html` run as a user would: the PDF
//! is written headless (offscreen platform, no display) next to the XLSX and HTML.
class TestAnalyzeReport : public QObject {
    Q_OBJECT

private slots:
    void writesPdfXlsxAndHtmlHeadless() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString pdf = dir.filePath(QStringLiteral("out.pdf"));
        const QString xlsx = dir.filePath(QStringLiteral("out.xlsx"));
        const QString html = dir.filePath(QStringLiteral("out.html"));
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));  // the command picks offscreen by itself
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(CITYOPS_BINARY),
                      {QStringLiteral("analyze"), kSharedCsv, QStringLiteral("--quiet"), QStringLiteral("--report"), pdf,
                       QStringLiteral("--xlsx"), xlsx, QStringLiteral("--html"), html});
        QVERIFY(process.waitForFinished(240'000));
        const QString out = QString::fromLocal8Bit(process.readAllStandardOutput());
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QVERIFY2(process.exitCode() == 0, qPrintable(out + err));
        QVERIFY2(out.contains(QStringLiteral("wrote: ") + pdf), qPrintable(out));

        const QByteArray pdfBytes = readAll(pdf);
        QVERIFY(pdfBytes.startsWith("%PDF-"));
        QVERIFY(pdfBytes.size() > 10'000);
        for (const char* title : {"1.1 Load", "2.1 Item catalogue and item recovery", "2.4 Drop incomplete rows",
                                  "3.1 Top 5 categories by units sold", "4.1 day_of_week and transaction_month"}) {
            QVERIFY2(pdfBytes.contains(title), title);
        }
        QVERIFY(readAll(xlsx).startsWith("PK"));
        QVERIFY(readAll(html).contains("<svg"));
    }

    void unwritableReportIsAClearError() {
        QProcess process;
        process.start(QStringLiteral(CITYOPS_BINARY), {QStringLiteral("analyze"), kSharedCsv, QStringLiteral("--quiet"),
                                                       QStringLiteral("--report"), QStringLiteral("/nonexistent/dir/r.pdf")});
        QVERIFY(process.waitForFinished(240'000));
        QCOMPARE(process.exitCode(), 4);
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("/nonexistent/dir")), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestAnalyzeReport)
#include "test_analyze_report.moc"
