#include "cityops/engine/stream/dead_letters.h"

#include <charconv>

namespace cityops::engine::stream {

std::string sourceRefOf(const SourcePosition& position) {
    std::string ref;
    ref.reserve(position.topic.size() + 32);
    ref.append(position.topic);
    char digits[24];
    ref.push_back('/');
    ref.append(digits, std::to_chars(digits, digits + sizeof digits, position.partition).ptr);
    ref.push_back('/');
    ref.append(digits, std::to_chars(digits, digits + sizeof digits, position.offset).ptr);
    return ref;
}

storage::DeadLetter makeDeadLetter(std::string_view reason, std::span<const std::byte> payload, std::string_view source,
                                   const SourcePosition& position, std::int64_t receivedMs) {
    storage::DeadLetter letter;
    letter.source = std::string(source);
    letter.sourceRef = sourceRefOf(position);
    letter.reason = std::string(reason);
    letter.payload.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
    letter.receivedMs = receivedMs;
    return letter;
}

}  // namespace cityops::engine::stream
