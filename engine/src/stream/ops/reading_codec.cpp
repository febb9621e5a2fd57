#include <algorithm>
#include <cstring>
#include <vector>

#include "cityops/engine/stream/json_codec.h"

#include "cityops/engine/storage/retention.h"
#include "json_support.h"

namespace cityops::engine::stream {
namespace {

using detail::FieldStatus;

enum Field : std::uint8_t {
    kEventId,
    kSensorId,
    kType,
    kMetric,
    kValue,
    kTimestamp,
    kSeq,
    kLocationId,
    kUnknownField,
};

constexpr unsigned kRequired = (1u << kSensorId) | (1u << kType) | (1u << kMetric) | (1u << kValue) | (1u << kTimestamp);

Field fieldOf(std::string_view key) {
    switch (key.size()) {
        case 3:
            return key == "seq" ? kSeq : kUnknownField;
        case 4:
            return key == "type" ? kType : kUnknownField;
        case 5:
            return key == "value" ? kValue : kUnknownField;
        case 6:
            return key == "metric" ? kMetric : kUnknownField;
        case 8:
            return key == "event_id" ? kEventId : kUnknownField;
        case 9:
            return key == "sensor_id" ? kSensorId : (key == "timestamp" ? kTimestamp : kUnknownField);
        case 11:
            return key == "location_id" ? kLocationId : kUnknownField;
        default:
            return kUnknownField;
    }
}

bool kindOfName(std::string_view name, SensorKind& out) {
    for (int i = 0; i < kSensorKindCount; ++i) {
        const auto kind = static_cast<SensorKind>(i);
        if (toString(kind) == name) {
            out = kind;
            return true;
        }
    }
    return false;
}

bool metricOfName(std::string_view name, Metric& out) {
    for (int i = 0; i < kMetricCount; ++i) {
        const auto metric = static_cast<Metric>(i);
        if (toString(metric) == name) {
            out = metric;
            return true;
        }
    }
    return false;
}

DecodeError errorOf(FieldStatus status) {
    switch (status) {
        case FieldStatus::Ok:
            return DecodeError::None;
        case FieldStatus::WrongType:
            return DecodeError::WrongType;
        case FieldStatus::NonFinite:
            return DecodeError::NonFiniteValue;
    }
    return DecodeError::WrongType;
}

//! A string member naming a kind or metric: WrongType when not a string, UnknownKind when unknown.
template <class T>
DecodeError readName(simdjson::dom::element value, bool (*lookup)(std::string_view, T&), T& out) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
        return DecodeError::WrongType;
    }
    return lookup(text, out) ? DecodeError::None : DecodeError::UnknownKind;
}

std::uint64_t defaultEventId(std::uint32_t sensorId, std::uint64_t seq) {
    char text[48];
    char* p = detail::appendUnsigned(text, text + sizeof text, sensorId);
    p = detail::appendRaw(p, text + sizeof text, "-");
    p = detail::appendUnsigned(p, text + sizeof text, seq);
    return detail::fnv1a(std::string_view(text, static_cast<std::size_t>(p - text)));
}

}  // namespace

std::string_view toString(DecodeError error) {
    switch (error) {
        case DecodeError::None:
            return "none";
        case DecodeError::Oversize:
            return "oversize";
        case DecodeError::MalformedJson:
            return "malformed_json";
        case DecodeError::MissingField:
            return "missing_field";
        case DecodeError::WrongType:
            return "wrong_type";
        case DecodeError::NonFiniteValue:
            return "non_finite_value";
        case DecodeError::UnknownKind:
            return "unknown_kind";
        case DecodeError::TimestampTooOld:
            return "timestamp_too_old";
        case DecodeError::TimestampInFuture:
            return "timestamp_in_future";
        case DecodeError::UnknownSensor:
            return "unknown_sensor";
    }
    return "unknown_error";
}

SensorKind kindOfMetric(Metric metric) { return storage::kindOf(metric); }

std::uint64_t eventIdHash(std::string_view eventId) { return detail::fnv1a(eventId); }

struct ReadingDecoder::Impl {
    DecoderLimits limits;
    simdjson::dom::parser parser;
    std::vector<char> buffer;  //!< maxPayloadBytes + SIMDJSON_PADDING, reused for every payload
    std::array<std::uint64_t, kDecodeErrorCount> counts{};
    bool ready = false;

    DecodeError decode(std::span<const std::byte> payload, std::int64_t referenceMs, DecodedReading& out);
};

ReadingDecoder::ReadingDecoder(DecoderLimits limits) : m_impl(std::make_unique<Impl>()) {
    m_impl->limits = limits;
    m_impl->ready = detail::preallocate(m_impl->parser, m_impl->buffer, limits.maxPayloadBytes);
}

ReadingDecoder::~ReadingDecoder() = default;

const std::array<std::uint64_t, kDecodeErrorCount>& ReadingDecoder::counts() const { return m_impl->counts; }

DecodeError ReadingDecoder::decode(std::span<const std::byte> payload, std::int64_t referenceMs, DecodedReading& out) {
    const DecodeError error = m_impl->decode(payload, referenceMs, out);
    ++m_impl->counts[static_cast<std::size_t>(error)];
    return error;
}

DecodeError ReadingDecoder::Impl::decode(std::span<const std::byte> payload, std::int64_t referenceMs,
                                         DecodedReading& out) {
    if (payload.size() > limits.maxPayloadBytes) {
        return DecodeError::Oversize;
    }
    if (!ready) {
        return DecodeError::MalformedJson;  // the parser could not get its buffers: nothing is accepted
    }
    std::memcpy(buffer.data(), payload.data(), payload.size());
    std::memset(buffer.data() + payload.size(), 0, simdjson::SIMDJSON_PADDING);

    const std::string_view text(buffer.data(), payload.size());
    simdjson::dom::element root;
    if (parser.parse(buffer.data(), payload.size(), false).get(root) != simdjson::SUCCESS) {
        return detail::hasBareNonFiniteToken(text) ? DecodeError::NonFiniteValue : DecodeError::MalformedJson;
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return DecodeError::MalformedJson;
    }

    DecodedReading result;
    unsigned seen = 0;
    bool hasEventId = false;
    DecodeError fieldError = DecodeError::None;
    for (const auto member : object) {
        const simdjson::dom::element value = member.value;
        const Field id = fieldOf(member.key);
        DecodeError error = DecodeError::None;
        std::uint64_t number = 0;
        switch (id) {
            case kEventId: {
                std::string_view eventText;
                if (value.get_string().get(eventText) == simdjson::SUCCESS) {
                    result.eventId = detail::fnv1a(eventText);
                    hasEventId = true;
                } else {
                    error = DecodeError::WrongType;
                }
                break;
            }
            case kSensorId:
                error = errorOf(detail::readUnsigned(value, 0xffffffffu, number));
                result.reading.sensorId = static_cast<std::uint32_t>(number);
                break;
            case kType:
                error = readName(value, &kindOfName, result.reading.kind);
                break;
            case kMetric:
                error = readName(value, &metricOfName, result.reading.metric);
                break;
            case kValue:
                error = errorOf(detail::readFiniteDouble(value, result.reading.value));
                break;
            case kTimestamp:
                error = errorOf(detail::readTimestamp(value, result.reading.eventTimeMs));
                break;
            case kSeq:
                error = errorOf(detail::readUnsigned(value, ~0ull, number));
                result.reading.seq = number;
                break;
            case kLocationId:
                error = errorOf(detail::readUnsigned(value, 0xffffu, number));
                result.reading.locationId = static_cast<std::uint16_t>(number);
                break;
            case kUnknownField:
                break;
        }
        if (error != DecodeError::None && fieldError == DecodeError::None) {
            fieldError = error;  // the first problem in document order is reported
        }
        if (id != kUnknownField) {
            seen |= 1u << id;
        }
    }
    if (fieldError != DecodeError::None) {
        return fieldError;
    }
    if ((seen & kRequired) != kRequired) {
        return DecodeError::MissingField;
    }
    if (kindOfMetric(result.reading.metric) != result.reading.kind) {
        return DecodeError::UnknownKind;
    }
    if (result.reading.metric == Metric::VehicleCount && result.reading.value < 0.0) {
        return DecodeError::WrongType;  // a count is never negative
    }
    if (limits.sensorCount != 0 && result.reading.sensorId >= limits.sensorCount) {
        return DecodeError::UnknownSensor;
    }
    const int window =
        detail::timestampWindowCheck(result.reading.eventTimeMs, referenceMs, limits.maxPastMs, limits.maxFutureMs);
    if (window < 0) {
        return DecodeError::TimestampTooOld;
    }
    if (window > 0) {
        return DecodeError::TimestampInFuture;
    }
    if (!hasEventId) {
        result.eventId = defaultEventId(result.reading.sensorId, result.reading.seq);
    }
    out = result;
    return DecodeError::None;
}

std::size_t encodeReadingJson(const Reading& reading, std::span<char> out) {
    char text[kMaxReadingJsonBytes + 64];
    char* const end = text + sizeof text;
    char* p = detail::appendRaw(text, end, "{\"event_id\":\"");
    p = detail::appendUnsigned(p, end, reading.sensorId);
    p = detail::appendRaw(p, end, "-");
    p = detail::appendUnsigned(p, end, reading.seq);
    p = detail::appendRaw(p, end, "\",\"sensor_id\":");
    p = detail::appendUnsigned(p, end, reading.sensorId);
    p = detail::appendRaw(p, end, ",\"type\":\"");
    p = detail::appendRaw(p, end, toString(reading.kind));
    p = detail::appendRaw(p, end, "\",\"metric\":\"");
    p = detail::appendRaw(p, end, toString(reading.metric));
    p = detail::appendRaw(p, end, "\",\"value\":");
    p = detail::appendDouble(p, end, reading.value);
    p = detail::appendRaw(p, end, ",\"timestamp\":");
    p = detail::appendInt(p, end, reading.eventTimeMs);
    p = detail::appendRaw(p, end, ",\"seq\":");
    p = detail::appendUnsigned(p, end, reading.seq);
    p = detail::appendRaw(p, end, ",\"location_id\":");
    p = detail::appendUnsigned(p, end, reading.locationId);
    p = detail::appendRaw(p, end, "}");
    if (p == nullptr) {
        return 0;
    }
    const auto size = static_cast<std::size_t>(p - text);
    if (size > out.size()) {
        return 0;
    }
    std::memcpy(out.data(), text, size);
    return size;
}

}  // namespace cityops::engine::stream
