#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace cityops::connectors::gateway {

//! flags of log records whose payload is one reading as JSON text (engine/stream/json_codec.h); the
//! engine's kReadingPayload (1) marks a raw engine::Reading.
inline constexpr std::uint32_t kJsonReadingPayload = 2;

//! One record of a ForwardBatch: its destination topic (index into ForwardBatch::topics), the log
//! record's fields, and where its payload lies in ForwardBatch::bytes.
struct BatchRecord {
    std::int64_t timestampMs = 0;
    std::uint64_t key = 0;
    std::uint32_t flags = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint8_t topic = 0;
};

//! Records a gateway forwards, or buffers on disk, together. Payloads lie back to back in one byte
//! vector; clear() keeps every capacity, so a recycled batch does not allocate.
struct ForwardBatch {
    std::vector<std::string> topics;  //!< at most 255; a record names its topic by index
    std::vector<std::byte> bytes;
    std::vector<BatchRecord> records;

    void clear() {
        bytes.clear();
        records.clear();
    }
    bool empty() const { return records.empty(); }
    std::size_t size() const { return records.size(); }
    //! Appends one record with a copy of payload.
    void add(std::uint8_t topic, std::int64_t timestampMs, std::uint64_t key, std::uint32_t flags,
             std::span<const std::byte> payload) {
        const std::size_t at = bytes.size();
        bytes.resize(at + payload.size());
        if (!payload.empty()) {
            std::memcpy(bytes.data() + at, payload.data(), payload.size());
        }
        records.push_back({timestampMs, key, flags, static_cast<std::uint32_t>(at),
                           static_cast<std::uint32_t>(payload.size()), topic});
    }
    std::span<const std::byte> payload(const BatchRecord& record) const {
        return std::span(bytes).subspan(record.offset, record.size);
    }
};

}  // namespace cityops::connectors::gateway
