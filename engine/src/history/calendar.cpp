// UTC calendar helpers of the history jobs (civil-from-days / days-from-civil, H. Hinnant's algorithms
// as in C++20 <chrono>).
#include <charconv>
#include <cstdio>

#include "cityops/engine/history/history_types.h"

namespace cityops::engine::history {

namespace {

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t daysFromCivil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = floorDiv(y, 400);
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct Civil {
    int year;
    int month;
    int day;
};

Civil civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

}  // namespace

std::optional<YearMonth> parseYearMonth(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') {
        return std::nullopt;
    }
    YearMonth out;
    const auto y = std::from_chars(text.data(), text.data() + 4, out.year);
    const auto m = std::from_chars(text.data() + 5, text.data() + 7, out.month);
    if (y.ec != std::errc() || y.ptr != text.data() + 4 || m.ec != std::errc() || m.ptr != text.data() + 7 ||
        out.month < 1 || out.month > 12 || out.year < 1970) {
        return std::nullopt;
    }
    return out;
}

std::string toString(YearMonth month) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", month.year, month.month);
    return buf;
}

std::int64_t monthStartMs(YearMonth month) { return daysFromCivil(month.year, month.month, 1) * kDayMs; }

std::int64_t monthEndMs(YearMonth month) {
    return month.month == 12 ? monthStartMs({month.year + 1, 1}) : monthStartMs({month.year, month.month + 1});
}

YearMonth yearMonthOf(std::int64_t ms) {
    const Civil c = civilFromDays(floorDiv(ms, kDayMs));
    return {c.year, c.month};
}

std::int64_t windowFloor(std::int64_t ms, std::int64_t size) { return floorDiv(ms, size) * size; }

std::int64_t hourFloor(std::int64_t ms) { return floorDiv(ms, kHourMs) * kHourMs; }
std::int64_t dayFloor(std::int64_t ms) { return floorDiv(ms, kDayMs) * kDayMs; }
int hourOfDay(std::int64_t ms) { return static_cast<int>((ms - dayFloor(ms)) / kHourMs); }

int dayOfWeek(std::int64_t ms) {
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    const std::int64_t days = floorDiv(ms, kDayMs);
    return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

int hourOfWeek(std::int64_t ms) { return dayOfWeek(ms) * 24 + hourOfDay(ms); }

std::string formatDay(std::int64_t ms) {
    const Civil c = civilFromDays(floorDiv(ms, kDayMs));
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    return buf;
}

std::string formatTimestamp(std::int64_t ms) {
    const std::int64_t secs = floorDiv(ms, 1000) - floorDiv(ms, kDayMs) * 86400;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", formatDay(ms).c_str(), static_cast<int>(secs / 3600),
                  static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
    return buf;
}

}  // namespace cityops::engine::history
