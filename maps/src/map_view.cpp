#include "cityops/maps/map_view.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
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
const QColor kBackground(0x11, 0x15, 0x1c);
const QColor kRoad(0x4a, 0x52, 0x60);
const QColor kDistrictOutline(0x7a, 0x86, 0x99);
const QColor kDistrictLabel(0xc8, 0xd0, 0xdc);
const QColor kSelection(0x3d, 0xa5, 0xff);

QPointF toWorld(const simulation::GeoPoint& p) {
    return mercator::project(QGeoCoordinate(p.lat, p.lon), 0.0);
}

QColor districtFill(std::size_t index) {
    static const std::array<QColor, 5> kFills{QColor(0x2b, 0x4a, 0x6f), QColor(0x3d, 0x5a, 0x40),
                                              QColor(0x5c, 0x46, 0x6e), QColor(0x6a, 0x55, 0x36),
                                              QColor(0x36, 0x5e, 0x62)};
    QColor colour = kFills[index % kFills.size()];
    colour.setAlpha(70);
    return colour;
}

QColor severityColour(engine::Severity severity) {
    switch (severity) {
        case engine::Severity::Info:
            return QColor(0x5a, 0xb4, 0xff);
        case engine::Severity::Warning:
            return QColor(0xff, 0x9f, 0x1a);
        case engine::Severity::Critical:
            return QColor(0xff, 0x2d, 0x55);
    }
    return Qt::white;
}

}  // namespace

MapView::MapView(QWidget* parent) : QWidget(parent) {
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
    m_sensors.reserve(city.sensors.size());
    for (const simulation::Sensor& sensor : city.sensors) {
        m_sensors.push_back({toWorld(sensor.position), sensor.kind, SensorColorScale::kNoValueBucket});
        extend(m_sensors.back().world);
    }
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
    for (std::uint32_t i = 0; i < n; ++i) {
        const double value = latest.value(i);
        SensorPoint& sensor = m_sensors[i];
        const auto bucket = static_cast<std::uint8_t>(SensorColorScale::bucket(sensor.kind, value));
        changed = changed || bucket != sensor.bucket;
        sensor.bucket = bucket;
        m_values[i] = value;
    }
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
    QPainter painter(this);
    painter.fillRect(rect(), kBackground);
    painter.setRenderHint(QPainter::Antialiasing, true);
    paintDistricts(painter);
    paintRoads(painter);
    paintSensors(painter);
    paintAlerts(painter);
    paintSelection(painter);
    paintOverlays(painter);
}

void MapView::paintDistricts(QPainter& painter) const {
    const QRectF visible = vp().visibleWorld();
    painter.setPen(QPen(kDistrictOutline, 1.2));
    for (std::size_t i = 0; i < m_districts.size(); ++i) {
        const DistrictShape& district = m_districts[i];
        QPolygonF polygon;
        polygon.reserve(static_cast<qsizetype>(district.polygon.size()));
        for (const QPointF& p : district.polygon) polygon.append(vp().worldToScreen(p));
        if (!polygon.boundingRect().intersects(rect()) && !visible.contains(district.centre)) continue;
        painter.setBrush(districtFill(i));
        painter.drawPolygon(polygon);
    }
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    for (const DistrictShape& district : m_districts) {
        const QPointF c = vp().worldToScreen(district.centre);
        const QRectF label(c.x() - 100.0, c.y() - 10.0, 200.0, 20.0);
        if (!label.intersects(rect())) continue;
        painter.setPen(kBackground);  // a shadow keeps the name readable over dense sensors
        painter.drawText(label.translated(1.0, 1.0), Qt::AlignCenter, district.name);
        painter.setPen(kDistrictLabel);
        painter.drawText(label, Qt::AlignCenter, district.name);
    }
    font.setBold(false);
    painter.setFont(font);
}

void MapView::paintRoads(QPainter& painter) const {
    const QRectF bounds = QRectF(rect()).adjusted(-2, -2, 2, 2);
    QList<QLineF> lines;
    lines.reserve(static_cast<qsizetype>(m_roads.size() / 2));
    const MapViewport& viewport = vp();
    for (std::size_t i = 0; i + 1 < m_roads.size(); i += 2) {
        const QLineF line(viewport.worldToScreen(m_roads[i]), viewport.worldToScreen(m_roads[i + 1]));
        if (QRectF(line.p1(), line.p2()).normalized().adjusted(-1, -1, 1, 1).intersects(bounds)) lines.append(line);
    }
    painter.setPen(QPen(kRoad, std::clamp(vp().zoom() - 11.0, 1.0, 4.0), Qt::SolidLine, Qt::RoundCap));
    painter.drawLines(lines);
}

void MapView::paintSensors(QPainter& painter) const {
    const double radius = sensorRadiusPx();
    const QRectF bounds = QRectF(rect()).adjusted(-radius, -radius, radius, radius);
    for (auto& bucket : m_paintBuckets) bucket.clear();
    const MapViewport& viewport = vp();
    for (const SensorPoint& sensor : m_sensors) {
        const QPointF p = viewport.worldToScreen(sensor.world);
        if (bounds.contains(p)) m_paintBuckets[sensor.bucket].append(p);
    }
    // Grey (no value) first, so sensors with values are drawn on top.
    for (int i = SensorColorScale::kNoValueBucket; i >= 0; --i) {
        const QList<QPointF>& points = m_paintBuckets[static_cast<std::size_t>(i)];
        if (points.isEmpty()) continue;
        painter.setPen(QPen(SensorColorScale::bucketColor(i), 2.0 * radius, Qt::SolidLine, Qt::RoundCap));
        painter.drawPoints(points.constData(), static_cast<int>(points.size()));
    }
}

void MapView::paintAlerts(QPainter& painter) const {
    const double base = sensorRadiusPx() + 5.0;
    painter.setBrush(Qt::NoBrush);
    for (std::uint32_t sensorId : m_alertSensors) {
        const QPointF p = vp().worldToScreen(m_sensors[sensorId].world);
        const auto severity = static_cast<engine::Severity>(m_alertSeverity[sensorId]);
        const double r = base + 3.0 * m_alertSeverity[sensorId];
        if (!QRectF(rect()).adjusted(-r, -r, r, r).contains(p)) continue;
        QColor colour = severityColour(severity);
        colour.setAlpha(210);
        painter.setPen(QPen(colour, 1.5));
        painter.drawEllipse(p, r, r);
    }
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
