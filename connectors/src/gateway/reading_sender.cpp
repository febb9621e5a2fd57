#include "cityops/connectors/gateway/reading_sender.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include "cityops/engine/stream/json_codec.h"

namespace cityops::connectors::gateway {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using engine::Expected;

namespace {
constexpr std::size_t kMaxEncoded = 256;  // encodeReadingJson's guaranteed bound
}

struct ReadingSender::Impl {
    SenderConfig config;
    asio::io_context io;
    std::unique_ptr<tcp::socket> tcpSocket;
    std::unique_ptr<udp::socket> udpSocket;
};

ReadingSender::ReadingSender(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {
    m_pending.reserve(std::max(m_impl->config.maxDatagramBytes, m_impl->config.tcpBufferBytes) + kMaxEncoded + 1);
}

ReadingSender::~ReadingSender() {
    (void)flush();
}

Expected<std::unique_ptr<ReadingSender>, std::string> ReadingSender::connect(SenderConfig config) {
    auto impl = std::make_unique<Impl>();
    impl->config = std::move(config);
    Impl& s = *impl;
    const std::string where = s.config.host + ":" + std::to_string(s.config.port);
    if (s.config.maxDatagramBytes < kMaxEncoded + 1 || s.config.maxDatagramBytes > 65507) {
        return std::string("sender: maxDatagramBytes must be 257..65507");
    }
    boost::system::error_code ec;
    if (s.config.transport == Transport::Tcp) {
        tcp::resolver resolver(s.io);
        auto endpoints = resolver.resolve(s.config.host, std::to_string(s.config.port), ec);
        if (!ec) {
            s.tcpSocket = std::make_unique<tcp::socket>(s.io);
            asio::connect(*s.tcpSocket, endpoints, ec);
        }
        if (!ec) s.tcpSocket->set_option(tcp::no_delay(true), ec);
    } else {
        udp::resolver resolver(s.io);
        auto endpoints = resolver.resolve(s.config.host, std::to_string(s.config.port), ec);
        if (!ec && endpoints.empty()) ec = asio::error::host_not_found;
        if (!ec) {
            s.udpSocket = std::make_unique<udp::socket>(s.io);
            s.udpSocket->connect(endpoints.begin()->endpoint(), ec);
        }
        if (!ec) {
            boost::system::error_code ignored;  // a smaller send buffer is fine
            s.udpSocket->set_option(asio::socket_base::send_buffer_size(4 << 20), ignored);
        }
    }
    if (ec) {
        return "sender: cannot connect to " + where + ": " + ec.message();
    }
    return std::unique_ptr<ReadingSender>(new ReadingSender(std::move(impl)));
}

Expected<void, std::string> ReadingSender::write(std::span<const char> bytes) {
    if (bytes.empty()) {
        return {};
    }
    boost::system::error_code ec;
    if (m_impl->tcpSocket) {
        asio::write(*m_impl->tcpSocket, asio::buffer(bytes.data(), bytes.size()), ec);
    } else {
        m_impl->udpSocket->send(asio::buffer(bytes.data(), bytes.size()), 0, ec);
        ++m_sentDatagrams;
    }
    if (ec) {
        return "sender: cannot send to " + m_impl->config.host + ":" + std::to_string(m_impl->config.port) + ": " +
               ec.message();
    }
    m_sentBytes += bytes.size();
    return {};
}

Expected<void, std::string> ReadingSender::send(std::span<const engine::Reading> readings) {
    const bool udp = m_impl->udpSocket != nullptr;
    const std::size_t limit = udp ? m_impl->config.maxDatagramBytes : m_impl->config.tcpBufferBytes;
    char line[kMaxEncoded + 1];
    for (const engine::Reading& reading : readings) {
        const std::size_t n = engine::stream::encodeReadingJson(reading, std::span<char>(line, kMaxEncoded));
        if (n == 0) {
            return std::string("sender: a reading did not encode");
        }
        line[n] = '\n';
        if (m_pending.size() + n + 1 > limit) {
            if (auto r = flush(); !r) return r;
        }
        m_pending.insert(m_pending.end(), line, line + n + 1);
        ++m_sentReadings;
    }
    return {};
}

Expected<void, std::string> ReadingSender::sendRaw(std::span<const char> bytes) {
    if (auto r = flush(); !r) {
        return r;
    }
    return write(bytes);
}

Expected<void, std::string> ReadingSender::flush() {
    auto r = write(m_pending);
    m_pending.clear();
    return r;
}

RoutedSender::RoutedSender(RoutingTable routing, std::array<std::unique_ptr<ReadingSender>, kGatewayCount> senders)
    : m_routing(std::move(routing)), m_senders(std::move(senders)) {}

Expected<void, std::string> RoutedSender::send(std::span<const engine::Reading> readings) {
    for (auto& split : m_split) split.clear();
    for (const engine::Reading& reading : readings) {
        const int gateway = m_routing.gatewayFor(reading.kind);
        if (gateway == 0 || m_senders[static_cast<std::size_t>(gateway - 1)] == nullptr) {
            ++m_unrouted;
            continue;
        }
        m_split[static_cast<std::size_t>(gateway - 1)].push_back(reading);
    }
    for (std::size_t g = 0; g < m_senders.size(); ++g) {
        if (m_senders[g] != nullptr && !m_split[g].empty()) {
            if (auto r = m_senders[g]->send(m_split[g]); !r) return r;
        }
    }
    return {};
}

Expected<void, std::string> RoutedSender::flush() {
    for (auto& sender : m_senders) {
        if (sender != nullptr) {
            if (auto r = sender->flush(); !r) return r;
        }
    }
    return {};
}

}  // namespace cityops::connectors::gateway
