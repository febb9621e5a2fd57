#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "cityops/engine/sql/catalog.h"
#include "cityops/engine/sql/sql.h"

namespace cityops::widgets::sql_console {

//! One column of a catalog table as the tables pane and the completer show it.
struct SqlColumnInfo {
    QString name;
    QString type;  //!< batch type name: long, double, boolean, date, timestamp, string
};

//! One catalog table: its columns once loaded, or the reason it could not be.
struct SqlTableInfo {
    QString name;
    std::vector<SqlColumnInfo> columns;
    qint64 rows = -1;  //!< -1 until described
    QString error;
};

//! A finished query: the engine's result and how long it took.
struct SqlOutcome {
    QString text;
    engine::sql::QueryResult result;
    double seconds = 0.0;
};

//! Owns the console's sql::Catalog and runs one job at a time on a worker thread: a query, or the
//! description of newly registered tables (CSV and stored tables are loaded there, not on the UI
//! thread). Progress (0-100) is polled by a GUI timer from an atomic the engine updates; cancel() makes
//! the engine's progress callback return false. Registrations made while a job runs are applied when it
//! ends (the catalog is touched by one thread at a time). Use from the GUI thread only.
class SqlRunner : public QObject {
    Q_OBJECT

public:
    explicit SqlRunner(QObject* parent = nullptr);
    ~SqlRunner() override;

    void registerTable(const QString& name, engine::batch::Table table);
    void registerCsv(const QString& name, const QString& path);
    void registerStoredReadings(const QString& dbPath, const QString& name = QStringLiteral("readings"));

    //! Starts the query (after a running table description, if any); false while a query is pending.
    bool run(const QString& text);
    //! Asks the running query to stop; cancelled() follows.
    void cancel();
    //! True from run() until finished / failed / cancelled.
    bool queryActive() const { return m_queryActive; }
    //! Percent done of the running or last query.
    int percent() const { return m_percent.load(std::memory_order_relaxed); }
    //! Catalog tables, sorted by name.
    const std::vector<SqlTableInfo>& schema() const { return m_schema; }
    //! The table of that name (case-insensitive), or null.
    const SqlTableInfo* table(const QString& name) const;
    //! The embedded event log that streaming scripts (CREATE TABLE … WITH ('connector' = 'embedded'),
    //! INSERT INTO, windowed SELECT) read; empty = none, and such a script fails with the engine's message.
    void setLogDirectory(const QString& directory) { m_logDirectory = directory.toStdString(); }
    //! Largest cross join a query may produce (QueryOptions::maxCrossJoinRows).
    void setMaxCrossJoinRows(std::size_t rows) { m_maxCrossJoinRows = rows; }

signals:
    void progressChanged(int percent);
    void finished(std::shared_ptr<const cityops::widgets::sql_console::SqlOutcome> outcome);
    //! message is the bare text; line and column are 1-based, in the query text run().
    void failed(const QString& message, int line, int column);
    void cancelled();
    //! The catalog changed (a registration) or a table was described.
    void schemaChanged();
    //! No job is running or waiting any more.
    void idle();

private:
    using Registration = std::function<void(engine::sql::Catalog&)>;
    void enqueue(const QString& name, Registration registration);
    void startNext();
    void startQuery(const QString& text);
    void startDescribe(std::vector<std::string> names);
    void runStream(const QString& text, const std::string& utf8, std::chrono::steady_clock::time_point started);
    void poll();
    void finishJob();
    void rebuildSchema();

    std::unique_ptr<engine::sql::Catalog> m_catalog;
    std::vector<Registration> m_pending;
    std::vector<std::string> m_undescribed;
    std::vector<SqlTableInfo> m_schema;
    std::map<std::string, SqlTableInfo> m_described;
    std::optional<QString> m_queuedQuery;
    bool m_queryActive = false;
    std::string m_logDirectory;
    std::size_t m_maxCrossJoinRows = engine::sql::QueryOptions{}.maxCrossJoinRows;

    enum class Job { None, Query, Describe };
    Job m_job = Job::None;
    std::thread m_thread;
    std::atomic<int> m_percent{0};
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_done{false};
    int m_reported = -1;
    QTimer m_timer;
    // Written by the worker, read after join.
    std::unique_ptr<SqlOutcome> m_outcome;
    std::optional<engine::sql::SqlError> m_error;
    std::vector<SqlTableInfo> m_newDescriptions;
};

}  // namespace cityops::widgets::sql_console
