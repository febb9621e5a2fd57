#include "intake.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "cityops/engine/log/record.h"

namespace cityops::connectors::gateway::detail {

using engine::stream::DecodeError;

namespace {
constexpr std::size_t kRejectionShownBytes = 96;

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
}  // namespace

std::vector<std::string> Intake::topicsOf(const GatewayConfig& config) {
    std::vector<std::string> topics;
    for (engine::SensorKind kind : config.routing.kindsOf(config.gateway)) {
        const std::string& topic = config.routing.topicFor(kind);
        if (std::find(topics.begin(), topics.end(), topic) == topics.end()) {
            topics.push_back(topic);
        }
    }
    return topics;
}

Intake::Intake(const GatewayConfig& config, BatchChannel& channel)
    : m_channel(channel),
      m_decoder(config.limits),
      m_maxPayload(config.limits.maxPayloadBytes),
      m_batchRecords(std::max<std::size_t>(1, config.batchRecords)),
      m_linger(config.linger),
      m_checkTimestamps(config.checkTimestamps),
      m_payload(config.payload) {
    const std::vector<std::string> topics = topicsOf(config);
    for (int k = 0; k < engine::kSensorKindCount; ++k) {
        const auto kind = static_cast<engine::SensorKind>(k);
        m_topicOf[static_cast<std::size_t>(k)] = -1;
        if (config.routing.gatewayFor(kind) == config.gateway) {
            const auto it = std::find(topics.begin(), topics.end(), config.routing.topicFor(kind));
            m_topicOf[static_cast<std::size_t>(k)] = static_cast<int>(it - topics.begin());
        }
    }
    m_rejection.reserve(kRejectionShownBytes + 32);
}

void Intake::setNow() {
    m_steadyNow = std::chrono::steady_clock::now();
    m_nowMs = m_checkTimestamps ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()
                                : INT64_MIN;
}

void Intake::onDatagram(std::span<const char> data) {
    while (!data.empty()) {
        const auto* end = static_cast<const char*>(std::memchr(data.data(), '\n', data.size()));
        const std::size_t length = end == nullptr ? data.size() : static_cast<std::size_t>(end - data.data());
        onLine(data.first(length));
        data = data.subspan(std::min(data.size(), length + 1));
    }
}

void Intake::onLine(std::span<const char> line) {
    while (!line.empty() && isBlank(line.front())) line = line.subspan(1);
    while (!line.empty() && isBlank(line.back())) line = line.first(line.size() - 1);
    if (line.empty()) {
        return;
    }
    m_payloads.add();
    const DecodeError error = m_decoder.decode(std::as_bytes(line), m_nowMs, m_decoded);
    if (error != DecodeError::None) {
        reject(error, line);
        return;
    }
    const engine::Reading& reading = m_decoded.reading;
    const int topic = m_topicOf[static_cast<std::size_t>(reading.kind)];
    if (topic < 0) {
        m_filtered.add();
        return;
    }
    if (m_batch == nullptr) {
        m_batch = m_channel.acquire();
        m_batchOpened = m_steadyNow;
    }
    if (m_payload == PayloadFormat::Json) {
        m_batch->add(static_cast<std::uint8_t>(topic), reading.eventTimeMs, reading.sensorId, kJsonReadingPayload,
                     std::as_bytes(line));
    } else {
        m_batch->add(static_cast<std::uint8_t>(topic), reading.eventTimeMs, reading.sensorId,
                     engine::log::kReadingPayload, std::as_bytes(std::span(&reading, 1)));
    }
    m_accepted.add();
    if (m_batch->size() >= m_batchRecords) {
        flush();
    }
}

void Intake::onOversize(std::span<const char> head) {
    m_payloads.add();
    reject(DecodeError::Oversize, head);
}

void Intake::reject(DecodeError error, std::span<const char> payload) {
    m_rejected[static_cast<std::size_t>(error)].add();
    m_rejection.assign(engine::stream::toString(error));
    m_rejection += ": ";
    for (char c : payload.first(std::min(payload.size(), kRejectionShownBytes))) {
        m_rejection += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    m_rejectionDirty = true;
}

void Intake::tick() {
    m_steadyNow = std::chrono::steady_clock::now();
    if (m_batch != nullptr && m_steadyNow - m_batchOpened >= m_linger) {
        flush();
    }
    if (m_rejectionDirty) {
        std::lock_guard lock(m_rejectionMutex);
        m_publishedRejection = m_rejection;
        m_rejectionDirty = false;
    }
}

void Intake::flush() {
    if (m_batch != nullptr) {
        m_channel.submit(m_batch);
        m_batch = nullptr;
    }
}

void Intake::fill(GatewayStats& stats) const {
    stats.udpDatagrams = udpDatagrams.get();
    stats.udpBytes = udpBytes.get();
    stats.tcpConnections = tcpConnections.get();
    stats.tcpBytes = tcpBytes.get();
    stats.payloads = m_payloads.get();
    stats.accepted = m_accepted.get();
    stats.filtered = m_filtered.get();
    stats.rejectedTotal = 0;
    for (std::size_t i = 1; i < m_rejected.size(); ++i) {
        stats.rejected[i] = m_rejected[i].get();
        stats.rejectedTotal += stats.rejected[i];
    }
    std::lock_guard lock(m_rejectionMutex);
    stats.lastRejection = m_publishedRejection;
}

}  // namespace cityops::connectors::gateway::detail
