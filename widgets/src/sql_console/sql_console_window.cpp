#include "cityops/widgets/sql_console/sql_console_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSplitter>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

#include "cityops/connectors/report_export.h"
#include "cityops/widgets/sql_console/result_model.h"
#include "cityops/widgets/workspace/workspace_window.h"

namespace cityops::widgets::sql_console {

namespace {

const QString kHistoryKey = QStringLiteral("sqlConsole/history");
const QString kTextKey = QStringLiteral("sqlConsole/lastText");
const QString kGeometryKey = QStringLiteral("sqlConsole/geometry");
constexpr int kHistoryLimit = 100;

//! A table name from a file name: lower case, runs of other characters as '_', not starting with a digit.
QString tableNameFor(const QString& path) {
    static const QRegularExpression other(QStringLiteral("[^a-z0-9_]+"));
    QString name = QFileInfo(path).completeBaseName().toLower().replace(other, QStringLiteral("_"));
    if (name.isEmpty() || name.front().isDigit()) name.prepend(QStringLiteral("t_"));
    return name;
}

}  // namespace

SqlConsoleWindow::SqlConsoleWindow(QWidget* parent)
    : QMainWindow(parent),
      m_runner(new SqlRunner(this)),
      m_editor(new SqlEditor(*m_runner, this)),
      m_results(new ResultModel(this)),
      m_catalog(new CatalogModel(*m_runner, this)),
      m_history(new QStringListModel(this)),
      m_tablesView(new QTreeView(this)),
      m_grid(new QTableView(this)),
      m_plan(new QPlainTextEdit(this)),
      m_historyView(new QListView(this)),
      m_tabs(new QTabWidget(this)),
      m_message(new QLabel(this)),
      m_status(new QLabel(this)),
      m_progress(new QProgressBar(this)),
      m_run(new QPushButton(tr("Run"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)) {
    setObjectName(QStringLiteral("sqlConsoleWindow"));
    setWindowTitle(tr("SQL console"));

    m_tablesView->setObjectName(QStringLiteral("sqlTables"));
    m_tablesView->setModel(m_catalog);
    m_tablesView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_editor->setObjectName(QStringLiteral("sqlEditor"));
    m_editor->setPlaceholderText(tr("SELECT … — Ctrl+Enter runs the statement under the cursor or the selection"));
    m_grid->setObjectName(QStringLiteral("sqlResults"));
    m_grid->setModel(m_results);
    m_grid->verticalHeader()->setDefaultSectionSize(m_grid->fontMetrics().height() + 6);
    m_grid->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_plan->setObjectName(QStringLiteral("sqlPlan"));
    m_plan->setReadOnly(true);
    m_plan->setFont(m_editor->font());
    m_historyView->setObjectName(QStringLiteral("sqlHistory"));
    m_historyView->setModel(m_history);
    m_historyView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tabs->addTab(m_grid, tr("Results"));
    m_tabs->addTab(m_plan, tr("Plan"));
    m_tabs->addTab(m_historyView, tr("History"));
    m_message->setObjectName(QStringLiteral("sqlMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setStyleSheet(QStringLiteral("color: #e74c3c;"));
    m_message->hide();
    m_status->setObjectName(QStringLiteral("sqlStatus"));
    m_progress->setObjectName(QStringLiteral("sqlProgress"));
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(240);
    m_progress->hide();
    m_run->setObjectName(QStringLiteral("sqlRun"));
    m_run->setToolTip(tr("Run the selection or the statement under the cursor (Ctrl+Enter)"));
    m_cancel->setObjectName(QStringLiteral("sqlCancel"));
    m_cancel->setEnabled(false);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_run);
    bar->addWidget(m_cancel);
    bar->addWidget(m_progress);
    bar->addWidget(m_status, 1);
    auto* lower = new QWidget(this);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addLayout(bar);
    lowerLayout->addWidget(m_message);
    lowerLayout->addWidget(m_tabs, 1);
    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_editor);
    right->addWidget(lower);
    right->setStretchFactor(1, 2);
    auto* main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(m_tablesView);
    main->addWidget(right);
    main->setStretchFactor(1, 3);
    setCentralWidget(main);
    createActions();

    connect(m_run, &QPushButton::clicked, this, &SqlConsoleWindow::runCurrent);
    connect(m_cancel, &QPushButton::clicked, this, &SqlConsoleWindow::cancel);
    connect(m_editor, &SqlEditor::runRequested, this, &SqlConsoleWindow::runStatement);
    connect(m_runner, &SqlRunner::schemaChanged, m_catalog, &CatalogModel::refresh);
    connect(m_runner, &SqlRunner::progressChanged, m_progress, &QProgressBar::setValue);
    connect(m_runner, &SqlRunner::finished, this, &SqlConsoleWindow::onFinished);
    connect(m_runner, &SqlRunner::failed, this, &SqlConsoleWindow::onFailed);
    connect(m_runner, &SqlRunner::cancelled, this, [this] {
        setRunning(false);
        m_status->setText(tr("Cancelled"));
        emit queryDone(false);
    });
    connect(m_historyView, &QListView::activated, this,
            [this](const QModelIndex& index) { m_editor->setPlainText(index.data().toString()); });

    QSettings settings;
    m_history->setStringList(settings.value(kHistoryKey).toStringList());
    m_editor->setPlainText(settings.value(kTextKey).toString());
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    if (geometry().width() < 300) resize(1000, 700);
}

SqlConsoleWindow::~SqlConsoleWindow() { saveText(); }

SqlConsoleWindow* SqlConsoleWindow::showFor(QWidget* owner, const QString& dataDir) {
    auto* console = owner->findChild<SqlConsoleWindow*>(QString(), Qt::FindDirectChildrenOnly);
    if (!console) {
        console = new SqlConsoleWindow(owner);
        console->setWindowFlag(Qt::Window);
        if (!dataDir.isEmpty()) console->setDataDir(dataDir);
    }
    console->show();
    console->raise();
    console->activateWindow();
    return console;
}

void SqlConsoleWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* addCsvAction = file->addAction(tr("&Add CSV table…"), this, &SqlConsoleWindow::chooseCsv);
    addCsvAction->setObjectName(QStringLiteral("sqlAddCsvAction"));
    addCsvAction->setShortcut(QKeySequence::Open);
    QAction* exportAction = file->addAction(tr("&Export results as CSV…"), this, &SqlConsoleWindow::chooseExport);
    exportAction->setObjectName(QStringLiteral("sqlExportAction"));
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    file->addAction(tr("&Close"), this, &QWidget::close)->setShortcut(QKeySequence::Close);
    QMenu* query = menuBar()->addMenu(tr("&Query"));
    query->addAction(tr("&Run statement (Ctrl+Enter)"), this, &SqlConsoleWindow::runCurrent);
    query->addAction(tr("&Cancel"), this, &SqlConsoleWindow::cancel);
    QAction* completeAction = query->addAction(tr("Com&plete (Ctrl+Space)"), m_editor, &SqlEditor::complete);
    completeAction->setObjectName(QStringLiteral("sqlCompleteAction"));
}

bool SqlConsoleWindow::setDataDir(const QString& dataDir) {
    const QString log = QDir(dataDir).filePath(QStringLiteral("log"));
    if (QFileInfo(log).isDir()) m_runner->setLogDirectory(log);
    const QString db = QDir(dataDir).filePath(QStringLiteral("cityops.db"));
    if (!QFileInfo::exists(db)) return false;
    m_runner->registerStoredReadings(db);
    return true;
}

QString SqlConsoleWindow::addCsv(const QString& path, const QString& name) {
    const QString table = name.isEmpty() ? tableNameFor(path) : name;
    m_runner->registerCsv(table, path);
    return table;
}

void SqlConsoleWindow::registerTable(const QString& name, engine::batch::Table table) {
    m_runner->registerTable(name, std::move(table));
}

void SqlConsoleWindow::publishWorkspace(const workspace::WorkspaceWindow& workspace) {
    const auto tables = workspace.sqlTables();
    if (tables.empty()) {
        m_message->setText(tr("The workspace has no data loaded yet."));
        m_message->show();
        return;
    }
    for (const auto& [name, table] : tables) m_runner->registerTable(name, table);
}

bool SqlConsoleWindow::runCurrent() { return runStatement(m_editor->currentStatement()); }

bool SqlConsoleWindow::runStatement(const Statement& statement) {
    if (statement.text.trimmed().isEmpty() || m_runner->queryActive()) return false;
    if (!m_runner->run(statement.text)) return false;
    m_runningStart = statement.start;
    m_editor->clearErrorMark();
    m_message->hide();
    m_message->clear();
    addToHistory(statement.text);
    saveText();
    setRunning(true);
    m_status->setText(tr("Running…"));
    return true;
}

void SqlConsoleWindow::cancel() { m_runner->cancel(); }

bool SqlConsoleWindow::exportCsv(const QString& path) {
    if (!m_results->outcome()) {
        m_message->setText(tr("There is no result to export."));
        m_message->show();
        return false;
    }
    const std::string error = connectors::writeTableCsv(m_results->displayTable(), path.toStdString());
    if (!error.empty()) {
        m_message->setText(tr("Export failed: %1").arg(QString::fromStdString(error)));
        m_message->show();
        return false;
    }
    m_status->setText(tr("Exported %n row(s) to %1", nullptr, m_results->rowCount()).arg(path));
    return true;
}

QString SqlConsoleWindow::planText() const { return m_plan->toPlainText(); }
QString SqlConsoleWindow::messageText() const { return m_message->text(); }
QString SqlConsoleWindow::statusText() const { return m_status->text(); }
QStringList SqlConsoleWindow::history() const { return m_history->stringList(); }
bool SqlConsoleWindow::isRunning() const { return m_runner->queryActive(); }

void SqlConsoleWindow::closeEvent(QCloseEvent* event) {
    saveText();
    QSettings().setValue(kGeometryKey, saveGeometry());
    QMainWindow::closeEvent(event);
}

void SqlConsoleWindow::onFinished(const std::shared_ptr<const SqlOutcome>& outcome) {
    setRunning(false);
    m_results->setOutcome(outcome);
    m_plan->setPlainText(QString::fromStdString(outcome->result.plan));
    const qint64 rows = static_cast<qint64>(outcome->result.table.rowCount());
    m_status->setText(tr("%L1 row(s) · %2 s", nullptr, static_cast<int>(std::min<qint64>(rows, INT_MAX)))
                          .arg(rows)
                          .arg(outcome->seconds, 0, 'f', 3));
    if (m_tabs->currentWidget() == m_historyView) m_tabs->setCurrentWidget(m_grid);
    emit queryDone(true);
}

void SqlConsoleWindow::onFailed(const QString& message, int line, int column) {
    setRunning(false);
    m_message->setText(tr("Line %1, column %2: %3").arg(line).arg(column).arg(message));
    m_message->show();
    m_status->setText(tr("Failed"));
    m_editor->markError(m_runningStart, line, column);
    m_editor->setFocus();
    emit queryDone(false);
}

void SqlConsoleWindow::setRunning(bool running) {
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
    if (running) m_progress->setValue(0);
}

void SqlConsoleWindow::addToHistory(const QString& text) {
    QStringList entries = m_history->stringList();
    entries.removeAll(text);
    entries.prepend(text);
    while (entries.size() > kHistoryLimit) entries.removeLast();
    m_history->setStringList(entries);
    QSettings().setValue(kHistoryKey, entries);
}

void SqlConsoleWindow::chooseCsv() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Add CSV table"), QString(),
                                                      tr("CSV files (*.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty()) addCsv(path);
}

void SqlConsoleWindow::chooseExport() {
    QString path = QFileDialog::getSaveFileName(this, tr("Export results as CSV"), QString(), tr("CSV files (*.csv)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".csv");
    exportCsv(path);
}

void SqlConsoleWindow::saveText() const { QSettings().setValue(kTextKey, m_editor->toPlainText()); }

}  // namespace cityops::widgets::sql_console
