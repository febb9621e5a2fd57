// MainWindow's menus and keyboard shortcuts. Every action with a shortcut is also added to the window
// itself, so its shortcut keeps working in wall mode, where the menu bar is hidden.
#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QMenuBar>
#include <cmath>

#include "cityops/maps/map_view.h"
#include "cityops/widgets/main_window.h"
#include "cityops/widgets/simulation_panel.h"
#include "cityops/widgets/sql_console/sql_console_window.h"
#include "cityops/widgets/wall_mode.h"
#include "cityops/widgets/workspace/workspace_window.h"

namespace cityops::widgets {

namespace {

constexpr double kZoomStep = 1.0;

}  // namespace

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* settingsAction = file->addAction(tr("&Settings…"));
    settingsAction->setObjectName(QStringLiteral("settingsAction"));
    settingsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(settingsAction, &QAction::triggered, this, [this] { openSettingsDialog(); });
    QAction* workspaceAction = file->addAction(tr("Open retail &workspace…"));
    workspaceAction->setObjectName(QStringLiteral("workspaceAction"));
    connect(workspaceAction, &QAction::triggered, this, [this] {
        auto* workspace = new workspace::WorkspaceWindow(this);
        workspace->setWindowFlag(Qt::Window);
        workspace->setAttribute(Qt::WA_DeleteOnClose);
        connect(workspace, &workspace::WorkspaceWindow::sqlConsoleRequested, this, [this, workspace] {
            sql_console::SqlConsoleWindow::showFor(this, QString::fromStdString(m_jobs.dataDir().string()))
                ->publishWorkspace(*workspace);
        });
        workspace->show();
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    createViewMenu();

    QMenu* alerts = menuBar()->addMenu(tr("&Alerts"));
    createNavigationActions(*alerts);

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
    addAction(pause);
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

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    QAction* sqlConsole = tools->addAction(tr("&SQL console"));
    sqlConsole->setObjectName(QStringLiteral("sqlConsoleAction"));
    sqlConsole->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q));
    connect(sqlConsole, &QAction::triggered, this, [this] {
        sql_console::SqlConsoleWindow::showFor(this, QString::fromStdString(m_jobs.dataDir().string()));
    });
    addAction(sqlConsole);
}

void MainWindow::createViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_chartDock->toggleViewAction());
    view->addAction(m_alertDock->toggleViewAction());
    view->addAction(m_layerDock->toggleViewAction());
    if (auto* simulationDock = qobject_cast<QDockWidget*>(m_simulationPanel->parentWidget())) {
        QAction* toggle = simulationDock->toggleViewAction();  // the trainer's Simulation panel
        toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
        view->addAction(toggle);
    }
    view->addSeparator();

    QMenu* themeMenu = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    themes->setExclusive(true);
    const std::pair<Theme, QString> choices[] = {{Theme::Dark, tr("&Dark (control room)")},
                                                 {Theme::Light, tr("&Light")}};
    for (const auto& [theme, title] : choices) {
        QAction* action = themeMenu->addAction(title);
        action->setObjectName(QStringLiteral("themeAction_%1").arg(themeId(theme)));
        action->setCheckable(true);
        action->setChecked(m_settings->theme() == theme);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [this, t = theme] { m_settings->setTheme(t); });
        connect(this, &MainWindow::settingApplied, action, [this, action, t = theme](ConsoleSettings::Key key) {
            if (key == ConsoleSettings::Key::Theme) action->setChecked(m_settings->theme() == t);
        });
    }
    view->addSeparator();

    QAction* fit = view->addAction(tr("&Fit city"));
    fit->setObjectName(QStringLiteral("fitCityAction"));
    fit->setShortcuts({QKeySequence(Qt::Key_F), QKeySequence(Qt::CTRL | Qt::Key_0)});
    connect(fit, &QAction::triggered, m_map, &maps::MapView::fitToCity);
    QAction* zoomIn = view->addAction(tr("Zoom &in"));
    zoomIn->setObjectName(QStringLiteral("zoomInAction"));
    zoomIn->setShortcuts({QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal), QKeySequence::ZoomIn});
    connect(zoomIn, &QAction::triggered, this, [this] { m_map->setZoom(m_map->zoom() + kZoomStep); });
    QAction* zoomOut = view->addAction(tr("Zoom &out"));
    zoomOut->setObjectName(QStringLiteral("zoomOutAction"));
    zoomOut->setShortcuts({QKeySequence(Qt::Key_Minus), QKeySequence::ZoomOut});
    connect(zoomOut, &QAction::triggered, this, [this] { m_map->setZoom(m_map->zoom() - kZoomStep); });
    view->addSeparator();

    QAction* wall = view->addAction(tr("&Wall mode"));
    wall->setObjectName(QStringLiteral("wallModeAction"));
    wall->setCheckable(true);
    wall->setShortcut(QKeySequence(Qt::Key_F11));
    connect(wall, &QAction::toggled, m_wallMode, &WallMode::setActive);
    QAction* leaveWall = new QAction(tr("Leave wall mode"), this);
    leaveWall->setObjectName(QStringLiteral("leaveWallModeAction"));
    leaveWall->setShortcut(QKeySequence(Qt::Key_Escape));
    leaveWall->setEnabled(false);
    connect(leaveWall, &QAction::triggered, m_wallMode, &WallMode::leave);
    connect(m_wallMode, &WallMode::activeChanged, this, [wall, leaveWall](bool active) {
        wall->setChecked(active);
        leaveWall->setEnabled(active);
    });
    QAction* reset = view->addAction(tr("&Reset layout"));
    connect(reset, &QAction::triggered, this, &MainWindow::resetLayout);
    addActions({fit, zoomIn, zoomOut, wall, leaveWall});
}

void MainWindow::createNavigationActions(QMenu& menu) {
    QAction* next = menu.addAction(tr("&Next alert"));
    next->setObjectName(QStringLiteral("nextAlertAction"));
    next->setShortcuts({QKeySequence(Qt::Key_J), QKeySequence(Qt::Key_N)});
    connect(next, &QAction::triggered, this, [this] { stepAlert(+1); });
    QAction* previous = menu.addAction(tr("&Previous alert"));
    previous->setObjectName(QStringLiteral("previousAlertAction"));
    previous->setShortcuts({QKeySequence(Qt::Key_K), QKeySequence(Qt::Key_P)});
    connect(previous, &QAction::triggered, this, [this] { stepAlert(-1); });
    QAction* centre = menu.addAction(tr("&Centre map on alert"));
    centre->setObjectName(QStringLiteral("centreAlertAction"));
    centre->setShortcut(QKeySequence(Qt::Key_C));
    connect(centre, &QAction::triggered, this, &MainWindow::centreOnCurrentAlert);
    addActions({next, previous, centre});
}

}  // namespace cityops::widgets
