#include <algorithm>
#include <exception>

#include "cityops/engine/storage/outbox.h"

namespace cityops::engine::storage {

namespace {

//! Worth retrying: no response, a server-side failure, a timeout or throttling.
bool transient(int httpStatus) {
    return httpStatus == 0 || httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
}

}  // namespace

OutboxSender::OutboxSender(OutboxStore& store, WebhookTransport& transport, OutboxSenderOptions options,
                           std::function<std::int64_t()> clock)
    : m_store(store), m_transport(transport), m_options(std::move(options)), m_clock(std::move(clock)) {
    m_options.initialBackoffMs = std::max<std::int64_t>(1, m_options.initialBackoffMs);
    m_options.maxBackoffMs = std::max(m_options.initialBackoffMs, m_options.maxBackoffMs);
    m_options.batchSize = std::max<std::size_t>(1, m_options.batchSize);
}

std::int64_t OutboxSender::backoffMs(int attempts) const {
    std::int64_t wait = m_options.initialBackoffMs;
    for (int i = 1; i < attempts && wait < m_options.maxBackoffMs; ++i) wait *= 2;
    return std::min(wait, m_options.maxBackoffMs);
}

Result<OutboxPass> OutboxSender::runOnce() {
    OutboxPass pass;
    auto due = m_store.due(m_clock(), m_options.batchSize);
    if (!due) return due.error();
    for (const OutboxMessage& message : *due) {
        DeliveryAttempt attempt;
        const auto url = m_options.serviceUrls.find(message.service);
        if (url == m_options.serviceUrls.end() || url->second.empty()) {
            attempt.error = "no webhook URL configured for service '" + message.service + "'";
        } else {
            try {
                attempt = m_transport.post(url->second, message);
            } catch (const std::exception& e) {
                attempt = DeliveryAttempt{0, e.what()};
            }
        }
        const std::int64_t now = m_clock();
        Result<void> recorded;
        if (attempt.error.empty() && attempt.httpStatus >= 200 && attempt.httpStatus < 300) {
            recorded = m_store.markDelivered(message.alertId, now, attempt.httpStatus);
            ++pass.delivered;
        } else if (!attempt.error.empty() || transient(attempt.httpStatus)) {
            const std::string error =
                attempt.error.empty() ? "HTTP " + std::to_string(attempt.httpStatus) : attempt.error;
            recorded = m_store.markRetry(message.alertId, now + backoffMs(message.attempts + 1), attempt.httpStatus,
                                         error);
            ++pass.retried;
        } else {
            recorded = m_store.markRejected(message.alertId, now, attempt.httpStatus,
                                            "HTTP " + std::to_string(attempt.httpStatus) + " from " + message.service);
            ++pass.rejected;
        }
        if (!recorded) return recorded.error();
    }
    return pass;
}

}  // namespace cityops::engine::storage
