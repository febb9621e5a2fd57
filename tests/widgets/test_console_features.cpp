#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>
#include <variant>

#include "cityops/simulation/live_jobs.h"
#include "cityops/maps/map_view.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_panel.h"
#include "cityops/widgets/console_settings.h"
#include "cityops/widgets/frame_probe.h"
#include "cityops/widgets/layer_panel.h"
#include "cityops/widgets/live_chart_panel.h"
#include "cityops/widgets/main_window.h"
#include "console_fixture.h"
#include "cityops/widgets/settings_dialog.h"
#include "cityops/widgets/status_indicators.h"
#include "cityops/widgets/theme.h"
#include "cityops/widgets/wall_mode.h"

using namespace cityops;
using testing::Console;
using widgets::ConsoleSettings;
using widgets::MainWindow;

namespace {

constexpr int kEventualMs = 60'000;  //!< generous: nothing here is timed

//! Three alerts on three different sensors, in the order the panel shows them (all Critical, newest first).
std::vector<engine::Alert> threeAlerts() {
    std::vector<engine::Alert> alerts(3);
    for (std::uint32_t i = 0; i < 3; ++i) {
        alerts[i].id = i + 1;
        alerts[i].sensorId = 10 + i;
        alerts[i].severity = engine::Severity::Critical;
        alerts[i].eventTimeMs = 1000 * (i + 1);
        alerts[i].rule = engine::AlertRule::Co2High;
    }
    return alerts;
}

}  // namespace

//! The console layer over MainWindow: themes, settings (persist, reload, reset, dialog), shortcuts,
//! the layer panel, the frame probe and wall mode.
class TestConsoleFeatures : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_widgets_console"));
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setDefaultFormat(QSettings::NativeFormat);
        QSettings().clear();

        simulation::ScenarioResult result = simulation::loadScenario("co2-episode");
        QVERIFY(std::holds_alternative<simulation::Scenario>(result));
        m_scenario = std::get<simulation::Scenario>(result);
    }

    void init() { QSettings().clear(); }

    void settingsPersistReloadAndReset() {
        ConsoleSettings settings;
        for (const ConsoleSettings::Spec& spec : ConsoleSettings::specs()) {
            QVERIFY2(spec.defaultValue.isValid(), qPrintable(spec.path));
            QCOMPARE(settings.value(spec.key).toString(), spec.defaultValue.toString());
        }
        QCOMPARE(settings.theme(), widgets::Theme::Dark);
        QCOMPARE(settings.frameRate(), 30);
        QVERIFY(QSettings().allKeys().isEmpty());  // defaults are not written

        QSignalSpy changed(&settings, &ConsoleSettings::changed);
        settings.setTheme(widgets::Theme::Light);
        settings.setValue(ConsoleSettings::Key::Language, QStringLiteral("uk"));
        settings.setValue(ConsoleSettings::Key::FrameRate, 20);
        settings.setValue(ConsoleSettings::Key::AlertSound, true);
        settings.setLayerVisible(maps::MapLayer::HeatMap, false);
        QCOMPARE(changed.count(), 5);
        settings.setValue(ConsoleSettings::Key::FrameRate, 20);  // no change, no signal
        QCOMPARE(changed.count(), 5);

        const ConsoleSettings reloaded;  // a new instance reads what was stored
        QCOMPARE(reloaded.theme(), widgets::Theme::Light);
        QCOMPARE(reloaded.language(), QStringLiteral("uk"));
        QCOMPARE(reloaded.frameRate(), 20);
        QVERIFY(reloaded.alertSound());
        QVERIFY(!reloaded.layerVisible(maps::MapLayer::HeatMap));
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("uk"));

        QSettings().setValue(QStringLiteral("ui/frameRate"), 10'000);  // out of range: clamped
        QCOMPARE(reloaded.frameRate(), ConsoleSettings::kMaxFrameRate);

        settings.resetToDefaults();
        QVERIFY(QSettings().allKeys().isEmpty());
        QCOMPARE(settings.theme(), widgets::Theme::Dark);
        QVERIFY(settings.layerVisible(maps::MapLayer::HeatMap));
    }

    void settingsDialogEditsAndRestores() {
        ConsoleSettings settings;
        widgets::SettingsDialog dialog(settings);
        auto* theme = dialog.findChild<QComboBox*>(QStringLiteral("themeCombo"));
        auto* frameRate = dialog.findChild<QSpinBox*>(QStringLiteral("frameRateSpin"));
        auto* traffic = dialog.findChild<QCheckBox*>(QStringLiteral("layerCheck_traffic"));
        auto* note = dialog.findChild<QLabel*>(QStringLiteral("languageNote"));
        QVERIFY(theme && frameRate && traffic && note);
        QVERIFY(note->text().contains(QStringLiteral("restart")));
        QVERIFY(traffic->isChecked());
        theme->setCurrentIndex(theme->findData(QStringLiteral("light")));
        frameRate->setValue(15);
        traffic->setChecked(false);
        QCOMPARE(settings.theme(), widgets::Theme::Dark);  // nothing applied yet
        dialog.apply();
        QCOMPARE(settings.theme(), widgets::Theme::Light);
        QCOMPARE(settings.frameRate(), 15);
        QVERIFY(!settings.layerVisible(maps::MapLayer::Traffic));

        settings.resetToDefaults();
        dialog.load();
        QCOMPARE(theme->currentData().toString(), QStringLiteral("dark"));
        QVERIFY(traffic->isChecked());
    }

    void themeSwitchChangesThePalette() {
        QVERIFY(widgets::themePalette(widgets::Theme::Dark).color(QPalette::Window) !=
                widgets::themePalette(widgets::Theme::Light).color(QPalette::Window));
        Console console(m_scenario);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        QCOMPARE(window.appliedTheme(), widgets::Theme::Dark);
        const QColor darkWindow = window.palette().color(QPalette::Window);
        QCOMPARE(darkWindow, widgets::themePalette(widgets::Theme::Dark).color(QPalette::Window));
        QCOMPARE(window.chartPanel().plotBackground(),
                 widgets::themePalette(widgets::Theme::Dark).color(QPalette::Base));

        auto* light = window.findChild<QAction*>(QStringLiteral("themeAction_light"));
        QVERIFY(light);
        light->trigger();
        QCOMPARE(window.appliedTheme(), widgets::Theme::Light);
        QCOMPARE(window.palette().color(QPalette::Window),
                 widgets::themePalette(widgets::Theme::Light).color(QPalette::Window));
        QCOMPARE(window.alertPanel().palette().color(QPalette::Base), QColor(Qt::white));  // children follow
        QCOMPARE(window.chartPanel().plotBackground(), QColor(Qt::white));
        QCOMPARE(window.mapView().theme().background, maps::MapTheme::light().background);
        QCOMPARE(window.settings().theme(), widgets::Theme::Light);  // remembered

        // A new default speed from the settings applies to the running console and its menu.
        window.settings().setValue(ConsoleSettings::Key::DefaultSpeed, 600.0);
        QCOMPARE(console.runner.speed(), 600.0);
        auto* speed600 = window.findChild<QAction*>(QStringLiteral("speedAction600"));
        QVERIFY(speed600 && speed600->isChecked());

        // File → Settings… opens the dialog on the window's settings.
        auto* settingsAction = window.findChild<QAction*>(QStringLiteral("settingsAction"));
        QVERIFY(settingsAction);
        settingsAction->trigger();
        auto* dialog = window.findChild<widgets::SettingsDialog*>(QStringLiteral("settingsDialog"));
        QVERIFY(dialog && dialog->isVisible());
        dialog->reject();

        // A new window starts in the remembered theme.
        MainWindow second(console.city, console.scenario, console.jobs, console.runner);
        QCOMPARE(second.appliedTheme(), widgets::Theme::Light);
        auto* secondLight = second.findChild<QAction*>(QStringLiteral("themeAction_light"));
        QVERIFY(secondLight && secondLight->isChecked());
    }

    void shortcutsTriggerTheirActions() {
        Console console(m_scenario);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.alertModel().appendAlerts(threeAlerts());

        const std::pair<const char*, QKeySequence> expected[] = {
            {"nextAlertAction", QKeySequence(Qt::Key_J)},
            {"previousAlertAction", QKeySequence(Qt::Key_K)},
            {"centreAlertAction", QKeySequence(Qt::Key_C)},
            {"fitCityAction", QKeySequence(Qt::Key_F)},
            {"pauseAction", QKeySequence(Qt::Key_Space)},
            {"zoomInAction", QKeySequence(Qt::Key_Plus)},
            {"zoomOutAction", QKeySequence(Qt::Key_Minus)},
            {"wallModeAction", QKeySequence(Qt::Key_F11)},
            {"settingsAction", QKeySequence(Qt::CTRL | Qt::Key_Comma)},
        };
        for (const auto& [name, keys] : expected) {
            auto* action = window.findChild<QAction*>(QString::fromLatin1(name));
            QVERIFY2(action, name);
            QCOMPARE(action->shortcut(), keys);  // the first shortcut is the one the menu shows
        }

        window.mapView().setFocus();
        auto press = [&window](const char* name, Qt::Key key) {
            auto* action = window.findChild<QAction*>(QString::fromLatin1(name));
            QSignalSpy triggered(action, &QAction::triggered);
            QTest::keyClick(&window.mapView(), key);
            return triggered.count() == 1;
        };
        QVERIFY(press("nextAlertAction", Qt::Key_J));
        const std::optional<quint32> first = window.alertPanel().currentSensor();
        QVERIFY(first.has_value());
        QCOMPARE(window.selectedSensor(), std::optional<std::uint32_t>(*first));
        QVERIFY(press("nextAlertAction", Qt::Key_J));
        const std::optional<quint32> second = window.alertPanel().currentSensor();
        QVERIFY(second && *second != *first);
        QVERIFY(press("previousAlertAction", Qt::Key_K));
        QCOMPARE(window.alertPanel().currentSensor(), first);

        QVERIFY(press("centreAlertAction", Qt::Key_C));
        const QPointF centre(window.mapView().width() / 2.0, window.mapView().height() / 2.0);
        const QPointF at = window.mapView().sensorScreenPosition(*first);
        QVERIFY(std::hypot(at.x() - centre.x(), at.y() - centre.y()) < 1.0);

        const double zoom = window.mapView().zoom();
        QVERIFY(press("zoomInAction", Qt::Key_Plus));
        QCOMPARE(window.mapView().zoom(), zoom + 1.0);
        QVERIFY(press("zoomOutAction", Qt::Key_Minus));
        QCOMPARE(window.mapView().zoom(), zoom);
        QVERIFY(press("fitCityAction", Qt::Key_F));
        QVERIFY(std::hypot(window.mapView().sensorScreenPosition(*first).x() - centre.x(),
                           window.mapView().sensorScreenPosition(*first).y() - centre.y()) >= 1.0);

        QVERIFY(press("pauseAction", Qt::Key_Space));
        QVERIFY(console.runner.paused());
        QVERIFY(press("pauseAction", Qt::Key_Space));
        QVERIFY(!console.runner.paused());

        QVERIFY(press("wallModeAction", Qt::Key_F11));
        QVERIFY(window.wallMode().isActive());
        QVERIFY(press("leaveWallModeAction", Qt::Key_Escape));
        QVERIFY(!window.wallMode().isActive());
    }

    void layerPanelTogglesAndRemembers() {
        Console console(m_scenario);
        {
            MainWindow window(console.city, console.scenario, console.jobs, console.runner);
            widgets::MapLayerModel& model = window.layerPanel().model();
            QCOMPARE(model.rowCount(), maps::kMapLayerCount);
            const QModelIndex heat = model.indexOf(maps::MapLayer::HeatMap);
            QCOMPARE(heat.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Checked);
            QVERIFY(!heat.data(widgets::MapLayerModel::LegendRole).toString().isEmpty());
            QVERIFY(window.mapView().isLayerVisible(maps::MapLayer::HeatMap));
            QVERIFY(model.setData(heat, Qt::Unchecked, Qt::CheckStateRole));
            QVERIFY(!window.mapView().isLayerVisible(maps::MapLayer::HeatMap));
            QCOMPARE(heat.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Unchecked);
            // The settings dialog's reset shows up in the panel and on the map.
            window.settings().setLayerVisible(maps::MapLayer::Alerts, false);
            QCOMPARE(model.indexOf(maps::MapLayer::Alerts).data(Qt::CheckStateRole).value<Qt::CheckState>(),
                     Qt::Unchecked);
            QVERIFY(!window.mapView().isLayerVisible(maps::MapLayer::Alerts));
        }
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        QVERIFY(!window.mapView().isLayerVisible(maps::MapLayer::HeatMap));
        QVERIFY(!window.mapView().isLayerVisible(maps::MapLayer::Alerts));
        QVERIFY(window.mapView().isLayerVisible(maps::MapLayer::Sensors));
        QCOMPARE(window.layerPanel()
                     .model()
                     .indexOf(maps::MapLayer::HeatMap)
                     .data(Qt::CheckStateRole)
                     .value<Qt::CheckState>(),
                 Qt::Unchecked);
    }

    void slidingWindowPercentiles() {
        widgets::SlidingWindow window(100);
        QCOMPARE(window.stats().samples, std::size_t{0});
        for (int i = 1; i <= 100; ++i) window.add(i);
        widgets::DurationStats stats = window.stats();
        QCOMPARE(stats.samples, std::size_t{100});
        QCOMPARE(stats.p50Ms, 50.0);
        QCOMPARE(stats.p99Ms, 99.0);
        QCOMPARE(stats.maxMs, 100.0);
        for (int i = 0; i < 100; ++i) window.add(1.0);  // the old samples slide out
        stats = window.stats();
        QCOMPARE(stats.maxMs, 1.0);
        QCOMPARE(window.total(), std::size_t{200});
    }

    //! The status bar reads the stream runtime's metrics once per frame: a non-zero event rate, the
    //! watermark lag, late and dead-letter counts, and "Checkpoint: off" without a data directory.
    void statusBarShowsTheRuntimeMetrics() {
        Console console(m_scenario);
        console.runner.setSpeed(600.0);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* source = window.findChild<QLabel*>(QStringLiteral("statusSource"));
        auto* rate = window.findChild<QLabel*>(QStringLiteral("statusRate"));
        auto* lag = window.findChild<QLabel*>(QStringLiteral("statusLag"));
        auto* checkpoint = window.findChild<QLabel*>(QStringLiteral("statusCheckpoint"));
        auto* late = window.findChild<QLabel*>(QStringLiteral("statusLate"));
        QVERIFY(source && rate && lag && checkpoint && late);
        QVERIFY(source->text().contains(QStringLiteral("Embedded simulator")));
        console.runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(window.statusIndicators().eventsPerSecond() > 0.0, kEventualMs);
        QVERIFY(!rate->text().startsWith(QLatin1Char('0')));
        QTRY_VERIFY_WITH_TIMEOUT(console.jobs.metrics().eventsIn > 0, kEventualMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusIndicators().watermarkLagMs() > 0, kEventualMs);
        QVERIFY(lag->text().startsWith(QStringLiteral("Watermark lag: ")));
        QCOMPARE(checkpoint->text(), QStringLiteral("Checkpoint: off"));
        QCOMPARE(window.statusIndicators().checkpointAgeMs(), std::int64_t{-1});
        QVERIFY(late->text().contains(QStringLiteral("Dead letters: 0")));
        console.runner.stop();
    }

    //! With a data directory the console checkpoints as it runs (the status bar shows the age of the
    //! last checkpoint), and a console started again on the directory resumes from it.
    void dataDirectoryCheckpointsAndResumes() {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        std::int64_t covered = 0;
        {
            Console console(m_scenario, data.path().toStdString(), 200);
            console.runner.setSpeed(600.0);
            MainWindow window(console.city, console.scenario, console.jobs, console.runner);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* source = window.findChild<QLabel*>(QStringLiteral("statusSource"));
            QVERIFY(source && source->text().contains(data.path()));
            console.runner.start();
            QTRY_VERIFY_WITH_TIMEOUT(console.jobs.metrics().checkpoints.completed >= 2, kEventualMs);
            QTRY_VERIFY_WITH_TIMEOUT(window.statusIndicators().checkpointAgeMs() >= 0, kEventualMs);
            auto* checkpoint = window.findChild<QLabel*>(QStringLiteral("statusCheckpoint"));
            QVERIFY(checkpoint && checkpoint->text().contains(QStringLiteral("ago")));
            console.runner.stop();
            const auto last = console.jobs.checkpoint();  // what app/main.cpp does on quit
            QVERIFY2(last.ok(), last.ok() ? "" : last.error().c_str());
            covered = console.runner.simTimeMs();
        }
        Console again(m_scenario, data.path().toStdString(), 200);
        QCOMPARE(again.jobs.resumeTimeMs(), std::optional<std::int64_t>(covered));
        QVERIFY(covered > m_scenario.startTimeMs);
        again.runner.setSpeed(1.0);
        again.runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(again.runner.resumed(), kEventualMs);
        QVERIFY(again.runner.simTimeMs() >= covered);
        again.runner.stop();
    }

    void frameProbeRecords() {
        Console console(m_scenario);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        widgets::FrameProbe& probe = window.frameProbe();
        QVERIFY(probe.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(probe.frameCount() >= 3, kEventualMs);
        QTRY_VERIFY_WITH_TIMEOUT(probe.heartbeatCount() >= 3, kEventualMs);
        const std::size_t before = probe.frameCount();
        window.processFrame();
        QVERIFY(probe.frameCount() > before);
        const widgets::DurationStats frames = probe.frameStats();
        QVERIFY(frames.samples > 0);
        QVERIFY(frames.p50Ms >= 0.0 && frames.p50Ms <= frames.p99Ms && frames.p99Ms <= frames.maxMs);
        QVERIFY(probe.stallStats().samples > 0);
        auto* label = window.findChild<QLabel*>(QStringLiteral("statusFrame"));
        QVERIFY(label);
        QTRY_VERIFY_WITH_TIMEOUT(label->text().contains(QStringLiteral("ms")), kEventualMs);
    }

    //! Not a pass/fail on time: prints the probe's figures for a 10 000-sensor city at speed 600, so
    //! `CITYOPS_FIGURES=1 QT_QPA_PLATFORM=offscreen test_widgets_console frameTimeFigures` reports them.
    void frameTimeFigures() {
        if (!qEnvironmentVariableIsSet("CITYOPS_FIGURES")) QSKIP("a measurement, not a test: set CITYOPS_FIGURES=1");
        simulation::Scenario big = m_scenario;
        big.sensorCount = 10'000;
        Console console(big);
        console.runner.setSpeed(600.0);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        console.runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(window.mapView().paintCount() >= 100 && window.frameProbe().frameCount() >= 300,
                                 kEventualMs * 2);
        console.runner.stop();
        const widgets::DurationStats frames = window.frameProbe().frameStats();
        const widgets::DurationStats stalls = window.frameProbe().stallStats();
        qInfo(
            "10k sensors, speed 600: frame (processing + map paint) p50 %.2f ms, p99 %.2f ms, max %.2f ms "
            "over %zu frames; event-loop stall p50 %.2f ms, p99 %.2f ms, max %.2f ms over %zu heartbeats; "
            "last map paint %.2f ms",
            frames.p50Ms, frames.p99Ms, frames.maxMs, frames.samples, stalls.p50Ms, stalls.p99Ms, stalls.maxMs,
            stalls.samples, static_cast<double>(window.mapView().lastPaintDurationNs()) / 1e6);
        QVERIFY(frames.samples > 0);
    }

    void wallModeEntersCyclesAndLeaves() {
        Console console(m_scenario);
        MainWindow window(console.city, console.scenario, console.jobs, console.runner);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const double zoom = window.mapView().zoom();
        auto* wall = window.findChild<QAction*>(QStringLiteral("wallModeAction"));
        QVERIFY(wall);
        wall->trigger();
        widgets::WallMode& mode = window.wallMode();
        QVERIFY(mode.isActive());
        QVERIFY(wall->isChecked());
        QVERIFY(window.windowState() & Qt::WindowFullScreen);
        QVERIFY(window.menuBar()->isHidden());
        QVERIFY(window.statusBar()->isHidden());
        QVERIFY(window.alertDock().isHidden() && window.chartDock().isHidden() && window.layerDock().isHidden());
        QCOMPARE(mode.currentView(), widgets::WallView::City);
        QVERIFY(window.incidentDistrict().has_value());

        mode.advance();
        QCOMPARE(mode.currentView(), widgets::WallView::IncidentDistrict);
        QVERIFY(window.mapView().zoom() > zoom);
        mode.advance();
        QCOMPARE(mode.currentView(), widgets::WallView::Chart);
        QVERIFY(!window.chartDock().isHidden());
        QVERIFY(window.mapView().isHidden());
        mode.advance();
        QCOMPARE(mode.currentView(), widgets::WallView::City);

        // The cycle runs by itself.
        window.settings().setValue(ConsoleSettings::Key::WallCycleSeconds, 1);
        QCOMPARE(mode.cycleSeconds(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(mode.currentView(), widgets::WallView::IncidentDistrict, kEventualMs);

        auto* leave = window.findChild<QAction*>(QStringLiteral("leaveWallModeAction"));
        QVERIFY(leave && leave->isEnabled());
        leave->trigger();
        QVERIFY(!mode.isActive());
        QVERIFY(!wall->isChecked());
        QVERIFY(!leave->isEnabled());
        QVERIFY(!(window.windowState() & Qt::WindowFullScreen));
        QVERIFY(!window.menuBar()->isHidden());
        QVERIFY(!window.statusBar()->isHidden());
        QVERIFY(!window.alertDock().isHidden() && !window.chartDock().isHidden() && !window.layerDock().isHidden());
        QVERIFY(!window.mapView().isHidden());
        QCOMPARE(window.mapView().zoom(), zoom);
    }

private:
    QTemporaryDir m_settingsDir;
    simulation::Scenario m_scenario;
};

QTEST_MAIN(TestConsoleFeatures)
#include "test_console_features.moc"
