#pragma once

// A real HTTP receiver for the dispatch tests and the bench: Boost.Beast on loopback, one thread,
// records every request and deduplicates deliveries by Idempotency-Key, as a service's webhook would.
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace dispatch_test {

class WebhookReceiver {
public:
    //! Listens on 127.0.0.1:port (0 = any free port).
    explicit WebhookReceiver(unsigned short port = 0) : m_acceptor(m_io) {
        using boost::asio::ip::tcp;
        const tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
        m_acceptor.open(endpoint.protocol());
        m_acceptor.set_option(boost::asio::socket_base::reuse_address(true));
        m_acceptor.bind(endpoint);
        m_acceptor.listen();
        m_port = m_acceptor.local_endpoint().port();
        m_thread = std::thread([this] { serve(); });
    }
    ~WebhookReceiver() {
        m_stop = true;
        boost::system::error_code ec;
        // Unblock accept() with a connection of our own.
        boost::asio::ip::tcp::socket poke(m_io);
        poke.connect({boost::asio::ip::make_address("127.0.0.1"), m_port}, ec);
        m_thread.join();
    }
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    unsigned short port() const { return m_port; }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }
    //! Every request seen, repeats included.
    int requests() const { return m_requests.load(); }
    //! Deliveries per Idempotency-Key (each key counted once, however often it came).
    std::map<std::string, std::string> deliveries() const {
        std::lock_guard lock(m_mutex);
        return m_byKey;
    }
    //! Requests per Idempotency-Key, repeats included.
    std::map<std::string, int> attemptsByKey() const {
        std::lock_guard lock(m_mutex);
        return m_attempts;
    }

private:
    void serve() {
        namespace http = boost::beast::http;
        while (!m_stop) {
            boost::asio::ip::tcp::socket socket(m_io);
            boost::system::error_code ec;
            m_acceptor.accept(socket, ec);
            if (ec || m_stop) continue;
            boost::beast::flat_buffer buffer;
            http::request<http::string_body> request;
            http::read(socket, buffer, request, ec);
            if (ec) continue;
            const std::string key(request["Idempotency-Key"]);
            ++m_requests;
            http::response<http::string_body> response{http::status::ok, 11};
            {
                std::lock_guard lock(m_mutex);
                ++m_attempts[key];
                if (key.empty()) {
                    response.result(http::status::bad_request);
                } else {
                    m_byKey.emplace(key, std::string(request.target()) + " " + request.body());
                }
            }
            response.set(http::field::content_type, "text/plain");
            response.body() = "ok";
            response.prepare_payload();
            http::write(socket, response, ec);
            socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
        }
    }

    boost::asio::io_context m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    unsigned short m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_requests{0};
    mutable std::mutex m_mutex;
    std::map<std::string, std::string> m_byKey;
    std::map<std::string, int> m_attempts;
    std::thread m_thread;
};

//! A loopback port that nothing listens on (bound, then released).
inline unsigned short freePort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

}  // namespace dispatch_test
