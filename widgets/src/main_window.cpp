#include "cityops/widgets/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <cmath>

#include "cityops/maps/map_view.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_panel.h"
#include "cityops/widgets/live_chart_panel.h"
#include "cityops/widgets/status_indicators.h"

namespace cityops::widgets {

namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
constexpr int kStateVersion = 1;

}  // namespace

MainWindow::MainWindow(const simulation::City& city, const simulation::Scenario& scenario,
                       engine::StreamPipeline& pipeline, simulation::LiveRunner& runner, QWidget* parent)
    : QMainWindow(parent),
      m_city(city),
      m_scenario(scenario),
      m_pipeline(pipeline),
      m_runner(runner),
      m_map(new maps::MapView(this)),
      m_alertModel(new AlertModel(city, this)),
      m_alertPanel(new AlertPanel(*m_alertModel)),
      m_chart(new LiveChartPanel(city)),
      m_frameTimer(new QTimer(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(
        tr("CityOps — %1 — %2").arg(QString::fromStdString(city.name), QString::fromStdString(scenario.name)));
    resize(1400, 900);

    m_map->setObjectName(QStringLiteral("mapView"));
    m_map->setCity(city);
    setCentralWidget(m_map);
    m_chart->setObjectName(QStringLiteral("liveChartPanel"));
    m_chart->setCo2Threshold(pipeline.config().co2ThresholdPpm);
    m_alertPanel->setObjectName(QStringLiteral("alertPanel"));

    createDocks();
    createMenus();
    m_status = new StatusIndicators(*statusBar(), tr("Embedded simulator"), this);
    m_defaultState = saveState(kStateVersion);
    restoreSettings();

    connect(m_map, &maps::MapView::sensorClicked, this, [this](quint32 id) { selectSensor(id); });
    connect(m_alertPanel, &AlertPanel::alertActivated, this, &MainWindow::onAlertActivated);
    connect(m_frameTimer, &QTimer::timeout, this, &MainWindow::processFrame);

    if (const std::optional<std::uint32_t> first = initialSensor()) selectSensor(*first);
    m_frameTimer->setTimerType(Qt::PreciseTimer);
    m_frameTimer->start(kFrameIntervalMs);
}

MainWindow::~MainWindow() {
    m_pipeline.watchSensor(engine::StreamPipeline::kNoSensor);
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
    resizeDocks({m_alertDock}, {480}, Qt::Horizontal);
    resizeDocks({m_chartDock}, {280}, Qt::Vertical);
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_chartDock->toggleViewAction());
    view->addAction(m_alertDock->toggleViewAction());
    view->addSeparator();
    QAction* fit = view->addAction(tr("&Fit city"));
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(fit, &QAction::triggered, m_map, &maps::MapView::fitToCity);
    QAction* reset = view->addAction(tr("&Reset layout"));
    connect(reset, &QAction::triggered, this, &MainWindow::resetLayout);

    QMenu* simulationMenu = menuBar()->addMenu(tr("&Simulation"));
    QAction* pause = simulationMenu->addAction(m_runner.paused() ? tr("&Resume") : tr("&Pause"));
    pause->setObjectName(QStringLiteral("pauseAction"));
    pause->setCheckable(true);
    pause->setChecked(m_runner.paused());
    pause->setShortcut(QKeySequence(Qt::Key_Space));
    connect(pause, &QAction::toggled, this, [this, pause](bool paused) {
        m_runner.setPaused(paused);
        pause->setText(paused ? tr("&Resume") : tr("&Pause"));
    });
    simulationMenu->addSeparator();

    auto* speeds = new QActionGroup(this);
    speeds->setExclusive(true);
    for (double speed : kSpeeds) {
        QAction* action = simulationMenu->addAction(tr("Speed ×%1").arg(speed));
        action->setObjectName(QStringLiteral("speedAction%1").arg(speed));
        action->setCheckable(true);
        action->setChecked(std::abs(m_runner.speed() - speed) < 1e-9);
        speeds->addAction(action);
        connect(action, &QAction::triggered, this, [this, speed] { m_runner.setSpeed(speed); });
    }
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
    restoreState(m_defaultState, kStateVersion);
    m_chartDock->show();
    m_alertDock->show();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    QMainWindow::closeEvent(event);
}

std::optional<std::uint32_t> MainWindow::initialSensor() const {
    // The incident district: of the first CO2 episode, else of the first incident limited to one.
    std::string name;
    for (const simulation::Incident& incident : m_scenario.incidents) {
        if (incident.district.empty()) continue;
        if (name.empty() || incident.kind == simulation::IncidentKind::Co2Episode) name = incident.district;
        if (incident.kind == simulation::IncidentKind::Co2Episode) break;
    }
    int district = -1;
    for (std::size_t i = 0; i < m_city.districts.size(); ++i) {
        if (!name.empty() && m_city.districts[i].name == name) district = static_cast<int>(i);
    }
    std::optional<std::uint32_t> anyAirQuality;
    for (const simulation::Sensor& sensor : m_city.sensors) {
        if (sensor.kind != engine::SensorKind::AirQuality) continue;
        if (sensor.districtId == district) return sensor.id;
        if (!anyAirQuality) anyAirQuality = sensor.id;
    }
    if (!anyAirQuality && !m_city.sensors.empty()) return m_city.sensors.front().id;
    return anyAirQuality;
}

void MainWindow::selectSensor(std::uint32_t sensorId) {
    if (sensorId >= m_city.sensors.size()) return;
    m_selected = sensorId;
    m_pipeline.watchSensor(sensorId);
    m_watchedBuffer.clear();
    m_pipeline.drainWatched(m_watchedBuffer);  // readings of the previous sensor
    m_watchedBuffer.clear();
    m_chart->setSensor(sensorId);
    m_map->setSelectedSensor(sensorId);
}

void MainWindow::onAlertActivated(quint64, quint32 sensorId) {
    if (sensorId >= m_city.sensors.size()) return;
    m_map->centreOnSensor(sensorId);
    selectSensor(sensorId);
}

void MainWindow::processFrame() {
    m_alertBuffer.clear();
    m_pipeline.drainAlerts(m_alertBuffer);
    if (!m_alertBuffer.empty()) {
        m_alertModel->appendAlerts(m_alertBuffer);
        for (const engine::Alert& alert : m_alertBuffer) m_map->addAlert({alert.sensorId, alert.severity});
    }

    m_aggregateBuffer.clear();
    m_pipeline.drainAggregates(m_aggregateBuffer);
    m_chart->appendAggregates(m_aggregateBuffer);

    m_watchedBuffer.clear();
    m_pipeline.drainWatched(m_watchedBuffer);
    m_chart->appendReadings(m_watchedBuffer);

    m_map->updateValues(m_pipeline.latest());
    m_chart->flush();
    m_status->update(m_runner.simTimeMs(), m_pipeline.metrics(), m_alertModel->rowCount());
}

}  // namespace cityops::widgets
