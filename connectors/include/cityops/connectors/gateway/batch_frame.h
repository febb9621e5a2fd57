#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/connectors/gateway/forward_batch.h"

namespace cityops::connectors::gateway {

//! How the body of a batch frame is stored.
enum class Compression : std::uint8_t {
    None = 0,  //!< body as it is
    Zlib = 1,  //!< body deflated by zlib (raw deflate stream with zlib header, level BatchFrameCodec::level)
};

//! "none" / "zlib".
std::string_view toString(Compression compression);
//! Parses "none" or "zlib"; false for anything else.
bool parseCompression(std::string_view text, Compression& out);

//! flags of log records whose payload is a whole batch frame (PayloadFormat-independent packed
//! forwarding, GatewayConfig::forwardPacked); unpackBatchRecord() turns one back into its records.
inline constexpr std::uint32_t kBatchFramePayload = 3;

//! Frame layout, self-describing so a reader needs no setting to decode it:
//!   v1 (16-byte header, written before compression existed; still read):
//!     magic "CGB1", crc32c(bytes 8..end), body size, record count, body
//!   v2 (24-byte header):
//!     magic "CGB2", crc32c(bytes 8..end), stored size, record count, codec (Compression), 3 zero bytes,
//!     raw (uncompressed) body size, stored body
//! The body is the batch's topics then its records (timestamp, key, flags, size, topic, payload).
inline constexpr std::uint32_t kFrameMagicV1 = 0x31424743;  // "CGB1"
inline constexpr std::uint32_t kFrameMagicV2 = 0x32424743;  // "CGB2"
inline constexpr std::size_t kFrameHeaderV1 = 16;
inline constexpr std::size_t kFrameHeaderV2 = 24;
inline constexpr std::uint32_t kMaxFrameBodyBytes = 1U << 30;

//! What a frame header says, before its body is read.
struct FrameHeader {
    std::uint32_t version = 0;      //!< 1 or 2; 0 when the magic is unknown
    std::size_t headerBytes = 0;    //!< 16 or 24
    std::uint32_t storedBytes = 0;  //!< body bytes following the header
    std::uint32_t rawBytes = 0;     //!< body bytes once decompressed
    std::uint32_t records = 0;
    Compression compression = Compression::None;
    std::size_t frameBytes() const { return headerBytes + storedBytes; }
};

//! Reads the header at the start of bytes (at least kFrameHeaderV1 bytes; v2 needs kFrameHeaderV2).
//! false when the magic is unknown, the codec unknown or a size beyond kMaxFrameBodyBytes.
bool parseFrameHeader(std::span<const std::byte> bytes, FrameHeader& out);

//! Encodes and decodes batch frames, reusing its zlib streams and scratch buffers (no allocation per
//! frame once warm). Not thread-safe: one owner thread.
class BatchFrameCodec {
public:
    explicit BatchFrameCodec(Compression compression = Compression::Zlib, int level = 1);
    ~BatchFrameCodec();
    BatchFrameCodec(const BatchFrameCodec&) = delete;
    BatchFrameCodec& operator=(const BatchFrameCodec&) = delete;

    //! Replaces out with batch as one v2 frame; rawBytes()/storedBytes() then tell the sizes of the
    //! body before and after compression. Only records whose topic is onlyTopic are kept when it is
    //! >= 0 (packed forwarding sends one frame per topic). A body that does not shrink is stored as None.
    void encode(const ForwardBatch& batch, std::vector<std::byte>& out, int onlyTopic = -1);
    //! Decodes one whole frame (v1 or v2) into out (capacities reused). false with error set when the
    //! magic, CRC, sizes, decompression or body are wrong.
    bool decode(std::span<const std::byte> frame, ForwardBatch& out, std::string& error);

    Compression compression() const { return m_compression; }
    std::uint64_t lastRawBytes() const { return m_lastRaw; }
    std::uint64_t lastFrameBytes() const { return m_lastFrame; }

private:
    struct Zlib;
    Compression m_compression;
    int m_level;
    std::unique_ptr<Zlib> m_zlib;
    std::vector<std::byte> m_body;  //!< raw body scratch
    std::uint64_t m_lastRaw = 0;    //!< size the last frame would have uncompressed (header + raw body)
    std::uint64_t m_lastFrame = 0;  //!< frame size written by the last encode
};

//! Decodes a record forwarded with flags kBatchFramePayload (its payload a frame) into out.
//! Consumers of a packed topic call this per record; false with error for anything else.
bool unpackBatchRecord(BatchFrameCodec& codec, std::uint32_t flags, std::span<const std::byte> payload,
                       ForwardBatch& out, std::string& error);

}  // namespace cityops::connectors::gateway
