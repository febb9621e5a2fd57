#include "archive/json_line.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

namespace cityops::engine::archive::detail {

namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

template <class T>
void appendNumber(std::string& out, T value) {
    std::array<char, 32> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
    out.append(buf.data(), end);
}

void appendDouble(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";  // JSON has no NaN/Inf; accepted readings are finite (the engine rejects the rest)
        return;
    }
    appendNumber(out, value);  // shortest text that reads back to the same double
}

bool validUtf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + static_cast<std::size_t>(extra) >= s.size()) {
            return false;  // truncated sequence
        }
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;  // overlong, out of range or a surrogate
        }
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

void appendJsonString(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendBase64(std::string& out, std::span<const std::byte> bytes) {
    out += '"';
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (std::to_integer<std::uint32_t>(bytes[i]) << 16) |
                                (std::to_integer<std::uint32_t>(bytes[i + 1]) << 8) |
                                std::to_integer<std::uint32_t>(bytes[i + 2]);
        out += kBase64[(v >> 18) & 63];
        out += kBase64[(v >> 12) & 63];
        out += kBase64[(v >> 6) & 63];
        out += kBase64[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t v = std::to_integer<std::uint32_t>(bytes[i]) << 16;
        if (rest == 2) {
            v |= std::to_integer<std::uint32_t>(bytes[i + 1]) << 8;
        }
        out += kBase64[(v >> 18) & 63];
        out += kBase64[(v >> 12) & 63];
        out += rest == 2 ? kBase64[(v >> 6) & 63] : '=';
        out += '=';
    }
    out += '"';
}

bool decodeBase64(std::string_view in, std::string& out) {
    out.clear();
    if (in.size() % 4 != 0) {
        return false;
    }
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    for (std::size_t i = 0; i < in.size(); i += 4) {
        const bool last = i + 4 == in.size();
        const int pad = last ? (in[i + 3] == '=') + (in[i + 2] == '=') : 0;
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = in[i + static_cast<std::size_t>(k)];
            const int d = (k >= 4 - pad) ? 0 : value(c);
            if (d < 0) {
                return false;
            }
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        out += static_cast<char>((v >> 16) & 0xff);
        if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
        if (pad < 1) out += static_cast<char>(v & 0xff);
    }
    return true;
}

//! A minimal JSON reader for the archive's own lines: objects, strings, numbers, true/false/null.
class Parser {
public:
    explicit Parser(std::string_view text) : m_s(text) {}

    bool fail(std::string message) {
        if (m_error.empty()) {
            m_error = std::move(message) + " at byte " + std::to_string(m_i);
        }
        return false;
    }
    const std::string& error() const { return m_error; }
    void ws() {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\r' || m_s[m_i] == '\n')) {
            ++m_i;
        }
    }
    bool consume(char c) {
        ws();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }
    bool atEnd() {
        ws();
        return m_i == m_s.size();
    }
    bool peekIs(char c) {
        ws();
        return m_i < m_s.size() && m_s[m_i] == c;
    }

    bool string(std::string& out) {
        out.clear();
        if (!consume('"')) {
            return fail("expected a string");
        }
        while (m_i < m_s.size()) {
            const char c = m_s[m_i++];
            if (c == '"') {
                return true;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_i >= m_s.size()) {
                break;
            }
            const char e = m_s[m_i++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::uint32_t cp = 0;
                    if (!hex4(cp)) {
                        return fail("bad \\u escape");
                    }
                    if (cp >= 0xd800 && cp <= 0xdbff) {
                        std::uint32_t low = 0;
                        if (m_i + 1 < m_s.size() && m_s[m_i] == '\\' && m_s[m_i + 1] == 'u') {
                            m_i += 2;
                            if (!hex4(low) || low < 0xdc00 || low > 0xdfff) {
                                return fail("bad surrogate pair");
                            }
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                        } else {
                            return fail("lone surrogate");
                        }
                    }
                    utf8(out, cp);
                    break;
                }
                default:
                    return fail("bad escape");
            }
        }
        return fail("unterminated string");
    }

    //! The text of a number token (validated by the caller's conversion).
    bool numberToken(std::string_view& out) {
        ws();
        const std::size_t start = m_i;
        while (m_i < m_s.size() && m_s[m_i] != '\0' && std::strchr("+-.eE0123456789", m_s[m_i]) != nullptr) {
            ++m_i;
        }
        out = m_s.substr(start, m_i - start);
        return !out.empty() || fail("expected a number");
    }
    bool literal(std::string_view word) {
        ws();
        if (m_s.substr(m_i, word.size()) == word) {
            m_i += word.size();
            return true;
        }
        return false;
    }
    //! Skips any value (for keys this build does not know).
    bool skipValue(int depth = 0) {
        ws();
        if (depth > 32 || m_i >= m_s.size()) {
            return fail("unexpected end or nesting");
        }
        const char c = m_s[m_i];
        if (c == '"') {
            std::string ignored;
            return string(ignored);
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++m_i;
            if (consume(close)) {
                return true;
            }
            do {
                if (c == '{') {
                    std::string key;
                    if (!string(key) || !consume(':')) {
                        return fail("bad object");
                    }
                }
                if (!skipValue(depth + 1)) {
                    return false;
                }
            } while (consume(','));
            return consume(close) || fail("unterminated container");
        }
        if (literal("true") || literal("false") || literal("null")) {
            return true;
        }
        std::string_view number;
        return numberToken(number);
    }

private:
    bool hex4(std::uint32_t& out) {
        if (m_i + 4 > m_s.size()) {
            return false;
        }
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = m_s[m_i++];
            out <<= 4;
            if (h >= '0' && h <= '9') out |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') out |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') out |= static_cast<std::uint32_t>(h - 'A' + 10);
            else return false;
        }
        return true;
    }
    static void utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    std::string_view m_s;
    std::size_t m_i = 0;
    std::string m_error;
};

template <class T>
bool integer(Parser& p, T& out) {
    std::string_view token;
    if (!p.numberToken(token)) {
        return false;
    }
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
    return (ec == std::errc() && end == token.data() + token.size()) || p.fail("bad integer");
}

bool real(Parser& p, double& out) {
    if (p.literal("null")) {
        out = std::nan("");
        return true;
    }
    std::string_view token;
    if (!p.numberToken(token)) {
        return false;
    }
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
    return (ec == std::errc() && end == token.data() + token.size()) || p.fail("bad number");
}

template <class E>
bool enumByName(Parser& p, std::string& scratch, int count, E& out) {
    if (!p.string(scratch)) {
        return false;
    }
    for (int i = 0; i < count; ++i) {
        if (toString(static_cast<E>(i)) == scratch) {
            out = static_cast<E>(i);
            return true;
        }
    }
    return p.fail("unknown name '" + scratch + "'");
}

bool readingObject(Parser& p, std::string& scratch, Reading& r, bool& hasOwnTime) {
    if (!p.consume('{')) {
        return p.fail("expected the reading object");
    }
    if (p.consume('}')) {
        return true;
    }
    do {
        if (!p.string(scratch) || !p.consume(':')) {
            return p.fail("bad reading key");
        }
        bool ok = true;
        if (scratch == "sensor_id") {
            ok = integer(p, r.sensorId);
        } else if (scratch == "location_id") {
            ok = integer(p, r.locationId);
        } else if (scratch == "kind") {
            ok = enumByName(p, scratch, kSensorKindCount, r.kind);
        } else if (scratch == "metric") {
            ok = enumByName(p, scratch, kMetricCount, r.metric);
        } else if (scratch == "value") {
            ok = real(p, r.value);
        } else if (scratch == "seq") {
            ok = integer(p, r.seq);
        } else if (scratch == "event_time_ms") {
            ok = integer(p, r.eventTimeMs);
            hasOwnTime = true;
        } else {
            ok = p.skipValue();
        }
        if (!ok) {
            return false;
        }
    } while (p.consume(','));
    return p.consume('}') || p.fail("expected '}' after the reading");
}

}  // namespace

void appendLine(std::string& out, std::string_view topic, int partition, const log::RecordView& record) {
    out += "{\"ts\":";
    appendNumber(out, record.timestampMs);
    out += ",\"topic\":";
    appendJsonString(out, topic);
    out += ",\"partition\":";
    appendNumber(out, partition);
    out += ",\"offset\":";
    appendNumber(out, record.offset);
    out += ",\"key\":";
    appendNumber(out, record.key);
    out += ",\"flags\":";
    appendNumber(out, record.flags);
    if (const auto r = log::readingOf(record)) {
        out += ",\"reading\":{\"sensor_id\":";
        appendNumber(out, r->sensorId);
        out += ",\"location_id\":";
        appendNumber(out, r->locationId);
        out += ",\"kind\":\"";
        out += toString(r->kind);
        out += "\",\"metric\":\"";
        out += toString(r->metric);
        out += "\",\"value\":";
        appendDouble(out, r->value);
        out += ",\"seq\":";
        appendNumber(out, r->seq);
        if (r->eventTimeMs != record.timestampMs) {
            out += ",\"event_time_ms\":";
            appendNumber(out, r->eventTimeMs);
        }
        out += '}';
    } else {
        const std::string_view text(reinterpret_cast<const char*>(record.payload.data()), record.payload.size());
        if (validUtf8(text)) {
            out += ",\"payload\":";
            appendJsonString(out, text);
        } else {
            out += ",\"payload_b64\":";
            appendBase64(out, record.payload);
        }
    }
    out += "}\n";
}

bool decodeLine(std::string_view line, DecodedLine& out, std::string& error) {
    Parser p(line);
    std::string key;
    std::string scratch;
    bool hasTs = false;
    bool hasPayload = false;
    std::optional<Reading> reading;
    bool readingOwnTime = false;
    out.payload.clear();
    out.flags = 0;
    if (!p.consume('{')) {
        error = "line is not a JSON object";
        return false;
    }
    bool ok = true;
    do {
        if (!p.string(key) || !p.consume(':')) {
            ok = p.fail("bad key");
            break;
        }
        if (key == "ts") {
            ok = integer(p, out.timestampMs);
            hasTs = true;
        } else if (key == "topic") {
            ok = p.string(out.topic);
        } else if (key == "partition") {
            ok = integer(p, out.partition);
        } else if (key == "offset") {
            ok = integer(p, out.offset);
        } else if (key == "key") {
            ok = integer(p, out.key);
        } else if (key == "flags") {
            ok = integer(p, out.flags);
        } else if (key == "reading") {
            reading.emplace();
            ok = readingObject(p, scratch, *reading, readingOwnTime);
            hasPayload = true;
        } else if (key == "payload") {
            ok = p.string(out.payload);
            hasPayload = true;
        } else if (key == "payload_b64") {
            ok = p.string(scratch) && (decodeBase64(scratch, out.payload) || p.fail("bad base64"));
            hasPayload = true;
        } else {
            ok = p.skipValue();
        }
    } while (ok && p.consume(','));
    if (ok && (!p.consume('}') || !p.atEnd())) {
        ok = p.fail("expected the end of the object");
    }
    if (ok && (!hasTs || !hasPayload)) {
        ok = p.fail("missing \"ts\" or the payload");
    }
    if (!ok) {
        error = p.error();
        return false;
    }
    if (reading) {
        if (!readingOwnTime) {
            reading->eventTimeMs = out.timestampMs;
        }
        out.payload.assign(reinterpret_cast<const char*>(&*reading), sizeof(Reading));
    }
    return true;
}

}  // namespace cityops::engine::archive::detail
