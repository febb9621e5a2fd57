#pragma once
// A small streaming JSON writer for the serving layer's responses: commas and escaping handled,
// numbers written exactly (shortest round-trip), NaN and infinities as null.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cityops::connectors::serving {

class JsonWriter {
public:
    JsonWriter& beginObject() { return open('{'); }
    JsonWriter& endObject() { return close('}'); }
    JsonWriter& beginArray() { return open('['); }
    JsonWriter& endArray() { return close(']'); }
    //! The next value's key (inside an object).
    JsonWriter& key(std::string_view name) {
        separate();
        appendString(name);
        m_out.push_back(':');
        m_afterKey = true;
        return *this;
    }
    JsonWriter& value(std::string_view text) {
        separate();
        appendString(text);
        return *this;
    }
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(bool flag) {
        separate();
        m_out += flag ? "true" : "false";
        return *this;
    }
    JsonWriter& value(double number) {
        separate();
        if (!std::isfinite(number)) {
            m_out += "null";
            return *this;
        }
        char buffer[32];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
        m_out.append(buffer, result.ptr);
        return *this;
    }
    JsonWriter& value(std::int64_t number) { return integer(number); }
    JsonWriter& value(std::uint64_t number) { return integer(number); }
    JsonWriter& value(std::uint32_t number) { return integer(number); }
    JsonWriter& value(int number) { return integer(number); }
    JsonWriter& null() {
        separate();
        m_out += "null";
        return *this;
    }
    template <class T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }
    std::string& str() { return m_out; }
    std::string take() { return std::move(m_out); }

    static void appendEscaped(std::string& out, std::string_view text) {
        for (const char c : text) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        static constexpr char kHex[] = "0123456789abcdef";
                        out += "\\u00";
                        out.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xf]);
                        out.push_back(kHex[static_cast<unsigned char>(c) & 0xf]);
                    } else {
                        out.push_back(c);
                    }
            }
        }
    }

private:
    template <class I>
    JsonWriter& integer(I number) {
        separate();
        char buffer[24];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
        m_out.append(buffer, result.ptr);
        return *this;
    }
    JsonWriter& open(char c) {
        separate();
        m_out.push_back(c);
        m_first.push_back(true);
        return *this;
    }
    JsonWriter& close(char c) {
        m_out.push_back(c);
        if (!m_first.empty()) m_first.pop_back();
        return *this;
    }
    void separate() {
        if (m_afterKey) {
            m_afterKey = false;
            return;
        }
        if (m_first.empty()) return;
        if (!m_first.back()) m_out.push_back(',');
        m_first.back() = false;
    }
    void appendString(std::string_view text) {
        m_out.push_back('"');
        appendEscaped(m_out, text);
        m_out.push_back('"');
    }

    std::string m_out;
    std::vector<bool> m_first;
    bool m_afterKey = false;
};

}  // namespace cityops::connectors::serving
