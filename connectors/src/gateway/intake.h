#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "batch_channel.h"
#include "cityops/connectors/gateway/gateway.h"
#include "cityops/engine/stream/json_codec.h"

namespace cityops::connectors::gateway::detail {

//! The network thread's side of a gateway: validates each payload, filters by route, appends it to
//! the current batch and hands full (or lingering) batches to the forwarder. Counters are written by
//! the network thread only and read by stats(). Not thread-safe apart from fill().
class Intake {
public:
    Intake(const GatewayConfig& config, BatchChannel& channel);

    //! The topics of this gateway, indexed like ForwardBatch::topics.
    static std::vector<std::string> topicsOf(const GatewayConfig& config);

    //! Sets "now" for the next payloads (once per received chunk, not per payload).
    void setNow();
    //! Handles one datagram: each '\n'-separated line is a payload.
    void onDatagram(std::span<const char> data);
    //! Handles one payload (a line without its '\n'); blank lines are skipped.
    void onLine(std::span<const char> line);
    //! Counts a TCP line longer than the limit (its head is shown in lastRejection).
    void onOversize(std::span<const char> head);
    //! Forwards the current batch when it is older than the linger time; publishes the last rejection.
    void tick();
    //! Forwards the current batch now.
    void flush();
    void fill(GatewayStats& stats) const;

    Counter udpDatagrams;
    Counter udpBytes;
    Counter tcpConnections;
    Counter tcpBytes;

private:
    void reject(engine::stream::DecodeError error, std::span<const char> payload);

    BatchChannel& m_channel;
    engine::stream::ReadingDecoder m_decoder;
    engine::stream::DecodedReading m_decoded;
    std::array<int, engine::kSensorKindCount> m_topicOf{};  //!< -1: not routed to this gateway
    std::size_t m_maxPayload;
    std::size_t m_batchRecords;
    std::chrono::steady_clock::duration m_linger;
    bool m_checkTimestamps;
    PayloadFormat m_payload;
    std::int64_t m_nowMs = 0;
    std::chrono::steady_clock::time_point m_steadyNow{};
    ForwardBatch* m_batch = nullptr;
    std::chrono::steady_clock::time_point m_batchOpened{};

    Counter m_payloads;
    Counter m_accepted;
    Counter m_filtered;
    std::array<Counter, engine::stream::kDecodeErrorCount> m_rejected;
    std::string m_rejection;  //!< network thread's last rejection; reused buffer
    bool m_rejectionDirty = false;
    mutable std::mutex m_rejectionMutex;  //!< guards m_publishedRejection, copied once per tick
    std::string m_publishedRejection;
};

}  // namespace cityops::connectors::gateway::detail
