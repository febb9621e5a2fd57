#include "cityops/maps/web_mercator.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cityops::maps::mercator {

namespace {
constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kRadToDeg = 180.0 / std::numbers::pi;
}  // namespace

double worldSize(double zoom) {
    return kTileSize * std::exp2(zoom);
}

double clampLatitude(double latitude) {
    return std::clamp(latitude, -kMaxLatitude, kMaxLatitude);
}

QPointF project(const QGeoCoordinate& coordinate, double zoom) {
    const double size = worldSize(zoom);
    const double lat = clampLatitude(coordinate.latitude()) * kDegToRad;
    const double x = (coordinate.longitude() + 180.0) / 360.0 * size;
    const double y = (1.0 - std::log(std::tan(lat) + 1.0 / std::cos(lat)) / std::numbers::pi) / 2.0 * size;
    return {x, y};
}

QGeoCoordinate unproject(QPointF worldPixel, double zoom) {
    const double size = worldSize(zoom);
    const double lon = worldPixel.x() / size * 360.0 - 180.0;
    const double n = std::numbers::pi * (1.0 - 2.0 * worldPixel.y() / size);
    const double lat = std::atan(std::sinh(n)) * kRadToDeg;
    return QGeoCoordinate(clampLatitude(lat), lon);
}

double metresPerPixel(double latitude, double zoom) {
    const double circumference = 2.0 * std::numbers::pi * kEarthRadiusM;
    return std::cos(clampLatitude(latitude) * kDegToRad) * circumference / worldSize(zoom);
}

}  // namespace cityops::maps::mercator
