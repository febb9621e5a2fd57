#include "cityops/connectors/dispatch/http_webhook.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace cityops::connectors::dispatch {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

WebhookUrl parseWebhookUrl(const std::string& url) {
    WebhookUrl out;
    constexpr std::string_view kScheme = "http://";
    if (url.rfind("https://", 0) == 0) {
        out.error = "webhook URL '" + url + "': https is not supported yet, use http:// on a trusted network";
        return out;
    }
    if (url.rfind(kScheme, 0) != 0) {
        out.error = "webhook URL '" + url + "' must start with http://";
        return out;
    }
    const std::string rest = url.substr(kScheme.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    out.target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    if (out.host.empty()) out.error = "webhook URL '" + url + "' names no host";
    if (out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos) {
        out.error = "webhook URL '" + url + "' has an invalid port";
    }
    return out;
}

engine::storage::DeliveryAttempt HttpWebhookTransport::post(const std::string& url,
                                                            const engine::storage::OutboxMessage& message) {
    const WebhookUrl parsed = parseWebhookUrl(url);
    if (!parsed.error.empty()) return {0, parsed.error};
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(parsed.host, parsed.port, ec);
    if (ec) return {0, "cannot resolve " + parsed.host + ": " + ec.message()};
    stream.expires_after(m_timeout);
    stream.connect(endpoints, ec);
    if (ec) return {0, "cannot connect to " + parsed.host + ":" + parsed.port + ": " + ec.message()};

    http::request<http::string_body> request{http::verb::post, parsed.target, 11};
    request.set(http::field::host, parsed.host + ":" + parsed.port);
    request.set(http::field::user_agent, "CityOps-dispatch/1");
    request.set(http::field::content_type, "application/json");
    request.set("Idempotency-Key", std::to_string(message.alertId));
    request.set("X-CityOps-Service", message.service);
    request.body() = message.payload;
    request.prepare_payload();
    stream.expires_after(m_timeout);
    http::write(stream, request, ec);
    if (ec) return {0, "sending to " + url + " failed: " + ec.message()};

    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    stream.expires_after(m_timeout);
    http::read(stream, buffer, response, ec);
    if (ec) return {0, "no response from " + url + ": " + ec.message()};
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return {static_cast<int>(response.result_int()), {}};
}

DispatchWorker::DispatchWorker(std::filesystem::path dbPath, engine::storage::OutboxSenderOptions options,
                               std::chrono::milliseconds pollInterval)
    : m_dbPath(std::move(dbPath)), m_options(std::move(options)), m_pollInterval(pollInterval) {
    m_thread = std::thread([this] { run(); });
}

DispatchWorker::~DispatchWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

void DispatchWorker::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_all();
}

std::string DispatchWorker::lastError() const {
    std::lock_guard lock(m_mutex);
    return m_lastError;
}

void DispatchWorker::run() {
    const auto clock = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    std::unique_ptr<engine::storage::OutboxStore> store;
    HttpWebhookTransport transport;
    std::unique_ptr<engine::storage::OutboxSender> sender;
    for (;;) {
        std::string error;
        if (!store) {
            if (auto opened = engine::storage::OutboxStore::open(m_dbPath)) {
                store = std::move(*opened);
                sender = std::make_unique<engine::storage::OutboxSender>(*store, transport, m_options, clock);
            } else {
                error = opened.error().message;
            }
        }
        auto wait = m_pollInterval;
        if (sender) {
            const auto pass = sender->runOnce();
            if (!pass) error = pass.error().message;
            // A full batch means more may be due at once: go round again without sleeping.
            else if (pass->delivered + pass->retried + pass->rejected >= m_options.batchSize) wait = {};
        }
        std::unique_lock lock(m_mutex);
        m_lastError = error;
        m_wake.wait_for(lock, wait, [&] { return m_stop || m_woken; });
        if (m_stop) return;
        m_woken = false;
    }
}

}  // namespace cityops::connectors::dispatch
