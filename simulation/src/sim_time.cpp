#include "sim_time.h"

namespace cityops::simulation::detail {
namespace {

bool readDigits(std::string_view text, std::size_t& pos, std::size_t count, int& value) {
    if (pos + count > text.size()) {
        return false;
    }
    value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

int daysInMonth(std::int64_t year, int month) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::int64_t daysFromCivil(CivilDate date) {
    const std::int64_t y = date.month <= 2 ? date.year - 1 : date.year;
    const std::int64_t era = floorDiv(y, 400);
    const std::int64_t yoe = y - era * 400;
    const std::int64_t mp = (date.month + 9) % 12;
    const std::int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civilFromDays(std::int64_t days) {
    const std::int64_t z = days + 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::optional<std::int64_t> parseIso8601(std::string_view text) {
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readDigits(text, pos, 4, year) || !expect(text, pos, '-') || !readDigits(text, pos, 2, month) ||
        !expect(text, pos, '-') || !readDigits(text, pos, 2, day) || !expect(text, pos, 'T') ||
        !readDigits(text, pos, 2, hour) || !expect(text, pos, ':') || !readDigits(text, pos, 2, minute) ||
        !expect(text, pos, ':') || !readDigits(text, pos, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 ||
        second > 59) {
        return std::nullopt;
    }
    std::int64_t fractionMs = 0;
    if (expect(text, pos, '.')) {
        std::int64_t scale = 100;
        const std::size_t first = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            fractionMs += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == first) {
            return std::nullopt;
        }
    }
    std::int64_t offsetMs = 0;
    if (!expect(text, pos, 'Z')) {
        if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
            return std::nullopt;
        }
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int offsetHours = 0, offsetMinutes = 0;
        if (!readDigits(text, pos, 2, offsetHours) || !expect(text, pos, ':') ||
            !readDigits(text, pos, 2, offsetMinutes) || offsetHours > 23 || offsetMinutes > 59) {
            return std::nullopt;
        }
        offsetMs = sign * (offsetHours * kMsPerHour + offsetMinutes * kMsPerMinute);
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    const std::int64_t days = daysFromCivil({year, month, day});
    return days * kMsPerDay + hour * kMsPerHour + minute * kMsPerMinute + second * kMsPerSecond + fractionMs -
           offsetMs;
}

std::optional<std::int64_t> parseDuration(std::string_view text) {
    constexpr std::int64_t kMaxMs = 366 * kMsPerDay;
    std::size_t pos = 0;
    std::int64_t total = 0;
    if (text.empty()) {
        return std::nullopt;
    }
    while (pos < text.size()) {
        std::int64_t number = 0;
        const std::size_t first = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            number = number * 10 + (text[pos] - '0');
            if (number > kMaxMs) {
                return std::nullopt;
            }
            ++pos;
        }
        if (pos == first) {
            return std::nullopt;
        }
        std::int64_t unit = 0;
        if (text.substr(pos, 2) == "ms") {
            unit = 1;
            pos += 2;
        } else if (pos < text.size()) {
            switch (text[pos]) {
                case 's': unit = kMsPerSecond; break;
                case 'm': unit = kMsPerMinute; break;
                case 'h': unit = kMsPerHour; break;
                case 'd': unit = kMsPerDay; break;
                default: return std::nullopt;
            }
            ++pos;
        } else {
            return std::nullopt;
        }
        total += number * unit;
        if (total > kMaxMs) {
            return std::nullopt;
        }
    }
    return total;
}

}  // namespace cityops::simulation::detail
