#pragma once

// Real clients of the serving layer for the tests and the bench: a synchronous Boost.Beast HTTP/1.1
// client (one keep-alive connection) and a WebSocket client with a receive timeout.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace serving_test {

struct Reply {
    int status = 0;
    std::string body;
    std::string contentType;
    std::string wwwAuthenticate;
};

class HttpClient {
public:
    HttpClient(unsigned short port, std::string token) : m_port(port), m_token(std::move(token)) {}

    Reply request(boost::beast::http::verb verb, const std::string& target, const std::string& body = {},
                  const std::string& contentType = "application/json", std::optional<std::string> token = {}) {
        namespace http = boost::beast::http;
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (!m_stream) connect();
            http::request<http::string_body> req{verb, target, 11};
            req.set(http::field::host, "127.0.0.1");
            const std::string& use = token ? *token : m_token;
            if (!use.empty()) req.set(http::field::authorization, "Bearer " + use);
            if (!body.empty() || verb == http::verb::post) {
                req.set(http::field::content_type, contentType);
                req.body() = body;
            }
            req.keep_alive(true);
            req.prepare_payload();
            boost::beast::error_code ec;
            m_stream->expires_after(std::chrono::seconds(20));
            http::write(*m_stream, req, ec);
            http::response<http::string_body> res;
            if (!ec) http::read(*m_stream, m_buffer, res, ec);
            if (ec) {  // the server closed the kept-alive connection: reconnect once
                m_stream.reset();
                m_buffer.clear();
                if (attempt == 0) continue;
                return {0, ec.message(), {}, {}};
            }
            Reply reply;
            reply.status = static_cast<int>(res.result_int());
            reply.body = res.body();
            reply.contentType = std::string(res[http::field::content_type]);
            reply.wwwAuthenticate = std::string(res[http::field::www_authenticate]);
            if (!res.keep_alive()) m_stream.reset();
            return reply;
        }
        return {};
    }
    Reply get(const std::string& target) { return request(boost::beast::http::verb::get, target); }
    Reply post(const std::string& target, const std::string& body) {
        return request(boost::beast::http::verb::post, target, body);
    }

private:
    void connect() {
        m_stream.emplace(m_io);
        m_stream->connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), m_port));
    }

    boost::asio::io_context m_io;
    unsigned short m_port;
    std::string m_token;
    std::optional<boost::beast::tcp_stream> m_stream;
    boost::beast::flat_buffer m_buffer;
};

//! A blocking WebSocket client; receive() gives up after the timeout and returns nullopt.
class WsClient {
public:
    //! Connects and upgrades; handshakeError receives the failure (e.g. 401) instead of throwing.
    WsClient(unsigned short port, const std::string& target, const std::string& token, int receiveBufferBytes = 0)
        : m_ws(m_io) {
        auto& socket = boost::beast::get_lowest_layer(m_ws).socket();
        socket.open(boost::asio::ip::tcp::v4());
        if (receiveBufferBytes > 0) {
            socket.set_option(boost::asio::socket_base::receive_buffer_size(receiveBufferBytes));
        }
        boost::beast::get_lowest_layer(m_ws).connect(
            boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
        m_ws.set_option(boost::beast::websocket::stream_base::decorator(
            [token](boost::beast::websocket::request_type& req) {
                if (!token.empty()) req.set(boost::beast::http::field::authorization, "Bearer " + token);
            }));
        boost::beast::get_lowest_layer(m_ws).expires_after(std::chrono::seconds(20));
        m_ws.handshake(m_response, "127.0.0.1", target, handshakeError);
        boost::beast::get_lowest_layer(m_ws).expires_never();
    }

    boost::beast::error_code handshakeError;  //!< websocket::error::upgrade_declined when refused (401)

    void send(const std::string& text) {
        m_ws.text(true);
        m_ws.write(boost::asio::buffer(text));
    }

    std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        boost::beast::flat_buffer buffer;
        boost::beast::error_code result = boost::asio::error::would_block;
        m_ws.async_read(buffer, [&](boost::beast::error_code ec, std::size_t) { result = ec; });
        m_io.restart();
        m_io.run_for(timeout);
        if (result == boost::asio::error::would_block) {
            // Timed out: cancel the read and let its handler run.
            boost::beast::get_lowest_layer(m_ws).socket().cancel();
            m_io.restart();
            m_io.run();
            m_broken = true;
            return std::nullopt;
        }
        if (result) return std::nullopt;
        return boost::beast::buffers_to_string(buffer.data());
    }
    bool broken() const { return m_broken; }

private:
    boost::asio::io_context m_io;
    boost::beast::websocket::stream<boost::beast::tcp_stream> m_ws;
    boost::beast::websocket::response_type m_response;
    bool m_broken = false;
};

}  // namespace serving_test
