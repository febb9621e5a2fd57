#pragma once

#include <QGeoCoordinate>
#include <QPointF>

//! Web-Mercator (EPSG:3857) projection between WGS84 coordinates and "world pixels": the pixel
//! grid of a 256-px tile pyramid at a (fractional) zoom level, origin at the north-west corner.
namespace cityops::maps::mercator {

inline constexpr double kTileSize = 256.0;
//! Latitude at which the square Web-Mercator world ends.
inline constexpr double kMaxLatitude = 85.0511287798066;
inline constexpr double kEarthRadiusM = 6378137.0;

//! Side of the whole world in pixels at zoom (256 at zoom 0, doubling per level).
double worldSize(double zoom);
//! Latitude clamped to the projectable band ±kMaxLatitude.
double clampLatitude(double latitude);
//! World pixel of a coordinate at zoom; latitude is clamped first.
QPointF project(const QGeoCoordinate& coordinate, double zoom);
//! Coordinate of a world pixel at zoom (inverse of project()).
QGeoCoordinate unproject(QPointF worldPixel, double zoom);
//! Ground metres covered by one pixel at a latitude and zoom.
double metresPerPixel(double latitude, double zoom);

}  // namespace cityops::maps::mercator
