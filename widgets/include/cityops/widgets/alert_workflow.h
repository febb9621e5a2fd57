#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <functional>
#include <span>

#include "cityops/engine/alert.h"

namespace cityops::engine::storage {
class Storage;
}
namespace cityops::connectors::audit {
class AuditLog;
}

namespace cityops::widgets {

class AlertModel;

//! The alert service of the operations room: moves alerts of an AlertModel along
//! new → acknowledged → assigned (to a service) → dispatched → resolved (with a required disposition;
//! resolving early from acknowledged or assigned is allowed, as in storage), refuses other steps with a
//! message, persists each step through Storage::applyAlertAction (whose Dispatched step also fills the
//! dispatch outbox in the same transaction), writes every operator action to the audit log, announces
//! new critical alerts (beep + flash, mutable) and escalates critical alerts not acknowledged in time.
//! Storage and audit log are optional (tests, demos). Lives on the UI thread; the clock is injected.
class AlertWorkflow : public QObject {
    Q_OBJECT

public:
    explicit AlertWorkflow(AlertModel& model, QObject* parent = nullptr);

    //! The services an alert can be assigned to; the names are the webhook keys (not translated).
    static QStringList services();
    //! Translated service name for display.
    static QString serviceText(const QString& service);
    //! The dispositions a resolution can carry (stored in English, shown translated).
    static QStringList dispositions();
    static QString dispositionText(const QString& disposition);

    void setStorage(engine::storage::Storage* storage) { m_storage = storage; }
    void setAuditLog(connectors::audit::AuditLog* log) { m_audit = log; }
    //! Called after every successful Dispatched step (e.g. DispatchWorker::wake).
    void setDispatchNotifier(std::function<void()> notify) { m_notifyDispatch = std::move(notify); }
    //! Milliseconds since the epoch; the system clock unless a test injects one.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    void setOperatorName(const QString& name) { m_operator = name; }
    QString operatorName() const { return m_operator; }
    //! A critical alert still New after this long is escalated (default 2 minutes; <= 0 disables).
    void setEscalationTimeoutMs(qint64 ms) { m_escalationMs = ms; }
    qint64 escalationTimeoutMs() const { return m_escalationMs; }
    void setMuted(bool muted);
    bool isMuted() const { return m_muted; }
    //! Whether announcing also beeps (QApplication::beep; no QtMultimedia in Debian's Qt 6.4 build).
    void setBeepEnabled(bool enabled) { m_beep = enabled; }

    //! Appends alerts to the model, stamps their arrival time and announces new critical ones
    //! (one beep and one flash per batch, unless muted). Returns how many were new.
    int appendAlerts(std::span<const engine::Alert> alerts);

    //! Each returns an empty string on success, else a message for the operator (nothing changed).
    QString acknowledge(std::uint64_t id, const QString& note = {});
    QString assign(std::uint64_t id, const QString& service, const QString& note = {});
    QString dispatch(std::uint64_t id, const QString& note = {});
    QString resolve(std::uint64_t id, const QString& disposition, const QString& note = {});
    QString addNote(std::uint64_t id, const QString& note);

    //! Escalates critical alerts that are still New after the escalation time; returns how many.
    //! Called by a timer (start()) and by tests with an injected clock.
    int checkEscalations();
    //! Starts the escalation timer (every second).
    void start();

signals:
    void criticalAlertsArrived(int count);
    //! The panel should flash (new critical alerts, not muted).
    void flashRequested();
    void escalated(quint64 alertId);
    //! A step succeeded: alertId moved to state (engine::storage::AlertState as int).
    void stateChanged(quint64 alertId, int state);
    //! A persistence or audit failure after the step was applied in the queue.
    void problem(const QString& message);

private:
    QString step(std::uint64_t id, int target, const QString& service, const QString& disposition,
                 const QString& note);
    QString persist(std::uint64_t id, int target, const QString& service, const QString& note, qint64 nowMs);
    void audit(const QString& action, std::uint64_t id, const QString& before, const QString& after, qint64 nowMs,
               const QString& actor);
    qint64 now() const;

    AlertModel& m_model;
    engine::storage::Storage* m_storage = nullptr;
    connectors::audit::AuditLog* m_audit = nullptr;
    std::function<void()> m_notifyDispatch;
    std::function<qint64()> m_clock;
    QString m_operator;
    qint64 m_escalationMs = 2 * 60 * 1000;
    bool m_muted = false;
    bool m_beep = true;
};

}  // namespace cityops::widgets
