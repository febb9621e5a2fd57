#include "heat_field.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "cityops/maps/sensor_color_scale.h"

namespace cityops::maps {

namespace {

constexpr int kSplatRadius = 4;  //!< cells
constexpr double kSigma = 1.8;   //!< cells
constexpr int kMaxAlpha = 170;

}  // namespace

QImage renderHeatField(std::span<const HeatPoint> points, const QRectF& world, int cells) {
    if (world.isEmpty() || cells <= 0) return {};
    const double cellWorld = std::max(world.width(), world.height()) / cells;
    const int w = std::max(1, static_cast<int>(std::ceil(world.width() / cellWorld)));
    const int h = std::max(1, static_cast<int>(std::ceil(world.height() / cellWorld)));
    std::vector<float> field(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0.0f);

    constexpr int kSide = 2 * kSplatRadius + 1;
    static const std::vector<float> kKernel = [] {
        std::vector<float> kernel(kSide * kSide);
        for (int dy = -kSplatRadius; dy <= kSplatRadius; ++dy)
            for (int dx = -kSplatRadius; dx <= kSplatRadius; ++dx)
                kernel[static_cast<std::size_t>((dy + kSplatRadius) * kSide + dx + kSplatRadius)] =
                    static_cast<float>(std::exp(-(dx * dx + dy * dy) / (2.0 * kSigma * kSigma)));
        return kernel;
    }();

    for (const HeatPoint& point : points) {
        if (point.intensity <= 0.0) continue;
        const int cx = static_cast<int>((point.world.x() - world.left()) / cellWorld);
        const int cy = static_cast<int>((point.world.y() - world.top()) / cellWorld);
        const auto intensity = static_cast<float>(std::min(point.intensity, 1.0));
        for (int dy = -kSplatRadius; dy <= kSplatRadius; ++dy) {
            const int y = cy + dy;
            if (y < 0 || y >= h) continue;
            for (int dx = -kSplatRadius; dx <= kSplatRadius; ++dx) {
                const int x = cx + dx;
                if (x < 0 || x >= w) continue;
                field[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)] +=
                    intensity * kKernel[static_cast<std::size_t>((dy + kSplatRadius) * kSide + dx + kSplatRadius)];
            }
        }
    }

    QImage image(w, h, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < w; ++x) {
            const double v = std::min(1.0, static_cast<double>(field[static_cast<std::size_t>(y * w + x)]));
            if (v < 0.02) {
                line[x] = 0;
                continue;
            }
            const QColor colour = SensorColorScale::rampColor(1.0 + v);
            const int alpha = static_cast<int>(kMaxAlpha * std::sqrt(v));
            line[x] = qPremultiply(qRgba(colour.red(), colour.green(), colour.blue(), alpha));
        }
    }
    return image;
}

}  // namespace cityops::maps
