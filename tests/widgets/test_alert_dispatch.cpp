// The console's alert service settings and its outbox sender: the settings dialog refuses a webhook
// that is not an http:// URL and stores good ones with the escalation time; a dispatched alert reaches
// a real local HTTP receiver exactly once, also when the console restarts and when the webhook is
// configured only after the dispatch (the alert waits, Pending, in the outbox until then).
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "../connectors/dispatch/webhook_receiver.h"
#include "cityops/engine/storage/outbox.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/widgets/alert_dispatch.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_workflow.h"
#include "cityops/widgets/console_settings.h"
#include "cityops/widgets/settings_dialog.h"

using namespace cityops;
using engine::storage::OutboxStatus;
using widgets::AlertDispatch;
using widgets::ConsoleSettings;

namespace {

simulation::City oneSensorCity() {
    simulation::City city;
    city.name = "Testgrad";
    city.districts.push_back({"Podilskyi", {}, {50.47, 30.51}});
    simulation::Sensor sensor;
    sensor.id = 0;
    sensor.kind = engine::SensorKind::Emergency;
    sensor.name = "EM-000";
    city.sensors.push_back(sensor);
    return city;
}

engine::Alert criticalAlert(std::uint64_t id) {
    engine::Alert a;
    a.id = id;
    a.severity = engine::Severity::Critical;
    a.eventTimeMs = 1'700'000'000'000;
    a.firstEventMs = a.eventTimeMs;
    a.value = 4.0;
    a.matchedCount = 2;
    return a;
}

//! A console's alert side on one database: storage, queue, workflow and the dispatch sender.
struct Console {
    simulation::City city = oneSensorCity();
    widgets::AlertModel model{city};
    widgets::AlertWorkflow workflow{model};
    std::unique_ptr<engine::storage::Storage> storage;
    std::unique_ptr<AlertDispatch> dispatch;

    Console(ConsoleSettings& settings, const std::filesystem::path& db) {
        engine::storage::StorageOptions options;
        options.path = db;
        auto opened = engine::storage::Storage::open(options);
        if (opened) storage = std::move(*opened);
        workflow.setStorage(storage.get());
        workflow.setBeepEnabled(false);
        dispatch = std::make_unique<AlertDispatch>(settings, db);
        workflow.setDispatchNotifier([this] { dispatch->wake(); });
    }

    QString dispatchToPolice(std::uint64_t id) {
        const engine::Alert a = criticalAlert(id);
        workflow.appendAlerts(std::span(&a, 1));
        QString error = workflow.acknowledge(id);
        if (error.isEmpty()) error = workflow.assign(id, QStringLiteral("Police"));
        if (error.isEmpty()) error = workflow.dispatch(id);
        return error;
    }
};

int outboxStatus(const std::filesystem::path& db, std::uint64_t id) {
    auto outbox = engine::storage::OutboxStore::open(db);
    if (!outbox) return -1;
    auto message = (*outbox)->message(id);
    if (!message || !message->has_value()) return -1;
    return static_cast<int>((*message)->status);
}

}  // namespace

class TestAlertDispatch : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_widgets_alert_dispatch"));
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    }
    void init() { QSettings().clear(); }

    void settingsDialogRefusesABadWebhookAndStoresGoodOnes() {
        ConsoleSettings settings;
        QCOMPARE(settings.escalationMinutes(), 2);
        QVERIFY(settings.webhookUrls().empty());
        widgets::SettingsDialog dialog(settings);
        auto* police = dialog.findChild<QLineEdit*>(QStringLiteral("webhookEdit0"));
        auto* fire = dialog.findChild<QLineEdit*>(QStringLiteral("webhookEdit1"));
        auto* escalation = dialog.findChild<QSpinBox*>(QStringLiteral("escalationSpin"));
        auto* error = dialog.findChild<QLabel*>(QStringLiteral("webhookError"));
        QVERIFY(police && fire && escalation && error);

        escalation->setValue(7);
        police->setText(QStringLiteral("https://police.example/hook"));
        QVERIFY(!dialog.apply());
        QVERIFY(!error->isHidden());
        QVERIFY2(error->text().contains(QStringLiteral("Police")), qPrintable(error->text()));
        QVERIFY2(error->text().contains(QStringLiteral("https")), qPrintable(error->text()));
        QCOMPARE(settings.escalationMinutes(), 2);  // nothing written while a webhook is bad
        QVERIFY(settings.webhookUrls().empty());

        police->setText(QStringLiteral(" http://127.0.0.1:9/police "));
        fire->setText(QStringLiteral("http://fire.local:8080/alerts"));
        QVERIFY(dialog.apply());
        QVERIFY(error->isHidden());
        QCOMPARE(settings.escalationMinutes(), 7);
        const auto urls = settings.webhookUrls();
        QCOMPARE(urls.size(), std::size_t{2});
        QCOMPARE(urls.at("Police"), std::string("http://127.0.0.1:9/police"));
        QCOMPARE(urls.at("Fire Department"), std::string("http://fire.local:8080/alerts"));

        // Remembered: a new settings object (the next start) reads the same.
        ConsoleSettings again;
        QCOMPARE(again.webhookUrls(), urls);
        QCOMPARE(again.escalationMinutes(), 7);
    }

    void dispatchedAlertIsDeliveredOnceAcrossARestart() {
        QTemporaryDir dir;
        const std::filesystem::path db = std::filesystem::path(dir.path().toStdString()) / "cityops.db";
        dispatch_test::WebhookReceiver receiver;
        ConsoleSettings settings;
        settings.setValue(ConsoleSettings::Key::WebhookPolice, QString::fromStdString(receiver.url("/police")));
        {
            Console console(settings, db);
            QVERIFY(console.storage);
            QVERIFY(console.dispatch->running());
            QVERIFY(console.dispatch->status().contains(QStringLiteral("1 service")));
            QCOMPARE(console.dispatchToPolice(41), QString());
            QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), std::size_t{1}, 15'000);
            QTRY_COMPARE_WITH_TIMEOUT(outboxStatus(db, 41), static_cast<int>(OutboxStatus::Delivered), 15'000);
        }
        // The console starts again on the same database: the delivered alert is not sent again,
        // a new one is.
        Console restarted(settings, db);
        QCOMPARE(restarted.dispatchToPolice(42), QString());
        QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), std::size_t{2}, 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(outboxStatus(db, 42), static_cast<int>(OutboxStatus::Delivered), 15'000);
        const auto attempts = receiver.attemptsByKey();
        QCOMPARE(attempts.at("41"), 1);
        QCOMPARE(attempts.at("42"), 1);
    }

    void alertWaitsInTheOutboxUntilAWebhookIsConfigured() {
        QTemporaryDir dir;
        const std::filesystem::path db = std::filesystem::path(dir.path().toStdString()) / "cityops.db";
        ConsoleSettings settings;
        Console console(settings, db);
        QVERIFY(!console.dispatch->running());
        QVERIFY(console.dispatch->status().contains(QStringLiteral("no webhook")));
        QCOMPARE(console.dispatchToPolice(43), QString());
        QCOMPARE(outboxStatus(db, 43), static_cast<int>(OutboxStatus::Pending));

        dispatch_test::WebhookReceiver receiver;
        QSignalSpy status(console.dispatch.get(), &AlertDispatch::statusChanged);
        settings.setValue(ConsoleSettings::Key::WebhookPolice, QString::fromStdString(receiver.url("/police")));
        QVERIFY(console.dispatch->running());
        QCOMPARE(status.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.deliveries().size(), std::size_t{1}, 15'000);
        QCOMPARE(receiver.deliveries().count("43"), std::size_t{1});
        QTRY_COMPARE_WITH_TIMEOUT(outboxStatus(db, 43), static_cast<int>(OutboxStatus::Delivered), 15'000);
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestAlertDispatch)
#include "test_alert_dispatch.moc"
