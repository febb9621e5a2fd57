#pragma once

// Rejected payloads become dead letters (storage::DeadLetter): the raw bytes, the reason and where
// they came from, so nothing is lost and every rejection can be inspected or replayed. Building one
// allocates; that is the rare bad-input path, never the hot path of valid events.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cityops/engine/storage/records.h"
#include "cityops/engine/stream/json_codec.h"

namespace cityops::engine::stream {

//! A payload's position in its source: topic (or connector), partition and offset.
struct SourcePosition {
    std::string_view topic;
    int partition = 0;
    std::uint64_t offset = 0;
};

//! "topic/partition/offset", the dead letter's sourceRef (with source, its natural key).
std::string sourceRefOf(const SourcePosition& position);

//! A dead letter for a payload rejected with `reason` (a decoder's toString of its error).
//! `source` names the topic or connector ("air-quality", "mqtt-gateway").
storage::DeadLetter makeDeadLetter(std::string_view reason, std::span<const std::byte> payload, std::string_view source,
                                   const SourcePosition& position, std::int64_t receivedMs);

//! A dead letter for a reading payload the ReadingDecoder rejected: reason = toString(error).
inline storage::DeadLetter deadLetterFor(DecodeError error, std::span<const std::byte> payload, std::string_view source,
                                         const SourcePosition& position, std::int64_t receivedMs) {
    return makeDeadLetter(toString(error), payload, source, position, receivedMs);
}

}  // namespace cityops::engine::stream
