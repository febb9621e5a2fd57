#pragma once

#include <QMainWindow>
#include <memory>
#include <utility>
#include <vector>

#include "cityops/widgets/workspace/workspace_loader.h"

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace cityops::widgets::workspace {

class ChartsPanel;
class PreviewPanel;
class SchemaPanel;
class StepPanel;

//! The analyst workspace for the retail-sales CSV: open a file on a worker thread (progress, Cancel),
//! preview its tables, read the schema, walk the workflow's steps, see the charts and export the cleaned
//! data (CSV) and the report (PDF, XLSX, HTML). Errors show in a message bar and never drop the data
//! already loaded. Remembers the last directory and its geometry in QSettings (`workspace/...`).
class WorkspaceWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit WorkspaceWindow(QWidget* parent = nullptr);
    ~WorkspaceWindow() override;

    //! Starts loading path in the background; false when a load is already running.
    bool openFile(const QString& path);
    void cancelLoad();
    //! Exports write the current data; false (with the reason in the message bar) when there is none
    //! or the file cannot be written.
    bool exportCleanedCsv(const QString& path);
    bool exportPdf(const QString& path);
    bool exportXlsx(const QString& path);
    bool exportHtml(const QString& path);

    //! The data shown, or null before the first successful load.
    std::shared_ptr<const LoadOutcome> outcome() const { return m_outcome; }
    WorkspaceLoader& loader() { return *m_loader; }
    PreviewPanel& preview() { return *m_preview; }
    SchemaPanel& schema() { return *m_schema; }
    StepPanel& steps() { return *m_steps; }
    ChartsPanel& charts() { return *m_charts; }
    //! Text of the message bar (errors and notices); empty when hidden.
    QString message() const;
    bool messageIsError() const { return m_messageIsError; }
    int progressValue() const;
    //! The loaded tables for the SQL console: retail_raw (as read) and retail_clean (after step 2.4);
    //! empty before a load. Copies share the columns.
    std::vector<std::pair<QString, engine::batch::Table>> sqlTables() const;

signals:
    //! After each load attempt, on success or not (cancelled, failed).
    void loadFinished(bool ok);
    //! File → Query in SQL console: the owner publishes sqlTables() to its SQL console.
    void sqlConsoleRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void chooseAndOpen();
    void chooseAndExport(const QString& caption, const QString& filter, const QString& suffix,
                         bool (WorkspaceWindow::*exporter)(const QString&));
    void onLoaded(const std::shared_ptr<const LoadOutcome>& outcome);
    void showMessage(const QString& text, bool error);
    bool checkData();
    bool finishExport(const QString& path, const QString& error);
    void updateActions();
    void rememberDirectory(const QString& path);
    QString lastDirectory() const;

    WorkspaceLoader* m_loader;
    std::shared_ptr<const LoadOutcome> m_outcome;
    QLabel* m_message;
    bool m_messageIsError = false;
    QTabWidget* m_tabs;
    PreviewPanel* m_preview;
    SchemaPanel* m_schema;
    StepPanel* m_steps;
    ChartsPanel* m_charts;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QLabel* m_status;
    QAction* m_openAction = nullptr;
    QList<QAction*> m_exportActions;
};

}  // namespace cityops::widgets::workspace
