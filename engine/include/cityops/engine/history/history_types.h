#pragma once

// Common types of the batch jobs over the city's stored history (engine/src/history): UTC calendar
// helpers, the error type, and the JSON/text rendering helpers every report uses.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cityops/engine/expected.h"

namespace cityops::engine::history {

inline constexpr std::int64_t kHourMs = 3'600'000;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;
inline constexpr std::int64_t kWeekMs = 7 * kDayMs;
inline constexpr int kHoursPerWeek = 168;

//! What went wrong in a history job: the storage or archive message, or bad arguments.
struct HistoryError {
    std::string message;
};

template <class T>
using Result = Expected<T, HistoryError>;

//! A calendar month (UTC).
struct YearMonth {
    int year = 1970;
    int month = 1;  //!< 1..12
    bool operator==(const YearMonth&) const = default;
};

//! "2026-11" → {2026, 11}; nullopt for anything else.
std::optional<YearMonth> parseYearMonth(std::string_view text);
std::string toString(YearMonth month);  //!< "2026-11"
std::int64_t monthStartMs(YearMonth month);
std::int64_t monthEndMs(YearMonth month);  //!< exclusive: the next month's start
YearMonth yearMonthOf(std::int64_t ms);

//! Start of the size-ms window holding ms (floor, also before 1970).
std::int64_t windowFloor(std::int64_t ms, std::int64_t size);
//! Floor of ms to the UTC hour / day (also before 1970).
std::int64_t hourFloor(std::int64_t ms);
std::int64_t dayFloor(std::int64_t ms);
int hourOfDay(std::int64_t ms);   //!< 0..23 (UTC)
int dayOfWeek(std::int64_t ms);   //!< 0 = Monday .. 6 = Sunday (UTC)
int hourOfWeek(std::int64_t ms);  //!< 0 = Monday 00:00 .. 167 = Sunday 23:00 (UTC)
std::string formatDay(std::int64_t ms);        //!< "2026-11-03"
std::string formatTimestamp(std::int64_t ms);  //!< "2026-11-03T14:00:00Z"

}  // namespace cityops::engine::history
