#pragma once

// Helpers shared by the reading and receipt codecs (private to engine/src/stream/ops).

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace cityops::engine::stream::detail {

//! How a member failed to read.
enum class FieldStatus : std::uint8_t { Ok, WrongType, NonFinite };

//! FNV-1a, 64 bit.
inline std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ull) {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

//! Gives parser (and the document it parses into) room for the largest accepted payload, so
//! parsing never allocates afterwards; buffer is the decoder's padded buffer (left zeroed).
bool preallocate(simdjson::dom::parser& parser, std::vector<char>& buffer, std::size_t maxPayloadBytes);

//! Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM|±HH)" into ms since the epoch (UTC);
//! the fraction is truncated to milliseconds. False when the text is not such a time.
bool parseIsoTimestamp(std::string_view text, std::int64_t& outMs);

//! True for the texts encoders write for non-finite numbers: NaN, Infinity, -Infinity, inf, ...
bool isNonFiniteText(std::string_view text);

//! For a payload simdjson rejected: true when it holds a bare NaN / Infinity / -Infinity token
//! outside strings, as some encoders (Python's json.dumps) write non-finite numbers.
bool hasBareNonFiniteToken(std::string_view text);

//! A timestamp member: an integer or fractional number of ms since the epoch, or an ISO-8601 text.
FieldStatus readTimestamp(simdjson::dom::element value, std::int64_t& outMs);

//! A finite double member; the strings "NaN", "Infinity", ... give NonFinite.
FieldStatus readFiniteDouble(simdjson::dom::element value, double& out);

//! An unsigned integer member no larger than maxValue.
FieldStatus readUnsigned(simdjson::dom::element value, std::uint64_t maxValue, std::uint64_t& out);

//! Whether [referenceMs − maxPastMs, referenceMs + maxFutureMs] holds t, without overflow.
//! Returns −1 (too old), +1 (in the future) or 0.
int timestampWindowCheck(std::int64_t t, std::int64_t referenceMs, std::int64_t maxPastMs, std::int64_t maxFutureMs);

//! Appends s as a JSON string (with quotes and escapes) at p; nullptr when it does not fit before end.
char* appendJsonString(char* p, char* end, std::string_view s);
//! Appends raw text; nullptr when it does not fit.
char* appendRaw(char* p, char* end, std::string_view s);
//! Appends a double in its shortest round-trip form; non-finite values as the strings "NaN",
//! "Infinity", "-Infinity" (which decoders reject as non-finite).
char* appendDouble(char* p, char* end, double v);
char* appendInt(char* p, char* end, std::int64_t v);
char* appendUnsigned(char* p, char* end, std::uint64_t v);

}  // namespace cityops::engine::stream::detail
