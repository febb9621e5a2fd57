#include "api_request.h"

#include <charconv>

namespace cityops::connectors::serving {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out.push_back(' ');
        } else if (in[i] == '%') {
            if (i + 2 >= in.size()) return false;
            const int hi = hexValue(in[i + 1]);
            const int lo = hexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return true;
}

}  // namespace

bool parseTarget(std::string_view target, ApiRequest& out) {
    const auto question = target.find('?');
    const std::string_view rawPath = target.substr(0, question);
    if (!decode(rawPath, out.path)) return false;
    out.segments.clear();
    std::size_t start = 0;
    while (start <= out.path.size()) {
        const auto slash = out.path.find('/', start);
        const auto end = slash == std::string::npos ? out.path.size() : slash;
        if (end > start) out.segments.push_back(out.path.substr(start, end - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    out.query.clear();
    if (question == std::string_view::npos) return true;
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        std::string key;
        std::string value;
        if (!decode(pair.substr(0, eq), key)) return false;
        if (eq != std::string_view::npos && !decode(pair.substr(eq + 1), value)) return false;
        out.query[key] = value;
    }
    return true;
}

std::int64_t intParam(const ApiRequest& request, const std::string& name, std::optional<std::int64_t> fallback,
                      std::int64_t lo, std::int64_t hi) {
    const auto it = request.query.find(name);
    if (it == request.query.end() || it->second.empty()) {
        if (fallback) return *fallback;
        throw BadRequest{"query parameter '" + name + "' is required", name};
    }
    std::int64_t value = 0;
    const std::string& text = it->second;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc{} || result.ptr != text.data() + text.size()) {
        throw BadRequest{"query parameter '" + name + "' must be an integer, got '" + text + "'", name};
    }
    if (value < lo || value > hi) {
        throw BadRequest{"query parameter '" + name + "' must be from " + std::to_string(lo) + " to " +
                             std::to_string(hi) + ", got " + text,
                         name};
    }
    return value;
}

std::uint64_t idSegment(const std::string& text, const std::string& field) {
    std::uint64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || result.ec != std::errc{} || result.ptr != text.data() + text.size()) {
        throw BadRequest{"'" + text + "' is not a valid " + field + " (a non-negative integer)", field};
    }
    return value;
}

std::vector<std::string> listParam(const ApiRequest& request, const std::string& name) {
    std::vector<std::string> out;
    const auto it = request.query.find(name);
    if (it == request.query.end()) return out;
    std::size_t start = 0;
    const std::string& text = it->second;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto end = comma == std::string::npos ? text.size() : comma;
        if (end > start) out.push_back(text.substr(start, end - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace cityops::connectors::serving
