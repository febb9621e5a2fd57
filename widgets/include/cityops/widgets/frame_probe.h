#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <cstddef>
#include <vector>

class QTimer;

namespace cityops::widgets {

//! Order statistics of a window of durations, in milliseconds (all zero when samples == 0).
struct DurationStats {
    std::size_t samples = 0;
    double p50Ms = 0.0;
    double p99Ms = 0.0;
    double maxMs = 0.0;
};

//! A fixed-capacity ring of the latest samples with nearest-rank percentiles over them.
class SlidingWindow {
public:
    explicit SlidingWindow(std::size_t capacity);

    void add(double ms);
    DurationStats stats() const;
    std::size_t size() const { return m_samples.size(); }
    //! Samples ever added (not only those still in the window).
    std::size_t total() const { return m_total; }

private:
    std::vector<double> m_samples;
    std::size_t m_capacity;
    std::size_t m_next = 0;
    std::size_t m_total = 0;
};

//! Measures the console's frame cost and the UI event loop's responsiveness: recordFrame() takes the
//! duration of one frame's processing + paint, and a heartbeat timer (started by start()) records
//! how late each of its ticks fires, i.e. how long the event loop was stalled. Both are kept over
//! a sliding window for p50 / p99 / max. Lives on the UI thread; read it from there (status bar,
//! tool tips, a headless benchmark driving the window).
class FrameProbe : public QObject {
    Q_OBJECT

public:
    static constexpr int kHeartbeatMs = 50;
    static constexpr std::size_t kWindow = 600;  //!< about 20 s of frames at 30 Hz, 30 s of heartbeats

    explicit FrameProbe(QObject* parent = nullptr);

    void start();
    void stop();
    bool isRunning() const;

    void recordFrame(double ms);
    //! Frame processing + paint time over the latest kWindow frames.
    DurationStats frameStats() const { return m_frames.stats(); }
    //! Heartbeat lateness (event-loop stall) over the latest kWindow heartbeats.
    DurationStats stallStats() const { return m_stalls.stats(); }
    std::size_t frameCount() const { return m_frames.total(); }
    std::size_t heartbeatCount() const { return m_stalls.total(); }

private:
    void onHeartbeat();

    SlidingWindow m_frames{kWindow};
    SlidingWindow m_stalls{kWindow};
    QTimer* m_heartbeat;
    QElapsedTimer m_sinceBeat;
};

}  // namespace cityops::widgets
