#include "map_overlays.h"

#include <QCoreApplication>
#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainter>
#include <array>
#include <cmath>

#include "cityops/maps/sensor_color_scale.h"

namespace cityops::maps::overlays {

namespace {

constexpr double kPad = 8.0;
const QColor kPanel(20, 24, 32, 200);
const QColor kText(230, 234, 240);

void paintPanel(QPainter& painter, const QRectF& rect) {
    painter.setPen(Qt::NoPen);
    painter.setBrush(kPanel);
    painter.drawRoundedRect(rect, 4.0, 4.0);
}

//! The largest 1-2-5 length not longer than maxMetres.
double niceLength(double maxMetres) {
    const double magnitude = std::pow(10.0, std::floor(std::log10(maxMetres)));
    for (double step : {5.0, 2.0, 1.0}) {
        if (step * magnitude <= maxMetres) return step * magnitude;
    }
    return magnitude;
}

}  // namespace

void paintCo2Legend(QPainter& painter, const QRectF& widgetRect) {
    constexpr double kMinPpm = 400.0;
    constexpr double kMaxPpm = 1200.0;
    constexpr double kBarWidth = 160.0;
    constexpr double kBarHeight = 10.0;
    const QFontMetricsF metrics(painter.font());
    const double lineHeight = metrics.height();
    const QRectF panel(widgetRect.left() + kPad, widgetRect.top() + kPad, kBarWidth + 2 * kPad,
                       3 * lineHeight + kBarHeight + 2 * kPad);
    paintPanel(painter, panel);

    painter.setPen(kText);
    const QRectF title(panel.left() + kPad, panel.top() + kPad / 2, kBarWidth, lineHeight);
    painter.drawText(title, Qt::AlignLeft | Qt::AlignVCenter,
                     QCoreApplication::translate("cityops::maps::MapView", "CO\u2082 (ppm)"));

    const QRectF bar(panel.left() + kPad, title.bottom() + 2.0, kBarWidth, kBarHeight);
    const ColorStops stops = SensorColorScale::stops(engine::SensorKind::AirQuality);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    auto at = [&](double ppm) { return (ppm - kMinPpm) / (kMaxPpm - kMinPpm); };
    gradient.setColorAt(0.0, SensorColorScale::rampColor(0.0));
    gradient.setColorAt(at(stops.good), SensorColorScale::rampColor(0.0));
    gradient.setColorAt(at(stops.warn), SensorColorScale::rampColor(1.0));
    gradient.setColorAt(at(stops.bad), SensorColorScale::rampColor(2.0));
    gradient.setColorAt(1.0, SensorColorScale::rampColor(2.0));
    painter.setPen(Qt::NoPen);
    painter.setBrush(gradient);
    painter.drawRect(bar);

    painter.setPen(kText);
    for (double ppm : {stops.good, stops.warn, stops.bad}) {
        const double x = bar.left() + at(ppm) * bar.width();
        painter.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 3.0));
        const QString label = QString::number(ppm, 'f', 0);
        const double w = metrics.horizontalAdvance(label);
        painter.drawText(QPointF(x - w / 2, bar.bottom() + 3.0 + metrics.ascent()), label);
    }

    const double greyY = bar.bottom() + 4.0 + lineHeight;
    const QRectF swatch(bar.left(), greyY + (lineHeight - kBarHeight) / 2, kBarHeight, kBarHeight);
    painter.setPen(Qt::NoPen);
    painter.setBrush(SensorColorScale::bucketColor(SensorColorScale::kNoValueBucket));
    painter.drawEllipse(swatch);
    painter.setPen(kText);
    painter.drawText(QRectF(swatch.right() + 4.0, greyY, kBarWidth, lineHeight), Qt::AlignLeft | Qt::AlignVCenter,
                     QCoreApplication::translate("cityops::maps::MapView", "no value yet"));
}

void paintScaleBar(QPainter& painter, const QRectF& widgetRect, double metresPerPixel) {
    constexpr double kMaxBarPx = 120.0;
    if (!(metresPerPixel > 0.0)) return;
    const double metres = niceLength(kMaxBarPx * metresPerPixel);
    const double px = metres / metresPerPixel;
    const QString label = metres >= 1000.0
                              ? QCoreApplication::translate("cityops::maps::MapView", "%1 km").arg(metres / 1000.0)
                              : QCoreApplication::translate("cityops::maps::MapView", "%1 m").arg(metres);

    const QFontMetricsF metrics(painter.font());
    const QRectF panel(widgetRect.left() + kPad, widgetRect.bottom() - kPad - metrics.height() - 14.0,
                       std::max(px, metrics.horizontalAdvance(label)) + 2 * kPad, metrics.height() + 14.0);
    paintPanel(painter, panel);
    const double y = panel.bottom() - 6.0;
    const double x0 = panel.left() + kPad;
    painter.setPen(QPen(kText, 2.0));
    painter.drawLine(QPointF(x0, y), QPointF(x0 + px, y));
    painter.drawLine(QPointF(x0, y - 4.0), QPointF(x0, y));
    painter.drawLine(QPointF(x0 + px, y - 4.0), QPointF(x0 + px, y));
    painter.drawText(QPointF(x0, panel.top() + 2.0 + metrics.ascent()), label);
}

void paintCursorCoordinates(QPainter& painter, const QRectF& widgetRect, const QGeoCoordinate& coordinate) {
    if (!coordinate.isValid()) return;
    const QString text = QCoreApplication::translate("cityops::maps::MapView", "%1°, %2°")
                             .arg(coordinate.latitude(), 0, 'f', 5)
                             .arg(coordinate.longitude(), 0, 'f', 5);
    const QFontMetricsF metrics(painter.font());
    const double w = metrics.horizontalAdvance(text) + 2 * kPad;
    const double h = metrics.height() + kPad;
    const QRectF panel(widgetRect.right() - kPad - w, widgetRect.bottom() - kPad - h, w, h);
    paintPanel(painter, panel);
    painter.setPen(kText);
    painter.drawText(panel, Qt::AlignCenter, text);
}

}  // namespace cityops::maps::overlays
