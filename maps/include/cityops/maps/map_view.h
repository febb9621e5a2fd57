#pragma once

#include <QElapsedTimer>
#include <QGeoCoordinate>
#include <QHash>
#include <QImage>
#include <QLineF>
#include <QList>
#include <QPixmap>
#include <QPointF>
#include <QString>
#include <QWidget>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/latest_values.h"
#include "cityops/maps/map_layer.h"
#include "cityops/maps/map_theme.h"
#include "cityops/maps/map_viewport.h"
#include "cityops/maps/sensor_color_scale.h"
#include "cityops/simulation/city.h"

class QPainter;
class QTimer;

namespace cityops::maps {

//! An alert ring drawn around a sensor.
struct AlertMarker {
    std::uint32_t sensorId = 0;
    engine::Severity severity = engine::Severity::Warning;
};

//! The city map: our own QPainter renderer over Web Mercator (Debian's Qt 6.4 has no Qt Location).
//! Draws districts (optionally as a CO2 choropleth), roads (optionally coloured by traffic speed), an
//! air-quality heat map, sensors coloured by their latest value (grid-clustered at low zoom), alert
//! rings, a legend, a scale bar and the coordinates under the cursor; each data layer can be hidden
//! (MapLayer). Sensor values arrive in batches through updateValues(), which repaints only when the
//! LatestValues version moved.
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

    //! Mean value per district (district-id order, NaN = none) for the Districts choropleth layer.
    void setDistrictValues(std::vector<double> values);
    double districtValue(std::size_t district) const;

    void setLayerVisible(MapLayer layer, bool visible);
    bool isLayerVisible(MapLayer layer) const { return m_layers[static_cast<std::size_t>(layer)]; }
    //! Base-layer colours (background, roads, outlines, labels); data colours do not change.
    void setTheme(const MapTheme& theme);
    const MapTheme& theme() const { return m_theme; }

    void setSelectedSensor(std::optional<std::uint32_t> sensorId);
    std::optional<std::uint32_t> selectedSensor() const { return m_selected; }

    //! Shows the whole city; the view then follows resizes until the user pans or zooms.
    void fitToCity();
    //! Shows one district's polygon (an index into the city's districts); false if there is none.
    bool fitToDistrict(std::size_t district);
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
    //! Sensor marks drawn by the last paint: single sensors plus clusters.
    std::size_t lastSensorMarkCount() const { return m_lastSensorMarks; }
    //! Clusters of two or more sensors drawn by the last paint (0 at kClusterMaxZoom and above).
    std::size_t lastClusterCount() const { return m_lastClusters; }
    //! Times the heat-map image was recomputed (at most kHeatMapMaxRatePerSecond per second).
    std::uint64_t heatMapRenderCount() const { return m_heatRenders; }
    //! Wall time of the last paintEvent, in nanoseconds, and how many paints there have been.
    std::int64_t lastPaintDurationNs() const { return m_lastPaintNs; }
    std::uint64_t paintCount() const { return m_paints; }

    static constexpr double kPickRadiusPx = 6.0;
    //! Below this zoom sensors are grid-clustered.
    static constexpr double kClusterMaxZoom = 14.0;
    static constexpr double kClusterCellPx = 40.0;
    static constexpr int kHeatMapMaxRatePerSecond = 4;
    //! Cells on the longer side of the heat-map image.
    static constexpr int kHeatMapCells = 160;

signals:
    void sensorClicked(quint32 sensorId);
    //! A left click (not a drag) anywhere on the map, at this coordinate (emitted before sensorClicked).
    void mapClicked(const QGeoCoordinate& coordinate);

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
    void paintHeatMap(QPainter& painter);
    void paintSensors(QPainter& painter);
    void paintClusters(QPainter& painter, double radius);
    void recomputeHeatMap();
    //! A cluster's disc with its count, rendered once per (colour, count) and cached.
    const QPixmap& clusterBadge(std::uint8_t bucket, std::uint32_t count, const QFont& baseFont) const;
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
    std::vector<QPointF> m_roads;                           //!< pairs of zoom-0 world points
    std::vector<std::vector<std::uint32_t>> m_roadSensors;  //!< per road: its traffic sensors
    std::vector<std::uint8_t> m_roadBuckets;                //!< per road: colour bucket of the mean speed
    std::vector<double> m_districtValues;
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
    mutable std::array<QList<QLineF>, SensorColorScale::kBucketCount> m_roadPaintBuckets;
    std::array<bool, kMapLayerCount> m_layers{true, true, true, true, true};
    MapTheme m_theme = MapTheme::dark();
    mutable QHash<quint32, QPixmap> m_badgeCache;
    QImage m_heatImage;
    bool m_heatDirty = true;
    QElapsedTimer m_heatClock;
    QTimer* m_heatTimer;
    std::uint64_t m_heatRenders = 0;
    std::size_t m_lastSensorMarks = 0;
    std::size_t m_lastClusters = 0;
    std::int64_t m_lastPaintNs = 0;
    std::uint64_t m_paints = 0;
};

}  // namespace cityops::maps
