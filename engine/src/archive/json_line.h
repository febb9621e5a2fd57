#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cityops/engine/log/record.h"

namespace cityops::engine::archive::detail {

//! Appends the archive's JSON line for one record (ending in '\n') to out. Readings become a
//! structured "reading" object, valid UTF-8 text a "payload" string, other bytes "payload_b64".
void appendLine(std::string& out, std::string_view topic, int partition, const log::RecordView& record);

//! A line decoded back into the record it came from (payload bytes as written to the log).
struct DecodedLine {
    std::string topic;
    int partition = 0;
    std::uint64_t offset = 0;
    std::int64_t timestampMs = 0;
    std::uint64_t key = 0;
    std::uint32_t flags = 0;
    std::string payload;  //!< reused between decodes
};

//! Decodes a line written by appendLine (without its '\n'). Returns false and sets error otherwise.
bool decodeLine(std::string_view line, DecodedLine& out, std::string& error);

}  // namespace cityops::engine::archive::detail
