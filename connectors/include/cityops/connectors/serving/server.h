#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "cityops/connectors/serving/alert_actions.h"
#include "cityops/connectors/serving/metrics_text.h"
#include "cityops/engine/alert.h"
#include "cityops/engine/expected.h"
#include "cityops/engine/latest_values.h"
#include "cityops/engine/stream/stream_metrics.h"

namespace cityops::connectors::serving {

//! Settings of the local serving layer. Off unless the caller starts a Server; loopback by default.
struct ServerOptions {
    std::string bindAddress = "127.0.0.1";  //!< any other address exposes the API to the network
    std::uint16_t port = 8787;              //!< 0 = an ephemeral port (see Server::port())
    std::string token;                      //!< bearer token every /api request must carry; never empty
    bool metricsNeedToken = false;          //!< GET /metrics without a token (Prometheus scrapes loopback)
    std::filesystem::path storagePath;      //!< cityops.db the REST queries read (read-only connections)
    std::size_t maxBodyBytes = 16 * 1024;   //!< larger request bodies get 413
    std::size_t maxHeaderBytes = 8 * 1024;  //!< larger request headers (and targets) get 431
    int ioThreads = 1;                      //!< HTTP/WebSocket threads; the engine is never one of them
    std::chrono::milliseconds streamInterval{250};  //!< WebSocket batches at most this often
    std::size_t streamQueueLimit = 32;   //!< batches queued per WebSocket client before new ones are dropped
    std::size_t maxPendingAlerts = 4096;  //!< alerts published between two batches before more are dropped
    std::size_t maxValuesPerBatch = 5000;  //!< live values per batch (the rest go in the next one)
    int maxWebSocketClients = 64;
};

//! What the running application lends the server besides the store. Every member is optional.
struct ServingHooks {
    //! Latest value per sensor (LiveJobs::latest()); read by the stream thread, never written.
    const engine::LatestValues* latest = nullptr;
    //! A metrics snapshot of the running jobs (LiveJobs::metrics()), called from a server thread at
    //! most once per stream interval and once per scrape.
    std::function<std::optional<engine::stream::JobMetrics>()> jobMetrics;
    //! Alert actions; when unset, POST /api/v1/alerts/{id}/actions answers 503.
    AlertActionHandler alertActions;
};

//! Counters of the serving layer itself (also exported by /metrics).
struct ServerStats {
    std::uint64_t httpRequests = 0;
    std::uint64_t webSocketClients = 0;  //!< connected now
    std::uint64_t streamBatches = 0;     //!< batches built by the publisher
    std::uint64_t streamMessagesSent = 0;
    std::uint64_t streamMessagesDropped = 0;  //!< batches a slow client did not get
    std::uint64_t alertsDropped = 0;          //!< published alerts beyond maxPendingAlerts
};

//! The local REST + WebSocket + Prometheus server (Boost.Beast over Asio on its own io threads).
//! Routes: see routeTable() and GET /api/v1/openapi.json. Every /api route needs
//! `Authorization: Bearer <token>` (the WebSocket also accepts `?token=`); the token comparison takes
//! constant time. Errors are JSON: {"error": "...", "field": "..."} with 400, 401, 404, 405, 409,
//! 413, 431 or 503.
//!
//! Thread-safety: publishAlerts(), setUiSample(), stats() and port() may be called from any thread and
//! never block on the network: publishAlerts takes one short lock per call and drops (counting)
//! what exceeds maxPendingAlerts. The destructor stops the io threads and closes every connection.
class Server {
public:
    //! Binds and starts serving. Errors: empty token, bad address, port in use, unreadable store.
    static engine::Expected<std::unique_ptr<Server>, std::string> start(ServerOptions options, ServingHooks hooks);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    //! The bound port (the ephemeral one when options.port was 0).
    std::uint16_t port() const;
    //! Hands new alerts to the WebSocket stream (the next batch carries them).
    void publishAlerts(std::span<const engine::Alert> alerts);
    //! The console's latest UI responsiveness figures, exported by /metrics.
    void setUiSample(const UiSample& sample);
    ServerStats stats() const;

    struct Impl;

private:
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::connectors::serving
