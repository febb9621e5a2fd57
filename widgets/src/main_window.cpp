#include "cityops/widgets/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <cmath>

#include "cityops/maps/map_view.h"
#include "cityops/widgets/alert_dispatch.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_panel.h"
#include "cityops/widgets/alert_workflow.h"
#include "cityops/connectors/audit/audit_log.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/widgets/frame_probe.h"
#include "cityops/widgets/layer_panel.h"
#include "cityops/widgets/live_chart_panel.h"
#include "cityops/widgets/settings_dialog.h"
#include "cityops/widgets/simulation_panel.h"
#include "cityops/widgets/status_indicators.h"
#include "cityops/widgets/wall_mode.h"

namespace cityops::widgets {

namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
constexpr int kStateVersion = 1;
constexpr int kStatusFrameEvery = 30;  //!< frames between refreshes of the frame-time read-out

}  // namespace

MainWindow::MainWindow(const simulation::City& city, const simulation::Scenario& scenario,
                       simulation::LiveJobs& jobs, simulation::LiveRunner& runner, QWidget* parent)
    : QMainWindow(parent),
      m_city(city),
      m_scenario(scenario),
      m_jobs(jobs),
      m_runner(runner),
      m_map(new maps::MapView(this)),
      m_alertModel(new AlertModel(city, this)),
      m_alertPanel(new AlertPanel(*m_alertModel)),
      m_workflow(new AlertWorkflow(*m_alertModel, this)),
      m_chart(new LiveChartPanel(city)),
      m_settings(new ConsoleSettings(this)),
      m_layerPanel(new LayerPanel(*m_settings)),
      m_probe(new FrameProbe(this)),
      m_frameTimer(new QTimer(this)),
      m_districtAverages(city.districts.size()) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(
        tr("CityOps — %1 — %2").arg(QString::fromStdString(city.name), QString::fromStdString(scenario.name)));
    resize(1400, 900);

    m_map->setObjectName(QStringLiteral("mapView"));
    m_map->setCity(city);
    setCentralWidget(m_map);
    m_chart->setObjectName(QStringLiteral("liveChartPanel"));
    m_chart->setCo2Threshold(jobs.co2ThresholdPpm());
    m_alertPanel->setObjectName(QStringLiteral("alertPanel"));
    m_alertPanel->setWorkflow(m_workflow);
    openAlertStores();
    m_workflow->start();
    m_layerPanel->setObjectName(QStringLiteral("layerPanel"));

    createDocks();
    m_wallMode = new WallMode(*this, *m_map, *m_chartDock, this);
    m_wallMode->setIncidentDistrict(incidentDistrict());
    createMenus();
    const QString source = jobs.durable() ? tr("Embedded simulator, data in %1")
                                                .arg(QString::fromStdString(jobs.dataDir().string()))
                                          : tr("Embedded simulator");
    m_status = new StatusIndicators(*statusBar(), source, this);
    m_status->setCheckpointsEnabled(jobs.durable());
    m_defaultState = saveState(kStateVersion);
    restoreSettings();

    for (const ConsoleSettings::Spec& spec : ConsoleSettings::specs()) applySetting(spec.key);
    connect(m_settings, &ConsoleSettings::changed, this, &MainWindow::applySetting);

    connect(m_map, &maps::MapView::sensorClicked, this, [this](quint32 id) { selectSensor(id); });
    connect(m_alertPanel, &AlertPanel::alertActivated, this, &MainWindow::onAlertActivated);
    connect(m_frameTimer, &QTimer::timeout, this, &MainWindow::processFrame);

    if (const std::optional<std::uint32_t> first = initialSensor()) selectSensor(*first);
    m_frameTimer->setTimerType(Qt::PreciseTimer);
    m_frameTimer->start(1000 / m_settings->frameRate());
    m_probe->start();
}

void MainWindow::openAlertStores() {
    if (!m_jobs.durable()) return;
    engine::storage::StorageOptions options;
    options.path = m_jobs.dataDir() / "cityops.db";
    if (auto storage = engine::storage::Storage::open(options)) {
        m_alertStorage = std::move(*storage);
        m_workflow->setStorage(m_alertStorage.get());
        m_dispatch = new AlertDispatch(*m_settings, options.path, this);
        m_workflow->setDispatchNotifier([dispatch = m_dispatch] { dispatch->wake(); });
        connect(m_dispatch, &AlertDispatch::statusChanged, this,
                [this](const QString& status) { statusBar()->showMessage(status, 10'000); });
    } else {
        statusBar()->showMessage(tr("Alert actions are not stored: %1").arg(QString::fromStdString(storage.error().message)));
    }
    if (auto log = connectors::audit::AuditLog::open(m_jobs.dataDir())) {
        m_auditLog = std::move(*log);
        m_workflow->setAuditLog(m_auditLog.get());
    } else {
        statusBar()->showMessage(tr("Operator actions are not audited: %1").arg(QString::fromStdString(log.error())));
    }
}

MainWindow::~MainWindow() {
    m_jobs.watchSensor(simulation::LiveJobs::kNoSensor);
}

void MainWindow::createDocks() {
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    m_chartDock = new QDockWidget(tr("Live chart"), this);
    m_chartDock->setObjectName(QStringLiteral("chartDock"));
    m_chartDock->setWidget(m_chart);
    addDockWidget(Qt::BottomDockWidgetArea, m_chartDock);

    m_alertDock = new QDockWidget(tr("Alerts"), this);
    m_alertDock->setObjectName(QStringLiteral("alertDock"));
    m_alertDock->setWidget(m_alertPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_alertDock);

    m_layerDock = new QDockWidget(tr("Map layers"), this);
    m_layerDock->setObjectName(QStringLiteral("layerDock"));
    m_layerDock->setWidget(m_layerPanel);
    addDockWidget(Qt::LeftDockWidgetArea, m_layerDock);
    auto* simulationDock = new QDockWidget(tr("Simulation"), this);
    simulationDock->setObjectName(QStringLiteral("simulationDock"));
    m_simulationPanel = new SimulationPanel(m_city, m_runner, simulationDock);
    simulationDock->setWidget(m_simulationPanel);
    addDockWidget(Qt::LeftDockWidgetArea, simulationDock);
    connect(m_map, &maps::MapView::mapClicked, m_simulationPanel, &SimulationPanel::placeIncidentAt);
    connect(m_workflow, &AlertWorkflow::stateChanged, m_simulationPanel, &SimulationPanel::onAlertStateChanged);
    resizeDocks({m_alertDock, m_layerDock}, {480, 240}, Qt::Horizontal);
    resizeDocks({m_chartDock}, {280}, Qt::Vertical);
}

void MainWindow::restoreSettings() {
    const QSettings settings;
    const QByteArray geometry = settings.value(kGeometryKey).toByteArray();
    if (!geometry.isEmpty()) restoreGeometry(geometry);
    const QByteArray state = settings.value(kStateKey).toByteArray();
    if (!state.isEmpty()) restoreState(state, kStateVersion);
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState(kStateVersion));
}

void MainWindow::resetLayout() {
    if (m_chartDock->isFloating()) m_chartDock->setFloating(false);
    if (m_alertDock->isFloating()) m_alertDock->setFloating(false);
    if (m_layerDock->isFloating()) m_layerDock->setFloating(false);
    restoreState(m_defaultState, kStateVersion);
    m_chartDock->show();
    m_alertDock->show();
    m_layerDock->show();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_wallMode->leave();
    saveSettings();
    QMainWindow::closeEvent(event);
}

std::optional<std::size_t> MainWindow::incidentDistrict() const {
    std::string name;
    for (const simulation::Incident& incident : m_scenario.incidents) {
        if (incident.district.empty()) continue;
        if (name.empty() || incident.kind == simulation::IncidentKind::Co2Episode) name = incident.district;
        if (incident.kind == simulation::IncidentKind::Co2Episode) break;
    }
    for (std::size_t i = 0; i < m_city.districts.size(); ++i) {
        if (!name.empty() && m_city.districts[i].name == name) return i;
    }
    return std::nullopt;
}

std::optional<std::uint32_t> MainWindow::initialSensor() const {
    const std::optional<std::size_t> district = incidentDistrict();
    std::optional<std::uint32_t> anyAirQuality;
    for (const simulation::Sensor& sensor : m_city.sensors) {
        if (sensor.kind != engine::SensorKind::AirQuality) continue;
        if (district && sensor.districtId == *district) return sensor.id;
        if (!anyAirQuality) anyAirQuality = sensor.id;
    }
    if (!anyAirQuality && !m_city.sensors.empty()) return m_city.sensors.front().id;
    return anyAirQuality;
}

void MainWindow::selectSensor(std::uint32_t sensorId) {
    if (sensorId >= m_city.sensors.size()) return;
    m_selected = sensorId;
    m_jobs.watchSensor(sensorId);  // drops what was kept of the previous sensor
    m_chart->setSensor(sensorId);
    m_map->setSelectedSensor(sensorId);
}

void MainWindow::onAlertActivated(quint64, quint32 sensorId) {
    if (sensorId >= m_city.sensors.size()) return;
    m_map->centreOnSensor(sensorId);
    selectSensor(sensorId);
}

void MainWindow::applyTheme(Theme theme) {
    m_theme = theme;
    const QPalette palette = themePalette(theme);
    // The application palette, not only the window's: menus, tool tips and dialogs are separate
    // top-level windows that a window palette does not reach.
    QApplication::setPalette(palette);
    setPalette(palette);
    m_chart->applyPalette(palette);
    m_map->setTheme(mapTheme(theme));
}

void MainWindow::applySetting(ConsoleSettings::Key key) {
    using Key = ConsoleSettings::Key;
    switch (key) {
        case Key::Theme:
            applyTheme(m_settings->theme());
            break;
        case Key::DefaultSpeed:
            // At start the command line's --speed wins; a change made while running applies at once.
            if (m_frameTimer->isActive()) {
                m_runner.setSpeed(m_settings->defaultSpeed());
                for (QAction* action : findChildren<QAction*>()) {
                    if (action->objectName().startsWith(QLatin1String("speedAction")))
                        action->setChecked(action->objectName() ==
                                           QStringLiteral("speedAction%1").arg(m_settings->defaultSpeed()));
                }
            }
            break;
        case Key::FrameRate:
            m_frameTimer->setInterval(1000 / m_settings->frameRate());
            break;
        case Key::WallCycleSeconds:
            m_wallMode->setCycleSeconds(m_settings->wallCycleSeconds());
            break;
        case Key::LayerDistricts:
        case Key::LayerTraffic:
        case Key::LayerHeatMap:
        case Key::LayerSensors:
        case Key::LayerAlerts:
            for (maps::MapLayer layer : maps::kAllMapLayers) {
                if (ConsoleSettings::layerKey(layer) == key)
                    m_map->setLayerVisible(layer, m_settings->layerVisible(layer));
            }
            break;
        case Key::Language:  // read by app/main.cpp at start: takes effect after a restart
            break;
        case Key::AlertSound:
            m_workflow->setBeepEnabled(m_settings->alertSound());
            break;
        case Key::EscalationMinutes:
            m_workflow->setEscalationTimeoutMs(qint64{m_settings->escalationMinutes()} * 60'000);
            break;
        case Key::WebhookPolice:  // AlertDispatch follows these itself
        case Key::WebhookFire:
        case Key::WebhookTraffic:
        case Key::WebhookEnergy:
            break;
    }
    emit settingApplied(key);
}

QDialog* MainWindow::openSettingsDialog() {
    auto* dialog = new SettingsDialog(*m_settings, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void MainWindow::stepAlert(int step) {
    if (const std::optional<quint32> sensor = m_alertPanel->stepCurrent(step)) selectSensor(*sensor);
}

void MainWindow::centreOnCurrentAlert() {
    const std::optional<quint32> sensor = m_alertPanel->currentSensor();
    if (sensor) {
        m_map->centreOnSensor(*sensor);
    } else if (m_selected) {
        m_map->centreOnSensor(*m_selected);
    }
}

void MainWindow::processFrame() {
    QElapsedTimer clock;
    clock.start();
    m_alertBuffer.clear();
    m_jobs.drainAlerts(m_alertBuffer);
    if (!m_alertBuffer.empty()) {
        m_workflow->appendAlerts(m_alertBuffer);
        for (const engine::Alert& alert : m_alertBuffer) m_map->addAlert({alert.sensorId, alert.severity});
        m_simulationPanel->addAlerts(m_alertBuffer);
    }
    m_simulationPanel->refresh();

    m_aggregateBuffer.clear();
    m_jobs.drainAggregates(m_aggregateBuffer);
    m_chart->appendAggregates(m_aggregateBuffer);
    if (m_districtAverages.add(m_aggregateBuffer)) m_map->setDistrictValues(m_districtAverages.means());

    m_watchedBuffer.clear();
    m_jobs.drainWatched(m_watchedBuffer);
    m_chart->appendReadings(m_watchedBuffer);

    m_map->updateValues(m_jobs.latest());
    m_chart->flush();
    m_status->update(m_runner.simTimeMs(), m_jobs.metrics(), m_alertModel->rowCount());

    // The map paints after this returns; its last paint is counted with the frame that follows it.
    double frameMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    if (m_map->paintCount() != m_mapPaintsSeen) {
        m_mapPaintsSeen = m_map->paintCount();
        frameMs += static_cast<double>(m_map->lastPaintDurationNs()) / 1e6;
    }
    m_probe->recordFrame(frameMs);
    if (++m_frames % kStatusFrameEvery == 0) m_status->setFrameStats(m_probe->frameStats(), m_probe->stallStats());
}

}  // namespace cityops::widgets
