#pragma once

#include <cstddef>
#include <cstdint>

namespace cityops::engine::log {

//! CRC-32C (Castagnoli), table-driven slicing-by-8. Continue a running checksum by passing the
//! previous result as crc; crc32c("123456789") == 0xE3069283.
std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc = 0);

}  // namespace cityops::engine::log
