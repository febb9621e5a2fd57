#include "record_format.h"

#include <cstring>

#include "cityops/engine/log/crc32c.h"

namespace cityops::engine::log::detail {

void encodeRecord(std::byte* dst, std::uint64_t offset, const RecordInput& input) {
    RecordHeader header;
    header.size = static_cast<std::uint32_t>(recordBytes(input));
    header.offset = offset;
    header.timestampMs = input.timestampMs;
    header.key = input.key;
    header.flags = input.flags;
    header.payloadSize = static_cast<std::uint32_t>(input.payload.size());
    std::memcpy(dst, &header, kHeaderBytes);
    if (!input.payload.empty()) {
        std::memcpy(dst + kHeaderBytes, input.payload.data(), input.payload.size());
    }
    const std::uint32_t crc = crc32c(dst + kCrcStart, header.size - kCrcStart);
    std::memcpy(dst + 4, &crc, sizeof crc);
}

Decode decodeRecord(std::span<const std::byte> bytes, std::uint32_t maxPayloadBytes, RecordHeader& header) {
    if (bytes.size() < kHeaderBytes) {
        return Decode::NeedMore;
    }
    std::memcpy(&header, bytes.data(), kHeaderBytes);
    if (header.size < kHeaderBytes || header.payloadSize != header.size - kHeaderBytes ||
        header.payloadSize > maxPayloadBytes) {
        return Decode::Invalid;
    }
    if (bytes.size() < header.size) {
        return Decode::NeedMore;
    }
    return crc32c(bytes.data() + kCrcStart, header.size - kCrcStart) == header.crc ? Decode::Ok : Decode::Invalid;
}

}  // namespace cityops::engine::log::detail
