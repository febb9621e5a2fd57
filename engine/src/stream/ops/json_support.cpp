#include "json_support.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace cityops::engine::stream::detail {
namespace {

bool digitsAt(std::string_view text, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > text.size()) {
        return false;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

//! Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != b[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool preallocate(simdjson::dom::parser& parser, std::vector<char>& buffer, std::size_t maxPayloadBytes) {
    const std::size_t capacity = std::max<std::size_t>(maxPayloadBytes, 64);
    if (parser.allocate(capacity, 32) != simdjson::SUCCESS) {
        return false;
    }
    // allocate() sizes the parser only; the document grows on the first parse of each larger size.
    // Parsing blank text of full size makes it grow once, now (the parse itself fails: empty).
    buffer.assign(capacity + simdjson::SIMDJSON_PADDING, ' ');
    simdjson::dom::element ignored;
    if (parser.parse(buffer.data(), capacity, false).get(ignored) == simdjson::SUCCESS) {
        return false;  // blank text cannot parse; if it did, this simdjson is not the one we know
    }
    std::fill(buffer.begin(), buffer.end(), '\0');
    return true;
}

bool parseIsoTimestamp(std::string_view text, std::int64_t& outMs) {
    // 2026-11-23T10:00:00[.123456789](Z|+02:00|+0200|+02)
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (text.size() < 20 || !digitsAt(text, 0, 4, year) || text[4] != '-' || !digitsAt(text, 5, 2, month) ||
        text[7] != '-' || !digitsAt(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
        !digitsAt(text, 11, 2, hour) || text[13] != ':' || !digitsAt(text, 14, 2, minute) || text[16] != ':' ||
        !digitsAt(text, 17, 2, second)) {
        return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 ||
        second > 59) {
        return false;
    }
    std::size_t pos = 19;
    std::int64_t millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - start < 3) {
                millis = millis * 10 + (text[pos] - '0');
            }
            ++pos;
        }
        const std::size_t digits = pos - start;
        if (digits == 0 || digits > 9) {
            return false;
        }
        for (std::size_t i = digits; i < 3; ++i) {
            millis *= 10;
        }
    }
    if (pos >= text.size()) {
        return false;  // a time without zone is local time of somewhere: not accepted
    }
    std::int64_t offsetMinutes = 0;
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
        ++pos;
    } else if (zone == '+' || zone == '-') {
        int oh = 0, om = 0;
        if (!digitsAt(text, pos + 1, 2, oh)) {
            return false;
        }
        pos += 3;
        if (pos < text.size()) {
            if (text[pos] == ':') {
                ++pos;
            }
            if (!digitsAt(text, pos, 2, om)) {
                return false;
            }
            pos += 2;
        }
        if (oh > 23 || om > 59) {
            return false;
        }
        offsetMinutes = (zone == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
        return false;
    }
    if (pos != text.size()) {
        return false;
    }
    const std::int64_t days = daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
    outMs = seconds * 1000 + millis;
    return true;
}

bool isNonFiniteText(std::string_view text) {
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        text.remove_prefix(1);
    }
    return equalsIgnoreCase(text, "nan") || equalsIgnoreCase(text, "inf") || equalsIgnoreCase(text, "infinity");
}

bool hasBareNonFiniteToken(std::string_view text) {
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            continue;
        }
        if (c == 'N' || c == 'I' || c == 'n' || c == 'i') {
            const std::string_view rest = text.substr(i);
            if (rest.starts_with("NaN") || rest.starts_with("Infinity") || rest.starts_with("nan") ||
                rest.starts_with("inf")) {
                return true;
            }
        }
    }
    return false;
}

FieldStatus readTimestamp(simdjson::dom::element value, std::int64_t& outMs) {
    switch (value.type()) {
        case simdjson::dom::element_type::INT64:
            outMs = value.get_int64().value_unsafe();
            return FieldStatus::Ok;
        case simdjson::dom::element_type::DOUBLE: {
            const double d = value.get_double().value_unsafe();
            // ±9.2e18 is the int64 range; fractional milliseconds are floored.
            if (d > -9.2e18 && d < 9.2e18) {
                outMs = static_cast<std::int64_t>(std::floor(d));
                return FieldStatus::Ok;
            }
            return FieldStatus::WrongType;
        }
        case simdjson::dom::element_type::STRING:
            return parseIsoTimestamp(value.get_string().value_unsafe(), outMs) ? FieldStatus::Ok
                                                                                 : FieldStatus::WrongType;
        default:
            return FieldStatus::WrongType;  // UINT64 beyond int64, bool, null, array, object
    }
}

FieldStatus readFiniteDouble(simdjson::dom::element value, double& out) {
    switch (value.type()) {
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE: {
            const double d = value.get_double().value_unsafe();
            if (!std::isfinite(d)) {
                return FieldStatus::NonFinite;
            }
            out = d;
            return FieldStatus::Ok;
        }
        case simdjson::dom::element_type::STRING:
            return isNonFiniteText(value.get_string().value_unsafe()) ? FieldStatus::NonFinite : FieldStatus::WrongType;
        default:
            return FieldStatus::WrongType;
    }
}

FieldStatus readUnsigned(simdjson::dom::element value, std::uint64_t maxValue, std::uint64_t& out) {
    std::uint64_t v = 0;
    if (value.get_uint64().get(v) != simdjson::SUCCESS || v > maxValue) {
        return FieldStatus::WrongType;  // negative, fractional, a string, ... or too large
    }
    out = v;
    return FieldStatus::Ok;
}

int timestampWindowCheck(std::int64_t t, std::int64_t referenceMs, std::int64_t maxPastMs, std::int64_t maxFutureMs) {
    if (referenceMs == std::numeric_limits<std::int64_t>::min()) {
        return 0;
    }
    std::int64_t oldest = 0;
    if (!__builtin_sub_overflow(referenceMs, maxPastMs, &oldest) && t < oldest) {
        return -1;
    }
    std::int64_t newest = 0;
    if (!__builtin_add_overflow(referenceMs, maxFutureMs, &newest) && t > newest) {
        return 1;
    }
    return 0;
}

char* appendRaw(char* p, char* end, std::string_view s) {
    if (p == nullptr || static_cast<std::size_t>(end - p) < s.size()) {
        return nullptr;
    }
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
}

char* appendJsonString(char* p, char* end, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    if (p == nullptr || p == end) {
        return nullptr;
    }
    *p++ = '"';
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && c != '"' && c != '\\') {
            if (p == end) {
                return nullptr;
            }
            *p++ = c;
            continue;
        }
        char escaped[6] = {'\\', 0, 0, 0, 0, 0};
        std::size_t n = 2;
        switch (c) {
            case '"':
                escaped[1] = '"';
                break;
            case '\\':
                escaped[1] = '\\';
                break;
            case '\n':
                escaped[1] = 'n';
                break;
            case '\r':
                escaped[1] = 'r';
                break;
            case '\t':
                escaped[1] = 't';
                break;
            default:
                escaped[1] = 'u';
                escaped[2] = '0';
                escaped[3] = '0';
                escaped[4] = kHex[u >> 4];
                escaped[5] = kHex[u & 0xf];
                n = 6;
                break;
        }
        p = appendRaw(p, end, std::string_view(escaped, n));
        if (p == nullptr) {
            return nullptr;
        }
    }
    if (p == end) {
        return nullptr;
    }
    *p++ = '"';
    return p;
}

char* appendDouble(char* p, char* end, double v) {
    if (p == nullptr) {
        return nullptr;
    }
    if (std::isnan(v)) {
        return appendRaw(p, end, "\"NaN\"");
    }
    if (std::isinf(v)) {
        return appendRaw(p, end, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    }
    if (v == 0.0 && std::signbit(v)) {
        return appendRaw(p, end, "-0.0");  // "-0" would read back as the integer 0
    }
    const auto result = std::to_chars(p, end, v);
    if (result.ec != std::errc{}) {
        return nullptr;
    }
    // An integral text beyond 64 bits is not a number simdjson reads: make it a fraction.
    const std::string_view text(p, static_cast<std::size_t>(result.ptr - p));
    if (text.size() >= 19 && text.find_first_of(".eE") == std::string_view::npos) {
        return appendRaw(result.ptr, end, ".0");
    }
    return result.ptr;
}

char* appendInt(char* p, char* end, std::int64_t v) {
    if (p == nullptr) {
        return nullptr;
    }
    const auto result = std::to_chars(p, end, v);
    return result.ec == std::errc{} ? result.ptr : nullptr;
}

char* appendUnsigned(char* p, char* end, std::uint64_t v) {
    if (p == nullptr) {
        return nullptr;
    }
    const auto result = std::to_chars(p, end, v);
    return result.ec == std::errc{} ? result.ptr : nullptr;
}

}  // namespace cityops::engine::stream::detail
