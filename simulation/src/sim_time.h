#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cityops::simulation::detail {

constexpr std::int64_t kMsPerSecond = 1'000;
constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 86'400'000;

//! A proleptic Gregorian calendar date.
struct CivilDate {
    std::int64_t year = 1970;
    int month = 1;
    int day = 1;
};

//! Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm: integer-only, exact).
std::int64_t daysFromCivil(CivilDate date);
CivilDate civilFromDays(std::int64_t days);

//! Parses "2026-03-02T08:00:00Z" (optional ".fff" fraction, "Z" or "+hh:mm"/"-hh:mm") to ms since epoch.
std::optional<std::int64_t> parseIso8601(std::string_view text);
//! Parses "90s", "10m", "1h30m", "500ms", "2d" to milliseconds; nullopt when malformed.
std::optional<std::int64_t> parseDuration(std::string_view text);

//! Floor division for negative times too.
constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace cityops::simulation::detail
