#pragma once

#include <QGeoCoordinate>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace cityops::maps {

//! The camera of a MapView: a centre and a fractional zoom over a widget-sized viewport. Positions
//! are held as zoom-0 world pixels (0..256) so a point projected once can be placed at any zoom.
class MapViewport {
public:
    static constexpr double kMinZoom = 2.0;
    static constexpr double kMaxZoom = 20.0;

    void setSize(QSizeF size) { m_size = size; }
    QSizeF size() const { return m_size; }

    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    //! Pixels per zoom-0 world pixel (2^zoom).
    double scale() const { return m_scale; }

    QGeoCoordinate centre() const;
    void setCentre(const QGeoCoordinate& centre);
    QPointF centreWorld() const { return m_centreWorld; }
    void setCentreWorld(QPointF world0);

    //! Screen position (widget pixels) of a zoom-0 world point, and back.
    QPointF worldToScreen(QPointF world0) const;
    QPointF screenToWorld(QPointF screen) const;
    QPointF geoToScreen(const QGeoCoordinate& coordinate) const;
    QGeoCoordinate screenToGeo(QPointF screen) const;
    //! The zoom-0 world rectangle currently on screen.
    QRectF visibleWorld() const;

    //! Moves the content by a screen delta (a drag to the right moves the map to the right).
    void panBy(QPointF screenDelta);
    //! Changes zoom keeping the world point under screenAnchor fixed on screen.
    void zoomAbout(QPointF screenAnchor, double newZoom);
    //! Centres on a zoom-0 world rectangle and picks the largest zoom that shows it with a margin.
    void fitWorld(const QRectF& world0, double marginPx);

private:
    QSizeF m_size{640.0, 480.0};
    QPointF m_centreWorld{128.0, 128.0};
    double m_zoom = kMinZoom;
    double m_scale = 4.0;
};

}  // namespace cityops::maps
