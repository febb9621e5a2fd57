#pragma once

// Minimal JSON and text formatting for the history reports (no dependency, never allocates per
// number beyond the output string).

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace cityops::engine::history::detail {

//! Builds one JSON document; the caller writes keys and values in order, commas are automatic.
class JsonOut {
public:
    JsonOut& beginObject() { return open('{'); }
    JsonOut& endObject() { return close('}'); }
    JsonOut& beginArray() { return open('['); }
    JsonOut& endArray() { return close(']'); }
    JsonOut& key(std::string_view name) {
        separate();
        string(name);
        m_out += ':';
        m_afterKey = true;
        return *this;
    }
    JsonOut& value(std::string_view text) {
        separate();
        string(text);
        return *this;
    }
    JsonOut& value(const char* text) { return value(std::string_view(text)); }
    JsonOut& value(double number) {
        separate();
        if (!std::isfinite(number)) {
            m_out += "null";
            return *this;
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", number);
        m_out += buf;
        return *this;
    }
    JsonOut& value(std::int64_t number) {
        separate();
        m_out += std::to_string(number);
        return *this;
    }
    JsonOut& value(std::uint64_t number) {
        separate();
        m_out += std::to_string(number);
        return *this;
    }
    JsonOut& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonOut& value(unsigned number) { return value(static_cast<std::uint64_t>(number)); }
    JsonOut& value(bool flag) {
        separate();
        m_out += flag ? "true" : "false";
        return *this;
    }
    JsonOut& value(std::optional<double> number) {
        if (!number) {
            separate();
            m_out += "null";
            return *this;
        }
        return value(*number);
    }
    //! Inserts an already rendered JSON value.
    JsonOut& raw(std::string_view json) {
        separate();
        m_out += json;
        return *this;
    }
    template <class T>
    JsonOut& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }
    std::string str() && { return std::move(m_out); }
    const std::string& str() const& { return m_out; }

private:
    JsonOut& open(char c) {
        separate();
        m_out += c;
        m_first = true;
        return *this;
    }
    JsonOut& close(char c) {
        m_out += c;
        m_first = false;
        return *this;
    }
    void separate() {
        if (m_afterKey) {
            m_afterKey = false;
            return;
        }
        if (!m_first && !m_out.empty()) {
            m_out += ',';
        }
        m_first = false;
    }
    void string(std::string_view s) {
        m_out += '"';
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            switch (c) {
                case '"': m_out += "\\\""; break;
                case '\\': m_out += "\\\\"; break;
                case '\n': m_out += "\\n"; break;
                case '\r': m_out += "\\r"; break;
                case '\t': m_out += "\\t"; break;
                default:
                    if (c < 0x20) {
                        char buf[8];
                        std::snprintf(buf, sizeof buf, "\\u%04x", c);
                        m_out += buf;
                    } else {
                        m_out += ch;
                    }
            }
        }
        m_out += '"';
    }

    std::string m_out;
    bool m_first = true;
    bool m_afterKey = false;
};

//! printf into a std::string.
template <class... Args>
std::string format(const char* fmt, Args... args) {
    const int n = std::snprintf(nullptr, 0, fmt, args...);
    std::string out(n > 0 ? static_cast<std::size_t>(n) : 0, '\0');
    if (n > 0) {
        std::snprintf(out.data(), out.size() + 1, fmt, args...);
    }
    return out;
}

//! "%.1f" of an optional value, "-" when absent.
inline std::string optional1(std::optional<double> v) { return v ? format("%.1f", *v) : std::string("-"); }

}  // namespace cityops::engine::history::detail
