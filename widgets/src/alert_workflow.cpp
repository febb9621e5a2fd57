#include "cityops/widgets/alert_workflow.h"

#include <QApplication>
#include <QDateTime>
#include <QTimer>

#include "cityops/connectors/audit/audit_log.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/widgets/alert_model.h"

namespace cityops::widgets {

using engine::storage::AlertState;

namespace {

QString stateKey(AlertState state) {
    const std::string_view text = engine::storage::toString(state);
    return QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
}

//! The lifecycle as audit text: stable English keys, values as entered.
QString describe(const AlertLifecycle& life) {
    QStringList parts{QStringLiteral("state=") + stateKey(life.state)};
    if (!life.acknowledgedBy.isEmpty()) parts << QStringLiteral("by=") + life.acknowledgedBy;
    if (!life.service.isEmpty()) parts << QStringLiteral("service=") + life.service;
    if (!life.disposition.isEmpty()) parts << QStringLiteral("disposition=") + life.disposition;
    if (life.escalated) parts << QStringLiteral("escalated");
    parts << QStringLiteral("notes=%1").arg(life.notes.size());
    return parts.join(QStringLiteral("; "));
}

//! The audit action of the step into state.
QString actionKey(AlertState state) {
    switch (state) {
        case AlertState::Acknowledged:
            return QStringLiteral("acknowledge");
        case AlertState::Assigned:
            return QStringLiteral("assign");
        case AlertState::Dispatched:
            return QStringLiteral("dispatch");
        case AlertState::Resolved:
            return QStringLiteral("resolve");
        case AlertState::New:
            break;
    }
    return QStringLiteral("reopen");
}

std::string utf8(const QString& text) {
    return text.toStdString();
}

}  // namespace

AlertWorkflow::AlertWorkflow(AlertModel& model, QObject* parent)
    : QObject(parent), m_model(model), m_operator(qEnvironmentVariable("USER", QStringLiteral("operator"))) {}

QStringList AlertWorkflow::services() {
    return {QStringLiteral("Police"), QStringLiteral("Fire Department"), QStringLiteral("Traffic Control"),
            QStringLiteral("Energy Company")};
}

QString AlertWorkflow::serviceText(const QString& service) {
    if (service == QLatin1String("Police")) return tr("Police");
    if (service == QLatin1String("Fire Department")) return tr("Fire Department");
    if (service == QLatin1String("Traffic Control")) return tr("Traffic Control");
    if (service == QLatin1String("Energy Company")) return tr("Energy Company");
    return service;
}

QStringList AlertWorkflow::dispositions() {
    return {QStringLiteral("Handled"), QStringLiteral("False alarm"), QStringLiteral("Duplicate"),
            QStringLiteral("Referred"), QStringLiteral("No action needed")};
}

QString AlertWorkflow::dispositionText(const QString& disposition) {
    if (disposition == QLatin1String("Handled")) return tr("Handled");
    if (disposition == QLatin1String("False alarm")) return tr("False alarm");
    if (disposition == QLatin1String("Duplicate")) return tr("Duplicate");
    if (disposition == QLatin1String("Referred")) return tr("Referred");
    if (disposition == QLatin1String("No action needed")) return tr("No action needed");
    return disposition;
}

qint64 AlertWorkflow::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void AlertWorkflow::setMuted(bool muted) {
    if (muted == m_muted) return;
    m_muted = muted;
    audit(muted ? QStringLiteral("mute") : QStringLiteral("unmute"), 0, {}, {}, now(), m_operator);
}

void AlertWorkflow::start() {
    auto* timer = new QTimer(this);
    timer->setInterval(1000);
    connect(timer, &QTimer::timeout, this, &AlertWorkflow::checkEscalations);
    timer->start();
}

int AlertWorkflow::appendAlerts(std::span<const engine::Alert> alerts) {
    const int firstNew = m_model.rowCount();
    const int added = m_model.appendAlerts(alerts);
    const qint64 arrived = now();
    int critical = 0;
    for (int row = firstNew; row < m_model.rowCount(); ++row) {
        AlertLifecycle life = m_model.lifecycleAt(row);
        life.arrivedAtMs = arrived;
        m_model.setLifecycle(m_model.alertAt(row).id, life);
        if (m_model.alertAt(row).severity == engine::Severity::Critical) ++critical;
    }
    if (critical > 0) {
        emit criticalAlertsArrived(critical);
        if (!m_muted) {
            if (m_beep) QApplication::beep();
            emit flashRequested();
        }
    }
    return added;
}

QString AlertWorkflow::acknowledge(std::uint64_t id, const QString& note) {
    return step(id, static_cast<int>(AlertState::Acknowledged), {}, {}, note);
}

QString AlertWorkflow::assign(std::uint64_t id, const QString& service, const QString& note) {
    if (!services().contains(service)) {
        return tr("Unknown service \"%1\": choose one of %2.").arg(service, services().join(QStringLiteral(", ")));
    }
    return step(id, static_cast<int>(AlertState::Assigned), service, {}, note);
}

QString AlertWorkflow::dispatch(std::uint64_t id, const QString& note) {
    return step(id, static_cast<int>(AlertState::Dispatched), {}, {}, note);
}

QString AlertWorkflow::resolve(std::uint64_t id, const QString& disposition, const QString& note) {
    if (disposition.trimmed().isEmpty()) return tr("A disposition is required to resolve an alert.");
    if (!dispositions().contains(disposition)) {
        return tr("Unknown disposition \"%1\": choose one of %2.")
            .arg(disposition, dispositions().join(QStringLiteral(", ")));
    }
    return step(id, static_cast<int>(AlertState::Resolved), {}, disposition, note);
}

QString AlertWorkflow::addNote(std::uint64_t id, const QString& note) {
    const int row = m_model.rowOfId(id);
    if (row < 0) return tr("Alert %1 is not in the queue.").arg(id);
    if (note.trimmed().isEmpty()) return tr("The note is empty.");
    AlertLifecycle life = m_model.lifecycleAt(row);
    const QString before = describe(life);
    life.notes << note.trimmed();
    m_model.setLifecycle(id, life);
    audit(QStringLiteral("note"), id, before, describe(life) + QStringLiteral("; note=") + note.trimmed(), now(),
          m_operator);
    return {};
}

QString AlertWorkflow::step(std::uint64_t id, int target, const QString& service, const QString& disposition,
                            const QString& note) {
    const int row = m_model.rowOfId(id);
    if (row < 0) return tr("Alert %1 is not in the queue.").arg(id);
    AlertLifecycle life = m_model.lifecycleAt(row);
    const auto to = static_cast<AlertState>(target);
    const int current = static_cast<int>(life.state);
    const bool next = target == current + 1;
    const bool resolveEarly = to == AlertState::Resolved && life.state != AlertState::New;
    if (target == current) {
        return tr("Alert %1 is already %2.").arg(id).arg(AlertModel::stateText(life.state).toLower());
    }
    if (!(next || resolveEarly)) {
        const QString hint = life.state == AlertState::Resolved ? tr("it is closed")
                             : life.state == AlertState::New    ? tr("acknowledge it first")
                             : life.state == AlertState::Acknowledged
                                 ? tr("assign it to a service first")
                                 : tr("dispatch or resolve it");
        return tr("Alert %1 is %2 and cannot become %3: %4.")
            .arg(id)
            .arg(AlertModel::stateText(life.state).toLower(), AlertModel::stateText(to).toLower(), hint);
    }
    const qint64 at = now();
    QString stored = note.trimmed();
    if (!disposition.isEmpty()) {
        stored = QStringLiteral("Disposition: %1").arg(disposition) +
                 (stored.isEmpty() ? QString() : QStringLiteral("; ") + stored);
    }
    if (const QString failed = persist(id, target, service, stored, at); !failed.isEmpty()) return failed;

    const QString before = describe(life);
    life.state = to;
    if (to == AlertState::Acknowledged) life.acknowledgedBy = m_operator;
    if (to == AlertState::Assigned) life.service = service;
    if (to == AlertState::Resolved) life.disposition = disposition;
    if (!stored.isEmpty()) life.notes << stored;
    m_model.setLifecycle(id, life);
    audit(actionKey(to), id, before, describe(life) + (note.trimmed().isEmpty() ? QString() : QStringLiteral("; note=") + note.trimmed()),
          at, m_operator);
    emit stateChanged(id, target);
    if (to == AlertState::Dispatched && m_notifyDispatch) m_notifyDispatch();
    return {};
}

QString AlertWorkflow::persist(std::uint64_t id, int target, const QString& service, const QString& note,
                               qint64 nowMs) {
    if (!m_storage) return {};
    const auto to = static_cast<AlertState>(target);
    engine::storage::AlertAction action;
    action.alertId = id;
    action.target = to;
    action.atMs = nowMs;
    action.actor = utf8(to == AlertState::Assigned ? service : m_operator);
    action.note = utf8(note);
    auto applied = m_storage->applyAlertAction(action);
    if (!applied && applied.error().code == engine::storage::StorageErrc::InvalidArgument &&
        to == AlertState::Acknowledged) {
        // The alert was raised without a durable store behind the queue: record it, then step it.
        const engine::Alert& alert = m_model.alertAt(m_model.rowOfId(id));
        engine::storage::WriteBatch batch;
        engine::storage::AlertRecord record;
        record.alert = alert;
        record.district = utf8(m_model.districtName(alert.locationId));
        record.title = utf8(AlertModel::ruleText(alert.rule) + QStringLiteral(" \u2014 ") + m_model.sensorName(alert.sensorId));
        batch.alerts.push_back(std::move(record));
        if (auto written = m_storage->write(std::move(batch)); !written) {
            return tr("Alert %1 could not be stored: %2").arg(id).arg(QString::fromStdString(written.error().message));
        }
        applied = m_storage->applyAlertAction(action);
    }
    if (!applied) {
        return tr("Alert %1 was not changed: %2").arg(id).arg(QString::fromStdString(applied.error().message));
    }
    return {};
}

void AlertWorkflow::audit(const QString& action, std::uint64_t id, const QString& before, const QString& after,
                          qint64 nowMs, const QString& actor) {
    if (!m_audit) return;
    connectors::audit::AuditEntry entry;
    entry.atMs = nowMs;
    entry.actor = utf8(actor);
    entry.action = utf8(action);
    entry.subject = id == 0 ? std::string("alert-queue") : "alert:" + std::to_string(id);
    entry.before = utf8(before);
    entry.after = utf8(after);
    if (auto appended = m_audit->append(entry); !appended) {
        emit problem(tr("The audit log could not record \"%1\": %2").arg(action, QString::fromStdString(appended.error())));
    }
}

int AlertWorkflow::checkEscalations() {
    if (m_escalationMs <= 0) return 0;
    const qint64 at = now();
    int count = 0;
    for (int row = 0; row < m_model.rowCount(); ++row) {
        const AlertLifecycle& current = m_model.lifecycleAt(row);
        const engine::Alert& alert = m_model.alertAt(row);
        if (alert.severity != engine::Severity::Critical || current.state != AlertState::New || current.escalated ||
            at - current.arrivedAtMs < m_escalationMs) {
            continue;
        }
        AlertLifecycle life = current;
        const QString before = describe(life);
        life.escalated = true;
        m_model.setLifecycle(alert.id, life);
        audit(QStringLiteral("escalate"), alert.id, before, describe(life), at, QStringLiteral("system"));
        emit escalated(alert.id);
        ++count;
    }
    return count;
}

}  // namespace cityops::widgets
