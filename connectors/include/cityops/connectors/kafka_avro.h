#pragma once
// Avro (binary, Apache Avro C library) payloads of the Kafka topics, next to the default JSON:
// readings on the design's reading topics, alerts on `alerts`. Schemas: resources/avro/*.avsc
// (generated from the engine's enum names; the tests check the files equal these), docs/KAFKA.md.
// A payload is one Avro datum with no container header (the schema is agreed per topic).
// The schemas hold only fixed-size types (long, int, double, enum): decoding untrusted bytes
// never allocates by a length read from the input.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream/json_codec.h"

namespace cityops::connectors {

//! Payload format of a connector (worker input readings and output alerts).
enum class PayloadFormat : std::uint8_t { Json, Avro };
std::string_view toString(PayloadFormat format);  //!< "json", "avro"
//! "json" or "avro" (case-sensitive); nullopt otherwise.
std::optional<PayloadFormat> parsePayloadFormat(std::string_view text);

//! Record flags (the cityops-flags header) of an Avro reading payload; 2 is a JSON reading.
inline constexpr std::uint32_t kAvroReadingFlags = 4;

//! The Avro schemas as JSON text (record cityops.Reading, cityops.Alert).
std::string readingAvroSchema();
std::string alertAvroSchema();

//! Why an Avro payload was rejected. Reasons are the engine's dead-letter names where one fits.
enum class AvroError : std::uint8_t {
    None,
    Oversize,        //!< larger than DecoderLimits::maxPayloadBytes ("oversize")
    Malformed,       //!< not one datum of the schema: truncated, trailing bytes, bad varint ("malformed_avro")
    WrongType,       //!< a field out of its range: negative or too large ids, negative vehicle count ("wrong_type")
    NonFiniteValue,  //!< NaN or ±Inf ("non_finite_value")
    UnknownKind,     //!< enum index out of range, or metric not of the kind ("unknown_kind")
    UnknownSensor,   //!< sensor_id >= DecoderLimits::sensorCount when set ("unknown_sensor")
};
//! The dead-letter reason of an error ("malformed_avro", else the engine's DecodeError names).
std::string_view toString(AvroError error);

//! Encoder and decoder of cityops.Reading. Reusable, no allocation per payload after the first;
//! one thread at a time.
class AvroReadingCodec {
public:
    explicit AvroReadingCodec(engine::stream::DecoderLimits limits = {});
    ~AvroReadingCodec();
    AvroReadingCodec(const AvroReadingCodec&) = delete;
    AvroReadingCodec& operator=(const AvroReadingCodec&) = delete;

    //! Bytes written into out, 0 if out is too small (kMaxAvroReadingBytes always suffices).
    std::size_t encode(const engine::Reading& reading, std::span<std::byte> out);
    //! Decodes one payload into out (only on None).
    AvroError decode(std::span<const std::byte> payload, engine::Reading& out);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};
inline constexpr std::size_t kMaxAvroReadingBytes = 64;

//! Encoder and decoder of cityops.Alert (the alerts topic in Avro).
class AvroAlertCodec {
public:
    AvroAlertCodec();
    ~AvroAlertCodec();
    AvroAlertCodec(const AvroAlertCodec&) = delete;
    AvroAlertCodec& operator=(const AvroAlertCodec&) = delete;

    //! Bytes written into out, 0 if out is too small (kMaxAvroAlertBytes always suffices).
    std::size_t encode(const engine::Alert& alert, std::span<std::byte> out);
    AvroError decode(std::span<const std::byte> payload, engine::Alert& out);

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};
inline constexpr std::size_t kMaxAvroAlertBytes = 96;

}  // namespace cityops::connectors
