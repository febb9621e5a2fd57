#pragma once

#include <QObject>
#include <QString>
#include <filesystem>
#include <memory>

namespace cityops::connectors::dispatch {
class DispatchWorker;
}

namespace cityops::widgets {

class ConsoleSettings;

//! The console's side of the alert service: runs the dispatch outbox's sender
//! (connectors::dispatch::DispatchWorker) on the console's database with the webhook URLs of the
//! settings, restarts it when an operator changes them, and reports its state in words for the
//! status bar. With no webhook configured nothing runs and dispatched alerts wait, Pending, in the
//! outbox; they go out once a URL is set (the outbox keeps them across restarts).
class AlertDispatch : public QObject {
    Q_OBJECT

public:
    AlertDispatch(ConsoleSettings& settings, std::filesystem::path dbPath, QObject* parent = nullptr);
    ~AlertDispatch() override;

    //! Sends now (after a dispatch action). Cheap; safe when nothing runs.
    void wake();
    //! True while a sender thread runs (at least one webhook is configured).
    bool running() const { return m_worker != nullptr; }
    //! "Dispatch: 2 services configured", "Dispatch: no webhook configured…" or the newest error.
    QString status() const { return m_status; }

signals:
    void statusChanged(const QString& status);

private:
    void restart();
    void pollError();
    void setStatus(const QString& status);

    ConsoleSettings& m_settings;
    std::filesystem::path m_dbPath;
    std::unique_ptr<connectors::dispatch::DispatchWorker> m_worker;
    QString m_status;
    QString m_configuredStatus;
    QString m_outboxError;  //!< set when the outbox could not be installed
};

}  // namespace cityops::widgets
