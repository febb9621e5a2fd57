// The SQL console (widgets/src/sql_console): results equal the engine's, errors move the cursor to
// their line and column, cancel stops a long query while the UI thread keeps running, completion offers
// a table's columns, the retail workspace publishes its tables, history and text persist.
#include <QAbstractItemView>
#include <QPushButton>
#include <QAction>
#include <QCompleter>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <algorithm>
#include <map>
#include <set>
#include <filesystem>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/sql/stream.h"
#include "cityops/widgets/sql_console/result_model.h"
#include "cityops/widgets/sql_console/sql_console_window.h"
#include "cityops/widgets/workspace/workspace_window.h"

using namespace cityops;
using namespace cityops::widgets::sql_console;

namespace {

constexpr int kEventualMs = 120'000;  //!< generous: nothing here is timed, the machine may be busy
const QString kSharedCsv = QStringLiteral(CITYOPS_SHARED_DATA_DIR "/retail_store_sales.csv");

//! Waits until the runner has described table name (its columns are known).
bool waitDescribed(SqlConsoleWindow& console, const QString& name) {
    QElapsedTimer guard;  // a failure guard, not a timing assertion
    guard.start();
    while (guard.elapsed() < kEventualMs) {
        const SqlTableInfo* table = console.runner().table(name);
        if (table && (table->rows >= 0 || !table->error.isEmpty())) return table->error.isEmpty();
        QTest::qWait(20);
    }
    return false;
}

//! Runs text in the console and waits for it; true when it succeeded.
bool runAndWait(SqlConsoleWindow& console, const QString& text) {
    QSignalSpy done(&console, &SqlConsoleWindow::queryDone);
    if (!console.runStatement(Statement{text, 0})) return false;
    if (!done.wait(kEventualMs) && done.isEmpty()) return false;
    return done.constFirst().constFirst().toBool();
}

QString cell(const QAbstractItemModel& model, int row, int column) {
    return model.data(model.index(row, column)).toString();
}

}  // namespace

class TestSqlConsole : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_widgets_sql_console"));
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
        QVERIFY2(QFile::exists(kSharedCsv), qPrintable(kSharedCsv));
    }

    void topFiveEqualsEngine() {
        // Expected: units per category computed by hand from the batch CSV reader's table.
        auto load = engine::batch::readCsvFile(kSharedCsv.toStdString());
        QVERIFY2(load.ok(), load.error().c_str());
        const auto& table = load.value().table;
        const auto& category = table.column("Category");
        const auto& quantity = table.column("Quantity");
        std::map<std::string, double> units;
        for (std::size_t row = 0; row < table.rowCount(); ++row) {
            const std::string key = category.isNull(row) ? std::string("NULL") : category.toText(row);
            double& sum = units[key];
            if (!quantity.isNull(row)) sum += quantity.valueAt(row).asDouble();
        }
        std::vector<std::pair<std::string, double>> ranked(units.begin(), units.end());
        std::sort(ranked.begin(), ranked.end(),
                  [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
        QVERIFY(ranked.size() >= 5);

        SqlConsoleWindow console;
        QCOMPARE(console.addCsv(kSharedCsv), QStringLiteral("retail_store_sales"));
        QVERIFY(waitDescribed(console, QStringLiteral("retail_store_sales")));
        QVERIFY(runAndWait(console, QStringLiteral("SELECT Category, SUM(Quantity) AS units FROM retail_store_sales\n"
                                                   "GROUP BY Category ORDER BY units DESC, Category LIMIT 5")));
        const ResultModel& model = console.resultModel();
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.headerData(0, Qt::Horizontal, ResultModel::TypeRole).toString(), QStringLiteral("string"));
        QVERIFY(model.headerData(1, Qt::Horizontal).toString().startsWith(QStringLiteral("units\n")));
        for (int row = 0; row < 5; ++row) {
            QCOMPARE(cell(model, row, 0), QString::fromStdString(ranked[static_cast<std::size_t>(row)].first));
            QCOMPARE(cell(model, row, 1).toDouble(), ranked[static_cast<std::size_t>(row)].second);
        }
        QVERIFY(console.statusText().startsWith(QStringLiteral("5 ")));
        QVERIFY(!console.planText().isEmpty());

        // Export writes the grid with its display names.
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("top.csv"));
        QVERIFY(console.exportCsv(out));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        QCOMPARE(lines[0].trimmed(), QByteArray("category,units"));  // unquoted identifiers fold to lower case
    }

    //! A streaming script over the data directory's embedded log runs as a whole from the editor
    //! (Ctrl+Enter anywhere in it) and shows the same rows as the engine's runStreamScript.
    void streamingScriptOverTheEmbeddedLog() {
        QTemporaryDir dataDir;
        const std::filesystem::path logDir = std::filesystem::path(dataDir.path().toStdString()) / "log";
        std::filesystem::create_directories(logDir);
        {
            engine::log::LogConfig config;
            config.directory = logDir;
            auto opened = engine::log::EventLog::open(config);
            QVERIFY(opened.ok());
            engine::log::LogEventSink sink(**opened);
            // readingRecord() refers to its Reading: keep them alive until send().
            std::vector<engine::Reading> readings;
            readings.reserve(120);
            std::vector<engine::log::RecordInput> records;
            constexpr std::int64_t kT0 = 1'772'438'400'000;
            for (int i = 0; i < 60; ++i) {
                for (std::uint32_t sensor = 1; sensor <= 2; ++sensor) {
                    engine::Reading& r = readings.emplace_back();
                    r.sensorId = sensor;
                    r.locationId = static_cast<std::uint16_t>(sensor + 2);
                    r.kind = engine::SensorKind::AirQuality;
                    r.metric = engine::Metric::Co2;
                    r.eventTimeMs = kT0 + i * 10'000 + sensor;
                    r.value = 500.0 + i;
                    r.seq = static_cast<std::uint64_t>(i);
                    records.push_back(engine::log::readingRecord(r));
                }
            }
            QVERIFY(sink.send("air-quality", records).ok());
        }
        const QString script = QStringLiteral(
            "CREATE TABLE air (sensor_id BIGINT, location_id BIGINT, `type` STRING, metric STRING, `value` DOUBLE,\n"
            "  event_time TIMESTAMP(3), WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND)\n"
            "WITH ('connector' = 'embedded', 'topic' = 'air-quality', 'format' = 'json');\n"
            "SELECT sensor_id, COUNT(*) AS n, MAX(`value`) AS mx FROM air\n"
            "GROUP BY TUMBLE(event_time, INTERVAL '2' MINUTE), sensor_id;\n");
        engine::sql::StreamEnvironment environment;
        environment.logDirectory = logDir;
        auto expected = engine::sql::runStreamScript(script.toStdString(), environment);
        QVERIFY2(expected, expected ? "" : expected.error().toText().c_str());
        QCOMPARE(expected->tables.size(), std::size_t{1});
        const engine::batch::Table& want = expected->tables.front().second.table;
        QCOMPARE(want.rowCount(), std::size_t{10});  // 10 minutes in 2-minute windows, two sensors

        SqlConsoleWindow console;
        console.setDataDir(dataDir.path());
        console.editor().setPlainText(script);
        QTextCursor cursor = console.editor().textCursor();
        cursor.setPosition(static_cast<int>(script.indexOf(QStringLiteral("COUNT"))));  // inside the SELECT
        console.editor().setTextCursor(cursor);
        QSignalSpy done(&console, &SqlConsoleWindow::queryDone);
        QVERIFY(console.runCurrent());
        QVERIFY(done.wait(kEventualMs) || !done.isEmpty());
        QVERIFY(done.constFirst().constFirst().toBool());
        const ResultModel& model = console.resultModel();
        QCOMPARE(model.rowCount(), static_cast<int>(want.rowCount()));
        QCOMPARE(model.columnCount(), 3);
        std::multiset<std::pair<QString, QString>> got;
        std::multiset<std::pair<QString, QString>> wanted;
        for (int row = 0; row < model.rowCount(); ++row) {
            got.insert({cell(model, row, 0), cell(model, row, 1)});
            wanted.insert({QString::number(want.column(0).intAt(static_cast<std::size_t>(row))),
                           QString::number(want.column(1).intAt(static_cast<std::size_t>(row)))});
        }
        QCOMPARE(got, wanted);
        QVERIFY(console.planText().contains(QStringLiteral("records read")));
    }

    void errorMovesCursorToLineAndColumn() {
        SqlConsoleWindow console;
        console.addCsv(kSharedCsv, QStringLiteral("sales"));
        QVERIFY(waitDescribed(console, QStringLiteral("sales")));
        SqlEditor& editor = console.editor();
        const QString text = QStringLiteral("SELECT 1;\nSELECT Category,\n       Quantity\nFROM sales\nWHERE nosuch > 1;");
        editor.setPlainText(text);
        QTextCursor cursor = editor.textCursor();
        cursor.setPosition(static_cast<int>(text.indexOf(QStringLiteral("FROM"))));
        editor.setTextCursor(cursor);
        QCOMPARE(editor.currentStatement().start, 10);

        QSignalSpy done(&console, &SqlConsoleWindow::queryDone);
        QTest::keyClick(&editor, Qt::Key_Return, Qt::ControlModifier);  // Ctrl+Enter runs the statement
        QVERIFY(done.wait(kEventualMs) || !done.isEmpty());
        QCOMPARE(done.constFirst().constFirst().toBool(), false);
        const int expected = static_cast<int>(text.indexOf(QStringLiteral("nosuch")));
        QCOMPARE(editor.textCursor().position(), expected);
        QCOMPARE(editor.errorPosition(), expected);
        QVERIFY2(console.messageText().startsWith(QStringLiteral("Line 4, column 7: ")), qPrintable(console.messageText()));
        QVERIFY(console.messageText().contains(QStringLiteral("nosuch")));
        const auto marks = editor.extraSelections();
        QCOMPARE(marks.size(), 1);
        QCOMPARE(marks.first().cursor.selectedText(), QStringLiteral("nosuch"));
        QCOMPARE(marks.first().format.underlineStyle(), QTextCharFormat::SpellCheckUnderline);
        editor.insertPlainText(QStringLiteral(" "));  // editing clears the mark
        QVERIFY(editor.extraSelections().isEmpty());
    }

    void cancelStopsLongQueryAndUiRuns() {
        SqlConsoleWindow console;
        engine::batch::Column ids(engine::batch::DataType::Int64);
        for (int i = 0; i < 2500; ++i) ids.appendInt(i);
        engine::batch::Table big;
        big.setColumn("x", std::move(ids));
        console.registerTable(QStringLiteral("big"), big);
        QVERIFY(waitDescribed(console, QStringLiteral("big")));

        int ticksWhileRunning = 0;
        QTimer probe;  // runs on the UI thread: it ticks only if the query does not block it
        probe.setInterval(5);
        connect(&probe, &QTimer::timeout, this, [&] {
            if (console.isRunning()) ++ticksWhileRunning;
        });
        probe.start();
        QSignalSpy done(&console, &SqlConsoleWindow::queryDone);
        QSignalSpy progress(&console.runner(), &SqlRunner::progressChanged);
        QVERIFY(console.runStatement(
            Statement{QStringLiteral("SELECT COUNT(DISTINCT a.x * 7919 + b.x) AS n FROM big a CROSS JOIN big b"), 0}));
        QVERIFY(console.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(ticksWhileRunning >= 3 || !done.isEmpty(), kEventualMs);
        QVERIFY2(done.isEmpty(), "the query ended before it could be cancelled");
        QVERIFY(!progress.isEmpty());
        auto* cancelButton = console.findChild<QPushButton*>(QStringLiteral("sqlCancel"));
        QVERIFY(cancelButton && cancelButton->isEnabled());
        QTest::mouseClick(cancelButton, Qt::LeftButton);
        QVERIFY(done.wait(kEventualMs) || !done.isEmpty());
        QCOMPARE(done.constFirst().constFirst().toBool(), false);
        QCOMPARE(console.statusText(), QStringLiteral("Cancelled"));
        QVERIFY(!console.isRunning());
        QVERIFY(!cancelButton->isEnabled());
        QCOMPARE(console.resultModel().rowCount(), 0);
        // The runner is free again: the next query runs.
        QVERIFY(runAndWait(console, QStringLiteral("SELECT COUNT(*) AS n FROM big")));
        QCOMPARE(cell(console.resultModel(), 0, 0), QStringLiteral("2500"));
    }

    void completionOffersColumnsAfterTableDot() {
        SqlConsoleWindow console;
        console.addCsv(kSharedCsv, QStringLiteral("sales"));
        QVERIFY(waitDescribed(console, QStringLiteral("sales")));
        const SqlRunner& runner = console.runner();

        const QString qualified = QStringLiteral("SELECT sales.");
        CompletionContext context = completionAt(qualified, static_cast<int>(qualified.size()), runner);
        QCOMPARE(context.qualifier, QStringLiteral("sales"));
        QVERIFY(context.candidates.contains(QStringLiteral("Category")));
        QVERIFY(context.candidates.contains(QStringLiteral("Quantity")));
        QVERIFY(!context.candidates.contains(QStringLiteral("SELECT")));

        const QString aliased = QStringLiteral("SELECT s.Qu FROM sales s");
        context = completionAt(aliased, static_cast<int>(aliased.indexOf(QStringLiteral(" FROM"))), runner);
        QCOMPARE(context.prefix, QStringLiteral("Qu"));
        QCOMPARE(context.candidates, QStringList{QStringLiteral("Quantity")});

        context = completionAt(QStringLiteral("SELECT * FROM sa"), 16, runner);
        QVERIFY(context.candidates.contains(QStringLiteral("sales")));
        context = completionAt(QStringLiteral("sel"), 3, runner);
        QVERIFY(context.candidates.contains(QStringLiteral("SELECT")));

        // Typing "sales." in the editor pops the completer up with the columns.
        console.show();
        QVERIFY(QTest::qWaitForWindowExposed(&console));
        SqlEditor& editor = console.editor();
        editor.clear();
        editor.setFocus();
        QTest::keyClicks(&editor, QStringLiteral("SELECT sales."));
        QTRY_VERIFY(editor.completer()->popup()->isVisible());
        QCOMPARE(editor.completer()->completionModel()->rowCount(), static_cast<int>(runner.table(QStringLiteral("sales"))->columns.size()));
        QTest::keyClicks(editor.completer()->popup(), QStringLiteral("Cat"));
        QTest::keyClick(editor.completer()->popup(), Qt::Key_Return);
        QCOMPARE(editor.toPlainText(), QStringLiteral("SELECT sales.Category"));
    }

    void workspaceTablesAppearInCatalog() {
        widgets::workspace::WorkspaceWindow workspace;
        auto* action = workspace.findChild<QAction*>(QStringLiteral("sqlConsoleAction"));
        QVERIFY(action);
        QVERIFY(!action->isEnabled());  // nothing loaded yet
        QVERIFY(workspace.sqlTables().empty());
        QSignalSpy loaded(&workspace, &widgets::workspace::WorkspaceWindow::loadFinished);
        QVERIFY(workspace.openFile(kSharedCsv));
        QVERIFY(loaded.wait(kEventualMs) || !loaded.isEmpty());
        QVERIFY(loaded.constFirst().constFirst().toBool());
        QVERIFY(action->isEnabled());

        SqlConsoleWindow console;
        connect(&workspace, &widgets::workspace::WorkspaceWindow::sqlConsoleRequested, &console,
                [&] { console.publishWorkspace(workspace); });
        action->trigger();
        QVERIFY(waitDescribed(console, QStringLiteral("retail_raw")));
        QVERIFY(waitDescribed(console, QStringLiteral("retail_clean")));
        const auto report = workspace.outcome()->report;
        QCOMPARE(console.runner().table(QStringLiteral("retail_clean"))->rows, static_cast<qint64>(report.cleaned.rowCount()));
        QCOMPARE(console.runner().table(QStringLiteral("retail_raw"))->rows, static_cast<qint64>(report.raw.rowCount()));

        // The tables pane lists both with their columns and types.
        const CatalogModel& catalog = console.catalogModel();
        QStringList names;
        for (int row = 0; row < catalog.rowCount(); ++row) names << cell(catalog, row, 0);
        QVERIFY(names.contains(QStringLiteral("retail_raw")));
        const int clean = static_cast<int>(names.indexOf(QStringLiteral("retail_clean")));
        QVERIFY(clean >= 0);
        const QModelIndex table = catalog.index(clean, 0);
        QCOMPARE(catalog.rowCount(table), static_cast<int>(report.cleaned.columnCount()));
        QCOMPARE(catalog.data(catalog.index(0, 0, table)).toString(), QString::fromStdString(report.cleaned.name(0)));
        QVERIFY(!catalog.data(catalog.index(0, 1, table)).toString().isEmpty());

        // Question 3.1 in SQL over the published table equals the workflow's result.
        QVERIFY(runAndWait(console, QStringLiteral("SELECT category, SUM(quantity) AS units_sold FROM retail_clean "
                                                   "GROUP BY category ORDER BY units_sold DESC, category LIMIT 5")));
        const auto& top = report.topCategories;
        QCOMPARE(console.resultModel().rowCount(), static_cast<int>(top.rowCount()));
        for (int row = 0; row < console.resultModel().rowCount(); ++row) {
            QCOMPARE(cell(console.resultModel(), row, 0), QString::fromStdString(top.column(0).toText(static_cast<std::size_t>(row))));
            QCOMPARE(cell(console.resultModel(), row, 1).toDouble(),
                     top.column(1).valueAt(static_cast<std::size_t>(row)).asDouble());
        }
    }

    void historyAndTextPersist() {
        QSettings().clear();
        {
            SqlConsoleWindow console;
            QVERIFY(runAndWait(console, QStringLiteral("SELECT 1 AS one")));
            QVERIFY(runAndWait(console, QStringLiteral("SELECT 2 AS two")));
            QVERIFY(runAndWait(console, QStringLiteral("SELECT 1 AS one")));
            QCOMPARE(console.history(), (QStringList{QStringLiteral("SELECT 1 AS one"), QStringLiteral("SELECT 2 AS two")}));
            console.editor().setPlainText(QStringLiteral("SELECT 42 -- draft"));
        }
        SqlConsoleWindow reopened;
        QCOMPARE(reopened.history(), (QStringList{QStringLiteral("SELECT 1 AS one"), QStringLiteral("SELECT 2 AS two")}));
        QCOMPARE(reopened.editor().toPlainText(), QStringLiteral("SELECT 42 -- draft"));
    }

    void statementUnderCursor() {
        const QString text = QStringLiteral("SELECT ';' AS a; -- x;y\nSELECT 2;\n\n");
        QCOMPARE(statementAt(text, 3).text, QStringLiteral("SELECT ';' AS a"));
        const Statement second = statementAt(text, static_cast<int>(text.indexOf(QStringLiteral("SELECT 2"))) + 2);
        QCOMPARE(second.text, QStringLiteral("-- x;y\nSELECT 2"));
        QCOMPARE(statementAt(text, static_cast<int>(text.size())).text, QStringLiteral("-- x;y\nSELECT 2"));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestSqlConsole)
#include "test_sql_console.moc"
