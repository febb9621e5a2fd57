#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>
#include <variant>

#include "cityops/simulation/live_jobs.h"
#include "cityops/maps/map_view.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_panel.h"
#include "cityops/widgets/live_chart_panel.h"
#include "cityops/widgets/main_window.h"
#include "console_fixture.h"

using namespace cityops;
using testing::Console;
using widgets::MainWindow;

namespace {

constexpr int kEventualMs = 120'000;  //!< generous: the machine may be busy, and nothing here is timed

}  // namespace

//! MainWindow on the real city jobs (LiveJobs) and LiveRunner: alerts reach the model and map, the chart
//! follows the selected sensor, the menus drive the runner, and the layout survives a restart.
class TestMainWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_widgets_main_window"));
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setDefaultFormat(QSettings::NativeFormat);
        QSettings().clear();

        simulation::ScenarioResult result = simulation::loadScenario("co2-episode");
        QVERIFY2(std::holds_alternative<simulation::Scenario>(result),
                 std::holds_alternative<simulation::ScenarioError>(result)
                     ? std::get<simulation::ScenarioError>(result).message.c_str()
                     : "");
        m_scenario = std::get<simulation::Scenario>(result);
        QVERIFY(!m_scenario.incidents.empty());
    }

    void init() { QSettings().clear(); }

    void liveDataReachesTheViews() {
        Console console(m_scenario);
        console.runner.setSpeed(600.0);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // The first air-quality sensor of the incident district is selected at once.
        const std::optional<std::uint32_t> first = window.selectedSensor();
        QVERIFY(first.has_value());
        const simulation::Sensor& sensor = console.city.sensors[*first];
        QVERIFY(sensor.kind == engine::SensorKind::AirQuality);
        QCOMPARE(console.city.districts[sensor.districtId].name, m_scenario.incidents.front().district);
        QCOMPARE(window.chartPanel().sensor(), first);
        QCOMPARE(window.mapView().selectedSensor(), first);

        console.runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(window.chartPanel().rawPointCount() > 0, kEventualMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.alertModel().rowCount() > 0, kEventualMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.chartPanel().averagePointCount() > 0, kEventualMs);
        QVERIFY(window.mapView().alertMarkerCount() > 0);
        QVERIFY(!std::isnan(window.mapView().sensorValue(*first)));

        // Alerts are the CO2 rule, in the incident district, and the status bar counts them.
        const QModelIndex top = window.alertModel().index(0, 0);
        QCOMPARE(top.data(widgets::AlertModel::RuleRole).toInt(), static_cast<int>(engine::AlertRule::Co2High));
        QCOMPARE(top.data(widgets::AlertModel::DistrictRole).toString(),
                 QString::fromStdString(m_scenario.incidents.front().district));
        auto* alertLabel = window.findChild<QLabel*>(QStringLiteral("statusAlerts"));
        QVERIFY(alertLabel);
        QTRY_VERIFY_WITH_TIMEOUT(alertLabel->text().contains(QString::number(window.alertModel().rowCount())),
                                 kEventualMs);

        // Clicking another sensor on the map rewires the chart to it.
        std::uint32_t other = 0;
        while (other == *first || console.city.sensors[other].kind != engine::SensorKind::AirQuality) ++other;
        window.mapView().centreOnSensor(other);
        window.mapView().setZoom(17.0);
        QTest::mouseClick(&window.mapView(), Qt::LeftButton, Qt::NoModifier,
                          window.mapView().sensorScreenPosition(other).toPoint());
        QCOMPARE(window.selectedSensor(), std::optional<std::uint32_t>(other));
        QCOMPARE(window.chartPanel().sensor(), std::optional<std::uint32_t>(other));
        QTRY_VERIFY_WITH_TIMEOUT(window.chartPanel().rawPointCount() > 0, kEventualMs);

        // Activating an alert centres the map on its sensor and selects it.
        QTableView& table = window.alertPanel().view();
        const QModelIndex row = window.alertPanel().proxy().index(0, 0);
        const auto alertSensor = row.data(widgets::AlertModel::SensorRole).value<quint32>();
        QTest::mouseClick(table.viewport(), Qt::LeftButton, Qt::NoModifier, table.visualRect(row).center());
        QCOMPARE(window.selectedSensor(), std::optional<std::uint32_t>(alertSensor));
        const QPointF centre(window.mapView().width() / 2.0, window.mapView().height() / 2.0);
        const QPointF at = window.mapView().sensorScreenPosition(alertSensor);
        QVERIFY(std::hypot(at.x() - centre.x(), at.y() - centre.y()) < 1.0);

        console.runner.stop();
    }

    void menusDriveTheRunner() {
        Console console(m_scenario);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        auto* speed60 = window.findChild<QAction*>(QStringLiteral("speedAction60"));
        auto* pause = window.findChild<QAction*>(QStringLiteral("pauseAction"));
        QVERIFY(speed60 && pause);
        speed60->trigger();
        QCOMPARE(console.runner.speed(), 60.0);
        QVERIFY(speed60->isChecked());
        pause->trigger();
        QVERIFY(console.runner.paused());
        pause->trigger();
        QVERIFY(!console.runner.paused());
    }

    void layoutRoundTrips() {
        QSize stored;
        {
            Console console(m_scenario);
            MainWindow window(console.city, console.scenario, console.jobs, console.runner);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QCOMPARE(window.dockWidgetArea(&window.chartDock()), Qt::BottomDockWidgetArea);
            window.addDockWidget(Qt::LeftDockWidgetArea, &window.chartDock());
            window.alertDock().hide();
            // Three docks stacked on the left (layers, simulation, chart) set the least height.
            stored = QSize(1111, std::max(777, window.minimumSizeHint().height()));
            window.resize(stored);
            QCOMPARE(window.size(), stored);
            window.close();
        }
        Console console(m_scenario);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.dockWidgetArea(&window.chartDock()), Qt::LeftDockWidgetArea);
        QVERIFY(window.alertDock().isHidden());
        QVERIFY(!window.chartDock().isHidden());
        QCOMPARE(window.size(), stored);

        window.resetLayout();
        QCOMPARE(window.dockWidgetArea(&window.chartDock()), Qt::BottomDockWidgetArea);
        QCOMPARE(window.dockWidgetArea(&window.alertDock()), Qt::RightDockWidgetArea);
        QVERIFY(!window.alertDock().isHidden());
    }

    //! The console runs the design's jobs: the emergency pattern of a fire (emergency event, then
    //! heat or smoke at the same location) reaches the alert model and the map, next to CO2 alerts.
    void emergencyAlertsReachTheModel() {
        simulation::ScenarioResult result = simulation::loadScenario("fire-podil");
        QVERIFY(std::holds_alternative<simulation::Scenario>(result));
        Console console(std::get<simulation::Scenario>(result));
        console.runner.setSpeed(600.0);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        console.runner.start();
        auto rowsOf = [&window](engine::AlertRule rule) {
            int n = 0;
            for (int row = 0; row < window.alertModel().rowCount(); ++row) {
                n += window.alertModel().index(row, 0).data(widgets::AlertModel::RuleRole).toInt() ==
                             static_cast<int>(rule)
                         ? 1
                         : 0;
            }
            return n;
        };
        QTRY_VERIFY_WITH_TIMEOUT(rowsOf(engine::AlertRule::EmergencyConfirmed) > 0, kEventualMs);
        QVERIFY(window.mapView().alertMarkerCount() > 0);
        console.runner.stop();
    }

private:
    QTemporaryDir m_settingsDir;
    simulation::Scenario m_scenario;
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
