#pragma once

#include <QGeoCoordinate>
#include <QRectF>

class QPainter;

//! Screen-fixed decorations of the map, drawn after the content.
namespace cityops::maps::overlays {

//! The CO2 colour legend (green ≤ 600, yellow ~800, red ≥ 1000 ppm, grey = no value) in the top-left.
void paintCo2Legend(QPainter& painter, const QRectF& widgetRect);
//! A scale bar of a round length in the bottom-left.
void paintScaleBar(QPainter& painter, const QRectF& widgetRect, double metresPerPixel);
//! Latitude and longitude under the cursor in the bottom-right.
void paintCursorCoordinates(QPainter& painter, const QRectF& widgetRect, const QGeoCoordinate& coordinate);

}  // namespace cityops::maps::overlays
