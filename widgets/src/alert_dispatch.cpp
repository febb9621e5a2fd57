#include "cityops/widgets/alert_dispatch.h"

#include <QTimer>

#include "cityops/connectors/dispatch/http_webhook.h"
#include "cityops/widgets/console_settings.h"

namespace cityops::widgets {

namespace {

constexpr int kErrorPollMs = 2000;  //!< how often the worker's newest error is looked at

}  // namespace

AlertDispatch::AlertDispatch(ConsoleSettings& settings, std::filesystem::path dbPath, QObject* parent)
    : QObject(parent), m_settings(settings), m_dbPath(std::move(dbPath)) {
    connect(&m_settings, &ConsoleSettings::changed, this, [this](ConsoleSettings::Key key) {
        if (ConsoleSettings::isWebhookKey(key)) restart();
    });
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, &AlertDispatch::pollError);
    poll->start(kErrorPollMs);
    // Opening the outbox installs its table and the trigger that fills it on every dispatch, so a
    // dispatch made before any webhook is configured is kept, Pending, and sent once one is.
    if (auto outbox = engine::storage::OutboxStore::open(m_dbPath); !outbox) {
        m_outboxError = tr("Dispatch outbox unavailable: %1").arg(QString::fromStdString(outbox.error().message));
    }
    restart();
}

AlertDispatch::~AlertDispatch() = default;

void AlertDispatch::wake() {
    if (m_worker) m_worker->wake();
}

void AlertDispatch::restart() {
    m_worker.reset();  // the old sender finishes the message in flight, then stops
    engine::storage::OutboxSenderOptions options;
    options.serviceUrls = m_settings.webhookUrls();
    if (options.serviceUrls.empty()) {
        m_configuredStatus = m_outboxError.isEmpty()
                                 ? tr("Dispatch: no webhook configured, dispatched alerts wait in the outbox")
                                 : m_outboxError;
        setStatus(m_configuredStatus);
        return;
    }
    m_worker = std::make_unique<connectors::dispatch::DispatchWorker>(m_dbPath, options);
    m_configuredStatus = tr("Dispatch: %n service(s) configured", nullptr, static_cast<int>(options.serviceUrls.size()));
    setStatus(m_configuredStatus);
}

void AlertDispatch::pollError() {
    if (!m_worker) return;
    const std::string error = m_worker->lastError();
    setStatus(error.empty() ? m_configuredStatus : tr("Dispatch error: %1").arg(QString::fromStdString(error)));
}

void AlertDispatch::setStatus(const QString& status) {
    if (status == m_status) return;
    m_status = status;
    emit statusChanged(m_status);
}

}  // namespace cityops::widgets
