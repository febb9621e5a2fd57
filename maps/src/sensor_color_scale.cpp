#include "cityops/maps/sensor_color_scale.h"

#include <algorithm>
#include <cmath>

namespace cityops::maps {

using engine::SensorKind;

ColorStops SensorColorScale::stops(SensorKind kind) {
    switch (kind) {
        case SensorKind::Traffic:
            return {50.0, 30.0, 15.0, true};  // km/h
        case SensorKind::AirQuality:
            return {600.0, 800.0, 1000.0, false};  // CO2 ppm
        case SensorKind::Temperature:
            return {25.0, 30.0, 35.0, false};  // °C
        case SensorKind::Parking:
            return {0.6, 0.85, 0.95, false};  // occupied fraction
        case SensorKind::Emergency:
            return {0.0, 2.0, 4.0, false};  // severity 0..5
        case SensorKind::Energy:
            return {5.0, 15.0, 30.0, false};  // kWh per interval
        case SensorKind::Noise:
            return {55.0, 65.0, 75.0, false};  // dB(A)
    }
    return {0.0, 1.0, 2.0, false};
}

int SensorColorScale::bucket(SensorKind kind, double value) {
    if (std::isnan(value)) return kNoValueBucket;
    const ColorStops s = stops(kind);
    double t = 0.0;
    if (!s.inverted) {
        if (value <= s.good)
            t = 0.0;
        else if (value < s.warn)
            t = (value - s.good) / (s.warn - s.good);
        else if (value < s.bad)
            t = 1.0 + (value - s.warn) / (s.bad - s.warn);
        else
            t = 2.0;
    } else {
        if (value >= s.good)
            t = 0.0;
        else if (value > s.warn)
            t = (s.good - value) / (s.good - s.warn);
        else if (value > s.bad)
            t = 1.0 + (s.warn - value) / (s.warn - s.bad);
        else
            t = 2.0;
    }
    constexpr int kColourBuckets = kBucketCount - 1;
    return std::clamp(static_cast<int>(std::lround(t / 2.0 * (kColourBuckets - 1))), 0, kColourBuckets - 1);
}

QColor SensorColorScale::rampColor(double t) {
    static const QColor kGreen(0x2e, 0xcc, 0x40);
    static const QColor kYellow(0xff, 0xd7, 0x00);
    static const QColor kRed(0xff, 0x30, 0x30);
    t = std::clamp(t, 0.0, 2.0);
    const QColor& a = t <= 1.0 ? kGreen : kYellow;
    const QColor& b = t <= 1.0 ? kYellow : kRed;
    const double f = t <= 1.0 ? t : t - 1.0;
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * f),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * f),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * f));
}

QColor SensorColorScale::bucketColor(int bucket) {
    static const std::array<QColor, kBucketCount> kColours = [] {
        std::array<QColor, kBucketCount> colours;
        for (int i = 0; i < kNoValueBucket; ++i)
            colours[static_cast<std::size_t>(i)] = rampColor(2.0 * i / (kNoValueBucket - 1));
        colours[kNoValueBucket] = QColor(0x8a, 0x8f, 0x98);
        return colours;
    }();
    return kColours[static_cast<std::size_t>(std::clamp(bucket, 0, kNoValueBucket))];
}

QColor SensorColorScale::severityColor(engine::Severity severity) {
    switch (severity) {
        case engine::Severity::Info:
            return QColor(0x5a, 0xb4, 0xff);
        case engine::Severity::Warning:
            return QColor(0xff, 0x9f, 0x1a);
        case engine::Severity::Critical:
            return QColor(0xff, 0x2d, 0x55);
    }
    return QColor(Qt::white);
}

}  // namespace cityops::maps
