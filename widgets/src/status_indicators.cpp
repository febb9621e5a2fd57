#include "cityops/widgets/status_indicators.h"

#include <QDateTime>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <algorithm>

namespace cityops::widgets {

namespace {

constexpr qint64 kRateIntervalMs = 1000;

QLabel* addLabel(QStatusBar& bar, const QString& objectName, bool permanent) {
    auto* label = new QLabel(&bar);
    label->setObjectName(objectName);
    label->setContentsMargins(6, 0, 6, 0);
    if (permanent)
        bar.addPermanentWidget(label);
    else
        bar.addWidget(label);
    return label;
}

}  // namespace

StatusIndicators::StatusIndicators(QStatusBar& statusBar, const QString& dataSource, QObject* parent)
    : QObject(parent),
      m_source(addLabel(statusBar, QStringLiteral("statusSource"), false)),
      m_simTime(addLabel(statusBar, QStringLiteral("statusSimTime"), true)),
      m_rate(addLabel(statusBar, QStringLiteral("statusRate"), true)),
      m_lag(addLabel(statusBar, QStringLiteral("statusLag"), true)),
      m_checkpoint(addLabel(statusBar, QStringLiteral("statusCheckpoint"), true)),
      m_late(addLabel(statusBar, QStringLiteral("statusLate"), true)),
      m_alerts(addLabel(statusBar, QStringLiteral("statusAlerts"), true)),
      m_frame(addLabel(statusBar, QStringLiteral("statusFrame"), true)) {
    m_source->setText(tr("Source: %1").arg(dataSource));
    m_clock.start();
    update(0, {}, 0);
    setFrameStats({}, {});
}

void StatusIndicators::setFrameStats(const DurationStats& frames, const DurationStats& stalls) {
    const QLocale locale;
    auto ms = [&locale](double value) { return locale.toString(value, 'f', 1); };
    if (frames.samples == 0) {
        m_frame->setText(tr("Frame p99: —"));
        m_frame->setToolTip(QString());
        return;
    }
    m_frame->setText(tr("Frame p99: %1 ms").arg(ms(frames.p99Ms)));
    m_frame->setToolTip(tr("Frame processing + map paint over the last %1 frames: p50 %2 ms, p99 %3 ms, max %4 ms\n"
                           "Event-loop stall over the last %5 heartbeats: p50 %6 ms, p99 %7 ms, max %8 ms")
                            .arg(frames.samples)
                            .arg(ms(frames.p50Ms), ms(frames.p99Ms), ms(frames.maxMs))
                            .arg(stalls.samples)
                            .arg(ms(stalls.p50Ms), ms(stalls.p99Ms), ms(stalls.maxMs)));
}

void StatusIndicators::setCheckpointsEnabled(bool enabled) { m_checkpoints = enabled; }

void StatusIndicators::update(std::int64_t simTimeMs, const engine::stream::JobMetrics& metrics, int alertCount) {
    const qint64 elapsed = m_clock.elapsed();
    if (elapsed >= kRateIntervalMs) {
        const std::uint64_t events = metrics.eventsIn;
        const std::uint64_t delta = events >= m_rateBaseEvents ? events - m_rateBaseEvents : 0;
        m_eventsPerSecond = static_cast<double>(delta) * 1000.0 / static_cast<double>(elapsed);
        m_rateBaseEvents = events;
        m_clock.restart();
    }
    const QLocale locale;
    const QString time =
        simTimeMs > 0
            ? QDateTime::fromMSecsSinceEpoch(simTimeMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
            : tr("—");
    m_simTime->setText(tr("Simulated: %1 UTC").arg(time));
    m_rate->setText(tr("%1 events/s").arg(locale.toString(m_eventsPerSecond, 'f', 0)));
    using engine::stream::kNoWatermark;
    m_lagMs = metrics.watermarkMs > kNoWatermark && metrics.maxEventTimeMs > kNoWatermark
                  ? std::max<std::int64_t>(0, metrics.maxEventTimeMs - metrics.watermarkMs)
                  : 0;
    m_lag->setText(tr("Watermark lag: %1 s").arg(locale.toString(static_cast<double>(m_lagMs) / 1000.0, 'f', 1)));
    m_checkpointAgeMs = m_checkpoints ? metrics.checkpoints.ageMs : -1;
    if (!m_checkpoints) {
        m_checkpoint->setText(tr("Checkpoint: off"));
        m_checkpoint->setToolTip(tr("No data directory: results are not stored and no checkpoints are taken"));
    } else if (m_checkpointAgeMs < 0) {
        m_checkpoint->setText(tr("Checkpoint: —"));
    } else {
        m_checkpoint->setText(
            tr("Checkpoint: %1 s ago").arg(locale.toString(static_cast<double>(m_checkpointAgeMs) / 1000.0, 'f', 0)));
        m_checkpoint->setToolTip(tr("Checkpoint %1: %2 ms, %3 bytes of state, %4 rows")
                                     .arg(metrics.checkpoints.lastId)
                                     .arg(locale.toString(metrics.checkpoints.lastDurationMs, 'f', 1))
                                     .arg(metrics.checkpoints.lastSizeBytes)
                                     .arg(metrics.checkpoints.lastRows));
    }
    m_late->setText(tr("Late: %1 · Dead letters: %2")
                        .arg(QString::number(metrics.lateEvents), QString::number(metrics.deadLetters)));
    m_alerts->setText(tr("Alerts: %1").arg(alertCount));
}

}  // namespace cityops::widgets
