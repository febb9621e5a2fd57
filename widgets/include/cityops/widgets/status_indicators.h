#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <cstdint>

#include "cityops/engine/stream_pipeline.h"
#include "cityops/widgets/frame_probe.h"

class QLabel;
class QStatusBar;

namespace cityops::widgets {

//! The status bar's live labels: data source, simulated time, events/s, watermark lag, alert count,
//! frame time.
class StatusIndicators : public QObject {
    Q_OBJECT

public:
    //! Adds the labels to statusBar (which keeps ownership of them).
    StatusIndicators(QStatusBar& statusBar, const QString& dataSource, QObject* parent = nullptr);

    //! Refreshes the labels; events/s is measured over about one second of wall time.
    void update(std::int64_t simTimeMs, const engine::PipelineMetrics& metrics, int alertCount);
    double eventsPerSecond() const { return m_eventsPerSecond; }
    //! Shows the frame time p99 (tool tip: p50/p99/max of frames and event-loop stalls); "—" until
    //! there are samples.
    void setFrameStats(const DurationStats& frames, const DurationStats& stalls);

private:
    QLabel* m_source;
    QLabel* m_simTime;
    QLabel* m_rate;
    QLabel* m_lag;
    QLabel* m_alerts;
    QLabel* m_frame;
    QElapsedTimer m_clock;
    std::uint64_t m_rateBaseEvents = 0;
    double m_eventsPerSecond = 0.0;
};

}  // namespace cityops::widgets
