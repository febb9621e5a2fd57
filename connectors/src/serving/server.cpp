#include "cityops/connectors/serving/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "api_handlers.h"
#include "api_request.h"
#include "cityops/connectors/serving/api_routes.h"
#include "cityops/connectors/serving/serving_token.h"
#include "json_writer.h"

namespace cityops::connectors::serving {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);

//! What a stream batch carries: alerts published since the previous one and changed live values.
struct StreamValue {
    std::uint32_t sensorId = 0;
    std::uint8_t kind = 0xff;  //!< SensorKind, 0xff when the registry does not know the sensor
    double value = 0.0;
    std::int64_t eventTimeMs = 0;
};

struct StreamBatch {
    std::uint64_t seq = 0;
    std::vector<engine::Alert> alerts;
    std::vector<std::uint8_t> alertKinds;  //!< SensorKind of each alert's sensor (0xff unknown)
    std::vector<StreamValue> values;
    std::shared_ptr<const Registry> registry;
};

//! A client's choice of what to receive (set by its subscribe message).
struct Subscription {
    bool active = false;
    bool alerts = true;
    bool values = true;
    std::vector<std::uint8_t> kinds;  //!< empty = all
    std::vector<std::uint32_t> sensors;
    std::vector<std::string> rules;

    bool wantsKind(std::uint8_t kind) const {
        return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    }
    bool wantsSensor(std::uint32_t id) const {
        return sensors.empty() || std::binary_search(sensors.begin(), sensors.end(), id);
    }
};

//! Route template of a request path, or empty. Method is not considered here.
std::string matchRoute(const std::vector<std::string>& s) {
    const auto n = s.size();
    if (n == 1 && s[0] == "metrics") return "/metrics";
    if (n < 3 || s[0] != "api" || s[1] != "v1") return {};
    if (n == 3 && s[2] == "sensors") return "/api/v1/sensors";
    if (n == 5 && s[2] == "sensors" && s[4] == "latest") return "/api/v1/sensors/{id}/latest";
    if (n == 5 && s[2] == "sensors" && s[4] == "series") return "/api/v1/sensors/{id}/series";
    if (n == 3 && s[2] == "aggregates") return "/api/v1/aggregates";
    if (n == 3 && s[2] == "alerts") return "/api/v1/alerts";
    if (n == 4 && s[2] == "alerts") return "/api/v1/alerts/{id}";
    if (n == 5 && s[2] == "alerts" && s[4] == "actions") return "/api/v1/alerts/{id}/actions";
    if (n == 3 && s[2] == "stream") return "/api/v1/stream";
    if (n == 3 && s[2] == "openapi.json") return "/api/v1/openapi.json";
    return {};
}

const RouteInfo* routeInfo(const std::string& path, std::string_view method) {
    for (const auto& r : routeTable()) {
        if (r.path == path && r.method == method) return &r;
    }
    return nullptr;
}

}  // namespace

class WsSession;

struct Server::Impl {
    ServerOptions options;
    ServingHooks hooks;
    ReaderPool readers;
    RegistryCache registry;
    ApiHandlers api;

    // Serving metrics, guarded by metricsMutex.
    mutable std::mutex metricsMutex;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requestCounts;
    Histogram requestDuration{{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5}};
    Histogram checkpointDurations{{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0}};
    std::uint64_t lastCheckpointId = 0;
    std::optional<UiSample> ui;

    std::atomic<std::uint64_t> httpRequests{0};
    std::atomic<std::uint64_t> streamBatches{0};
    std::atomic<std::uint64_t> streamSent{0};
    std::atomic<std::uint64_t> streamDropped{0};
    std::atomic<std::uint64_t> alertsDropped{0};

    // Stream hub: pending alerts (any thread → publisher) and the connected clients.
    std::mutex pendingMutex;
    std::vector<engine::Alert> pendingAlerts;
    std::mutex sessionsMutex;
    std::vector<std::weak_ptr<WsSession>> sessions;
    std::vector<std::int64_t> lastValueTimes;  //!< publisher only
    std::uint32_t valueCursor = 0;             //!< publisher only: where the next value scan starts
    std::uint64_t batchSeq = 0;                //!< publisher only
    std::chrono::steady_clock::time_point lastMetricsPoll;

    net::io_context io;
    tcp::acceptor acceptor{io};
    net::steady_timer streamTimer{io};
    std::vector<std::thread> threads;

    Impl(ServerOptions o, ServingHooks h)
        : options(std::move(o)), hooks(std::move(h)), readers(options.storagePath), registry(readers),
          api(readers, registry, hooks) {}

    void accept();
    void scheduleStream();
    void publish();
    void pollCheckpoints();
    std::string metricsText();
    void countRequest(const std::string& route, const std::string& method, int status, double seconds);
    bool authorized(const http::request<http::string_body>& request, const ApiRequest& parsed, bool allowQuery) const;
    std::size_t sessionCount();
};

//! One WebSocket client of /api/v1/stream: reads subscribe messages, writes batches one at a time
//! from a bounded queue on its strand; batches beyond the queue limit are dropped and counted.
class WsSession : public std::enable_shared_from_this<WsSession> {
public:
    WsSession(tcp::socket&& socket, Server::Impl& server) : m_ws(std::move(socket)), m_server(server) {}

    void start(http::request<http::string_body> request) {
        m_ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        m_ws.read_message_max(64 * 1024);
        m_ws.async_accept(request, beast::bind_front_handler(&WsSession::onAccept, shared_from_this()));
    }

    //! Called on this session's strand by the publisher with every batch.
    void deliver(const std::shared_ptr<const StreamBatch>& batch) {
        if (m_closed || !m_sub.active) return;
        JsonWriter json;
        json.beginObject().field("type", "batch").field("seq", batch->seq);
        json.key("alerts").beginArray();
        std::size_t items = 0;
        if (m_sub.alerts) {
            for (std::size_t i = 0; i < batch->alerts.size(); ++i) {
                const auto& a = batch->alerts[i];
                if (!m_sub.wantsKind(batch->alertKinds[i]) || !m_sub.wantsSensor(a.sensorId)) continue;
                if (!m_sub.rules.empty() &&
                    std::find(m_sub.rules.begin(), m_sub.rules.end(), engine::toString(a.rule)) == m_sub.rules.end()) {
                    continue;
                }
                writeAlertJson(json, a, batch->registry.get());
                ++items;
            }
        }
        json.endArray().key("values").beginArray();
        if (m_sub.values) {
            for (const auto& v : batch->values) {
                if (!m_sub.wantsKind(v.kind) || !m_sub.wantsSensor(v.sensorId)) continue;
                json.beginObject().field("sensor", v.sensorId).field("value", v.value);
                json.field("eventTimeMs", v.eventTimeMs).endObject();
                ++items;
            }
        }
        json.endArray().field("dropped", m_dropped).endObject();
        if (items == 0) return;
        if (m_queue.size() >= m_server.options.streamQueueLimit) {
            ++m_dropped;
            m_server.streamDropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        send(std::make_shared<const std::string>(json.take()));
    }

    net::any_io_executor executor() { return m_ws.get_executor(); }

private:
    void onAccept(beast::error_code ec) {
        if (ec) return;
        {
            std::lock_guard lock(m_server.sessionsMutex);
            m_server.sessions.push_back(weak_from_this());
        }
        read();
    }

    void read() {
        m_ws.async_read(m_buffer, beast::bind_front_handler(&WsSession::onRead, shared_from_this()));
    }

    void onRead(beast::error_code ec, std::size_t) {
        if (ec) {
            m_closed = true;
            return;
        }
        const std::string text = beast::buffers_to_string(m_buffer.data());
        m_buffer.consume(m_buffer.size());
        std::string error;
        std::string field;
        if (!subscribe(text, error, field)) {
            JsonWriter json;
            json.beginObject().field("type", "error").field("error", error);
            if (!field.empty()) json.field("field", field);
            json.endObject();
            send(std::make_shared<const std::string>(json.take()));
        } else {
            send(std::make_shared<const std::string>(R"({"type":"subscribed"})"));
        }
        read();
    }

    //! Parses {"type":"subscribe", "alerts":bool, "values":bool, "kinds":[..], "sensors":[..], "rules":[..]}.
    bool subscribe(const std::string& text, std::string& error, std::string& field) {
        simdjson::dom::parser parser;
        const simdjson::padded_string padded(text);
        simdjson::dom::object object;
        if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
            error = "the message is not a JSON object";
            return false;
        }
        std::string_view type;
        if (object["type"].get_string().get(type) != simdjson::SUCCESS || type != "subscribe") {
            error = "type must be \"subscribe\"";
            field = "type";
            return false;
        }
        Subscription sub;
        sub.active = true;
        bool flag = false;
        if (object["alerts"].get_bool().get(flag) == simdjson::SUCCESS) sub.alerts = flag;
        if (object["values"].get_bool().get(flag) == simdjson::SUCCESS) sub.values = flag;
        simdjson::dom::array list;
        if (object["kinds"].get_array().get(list) == simdjson::SUCCESS) {
            for (auto item : list) {
                std::string_view name;
                bool known = false;
                if (item.get_string().get(name) == simdjson::SUCCESS) {
                    for (int k = 0; k < engine::kSensorKindCount; ++k) {
                        if (engine::toString(static_cast<engine::SensorKind>(k)) == name) {
                            sub.kinds.push_back(static_cast<std::uint8_t>(k));
                            known = true;
                        }
                    }
                }
                if (!known) {
                    error = "kinds: unknown sensor kind";
                    field = "kinds";
                    return false;
                }
            }
        }
        if (object["sensors"].get_array().get(list) == simdjson::SUCCESS) {
            for (auto item : list) {
                std::uint64_t id = 0;
                if (item.get_uint64().get(id) != simdjson::SUCCESS || id > 0xffffffffu) {
                    error = "sensors: each must be a sensor id";
                    field = "sensors";
                    return false;
                }
                sub.sensors.push_back(static_cast<std::uint32_t>(id));
            }
            std::sort(sub.sensors.begin(), sub.sensors.end());
        }
        if (object["rules"].get_array().get(list) == simdjson::SUCCESS) {
            for (auto item : list) {
                std::string_view name;
                if (item.get_string().get(name) != simdjson::SUCCESS) {
                    error = "rules: each must be a rule name";
                    field = "rules";
                    return false;
                }
                sub.rules.emplace_back(name);
            }
        }
        m_sub = std::move(sub);
        return true;
    }

    void send(std::shared_ptr<const std::string> message) {
        m_queue.push_back(std::move(message));
        if (m_queue.size() == 1) write();
    }

    void write() {
        m_ws.text(true);
        m_ws.async_write(net::buffer(*m_queue.front()),
                         beast::bind_front_handler(&WsSession::onWrite, shared_from_this()));
    }

    void onWrite(beast::error_code ec, std::size_t) {
        if (ec) {
            m_closed = true;
            m_queue.clear();
            return;
        }
        m_server.streamSent.fetch_add(1, std::memory_order_relaxed);
        m_queue.pop_front();
        if (!m_queue.empty()) write();
    }

    websocket::stream<beast::tcp_stream> m_ws;
    Server::Impl& m_server;
    beast::flat_buffer m_buffer;
    std::deque<std::shared_ptr<const std::string>> m_queue;
    Subscription m_sub;
    std::uint64_t m_dropped = 0;
    bool m_closed = false;
};

//! One HTTP connection: reads requests with size limits, answers them in order, hands a
//! /api/v1/stream upgrade to a WsSession.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(tcp::socket&& socket, Server::Impl& server) : m_stream(std::move(socket)), m_server(server) {}

    void start() { read(); }

private:
    void read() {
        m_parser.emplace();
        m_parser->body_limit(m_server.options.maxBodyBytes);
        m_parser->header_limit(static_cast<std::uint32_t>(m_server.options.maxHeaderBytes));
        m_stream.expires_after(kReadTimeout);
        http::async_read(m_stream, m_buffer, *m_parser, beast::bind_front_handler(&HttpSession::onRead, shared_from_this()));
    }

    void onRead(beast::error_code ec, std::size_t) {
        if (ec == http::error::body_limit) {
            return reply(errorResponse(413, "the request body exceeds " + std::to_string(m_server.options.maxBodyBytes) +
                                                " bytes"),
                         false);
        }
        if (ec == http::error::header_limit) {
            return reply(errorResponse(431, "the request header exceeds " +
                                                std::to_string(m_server.options.maxHeaderBytes) + " bytes"),
                         false);
        }
        if (ec) {
            m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
            return;
        }
        http::request<http::string_body> request = m_parser->release();
        const auto started = std::chrono::steady_clock::now();
        ApiRequest parsed;
        parsed.method = std::string(request.method_string());
        std::string route;
        if (!parseTarget(std::string_view(request.target().data(), request.target().size()), parsed)) {
            auto response = errorResponse(400, "the request target is not valid percent-encoding", "target");
            finish(std::move(response), request, "invalid", parsed.method, started);
            return;
        }
        route = matchRoute(parsed.segments);
        if (route == "/api/v1/stream" && websocket::is_upgrade(request)) {
            if (!m_server.authorized(request, parsed, true)) {
                finish(unauthorized(), request, route, parsed.method, started);
                return;
            }
            if (m_server.sessionCount() >= static_cast<std::size_t>(m_server.options.maxWebSocketClients)) {
                finish(errorResponse(503, "too many stream clients"), request, route, parsed.method, started);
                return;
            }
            m_server.countRequest(route, parsed.method, 101, 0.0);
            std::make_shared<WsSession>(m_stream.release_socket(), m_server)->start(std::move(request));
            return;
        }
        finish(respond(route, request, parsed), request, route.empty() ? "unmatched" : route, parsed.method, started);
    }

    http::response<http::string_body> respond(const std::string& route, const http::request<http::string_body>& request,
                                              ApiRequest& parsed) {
        if (route.empty()) return errorResponse(404, "no such resource: " + parsed.path);
        const RouteInfo* info = routeInfo(route, parsed.method);
        if (!info) {
            std::string allowed;
            for (const auto& r : routeTable()) {
                if (r.path == route) allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
            }
            auto response = errorResponse(405, parsed.method + " is not allowed on " + route + " (use " + allowed + ")");
            response.set(http::field::allow, allowed);
            return response;
        }
        const bool needsToken = info->needsToken || m_server.options.metricsNeedToken;
        if (needsToken && !m_server.authorized(request, parsed, false)) return unauthorized();
        if (route == "/api/v1/stream") return errorResponse(400, "this route needs a WebSocket upgrade", "Upgrade");
        if (route == "/api/v1/openapi.json") return textResponse(200, std::string(openApiJson()), "application/json");
        if (route == "/metrics") return textResponse(200, m_server.metricsText(), "text/plain; version=0.0.4; charset=utf-8");
        parsed.body = request.body();
        const auto contentType = request[http::field::content_type];
        parsed.contentType.assign(contentType.data(), contentType.size());
        try {
            ApiResponse response = m_server.api.handle(route, parsed);
            return textResponse(response.status, std::move(response.body), response.contentType);
        } catch (const BadRequest& bad) {
            return errorResponse(400, bad.message, bad.field);
        } catch (const std::exception& e) {
            return errorResponse(503, e.what());
        }
    }

    static http::response<http::string_body> textResponse(int status, std::string body, const std::string& type) {
        http::response<http::string_body> response{static_cast<http::status>(status), 11};
        response.set(http::field::server, "CityOps");
        response.set(http::field::content_type, type);
        response.set(http::field::cache_control, "no-store");
        response.body() = std::move(body);
        return response;
    }

    static http::response<http::string_body> errorResponse(int status, const std::string& message,
                                                           const std::string& field = {}) {
        return textResponse(status, errorBody(message, field), "application/json");
    }

    static http::response<http::string_body> unauthorized() {
        auto response = errorResponse(401, "missing or wrong bearer token (Authorization: Bearer <token>)");
        response.set(http::field::www_authenticate, "Bearer realm=\"cityops\"");
        return response;
    }

    void finish(http::response<http::string_body> response, const http::request<http::string_body>& request,
                const std::string& route, const std::string& method, std::chrono::steady_clock::time_point started) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        m_server.countRequest(route, method, static_cast<int>(response.result_int()), seconds);
        reply(std::move(response), request.keep_alive());
    }

    void reply(http::response<http::string_body> response, bool keepAlive) {
        response.keep_alive(keepAlive);
        response.prepare_payload();
        auto shared = std::make_shared<http::response<http::string_body>>(std::move(response));
        http::async_write(m_stream, *shared,
                          [self = shared_from_this(), shared, keepAlive](beast::error_code ec, std::size_t) {
                              if (ec) return;
                              if (!keepAlive) {
                                  self->m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
                                  return;
                              }
                              self->read();
                          });
    }

    beast::tcp_stream m_stream;
    Server::Impl& m_server;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
};

bool Server::Impl::authorized(const http::request<http::string_body>& request, const ApiRequest& parsed,
                              bool allowQuery) const {
    const auto raw = request[http::field::authorization];
    const std::string_view header(raw.data(), raw.size());
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() > kBearer.size() && header.substr(0, kBearer.size()) == kBearer) {
        return constantTimeEquals(header.substr(kBearer.size()), options.token);
    }
    if (allowQuery) {
        const auto it = parsed.query.find("token");
        if (it != parsed.query.end()) return constantTimeEquals(it->second, options.token);
    }
    return false;
}

std::size_t Server::Impl::sessionCount() {
    std::lock_guard lock(sessionsMutex);
    sessions.erase(std::remove_if(sessions.begin(), sessions.end(), [](const auto& w) { return w.expired(); }),
                   sessions.end());
    return sessions.size();
}

void Server::Impl::countRequest(const std::string& route, const std::string& method, int status, double seconds) {
    httpRequests.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(metricsMutex);
    ++requestCounts[{route, method, status}];
    if (status != 101) requestDuration.observe(seconds);
}

void Server::Impl::accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted) return;
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            std::make_shared<HttpSession>(std::move(socket), *this)->start();
        }
        accept();
    });
}

void Server::Impl::scheduleStream() {
    streamTimer.expires_after(options.streamInterval);
    streamTimer.async_wait([this](beast::error_code ec) {
        if (ec) return;
        publish();
        scheduleStream();
    });
}

void Server::Impl::pollCheckpoints() {
    if (!hooks.jobMetrics) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - lastMetricsPoll < std::chrono::seconds(1)) return;
    lastMetricsPoll = now;
    const auto metrics = hooks.jobMetrics();
    if (!metrics) return;
    std::lock_guard lock(metricsMutex);
    if (metrics->checkpoints.lastId != lastCheckpointId && metrics->checkpoints.completed > 0) {
        if (lastCheckpointId != 0 || metrics->checkpoints.completed == 1) {
            checkpointDurations.observe(metrics->checkpoints.lastDurationMs / 1000.0);
        }
        lastCheckpointId = metrics->checkpoints.lastId;
    }
}

void Server::Impl::publish() {
    pollCheckpoints();
    auto batch = std::make_shared<StreamBatch>();
    {
        std::lock_guard lock(pendingMutex);
        batch->alerts.swap(pendingAlerts);
    }
    std::vector<std::shared_ptr<WsSession>> live;
    {
        std::lock_guard lock(sessionsMutex);
        for (auto it = sessions.begin(); it != sessions.end();) {
            if (auto s = it->lock()) {
                live.push_back(std::move(s));
                ++it;
            } else {
                it = sessions.erase(it);
            }
        }
    }
    if (live.empty()) return;  // a client that joins later first gets every sensor's current value
    try {
        batch->registry = registry.get();
    } catch (const std::exception&) {
        batch->registry = std::make_shared<Registry>();
    }
    auto kindOf = [&](std::uint32_t id) -> std::uint8_t {
        const auto* s = batch->registry->find(id);
        return s ? static_cast<std::uint8_t>(s->kind) : std::uint8_t{0xff};
    };
    for (const auto& a : batch->alerts) batch->alertKinds.push_back(kindOf(a.sensorId));
    if (const engine::LatestValues* latest = hooks.latest) {
        const std::uint32_t n = latest->size();
        if (lastValueTimes.size() != n) lastValueTimes.assign(n, engine::LatestValues::kNoTime);
        for (std::uint32_t i = 0; i < n && batch->values.size() < options.maxValuesPerBatch; ++i) {
            const std::uint32_t id = (valueCursor + i) % n;
            const std::int64_t t = latest->eventTimeMs(id);
            if (t == lastValueTimes[id]) continue;
            lastValueTimes[id] = t;
            batch->values.push_back({id, kindOf(id), latest->value(id), t});
            if (batch->values.size() == options.maxValuesPerBatch) valueCursor = (id + 1) % n;
        }
    }
    if (batch->alerts.empty() && batch->values.empty()) return;
    batch->seq = ++batchSeq;
    streamBatches.fetch_add(1, std::memory_order_relaxed);
    std::shared_ptr<const StreamBatch> shared = std::move(batch);
    for (auto& session : live) {
        net::post(session->executor(), [session, shared] { session->deliver(shared); });
    }
}

std::string Server::Impl::metricsText() {
    PrometheusWriter out;
    out.family("cityops_up", "gauge", "1 while the serving layer answers.");
    out.sample("cityops_up", 1.0);
    if (hooks.jobMetrics) {
        if (const auto metrics = hooks.jobMetrics()) {
            std::lock_guard lock(metricsMutex);
            writeJobMetrics(out, *metrics, checkpointDurations);
        }
    }
    {
        std::lock_guard lock(metricsMutex);
        if (ui) writeUiMetrics(out, *ui);
    }
    try {
        auto reader = readers.acquire();
        auto counts = reader->alertCounts(engine::storage::AlertGroup::State, std::numeric_limits<std::int64_t>::min(),
                                          std::numeric_limits<std::int64_t>::max());
        if (counts) {
            out.family("cityops_alerts", "gauge", "Stored alerts by lifecycle state.");
            for (int s = 0; s < engine::storage::kAlertStateCount; ++s) {
                const std::string name(engine::storage::toString(static_cast<engine::storage::AlertState>(s)));
                std::uint64_t n = 0;
                for (const auto& c : *counts) {
                    if (c.key == name) n = c.count;
                }
                out.sample("cityops_alerts", {{"state", name}}, static_cast<double>(n));
            }
        }
        if (auto stats = reader->stats()) {
            for (const auto& t : stats->tables) {
                if (t.table == "dead_letters") {
                    out.family("cityops_dead_letters_stored", "gauge", "Dead letters kept in the store for replay.");
                    out.sample("cityops_dead_letters_stored", static_cast<double>(t.rows));
                }
            }
        }
    } catch (const std::exception&) {
        // The store is unreadable now: the scrape still reports the engine and the server.
    }
    const std::size_t clients = sessionCount();
    std::lock_guard lock(metricsMutex);
    out.family("cityops_http_requests_total", "counter", "HTTP requests answered, by route, method and status.");
    for (const auto& [key, n] : requestCounts) {
        const auto& [route, method, status] = key;
        out.sample("cityops_http_requests_total", {{"route", route}, {"method", method}, {"code", std::to_string(status)}},
                   static_cast<double>(n));
    }
    out.family("cityops_http_request_duration_seconds", "histogram", "Time to answer an HTTP request.");
    out.histogram("cityops_http_request_duration_seconds", {}, requestDuration);
    out.family("cityops_ws_clients", "gauge", "WebSocket stream clients connected.");
    out.sample("cityops_ws_clients", static_cast<double>(clients));
    out.family("cityops_ws_batches_total", "counter", "Stream batches built by the publisher.");
    out.sample("cityops_ws_batches_total", static_cast<double>(streamBatches.load()));
    out.family("cityops_ws_messages_sent_total", "counter", "WebSocket messages written to clients.");
    out.sample("cityops_ws_messages_sent_total", static_cast<double>(streamSent.load()));
    out.family("cityops_ws_messages_dropped_total", "counter", "Stream batches slow clients did not get.");
    out.sample("cityops_ws_messages_dropped_total", static_cast<double>(streamDropped.load()));
    out.family("cityops_ws_alerts_dropped_total", "counter", "Published alerts beyond the pending limit.");
    out.sample("cityops_ws_alerts_dropped_total", static_cast<double>(alertsDropped.load()));
    return out.text();
}

engine::Expected<std::unique_ptr<Server>, std::string> Server::start(ServerOptions options, ServingHooks hooks) {
    if (options.token.size() < 16) return std::string("the serving token must have at least 16 characters");
    if (options.ioThreads < 1) options.ioThreads = 1;
    auto impl = std::make_unique<Impl>(std::move(options), std::move(hooks));
    {
        auto reader = engine::storage::StorageReader::open(impl->options.storagePath);
        if (!reader) return std::string("serving: " + reader.error().message);
    }
    beast::error_code ec;
    const auto address = net::ip::make_address(impl->options.bindAddress, ec);
    if (ec) return std::string("serving: '" + impl->options.bindAddress + "' is not an IP address");
    const tcp::endpoint endpoint(address, impl->options.port);
    impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) impl->acceptor.bind(endpoint, ec);
    if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        return std::string("serving: cannot listen on " + impl->options.bindAddress + ":" +
                           std::to_string(impl->options.port) + ": " + ec.message());
    }
    impl->accept();
    impl->scheduleStream();
    Impl* raw = impl.get();
    for (int i = 0; i < raw->options.ioThreads; ++i) raw->threads.emplace_back([raw] { raw->io.run(); });
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Server::~Server() {
    m_impl->io.stop();
    for (auto& t : m_impl->threads) t.join();
}

std::uint16_t Server::port() const { return m_impl->acceptor.local_endpoint().port(); }

void Server::publishAlerts(std::span<const engine::Alert> alerts) {
    if (alerts.empty()) return;
    std::lock_guard lock(m_impl->pendingMutex);
    const std::size_t room = m_impl->options.maxPendingAlerts > m_impl->pendingAlerts.size()
                                 ? m_impl->options.maxPendingAlerts - m_impl->pendingAlerts.size()
                                 : 0;
    const std::size_t taken = std::min(room, alerts.size());
    m_impl->pendingAlerts.insert(m_impl->pendingAlerts.end(), alerts.begin(), alerts.begin() + static_cast<std::ptrdiff_t>(taken));
    if (taken < alerts.size()) m_impl->alertsDropped.fetch_add(alerts.size() - taken, std::memory_order_relaxed);
}

void Server::setUiSample(const UiSample& sample) {
    std::lock_guard lock(m_impl->metricsMutex);
    m_impl->ui = sample;
}

ServerStats Server::stats() const {
    ServerStats s;
    s.httpRequests = m_impl->httpRequests.load();
    s.webSocketClients = m_impl->sessionCount();
    s.streamBatches = m_impl->streamBatches.load();
    s.streamMessagesSent = m_impl->streamSent.load();
    s.streamMessagesDropped = m_impl->streamDropped.load();
    s.alertsDropped = m_impl->alertsDropped.load();
    return s;
}

}  // namespace cityops::connectors::serving
