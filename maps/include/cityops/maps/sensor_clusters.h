#pragma once

#include <QPointF>
#include <QSizeF>
#include <cstdint>
#include <span>
#include <vector>

namespace cityops::maps {

//! One mark of a clustered sensor layer: a single sensor or a group drawn with its count.
struct SensorCluster {
    QPointF position;              //!< screen position: the mean of its members
    std::uint32_t count = 0;       //!< sensors in the cluster
    std::uint8_t worstBucket = 0;  //!< the worst colour bucket among members (grey only if all are grey)
};

//! A screen-space point with its colour bucket, the input of clusterSensors().
struct BucketedPoint {
    QPointF position;
    std::uint8_t bucket = 0;
};

//! Grid clustering: groups points by square cells of cellPx screen pixels inside an area of size
//! viewSize and returns one mark per non-empty cell, coloured by the worst bucket (higher buckets are
//! worse; noValueBucket counts as best). The cost is linear in the number of points.
std::vector<SensorCluster> clusterSensors(std::span<const BucketedPoint> points, QSizeF viewSize, double cellPx,
                                          std::uint8_t noValueBucket);

}  // namespace cityops::maps
