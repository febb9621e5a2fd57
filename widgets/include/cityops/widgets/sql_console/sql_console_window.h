#pragma once

#include <QMainWindow>
#include <memory>
#include <utility>
#include <vector>

#include "cityops/widgets/sql_console/sql_editor.h"
#include "cityops/widgets/sql_console/sql_runner.h"

class QLabel;
class QListView;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStringListModel;
class QTabWidget;
class QTableView;
class QTreeView;

namespace cityops::widgets::workspace {
class WorkspaceWindow;
}

namespace cityops::widgets::sql_console {

class CatalogModel;
class ResultModel;

//! The SQL console (Tools → SQL console): a tables pane listing the catalog, the editor, and tabs with
//! the results grid, the plan and the history. Queries run on SqlRunner's worker thread with a progress
//! bar and Cancel; an error names its line and column, moves the cursor there and underlines the token.
//! The history (newest first) and the editor's text are kept in QSettings (`sqlConsole/...`).
class SqlConsoleWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit SqlConsoleWindow(QWidget* parent = nullptr);
    ~SqlConsoleWindow() override;

    //! owner's console window, created (with the stored readings of dataDir when it has a cityops.db)
    //! on first use; shown and raised.
    static SqlConsoleWindow* showFor(QWidget* owner, const QString& dataDir);

    //! Registers <dataDir>/cityops.db as `readings`; false when there is no such file.
    bool setDataDir(const QString& dataDir);
    //! Registers a CSV file as a table named after the file (or name); returns the table name.
    QString addCsv(const QString& path, const QString& name = {});
    void registerTable(const QString& name, engine::batch::Table table);
    //! Registers the workspace's loaded tables (WorkspaceWindow::sqlTables: retail_raw, retail_clean).
    void publishWorkspace(const workspace::WorkspaceWindow& workspace);

    //! Runs the editor's selection or the statement under its cursor; false when empty or one is running.
    bool runCurrent();
    bool runStatement(const Statement& statement);
    void cancel();
    //! Writes the current result as CSV; false (reason in the message line) when there is none or it fails.
    bool exportCsv(const QString& path);

    SqlRunner& runner() { return *m_runner; }
    SqlEditor& editor() { return *m_editor; }
    ResultModel& resultModel() { return *m_results; }
    CatalogModel& catalogModel() { return *m_catalog; }
    QString planText() const;
    //! The message line: the last error, or empty.
    QString messageText() const;
    //! "N rows · t s" of the last result.
    QString statusText() const;
    //! Queries run, newest first.
    QStringList history() const;
    bool isRunning() const;

signals:
    //! After every query: ok false on an error or a cancel.
    void queryDone(bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void onFinished(const std::shared_ptr<const SqlOutcome>& outcome);
    void onFailed(const QString& message, int line, int column);
    void setRunning(bool running);
    void addToHistory(const QString& text);
    void chooseCsv();
    void chooseExport();
    void saveText() const;

    SqlRunner* m_runner;
    SqlEditor* m_editor;
    ResultModel* m_results;
    CatalogModel* m_catalog;
    QStringListModel* m_history;
    QTreeView* m_tablesView;
    QTableView* m_grid;
    QPlainTextEdit* m_plan;
    QListView* m_historyView;
    QTabWidget* m_tabs;
    QLabel* m_message;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_run;
    QPushButton* m_cancel;
    int m_runningStart = 0;
};

}  // namespace cityops::widgets::sql_console
