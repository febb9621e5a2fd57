#include "cityops/widgets/live_chart_panel.h"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>

#include "cityops/simulation/live_jobs.h"

namespace cityops::widgets {

namespace {

double toKey(std::int64_t ms) {
    return static_cast<double>(ms) / 1000.0;
}

QString fromView(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

//! Human-readable metric name for the chart title.
QString metricName(engine::Metric metric) {
    switch (metric) {
        case engine::Metric::TrafficSpeed:
            return LiveChartPanel::tr("Traffic speed");
        case engine::Metric::VehicleCount:
            return LiveChartPanel::tr("Vehicle count");
        case engine::Metric::Co2:
            return LiveChartPanel::tr("CO\u2082");
        case engine::Metric::Pm25:
            return LiveChartPanel::tr("PM2.5");
        case engine::Metric::Temperature:
            return LiveChartPanel::tr("Temperature");
        case engine::Metric::Humidity:
            return LiveChartPanel::tr("Humidity");
        case engine::Metric::ParkingOccupancy:
            return LiveChartPanel::tr("Parking occupancy");
        case engine::Metric::EmergencySeverity:
            return LiveChartPanel::tr("Emergency severity");
        case engine::Metric::EnergyKwh:
            return LiveChartPanel::tr("Energy");
        case engine::Metric::NoiseDb:
            return LiveChartPanel::tr("Noise");
        case engine::Metric::O3:
            return LiveChartPanel::tr("O\u2083");
        case engine::Metric::No2:
            return LiveChartPanel::tr("NO\u2082");
    }
    return fromView(engine::toString(metric));
}

//! Drops the oldest points so the graph keeps at most LiveChartPanel::kMaxPoints.
void bound(QCPGraph& graph) {
    const QSharedPointer<QCPGraphDataContainer> data = graph.data();
    const int excess = data->size() - LiveChartPanel::kMaxPoints;
    if (excess > 0) data->removeBefore((data->constBegin() + excess)->key);
}

}  // namespace

LiveChartPanel::LiveChartPanel(const simulation::City& city, QWidget* parent)
    : QWidget(parent), m_city(city), m_plot(new QCustomPlot(this)) {
    m_plot->setObjectName(QStringLiteral("liveChartPlot"));
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->axisRect()->setRangeDrag(Qt::Horizontal);
    m_plot->axisRect()->setRangeZoom(Qt::Horizontal);

    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm\nd MMM"));
    ticker->setDateTimeSpec(Qt::UTC);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setLabel(tr("Event time (UTC)"));

    m_raw = m_plot->addGraph();
    m_raw->setName(tr("Readings"));
    m_raw->setPen(QPen(QColor(0x3d, 0xa5, 0xff), 1.2));
    m_raw->setAdaptiveSampling(true);

    m_average = m_plot->addGraph();
    m_average->setName(tr("5-minute average"));
    m_average->setPen(QPen(QColor(0xff, 0x9f, 0x1a), 2.0));
    m_average->setLineStyle(QCPGraph::lsStepLeft);

    m_threshold = new QCPItemStraightLine(m_plot);
    m_threshold->setPen(QPen(QColor(0xff, 0x2d, 0x55), 1.5, Qt::DashLine));
    m_threshold->setVisible(false);

    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, tr("No sensor selected"),
                                 QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_plot->legend->setVisible(true);
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    setMinimumSize(320, 200);
}

void LiveChartPanel::applyPalette(const QPalette& palette) {
    const QColor text = palette.color(QPalette::WindowText);
    const QColor base = palette.color(QPalette::Base);
    QColor grid = palette.color(QPalette::Mid);
    grid.setAlpha(140);
    m_plot->setBackground(base);
    m_plot->axisRect()->setBackground(base);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis, m_plot->xAxis2, m_plot->yAxis2}) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setSubGridPen(Qt::NoPen);
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    m_plot->legend->setBrush(palette.color(QPalette::Window));
    m_plot->legend->setBorderPen(QPen(palette.color(QPalette::Mid)));
    m_plot->legend->setTextColor(text);
    m_title->setTextColor(text);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QColor LiveChartPanel::plotBackground() const {
    return m_plot->axisRect()->backgroundBrush().color();
}

void LiveChartPanel::setSensor(std::uint32_t sensorId) {
    m_raw->data()->clear();
    m_average->data()->clear();
    if (sensorId == simulation::LiveJobs::kNoSensor || sensorId >= m_city.sensors.size()) {
        m_sensorId.reset();
        m_title->setText(tr("No sensor selected"));
        m_plot->yAxis->setLabel(QString());
    } else {
        const simulation::Sensor& sensor = m_city.sensors[sensorId];
        m_sensorId = sensorId;
        m_metric = engine::primaryMetric(sensor.kind);
        const QString unit = fromView(engine::unitOf(m_metric));
        m_title->setText(tr("%1 — %2 (%3)").arg(QString::fromStdString(sensor.name), metricName(m_metric), unit));
        m_plot->yAxis->setLabel(unit);
    }
    updateThreshold();
    m_dirty = true;
    flush();
}

void LiveChartPanel::setCo2Threshold(double ppm) {
    m_co2Threshold = ppm;
    updateThreshold();
    m_dirty = true;
}

void LiveChartPanel::updateThreshold() {
    const bool visible = m_sensorId && m_metric == engine::Metric::Co2;
    m_threshold->setVisible(visible);
    m_threshold->point1->setCoords(0.0, m_co2Threshold);
    m_threshold->point2->setCoords(1.0, m_co2Threshold);
}

void LiveChartPanel::appendReadings(std::span<const engine::Reading> readings) {
    if (!m_sensorId) return;
    QList<QCPGraphData> points;
    for (const engine::Reading& reading : readings) {
        if (reading.sensorId == *m_sensorId && reading.metric == m_metric)
            points.append(QCPGraphData(toKey(reading.eventTimeMs), reading.value));
    }
    if (points.isEmpty()) return;
    m_raw->data()->add(points, false);
    bound(*m_raw);
    m_dirty = true;
}

void LiveChartPanel::appendAggregates(std::span<const engine::WindowAggregate> aggregates) {
    if (!m_sensorId) return;
    QList<QCPGraphData> points;
    for (const engine::WindowAggregate& aggregate : aggregates) {
        if (aggregate.sensorId != *m_sensorId || aggregate.metric != m_metric || aggregate.count == 0) continue;
        // Start and end of the window, so the step covers the whole window and gaps stay visible.
        points.append(QCPGraphData(toKey(aggregate.windowStartMs), aggregate.average()));
        points.append(QCPGraphData(toKey(aggregate.windowEndMs) - 1e-3, aggregate.average()));
    }
    if (points.isEmpty()) return;
    m_average->data()->add(points, false);
    bound(*m_average);
    m_dirty = true;
}

void LiveChartPanel::flush() {
    if (!m_dirty) return;
    m_dirty = false;
    bool found = false;
    QCPRange keys = m_raw->data()->keyRange(found);
    bool foundAverage = false;
    const QCPRange averageKeys = m_average->data()->keyRange(foundAverage);
    if (foundAverage)
        keys = found ? QCPRange(std::min(keys.lower, averageKeys.lower), std::max(keys.upper, averageKeys.upper))
                     : averageKeys;
    if (found || foundAverage) {
        m_plot->xAxis->setRange(keys.lower, std::max(keys.upper, keys.lower + 60.0));
        bool foundValues = false;
        QCPRange values = m_raw->data()->valueRange(foundValues);
        bool foundAverageValues = false;
        const QCPRange averageValues = m_average->data()->valueRange(foundAverageValues);
        if (foundAverageValues)
            values = foundValues ? QCPRange(std::min(values.lower, averageValues.lower),
                                            std::max(values.upper, averageValues.upper))
                                 : averageValues;
        if (m_threshold->visible()) values.expand(m_co2Threshold);
        const double pad = std::max(1e-3, values.size() * 0.08);
        m_plot->yAxis->setRange(values.lower - pad, values.upper + pad);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int LiveChartPanel::rawPointCount() const {
    return m_raw->data()->size();
}

int LiveChartPanel::averagePointCount() const {
    return m_average->data()->size();
}

QString LiveChartPanel::title() const {
    return m_title->text();
}

}  // namespace cityops::widgets
