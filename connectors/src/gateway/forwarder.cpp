#include "forwarder.h"

#include <algorithm>

namespace cityops::connectors::gateway::detail {

namespace {
constexpr int kDrainPerRound = 16;
constexpr std::chrono::milliseconds kIdleWait{100};
}  // namespace

Forwarder::Forwarder(BatchChannel& channel, std::unique_ptr<engine::log::EventSink> upstream,
                     std::unique_ptr<DiskBuffer> buffer, std::chrono::milliseconds retryMin,
                     std::chrono::milliseconds retryMax)
    : m_channel(channel),
      m_upstream(std::move(upstream)),
      m_buffer(std::move(buffer)),
      m_retryMin(retryMin),
      m_retryMax(std::max(retryMin, retryMax)),
      m_retryDelay(retryMin),
      m_compression(m_buffer->config().compression) {
    m_bufferRecovered.set(m_buffer->stats().recoveredRecords);
    publishBuffer();
}

Forwarder::~Forwarder() { join(); }

void Forwarder::packForwards(Compression compression, std::uint64_t key) {
    m_packer = std::make_unique<BatchFrameCodec>(compression);
    m_packKey = key;
}

void Forwarder::start() {
    m_thread = std::thread([this] { run(); });
}

void Forwarder::join() {
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void Forwarder::run() {
    for (;;) {
        std::chrono::milliseconds wait = kIdleWait;
        if (!m_buffer->empty()) {
            const auto now = std::chrono::steady_clock::now();
            wait = m_up || now >= m_nextRetry
                       ? std::chrono::milliseconds(0)
                       : std::chrono::duration_cast<std::chrono::milliseconds>(m_nextRetry - now) +
                             std::chrono::milliseconds(1);
        }
        if (ForwardBatch* batch = m_channel.next(wait)) {
            handle(*batch);
            m_channel.release(batch);
        } else if (m_channel.closedAndEmpty()) {
            break;
        }
        drainSome();
    }
    if (auto r = m_upstream->flush(); !r) {
        markDown(r.error().message);
    }
}

void Forwarder::handle(ForwardBatch& batch) {
    if (m_buffer->empty() && (m_up || std::chrono::steady_clock::now() >= m_nextRetry)) {
        const int failed = send(batch);
        if (failed < 0) {
            m_forwarded.add(batch.size());
            m_forwardedBatches.add();
            return;
        }
        if (failed > 0) {
            // Topics before the failed one were accepted: store only the rest, so they are not repeated.
            m_scratch.clear();
            m_scratch.topics = batch.topics;
            std::uint64_t accepted = 0;
            for (const BatchRecord& record : batch.records) {
                if (record.topic >= failed) {
                    m_scratch.add(record.topic, record.timestampMs, record.key, record.flags, batch.payload(record));
                } else {
                    ++accepted;
                }
            }
            m_forwarded.add(accepted);
            store(m_scratch);
            return;
        }
    }
    store(batch);
}

int Forwarder::send(const ForwardBatch& batch) {
    for (std::size_t t = 0; t < batch.topics.size(); ++t) {
        m_records.clear();
        for (const BatchRecord& record : batch.records) {
            if (static_cast<std::size_t>(record.topic) == t) {
                m_records.push_back({record.timestampMs, record.key, record.flags, batch.payload(record)});
            }
        }
        if (m_records.empty()) {
            continue;
        }
        if (m_packer) {
            // One record carrying this topic's share of the batch as a (compressed) frame.
            m_packer->encode(batch, m_packed, static_cast<int>(t));
            const engine::log::RecordInput packed{m_records.front().timestampMs, m_packKey, kBatchFramePayload,
                                                  m_packed};
            if (auto r = m_upstream->send(batch.topics[t], std::span(&packed, 1)); !r) {
                markDown(r.error().message);
                return static_cast<int>(t);
            }
            m_packedRaw.add(m_packer->lastRawBytes());
            m_packedStored.add(m_packer->lastFrameBytes());
            continue;
        }
        if (auto r = m_upstream->send(batch.topics[t], m_records); !r) {
            markDown(r.error().message);
            return static_cast<int>(t);
        }
    }
    if (m_confirm) {
        if (auto r = m_upstream->flush(); !r) {
            markDown(r.error().message);
            return 0;  // delivery of the batch is unknown: keep all of it
        }
    }
    markUp();
    return -1;
}

void Forwarder::store(const ForwardBatch& batch) {
    if (batch.empty()) {
        return;
    }
    auto stored = m_buffer->append(batch);
    if (!stored) {
        m_bufferFailed.add(batch.size());
        std::lock_guard lock(m_errorMutex);
        m_lastError = stored.error();
    } else if (*stored == StoreResult::Stored) {
        m_buffered.add(batch.size());
    }
    publishBuffer();
}

void Forwarder::drainSome() {
    if (m_buffer->empty() || (!m_up && std::chrono::steady_clock::now() < m_nextRetry)) {
        return;
    }
    for (int i = 0; i < kDrainPerRound && !m_buffer->empty(); ++i) {
        auto front = m_buffer->front(m_scratch);
        if (!front) {
            // An unreadable frame cannot be forwarded; skip it (counted) rather than block the rest.
            const std::uint64_t lost = m_buffer->stats().pendingRecords;
            if (auto r = m_buffer->popFront(); !r) {
                std::lock_guard lock(m_errorMutex);
                m_lastError = r.error();
                break;  // cannot even skip it (I/O error): retry on the next round
            }
            m_bufferFailed.add(lost - m_buffer->stats().pendingRecords);
            std::lock_guard lock(m_errorMutex);
            m_lastError = front.error();
            continue;
        }
        if (send(m_scratch) >= 0) {
            break;
        }
        if (m_buffer->frontEndsSegment()) {
            // The segment file is deleted next: make what it held durable upstream first.
            if (auto r = m_upstream->flush(); !r) {
                markDown(r.error().message);
                break;
            }
        }
        if (auto r = m_buffer->popFront(); !r) {
            std::lock_guard lock(m_errorMutex);
            m_lastError = r.error();
        }
        m_forwarded.add(m_scratch.size());
        m_forwardedBatches.add();
        m_drained.add(m_scratch.size());
        if (m_channel.hasSubmitted()) {
            break;  // take new batches (they go to disk behind these) so the network side never stalls
        }
    }
    publishBuffer();
}

void Forwarder::markDown(const std::string& error) {
    m_upstreamErrors.add();
    {
        std::lock_guard lock(m_errorMutex);
        m_lastError = error;
    }
    if (m_up) {
        m_retryDelay = m_retryMin;
    } else {
        m_retryDelay = std::min(m_retryMax, m_retryDelay * 2);
    }
    m_up = false;
    m_upFlag.store(false, std::memory_order_relaxed);
    m_nextRetry = std::chrono::steady_clock::now() + m_retryDelay;
}

void Forwarder::markUp() {
    m_up = true;
    m_upFlag.store(true, std::memory_order_relaxed);
    m_retryDelay = m_retryMin;
}

void Forwarder::publishBuffer() {
    const DiskBufferStats& s = m_buffer->stats();
    m_bufferPending.set(s.pendingRecords);
    m_bufferBytes.set(s.bytes);
    m_bufferRefused.set(s.refusedRecords);
    m_bufferDropped.set(s.droppedRecords);
    m_bufferRaw.set(s.rawBytes);
    m_bufferStored.set(s.storedBytes);
    m_bufferCorrupt.set(s.corruptRecords);
}

void Forwarder::fill(GatewayStats& stats) const {
    stats.forwarded = m_forwarded.get();
    stats.forwardedBatches = m_forwardedBatches.get();
    stats.buffered = m_buffered.get();
    stats.drained = m_drained.get();
    stats.bufferPending = m_bufferPending.get();
    stats.bufferBytes = m_bufferBytes.get();
    stats.bufferRecovered = m_bufferRecovered.get();
    stats.bufferRefused = m_bufferRefused.get();
    stats.bufferDropped = m_bufferDropped.get();
    stats.bufferFailed = m_bufferFailed.get();
    stats.bufferCorrupt = m_bufferCorrupt.get();
    stats.upstreamErrors = m_upstreamErrors.get();
    stats.compression = m_compression;
    stats.compressionRawBytes = m_bufferRaw.get() + m_packedRaw.get();
    stats.compressionStoredBytes = m_bufferStored.get() + m_packedStored.get();
    stats.upstreamUp = m_upFlag.load(std::memory_order_relaxed);
    std::lock_guard lock(m_errorMutex);
    stats.lastUpstreamError = m_lastError;
}

}  // namespace cityops::connectors::gateway::detail
