#include "cityops/maps/map_view.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>
#include <QWheelEvent>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "cityops/maps/sensor_color_scale.h"
#include "cityops/maps/web_mercator.h"
#include "map_overlays.h"

namespace cityops::maps {

namespace {

constexpr double kClickSlopPx = 4.0;
constexpr double kKeyPanPx = 80.0;
constexpr double kWheelZoomPerNotch = 0.5;
constexpr double kFitMarginPx = 24.0;
const QColor kSelection(0x3d, 0xa5, 0xff);

QPointF toWorld(const simulation::GeoPoint& p) {
    return mercator::project(QGeoCoordinate(p.lat, p.lon), 0.0);
}

//! The heat-map contribution of a CO2 value, quantised: 0 at or below "good" (or no value), kHeatLevels
//! at "bad" and above. Values in one level change nothing visible, so they do not dirty the heat map.
int heatLevel(double ppm) {
    constexpr int kHeatLevels = 32;
    if (std::isnan(ppm)) return 0;
    const ColorStops stops = SensorColorScale::stops(engine::SensorKind::AirQuality);
    const double t = (ppm - stops.good) / (stops.bad - stops.good);
    return std::clamp(static_cast<int>(std::lround(t * kHeatLevels)), 0, kHeatLevels);
}

}  // namespace

MapView::MapView(QWidget* parent) : QWidget(parent), m_heatTimer(new QTimer(this)) {
    m_heatTimer->setSingleShot(true);
    connect(m_heatTimer, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    setMouseTracking(true);
    setFocusPolicy(Qt::WheelFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
}

void MapView::syncViewport() const {
    if (m_viewport.size() == QSizeF(size())) return;
    m_viewport.setSize(size());
    if (m_autoFit && !m_cityWorld.isNull()) m_viewport.fitWorld(m_cityWorld, kFitMarginPx);
}

MapViewport& MapView::vp() {
    syncViewport();
    return m_viewport;
}

const MapViewport& MapView::vp() const {
    syncViewport();
    return m_viewport;
}

void MapView::setCity(const simulation::City& city) {
    m_districts.clear();
    m_roads.clear();
    m_sensors.clear();
    m_cityWorld = QRectF();

    auto extend = [this](QPointF p) {
        const QRectF point(p, QSizeF(1e-9, 1e-9));
        m_cityWorld = m_cityWorld.isNull() ? point : m_cityWorld.united(point);
    };
    for (const simulation::District& district : city.districts) {
        DistrictShape shape;
        shape.name = QString::fromStdString(district.name);
        shape.centre = toWorld(district.centre);
        for (const simulation::GeoPoint& p : district.polygon) {
            shape.polygon.push_back(toWorld(p));
            extend(shape.polygon.back());
        }
        m_districts.push_back(std::move(shape));
    }
    m_roads.reserve(city.roads.size() * 2);
    for (const simulation::RoadSegment& road : city.roads) {
        m_roads.push_back(toWorld(road.from));
        m_roads.push_back(toWorld(road.to));
    }
    m_roadSensors.assign(city.roads.size(), {});
    m_roadBuckets.assign(city.roads.size(), SensorColorScale::kNoValueBucket);
    m_districtValues.assign(city.districts.size(), std::numeric_limits<double>::quiet_NaN());
    m_sensors.reserve(city.sensors.size());
    for (const simulation::Sensor& sensor : city.sensors) {
        m_sensors.push_back({toWorld(sensor.position), sensor.kind, SensorColorScale::kNoValueBucket});
        extend(m_sensors.back().world);
        if (sensor.kind == engine::SensorKind::Traffic && sensor.roadSegmentId >= 0 &&
            static_cast<std::size_t>(sensor.roadSegmentId) < m_roadSensors.size())
            m_roadSensors[static_cast<std::size_t>(sensor.roadSegmentId)].push_back(sensor.id);
    }
    m_heatImage = QImage();
    m_heatDirty = true;
    m_values.assign(m_sensors.size(), std::numeric_limits<double>::quiet_NaN());
    m_alertSeverity.assign(m_sensors.size(), -1);
    m_alertSensors.clear();
    m_selected.reset();
    m_valuesVersion.reset();
    fitToCity();
}

bool MapView::updateValues(const engine::LatestValues& latest) {
    const std::uint64_t version = latest.version();
    if (m_valuesVersion && *m_valuesVersion == version) return false;
    m_valuesVersion = version;
    const std::uint32_t n = std::min<std::uint32_t>(latest.size(), sensorCount());
    bool changed = false;
    bool heatChanged = false;
    for (std::uint32_t i = 0; i < n; ++i) {
        const double value = latest.value(i);
        SensorPoint& sensor = m_sensors[i];
        const auto bucket = static_cast<std::uint8_t>(SensorColorScale::bucket(sensor.kind, value));
        changed = changed || bucket != sensor.bucket;
        sensor.bucket = bucket;
        if (sensor.kind == engine::SensorKind::AirQuality && heatLevel(value) != heatLevel(m_values[i]))
            heatChanged = true;
        m_values[i] = value;
    }
    for (std::size_t road = 0; road < m_roadSensors.size(); ++road) {
        double sum = 0.0;
        int count = 0;
        for (std::uint32_t sensorId : m_roadSensors[road]) {
            if (std::isnan(m_values[sensorId])) continue;
            sum += m_values[sensorId];
            ++count;
        }
        const double mean = count == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / count;
        const auto bucket = static_cast<std::uint8_t>(SensorColorScale::bucket(engine::SensorKind::Traffic, mean));
        changed = changed || bucket != m_roadBuckets[road];
        m_roadBuckets[road] = bucket;
    }
    m_heatDirty = m_heatDirty || heatChanged;
    changed = changed || (heatChanged && isLayerVisible(MapLayer::HeatMap));
    if (changed) {
        ++m_valueRepaints;
        update();
    }
    return true;
}

double MapView::sensorValue(std::uint32_t sensorId) const {
    return sensorId < m_values.size() ? m_values[sensorId] : std::numeric_limits<double>::quiet_NaN();
}

void MapView::setAlerts(const std::vector<AlertMarker>& markers) {
    std::fill(m_alertSeverity.begin(), m_alertSeverity.end(), std::int8_t{-1});
    m_alertSensors.clear();
    for (const AlertMarker& marker : markers) addAlert(marker);
    update();
}

void MapView::addAlert(const AlertMarker& marker) {
    if (marker.sensorId >= m_alertSeverity.size()) return;
    std::int8_t& slot = m_alertSeverity[marker.sensorId];
    const auto severity = static_cast<std::int8_t>(marker.severity);
    if (slot < 0) m_alertSensors.push_back(marker.sensorId);
    if (severity > slot) {
        slot = severity;
        update();
    }
}

void MapView::clearAlerts() {
    setAlerts({});
}

std::size_t MapView::alertMarkerCount() const {
    return m_alertSensors.size();
}

void MapView::setDistrictValues(std::vector<double> values) {
    values.resize(m_districts.size(), std::numeric_limits<double>::quiet_NaN());
    m_districtValues = std::move(values);
    if (isLayerVisible(MapLayer::Districts)) update();
}

double MapView::districtValue(std::size_t district) const {
    return district < m_districtValues.size() ? m_districtValues[district] : std::numeric_limits<double>::quiet_NaN();
}

void MapView::setLayerVisible(MapLayer layer, bool visible) {
    bool& slot = m_layers[static_cast<std::size_t>(layer)];
    if (slot == visible) return;
    slot = visible;
    update();
}

void MapView::setTheme(const MapTheme& theme) {
    m_theme = theme;
    update();
}

void MapView::setSelectedSensor(std::optional<std::uint32_t> sensorId) {
    if (sensorId && *sensorId >= sensorCount()) sensorId.reset();
    if (m_selected == sensorId) return;
    m_selected = sensorId;
    update();
}

void MapView::fitToCity() {
    if (m_cityWorld.isNull()) return;
    m_autoFit = true;
    vp().fitWorld(m_cityWorld, kFitMarginPx);
    update();
}

bool MapView::fitToDistrict(std::size_t district) {
    if (district >= m_districts.size() || m_districts[district].polygon.empty()) return false;
    QRectF bounds;
    for (const QPointF& p : m_districts[district].polygon) {
        const QRectF point(p, QSizeF(1e-9, 1e-9));
        bounds = bounds.isNull() ? point : bounds.united(point);
    }
    m_autoFit = false;
    vp().fitWorld(bounds, kFitMarginPx);
    update();
    return true;
}

void MapView::panBy(QPointF screenDelta) {
    m_autoFit = false;
    vp().panBy(screenDelta);
    update();
}

void MapView::centreOn(const QGeoCoordinate& coordinate) {
    m_autoFit = false;
    vp().setCentre(coordinate);
    update();
}

void MapView::centreOnSensor(std::uint32_t sensorId) {
    if (sensorId >= sensorCount()) return;
    m_autoFit = false;
    vp().setCentreWorld(m_sensors[sensorId].world);
    update();
}

void MapView::setZoom(double zoom, std::optional<QPointF> anchor) {
    m_autoFit = false;
    const QPointF centre(width() / 2.0, height() / 2.0);
    vp().zoomAbout(anchor.value_or(centre), zoom);
    update();
}

QPointF MapView::sensorScreenPosition(std::uint32_t sensorId) const {
    return sensorId < sensorCount() ? vp().worldToScreen(m_sensors[sensorId].world) : QPointF();
}

std::optional<std::uint32_t> MapView::sensorAt(QPointF position, double radiusPx) const {
    const double radius = std::max(radiusPx, sensorRadiusPx());
    double best = radius * radius;
    std::optional<std::uint32_t> found;
    const MapViewport& viewport = vp();
    for (std::uint32_t i = 0; i < sensorCount(); ++i) {
        const QPointF d = viewport.worldToScreen(m_sensors[i].world) - position;
        const double dist2 = d.x() * d.x() + d.y() * d.y();
        if (dist2 <= best) {
            best = dist2;
            found = i;
        }
    }
    return found;
}

double MapView::sensorRadiusPx() const {
    return std::clamp(vp().zoom() - 9.0, 2.0, 7.0);
}

void MapView::paintEvent(QPaintEvent*) {
    QElapsedTimer clock;
    clock.start();
    {
        QPainter painter(this);
        painter.fillRect(rect(), m_theme.background);
        painter.setRenderHint(QPainter::Antialiasing, true);
        paintDistricts(painter);
        paintRoads(painter);
        if (isLayerVisible(MapLayer::HeatMap)) paintHeatMap(painter);
        if (isLayerVisible(MapLayer::Sensors)) {
            paintSensors(painter);
        } else {
            m_lastSensorMarks = 0;
            m_lastClusters = 0;
        }
        if (isLayerVisible(MapLayer::Alerts)) paintAlerts(painter);
        paintSelection(painter);
        paintOverlays(painter);
    }
    m_lastPaintNs = clock.nsecsElapsed();
    ++m_paints;
}

void MapView::paintSelection(QPainter& painter) const {
    if (!m_selected) return;
    const QPointF p = vp().worldToScreen(m_sensors[*m_selected].world);
    const double r = sensorRadiusPx() + 3.0;
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(Qt::white, 3.0));
    painter.drawEllipse(p, r, r);
    painter.setPen(QPen(kSelection, 1.5));
    painter.drawEllipse(p, r + 2.5, r + 2.5);
}

void MapView::paintOverlays(QPainter& painter) const {
    const QRectF area(rect());
    overlays::paintCo2Legend(painter, area);
    const double lat = vp().centre().latitude();
    overlays::paintScaleBar(painter, area, mercator::metresPerPixel(lat, vp().zoom()));
    if (m_cursor) overlays::paintCursorCoordinates(painter, area, vp().screenToGeo(*m_cursor));
}

void MapView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    syncViewport();
}

void MapView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position();
    m_lastDragPos = event->position();
}

void MapView::mouseMoveEvent(QMouseEvent* event) {
    m_cursor = event->position();
    if (m_pressed) {
        const QPointF total = event->position() - m_pressPos;
        if (!m_dragging && std::hypot(total.x(), total.y()) > kClickSlopPx) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            panBy(event->position() - m_lastDragPos);
            m_lastDragPos = event->position();
        }
    }
    update();
}

void MapView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !m_pressed) return QWidget::mouseReleaseEvent(event);
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        unsetCursor();
        return;
    }
    emit mapClicked(vp().screenToGeo(event->position()));
    if (const std::optional<std::uint32_t> sensor = sensorAt(event->position())) {
        setSelectedSensor(sensor);
        emit sensorClicked(*sensor);
    }
}

void MapView::leaveEvent(QEvent* event) {
    m_cursor.reset();
    update();
    QWidget::leaveEvent(event);
}

void MapView::wheelEvent(QWheelEvent* event) {
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0.0) return QWidget::wheelEvent(event);
    setZoom(vp().zoom() + notches * kWheelZoomPerNotch, event->position());
    event->accept();
}

void MapView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
        case Qt::Key_Left:
            panBy(QPointF(kKeyPanPx, 0.0));
            break;
        case Qt::Key_Right:
            panBy(QPointF(-kKeyPanPx, 0.0));
            break;
        case Qt::Key_Up:
            panBy(QPointF(0.0, kKeyPanPx));
            break;
        case Qt::Key_Down:
            panBy(QPointF(0.0, -kKeyPanPx));
            break;
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            setZoom(vp().zoom() + 1.0);
            break;
        case Qt::Key_Minus:
            setZoom(vp().zoom() - 1.0);
            break;
        case Qt::Key_Home:
            fitToCity();
            break;
        default:
            return QWidget::keyPressEvent(event);
    }
}

}  // namespace cityops::maps
