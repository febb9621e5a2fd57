#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "cityops/connectors/gateway/batch_frame.h"
#include "cityops/connectors/gateway/disk_buffer.h"
#include "cityops/connectors/gateway/routing.h"
#include "cityops/engine/expected.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/stream/json_codec.h"

namespace cityops::connectors::gateway {

//! What a gateway puts in the payload of the records it forwards.
enum class PayloadFormat : std::uint8_t {
    Json,     //!< the sensor's JSON text as received (flags kJsonReadingPayload): keeps event_id
    Reading,  //!< the decoded engine::Reading, 32 bytes (flags engine::log::kReadingPayload)
};

//! One edge gateway's settings. Listen addresses are "host:port" (port 0 picks a free port); empty
//! disables that transport.
struct GatewayConfig {
    int gateway = 1;  //!< 1..3, see RoutingTable::design()
    RoutingTable routing = RoutingTable::design();
    std::string listenUdp;
    std::string listenTcp;
    //! Validation of each payload; maxPayloadBytes also bounds a TCP line and is the oversize limit.
    engine::stream::DecoderLimits limits;
    //! Reject event times too far from the gateway's system clock (DecoderLimits::maxPastMs/maxFutureMs).
    //! Off for simulated time that runs ahead of or behind the wall clock.
    bool checkTimestamps = true;
    PayloadFormat payload = PayloadFormat::Json;
    std::size_t batchRecords = 4096;       //!< a batch is forwarded when it holds this many records…
    std::chrono::milliseconds linger{20};  //!< …or when its oldest record has waited this long
    std::size_t queueBatches = 8;          //!< batches between the network thread and the forwarder
    DiskBufferConfig buffer;               //!< required: where batches wait while the upstream is down
    //! Compression of the disk buffer's new frames (overrides buffer.compression) and, with forwardPacked,
    //! of forwarded batches. Buffers written with another setting or by older versions still drain.
    Compression compression = Compression::Zlib;
    //! Forward each batch as one record per topic whose payload is the whole batch as a frame
    //! (batch_frame.h; flags kBatchFramePayload, key = gateway number so one partition keeps the
    //! gateway's order, timestamp = the batch's first event time), compressed per `compression`.
    //! Consumers unpack them with unpackBatchRecord(). Off: one log record per reading, as the engine's
    //! jobs read them.
    bool forwardPacked = false;
    //! Flush the upstream after each forwarded batch and count it forwarded only when that succeeds;
    //! a failed flush sends the whole batch to the disk buffer (at-least-once: part of it may arrive
    //! twice). Needed for Kafka, whose send() only queues; the embedded log accepts on send().
    bool confirmEachBatch = false;
    std::chrono::milliseconds retryMin{50};   //!< first retry delay after an upstream failure…
    std::chrono::milliseconds retryMax{2000};  //!< …doubling up to this
    int udpReceiveBufferBytes = 4 << 20;      //!< SO_RCVBUF asked for (the kernel may cap it)
};

//! A snapshot of a gateway's counters. Readings are counted per payload (one JSON line).
struct GatewayStats {
    int gateway = 0;
    std::uint64_t udpDatagrams = 0;
    std::uint64_t udpBytes = 0;
    std::uint64_t tcpConnections = 0;  //!< accepted so far
    std::uint64_t tcpBytes = 0;
    std::uint64_t payloads = 0;   //!< non-empty lines seen
    std::uint64_t accepted = 0;   //!< valid and routed here: handed to the forwarder
    std::uint64_t filtered = 0;   //!< valid, but their kind is not routed to this gateway
    //! Rejected payloads per engine::stream::DecodeError (index 0 unused); TCP lines longer than the
    //! limit count as Oversize.
    std::array<std::uint64_t, engine::stream::kDecodeErrorCount> rejected{};
    std::uint64_t rejectedTotal = 0;
    std::uint64_t forwarded = 0;        //!< records accepted by the upstream (directly or drained)
    std::uint64_t forwardedBatches = 0;
    std::uint64_t buffered = 0;         //!< records stored in the disk buffer
    std::uint64_t drained = 0;          //!< records forwarded from the disk buffer
    std::uint64_t bufferPending = 0;    //!< records in the disk buffer now (including recovered ones)
    std::uint64_t bufferBytes = 0;
    std::uint64_t bufferRecovered = 0;  //!< records found in the disk buffer at start
    std::uint64_t bufferRefused = 0;    //!< lost to FullPolicy::RefuseNew
    std::uint64_t bufferDropped = 0;    //!< lost to FullPolicy::DropOldest
    std::uint64_t bufferFailed = 0;     //!< lost because the disk buffer could not store or read them back
    std::uint64_t bufferCorrupt = 0;    //!< of bufferFailed: lost because their buffered frame was damaged on disk
    std::uint64_t upstreamErrors = 0;   //!< failed sends and flushes
    Compression compression = Compression::Zlib;
    //! Batch frames written (disk buffer, and packed forwards): their size uncompressed and as written.
    std::uint64_t compressionRawBytes = 0;
    std::uint64_t compressionStoredBytes = 0;
    //! compressionRawBytes / compressionStoredBytes (1 when nothing was framed yet).
    double compressionRatio() const {
        return compressionStoredBytes == 0 ? 1.0
                                           : static_cast<double>(compressionRawBytes) /
                                                 static_cast<double>(compressionStoredBytes);
    }
    std::uint64_t bytesSaved() const {
        return compressionRawBytes > compressionStoredBytes ? compressionRawBytes - compressionStoredBytes : 0;
    }
    bool upstreamUp = true;
    std::string lastUpstreamError;  //!< or of the disk buffer
    std::string lastRejection;  //!< "<reason>: <first bytes of the payload>"
};

//! The stats as one JSON object on one line (what cityops-gateway prints).
std::string toJson(const GatewayStats& stats);

//! An edge gateway (the NiFi role of the design): receives JSON-lines readings over UDP and TCP,
//! validates them (engine::stream::ReadingDecoder), drops kinds not routed to it, batches them (size or
//! linger) and forwards them to an upstream EventSink (the embedded log, later Kafka). While the upstream
//! fails, batches go to a DiskBuffer and are drained in order once it is back; new batches queue
//! behind them, so per-sensor order is kept. Malformed payloads are counted per reason and skipped.
//!
//! Batches written to the disk buffer are compressed frames (GatewayConfig::compression, zlib by default);
//! with forwardPacked the forwarded batches are too.
//!
//! Threads: one Boost.Asio io_context thread (receive, decode, batch) and one forwarder thread (the
//! only user of the upstream and the disk buffer); batches pass between them through a bounded pool, so
//! a slow upstream slows the readers (TCP flow control) instead of growing memory.
//! Guarantees: a record is lost only when counted in bufferRefused, bufferDropped or bufferFailed.
//! A crash loses the records of batches not yet forwarded or stored (at most queueBatches + 1
//! batches, linger-bounded); what was stored survives it. Delivery is at-least-once: a batch
//! forwarded just before a crash, or partly accepted before an upstream error, is forwarded again.
//! stats() and stop() may be called from any thread.
class Gateway {
public:
    //! Opens the disk buffer, binds the listeners and starts the threads. Errors name the setting.
    static engine::Expected<std::unique_ptr<Gateway>, std::string> start(
        GatewayConfig config, std::unique_ptr<engine::log::EventSink> upstream);
    //! stop()s.
    ~Gateway();
    Gateway(const Gateway&) = delete;
    Gateway& operator=(const Gateway&) = delete;

    //! Closes the listeners, forwards or stores every batch in flight, flushes the upstream and joins
    //! the threads. What remains in the disk buffer is drained by the next start. Idempotent.
    void stop();
    //! The bound ports (useful with port 0); 0 when the transport is off.
    std::uint16_t udpPort() const;
    std::uint16_t tcpPort() const;
    GatewayStats stats() const;
    const GatewayConfig& config() const;

private:
    struct Impl;
    explicit Gateway(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

//! Splits "host:port" (IPv6 as "[::1]:9000"); false with a message naming the text when malformed.
bool parseHostPort(const std::string& text, std::string& host, std::uint16_t& port, std::string& error);

}  // namespace cityops::connectors::gateway
