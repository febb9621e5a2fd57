#include "value_parse.h"

#include <fast_float/fast_float.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace cityops::engine::batch::detail {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != b[i]) return false;
    }
    return true;
}

//! Reads exactly `width` digits (or 1..width when flexible) at pos.
std::optional<unsigned> readDigits(std::string_view text, std::size_t& pos, std::size_t minWidth,
                                   std::size_t maxWidth) {
    unsigned value = 0;
    std::size_t count = 0;
    while (pos < text.size() && count < maxWidth && text[pos] >= '0' && text[pos] <= '9') {
        value = value * 10 + static_cast<unsigned>(text[pos] - '0');
        ++pos;
        ++count;
    }
    if (count < minWidth) return std::nullopt;
    return value;
}

bool validDay(std::int64_t year, unsigned month, unsigned day) {
    static constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= kDays[month - 1] + ((month == 2 && leap) ? 1U : 0U);
}

}  // namespace

std::optional<std::int64_t> parseInt(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<double> parseDouble(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0.0;
    const auto [ptr, ec] = fast_float::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parseBool(std::string_view text, bool allowDigits) {
    text = trim(text);
    if (equalsIgnoreCase(text, "true") || equalsIgnoreCase(text, "yes")) return true;
    if (equalsIgnoreCase(text, "false") || equalsIgnoreCase(text, "no")) return false;
    if (allowDigits && text == "1") return true;
    if (allowDigits && text == "0") return false;
    return std::nullopt;
}

std::optional<std::int64_t> parseDate(std::string_view text, DateFormat format) {
    text = trim(text);
    std::size_t pos = 0;
    unsigned a = 0;
    unsigned b = 0;
    unsigned c = 0;
    const char sep = format == DateFormat::Iso ? '-' : '/';
    const auto first = format == DateFormat::Iso ? readDigits(text, pos, 4, 4) : readDigits(text, pos, 1, 2);
    if (!first || pos >= text.size() || text[pos++] != sep) return std::nullopt;
    const auto second = readDigits(text, pos, 1, 2);
    if (!second || pos >= text.size() || text[pos++] != sep) return std::nullopt;
    const auto third = format == DateFormat::Iso ? readDigits(text, pos, 1, 2) : readDigits(text, pos, 4, 4);
    if (!third || pos != text.size()) return std::nullopt;
    a = *first;
    b = *second;
    c = *third;
    std::int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    switch (format) {
        case DateFormat::Iso:
            year = a, month = b, day = c;
            break;
        case DateFormat::Dmy:
            year = c, month = b, day = a;
            break;
        case DateFormat::Mdy:
            year = c, month = a, day = b;
            break;
    }
    if (!validDay(year, month, day)) return std::nullopt;
    return daysFromCivil(year, month, day);
}

std::optional<std::int64_t> parseTimestamp(std::string_view text) {
    text = trim(text);
    if (text.size() < 16) return std::nullopt;
    const auto days = parseDate(text.substr(0, 10), DateFormat::Iso);
    if (!days || (text[10] != ' ' && text[10] != 'T')) return std::nullopt;
    std::size_t pos = 11;
    const auto hour = readDigits(text, pos, 2, 2);
    if (!hour || pos >= text.size() || text[pos++] != ':') return std::nullopt;
    const auto minute = readDigits(text, pos, 2, 2);
    if (!minute) return std::nullopt;
    unsigned second = 0;
    unsigned millis = 0;
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        const auto sec = readDigits(text, pos, 2, 2);
        if (!sec) return std::nullopt;
        second = *sec;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            const std::size_t start = pos;
            const auto frac = readDigits(text, pos, 1, 3);
            if (!frac) return std::nullopt;
            millis = *frac;
            for (std::size_t digits = pos - start; digits < 3; ++digits) millis *= 10;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
    }
    if (pos < text.size() && text[pos] == 'Z') ++pos;
    if (pos != text.size() || *hour > 23 || *minute > 59 || second > 60) return std::nullopt;
    return (*days * 86400 + *hour * 3600 + *minute * 60 + second) * 1000 + millis;
}

// Howard Hinnant's civil-calendar algorithms.
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civilFromDays(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned day = doy - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return CivilDate{static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

std::string formatDate(std::int64_t days) {
    const CivilDate date = civilFromDays(days);
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04lld-%02u-%02u", static_cast<long long>(date.year), date.month,
                  date.day);
    return buffer.data();
}

std::string formatTimestamp(std::int64_t ms) {
    const std::int64_t days = (ms >= 0 ? ms : ms - 86399999) / 86400000;
    const std::int64_t rest = ms - days * 86400000;
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), " %02lld:%02lld:%02lld", static_cast<long long>(rest / 3600000),
                  static_cast<long long>(rest / 60000 % 60), static_cast<long long>(rest / 1000 % 60));
    std::string text = formatDate(days) + buffer.data();
    if (rest % 1000 != 0) {
        std::snprintf(buffer.data(), buffer.size(), ".%03lld", static_cast<long long>(rest % 1000));
        text += buffer.data();
    }
    return text;
}

std::string formatDouble(double value) {
    std::array<char, 64> buffer{};
    const auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    std::string text(buffer.data(), ec == std::errc() ? ptr : buffer.data());
    if (std::isfinite(value) && text.find_first_of(".e") == std::string::npos) text += ".0";
    return text;
}

bool isValidUtf8(std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t extra = 0;
        std::uint32_t code = 0;
        if ((c & 0xE0) == 0xC0)
            extra = 1, code = c & 0x1F;
        else if ((c & 0xF0) == 0xE0)
            extra = 2, code = c & 0x0F;
        else if ((c & 0xF8) == 0xF0)
            extra = 3, code = c & 0x07;
        else
            return false;
        if (i + extra >= n) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            code = (code << 6) | (cc & 0x3F);
        }
        static constexpr std::array<std::uint32_t, 4> kMin{0, 0x80, 0x800, 0x10000};
        if (code < kMin[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace cityops::engine::batch::detail
