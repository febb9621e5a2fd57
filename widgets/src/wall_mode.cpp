#include "cityops/widgets/wall_mode.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>
#include <algorithm>

#include "cityops/maps/map_view.h"

namespace cityops::widgets {

namespace {

constexpr int kWallStateVersion = 7001;

}  // namespace

WallMode::WallMode(QMainWindow& window, maps::MapView& map, QDockWidget& chartDock, QObject* parent)
    : QObject(parent), m_window(window), m_map(map), m_chartDock(chartDock), m_cycle(new QTimer(this)) {
    connect(m_cycle, &QTimer::timeout, this, &WallMode::advance);
}

void WallMode::setCycleSeconds(int seconds) {
    m_cycleSeconds = std::max(1, seconds);
    if (m_cycle->isActive()) m_cycle->start(m_cycleSeconds * 1000);
}

void WallMode::enter() {
    if (m_active) return;
    m_savedState = m_window.saveState(kWallStateVersion);
    m_savedWindowState = m_window.windowState();
    m_savedCentre = m_map.centre();
    m_savedZoom = m_map.zoom();
    m_active = true;
    m_window.menuBar()->hide();
    m_window.statusBar()->hide();
    m_window.showFullScreen();
    showView(WallView::City);
    m_cycle->start(m_cycleSeconds * 1000);
    emit activeChanged(true);
}

void WallMode::leave() {
    if (!m_active) return;
    m_active = false;
    m_cycle->stop();
    m_map.show();
    m_window.restoreState(m_savedState, kWallStateVersion);
    m_window.menuBar()->show();
    m_window.statusBar()->show();
    m_window.setWindowState(m_savedWindowState);
    m_map.centreOn(m_savedCentre);
    m_map.setZoom(m_savedZoom);
    emit activeChanged(false);
}

void WallMode::showView(WallView view) {
    if (!m_active) return;
    if (view == WallView::IncidentDistrict && !m_district) view = WallView::Chart;
    m_view = view;
    const QList<QDockWidget*> docks = m_window.findChildren<QDockWidget*>(Qt::FindDirectChildrenOnly);
    if (view == WallView::Chart) {
        for (QDockWidget* dock : docks) dock->setVisible(dock == &m_chartDock);
        m_chartDock.setFloating(false);
        m_map.hide();
        return;
    }
    for (QDockWidget* dock : docks) dock->hide();
    m_map.show();
    if (view == WallView::City || !m_map.fitToDistrict(*m_district)) m_map.fitToCity();
}

void WallMode::advance() {
    switch (m_view) {
        case WallView::City:
            showView(m_district ? WallView::IncidentDistrict : WallView::Chart);
            break;
        case WallView::IncidentDistrict:
            showView(WallView::Chart);
            break;
        case WallView::Chart:
            showView(WallView::City);
            break;
    }
}

}  // namespace cityops::widgets
