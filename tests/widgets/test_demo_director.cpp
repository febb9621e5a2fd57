#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QtTest>

#include "cityops/connectors/audit/audit_log.h"
#include "cityops/maps/map_view.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/demo_director.h"
#include "cityops/widgets/main_window.h"
#include "cityops/widgets/wall_mode.h"

using cityops::widgets::DemoDirector;
using cityops::widgets::DemoOptions;
using cityops::widgets::DemoView;
using cityops::engine::storage::AlertState;

//! The offline demo's director, driven by hand (timers off, injected clock): views cycle, the first
//! scenario's alerts move through their lifecycle as the demo operator (audited), scenarios advance
//! by simulated time and loop, Esc and Ctrl+Q finish, the temporary data directory goes away.
//! Waits are for the live runner (QTRY with generous limits); nothing asserts on wall-clock speed.
class TestDemoDirector : public QObject {
    Q_OBJECT

    static DemoOptions handDriven(const QStringList& playlist, double speed) {
        DemoOptions o;
        o.playlist = playlist;
        o.speed = speed;
        o.timers = false;
        o.workers = 2;
        o.isolateSettings = false;  // the test's settings are already isolated
        return o;
    }

    static int countInState(const cityops::widgets::AlertModel& model, AlertState state) {
        int n = 0;
        for (int row = 0; row < model.rowCount(); ++row)
            if (model.lifecycleAt(row).state == state) ++n;
        return n;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void stageSpanCoversTheIncidents() {
        const auto fire = std::get<cityops::simulation::Scenario>(cityops::simulation::loadScenario("fire-podil"));
        QCOMPARE(DemoDirector::stageSpanMs(fire), (10 + 40 + 5) * 60'000LL);
        QCOMPARE(DemoDirector::automaticSpeed(fire, 110.0), 30.0);
        const auto quiet = std::get<cityops::simulation::Scenario>(cityops::simulation::loadScenario("quiet-day"));
        QCOMPARE(DemoDirector::stageSpanMs(quiet), 30 * 60'000LL);
        for (const QString& name : DemoDirector::defaultPlaylist()) {
            const auto loaded = cityops::simulation::loadScenario(name.toStdString());
            QVERIFY2(std::holds_alternative<cityops::simulation::Scenario>(loaded), qPrintable(name));
        }
    }

    void cyclesViewsOnTheWall() {
        DemoDirector director(handDriven({QStringLiteral("co2-episode")}, 60.0));
        QCOMPARE(director.start(), QString());
        cityops::widgets::MainWindow* window = director.window();
        QVERIFY(window);
        QVERIFY(window->wallMode().isActive());
        auto* banner = window->findChild<QLabel*>(QStringLiteral("demoBanner"));
        QVERIFY(banner && banner->text().contains(QStringLiteral("DEMO")));
        QVERIFY(director.currentView() == DemoView::CityMap);
        QVERIFY(window->mapView().isVisibleTo(window));

        director.nextView();
        QVERIFY(director.currentView() == DemoView::IncidentMap);  // co2-episode has an incident district
        director.nextView();
        QVERIFY(director.currentView() == DemoView::Chart);
        QVERIFY(window->chartDock().isVisibleTo(window));
        QVERIFY(!window->mapView().isVisibleTo(window));
        director.nextView();
        QVERIFY(director.currentView() == DemoView::Alerts);
        QVERIFY(window->alertDock().isVisibleTo(window));
        QVERIFY(!window->chartDock().isVisibleTo(window));
        director.nextView();
        QVERIFY(director.currentView() == DemoView::CityMap);
        QVERIFY(window->mapView().isVisibleTo(window));
        director.stop();
    }

    void firstScenarioAlertGoesThroughTheLifecycle() {
        QTemporaryDir dataDir;
        DemoOptions options = handDriven({QStringLiteral("fire-podil")}, 600.0);
        options.dataDir = dataDir.path();
        qint64 clock = 1'000'000;
        {
            DemoDirector director(options);
            director.setClock([&clock] { return clock; });
            QCOMPARE(director.start(), QString());
            const cityops::widgets::AlertModel& model = director.window()->alertModel();
            QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() > 0, 60'000);

            QCOMPARE(director.advanceAlerts(), 0);  // nothing is due yet
            const std::uint64_t id = model.alertAt(0).id;
            auto stateOf = [&] { return model.lifecycleAt(model.rowOfId(id)).state; };
            clock += options.acknowledgeAfterMs;
            while (stateOf() == AlertState::New) QVERIFY(director.advanceAlerts() > 0);
            QVERIFY(stateOf() == AlertState::Acknowledged);
            QCOMPARE(model.lifecycleAt(model.rowOfId(id)).acknowledgedBy, QString::fromLatin1(DemoDirector::kOperator));
            clock += options.assignAfterMs;
            while (stateOf() == AlertState::Acknowledged) QVERIFY(director.advanceAlerts() > 0);
            QVERIFY(stateOf() == AlertState::Assigned);
            clock += options.dispatchAfterMs;
            while (stateOf() == AlertState::Assigned) QVERIFY(director.advanceAlerts() > 0);
            QVERIFY(stateOf() == AlertState::Dispatched);
            clock += options.resolveAfterMs;
            while (stateOf() == AlertState::Dispatched) QVERIFY(director.advanceAlerts() > 0);
            QVERIFY(stateOf() == AlertState::Resolved);
            QVERIFY(countInState(model, AlertState::Resolved) >= 1);
            director.stop();
        }
        // Every step is in the audit log, by the demo operator.
        auto log = cityops::connectors::audit::AuditLog::open(dataDir.path().toStdString());
        QVERIFY(log);
        const auto records = (*log)->records(1, 10'000);
        QVERIFY(records);
        QVERIFY(records->size() >= 4);
        for (const auto& record : *records) QCOMPARE(QString::fromStdString(record.entry.actor), QStringLiteral("demo-operator"));
        QVERIFY(cityops::connectors::audit::AuditLog::verify(dataDir.path().toStdString()).ok);
    }

    void advancesByScenarioTimeAndLoops() {
        DemoDirector director(handDriven({QStringLiteral("co2-episode"), QStringLiteral("gas-leak")}, 20'000.0));
        QSignalSpy started(&director, &DemoDirector::stageStarted);
        QCOMPARE(director.start(), QString());
        QCOMPARE(director.scenarioName(), QStringLiteral("co2-episode"));
        // checkStageEnd() advances when due; QTRY evaluates again afterwards, hence the short circuit.
        QTRY_VERIFY_WITH_TIMEOUT(director.stagesPlayed() >= 1 || director.checkStageEnd(), 60'000);
        QCOMPARE(director.stageIndex(), 1);
        QCOMPARE(director.scenarioName(), QStringLiteral("gas-leak"));
        QVERIFY(director.window()->wallMode().isActive());
        QTRY_VERIFY_WITH_TIMEOUT(director.stagesPlayed() >= 2 || director.checkStageEnd(), 60'000);
        QCOMPARE(director.stageIndex(), 0);  // after the last comes the first again
        QCOMPARE(director.scenarioName(), QStringLiteral("co2-episode"));
        QCOMPARE(director.stagesPlayed(), 2);
        QCOMPARE(started.size(), 3);
        QCOMPARE(started.at(2).at(1).toString(), QStringLiteral("co2-episode"));
        director.stop();
    }

    void exitsAfterTheGivenScenarios() {
        DemoOptions options = handDriven({QStringLiteral("co2-episode")}, 20'000.0);
        options.exitAfterStages = 1;
        DemoDirector director(options);
        QSignalSpy finished(&director, &DemoDirector::finished);
        QCOMPARE(director.start(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!director.isRunning() || director.checkStageEnd(), 60'000);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.front().front().toInt(), 0);
        QVERIFY(!director.isRunning());
    }

    void escAndCtrlQFinish() {
        for (const QString& action : {QStringLiteral("leaveWallModeAction"), QStringLiteral("demoQuitAction")}) {
            DemoDirector director(handDriven({QStringLiteral("quiet-day")}, 60.0));
            QSignalSpy finished(&director, &DemoDirector::finished);
            QCOMPARE(director.start(), QString());
            auto* trigger = director.window()->findChild<QAction*>(action);
            QVERIFY2(trigger, qPrintable(action));
            QVERIFY(trigger->isEnabled());
            trigger->trigger();
            QCOMPARE(finished.size(), 1);
            QVERIFY(!director.isRunning());
        }
    }

    void temporaryDataDirIsRemoved() {
        QString dir;
        {
            DemoDirector director(handDriven({QStringLiteral("quiet-day")}, 60.0));
            QCOMPARE(director.start(), QString());
            dir = director.dataDir();
            QVERIFY(QFileInfo::exists(dir + QStringLiteral("/audit.db")));
            director.stop();
        }
        QVERIFY(!QFileInfo::exists(dir));
    }

    void unknownScenarioIsAnError() {
        DemoDirector director(handDriven({QStringLiteral("no-such-scenario")}, 60.0));
        QVERIFY(director.start().contains(QStringLiteral("no-such-scenario")));
    }
};

QTEST_MAIN(TestDemoDirector)
#include "test_demo_director.moc"
