// The alert service in the queue: lifecycle with notes and a required disposition, refused steps,
// persistence through storage (and the dispatch outbox it fills), the audit trail of every action,
// escalation with an injected clock, beep/flash for new critical alerts (mutable), filters and search.
#include <QComboBox>
#include <QLabel>
#include <QToolButton>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "../../widgets/src/alert_resolve_dialog.h"
#include "cityops/connectors/audit/audit_log.h"
#include "cityops/engine/storage/outbox.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_panel.h"
#include "cityops/widgets/alert_workflow.h"

using namespace cityops;
using engine::storage::AlertState;
using widgets::AlertModel;
using widgets::AlertPanel;
using widgets::AlertWorkflow;

namespace {

simulation::City smallCity() {
    simulation::City city;
    city.name = "Testgrad";
    city.districts.push_back({"Podilskyi", {}, {50.47, 30.51}});
    city.districts.push_back({"Obolonskyi", {}, {50.50, 30.49}});
    for (std::uint32_t i = 0; i < 4; ++i) {
        simulation::Sensor sensor;
        sensor.id = i;
        sensor.kind = engine::SensorKind::AirQuality;
        sensor.districtId = static_cast<std::uint16_t>(i % 2);
        sensor.name = "AQ-00" + std::to_string(i);
        city.sensors.push_back(sensor);
    }
    return city;
}

engine::Alert alert(std::uint64_t id, engine::Severity severity, std::uint32_t sensor = 0) {
    engine::Alert a;
    a.id = id;
    a.severity = severity;
    a.eventTimeMs = 1'000 * static_cast<std::int64_t>(id);
    a.firstEventMs = a.eventTimeMs;
    a.sensorId = sensor;
    a.locationId = static_cast<std::uint16_t>(sensor % 2);
    a.value = 900.0;
    a.matchedCount = 3;
    return a;
}

struct Queue {
    simulation::City city = smallCity();
    AlertModel model{city};
    AlertWorkflow workflow{model};
    qint64 now = 1'700'000'000'000;

    Queue() {
        workflow.setClock([this] { return now; });
        workflow.setOperatorName(QStringLiteral("olena"));
        workflow.setBeepEnabled(false);
    }
    AlertState state(std::uint64_t id) const { return model.lifecycleAt(model.rowOfId(id)).state; }
};

}  // namespace

class TestAlertLifecycle : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
    }

    void fullLifecyclePersistsFillsTheOutboxAndAudits() {
        QTemporaryDir dir;
        const std::filesystem::path dataDir(dir.path().toStdString());
        engine::storage::StorageOptions options;
        options.path = dataDir / "cityops.db";
        auto storage = engine::storage::Storage::open(options);
        QVERIFY(storage);
        auto outbox = engine::storage::OutboxStore::open(options.path);
        QVERIFY(outbox);
        auto audit = connectors::audit::AuditLog::open(dataDir);
        QVERIFY(audit);

        Queue q;
        q.workflow.setStorage(storage->get());
        q.workflow.setAuditLog(audit->get());
        int notified = 0;
        q.workflow.setDispatchNotifier([&] { ++notified; });
        const engine::Alert a = alert(7, engine::Severity::Critical, 1);
        q.workflow.appendAlerts(std::span(&a, 1));

        QCOMPARE(q.workflow.acknowledge(7, QStringLiteral("on it")), QString());
        QCOMPARE(q.workflow.assign(7, QStringLiteral("Fire Department")), QString());
        QCOMPARE(q.workflow.dispatch(7), QString());
        QCOMPARE(notified, 1);
        QVERIFY(q.workflow.resolve(7, {}).contains(QStringLiteral("disposition is required")));
        QCOMPARE(static_cast<int>(q.state(7)), static_cast<int>(AlertState::Dispatched));
        QCOMPARE(q.workflow.resolve(7, QStringLiteral("Handled"), QStringLiteral("fire out")), QString());
        QCOMPARE(static_cast<int>(q.state(7)), static_cast<int>(AlertState::Resolved));
        const auto& life = q.model.lifecycleAt(q.model.rowOfId(7));
        QCOMPARE(life.acknowledgedBy, QStringLiteral("olena"));
        QCOMPARE(life.service, QStringLiteral("Fire Department"));
        QCOMPARE(life.disposition, QStringLiteral("Handled"));
        QCOMPARE(life.notes, QStringList({QStringLiteral("on it"), QStringLiteral("Disposition: Handled; fire out")}));

        auto reader = engine::storage::StorageReader::open(options.path);
        QVERIFY(reader);
        const auto stored = (*reader)->alert(7);
        QVERIFY(stored && stored->has_value());
        QCOMPARE(static_cast<int>((*stored)->state), static_cast<int>(AlertState::Resolved));
        QCOMPARE((*stored)->acknowledgedBy, std::string("olena"));
        QCOMPARE((*stored)->assignedService, std::string("Fire Department"));
        QVERIFY((*stored)->notes.find("Disposition: Handled") != std::string::npos);
        const auto message = (*outbox)->message(7);
        QVERIFY(message && message->has_value());
        QCOMPARE((*message)->service, std::string("Fire Department"));

        const auto records = (*audit)->records(1, 100);
        QVERIFY(records);
        QCOMPARE(records->size(), 4u);
        const char* actions[] = {"acknowledge", "assign", "dispatch", "resolve"};
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE(records->at(i).entry.action, std::string(actions[i]));
            QCOMPARE(records->at(i).entry.actor, std::string("olena"));
            QCOMPARE(records->at(i).entry.subject, std::string("alert:7"));
        }
        QVERIFY(records->at(1).entry.before.find("state=acknowledged") != std::string::npos);
        QVERIFY(records->at(1).entry.after.find("service=Fire Department") != std::string::npos);
        QVERIFY(connectors::audit::AuditLog::verify(dataDir).ok);
    }

    void refusesStepsOutOfOrderWithAReason() {
        Queue q;
        const std::vector<engine::Alert> alerts{alert(1, engine::Severity::Warning), alert(2, engine::Severity::Info)};
        q.workflow.appendAlerts(alerts);
        QVERIFY(q.workflow.dispatch(1).contains(QStringLiteral("acknowledge it first")));
        QVERIFY(q.workflow.assign(1, QStringLiteral("Police")).contains(QStringLiteral("acknowledge it first")));
        QVERIFY(!q.workflow.resolve(1, QStringLiteral("Handled")).isEmpty());
        QCOMPARE(static_cast<int>(q.state(1)), static_cast<int>(AlertState::New));
        QCOMPARE(q.workflow.acknowledge(1), QString());
        QVERIFY(q.workflow.acknowledge(1).contains(QStringLiteral("already")));
        QVERIFY(q.workflow.assign(1, QStringLiteral("Ambulance")).contains(QStringLiteral("Unknown service")));
        QVERIFY(q.workflow.dispatch(1).contains(QStringLiteral("assign it to a service first")));
        QVERIFY(q.workflow.resolve(1, QStringLiteral("Whatever")).contains(QStringLiteral("Unknown disposition")));
        QCOMPARE(q.workflow.resolve(1, QStringLiteral("False alarm")), QString());  // early resolve is allowed
        QVERIFY(q.workflow.acknowledge(1).contains(QStringLiteral("it is closed")));
        QVERIFY(q.workflow.assign(1, QStringLiteral("Police")).contains(QStringLiteral("it is closed")));
        QVERIFY(q.workflow.acknowledge(99).contains(QStringLiteral("not in the queue")));
        QCOMPARE(static_cast<int>(q.state(2)), static_cast<int>(AlertState::New));
    }

    void escalatesUnacknowledgedCriticalAlertsOnTime() {
        QTemporaryDir dir;
        const std::filesystem::path dataDir(dir.path().toStdString());
        auto audit = connectors::audit::AuditLog::open(dataDir);
        QVERIFY(audit);
        Queue q;
        q.workflow.setAuditLog(audit->get());
        q.workflow.setEscalationTimeoutMs(60'000);
        const std::vector<engine::Alert> alerts{alert(1, engine::Severity::Critical), alert(2, engine::Severity::Warning),
                                                alert(3, engine::Severity::Critical)};
        q.workflow.appendAlerts(alerts);
        QCOMPARE(q.workflow.acknowledge(3), QString());
        QSignalSpy escalated(&q.workflow, &AlertWorkflow::escalated);
        q.now += 59'999;
        QCOMPARE(q.workflow.checkEscalations(), 0);
        q.now += 1;
        QCOMPARE(q.workflow.checkEscalations(), 1);
        QCOMPARE(escalated.count(), 1);
        QCOMPARE(escalated.at(0).at(0).value<quint64>(), quint64{1});
        const int row = q.model.rowOfId(1);
        QVERIFY(q.model.index(row, 0).data(AlertModel::EscalatedRole).toBool());
        QVERIFY(q.model.index(row, static_cast<int>(AlertModel::Column::State)).data().toString().contains(
            QStringLiteral("escalated")));
        q.now += 600'000;
        QCOMPARE(q.workflow.checkEscalations(), 0);  // once per alert
        const auto records = (*audit)->records(1, 10);
        QCOMPARE(records->back().entry.action, std::string("escalate"));
        QCOMPARE(records->back().entry.actor, std::string("system"));
        // A later alert gets its own full escalation time.
        const engine::Alert late = alert(4, engine::Severity::Critical);
        q.workflow.appendAlerts(std::span(&late, 1));
        q.now += 30'000;
        QCOMPARE(q.workflow.checkEscalations(), 0);
        q.workflow.setEscalationTimeoutMs(0);
        q.now += 600'000;
        QCOMPARE(q.workflow.checkEscalations(), 0);  // disabled
    }

    void beepsAndFlashesForNewCriticalAlertsUnlessMuted() {
        Queue q;
        AlertPanel panel(q.model);
        panel.setWorkflow(&q.workflow);
        QSignalSpy flashes(&q.workflow, &AlertWorkflow::flashRequested);
        QSignalSpy critical(&q.workflow, &AlertWorkflow::criticalAlertsArrived);
        const engine::Alert warning = alert(1, engine::Severity::Warning);
        q.workflow.appendAlerts(std::span(&warning, 1));
        QCOMPARE(flashes.count(), 0);
        const std::vector<engine::Alert> two{alert(2, engine::Severity::Critical), alert(3, engine::Severity::Critical)};
        q.workflow.appendAlerts(two);
        QCOMPARE(flashes.count(), 1);  // one per batch
        QCOMPARE(critical.at(0).at(0).toInt(), 2);
        QVERIFY(panel.isFlashing());
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isFlashing(), 5000);
        q.workflow.appendAlerts(two);  // repeats: not new
        QCOMPARE(flashes.count(), 1);
        panel.findChild<QToolButton*>(QStringLiteral("alertMute"))->click();
        QVERIFY(q.workflow.isMuted());
        const engine::Alert more = alert(4, engine::Severity::Critical);
        q.workflow.appendAlerts(std::span(&more, 1));
        QCOMPARE(flashes.count(), 1);
        QCOMPARE(critical.count(), 2);  // still counted, just silent
    }

    void filtersSearchAndButtons() {
        Queue q;
        AlertPanel panel(q.model);
        panel.setWorkflow(&q.workflow);
        const std::vector<engine::Alert> alerts{alert(1, engine::Severity::Critical, 0),
                                                alert(2, engine::Severity::Warning, 1),
                                                alert(3, engine::Severity::Info, 2)};
        q.workflow.appendAlerts(alerts);
        QCOMPARE(panel.proxy().rowCount(), 3);
        panel.view().setCurrentIndex(panel.proxy().index(0, 0));  // worst first: alert 1
        QCOMPARE(panel.currentAlert(), std::optional<quint64>(1));
        QVERIFY(panel.dispatchCurrent().contains(QStringLiteral("acknowledge it first")));
        QCOMPARE(panel.statusText(), panel.dispatchCurrent());
        panel.findChild<QPushButton*>(QStringLiteral("alertAcknowledge"))->click();
        QCOMPARE(static_cast<int>(q.state(1)), static_cast<int>(AlertState::Acknowledged));
        QCOMPARE(panel.assignCurrent(QStringLiteral("Traffic Control")), QString());
        QVERIFY(panel.findChild<QLabel*>(QStringLiteral("alertDetails"))->text().contains(QStringLiteral("Traffic Control")));

        panel.setFilterText(QStringLiteral("traffic control"));  // search reaches the Service column
        QCOMPARE(panel.proxy().rowCount(), 1);
        panel.setFilterText({});
        auto* severity = panel.findChild<QComboBox*>(QStringLiteral("alertSeverityFilter"));
        severity->setCurrentIndex(severity->findData(static_cast<int>(engine::Severity::Warning)));
        QCOMPARE(panel.proxy().rowCount(), 2);
        severity->setCurrentIndex(0);

        QCOMPARE(q.workflow.acknowledge(2), QString());
        QCOMPARE(q.workflow.resolve(2, QStringLiteral("Duplicate")), QString());
        QVERIFY(q.workflow.acknowledge(2).contains(QStringLiteral("it is closed")));
        QCOMPARE(panel.proxy().rowCount(), 2);  // "Open" hides the resolved one
        panel.setStateFilter(-2);
        QCOMPARE(panel.proxy().rowCount(), 3);
        panel.setStateFilter(static_cast<int>(AlertState::New));
        QCOMPARE(panel.proxy().rowCount(), 1);
        QCOMPARE(panel.proxy().index(0, 0).data(AlertModel::IdRole).value<quint64>(), quint64{3});
    }

    void resolveDialogRequiresADisposition() {
        widgets::AlertResolveDialog dialog(5);
        QPushButton* ok = dialog.buttons().button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        QVERIFY(dialog.disposition().isEmpty());
        dialog.dispositionBox().setCurrentIndex(2);
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.disposition(), AlertWorkflow::dispositions().at(1));
    }
};

QTEST_MAIN(TestAlertLifecycle)
#include "test_alert_lifecycle.moc"
