#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <algorithm>
#include <cstdint>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/retail_workflow.h"
#include "cityops/widgets/workspace/charts_panel.h"
#include "cityops/widgets/workspace/preview_panel.h"
#include "cityops/widgets/workspace/step_model.h"
#include "cityops/widgets/workspace/step_panel.h"
#include "cityops/widgets/workspace/table_model.h"
#include "cityops/widgets/workspace/workspace_window.h"

using namespace cityops;
using namespace cityops::widgets::workspace;
using engine::batch::RetailReport;

namespace {

constexpr int kEventualMs = 120'000;  //!< generous: nothing here is timed, the machine may be busy
const QString kSharedCsv = QStringLiteral(CITYOPS_SHARED_DATA_DIR "/retail_store_sales.csv");

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

std::uint32_t le(const QByteArray& data, qsizetype at, int bytes) {
    std::uint32_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(data[at + i]);
    return value;
}

//! Entry names from a zip's central directory; empty when it is not a zip.
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

//! Loads path in window and waits for the outcome; true when it loaded.
bool loadAndWait(WorkspaceWindow& window, const QString& path) {
    QSignalSpy finished(&window, &WorkspaceWindow::loadFinished);
    if (!window.openFile(path)) return false;
    if (!finished.wait(kEventualMs) && finished.isEmpty()) return false;
    return finished.constFirst().constFirst().toBool();
}

//! A retail-schema CSV of `rows` rows (large enough that a load takes many chunks).
void writeRetailCsv(const QString& path, int rows) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("Transaction ID,Customer ID,Category,Item,Price Per Unit,Quantity,Total Spent,Payment Method,"
               "Location,Transaction Date,Discount Applied\n");
    QByteArray line;
    for (int i = 0; i < rows; ++i) {
        line = "TXN_" + QByteArray::number(i) + ",CUST_" + QByteArray::number(i % 25) + ",Food,Item_" +
               QByteArray::number(i % 20) + "_FOOD," + QByteArray::number(5 + i % 20) + ".5," +
               QByteArray::number(1 + i % 9) + "," + QByteArray::number((5 + i % 20 + 0.5) * (1 + i % 9)) +
               ",Cash,Online,2023-0" + QByteArray::number(1 + i % 9) + "-1" + QByteArray::number(i % 10) +
               ",True\n";
        file.write(line);
    }
}

}  // namespace

//! The analyst workspace on the shared retail CSV: background load with progress and cancel, the
//! preview model over the table, the step list against the engine's workflow, charts, exports and
//! errors that keep the data.
class TestWorkspace : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_widgets_workspace"));
        QVERIFY(m_settingsDir.isValid());
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
        auto expected = engine::batch::runRetailWorkflow(kSharedCsv.toStdString());
        QVERIFY2(expected.ok(), expected.error().c_str());
        m_expected = std::move(expected).value();
    }

    void loadsTheSharedCsvWithProgressTo100() {
        WorkspaceWindow window;
        QSignalSpy progress(&window.loader(), &WorkspaceLoader::progressChanged);
        QVERIFY(loadAndWait(window, kSharedCsv));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.constLast().constFirst().toInt(), 100);
        for (qsizetype i = 1; i < progress.size(); ++i)
            QVERIFY(progress[i].constFirst().toInt() >= progress[i - 1].constFirst().toInt());
        QVERIFY(window.outcome() != nullptr);
        QCOMPARE(window.outcome()->load.rowsLoaded, m_expected.rowsLoaded);
        QCOMPARE(window.outcome()->report.finalRows, m_expected.finalRows);
        QCOMPARE(window.outcome()->report.rowsRejected, m_expected.rowsRejected);
        QVERIFY(window.message().isEmpty() || !window.messageIsError());
        QCOMPARE(QSettings().value(QStringLiteral("workspace/lastDirectory")).toString(),
                 QFileInfo(kSharedCsv).absolutePath());
    }

    void previewModelMatchesTheTable() {
        WorkspaceWindow window;
        QVERIFY(loadAndWait(window, kSharedCsv));
        const engine::batch::Table& table = window.outcome()->load.table;
        TableModel& model = window.preview().model();
        QCOMPARE(static_cast<std::size_t>(model.rowCount()), table.rowCount());
        QCOMPARE(static_cast<std::size_t>(model.columnCount()), table.columnCount());
        for (std::size_t c = 0; c < table.columnCount(); ++c) {
            QCOMPARE(model.headerData(static_cast<int>(c), Qt::Horizontal).toString(),
                     QString::fromStdString(table.name(c)));
            const engine::batch::Column& column = table.column(c);
            for (const std::size_t r : {std::size_t{0}, table.rowCount() / 2, table.rowCount() - 1}) {
                const QModelIndex index = model.index(static_cast<int>(r), static_cast<int>(c));
                const QString expected =
                    column.isNull(r) ? QStringLiteral("null") : QString::fromStdString(column.toText(r));
                QCOMPARE(model.data(index).toString(), expected);
                QCOMPARE(model.data(index, TableModel::ValueRole).isValid(), !column.isNull(r));
            }
        }
        // Every null of a column with missing values shows as "null".
        const std::size_t item = table.indexOf("Item");
        std::size_t nulls = 0;
        for (int r = 0; r < model.rowCount(); ++r)
            nulls += model.data(model.index(r, static_cast<int>(item))).toString() == QLatin1String("null") ? 1 : 0;
        QCOMPARE(nulls, table.column(item).nullCount());
        window.preview().showSource(PreviewPanel::Source::Cleaned);
        QCOMPARE(static_cast<std::size_t>(model.rowCount()), m_expected.withDateParts.rowCount());
    }

    void stepListMatchesTheWorkflow() {
        WorkspaceWindow window;
        QVERIFY(loadAndWait(window, kSharedCsv));
        StepModel& steps = window.steps().steps();
        QCOMPARE(static_cast<std::size_t>(steps.rowCount()), m_expected.steps.size());
        const auto cell = [&](int row, StepModel::Column column) {
            return steps.data(steps.index(row, static_cast<int>(column)));
        };
        for (int row = 0; row < steps.rowCount(); ++row) {
            const engine::batch::RetailStep& step = m_expected.steps[static_cast<std::size_t>(row)];
            QCOMPARE(cell(row, StepModel::Column::Step).toString(), QString::fromStdString(step.id));
            QCOMPARE(cell(row, StepModel::Column::Title).toString(), QString::fromStdString(step.title));
            QCOMPARE(cell(row, StepModel::Column::Summary).toString(), QString::fromStdString(step.summary));
            const QString id = QString::fromStdString(step.id);
            const auto fixed = cell(row, StepModel::Column::RowsFixed).toULongLong();
            const auto before = cell(row, StepModel::Column::RowsBefore).toULongLong();
            const auto after = cell(row, StepModel::Column::RowsAfter).toULongLong();
            if (id == QLatin1String("1.1")) QCOMPARE(after, m_expected.rowsLoaded);
            if (id == QLatin1String("2.1")) QCOMPARE(fixed, m_expected.itemsRecovered);
            if (id == QLatin1String("2.2")) QCOMPARE(fixed, m_expected.totalsRecomputed);
            if (id == QLatin1String("2.3")) QCOMPARE(fixed, m_expected.quantitiesFilled + m_expected.pricesFilled);
            if (id == QLatin1String("2.4")) {
                QCOMPARE(before, m_expected.rowsBeforeDrop);
                QCOMPARE(after, m_expected.finalRows);
                QCOMPARE(fixed, m_expected.rowsDropped);
            }
            if (id == QLatin1String("4.1")) QCOMPARE(after, m_expected.finalRows);
        }
        // Selecting 2.1 shows its demonstration rows: the recovered-items sample.
        for (int row = 0; row < steps.rowCount(); ++row) {
            if (cell(row, StepModel::Column::Step).toString() != QLatin1String("2.1")) continue;
            window.steps().selectStep(row);
            QCOMPARE(static_cast<std::size_t>(window.steps().sample().rowCount()),
                     m_expected.recoveredItemsSample.rowCount());
            QVERIFY(window.steps().sample().rowCount() > 0);
        }
        // Schema (printSchema-like) and the charts.
        QVERIFY(window.schema().text().contains(QStringLiteral(" |-- transaction_id: string")));
        QVERIFY(window.schema().text().contains(QStringLiteral(" |-- day_of_week")));
        const auto& charts = window.charts().charts();
        QCOMPARE(charts.size(), std::size_t{5});
        QCOMPARE(charts[0].bars.size(), m_expected.topCategories.rowCount());
        QCOMPARE(charts[0].bars.front().first,
                 std::string(m_expected.topCategories.column("category").stringAt(0)));
        QCOMPARE(charts[1].bars.size(), m_expected.avgByPayment.rowCount());
        QCOMPARE(charts[2].bars.size(), m_expected.avgByLocation.rowCount());
        double weekdays = 0.0;
        for (const auto& bar : charts[3].bars) weekdays += bar.second;
        QCOMPARE(static_cast<std::size_t>(weekdays), m_expected.finalRows);
        QCOMPARE(charts[4].bars.size(), std::size_t{12});
    }

    void cancelMidLoadKeepsThePreviousTable() {
        const QString big = m_dir.filePath(QStringLiteral("big.csv"));
        writeRetailCsv(big, 150'000);
        WorkspaceWindow window;
        QVERIFY(loadAndWait(window, kSharedCsv));
        const auto before = window.outcome();
        QSignalSpy cancelled(&window.loader(), &WorkspaceLoader::cancelled);
        QSignalSpy loaded(&window.loader(), &WorkspaceLoader::loaded);
        QVERIFY(window.openFile(big));
        QVERIFY(!window.openFile(kSharedCsv));  // one load at a time
        // Wait until the reader has done some work (its first chunk), then cancel.
        QElapsedTimer waited;
        waited.start();
        while (window.loader().percent() == 0 && waited.elapsed() < kEventualMs) QThread::yieldCurrentThread();
        window.cancelLoad();
        const int percentAtCancel = window.loader().percent();
        QVERIFY(percentAtCancel > 0);
        QVERIFY(cancelled.wait(kEventualMs) || !cancelled.isEmpty());
        QVERIFY(loaded.isEmpty());
        QVERIFY(window.loader().percent() < 100);  // the workflow never ran
        QCOMPARE(window.outcome(), before);
        QCOMPARE(static_cast<std::size_t>(window.preview().model().rowCount()), before->load.table.rowCount());
        QVERIFY(window.message().contains(QStringLiteral("cancelled")));
        // The same loader then loads the big file to the end.
        QVERIFY(loadAndWait(window, big));
        QCOMPARE(window.outcome()->load.rowsLoaded, std::size_t{150'000});
        QCOMPARE(window.preview().model().rowCount(), 150'000);
    }

    void malformedCsvShowsAnErrorAndKeepsTheData() {
        WorkspaceWindow window;
        QVERIFY(loadAndWait(window, kSharedCsv));
        const auto before = window.outcome();
        const QString empty = m_dir.filePath(QStringLiteral("empty.csv"));
        QVERIFY(QFile(empty).open(QIODevice::WriteOnly));
        QVERIFY(!loadAndWait(window, empty));
        QVERIFY(window.messageIsError());
        QVERIFY2(window.message().contains(QStringLiteral("empty file")), qPrintable(window.message()));
        QCOMPARE(window.outcome(), before);

        const QString wrong = m_dir.filePath(QStringLiteral("not_retail.csv"));
        QFile file(wrong);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("a,b\n1,\"unterminated\n2,3\n");
        file.close();
        QVERIFY(!loadAndWait(window, wrong));
        QVERIFY(window.messageIsError());
        QVERIFY2(window.message().contains(QStringLiteral("not_retail.csv")), qPrintable(window.message()));
        QCOMPARE(window.outcome(), before);
        QCOMPARE(static_cast<std::size_t>(window.preview().model().rowCount()), before->load.table.rowCount());

        QVERIFY(!loadAndWait(window, m_dir.filePath(QStringLiteral("missing.csv"))));
        QVERIFY(window.message().contains(QStringLiteral("cannot open")));
        QCOMPARE(window.outcome(), before);
    }

    void exportsProduceValidFiles() {
        WorkspaceWindow window;
        QVERIFY(!window.exportPdf(m_dir.filePath(QStringLiteral("nothing.pdf"))));  // nothing loaded yet
        QVERIFY(window.messageIsError());
        QVERIFY(loadAndWait(window, kSharedCsv));

        const QString pdf = m_dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY2(window.exportPdf(pdf), qPrintable(window.message()));
        const QByteArray pdfBytes = readAll(pdf);
        QVERIFY(pdfBytes.startsWith("%PDF-"));
        QVERIFY(pdfBytes.trimmed().endsWith("%%EOF"));
        QVERIFY(pdfBytes.size() > 10'000);  // pages with tables and charts, not an empty document
        for (const engine::batch::RetailStep& step : m_expected.steps) {
            const QByteArray title = QString::fromStdString(step.id + " " + step.title).toHtmlEscaped().toUtf8();
            QVERIFY2(pdfBytes.contains(title), title.constData());
        }

        const QString xlsx = m_dir.filePath(QStringLiteral("report.xlsx"));
        QVERIFY2(window.exportXlsx(xlsx), qPrintable(window.message()));
        const QStringList entries = zipEntries(readAll(xlsx));
        QVERIFY(entries.contains(QStringLiteral("xl/workbook.xml")));
        QVERIFY(entries.filter(QStringLiteral("xl/worksheets/sheet")).size() >= 5);
        QVERIFY(!entries.filter(QStringLiteral("xl/charts/chart")).isEmpty());

        const QString html = m_dir.filePath(QStringLiteral("report.html"));
        QVERIFY2(window.exportHtml(html), qPrintable(window.message()));
        const QByteArray htmlBytes = readAll(html);
        QVERIFY(htmlBytes.contains("<html"));
        QVERIFY(htmlBytes.contains("Top 5 categories by units sold"));

        const QString csv = m_dir.filePath(QStringLiteral("cleaned.csv"));
        QVERIFY2(window.exportCleanedCsv(csv), qPrintable(window.message()));
        const auto reread = engine::batch::readCsvFile(csv.toStdString());
        QVERIFY2(reread.ok(), reread.error().c_str());
        QCOMPARE(reread.value().table.rowCount(), m_expected.finalRows);
        QVERIFY(reread.value().table.find("day_of_week").has_value());
    }

    void unwritablePathIsAClearErrorAndKeepsFiles() {
        WorkspaceWindow window;
        QVERIFY(loadAndWait(window, kSharedCsv));
        const auto before = window.outcome();
        const QString missingDir = m_dir.filePath(QStringLiteral("no/such/dir/report.pdf"));
        QVERIFY(!window.exportPdf(missingDir));
        QVERIFY(window.messageIsError());
        QVERIFY2(window.message().contains(missingDir), qPrintable(window.message()));
        QVERIFY(!window.exportXlsx(m_dir.filePath(QStringLiteral("no/such/dir/report.xlsx"))));
        QVERIFY(window.message().contains(QStringLiteral("report.xlsx")));
        QCOMPARE(window.outcome(), before);
        // A PDF export that fails leaves an existing file as it was.
        const QString existing = m_dir.filePath(QStringLiteral("keep.pdf"));
        {
            QFile file(existing);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("previous");
        }
        QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        const bool wrote = window.exportPdf(existing);
        QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        if (wrote) QSKIP("running as a user that may write into read-only directories (root)");
        QCOMPARE(readAll(existing), QByteArray("previous"));
    }

    void windowStateIsRemembered() {
        {
            WorkspaceWindow window;
            window.resize(900, 640);
            window.show();
            window.close();
        }
        QVERIFY(QSettings().contains(QStringLiteral("workspace/geometry")));
        WorkspaceWindow again;
        QCOMPARE(again.size(), QSize(900, 640));
    }

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    RetailReport m_expected;
};

QTEST_MAIN(TestWorkspace)
#include "test_workspace.moc"
