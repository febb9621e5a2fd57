#include "cityops/widgets/sql_console/sql_runner.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "cityops/engine/sql/stream.h"

namespace cityops::widgets::sql_console {

namespace {

constexpr int kPollMs = 33;  //!< ~30 Hz, like the console's frame timer

QString lower(const QString& text) { return text.toLower(); }

}  // namespace

SqlRunner::SqlRunner(QObject* parent) : QObject(parent), m_catalog(std::make_unique<engine::sql::Catalog>()) {
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &SqlRunner::poll);
}

SqlRunner::~SqlRunner() {
    m_cancel.store(true);
    if (m_thread.joinable()) m_thread.join();
}

void SqlRunner::registerTable(const QString& name, engine::batch::Table table) {
    auto shared = std::make_shared<engine::batch::Table>(std::move(table));
    enqueue(name, [n = name.toStdString(), shared](engine::sql::Catalog& catalog) {
        catalog.registerTable(n, std::move(*shared));
    });
}

void SqlRunner::registerCsv(const QString& name, const QString& path) {
    enqueue(name, [n = name.toStdString(), p = path.toStdString()](engine::sql::Catalog& catalog) {
        catalog.registerCsv(n, p);
    });
}

void SqlRunner::registerStoredReadings(const QString& dbPath, const QString& name) {
    enqueue(name, [n = name.toStdString(), p = dbPath.toStdString()](engine::sql::Catalog& catalog) {
        catalog.registerStoredReadings(p, n);
    });
}

void SqlRunner::enqueue(const QString& name, Registration registration) {
    const std::string key = lower(name).toStdString();
    m_pending.push_back(std::move(registration));
    m_described.erase(key);
    m_undescribed.push_back(key);
    if (m_job == Job::None) startNext();
}

bool SqlRunner::run(const QString& text) {
    if (m_queryActive) return false;
    m_queryActive = true;
    m_percent.store(0);
    m_reported = -1;
    m_queuedQuery = text;
    if (m_job == Job::None) startNext();
    return true;
}

void SqlRunner::cancel() {
    if (!m_queryActive) return;
    if (m_job == Job::Query) {
        m_cancel.store(true);
        return;
    }
    m_queuedQuery.reset();  // still waiting behind a description: never started
    m_queryActive = false;
    emit cancelled();
}

const SqlTableInfo* SqlRunner::table(const QString& name) const {
    const QString key = lower(name);
    for (const auto& info : m_schema) {
        if (lower(info.name) == key) return &info;
    }
    return nullptr;
}

void SqlRunner::startNext() {
    if (!m_pending.empty()) {
        for (auto& registration : m_pending) registration(*m_catalog);
        m_pending.clear();
        rebuildSchema();
        emit schemaChanged();
    }
    if (m_queuedQuery) {
        const QString text = *m_queuedQuery;
        m_queuedQuery.reset();
        startQuery(text);
    } else if (!m_undescribed.empty()) {
        std::vector<std::string> names;
        names.swap(m_undescribed);
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        startDescribe(std::move(names));
    } else {
        emit idle();
    }
}

void SqlRunner::startQuery(const QString& text) {
    m_job = Job::Query;
    m_cancel.store(false);
    m_done.store(false);
    m_outcome.reset();
    m_error.reset();
    engine::sql::QueryOptions options;
    options.maxCrossJoinRows = m_maxCrossJoinRows;
    options.progress = [this](double fraction) {
        m_percent.store(std::clamp(static_cast<int>(fraction * 100.0), 0, 100), std::memory_order_relaxed);
        return !m_cancel.load(std::memory_order_relaxed);
    };
    m_thread = std::thread([this, text, utf8 = text.toStdString(), options = std::move(options)] {
        const auto started = std::chrono::steady_clock::now();
        try {
            if (engine::sql::isStreamScript(utf8)) {
                runStream(text, utf8, started);
                m_done.store(true);
                return;
            }
            auto result = engine::sql::runQuery(*m_catalog, utf8, options);
            if (result) {
                auto outcome = std::make_unique<SqlOutcome>();
                outcome->text = text;
                outcome->result = std::move(result).value();
                outcome->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                m_outcome = std::move(outcome);
            } else {
                m_error = result.error();
            }
        } catch (const std::exception& e) {  // runQuery promises not to throw; keep the console alive anyway
            m_error = engine::sql::SqlError{engine::sql::SqlErrc::Data, e.what(), {}};
        }
        m_done.store(true);
    });
    m_timer.start();
}

//! A streaming script on the worker thread: its jobs read the embedded log to its end (Cancel stops
//! them); the grid shows the alerts, or else the first result table; the plan tab every job's plan and
//! counters.
void SqlRunner::runStream(const QString& text, const std::string& utf8, std::chrono::steady_clock::time_point started) {
    engine::sql::StreamEnvironment environment;
    environment.logDirectory = m_logDirectory;
    environment.workers = 2;
    engine::sql::StreamRunOptions run;
    run.stop = &m_cancel;
    auto result = engine::sql::runStreamScript(utf8, environment, run);
    if (m_cancel.load()) {
        m_error = engine::sql::SqlError{engine::sql::SqlErrc::Cancelled, "cancelled", {}};
        return;
    }
    if (!result) {
        m_error = result.error();
        return;
    }
    auto outcome = std::make_unique<SqlOutcome>();
    outcome->text = text;
    if (!result->alerts.empty() || result->tables.empty()) {
        outcome->result = engine::sql::alertsAsTable(result->alerts);
    } else {
        outcome->result = result->tables.front().second;
    }
    std::string plan;
    for (const auto& job : result->jobs) plan += job.statement + "\n" + job.plan + "\n";
    plan += engine::sql::formatStreamResult(engine::sql::StreamScriptResult{{}, {}, result->topicRecords, result->jobs},
                                            engine::sql::ResultFormat::Table);
    outcome->result.plan = std::move(plan);
    outcome->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_outcome = std::move(outcome);
}

void SqlRunner::startDescribe(std::vector<std::string> names) {
    m_job = Job::Describe;
    m_cancel.store(false);
    m_done.store(false);
    m_newDescriptions.clear();
    m_thread = std::thread([this, names = std::move(names)] {
        for (const auto& name : names) {
            if (!m_catalog->contains(name)) continue;
            SqlTableInfo info;
            info.name = QString::fromStdString(name);
            try {
                auto loaded = m_catalog->table(name, [this](double) { return !m_cancel.load(); });
                if (loaded) {
                    const engine::batch::Table& table = **loaded;
                    info.rows = static_cast<qint64>(table.rowCount());
                    for (std::size_t c = 0; c < table.columnCount(); ++c) {
                        info.columns.push_back({QString::fromStdString(table.name(c)),
                                                QString::fromUtf8(engine::batch::typeName(table.column(c).type()))});
                    }
                } else {
                    info.error = QString::fromStdString(loaded.error());
                }
            } catch (const std::exception& e) {
                info.error = QString::fromStdString(e.what());
            }
            m_newDescriptions.push_back(std::move(info));
        }
        m_done.store(true);
    });
    m_timer.start();
}

void SqlRunner::poll() {
    if (m_job == Job::Query) {
        const int now = percent();
        if (now != m_reported) {
            m_reported = now;
            emit progressChanged(now);
        }
    }
    if (m_done.load()) finishJob();
}

void SqlRunner::finishJob() {
    m_timer.stop();
    m_thread.join();
    const Job job = m_job;
    m_job = Job::None;
    if (job == Job::Describe) {
        for (auto& info : m_newDescriptions) {
            const std::string key = lower(info.name).toStdString();
            m_described[key] = std::move(info);
        }
        m_newDescriptions.clear();
        rebuildSchema();
        emit schemaChanged();
    } else if (job == Job::Query) {
        m_queryActive = false;
        if (m_outcome) {
            m_percent.store(100);
            emit progressChanged(100);
            emit finished(std::shared_ptr<const SqlOutcome>(std::move(m_outcome)));
        } else if (m_error && m_error->code == engine::sql::SqlErrc::Cancelled) {
            emit cancelled();
        } else if (m_error) {
            emit failed(QString::fromStdString(m_error->message), m_error->pos.line, m_error->pos.column);
        }
    }
    startNext();
}

void SqlRunner::rebuildSchema() {
    m_schema.clear();
    for (const auto& name : m_catalog->tableNames()) {
        const std::string key = lower(QString::fromStdString(name)).toStdString();
        if (auto it = m_described.find(key); it != m_described.end()) {
            m_schema.push_back(it->second);
        } else {
            m_schema.push_back(SqlTableInfo{QString::fromStdString(name), {}, -1, {}});
        }
    }
}

}  // namespace cityops::widgets::sql_console
