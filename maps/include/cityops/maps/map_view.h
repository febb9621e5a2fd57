#pragma once

#include <QGeoCoordinate>
#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/latest_values.h"
#include "cityops/maps/map_viewport.h"
#include "cityops/maps/sensor_color_scale.h"
#include "cityops/simulation/city.h"

class QPainter;

namespace cityops::maps {

//! An alert ring drawn around a sensor.
struct AlertMarker {
    std::uint32_t sensorId = 0;
    engine::Severity severity = engine::Severity::Warning;
};

//! The city map: our own QPainter renderer over Web Mercator (Debian's Qt 6.4 has no Qt Location).
//! Draws districts, roads, sensors coloured by their latest value, alert rings, a legend, a scale
//! bar and the coordinates under the cursor. Sensor values arrive in batches through
//! updateValues(), which repaints only when the LatestValues version moved.
class MapView : public QWidget {
    Q_OBJECT

public:
    explicit MapView(QWidget* parent = nullptr);

    //! Takes the city's geometry and sensor registry (copied and projected once) and fits the view.
    void setCity(const simulation::City& city);
    std::uint32_t sensorCount() const { return static_cast<std::uint32_t>(m_sensors.size()); }

    //! Copies the latest sensor values if their version changed; returns whether it did (and repainted).
    bool updateValues(const engine::LatestValues& latest);
    //! The value shown for a sensor (NaN before its first report).
    double sensorValue(std::uint32_t sensorId) const;

    void setAlerts(const std::vector<AlertMarker>& markers);
    //! Adds a ring at a sensor, keeping the highest severity per sensor.
    void addAlert(const AlertMarker& marker);
    void clearAlerts();
    std::size_t alertMarkerCount() const;

    void setSelectedSensor(std::optional<std::uint32_t> sensorId);
    std::optional<std::uint32_t> selectedSensor() const { return m_selected; }

    //! Shows the whole city; the view then follows resizes until the user pans or zooms.
    void fitToCity();
    void centreOn(const QGeoCoordinate& coordinate);
    void centreOnSensor(std::uint32_t sensorId);
    double zoom() const { return vp().zoom(); }
    //! Zooms about a widget position (the view centre when none is given).
    void setZoom(double zoom, std::optional<QPointF> anchor = std::nullopt);
    QGeoCoordinate centre() const { return vp().centre(); }
    const MapViewport& viewport() const { return vp(); }

    //! Widget position of a sensor in the current view.
    QPointF sensorScreenPosition(std::uint32_t sensorId) const;
    //! The sensor nearest to a widget position within radiusPx, if any.
    std::optional<std::uint32_t> sensorAt(QPointF position, double radiusPx = kPickRadiusPx) const;
    //! Number of times the values changed the picture (for tests and the frame statistics).
    std::uint64_t valueRepaintCount() const { return m_valueRepaints; }

    static constexpr double kPickRadiusPx = 6.0;

signals:
    void sensorClicked(quint32 sensorId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct SensorPoint {
        QPointF world;  //!< zoom-0 world pixel
        engine::SensorKind kind = engine::SensorKind::Traffic;
        std::uint8_t bucket = 0;
    };
    struct DistrictShape {
        QString name;
        std::vector<QPointF> polygon;  //!< zoom-0 world pixels
        QPointF centre;
    };

    void paintDistricts(QPainter& painter) const;
    void paintRoads(QPainter& painter) const;
    void paintSensors(QPainter& painter) const;
    void paintAlerts(QPainter& painter) const;
    void paintSelection(QPainter& painter) const;
    void paintOverlays(QPainter& painter) const;
    double sensorRadiusPx() const;
    void panBy(QPointF screenDelta);
    //! The camera, sized to the widget (a hidden widget gets its resize event only when shown) and
    //! refitted to the city on a size change until the user moves the view.
    MapViewport& vp();
    void syncViewport() const;
    const MapViewport& vp() const;

    mutable MapViewport m_viewport;
    std::vector<DistrictShape> m_districts;
    std::vector<QPointF> m_roads;  //!< pairs of zoom-0 world points
    std::vector<SensorPoint> m_sensors;
    std::vector<double> m_values;
    std::vector<std::int8_t> m_alertSeverity;  //!< per sensor: -1 = none, else engine::Severity
    std::vector<std::uint32_t> m_alertSensors;
    QRectF m_cityWorld;
    std::optional<std::uint32_t> m_selected;
    std::optional<std::uint64_t> m_valuesVersion;
    std::uint64_t m_valueRepaints = 0;
    std::optional<QPointF> m_cursor;
    QPointF m_pressPos;
    QPointF m_lastDragPos;
    bool m_dragging = false;
    bool m_pressed = false;
    bool m_autoFit = true;  //!< follow resizes with fitToCity() until the user moves the view
    mutable std::array<QList<QPointF>, SensorColorScale::kBucketCount> m_paintBuckets;
};

}  // namespace cityops::maps
