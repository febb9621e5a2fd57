#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cityops::engine::batch::detail {

//! Date layouts recognised by inference; DMY and MDY are only chosen when the data rules the other out.
enum class DateFormat { Iso, Dmy, Mdy };

std::optional<std::int64_t> parseInt(std::string_view text);
std::optional<double> parseDouble(std::string_view text);
//! True/False, true/false, TRUE/FALSE, yes/no; 1/0 only when allowDigits (declared schemas).
std::optional<bool> parseBool(std::string_view text, bool allowDigits);
//! Days since the epoch.
std::optional<std::int64_t> parseDate(std::string_view text, DateFormat format);
//! "YYYY-MM-DD[ T]HH:MM[:SS[.fff]]" (optional trailing Z); milliseconds since the epoch.
std::optional<std::int64_t> parseTimestamp(std::string_view text);

std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};
CivilDate civilFromDays(std::int64_t days);
std::string formatDate(std::int64_t days);
std::string formatTimestamp(std::int64_t ms);
//! Shortest text that round-trips the double.
std::string formatDouble(double value);
bool isValidUtf8(std::string_view text);

}  // namespace cityops::engine::batch::detail
