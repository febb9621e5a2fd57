#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/routing.h"
#include "cityops/engine/expected.h"
#include "cityops/engine/reading.h"

namespace cityops::connectors::gateway {

enum class Transport : std::uint8_t { Udp, Tcp };

//! Where and how a sensor-side sender sends.
struct SenderConfig {
    Transport transport = Transport::Tcp;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t maxDatagramBytes = 1472;    //!< UDP: lines per datagram up to this (an Ethernet MTU)
    std::size_t tcpBufferBytes = 64 * 1024; //!< TCP: lines are written when this much is pending
};

//! The sensor side of a gateway link: encodes engine::Readings as JSON lines
//! (engine::stream::encodeReadingJson) and sends them over UDP (several lines per datagram) or TCP
//! (buffered writes). Blocking sockets on the caller's thread; one thread uses a sender at a time.
//! Used by the simulator's live feed, the tests and the benchmark.
class ReadingSender {
public:
    static engine::Expected<std::unique_ptr<ReadingSender>, std::string> connect(SenderConfig config);
    ~ReadingSender();
    ReadingSender(const ReadingSender&) = delete;
    ReadingSender& operator=(const ReadingSender&) = delete;

    //! Encodes and queues readings; sends full datagrams / buffers as they fill. Call flush() to send
    //! the rest.
    engine::Expected<void, std::string> send(std::span<const engine::Reading> readings);
    //! Sends bytes as they are: one datagram (UDP) or a write (TCP), after flushing what is queued.
    //! For tests that send malformed input.
    engine::Expected<void, std::string> sendRaw(std::span<const char> bytes);
    engine::Expected<void, std::string> flush();

    std::uint64_t sentReadings() const { return m_sentReadings; }
    std::uint64_t sentBytes() const { return m_sentBytes; }
    std::uint64_t sentDatagrams() const { return m_sentDatagrams; }

private:
    struct Impl;
    explicit ReadingSender(std::unique_ptr<Impl> impl);
    engine::Expected<void, std::string> write(std::span<const char> bytes);

    std::unique_ptr<Impl> m_impl;
    std::vector<char> m_pending;
    std::uint64_t m_sentReadings = 0;
    std::uint64_t m_sentBytes = 0;
    std::uint64_t m_sentDatagrams = 0;
};

//! A sensor fleet's uplink: one sender per gateway, each reading sent to the gateway its kind is
//! routed to (unrouted kinds are counted and not sent).
class RoutedSender {
public:
    //! senders[g - 1] serves gateway g; a null sender drops (and counts) that gateway's readings.
    RoutedSender(RoutingTable routing, std::array<std::unique_ptr<ReadingSender>, kGatewayCount> senders);
    engine::Expected<void, std::string> send(std::span<const engine::Reading> readings);
    engine::Expected<void, std::string> flush();
    std::uint64_t unrouted() const { return m_unrouted; }
    ReadingSender* sender(int gateway) const { return m_senders[static_cast<std::size_t>(gateway - 1)].get(); }

private:
    RoutingTable m_routing;
    std::array<std::unique_ptr<ReadingSender>, kGatewayCount> m_senders;
    std::array<std::vector<engine::Reading>, kGatewayCount> m_split;
    std::uint64_t m_unrouted = 0;
};

}  // namespace cityops::connectors::gateway
