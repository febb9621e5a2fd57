#include "cityops/widgets/demo_director.h"

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEvent>
#include <QLabel>
#include <QLoggingCategory>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <variant>

#include "cityops/connectors/audit/audit_log.h"
#include "cityops/maps/map_view.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_workflow.h"
#include "cityops/widgets/main_window.h"
#include "cityops/widgets/wall_mode.h"

namespace cityops::widgets {

namespace {

Q_LOGGING_CATEGORY(lcDemo, "cityops.demo")

constexpr int kTickMs = 250;
constexpr int kStepsPerTick = 3;  //!< lifecycle steps per tick: the queue moves, one row at a time
constexpr std::int64_t kTailMs = 5 * 60'000;
constexpr std::int64_t kQuietSpanMs = 30 * 60'000;
constexpr int kWallCycleOffSeconds = 24 * 3600;  //!< the director cycles the views, not WallMode

using engine::storage::AlertState;

//! The service the demo operator assigns an alert of this rule to.
QString serviceFor(engine::AlertRule rule) {
    switch (rule) {
        case engine::AlertRule::EmergencyConfirmed:
            return QStringLiteral("Fire Department");
        case engine::AlertRule::TrafficJam:
        case engine::AlertRule::Co2High:
            return QStringLiteral("Traffic Control");
        case engine::AlertRule::EnergyAnomaly:
        case engine::AlertRule::EnergyOutage:
        case engine::AlertRule::HeatStress:
            return QStringLiteral("Energy Company");
        default:
            return QStringLiteral("Police");
    }
}

}  // namespace

//! One scenario on the wall: its city, jobs, runner and window (destroyed in reverse order: the
//! window first, then the runner is stopped and joined, then the jobs).
struct DemoDirector::Stage {
    simulation::Scenario scenario;
    simulation::City city;
    std::unique_ptr<simulation::LiveJobs> jobs;
    std::unique_ptr<simulation::LiveRunner> runner;
    std::unique_ptr<MainWindow> window;
    QLabel* banner = nullptr;
};

DemoDirector::DemoDirector(DemoOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_tickTimer(new QTimer(this)), m_viewTimer(new QTimer(this)) {
    if (m_options.playlist.isEmpty()) m_options.playlist = defaultPlaylist();
    if (m_options.dataDir.isEmpty()) {
        m_tempDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/cityops-demo-XXXXXX"));
        m_dataDir = m_tempDir->path();
    } else {
        m_dataDir = m_options.dataDir;
        QDir().mkpath(m_dataDir);
    }
    if (m_options.isolateSettings) {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dataDir + QStringLiteral("/settings"));
    }
    QElapsedTimer started;
    started.start();
    m_clock = [started] { return started.elapsed(); };
    connect(m_tickTimer, &QTimer::timeout, this, &DemoDirector::tick);
    connect(m_viewTimer, &QTimer::timeout, this, &DemoDirector::nextView);
}

DemoDirector::~DemoDirector() {
    if (m_stage && m_stage->window) m_stage->window->removeEventFilter(this);
    m_stage.reset();
    m_audit.reset();
}

QStringList DemoDirector::defaultPlaylist() {
    return {QStringLiteral("fire-podil"), QStringLiteral("co2-episode"), QStringLiteral("rush-hour-accident"),
            QStringLiteral("heat-wave-substation")};
}

std::int64_t DemoDirector::stageSpanMs(const simulation::Scenario& scenario) {
    std::int64_t lastEnd = -1;
    for (const simulation::Incident& incident : scenario.incidents)
        lastEnd = std::max(lastEnd, incident.startOffsetMs + incident.durationMs);
    if (lastEnd < 0) return std::min(scenario.defaultDurationMs, kQuietSpanMs);
    return std::min(scenario.defaultDurationMs, lastEnd + kTailMs);
}

double DemoDirector::automaticSpeed(const simulation::Scenario& scenario, double stageSeconds) {
    const double seconds = static_cast<double>(stageSpanMs(scenario)) / 1000.0;
    return std::clamp(seconds / std::max(1.0, stageSeconds), 1.0, 100000.0);
}

void DemoDirector::setClock(std::function<qint64()> clock) {
    m_clock = std::move(clock);
    if (m_stage) m_stage->window->alertWorkflow().setClock(m_clock);
}

qint64 DemoDirector::now() const { return m_clock(); }

QString DemoDirector::start() {
    auto audit = connectors::audit::AuditLog::open(m_dataDir.toStdString());
    if (!audit) return tr("Cannot open the demo's audit log in %1: %2").arg(m_dataDir, QString::fromStdString(audit.error()));
    m_audit = std::move(*audit);
    if (const QString error = startStage(0); !error.isEmpty()) return error;
    m_running = true;
    if (m_options.timers) {
        m_tickTimer->start(kTickMs);
        m_viewTimer->start(std::max(1, m_options.viewSeconds) * 1000);
    }
    return {};
}

QString DemoDirector::startStage(int index) {
    const QString name = m_options.playlist.at(index);
    auto loaded = simulation::loadScenario(name.toStdString());
    if (const auto* error = std::get_if<simulation::ScenarioError>(&loaded))
        return tr("Demo scenario \"%1\": %2").arg(name, QString::fromStdString(error->message));

    auto stage = std::make_unique<Stage>();
    stage->scenario = std::get<simulation::Scenario>(std::move(loaded));
    stage->city = simulation::generateDemoCity(stage->scenario.seed, stage->scenario.sensorCount);
    simulation::LiveJobsOptions jobsOptions;  // in memory: every pass over the playlist starts afresh
    jobsOptions.workers = m_options.workers;
    auto jobs = simulation::LiveJobs::start(stage->city, stage->scenario, jobsOptions);
    if (!jobs) return tr("Demo scenario \"%1\": %2").arg(name, QString::fromStdString(jobs.error()));
    stage->jobs = std::move(*jobs);
    stage->runner = std::make_unique<simulation::LiveRunner>(stage->city, stage->scenario, *stage->jobs);
    m_speed = m_options.speed > 0.0 ? m_options.speed : automaticSpeed(stage->scenario, m_options.stageSeconds);
    stage->runner->setSpeed(m_speed);
    stage->window = std::make_unique<MainWindow>(stage->city, stage->scenario, *stage->jobs, *stage->runner);

    // The previous scenario leaves only once the next one is on the wall.
    std::unique_ptr<Stage> previous = std::move(m_stage);
    m_stage = std::move(stage);
    m_stageIndex = index;
    decorate(*m_stage);
    m_stage->runner->start();
    if (previous) {
        previous->window->removeEventFilter(this);
        disconnect(&previous->window->wallMode(), nullptr, this, nullptr);
        previous->window->hide();
        previous.reset();
    }
    showView(DemoView::CityMap);
    if (m_viewTimer->isActive()) m_viewTimer->start();
    qCInfo(lcDemo, "demo: scenario %d/%d %s at x%.0f", index + 1, static_cast<int>(m_options.playlist.size()),
           qPrintable(name), m_speed);
    emit stageStarted(index, name);
    return {};
}

void DemoDirector::decorate(Stage& stage) {
    MainWindow& window = *stage.window;
    AlertWorkflow& workflow = window.alertWorkflow();
    workflow.setOperatorName(QString::fromLatin1(kOperator));
    workflow.setAuditLog(m_audit.get());
    workflow.setClock(m_clock);
    workflow.setBeepEnabled(false);

    window.show();
    window.wallMode().setCycleSeconds(kWallCycleOffSeconds);
    window.wallMode().enter();
    // Esc leaves wall mode (the window's own shortcut): in the demo that ends the demo.
    connect(&window.wallMode(), &WallMode::activeChanged, this, [this](bool active) {
        if (!active) stop(0);
    });
    auto* quit = new QAction(tr("Quit the demo"), &window);
    quit->setObjectName(QStringLiteral("demoQuitAction"));
    quit->setShortcut(QKeySequence::Quit);  // the menu's Quit is out of reach: the menu bar is hidden
    connect(quit, &QAction::triggered, this, [this] { stop(0); });
    window.addAction(quit);
    window.installEventFilter(this);

    stage.banner = new QLabel(&window);
    stage.banner->setObjectName(QStringLiteral("demoBanner"));
    stage.banner->setText(tr("DEMO · %1 · %2/%3 · Esc to quit")
                              .arg(QString::fromStdString(stage.scenario.name))
                              .arg(m_stageIndex + 1)
                              .arg(m_options.playlist.size()));
    stage.banner->setStyleSheet(QStringLiteral(
        "QLabel { background: rgba(0, 0, 0, 120); color: rgba(255, 255, 255, 210); padding: 3px 10px;"
        " border-radius: 4px; font-weight: bold; }"));
    stage.banner->setAttribute(Qt::WA_TransparentForMouseEvents);
    stage.banner->adjustSize();
    placeBanner();
    stage.banner->show();
}

void DemoDirector::placeBanner() {
    if (!m_stage || !m_stage->banner) return;
    QLabel& banner = *m_stage->banner;
    banner.move(std::max(0, m_stage->window->width() - banner.width() - 12), 12);
    banner.raise();
}

bool DemoDirector::eventFilter(QObject* watched, QEvent* event) {
    if (m_stage && watched == m_stage->window.get()) {
        if (event->type() == QEvent::Resize) placeBanner();
        if (event->type() == QEvent::Close) stop(0);
    }
    return QObject::eventFilter(watched, event);
}

void DemoDirector::stop(int exitCode) {
    m_tickTimer->stop();
    m_viewTimer->stop();
    if (m_stage) m_stage->runner->stop();
    m_running = false;
    if (m_finished) return;
    m_finished = true;
    qCInfo(lcDemo, "demo: finished after %d scenario(s)", m_stagesPlayed);
    emit finished(exitCode);
}

void DemoDirector::tick() {
    advanceAlerts();
    checkStageEnd();
}

int DemoDirector::advanceAlerts() {
    if (!m_stage) return 0;
    AlertModel& model = m_stage->window->alertModel();
    AlertWorkflow& workflow = m_stage->window->alertWorkflow();
    const qint64 at = now();
    int steps = 0;
    for (int row = 0; row < model.rowCount() && steps < kStepsPerTick; ++row) {
        const AlertLifecycle& life = model.lifecycleAt(row);
        const engine::Alert& alert = model.alertAt(row);
        const qint64 age = at - life.arrivedAtMs;
        QString refused;
        switch (life.state) {
            case AlertState::New:
                if (age < m_options.acknowledgeAfterMs) continue;
                refused = workflow.acknowledge(alert.id, tr("Seen on the wall (demo)"));
                break;
            case AlertState::Acknowledged:
                if (age < m_options.assignAfterMs) continue;
                refused = workflow.assign(alert.id, serviceFor(alert.rule));
                break;
            case AlertState::Assigned:
                if (age < m_options.dispatchAfterMs) continue;
                refused = workflow.dispatch(alert.id);
                break;
            case AlertState::Dispatched:
                if (age < m_options.resolveAfterMs) continue;
                refused = workflow.resolve(alert.id, QStringLiteral("Handled"), tr("Closed by the demo"));
                break;
            case AlertState::Resolved:
                continue;
        }
        if (!refused.isEmpty()) {
            qCWarning(lcDemo, "demo: alert %llu: %s", static_cast<unsigned long long>(alert.id), qPrintable(refused));
            continue;
        }
        ++steps;
    }
    return steps;
}

bool DemoDirector::checkStageEnd() {
    if (!m_stage || !m_running) return false;
    if (m_stage->runner->simTimeMs() < m_stage->scenario.startTimeMs + stageSpanMs(m_stage->scenario)) return false;
    nextStage();
    return true;
}

void DemoDirector::nextStage() {
    if (!m_stage) return;
    const AlertModel& model = m_stage->window->alertModel();
    int resolved = 0;
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.lifecycleAt(row).state == AlertState::Resolved) ++resolved;
    qCInfo(lcDemo, "demo: scenario %s done: %d alert(s), %d resolved", qPrintable(scenarioName()), model.rowCount(),
           resolved);
    ++m_stagesPlayed;
    if (m_options.exitAfterStages > 0 && m_stagesPlayed >= m_options.exitAfterStages) {
        stop(0);
        return;
    }
    const int next = (m_stageIndex + 1) % static_cast<int>(m_options.playlist.size());
    if (const QString error = startStage(next); !error.isEmpty()) {
        qCCritical(lcDemo, "%s", qPrintable(error));
        stop(1);
    }
}

void DemoDirector::nextView() {
    if (!m_stage) return;
    const bool hasDistrict = m_stage->window->incidentDistrict().has_value();
    switch (m_view) {
        case DemoView::CityMap:
            showView(hasDistrict ? DemoView::IncidentMap : DemoView::Chart);
            break;
        case DemoView::IncidentMap:
            showView(DemoView::Chart);
            break;
        case DemoView::Chart:
            showView(DemoView::Alerts);
            break;
        case DemoView::Alerts:
            showView(DemoView::CityMap);
            break;
    }
}

void DemoDirector::showView(DemoView view) {
    if (!m_stage) return;
    MainWindow& window = *m_stage->window;
    WallMode& wall = window.wallMode();
    if (view == DemoView::IncidentMap && !window.incidentDistrict()) view = DemoView::Chart;
    m_view = view;
    switch (view) {
        case DemoView::CityMap:
            wall.showView(WallView::City);
            break;
        case DemoView::IncidentMap:
            wall.showView(WallView::IncidentDistrict);
            break;
        case DemoView::Chart: {
            // Follow the newest alert's sensor, so the chart shows what the alerts are about.
            const AlertModel& model = window.alertModel();
            if (model.rowCount() > 0) window.selectSensor(model.alertAt(model.rowCount() - 1).sensorId);
            wall.showView(WallView::Chart);
            break;
        }
        case DemoView::Alerts:
            wall.showView(WallView::Chart);  // map hidden, docks hidden but the chart's
            window.chartDock().hide();
            window.alertDock().setFloating(false);
            window.alertDock().show();
            break;
    }
    placeBanner();
    emit viewChanged(view);
}

QString DemoDirector::scenarioName() const {
    return m_stage ? QString::fromStdString(m_stage->scenario.name) : QString();
}

MainWindow* DemoDirector::window() const { return m_stage ? m_stage->window.get() : nullptr; }

}  // namespace cityops::widgets
