#include "cityops/connectors/gateway/batch_frame.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "cityops/engine/log/crc32c.h"

namespace cityops::connectors::gateway {

namespace {

using engine::log::crc32c;

constexpr std::size_t kRecordHeader = 8 + 8 + 4 + 4 + 1;

template <class T>
void put(std::vector<std::byte>& out, T value) {
    const std::size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &value, sizeof(T));
}

template <class T>
T get(const std::byte* data) {
    T value;
    std::memcpy(&value, data, sizeof(T));
    return value;
}

void encodeBody(const ForwardBatch& batch, int onlyTopic, std::vector<std::byte>& out, std::uint32_t& count) {
    out.clear();
    count = 0;
    put<std::uint8_t>(out, static_cast<std::uint8_t>(batch.topics.size()));
    for (const std::string& topic : batch.topics) {
        const std::size_t length = std::min<std::size_t>(topic.size(), 255);
        put<std::uint8_t>(out, static_cast<std::uint8_t>(length));
        const std::size_t at = out.size();
        out.resize(at + length);
        std::memcpy(out.data() + at, topic.data(), length);
    }
    for (const BatchRecord& record : batch.records) {
        if (onlyTopic >= 0 && record.topic != onlyTopic) continue;
        put(out, record.timestampMs);
        put(out, record.key);
        put(out, record.flags);
        put(out, record.size);
        put(out, record.topic);
        const std::size_t at = out.size();
        out.resize(at + record.size);
        if (record.size > 0) {
            std::memcpy(out.data() + at, batch.bytes.data() + record.offset, record.size);
        }
        ++count;
    }
}

//! Parses a frame's raw body into out; false if it is inconsistent (then out is unspecified).
bool decodeBody(std::span<const std::byte> body, std::uint32_t count, ForwardBatch& out) {
    out.clear();
    if (body.empty()) return false;
    const auto topics = static_cast<std::size_t>(get<std::uint8_t>(body.data()));
    std::size_t at = 1;
    out.topics.resize(topics);
    for (std::size_t t = 0; t < topics; ++t) {
        if (at + 1 > body.size()) return false;
        const auto length = static_cast<std::size_t>(get<std::uint8_t>(body.data() + at));
        ++at;
        if (at + length > body.size()) return false;
        out.topics[t].assign(reinterpret_cast<const char*>(body.data() + at), length);
        at += length;
    }
    out.records.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        if (at + kRecordHeader > body.size()) return false;
        const auto ts = get<std::int64_t>(body.data() + at);
        const auto key = get<std::uint64_t>(body.data() + at + 8);
        const auto flags = get<std::uint32_t>(body.data() + at + 16);
        const auto size = get<std::uint32_t>(body.data() + at + 20);
        const auto topic = get<std::uint8_t>(body.data() + at + 24);
        at += kRecordHeader;
        if (size > body.size() - at || topic >= topics) return false;
        out.add(topic, ts, key, flags, body.subspan(at, size));
        at += size;
    }
    return at == body.size();
}

}  // namespace

std::string_view toString(Compression compression) {
    return compression == Compression::Zlib ? "zlib" : "none";
}

bool parseCompression(std::string_view text, Compression& out) {
    if (text == "none") {
        out = Compression::None;
    } else if (text == "zlib") {
        out = Compression::Zlib;
    } else {
        return false;
    }
    return true;
}

bool parseFrameHeader(std::span<const std::byte> bytes, FrameHeader& out) {
    if (bytes.size() < kFrameHeaderV1) return false;
    const auto magic = get<std::uint32_t>(bytes.data());
    out = FrameHeader{};
    out.storedBytes = get<std::uint32_t>(bytes.data() + 8);
    out.records = get<std::uint32_t>(bytes.data() + 12);
    if (magic == kFrameMagicV1) {
        out.version = 1;
        out.headerBytes = kFrameHeaderV1;
        out.rawBytes = out.storedBytes;
    } else if (magic == kFrameMagicV2) {
        if (bytes.size() < kFrameHeaderV2) return false;
        const auto codec = get<std::uint8_t>(bytes.data() + 16);
        if (codec > static_cast<std::uint8_t>(Compression::Zlib)) return false;
        out.version = 2;
        out.headerBytes = kFrameHeaderV2;
        out.compression = static_cast<Compression>(codec);
        out.rawBytes = get<std::uint32_t>(bytes.data() + 20);
        if (out.compression == Compression::None && out.rawBytes != out.storedBytes) return false;
    } else {
        return false;
    }
    return out.storedBytes <= kMaxFrameBodyBytes && out.rawBytes <= kMaxFrameBodyBytes;
}

struct BatchFrameCodec::Zlib {
    z_stream deflater{};
    z_stream inflater{};
    bool deflaterReady = false;
    bool inflaterReady = false;
    ~Zlib() {
        if (deflaterReady) deflateEnd(&deflater);
        if (inflaterReady) inflateEnd(&inflater);
    }
};

BatchFrameCodec::BatchFrameCodec(Compression compression, int level)
    : m_compression(compression), m_level(std::clamp(level, 1, 9)), m_zlib(std::make_unique<Zlib>()) {}

BatchFrameCodec::~BatchFrameCodec() = default;

void BatchFrameCodec::encode(const ForwardBatch& batch, std::vector<std::byte>& out, int onlyTopic) {
    std::uint32_t count = 0;
    encodeBody(batch, onlyTopic, m_body, count);
    const auto raw = static_cast<uInt>(m_body.size());
    out.resize(kFrameHeaderV2);
    Compression used = Compression::None;
    std::size_t stored = raw;
    if (m_compression == Compression::Zlib) {
        z_stream& zs = m_zlib->deflater;
        if (!m_zlib->deflaterReady) {
            m_zlib->deflaterReady = deflateInit(&zs, m_level) == Z_OK;
        } else {
            deflateReset(&zs);
        }
        if (m_zlib->deflaterReady) {
            const uLong bound = deflateBound(&zs, raw);
            out.resize(kFrameHeaderV2 + bound);
            zs.next_in = reinterpret_cast<Bytef*>(m_body.data());
            zs.avail_in = raw;
            zs.next_out = reinterpret_cast<Bytef*>(out.data() + kFrameHeaderV2);
            zs.avail_out = static_cast<uInt>(bound);
            if (deflate(&zs, Z_FINISH) == Z_STREAM_END && zs.total_out < raw) {
                used = Compression::Zlib;
                stored = zs.total_out;
            }
        }
    }
    if (used == Compression::None) {
        out.resize(kFrameHeaderV2 + raw);
        if (raw > 0) std::memcpy(out.data() + kFrameHeaderV2, m_body.data(), raw);
    } else {
        out.resize(kFrameHeaderV2 + stored);
    }
    const std::uint32_t magic = kFrameMagicV2;
    const auto storedBytes = static_cast<std::uint32_t>(stored);
    const auto codec = static_cast<std::uint8_t>(used);
    const std::uint8_t zero[3]{};
    std::memcpy(out.data(), &magic, 4);
    std::memcpy(out.data() + 8, &storedBytes, 4);
    std::memcpy(out.data() + 12, &count, 4);
    std::memcpy(out.data() + 16, &codec, 1);
    std::memcpy(out.data() + 17, zero, 3);
    std::memcpy(out.data() + 20, &raw, 4);
    const std::uint32_t crc = crc32c(out.data() + 8, out.size() - 8);
    std::memcpy(out.data() + 4, &crc, 4);
    m_lastRaw = kFrameHeaderV2 + raw;
    m_lastFrame = out.size();
}

bool BatchFrameCodec::decode(std::span<const std::byte> frame, ForwardBatch& out, std::string& error) {
    FrameHeader header;
    if (!parseFrameHeader(frame, header)) {
        error = "bad frame header";
        return false;
    }
    if (frame.size() != header.frameBytes()) {
        error = "frame size " + std::to_string(frame.size()) + " does not match its header (" +
                std::to_string(header.frameBytes()) + ")";
        return false;
    }
    if (crc32c(frame.data() + 8, frame.size() - 8) != get<std::uint32_t>(frame.data() + 4)) {
        error = "frame checksum mismatch";
        return false;
    }
    std::span<const std::byte> body = frame.subspan(header.headerBytes);
    if (header.compression == Compression::Zlib) {
        z_stream& zs = m_zlib->inflater;
        if (!m_zlib->inflaterReady) {
            m_zlib->inflaterReady = inflateInit(&zs) == Z_OK;
        } else {
            inflateReset(&zs);
        }
        if (!m_zlib->inflaterReady) {
            error = "zlib: cannot initialise the decompressor";
            return false;
        }
        m_body.resize(header.rawBytes);
        zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(body.data()));
        zs.avail_in = static_cast<uInt>(body.size());
        zs.next_out = reinterpret_cast<Bytef*>(m_body.data());
        zs.avail_out = static_cast<uInt>(m_body.size());
        const int rc = inflate(&zs, Z_FINISH);
        if (rc != Z_STREAM_END || zs.total_out != header.rawBytes || zs.avail_in != 0) {
            error = "zlib: cannot decompress the frame body (" + std::string(zs.msg ? zs.msg : "size mismatch") + ")";
            return false;
        }
        body = m_body;
    }
    if (!decodeBody(body, header.records, out)) {
        error = "inconsistent frame body";
        return false;
    }
    return true;
}

bool unpackBatchRecord(BatchFrameCodec& codec, std::uint32_t flags, std::span<const std::byte> payload,
                       ForwardBatch& out, std::string& error) {
    if (flags != kBatchFramePayload) {
        error = "record is not a packed batch (flags " + std::to_string(flags) + ")";
        return false;
    }
    return codec.decode(payload, out, error);
}

}  // namespace cityops::connectors::gateway
