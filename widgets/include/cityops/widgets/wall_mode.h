#pragma once

#include <QByteArray>
#include <QGeoCoordinate>
#include <QObject>
#include <cstddef>
#include <optional>

class QDockWidget;
class QMainWindow;
class QTimer;

namespace cityops::maps {
class MapView;
}

namespace cityops::widgets {

//! A view shown on the video wall, in cycling order.
enum class WallView { City, IncidentDistrict, Chart };

//! Full-screen wall (kiosk) mode of the main window: menus, status bar and docks hidden, cycling
//! every few seconds between the whole city, the incident district and the live chart. leave()
//! restores the window, docks and map camera exactly as they were.
class WallMode : public QObject {
    Q_OBJECT

public:
    WallMode(QMainWindow& window, maps::MapView& map, QDockWidget& chartDock, QObject* parent = nullptr);

    //! The district shown by the IncidentDistrict view; without one that view is skipped.
    void setIncidentDistrict(std::optional<std::size_t> district) { m_district = district; }
    void setCycleSeconds(int seconds);
    int cycleSeconds() const { return m_cycleSeconds; }

    void enter();
    void leave();
    void setActive(bool active) { active ? enter() : leave(); }
    bool isActive() const { return m_active; }

    WallView currentView() const { return m_view; }
    void showView(WallView view);
    //! Moves to the next view (what the cycle timer does).
    void advance();

signals:
    void activeChanged(bool active);

private:
    QMainWindow& m_window;
    maps::MapView& m_map;
    QDockWidget& m_chartDock;
    QTimer* m_cycle;
    std::optional<std::size_t> m_district;
    int m_cycleSeconds = 15;
    bool m_active = false;
    WallView m_view = WallView::City;
    QByteArray m_savedState;
    Qt::WindowStates m_savedWindowState;
    QGeoCoordinate m_savedCentre;
    double m_savedZoom = 0.0;
};

}  // namespace cityops::widgets
