#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/storage/storage_result.h"

namespace cityops::engine::storage {

//! Where a dispatch message stands. Pending messages are retried; Delivered and Rejected are final.
enum class OutboxStatus : std::uint8_t { Pending, Delivered, Rejected };

//! One webhook delivery owed to a service: written by the database in the same transaction that moves
//! an alert from Assigned to Dispatched (a trigger on `alerts`), so a dispatch without its message (or
//! the reverse) cannot exist. Keyed by the alert id: one message per alert, ever.
struct OutboxMessage {
    std::uint64_t alertId = 0;
    std::string service;  //!< the service assigned ("Police", "Fire Department", ...)
    std::string payload;  //!< JSON snapshot of the alert at dispatch time
    std::int64_t createdMs = 0;
    int attempts = 0;
    std::int64_t nextAttemptMs = 0;
    std::string lastError;
    OutboxStatus status = OutboxStatus::Pending;
    std::optional<std::int64_t> finishedMs;  //!< delivery (or rejection) time
    int httpStatus = 0;                       //!< last HTTP status seen, 0 if none
};

//! Counts per status.
struct OutboxCounts {
    std::uint64_t pending = 0;
    std::uint64_t delivered = 0;
    std::uint64_t rejected = 0;
};

//! The dispatch outbox table (`dispatch_outbox`) inside the storage file, on its own connection.
//! open() installs the table and the trigger that fills it, so every Storage::applyAlertAction to
//! Dispatched enqueues its message atomically. Not thread-safe: one owner thread (the sender's).
class OutboxStore {
public:
    //! Opens (creating and migrating like Storage::open) the storage file and installs the outbox.
    static Result<std::unique_ptr<OutboxStore>> open(const std::filesystem::path& dbPath);
    ~OutboxStore();
    OutboxStore(const OutboxStore&) = delete;
    OutboxStore& operator=(const OutboxStore&) = delete;

    //! Pending messages with nextAttemptMs <= nowMs, oldest due first, at most limit.
    Result<std::vector<OutboxMessage>> due(std::int64_t nowMs, std::size_t limit);
    //! The earliest nextAttemptMs of a pending message, if any.
    Result<std::optional<std::int64_t>> nextDueMs();
    //! Records the service's acknowledgement; the message is never sent again.
    Result<void> markDelivered(std::uint64_t alertId, std::int64_t atMs, int httpStatus);
    //! Records a failed attempt and when to try again.
    Result<void> markRetry(std::uint64_t alertId, std::int64_t nextAttemptMs, int httpStatus, const std::string& error);
    //! Records a refusal the service will repeat (4xx other than 408/429): kept for the operator, not retried.
    Result<void> markRejected(std::uint64_t alertId, std::int64_t atMs, int httpStatus, const std::string& error);
    Result<std::optional<OutboxMessage>> message(std::uint64_t alertId);
    Result<OutboxCounts> counts();

private:
    struct Impl;
    explicit OutboxStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

//! What one HTTP attempt gave: a status (0 when no response arrived) or a transport error.
struct DeliveryAttempt {
    int httpStatus = 0;
    std::string error;  //!< empty when a response arrived
};

//! Sends one webhook request. Implementations must send the header `Idempotency-Key: <alert id>` so
//! the receiver can drop a repeat (a retry after a lost acknowledgement). Called from the sender's thread.
class WebhookTransport {
public:
    virtual ~WebhookTransport() = default;
    virtual DeliveryAttempt post(const std::string& url, const OutboxMessage& message) = 0;
};

//! Sender settings: one webhook URL per service and the retry schedule.
struct OutboxSenderOptions {
    std::map<std::string, std::string> serviceUrls;  //!< service name → http://host:port/path
    std::int64_t initialBackoffMs = 1000;            //!< wait after the first failure
    std::int64_t maxBackoffMs = 5 * 60 * 1000;       //!< the doubling stops here
    std::size_t batchSize = 64;                      //!< messages per pass
};

//! What one pass did.
struct OutboxPass {
    std::size_t delivered = 0;
    std::size_t retried = 0;
    std::size_t rejected = 0;
};

//! The sender's state machine: Pending --2xx--> Delivered; Pending --network error, 5xx, 408, 429,
//! no URL--> Pending with exponential backoff (initial × 2^(attempts−1), capped); Pending --other
//! 4xx--> Rejected. At-least-once towards the receiver (an acknowledgement lost in a crash is resent
//! with the same Idempotency-Key); a Delivered message is never sent again, across restarts.
//! Not thread-safe: one owner thread. The clock is injected (ms since the epoch) for tests.
class OutboxSender {
public:
    OutboxSender(OutboxStore& store, WebhookTransport& transport, OutboxSenderOptions options,
                 std::function<std::int64_t()> clock);

    //! Sends every message due now once (up to batchSize) and records the outcomes.
    Result<OutboxPass> runOnce();
    //! Backoff after the given number of failed attempts (>= 1).
    std::int64_t backoffMs(int attempts) const;
    const OutboxSenderOptions& options() const { return m_options; }

private:
    OutboxStore& m_store;
    WebhookTransport& m_transport;
    OutboxSenderOptions m_options;
    std::function<std::int64_t()> m_clock;
};

}  // namespace cityops::engine::storage
