#include "cityops/engine/log/crc32c.h"

#include <array>
#include <cstring>

namespace cityops::engine::log {

namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, reflected

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables makeTables() {
    Tables tables{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 1u) != 0 ? (crc >> 1) ^ kPolynomial : crc >> 1;
        }
        tables[0][i] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k) {
        for (std::size_t i = 0; i < 256; ++i) {
            const std::uint32_t previous = tables[k - 1][i];
            tables[k][i] = (previous >> 8) ^ tables[0][previous & 0xffu];
        }
    }
    return tables;
}

constexpr Tables kTables = makeTables();

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc) {
    const auto* p = static_cast<const unsigned char*>(data);
    crc = ~crc;
    while (size >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);  // little-endian load, asserted in record_format.h
        word ^= crc;
        crc = kTables[7][word & 0xffu] ^ kTables[6][(word >> 8) & 0xffu] ^ kTables[5][(word >> 16) & 0xffu] ^
              kTables[4][(word >> 24) & 0xffu] ^ kTables[3][(word >> 32) & 0xffu] ^ kTables[2][(word >> 40) & 0xffu] ^
              kTables[1][(word >> 48) & 0xffu] ^ kTables[0][word >> 56];
        p += 8;
        size -= 8;
    }
    while (size-- > 0) {
        crc = kTables[0][(crc ^ *p++) & 0xffu] ^ (crc >> 8);
    }
    return ~crc;
}

}  // namespace cityops::engine::log
