#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <cstdint>

#include "cityops/engine/stream/stream_metrics.h"
#include "cityops/widgets/frame_probe.h"

class QLabel;
class QStatusBar;

namespace cityops::widgets {

//! The status bar's live labels: data source, simulated time, events/s, watermark lag, checkpoint
//! age, late and dead-letter counts, alert count, frame time. Read from the stream runtime's
//! metrics once per frame.
class StatusIndicators : public QObject {
    Q_OBJECT

public:
    //! Adds the labels to statusBar (which keeps ownership of them).
    StatusIndicators(QStatusBar& statusBar, const QString& dataSource, QObject* parent = nullptr);

    //! Whether the jobs take checkpoints (a data directory is set); without, the label says "off".
    void setCheckpointsEnabled(bool enabled);
    //! Refreshes the labels; events/s is measured over about one second of wall time.
    void update(std::int64_t simTimeMs, const engine::stream::JobMetrics& metrics, int alertCount);
    double eventsPerSecond() const { return m_eventsPerSecond; }
    //! Watermark lag of the last update: max event time − watermark (ms).
    std::int64_t watermarkLagMs() const { return m_lagMs; }
    //! Age of the last checkpoint at the last update (ms); −1 before the first or without checkpoints.
    std::int64_t checkpointAgeMs() const { return m_checkpointAgeMs; }
    //! Shows the frame time p99 (tool tip: p50/p99/max of frames and event-loop stalls); "—" until
    //! there are samples.
    void setFrameStats(const DurationStats& frames, const DurationStats& stalls);

private:
    QLabel* m_source;
    QLabel* m_simTime;
    QLabel* m_rate;
    QLabel* m_lag;
    QLabel* m_checkpoint;
    QLabel* m_late;
    QLabel* m_alerts;
    QLabel* m_frame;
    QElapsedTimer m_clock;
    std::uint64_t m_rateBaseEvents = 0;
    double m_eventsPerSecond = 0.0;
    std::int64_t m_lagMs = 0;
    std::int64_t m_checkpointAgeMs = -1;
    bool m_checkpoints = false;
};

}  // namespace cityops::widgets
