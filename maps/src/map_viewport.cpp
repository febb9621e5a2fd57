#include "cityops/maps/map_viewport.h"

#include <algorithm>
#include <cmath>

#include "cityops/maps/web_mercator.h"

namespace cityops::maps {

void MapViewport::setZoom(double zoom) {
    m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    m_scale = std::exp2(m_zoom);
}

QGeoCoordinate MapViewport::centre() const {
    return mercator::unproject(m_centreWorld, 0.0);
}

void MapViewport::setCentre(const QGeoCoordinate& centre) {
    setCentreWorld(mercator::project(centre, 0.0));
}

void MapViewport::setCentreWorld(QPointF world0) {
    const double size = mercator::kTileSize;
    m_centreWorld = QPointF(std::clamp(world0.x(), 0.0, size), std::clamp(world0.y(), 0.0, size));
}

QPointF MapViewport::worldToScreen(QPointF world0) const {
    return (world0 - m_centreWorld) * m_scale + QPointF(m_size.width() / 2.0, m_size.height() / 2.0);
}

QPointF MapViewport::screenToWorld(QPointF screen) const {
    return (screen - QPointF(m_size.width() / 2.0, m_size.height() / 2.0)) / m_scale + m_centreWorld;
}

QPointF MapViewport::geoToScreen(const QGeoCoordinate& coordinate) const {
    return worldToScreen(mercator::project(coordinate, 0.0));
}

QGeoCoordinate MapViewport::screenToGeo(QPointF screen) const {
    return mercator::unproject(screenToWorld(screen), 0.0);
}

QRectF MapViewport::visibleWorld() const {
    return QRectF(screenToWorld(QPointF(0.0, 0.0)), screenToWorld(QPointF(m_size.width(), m_size.height())));
}

void MapViewport::panBy(QPointF screenDelta) {
    setCentreWorld(m_centreWorld - screenDelta / m_scale);
}

void MapViewport::zoomAbout(QPointF screenAnchor, double newZoom) {
    const QPointF anchorWorld = screenToWorld(screenAnchor);
    setZoom(newZoom);
    const QPointF offset = screenAnchor - QPointF(m_size.width() / 2.0, m_size.height() / 2.0);
    setCentreWorld(anchorWorld - offset / m_scale);
}

void MapViewport::fitWorld(const QRectF& world0, double marginPx) {
    const QRectF rect = world0.normalized();
    const double width = std::max(1.0, m_size.width() - 2.0 * marginPx);
    const double height = std::max(1.0, m_size.height() - 2.0 * marginPx);
    const double rw = std::max(rect.width(), 1e-9);
    const double rh = std::max(rect.height(), 1e-9);
    setZoom(std::log2(std::min(width / rw, height / rh)));
    setCentreWorld(rect.center());
}

}  // namespace cityops::maps
