// MapView's layer painters: districts (choropleth), roads (traffic), heat map, sensors (clustered),
// alert rings. Kept apart from the interaction code in map_view.cpp.
#include <QPainter>
#include <QTimer>
#include <algorithm>
#include <array>
#include <cmath>

#include "cityops/maps/map_view.h"
#include "cityops/maps/sensor_color_scale.h"
#include "cityops/maps/sensor_clusters.h"
#include "heat_field.h"

namespace cityops::maps {

namespace {

constexpr int kChoroplethMinAlpha = 45;
constexpr int kChoroplethMaxAlpha = 150;
constexpr double kHeatMarginFraction = 0.06;

QColor districtFill(std::size_t index, int alpha) {
    static const std::array<QColor, 5> kFills{QColor(0x2b, 0x4a, 0x6f), QColor(0x3d, 0x5a, 0x40),
                                              QColor(0x5c, 0x46, 0x6e), QColor(0x6a, 0x55, 0x36),
                                              QColor(0x36, 0x5e, 0x62)};
    QColor colour = kFills[index % kFills.size()];
    colour.setAlpha(alpha);
    return colour;
}

//! The world rectangle the heat field covers: the city with a margin so glows are not clipped.
QRectF heatWorld(const QRectF& city) {
    const double margin = kHeatMarginFraction * std::max(city.width(), city.height());
    return city.adjusted(-margin, -margin, margin, margin);
}

}  // namespace

void MapView::paintDistricts(QPainter& painter) const {
    const QRectF visible = vp().visibleWorld();
    const bool choropleth = isLayerVisible(MapLayer::Districts);
    painter.setPen(QPen(m_theme.districtOutline, 1.2));
    for (std::size_t i = 0; i < m_districts.size(); ++i) {
        const DistrictShape& district = m_districts[i];
        QPolygonF polygon;
        polygon.reserve(static_cast<qsizetype>(district.polygon.size()));
        for (const QPointF& p : district.polygon) polygon.append(vp().worldToScreen(p));
        if (!polygon.boundingRect().intersects(rect()) && !visible.contains(district.centre)) continue;
        const double value = i < m_districtValues.size() ? m_districtValues[i] : std::nan("");
        if (choropleth && !std::isnan(value)) {
            // Good districts stay faint, bad ones strong: the eye goes to the incident.
            const int bucket = SensorColorScale::bucket(engine::SensorKind::AirQuality, value);
            QColor fill = SensorColorScale::bucketColor(bucket);
            fill.setAlpha(kChoroplethMinAlpha + (kChoroplethMaxAlpha - kChoroplethMinAlpha) * bucket /
                                                    (SensorColorScale::kNoValueBucket - 1));
            painter.setBrush(fill);
        } else {
            painter.setBrush(districtFill(i, m_theme.districtFillAlpha));
        }
        painter.drawPolygon(polygon);
    }
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    for (const DistrictShape& district : m_districts) {
        const QPointF c = vp().worldToScreen(district.centre);
        const QRectF label(c.x() - 100.0, c.y() - 10.0, 200.0, 20.0);
        if (!label.intersects(rect())) continue;
        painter.setPen(m_theme.labelShadow);  // a shadow keeps the name readable over dense sensors
        painter.drawText(label.translated(1.0, 1.0), Qt::AlignCenter, district.name);
        painter.setPen(m_theme.districtLabel);
        painter.drawText(label, Qt::AlignCenter, district.name);
    }
    font.setBold(false);
    painter.setFont(font);
}

void MapView::paintRoads(QPainter& painter) const {
    const QRectF bounds = QRectF(rect()).adjusted(-2, -2, 2, 2);
    const bool traffic = isLayerVisible(MapLayer::Traffic);
    for (auto& bucket : m_roadPaintBuckets) bucket.clear();
    const MapViewport& viewport = vp();
    for (std::size_t i = 0; i + 1 < m_roads.size(); i += 2) {
        const QLineF line(viewport.worldToScreen(m_roads[i]), viewport.worldToScreen(m_roads[i + 1]));
        if (!QRectF(line.p1(), line.p2()).normalized().adjusted(-1, -1, 1, 1).intersects(bounds)) continue;
        const std::size_t road = i / 2;
        const std::uint8_t bucket =
            traffic && road < m_roadBuckets.size() ? m_roadBuckets[road] : SensorColorScale::kNoValueBucket;
        m_roadPaintBuckets[bucket].append(line);
    }
    const double width = std::clamp(viewport.zoom() - 11.0, 1.0, 4.0);
    // Wide antialiased lines dominate the raster engine's cost with thousands of segments; roads are
    // straight and thin, so they are drawn without antialiasing.
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (int i = SensorColorScale::kNoValueBucket; i >= 0; --i) {
        const QList<QLineF>& lines = m_roadPaintBuckets[static_cast<std::size_t>(i)];
        if (lines.isEmpty()) continue;
        const bool plain = i == SensorColorScale::kNoValueBucket;
        const QColor colour = plain ? m_theme.road : SensorColorScale::bucketColor(i);
        painter.setPen(QPen(colour, plain ? width : width + 1.5, Qt::SolidLine, Qt::RoundCap));
        painter.drawLines(lines);
    }
    painter.restore();
}

void MapView::recomputeHeatMap() {
    const ColorStops stops = SensorColorScale::stops(engine::SensorKind::AirQuality);
    std::vector<HeatPoint> points;
    for (std::size_t i = 0; i < m_sensors.size(); ++i) {
        if (m_sensors[i].kind != engine::SensorKind::AirQuality || std::isnan(m_values[i])) continue;
        const double intensity = (m_values[i] - stops.good) / (stops.bad - stops.good);
        if (intensity > 0.0) points.push_back({m_sensors[i].world, std::min(intensity, 1.0)});
    }
    m_heatImage = renderHeatField(points, heatWorld(m_cityWorld), kHeatMapCells);
    m_heatDirty = false;
    m_heatClock.start();
    ++m_heatRenders;
}

void MapView::paintHeatMap(QPainter& painter) {
    if (m_cityWorld.isNull()) return;
    constexpr qint64 kMinIntervalMs = 1000 / kHeatMapMaxRatePerSecond;
    if (m_heatDirty) {
        const qint64 elapsed = m_heatClock.isValid() ? m_heatClock.elapsed() : kMinIntervalMs;
        if (elapsed >= kMinIntervalMs) {
            recomputeHeatMap();
        } else if (!m_heatTimer->isActive()) {
            m_heatTimer->start(static_cast<int>(kMinIntervalMs - elapsed));
        }
    }
    if (m_heatImage.isNull()) return;
    const QRectF world = heatWorld(m_cityWorld);
    const double cellWorld = std::max(world.width(), world.height()) / kHeatMapCells;
    const QRectF imageWorld(world.topLeft(), QSizeF(m_heatImage.width() * cellWorld, m_heatImage.height() * cellWorld));
    const QRectF target(vp().worldToScreen(imageWorld.topLeft()), vp().worldToScreen(imageWorld.bottomRight()));
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    painter.drawImage(target, m_heatImage);
    painter.restore();
}

void MapView::paintSensors(QPainter& painter) {
    const double radius = sensorRadiusPx();
    if (vp().zoom() < kClusterMaxZoom) return paintClusters(painter, radius);
    const QRectF bounds = QRectF(rect()).adjusted(-radius, -radius, radius, radius);
    for (auto& bucket : m_paintBuckets) bucket.clear();
    const MapViewport& viewport = vp();
    std::size_t marks = 0;
    for (const SensorPoint& sensor : m_sensors) {
        const QPointF p = viewport.worldToScreen(sensor.world);
        if (!bounds.contains(p)) continue;
        m_paintBuckets[sensor.bucket].append(p);
        ++marks;
    }
    // Grey (no value) first, so sensors with values are drawn on top.
    for (int i = SensorColorScale::kNoValueBucket; i >= 0; --i) {
        const QList<QPointF>& points = m_paintBuckets[static_cast<std::size_t>(i)];
        if (points.isEmpty()) continue;
        painter.setPen(QPen(SensorColorScale::bucketColor(i), 2.0 * radius, Qt::SolidLine, Qt::RoundCap));
        painter.drawPoints(points.constData(), static_cast<int>(points.size()));
    }
    m_lastSensorMarks = marks;
    m_lastClusters = 0;
}

void MapView::paintClusters(QPainter& painter, double radius) {
    const double margin = kClusterCellPx;
    const QRectF bounds = QRectF(rect()).adjusted(-margin, -margin, margin, margin);
    std::vector<BucketedPoint> points;
    points.reserve(m_sensors.size());
    const MapViewport& viewport = vp();
    for (const SensorPoint& sensor : m_sensors) {
        const QPointF p = viewport.worldToScreen(sensor.world);
        if (bounds.contains(p)) points.push_back({p, sensor.bucket});
    }
    const std::vector<SensorCluster> clusters =
        clusterSensors(points, QSizeF(size()), kClusterCellPx, SensorColorScale::kNoValueBucket);

    for (auto& bucket : m_paintBuckets) bucket.clear();
    std::size_t groups = 0;
    for (const SensorCluster& cluster : clusters) {
        if (cluster.count == 1) m_paintBuckets[cluster.worstBucket].append(cluster.position);
    }
    for (int i = SensorColorScale::kNoValueBucket; i >= 0; --i) {
        const QList<QPointF>& singles = m_paintBuckets[static_cast<std::size_t>(i)];
        if (singles.isEmpty()) continue;
        painter.setPen(QPen(SensorColorScale::bucketColor(i), 2.0 * radius, Qt::SolidLine, Qt::RoundCap));
        painter.drawPoints(singles.constData(), static_cast<int>(singles.size()));
    }
    for (const SensorCluster& cluster : clusters) {
        if (cluster.count < 2) continue;
        ++groups;
        const QPixmap& badge = clusterBadge(cluster.worstBucket, cluster.count, painter.font());
        const QSizeF half = QSizeF(badge.size()) / badge.devicePixelRatio() / 2.0;
        painter.drawPixmap(cluster.position - QPointF(half.width(), half.height()), badge);
    }
    m_lastSensorMarks = clusters.size();
    m_lastClusters = groups;
}

const QPixmap& MapView::clusterBadge(std::uint8_t bucket, std::uint32_t count, const QFont& baseFont) const {
    constexpr std::uint32_t kMaxLabelled = 1000;
    constexpr qsizetype kMaxCached = 1024;
    const std::uint32_t shown = std::min(count, kMaxLabelled);
    const quint32 key = (quint32{bucket} << 16) | shown;
    if (const auto it = m_badgeCache.constFind(key); it != m_badgeCache.constEnd()) return *it;
    if (m_badgeCache.size() >= kMaxCached) m_badgeCache.clear();

    const double r = 7.0 + 3.0 * std::log10(static_cast<double>(shown));
    const qreal dpr = devicePixelRatioF();
    const int side = static_cast<int>(std::ceil(2.0 * r + 2.0));
    QPixmap badge(QSize(side, side) * dpr);
    badge.setDevicePixelRatio(dpr);
    badge.fill(Qt::transparent);
    QPainter painter(&badge);
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QPointF centre(side / 2.0, side / 2.0);
    painter.setPen(QPen(QColor(0x10, 0x12, 0x16, 200), 1.0));
    painter.setBrush(SensorColorScale::bucketColor(bucket));
    painter.drawEllipse(centre, r, r);
    QFont font = baseFont;
    font.setPointSizeF(std::max(6.0, font.pointSizeF() - 1.0));
    font.setBold(true);
    painter.setFont(font);
    const QString label = count >= kMaxLabelled ? QStringLiteral("1k+") : QString::number(count);
    painter.drawText(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), Qt::AlignCenter, label);
    painter.end();
    return *m_badgeCache.insert(key, badge);
}

void MapView::paintAlerts(QPainter& painter) const {
    const double base = sensorRadiusPx() + 5.0;
    painter.setBrush(Qt::NoBrush);
    for (std::uint32_t sensorId : m_alertSensors) {
        const QPointF p = vp().worldToScreen(m_sensors[sensorId].world);
        const auto severity = static_cast<engine::Severity>(m_alertSeverity[sensorId]);
        const double r = base + 3.0 * m_alertSeverity[sensorId];
        if (!QRectF(rect()).adjusted(-r, -r, r, r).contains(p)) continue;
        QColor colour = SensorColorScale::severityColor(severity);
        colour.setAlpha(210);
        painter.setPen(QPen(colour, 1.5));
        painter.drawEllipse(p, r, r);
    }
}

}  // namespace cityops::maps
