#include "cityops/connectors/gateway/gateway.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "batch_channel.h"
#include "forwarder.h"
#include "intake.h"

namespace cityops::connectors::gateway {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using engine::Expected;

namespace {

constexpr std::size_t kUdpBufferBytes = 65536;
constexpr std::size_t kTcpReadBytes = 64 * 1024;

//! One TCP connection: reads chunks, cuts them into lines, keeps a partial line for the next read.
//! A line longer than the payload limit is counted once as Oversize and skipped up to its '\n'.
class TcpSession : public std::enable_shared_from_this<TcpSession> {
public:
    TcpSession(tcp::socket socket, detail::Intake& intake, std::size_t maxLine,
               std::unordered_set<std::shared_ptr<TcpSession>>& sessions)
        : m_socket(std::move(socket)), m_intake(intake), m_maxLine(maxLine), m_sessions(sessions),
          m_buffer(kTcpReadBytes + maxLine + 1) {}

    void start() { read(); }
    void close() {
        boost::system::error_code ignored;
        m_socket.close(ignored);
    }

private:
    void read() {
        m_socket.async_read_some(asio::buffer(m_buffer.data() + m_used, m_buffer.size() - m_used),
                                 [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                     self->onRead(ec, n);
                                 });
    }

    void onRead(const boost::system::error_code& ec, std::size_t n) {
        if (n > 0) {
            m_intake.tcpBytes.add(n);
            m_intake.setNow();
            process(n);
        }
        if (ec) {
            if (ec == asio::error::eof && m_used > 0 && !m_discarding) {
                m_intake.onLine(std::span<const char>(m_buffer.data(), m_used));  // last line without '\n'
            }
            m_used = 0;
            m_sessions.erase(shared_from_this());
            return;
        }
        read();
    }

    void process(std::size_t n) {
        const char* data = m_buffer.data();
        const std::size_t end = m_used + n;
        std::size_t start = 0;
        std::size_t scan = m_used;
        while (scan < end) {
            const auto* nl = static_cast<const char*>(std::memchr(data + scan, '\n', end - scan));
            if (nl == nullptr) break;
            const auto stop = static_cast<std::size_t>(nl - data);
            if (m_discarding) {
                m_discarding = false;  // the end of a line already counted as oversize
            } else if (stop - start > m_maxLine) {
                m_intake.onOversize(std::span<const char>(data + start, stop - start));
            } else {
                m_intake.onLine(std::span<const char>(data + start, stop - start));
            }
            start = stop + 1;
            scan = start;
        }
        std::size_t rest = end - start;
        if (rest > m_maxLine) {
            if (!m_discarding) {
                m_intake.onOversize(std::span<const char>(data + start, rest));
                m_discarding = true;
            }
            rest = 0;
        } else if (m_discarding) {
            rest = 0;
        }
        if (rest > 0 && start > 0) {
            std::memmove(m_buffer.data(), data + start, rest);
        }
        m_used = rest;
    }

    tcp::socket m_socket;
    detail::Intake& m_intake;
    std::size_t m_maxLine;
    std::unordered_set<std::shared_ptr<TcpSession>>& m_sessions;
    std::vector<char> m_buffer;
    std::size_t m_used = 0;
    bool m_discarding = false;
};

template <class Protocol>
Expected<typename Protocol::endpoint, std::string> resolve(asio::io_context& io, const std::string& text,
                                                           const char* what) {
    std::string host;
    std::uint16_t port = 0;
    std::string error;
    if (!parseHostPort(text, host, port, error)) {
        return std::string(what) + ": " + error;
    }
    boost::system::error_code ec;
    typename Protocol::resolver resolver(io);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
        return std::string(what) + ": cannot resolve '" + host + "': " + ec.message();
    }
    return results.begin()->endpoint();
}

}  // namespace

struct Gateway::Impl {
    GatewayConfig config;
    asio::io_context io{1};
    std::unique_ptr<detail::BatchChannel> channel;
    std::unique_ptr<detail::Intake> intake;
    std::unique_ptr<detail::Forwarder> forwarder;
    std::unique_ptr<udp::socket> udpSocket;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<asio::steady_timer> timer;
    std::unordered_set<std::shared_ptr<TcpSession>> sessions;
    std::vector<char> udpBuffer = std::vector<char>(kUdpBufferBytes);
    udp::endpoint udpPeer;
    std::uint16_t udpPort = 0;
    std::uint16_t tcpPort = 0;
    std::thread ioThread;
    std::mutex stopMutex;
    bool stopped = false;
    bool closing = false;  //!< io thread only: set when stop() closes the sockets; the timer stops re-arming

    void receiveUdp() {
        udpSocket->async_receive_from(asio::buffer(udpBuffer), udpPeer,
                                      [this](const boost::system::error_code& ec, std::size_t n) {
                                          if (ec == asio::error::operation_aborted || !udpSocket->is_open()) return;
                                          if (!ec) {
                                              intake->udpDatagrams.add();
                                              intake->udpBytes.add(n);
                                              intake->setNow();
                                              intake->onDatagram(std::span<const char>(udpBuffer.data(), n));
                                          }
                                          receiveUdp();
                                      });
    }

    void accept() {
        acceptor->async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
            if (!ec) {
                intake->tcpConnections.add();
                auto session = std::make_shared<TcpSession>(std::move(socket), *intake,
                                                            config.limits.maxPayloadBytes, sessions);
                sessions.insert(session);
                session->start();
            }
            accept();
        });
    }

    void armTimer() {
        timer->expires_after(std::max(config.linger / 2, std::chrono::milliseconds(1)));
        timer->async_wait([this](const boost::system::error_code& ec) {
            if (ec || closing) return;
            intake->tick();
            armTimer();
        });
    }
};

Gateway::Gateway(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Gateway::~Gateway() { stop(); }

Expected<std::unique_ptr<Gateway>, std::string> Gateway::start(GatewayConfig config,
                                                               std::unique_ptr<engine::log::EventSink> upstream) {
    if (config.gateway < 1 || config.gateway > kGatewayCount) {
        return "gateway: the gateway number must be 1, 2 or 3, not " + std::to_string(config.gateway);
    }
    if (upstream == nullptr) {
        return std::string("gateway: no upstream");
    }
    if (config.listenUdp.empty() && config.listenTcp.empty()) {
        return std::string("gateway: neither a UDP nor a TCP listen address is set");
    }
    const std::vector<std::string> topics = detail::Intake::topicsOf(config);
    if (topics.empty()) {
        return "gateway " + std::to_string(config.gateway) + ": no sensor kind is routed to it";
    }
    config.buffer.compression = config.compression;
    auto buffer = DiskBuffer::open(config.buffer);
    if (!buffer) {
        return "gateway " + std::to_string(config.gateway) + ": " + buffer.error();
    }

    auto impl = std::make_unique<Impl>();
    impl->config = std::move(config);
    Impl& s = *impl;
    s.channel = std::make_unique<detail::BatchChannel>(std::max<std::size_t>(2, s.config.queueBatches), topics,
                                                       s.config.batchRecords);
    s.intake = std::make_unique<detail::Intake>(s.config, *s.channel);
    s.forwarder = std::make_unique<detail::Forwarder>(*s.channel, std::move(upstream), std::move(*buffer),
                                                      s.config.retryMin, s.config.retryMax);
    if (s.config.forwardPacked) {
        s.forwarder->packForwards(s.config.compression, static_cast<std::uint64_t>(s.config.gateway));
    }
    s.forwarder->confirmEachBatch(s.config.confirmEachBatch);
    try {
        if (!s.config.listenUdp.empty()) {
            auto endpoint = resolve<udp>(s.io, s.config.listenUdp, "--listen-udp");
            if (!endpoint) return endpoint.error();
            s.udpSocket = std::make_unique<udp::socket>(s.io, endpoint->protocol());
            s.udpSocket->set_option(asio::socket_base::reuse_address(true));
            boost::system::error_code ignored;  // the kernel may refuse a large buffer; keep its default
            s.udpSocket->set_option(asio::socket_base::receive_buffer_size(s.config.udpReceiveBufferBytes), ignored);
            s.udpSocket->bind(*endpoint);
            s.udpPort = s.udpSocket->local_endpoint().port();
        }
        if (!s.config.listenTcp.empty()) {
            auto endpoint = resolve<tcp>(s.io, s.config.listenTcp, "--listen-tcp");
            if (!endpoint) return endpoint.error();
            s.acceptor = std::make_unique<tcp::acceptor>(s.io, *endpoint, true);
            s.tcpPort = s.acceptor->local_endpoint().port();
        }
    } catch (const boost::system::system_error& e) {
        return "gateway " + std::to_string(s.config.gateway) + ": cannot listen: " + e.what();
    }
    s.timer = std::make_unique<asio::steady_timer>(s.io);
    if (s.udpSocket) s.receiveUdp();
    if (s.acceptor) s.accept();
    s.armTimer();
    s.forwarder->start();
    s.ioThread = std::thread([&s] { s.io.run(); });
    return std::unique_ptr<Gateway>(new Gateway(std::move(impl)));
}

void Gateway::stop() {
    Impl& s = *m_impl;
    std::lock_guard lock(s.stopMutex);
    if (s.stopped) {
        return;
    }
    s.stopped = true;
    asio::post(s.io, [&s] {
        boost::system::error_code ignored;
        s.closing = true;
        if (s.udpSocket) s.udpSocket->close(ignored);
        if (s.acceptor) s.acceptor->close(ignored);
        s.timer->cancel();
        for (const auto& session : s.sessions) session->close();
    });
    if (s.ioThread.joinable()) {
        s.ioThread.join();  // returns once every socket's last handler ran
    }
    s.sessions.clear();
    s.intake->tick();
    s.intake->flush();
    s.channel->close();
    s.forwarder->join();
}

std::uint16_t Gateway::udpPort() const { return m_impl->udpPort; }
std::uint16_t Gateway::tcpPort() const { return m_impl->tcpPort; }
const GatewayConfig& Gateway::config() const { return m_impl->config; }

GatewayStats Gateway::stats() const {
    GatewayStats stats;
    stats.gateway = m_impl->config.gateway;
    m_impl->intake->fill(stats);
    m_impl->forwarder->fill(stats);
    return stats;
}

bool parseHostPort(const std::string& text, std::string& host, std::uint16_t& port, std::string& error) {
    std::string portText;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string::npos) {
            error = "'" + text + "' is not [ipv6]:port";
            return false;
        }
        host = text.substr(1, close - 1);
        portText = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos || colon == 0) {
            error = "'" + text + "' is not host:port";
            return false;
        }
        host = text.substr(0, colon);
        portText = text.substr(colon + 1);
    }
    if (portText.empty() || portText.size() > 5 ||
        portText.find_first_not_of("0123456789") != std::string::npos || std::stoul(portText) > 65535) {
        error = "'" + text + "': the port must be a number from 0 to 65535";
        return false;
    }
    port = static_cast<std::uint16_t>(std::stoul(portText));
    return true;
}

}  // namespace cityops::connectors::gateway
