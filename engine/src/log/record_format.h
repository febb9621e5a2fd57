#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "cityops/engine/log/record.h"

namespace cityops::engine::log::detail {

static_assert(std::endian::native == std::endian::little, "segment files are little-endian; add byte swaps");

//! On-disk record header; the CRC-32C covers every byte after the crc field (header rest + payload).
struct RecordHeader {
    std::uint32_t size = 0;  //!< whole record, header included
    std::uint32_t crc = 0;
    std::uint64_t offset = 0;
    std::int64_t timestampMs = 0;
    std::uint64_t key = 0;
    std::uint32_t flags = 0;
    std::uint32_t payloadSize = 0;  //!< size − kHeaderBytes, a framing cross-check
};
inline constexpr std::size_t kHeaderBytes = 40;
inline constexpr std::size_t kCrcStart = 8;
static_assert(sizeof(RecordHeader) == kHeaderBytes);

inline std::size_t recordBytes(const RecordInput& record) {
    return kHeaderBytes + record.payload.size();
}

//! Writes the record with its offset and CRC at dst (recordBytes(input) bytes).
void encodeRecord(std::byte* dst, std::uint64_t offset, const RecordInput& input);

enum class Decode : std::uint8_t {
    Ok,        //!< header valid, whole record present, CRC matches
    NeedMore,  //!< bytes end before the header or before the record's declared end
    Invalid,   //!< impossible size fields or CRC mismatch
};

//! Decodes the record at the start of bytes into header.
Decode decodeRecord(std::span<const std::byte> bytes, std::uint32_t maxPayloadBytes, RecordHeader& header);

//! The view of a record decoded by decodeRecord() from bytes.
inline RecordView viewOf(const RecordHeader& header, const std::byte* bytes) {
    return {header.offset, header.timestampMs, header.key, header.flags,
            std::span<const std::byte>(bytes + kHeaderBytes, header.payloadSize)};
}

}  // namespace cityops::engine::log::detail
