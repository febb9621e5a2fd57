#pragma once

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <span>

namespace cityops::maps {

//! A weighted point of the heat field: a zoom-0 world position and an intensity in [0, 1].
struct HeatPoint {
    QPointF world;
    double intensity = 0.0;
};

//! Renders a blurred intensity field over a fixed world rectangle into a small ARGB image (about
//! kCells cells on the longer side): each point adds a Gaussian splat, the sum saturates at 1, and
//! the intensity becomes colour (yellow → red) and alpha. The image is stretched over the city when
//! painted, so a pan or zoom does not recompute it.
QImage renderHeatField(std::span<const HeatPoint> points, const QRectF& world, int cells);

}  // namespace cityops::maps
