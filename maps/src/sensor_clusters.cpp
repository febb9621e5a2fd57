#include "cityops/maps/sensor_clusters.h"

#include <algorithm>
#include <cmath>

namespace cityops::maps {

std::vector<SensorCluster> clusterSensors(std::span<const BucketedPoint> points, QSizeF viewSize, double cellPx,
                                          std::uint8_t noValueBucket) {
    struct Cell {
        double sumX = 0.0;
        double sumY = 0.0;
        std::uint32_t count = 0;
        int worst = -1;  //!< -1: only grey members so far
    };
    const int columns = std::max(1, static_cast<int>(std::ceil(viewSize.width() / cellPx)) + 2);
    const int rows = std::max(1, static_cast<int>(std::ceil(viewSize.height() / cellPx)) + 2);
    std::vector<Cell> cells(static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows));
    for (const BucketedPoint& point : points) {
        // One extra cell on each side holds points just off screen (their marks may reach in).
        const int column = std::clamp(static_cast<int>(std::floor(point.position.x() / cellPx)) + 1, 0, columns - 1);
        const int row = std::clamp(static_cast<int>(std::floor(point.position.y() / cellPx)) + 1, 0, rows - 1);
        Cell& cell =
            cells[static_cast<std::size_t>(row) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(column)];
        cell.sumX += point.position.x();
        cell.sumY += point.position.y();
        ++cell.count;
        if (point.bucket != noValueBucket) cell.worst = std::max<int>(cell.worst, point.bucket);
    }
    std::vector<SensorCluster> clusters;
    for (const Cell& cell : cells) {
        if (cell.count == 0) continue;
        const auto worst = cell.worst < 0 ? noValueBucket : static_cast<std::uint8_t>(cell.worst);
        clusters.push_back({QPointF(cell.sumX / cell.count, cell.sumY / cell.count), cell.count, worst});
    }
    return clusters;
}

}  // namespace cityops::maps
