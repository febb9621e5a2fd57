#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "cityops/engine/storage/outbox.h"

namespace cityops::connectors::dispatch {

//! An http:// URL split into its parts; error names the problem when the text is not one.
struct WebhookUrl {
    std::string host;
    std::string port;  //!< "80" when the URL names none
    std::string target;
    std::string error;
};

//! Parses "http://host[:port][/path]". https:// is refused with a clear message (no TLS client yet).
WebhookUrl parseWebhookUrl(const std::string& url);

//! POSTs the message's JSON payload over HTTP/1.1 (Boost.Beast, synchronous, one connection per
//! request) with the headers Idempotency-Key: <alert id>, X-CityOps-Service and Content-Type. Qt-free.
class HttpWebhookTransport : public engine::storage::WebhookTransport {
public:
    explicit HttpWebhookTransport(std::chrono::milliseconds timeout = std::chrono::seconds(5)) : m_timeout(timeout) {}
    engine::storage::DeliveryAttempt post(const std::string& url, const engine::storage::OutboxMessage& message) override;

private:
    std::chrono::milliseconds m_timeout;
};

//! Runs the outbox sender on its own thread: opens the outbox in the storage file, sends whatever is
//! due, sleeps until the next message is due (at most pollInterval) or wake() is called. The outcome
//! of every message stays in the outbox table; lastError() holds the newest store failure, if any.
//! Thread-safety: wake(), lastError() and the destructor may be called from any thread.
class DispatchWorker {
public:
    DispatchWorker(std::filesystem::path dbPath, engine::storage::OutboxSenderOptions options,
                   std::chrono::milliseconds pollInterval = std::chrono::seconds(1));
    //! Stops the thread after the message in flight (if any).
    ~DispatchWorker();
    DispatchWorker(const DispatchWorker&) = delete;
    DispatchWorker& operator=(const DispatchWorker&) = delete;

    //! Sends now (called after a dispatch action).
    void wake();
    std::string lastError() const;

private:
    void run();

    std::filesystem::path m_dbPath;
    engine::storage::OutboxSenderOptions m_options;
    std::chrono::milliseconds m_pollInterval;
    mutable std::mutex m_mutex;  //!< guards m_stop, m_woken, m_lastError
    std::condition_variable m_wake;
    bool m_stop = false;
    bool m_woken = false;
    std::string m_lastError;
    std::thread m_thread;
};

}  // namespace cityops::connectors::dispatch
