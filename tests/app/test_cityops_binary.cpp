#include <QtTest>

//! End-to-end checks of the shipped binary: version, help, the headless pipeline on the CO2 and
//! quiet scenarios, bad input and the no-display message.
class TestCityopsBinary : public QObject {
    Q_OBJECT

    struct Run {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Run run(const QStringList& arguments, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CITYOPS_BINARY), arguments);
        if (!p.waitForFinished(300'000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromLocal8Bit(p.readAllStandardOutput()), QString::fromLocal8Bit(p.readAllStandardError())};
    }

    static qlonglong summaryValue(const QString& summary, const QString& key) {
        const QRegularExpression re(QStringLiteral("^%1: (\\d+)").arg(key), QRegularExpression::MultilineOption);
        const auto m = re.match(summary);
        return m.hasMatch() ? m.captured(1).toLongLong() : -1;
    }

private slots:
    void version() {
        const Run r = run({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("cityops ")), qPrintable(r.out));
    }

    void help() {
        const Run r = run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("--headless")));
        QVERIFY(r.out.contains(QStringLiteral("--scenario")));
    }

    void co2ScenarioRaisesCo2Alerts() {
        const Run r = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("co2-episode"),
                           QStringLiteral("--duration"), QStringLiteral("40m"), QStringLiteral("--speed"),
                           QStringLiteral("max")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(summaryValue(r.out, QStringLiteral("co2_alerts")) > 0, qPrintable(r.out + r.err));
        QVERIFY(summaryValue(r.out, QStringLiteral("events")) > 0);
        QVERIFY(summaryValue(r.out, QStringLiteral("window_aggregates")) > 0);
    }

    void quietScenarioRaisesNone() {
        const Run r = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("quiet-day"),
                           QStringLiteral("--duration"), QStringLiteral("2h"), QStringLiteral("--speed"),
                           QStringLiteral("max")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(summaryValue(r.out, QStringLiteral("co2_alerts")), 0);
        QVERIFY2(summaryValue(r.out, QStringLiteral("events")) > 0, qPrintable(r.out + r.err));
    }

    void pacedRunHonoursSpeed() {
        // 60 simulated seconds at x600 must take about 0.1 s; only completion and counts are asserted.
        const Run r = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("quiet-day"),
                           QStringLiteral("--duration"), QStringLiteral("60s"), QStringLiteral("--speed"),
                           QStringLiteral("600")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(summaryValue(r.out, QStringLiteral("simulated_seconds")), 60);
    }

    void unknownScenarioIsAClearError() {
        const Run r = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("no-such-thing")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("scenario 'no-such-thing'")), qPrintable(r.err));
    }

    void brokenScenarioFileNamesTheLine() {
        QTemporaryFile file(QDir::tempPath() + QStringLiteral("/cityops-XXXXXX.json"));
        QVERIFY(file.open());
        file.write("{\n  \"name\": \"broken\",\n  \"seed\": \"not a number\"\n}\n");
        file.close();
        const Run r = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), file.fileName()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("seed")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("line 3")), qPrintable(r.err));
    }

    void badOptionIsAClearError() {
        const Run r = run({QStringLiteral("--duration"), QStringLiteral("forever")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--duration")));
    }

    void analyzeRunsTheRetailWorkflow() {
        const Run r = run({QStringLiteral("analyze"), QStringLiteral(CITYOPS_SHARED_DATA_DIR "/retail_store_sales.csv"),
                           QStringLiteral("--quiet")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(summaryValue(r.out, QStringLiteral("rows_loaded")), 10575);  // the data set's documented size
        const qlonglong dropped = summaryValue(r.out, QStringLiteral("rows_dropped"));
        QVERIFY2(dropped > 0, qPrintable(r.out + r.err));
        QCOMPARE(summaryValue(r.out, QStringLiteral("final_rows")), 10575 - dropped);
        for (const char* step : {"== 1.1", "== 1.2", "== 1.3", "== 2.1", "== 2.2", "== 2.3", "== 2.4", "== 3.1", "== 3.2",
                                 "== 4.1"}) {
            QVERIFY2(r.out.contains(QLatin1String(step)), step);
        }
    }

    void analyzeWritesTheExports() {
        QTemporaryDir dir;
        const QString xlsx = dir.filePath(QStringLiteral("report.xlsx"));
        const QString html = dir.filePath(QStringLiteral("report.html"));
        const QString csv = dir.filePath(QStringLiteral("cleaned.csv"));
        const Run r = run({QStringLiteral("analyze"), QStringLiteral(CITYOPS_SHARED_DATA_DIR "/retail_store_sales.csv"),
                           QStringLiteral("--quiet"), QStringLiteral("--xlsx"), xlsx, QStringLiteral("--html"), html,
                           QStringLiteral("--csv"), csv});
        QCOMPARE(r.exitCode, 0);
        QFile x(xlsx);
        QVERIFY(x.open(QIODevice::ReadOnly));
        QCOMPARE(x.read(2), QByteArray("PK"));
        QFile h(html);
        QVERIFY(h.open(QIODevice::ReadOnly));
        QVERIFY(h.readAll().contains("<svg"));
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly | QIODevice::Text));
        const qlonglong lines = QString::fromUtf8(c.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts).size();
        QCOMPARE(lines - 1, summaryValue(r.out, QStringLiteral("final_rows")));  // header + one line per row
    }

    void analyzeExportToMissingDirectoryFails() {
        const Run r = run({QStringLiteral("analyze"), QStringLiteral(CITYOPS_SHARED_DATA_DIR "/retail_store_sales.csv"),
                           QStringLiteral("--quiet"), QStringLiteral("--html"), QStringLiteral("/nonexistent/dir/r.html")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QStringLiteral("/nonexistent/dir")), qPrintable(r.err));
    }

    void analyzeMissingFileIsAClearError() {
        const Run r = run({QStringLiteral("analyze"), QStringLiteral("/nonexistent/sales.csv")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("/nonexistent/sales.csv")), qPrintable(r.err));
    }

    void noDisplayShowsHeadlessEquivalent() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        const Run r = run({QStringLiteral("--scenario"), QStringLiteral("co2-episode")}, env);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("no display")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("cityops --headless --scenario co2-episode")));
    }

    void offscreenConsoleTakesAScreenshot() {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        const Run r = run({QStringLiteral("--scenario"), QStringLiteral("co2-episode"), QStringLiteral("--speed"),
                           QStringLiteral("600"), QStringLiteral("--screenshot"), png, QStringLiteral("--screenshot-after"),
                           QStringLiteral("2")},
                          env);
        QCOMPARE(r.exitCode, 0);
        QImage image(png);
        QVERIFY2(!image.isNull(), qPrintable(r.err));
        QVERIFY(image.width() > 400 && image.height() > 300);
    }

    //! The console with --data-dir runs its jobs durably: the store appears and the last checkpoint
    //! on quit succeeds.
    void offscreenConsoleWithDataDirStoresResults() {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        const QString data = dir.filePath(QStringLiteral("data"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        const Run r = run({QStringLiteral("--scenario"), QStringLiteral("co2-episode"), QStringLiteral("--speed"),
                           QStringLiteral("600"), QStringLiteral("--data-dir"), data,
                           QStringLiteral("--checkpoint-interval"), QStringLiteral("500ms"), QStringLiteral("--screenshot"),
                           png, QStringLiteral("--screenshot-after"), QStringLiteral("2")},
                          env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.err.contains(QStringLiteral("checkpoint failed")), qPrintable(r.err));
        QVERIFY(QFileInfo(data + QStringLiteral("/cityops.db")).size() > 0);
    }

    //! retail-rush also runs the receipts stream and prints its results.
    void retailRushPrintsTheReceiptsResults() {
        const Run r = run({QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("retail-rush"),
                           QStringLiteral("--duration"), QStringLiteral("90m"), QStringLiteral("--speed"),
                           QStringLiteral("max")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(summaryValue(r.out, QStringLiteral("receipts")) > 0, qPrintable(r.out + r.err));
        QVERIFY(summaryValue(r.out, QStringLiteral("receipt_items")) >= summaryValue(r.out, QStringLiteral("receipts")));
        QVERIFY(summaryValue(r.out, QStringLiteral("top_stores_windows")) > 0);
        QVERIFY(summaryValue(r.out, QStringLiteral("big_receipts")) > 0);
        QVERIFY(summaryValue(r.out, QStringLiteral("popular_items_windows")) > 0);
        QVERIFY2(r.out.contains(QStringLiteral("top_store: Store-Shevchenkivskyi")), qPrintable(r.out));
        QCOMPARE(summaryValue(r.out, QStringLiteral("receipts_results_dropped")), 0);
    }
};

QTEST_GUILESS_MAIN(TestCityopsBinary)
#include "test_cityops_binary.moc"
