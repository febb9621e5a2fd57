#pragma once

#include <QObject>
#include <QString>
#include <QTimer>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/retail_workflow.h"

namespace cityops::widgets::workspace {

//! What one load produced: the CSV (with its rejects) and the retail workflow run on it.
struct LoadOutcome {
    QString path;
    engine::batch::CsvLoad load;
    engine::batch::RetailReport report;
    double loadSeconds = 0.0;      //!< reading and parsing the CSV
    double workflowSeconds = 0.0;  //!< steps 1.1-4.1
};

//! Loads a CSV and runs the retail workflow on a worker thread. Progress (0-100) is polled by a GUI
//! timer from an atomic the reader updates (no signal per chunk); cancel() stops the reader at its next
//! chunk. Exactly one of loaded / failed / cancelled follows each start(), on the GUI thread. Not
//! thread-safe: use from the GUI thread only.
class WorkspaceLoader : public QObject {
    Q_OBJECT

public:
    explicit WorkspaceLoader(QObject* parent = nullptr);
    ~WorkspaceLoader() override;

    //! Starts loading path; false (and nothing happens) while a load is running.
    bool start(const QString& path);
    //! Asks the running load to stop; the previous data stays wherever it is shown.
    void cancel();
    bool running() const { return m_thread.joinable(); }
    //! Percent done of the running or last load.
    int percent() const { return m_percent.load(std::memory_order_relaxed); }

signals:
    void progressChanged(int percent);
    void loaded(std::shared_ptr<const cityops::widgets::workspace::LoadOutcome> outcome);
    void failed(const QString& path, const QString& message);
    void cancelled(const QString& path);

private:
    void poll();
    void finish();

    std::thread m_thread;
    std::atomic<int> m_percent{0};
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_done{false};
    int m_reported = -1;
    QTimer m_timer;
    QString m_path;
    std::unique_ptr<LoadOutcome> m_outcome;
    QString m_error;
};

}  // namespace cityops::widgets::workspace
