#include "cityops/widgets/workspace/workspace_loader.h"

#include <chrono>
#include <exception>

namespace cityops::widgets::workspace {

namespace {

constexpr int kPollMs = 33;            //!< ~30 Hz, like the console's frame timer
constexpr double kLoadShare = 90.0;    //!< percent of the bar for the CSV load; the workflow gets the rest

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

WorkspaceLoader::WorkspaceLoader(QObject* parent) : QObject(parent) {
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &WorkspaceLoader::poll);
}

WorkspaceLoader::~WorkspaceLoader() {
    m_cancel.store(true);
    if (m_thread.joinable()) m_thread.join();
}

bool WorkspaceLoader::start(const QString& path) {
    if (running()) return false;
    m_path = path;
    m_percent.store(0);
    m_cancel.store(false);
    m_done.store(false);
    m_reported = -1;
    m_outcome.reset();
    m_error.clear();
    m_thread = std::thread([this, file = path.toStdString()] {
        auto outcome = std::make_unique<LoadOutcome>();
        try {
            engine::batch::CsvOptions options;
            options.progress = [this](double fraction) {
                m_percent.store(static_cast<int>(fraction * kLoadShare), std::memory_order_relaxed);
                return !m_cancel.load(std::memory_order_relaxed);
            };
            const auto started = std::chrono::steady_clock::now();
            auto load = engine::batch::readCsvFile(file, options);
            outcome->loadSeconds = secondsSince(started);
            if (!load) {
                m_error = QString::fromStdString(load.error());
            } else if (!m_cancel.load()) {
                outcome->load = std::move(load).value();
                const auto workflowStart = std::chrono::steady_clock::now();
                auto report = engine::batch::runRetailWorkflow(outcome->load.table, [this](double fraction) {
                    m_percent.store(static_cast<int>(kLoadShare + fraction * (100.0 - kLoadShare)),
                                    std::memory_order_relaxed);
                    return !m_cancel.load(std::memory_order_relaxed);
                });
                if (!report) {  // cancelled: finish() reports it
                    m_done.store(true);
                    return;
                }
                outcome->report = std::move(report).value();
                outcome->report.rejects = outcome->load.rejects;
                outcome->report.rowsRejected = outcome->load.rowsWithErrors;
                // As runRetailWorkflow(path) words it, now that the rejects are known.
                outcome->report.steps.front().summary = std::to_string(outcome->report.rowsLoaded) + " rows loaded, " +
                                                        std::to_string(outcome->report.rowsRejected) +
                                                        " rows with rejects";
                outcome->workflowSeconds = secondsSince(workflowStart);
                m_percent.store(100);
                m_outcome = std::move(outcome);
            }
        } catch (const std::exception& e) {
            m_error = QString::fromStdString(e.what());
        }
        m_done.store(true);
    });
    m_timer.start();
    return true;
}

void WorkspaceLoader::cancel() { m_cancel.store(true); }

void WorkspaceLoader::poll() {
    const int now = percent();
    if (now != m_reported) {
        m_reported = now;
        emit progressChanged(now);
    }
    if (m_done.load()) finish();
}

void WorkspaceLoader::finish() {
    m_timer.stop();
    m_thread.join();
    const QString path = m_path;
    if (m_cancel.load()) {
        emit cancelled(path);
    } else if (m_outcome) {
        emit loaded(std::shared_ptr<const LoadOutcome>(std::move(m_outcome)));
    } else {
        emit failed(path, m_error.isEmpty() ? tr("the file could not be loaded") : m_error);
    }
}

}  // namespace cityops::widgets::workspace
