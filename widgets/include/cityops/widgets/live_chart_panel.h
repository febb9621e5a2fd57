#pragma once

#include <QWidget>
#include <cstdint>
#include <optional>
#include <span>

#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"
#include "cityops/simulation/city.h"

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPTextElement;

namespace cityops::widgets {

//! Live chart of one sensor's primary metric: raw readings as a line, 5-minute window averages as a
//! step line and, for CO2, a dashed threshold line. Keeps a bounded number of points and replots at
//! most once per frame (flush()).
class LiveChartPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxPoints = 20'000;

    explicit LiveChartPanel(const simulation::City& city, QWidget* parent = nullptr);

    //! Clears the chart and shows sensorId from now on (LiveJobs::kNoSensor shows nothing).
    void setSensor(std::uint32_t sensorId);
    std::optional<std::uint32_t> sensor() const { return m_sensorId; }
    //! The metric drawn for the current sensor.
    engine::Metric metric() const { return m_metric; }
    //! Threshold drawn as a dashed line for CO2 sensors (the engine's co2ThresholdPpm).
    void setCo2Threshold(double ppm);
    //! Recolours the plot (background, axes, grid, text, legend) from a palette, so the chart follows
    //! the window's theme.
    void applyPalette(const QPalette& palette);
    //! The plot's background colour (for tests of the theme).
    QColor plotBackground() const;

    //! Appends the readings of the current sensor and metric; others are ignored.
    void appendReadings(std::span<const engine::Reading> readings);
    //! Appends the window results of the current sensor and metric; others are ignored.
    void appendAggregates(std::span<const engine::WindowAggregate> aggregates);
    //! Rescales and replots if anything changed since the last flush (call once per frame).
    void flush();

    int rawPointCount() const;
    int averagePointCount() const;
    QString title() const;

private:
    void updateThreshold();

    const simulation::City& m_city;
    QCustomPlot* m_plot;
    QCPGraph* m_raw;
    QCPGraph* m_average;
    QCPItemStraightLine* m_threshold;
    QCPTextElement* m_title;
    std::optional<std::uint32_t> m_sensorId;
    engine::Metric m_metric = engine::Metric::Co2;
    double m_co2Threshold = 800.0;
    bool m_dirty = false;
};

}  // namespace cityops::widgets
