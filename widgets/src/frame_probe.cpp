#include "cityops/widgets/frame_probe.h"

#include <QTimer>
#include <algorithm>
#include <cmath>

namespace cityops::widgets {

SlidingWindow::SlidingWindow(std::size_t capacity) : m_capacity(std::max<std::size_t>(1, capacity)) {
    m_samples.reserve(m_capacity);
}

void SlidingWindow::add(double ms) {
    if (m_samples.size() < m_capacity) {
        m_samples.push_back(ms);
    } else {
        m_samples[m_next] = ms;
    }
    m_next = (m_next + 1) % m_capacity;
    ++m_total;
}

DurationStats SlidingWindow::stats() const {
    DurationStats result;
    result.samples = m_samples.size();
    if (m_samples.empty()) return result;
    std::vector<double> sorted = m_samples;
    std::sort(sorted.begin(), sorted.end());
    const auto rank = [&sorted](double q) {
        const auto n = static_cast<double>(sorted.size());
        const auto index = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n))) - 1;
        return sorted[std::min(index, sorted.size() - 1)];
    };
    result.p50Ms = rank(0.50);
    result.p99Ms = rank(0.99);
    result.maxMs = sorted.back();
    return result;
}

FrameProbe::FrameProbe(QObject* parent) : QObject(parent), m_heartbeat(new QTimer(this)) {
    m_heartbeat->setTimerType(Qt::PreciseTimer);
    m_heartbeat->setInterval(kHeartbeatMs);
    connect(m_heartbeat, &QTimer::timeout, this, &FrameProbe::onHeartbeat);
}

void FrameProbe::start() {
    m_sinceBeat.start();
    m_heartbeat->start();
}

void FrameProbe::stop() {
    m_heartbeat->stop();
}

bool FrameProbe::isRunning() const {
    return m_heartbeat->isActive();
}

void FrameProbe::recordFrame(double ms) {
    m_frames.add(ms);
}

void FrameProbe::onHeartbeat() {
    const double elapsedMs = static_cast<double>(m_sinceBeat.nsecsElapsed()) / 1e6;
    m_sinceBeat.start();
    m_stalls.add(std::max(0.0, elapsedMs - kHeartbeatMs));
}

}  // namespace cityops::widgets
