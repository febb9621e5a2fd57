#include "json_locator.h"

namespace cityops::simulation::detail {
namespace {

constexpr int kMaxDepth = 64;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

JsonLocator::JsonLocator(std::string_view text) : m_text(text) {
    skipWhitespace();
    if (!parseValue({}, 0)) {
        return;
    }
    skipWhitespace();
    if (m_pos != m_text.size()) {
        fail("unexpected content after the top-level value");
    }
}

int JsonLocator::lineOf(std::string_view path) const {
    for (const auto& [key, line] : m_lines) {
        if (key == path) {
            return line;
        }
    }
    return 0;
}

bool JsonLocator::parseValue(const std::string& path, int depth) {
    if (depth > kMaxDepth) {
        return fail("nesting too deep");
    }
    if (m_pos >= m_text.size()) {
        return fail("unexpected end of input, expected a value");
    }
    const char c = m_text[m_pos];
    switch (c) {
        case '{': return parseObject(path, depth + 1);
        case '[': return parseArray(path, depth + 1);
        case '"': return parseString(nullptr);
        case 't': return parseLiteral("true");
        case 'f': return parseLiteral("false");
        case 'n': return parseLiteral("null");
        default:
            if (c == '-' || isDigit(c)) {
                return parseNumber();
            }
            return fail(std::string("unexpected character '") + c + "', expected a value");
    }
}

bool JsonLocator::parseObject(const std::string& path, int depth) {
    ++m_pos;
    skipWhitespace();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') {
        ++m_pos;
        return true;
    }
    for (;;) {
        skipWhitespace();
        if (m_pos >= m_text.size() || m_text[m_pos] != '"') {
            return fail("expected a quoted field name");
        }
        const int keyLine = lineAt(m_pos);
        std::string key;
        if (!parseString(&key)) {
            return false;
        }
        const std::string keyPath = path.empty() ? key : path + "." + key;
        m_lines.emplace_back(keyPath, keyLine);
        skipWhitespace();
        if (m_pos >= m_text.size() || m_text[m_pos] != ':') {
            return fail("expected ':' after field name \"" + key + "\"");
        }
        ++m_pos;
        skipWhitespace();
        if (!parseValue(keyPath, depth)) {
            return false;
        }
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == ',') {
            ++m_pos;
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                return fail("trailing comma before '}'");
            }
            continue;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        return fail("expected ',' or '}' after the value of \"" + key + "\"");
    }
}

bool JsonLocator::parseArray(const std::string& path, int depth) {
    ++m_pos;
    skipWhitespace();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') {
        ++m_pos;
        return true;
    }
    for (std::size_t index = 0;; ++index) {
        skipWhitespace();
        const std::string elementPath = path + "[" + std::to_string(index) + "]";
        m_lines.emplace_back(elementPath, lineAt(m_pos));
        if (!parseValue(elementPath, depth)) {
            return false;
        }
        skipWhitespace();
        if (m_pos < m_text.size() && m_text[m_pos] == ',') {
            ++m_pos;
            skipWhitespace();
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                return fail("trailing comma before ']'");
            }
            continue;
        }
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        return fail("expected ',' or ']' in array");
    }
}

bool JsonLocator::parseString(std::string* out) {
    ++m_pos;
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c == '"') {
            ++m_pos;
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20) {
            return fail("unescaped control character or line break in string");
        }
        if (c == '\\') {
            if (m_pos + 1 >= m_text.size()) {
                break;
            }
            const char e = m_text[m_pos + 1];
            if (e == 'u') {
                for (std::size_t i = 2; i < 6; ++i) {
                    if (m_pos + i >= m_text.size() || !isHexDigit(m_text[m_pos + i])) {
                        return fail("bad \\u escape in string");
                    }
                }
                m_pos += 6;
                continue;
            }
            if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                return fail(std::string("bad escape '\\") + e + "' in string");
            }
            if (out != nullptr) {
                out->push_back(e);
            }
            m_pos += 2;
            continue;
        }
        if (out != nullptr) {
            out->push_back(c);
        }
        ++m_pos;
    }
    return fail("unterminated string");
}

bool JsonLocator::parseNumber() {
    if (m_text[m_pos] == '-') {
        ++m_pos;
    }
    if (m_pos >= m_text.size() || !isDigit(m_text[m_pos])) {
        return fail("bad number");
    }
    if (m_text[m_pos] == '0') {
        ++m_pos;
    } else {
        while (m_pos < m_text.size() && isDigit(m_text[m_pos])) {
            ++m_pos;
        }
    }
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
        ++m_pos;
        if (m_pos >= m_text.size() || !isDigit(m_text[m_pos])) {
            return fail("bad number: digits expected after '.'");
        }
        while (m_pos < m_text.size() && isDigit(m_text[m_pos])) {
            ++m_pos;
        }
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) {
            ++m_pos;
        }
        if (m_pos >= m_text.size() || !isDigit(m_text[m_pos])) {
            return fail("bad number: digits expected in exponent");
        }
        while (m_pos < m_text.size() && isDigit(m_text[m_pos])) {
            ++m_pos;
        }
    }
    return true;
}

bool JsonLocator::parseLiteral(std::string_view literal) {
    if (m_text.substr(m_pos, literal.size()) != literal) {
        return fail("unexpected word, expected a value (strings need double quotes)");
    }
    m_pos += literal.size();
    return true;
}

void JsonLocator::skipWhitespace() {
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        ++m_pos;
    }
}

bool JsonLocator::fail(std::string message) {
    m_error = std::move(message);
    m_errorLine = lineAt(m_pos);
    return false;
}

int JsonLocator::lineAt(std::size_t offset) const {
    int line = 1;
    for (std::size_t i = 0; i < offset && i < m_text.size(); ++i) {
        if (m_text[i] == '\n') {
            ++line;
        }
    }
    return line;
}

}  // namespace cityops::simulation::detail
