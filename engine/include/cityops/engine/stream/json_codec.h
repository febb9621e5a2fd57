#pragma once

// The JSON wire format of sensor readings (docs/EVENT_FORMAT.md): what sensors send to gateways,
// what gateways forward to the log or Kafka, and what the engine decodes. One JSON object per event:
//
//   {"event_id":"17-4211","sensor_id":17,"type":"air_quality","metric":"co2","value":812.4,
//    "timestamp":1795426800123,"seq":4211,"location_id":3}
//
// "timestamp" is ms since the Unix epoch or an ISO-8601 UTC text ("2026-11-23T10:00:00.123Z").
// "event_id" is optional (default "<sensor_id>-<seq>"); "location_id" is optional (default 0, the
// enrichment stage fills it from the registry). Unknown members are ignored.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "cityops/engine/reading.h"

namespace cityops::engine::stream {

//! Why a payload was rejected; each is counted and its payload kept as a dead letter.
enum class DecodeError : std::uint8_t {
    None,
    Oversize,           //!< payload larger than DecoderLimits::maxPayloadBytes
    MalformedJson,      //!< not a JSON object
    MissingField,       //!< sensor_id, type, metric, value or timestamp absent
    WrongType,          //!< e.g. value is a string, sensor_id negative or fractional, a negative vehicle_count
    NonFiniteValue,     //!< NaN or ±Inf (also as the strings "NaN", "Infinity")
    UnknownKind,        //!< "type" or "metric" not one of the design's, or metric not of that type
    TimestampTooOld,    //!< more than maxPastMs before the reference time
    TimestampInFuture,  //!< more than maxFutureMs after the reference time
    UnknownSensor,      //!< sensor_id >= DecoderLimits::sensorCount (when set)
};
inline constexpr int kDecodeErrorCount = 10;

//! Stable lower-case name ("malformed_json"), used as the dead-letter reason and metric label.
std::string_view toString(DecodeError error);

struct DecoderLimits {
    std::size_t maxPayloadBytes = 4096;
    std::uint32_t sensorCount = 0;                      //!< 0: any sensor id is accepted
    std::int64_t maxPastMs = 400LL * 24 * 3600 * 1000;  //!< relative to the reference time
    std::int64_t maxFutureMs = 3600LL * 1000;
};

//! A decoded event: the reading plus a 64-bit id of its event_id text (for deduplication).
struct DecodedReading {
    Reading reading;
    std::uint64_t eventId = 0;
};

//! Decodes reading payloads. Reuses one parser and one padded buffer, so decoding a valid payload
//! does not allocate. Not thread-safe: one decoder per thread. Members may come in any order; each
//! occurrence of a repeated member is checked and the last one's value is kept; unknown members
//! must be valid JSON and are otherwise ignored. The first problem in document order is reported.
class ReadingDecoder {
public:
    explicit ReadingDecoder(DecoderLimits limits = {});
    ~ReadingDecoder();
    ReadingDecoder(const ReadingDecoder&) = delete;
    ReadingDecoder& operator=(const ReadingDecoder&) = delete;

    //! Decodes one payload. referenceMs is "now" for the far-past / far-future checks (processing
    //! time live, the simulated clock in a scenario); pass INT64_MIN to skip them.
    DecodeError decode(std::span<const std::byte> payload, std::int64_t referenceMs, DecodedReading& out);
    //! Rejections so far, indexed by DecodeError (index 0 counts accepted payloads).
    const std::array<std::uint64_t, kDecodeErrorCount>& counts() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

//! Writes reading as one JSON object (no newline) into out; returns the bytes written, or 0 if out
//! is too small (256 bytes always suffice). Never allocates. decode(encode(r)) == r.
std::size_t encodeReadingJson(const Reading& reading, std::span<char> out);

//! The 64-bit id of an event_id text (FNV-1a; the default text "<sensor>-<seq>" hashes like any other).
std::uint64_t eventIdHash(std::string_view eventId);

//! Bytes encodeReadingJson may need at most.
inline constexpr std::size_t kMaxReadingJsonBytes = 256;

//! The sensor kind a metric belongs to (a payload whose "metric" is not of its "type" is UnknownKind).
SensorKind kindOfMetric(Metric metric);

//! The id deduplication uses for a decoded reading. One sensor transmission ("17-4211") carries
//! several metrics as separate objects with the same event_id, so the metric is mixed in: only a
//! repeat of the same (event_id, metric) is a duplicate.
inline std::uint64_t readingDedupId(const DecodedReading& decoded) {
    std::uint64_t z = decoded.eventId ^ (static_cast<std::uint64_t>(decoded.reading.metric) + 1) * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 29)) * 0xbf58476d1ce4e5b9ull;
    return z ^ (z >> 32);
}

}  // namespace cityops::engine::stream
