#pragma once

#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>

#include "cityops/engine/reading.h"

namespace cityops::engine::log {

//! One record to append. The log assigns its offset; the payload is opaque bytes (a Reading, JSON, Avro).
struct RecordInput {
    std::int64_t timestampMs = 0;  //!< event time; drives timestamp replay and retention
    std::uint64_t key = 0;         //!< partitioning key (sensor id)
    std::uint32_t flags = 0;       //!< free for producers (e.g. payload encoding)
    std::span<const std::byte> payload;
};

//! One record read back. payload points into the byte buffer the caller passed to the read.
struct RecordView {
    std::uint64_t offset = 0;
    std::int64_t timestampMs = 0;
    std::uint64_t key = 0;
    std::uint32_t flags = 0;
    std::span<const std::byte> payload;
};

//! flags value of records whose payload is a raw Reading.
inline constexpr std::uint32_t kReadingPayload = 1;

//! A record carrying a Reading: event time, sensor id as key. The payload refers to reading.
inline RecordInput readingRecord(const Reading& reading) {
    return {reading.eventTimeMs, reading.sensorId, kReadingPayload, std::as_bytes(std::span(&reading, 1))};
}

//! The Reading in a record written by readingRecord(); nullopt if the payload is not one, including
//! bytes from an untrusted producer whose kind or metric is out of range or whose value is not finite.
inline std::optional<Reading> readingOf(const RecordView& record) {
    static_assert(std::is_trivially_copyable_v<Reading>);
    if (record.flags != kReadingPayload || record.payload.size() != sizeof(Reading)) {
        return std::nullopt;
    }
    Reading reading;
    std::memcpy(&reading, record.payload.data(), sizeof(Reading));
    if (static_cast<int>(reading.kind) >= kSensorKindCount || static_cast<int>(reading.metric) >= kMetricCount ||
        !std::isfinite(reading.value)) {
        return std::nullopt;
    }
    return reading;
}

}  // namespace cityops::engine::log
