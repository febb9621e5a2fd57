#include "cityops/widgets/workspace/workspace_window.h"

#include <QAction>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "cityops/connectors/report_export.h"
#include "cityops/widgets/workspace/charts_panel.h"
#include "cityops/widgets/workspace/pdf_report.h"
#include "cityops/widgets/workspace/preview_panel.h"
#include "cityops/widgets/workspace/step_panel.h"

namespace cityops::widgets::workspace {

namespace {

const QString kDirectoryKey = QStringLiteral("workspace/lastDirectory");
const QString kGeometryKey = QStringLiteral("workspace/geometry");
const QString kStateKey = QStringLiteral("workspace/state");

}  // namespace

WorkspaceWindow::WorkspaceWindow(QWidget* parent)
    : QMainWindow(parent),
      m_loader(new WorkspaceLoader(this)),
      m_message(new QLabel(this)),
      m_tabs(new QTabWidget(this)),
      m_preview(new PreviewPanel(this)),
      m_schema(new SchemaPanel(this)),
      m_steps(new StepPanel(this)),
      m_charts(new ChartsPanel(this)),
      m_progress(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_status(new QLabel(this)) {
    setObjectName(QStringLiteral("workspaceWindow"));
    setWindowTitle(tr("Retail workspace"));

    m_message->setObjectName(QStringLiteral("workspaceMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    m_tabs->addTab(m_preview, tr("Preview"));
    m_tabs->addTab(m_schema, tr("Schema"));
    m_tabs->addTab(m_steps, tr("Steps"));
    m_tabs->addTab(m_charts, tr("Charts"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_progress->setObjectName(QStringLiteral("loadProgress"));
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(240);
    m_progress->hide();
    m_cancel->setObjectName(QStringLiteral("cancelLoad"));
    m_cancel->setEnabled(false);
    m_cancel->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, &WorkspaceWindow::cancelLoad);

    connect(m_loader, &WorkspaceLoader::progressChanged, m_progress, &QProgressBar::setValue);
    connect(m_loader, &WorkspaceLoader::loaded, this, &WorkspaceWindow::onLoaded);
    connect(m_loader, &WorkspaceLoader::failed, this, [this](const QString& path, const QString& error) {
        updateActions();
        showMessage(tr("Could not open %1: %2. The data shown before is kept.").arg(path, error), true);
        emit loadFinished(false);
    });
    connect(m_loader, &WorkspaceLoader::cancelled, this, [this](const QString& path) {
        updateActions();
        showMessage(tr("Loading %1 was cancelled. The data shown before is kept.").arg(path), false);
        emit loadFinished(false);
    });

    createActions();
    updateActions();
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
}

WorkspaceWindow::~WorkspaceWindow() = default;

void WorkspaceWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QToolBar* toolbar = addToolBar(tr("Workspace"));
    toolbar->setObjectName(QStringLiteral("workspaceToolbar"));
    m_openAction = file->addAction(tr("&Open CSV…"));
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &WorkspaceWindow::chooseAndOpen);
    toolbar->addAction(m_openAction);
    file->addSeparator();
    const auto addExport = [&](const QString& text, const QString& caption, const QString& filter,
                               const QString& suffix, bool (WorkspaceWindow::*exporter)(const QString&)) {
        QAction* action = file->addAction(text);
        connect(action, &QAction::triggered, this,
                [this, caption, filter, suffix, exporter] { chooseAndExport(caption, filter, suffix, exporter); });
        toolbar->addAction(action);
        m_exportActions << action;
    };
    addExport(tr("Export cleaned &data (CSV)…"), tr("Export cleaned data"), tr("CSV files (*.csv)"),
              QStringLiteral("csv"), &WorkspaceWindow::exportCleanedCsv);
    addExport(tr("Export report as &PDF…"), tr("Export report as PDF"), tr("PDF files (*.pdf)"), QStringLiteral("pdf"),
              &WorkspaceWindow::exportPdf);
    addExport(tr("Export report as &XLSX…"), tr("Export report as XLSX"), tr("Excel workbooks (*.xlsx)"),
              QStringLiteral("xlsx"), &WorkspaceWindow::exportXlsx);
    addExport(tr("Export report as &HTML…"), tr("Export report as HTML"), tr("HTML pages (*.html)"),
              QStringLiteral("html"), &WorkspaceWindow::exportHtml);
    QAction* sqlAction = file->addAction(tr("&Query in SQL console"));
    sqlAction->setObjectName(QStringLiteral("sqlConsoleAction"));
    connect(sqlAction, &QAction::triggered, this, &WorkspaceWindow::sqlConsoleRequested);
    m_exportActions << sqlAction;  // enabled once data is loaded, like the exports
    file->addSeparator();
    QAction* close = file->addAction(tr("&Close"));
    close->setShortcut(QKeySequence::Close);
    connect(close, &QAction::triggered, this, &QWidget::close);
}

std::vector<std::pair<QString, engine::batch::Table>> WorkspaceWindow::sqlTables() const {
    if (!m_outcome) return {};
    return {{QStringLiteral("retail_raw"), m_outcome->report.raw},
            {QStringLiteral("retail_clean"), m_outcome->report.cleaned}};
}

bool WorkspaceWindow::openFile(const QString& path) {
    if (!m_loader->start(path)) return false;
    rememberDirectory(path);
    m_message->hide();
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_status->setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    updateActions();
    return true;
}

void WorkspaceWindow::cancelLoad() {
    if (!m_loader->running()) return;
    m_loader->cancel();
    m_cancel->setEnabled(false);
    m_status->setText(tr("Cancelling…"));
}

void WorkspaceWindow::onLoaded(const std::shared_ptr<const LoadOutcome>& outcome) {
    m_outcome = outcome;
    const std::shared_ptr<const engine::batch::RetailReport> report(outcome, &outcome->report);
    m_preview->setOutcome(outcome);
    m_schema->setOutcome(outcome);
    m_steps->setReport(report);
    m_charts->setReport(outcome->report);
    updateActions();
    m_status->setText(tr("%1: %2 rows loaded in %3 s, workflow %4 s, %5 rows after cleaning")
                          .arg(QFileInfo(outcome->path).fileName())
                          .arg(outcome->load.rowsLoaded)
                          .arg(outcome->loadSeconds, 0, 'f', 2)
                          .arg(outcome->workflowSeconds, 0, 'f', 2)
                          .arg(outcome->report.finalRows));
    if (outcome->load.rowsWithErrors > 0) {
        showMessage(tr("%1 rows had values that could not be read; they are listed under Preview → Rejected values.")
                        .arg(outcome->load.rowsWithErrors),
                    false);
    }
    emit loadFinished(true);
}

void WorkspaceWindow::updateActions() {
    const bool loading = m_loader->running();
    m_openAction->setEnabled(!loading);
    for (QAction* action : m_exportActions) action->setEnabled(!loading && m_outcome != nullptr);
    m_cancel->setEnabled(loading);
    if (!loading) {
        m_progress->setVisible(false);
        m_cancel->setVisible(false);
        if (!m_outcome) m_status->setText(tr("Open a retail sales CSV to start."));
    }
}

void WorkspaceWindow::showMessage(const QString& text, bool error) {
    m_messageIsError = error;
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { background: #f8d7da; color: #721c24; padding: 6px; }")
                                   : QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 6px; }"));
    m_message->show();
    if (error) m_status->setText(tr("Error — see the message above"));
}

QString WorkspaceWindow::message() const { return m_message->isHidden() ? QString() : m_message->text(); }

int WorkspaceWindow::progressValue() const { return m_progress->value(); }

bool WorkspaceWindow::checkData() {
    if (m_outcome) return true;
    showMessage(tr("Nothing to export yet: open a CSV first."), true);
    return false;
}

bool WorkspaceWindow::finishExport(const QString& path, const QString& error) {
    if (!error.isEmpty()) {
        showMessage(tr("Export failed: %1. The data in the workspace is unchanged.").arg(error), true);
        return false;
    }
    rememberDirectory(path);
    m_message->hide();
    m_status->setText(tr("Wrote %1").arg(path));
    return true;
}

bool WorkspaceWindow::exportCleanedCsv(const QString& path) {
    if (!checkData()) return false;
    return finishExport(path, QString::fromStdString(
                                  connectors::writeTableCsv(m_outcome->report.withDateParts, path.toStdString())));
}

bool WorkspaceWindow::exportPdf(const QString& path) {
    if (!checkData()) return false;
    return finishExport(path, writeRetailPdf(m_outcome->report, path, m_outcome->path));
}

bool WorkspaceWindow::exportXlsx(const QString& path) {
    if (!checkData()) return false;
    return finishExport(path,
                        QString::fromStdString(connectors::writeRetailXlsx(m_outcome->report, path.toStdString())));
}

bool WorkspaceWindow::exportHtml(const QString& path) {
    if (!checkData()) return false;
    return finishExport(path,
                        QString::fromStdString(connectors::writeRetailHtml(m_outcome->report, path.toStdString())));
}

void WorkspaceWindow::chooseAndOpen() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open retail sales CSV"), lastDirectory(), tr("CSV files (*.csv);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
}

void WorkspaceWindow::chooseAndExport(const QString& caption, const QString& filter, const QString& suffix,
                                      bool (WorkspaceWindow::*exporter)(const QString&)) {
    if (!checkData()) return;
    const QString base = m_outcome ? QFileInfo(m_outcome->path).completeBaseName() : QStringLiteral("report");
    QString path = QFileDialog::getSaveFileName(this, caption, lastDirectory() + QLatin1Char('/') + base +
                                                                   QLatin1Char('.') + suffix, filter);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    (this->*exporter)(path);
}

void WorkspaceWindow::rememberDirectory(const QString& path) {
    QSettings().setValue(kDirectoryKey, QFileInfo(path).absolutePath());
}

QString WorkspaceWindow::lastDirectory() const {
    const QString fallback = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QSettings().value(kDirectoryKey, fallback).toString();
}

void WorkspaceWindow::closeEvent(QCloseEvent* event) {
    if (m_loader->running()) m_loader->cancel();
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    QMainWindow::closeEvent(event);
}

}  // namespace cityops::widgets::workspace
