#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "batch_channel.h"
#include "cityops/connectors/gateway/disk_buffer.h"
#include "cityops/connectors/gateway/gateway.h"
#include "cityops/engine/log/event_source.h"

namespace cityops::connectors::gateway::detail {

//! The forwarder thread: sends submitted batches upstream, or, while the upstream fails or older
//! batches wait on disk, appends them to the disk buffer, and drains the disk buffer in order
//! with exponential retry. The only user of the upstream and of the disk buffer.
class Forwarder {
public:
    Forwarder(BatchChannel& channel, std::unique_ptr<engine::log::EventSink> upstream,
              std::unique_ptr<DiskBuffer> buffer, std::chrono::milliseconds retryMin, std::chrono::milliseconds retryMax);
    ~Forwarder();
    Forwarder(const Forwarder&) = delete;
    Forwarder& operator=(const Forwarder&) = delete;

    //! Forwards each batch as one packed frame record per topic (GatewayConfig::forwardPacked). Before start().
    void packForwards(Compression compression, std::uint64_t key);
    //! Flush the upstream after each batch before counting it forwarded (GatewayConfig::confirmEachBatch).
    void confirmEachBatch(bool on) { m_confirm = on; }
    void start();
    //! Returns once every submitted batch is forwarded or stored and the upstream flushed; call after
    //! the channel is closed.
    void join();
    //! Adds the forwarder's counters to stats.
    void fill(GatewayStats& stats) const;

private:
    void run();
    void handle(ForwardBatch& batch);
    //! Forwards up to a few buffered batches; stops at the first failure or when new batches wait.
    void drainSome();
    //! Sends batch topic by topic; returns the index of the first topic that failed, or -1.
    int send(const ForwardBatch& batch);
    void store(const ForwardBatch& batch);
    void markDown(const std::string& error);
    void markUp();
    void publishBuffer();

    BatchChannel& m_channel;
    std::unique_ptr<engine::log::EventSink> m_upstream;
    std::unique_ptr<DiskBuffer> m_buffer;
    std::chrono::milliseconds m_retryMin;
    std::chrono::milliseconds m_retryMax;
    std::chrono::milliseconds m_retryDelay;
    std::chrono::steady_clock::time_point m_nextRetry{};
    bool m_up = true;
    bool m_confirm = false;
    std::thread m_thread;
    std::vector<engine::log::RecordInput> m_records;  //!< reused per topic send
    ForwardBatch m_scratch;                          //!< a batch read back from disk, or a remainder
    std::unique_ptr<BatchFrameCodec> m_packer;       //!< set when forwards are packed
    std::uint64_t m_packKey = 0;
    std::vector<std::byte> m_packed;                 //!< one packed frame, reused
    Counter m_packedRaw;
    Counter m_packedStored;
    Counter m_bufferRaw;
    Counter m_bufferStored;
    Counter m_bufferCorrupt;
    Compression m_compression = Compression::Zlib;

    Counter m_forwarded;
    Counter m_forwardedBatches;
    Counter m_buffered;
    Counter m_drained;
    Counter m_bufferPending;
    Counter m_bufferBytes;
    Counter m_bufferRecovered;
    Counter m_bufferRefused;
    Counter m_bufferDropped;
    Counter m_bufferFailed;
    Counter m_upstreamErrors;
    std::atomic<bool> m_upFlag{true};
    mutable std::mutex m_errorMutex;  //!< guards m_lastError (written per failure, not per record)
    std::string m_lastError;
};

}  // namespace cityops::connectors::gateway::detail
