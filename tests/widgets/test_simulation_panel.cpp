#include <QComboBox>
#include <QDateTimeEdit>
#include <QDockWidget>
#include <QGeoCoordinate>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTimeZone>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <variant>

#include "cityops/maps/map_view.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/main_window.h"
#include "cityops/widgets/simulation_panel.h"
#include "console_fixture.h"

using namespace cityops;
using testing::Console;
using widgets::IncidentChoice;
using widgets::MainWindow;
using widgets::SimulationPanel;

namespace {

constexpr int kEventualMs = 60'000;  //!< generous: the machine may be busy, and nothing here is timed
constexpr std::int64_t kMinute = 60'000;

//! fire-podil's city (seed 42, 200 sensors) without its incidents: the panel injects the fire.
simulation::Scenario quietPodil() {
    simulation::ScenarioResult result = simulation::loadScenario("fire-podil");
    if (!std::holds_alternative<simulation::Scenario>(result)) qFatal("fire-podil does not load");
    simulation::Scenario scenario = std::get<simulation::Scenario>(result);
    scenario.incidents.clear();
    return scenario;
}

}  // namespace

//! The trainer's Simulation panel on the real LiveRunner and city jobs: pause, single step, jump,
//! an incident placed by a map click reaching the engine, and the live score.
class TestSimulationPanel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_widgets_simulation_panel"));
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
    }

    void pauseStopsTheClock() {
        Console console(quietPodil());
        SimulationPanel panel(console.city, console.runner);
        QCOMPARE(panel.findChild<QLabel*>(QStringLiteral("scenarioLabel"))->text(), QStringLiteral("fire-podil"));
        panel.setSpeed(600.0);
        QCOMPARE(console.runner.speed(), 600.0);
        console.runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(console.runner.simTimeMs() > console.scenario.startTimeMs, kEventualMs);
        auto* run = panel.findChild<QPushButton*>(QStringLiteral("runButton"));
        QCOMPARE(run->text(), QStringLiteral("Pause"));
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(!panel.running());
        QVERIFY(console.runner.paused());
        QTest::qWait(200);  // a tick already under way may still land
        const std::int64_t held = console.runner.simTimeMs();
        QTest::qWait(500);
        QCOMPARE(console.runner.simTimeMs(), held);
        panel.refresh();
        QVERIFY2(panel.clockText().contains(QStringLiteral("paused")), qPrintable(panel.clockText()));
        QCOMPARE(run->text(), QStringLiteral("Run"));
        QTest::mouseClick(run, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(console.runner.simTimeMs() > held, kEventualMs);
        console.runner.stop();
    }

    void stepAdvancesOneStep() {
        Console console(quietPodil());
        SimulationPanel panel(console.city, console.runner);
        panel.setRunning(false);
        console.runner.start();
        const std::int64_t start = console.runner.simTimeMs();
        QCOMPARE(start, console.scenario.startTimeMs);
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("stepButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(console.runner.simTimeMs(), start + SimulationPanel::kStepMs, kEventualMs);
        QVERIFY(console.runner.eventsProduced() > 0);
        const std::uint64_t events = console.runner.eventsProduced();
        QTest::qWait(300);  // paused: only the step moved the clock
        QCOMPARE(console.runner.simTimeMs(), start + SimulationPanel::kStepMs);
        panel.stepOnce();
        QTRY_COMPARE_WITH_TIMEOUT(console.runner.simTimeMs(), start + 2 * SimulationPanel::kStepMs, kEventualMs);
        QVERIFY(console.runner.eventsProduced() > events);
        console.runner.stop();
    }

    void jumpChangesTheSimulatedTime() {
        Console console(quietPodil());
        SimulationPanel panel(console.city, console.runner);
        panel.setRunning(false);
        console.runner.start();
        const std::int64_t start = console.scenario.startTimeMs;
        auto* edit = panel.findChild<QDateTimeEdit*>(QStringLiteral("jumpEdit"));
        edit->setDateTime(QDateTime::fromMSecsSinceEpoch(start + 45 * kMinute, QTimeZone::utc()));
        QTest::mouseClick(panel.findChild<QPushButton*>(QStringLiteral("jumpButton")), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(console.runner.simTimeMs(), start + 45 * kMinute, kEventualMs);
        panel.refresh();
        QVERIFY2(panel.clockText().contains(QStringLiteral("08:45:00")), qPrintable(panel.clockText()));
        panel.jumpTo(start + 10 * kMinute);  // backward
        QTRY_COMPARE_WITH_TIMEOUT(console.runner.simTimeMs(), start + 10 * kMinute, kEventualMs);
        // Before the scenario start is refused with a message; the clock stays.
        panel.jumpTo(start - kMinute);
        QTest::qWait(200);
        QCOMPARE(console.runner.simTimeMs(), start + 10 * kMinute);
        QVERIFY(!panel.findChild<QLabel*>(QStringLiteral("messageLabel"))->text().isEmpty());
        console.runner.stop();
    }

    void incidentsNeedADistrictWhereTheyAreDistrictWide() {
        const simulation::City city = simulation::generateDemoCity(42, 200);
        QString error;
        // Far outside the city: district-wide kinds are refused with a reason, point kinds are not.
        QVERIFY(widgets::incidentsAt(IncidentChoice::Co2Episode, city, {0.0, 0.0}, kMinute, error).empty());
        QVERIFY(!error.isEmpty());
        error.clear();
        const auto fire = widgets::incidentsAt(IncidentChoice::Fire, city, {50.4660, 30.5020}, kMinute, error);
        QCOMPARE(fire.size(), std::size_t{1});
        QVERIFY(fire[0].hasPoint);
        QVERIFY(std::find(fire[0].expectedAlerts.begin(), fire[0].expectedAlerts.end(), "emergency_confirmed") !=
                fire[0].expectedAlerts.end());
        const auto outage = widgets::incidentsAt(IncidentChoice::GatewayOutage, city, {50.4660, 30.5020}, kMinute, error);
        QCOMPARE(outage.size(), std::size_t{2});  // traffic and air quality of the clicked district
        QVERIFY(!outage[0].district.empty());
        const auto failure = widgets::incidentsAt(IncidentChoice::SensorFailure, city, {50.4660, 30.5020}, kMinute, error);
        QCOMPARE(failure.size(), std::size_t{1});
        QCOMPARE(failure[0].sensorIds.size(), std::size_t{1});
    }

    void fireClickedOnTheMapRaisesItsAlertAndScores() {
        Console console(quietPodil());
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("simulationDock"));
        QVERIFY(dock);
        QVERIFY(dock->toggleViewAction()->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_T));
        auto* panel = window.findChild<SimulationPanel*>();
        QVERIFY(panel);
        QSignalSpy scored(panel, &SimulationPanel::scoreChanged);

        console.runner.setPaused(true);
        console.runner.start();
        // Pick the incident on the panel, then click the map at the point.
        auto* kinds = panel->findChild<QComboBox*>(QStringLiteral("incidentBox"));
        kinds->setCurrentIndex(static_cast<int>(IncidentChoice::Fire));
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("placeButton")), Qt::LeftButton);
        QVERIFY(panel->placing());
        maps::MapView& map = window.mapView();
        map.centreOn(QGeoCoordinate(50.4660, 30.5020));
        const QPointF at = map.viewport().geoToScreen(QGeoCoordinate(50.4660, 30.5020));
        QTest::mouseClick(&map, Qt::LeftButton, {}, at.toPoint());
        QVERIFY(!panel->placing());
        QCOMPARE(panel->injected().size(), std::size_t{1});
        const simulation::Scenario run = console.runner.scenario();
        QCOMPARE(run.incidents.size(), std::size_t{1});
        const simulation::Incident& fire = run.incidents.front();
        QVERIFY(fire.kind == simulation::IncidentKind::Fire);
        QVERIFY(std::abs(fire.lat - 50.4660) < 0.002 && std::abs(fire.lon - 30.5020) < 0.002);
        QCOMPARE(panel->score().incidents.size(), std::size_t{1});
        QCOMPARE(panel->score().raised, 0u);

        // Run fast: the frame timer drains the engine's alerts into the queue and the panel's score.
        panel->setSpeed(3600.0);
        panel->setRunning(true);
        const auto confirmed = [panel] {
            for (const simulation::ExpectedAlertScore& expected : panel->score().incidents.front().expected) {
                if (expected.rule == "emergency_confirmed") return expected.raised && expected.toRaisedMs >= 0;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(confirmed(), kEventualMs);  // the fire's declared alert, attributed to it
        console.runner.stop();
        QVERIFY(panel->score().raised >= 1);
        QVERIFY(window.alertModel().rowCount() > 0);
        QVERIFY(scored.count() > 0);
        QVERIFY(panel->findChild<QLabel*>(QStringLiteral("scoreLabel"))->text().contains(QStringLiteral("Alerts raised: ")));
    }

private:
    QTemporaryDir m_settingsDir;
};

QTEST_MAIN(TestSimulationPanel)
#include "test_simulation_panel.moc"
