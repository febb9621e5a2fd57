#pragma once

#include <QColor>
#include <QString>
#include <array>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"

namespace cityops::maps {

//! Good → warning → bad thresholds of one sensor kind's primary metric. For inverted scales (traffic
//! speed) lower values are worse.
struct ColorStops {
    double good = 0.0;
    double warn = 0.0;
    double bad = 0.0;
    bool inverted = false;
};

//! Colours sensors by the latest value of their primary metric, green → yellow → red per kind,
//! quantised into a small set of buckets so the map can draw one batch of points per colour.
class SensorColorScale {
public:
    static constexpr int kBucketCount = 17;  //!< colour buckets 0..15 plus grey
    static constexpr int kNoValueBucket = kBucketCount - 1;

    //! The thresholds used for a kind (CO2: 600 / 800 / 1000 ppm).
    static ColorStops stops(engine::SensorKind kind);
    //! Bucket of a value; kNoValueBucket for NaN (the sensor has not reported yet).
    static int bucket(engine::SensorKind kind, double value);
    static QColor bucketColor(int bucket);
    static QColor color(engine::SensorKind kind, double value) { return bucketColor(bucket(kind, value)); }
    //! The continuous colour at a position t in [0, 2] along green (0) → yellow (1) → red (2).
    static QColor rampColor(double t);
    //! The colour of an alert severity, shared by the map's rings and the alert queue.
    static QColor severityColor(engine::Severity severity);
};

}  // namespace cityops::maps
