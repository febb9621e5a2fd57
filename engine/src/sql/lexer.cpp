// SQL lexer: text → tokens with line:column positions.
#include "cityops/engine/sql/lexer.h"

#include <cctype>

namespace cityops::engine::sql {

namespace {

bool identStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || (c & 0x80) != 0; }
bool identPart(char c) { return identStart(c) || std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

SqlResult<std::vector<Token>> tokenize(std::string_view text) {
    std::vector<Token> out;
    std::size_t i = 0;
    int line = 1;
    std::size_t lineStart = 0;
    auto posAt = [&](std::size_t offset) { return SourcePos{line, static_cast<int>(offset - lineStart) + 1}; };
    auto advance = [&](std::size_t to) {
        for (; i < to; ++i) {
            if (text[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        }
    };
    auto fail = [&](std::size_t at, std::string message) { return SqlError{SqlErrc::Syntax, std::move(message), posAt(at)}; };
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
            advance(i + 1);
            continue;
        }
        if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
            std::size_t end = text.find('\n', i);
            advance(end == std::string_view::npos ? text.size() : end);
            continue;
        }
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
            const std::size_t end = text.find("*/", i + 2);
            if (end == std::string_view::npos) return fail(i, "unterminated comment");
            advance(end + 2);
            continue;
        }
        Token t;
        t.pos = posAt(i);
        t.offset = i;
        std::size_t end = i;
        if (identStart(c)) {
            while (end < text.size() && identPart(text[end])) ++end;
            t.kind = TokenKind::Identifier;
            t.text = std::string(text.substr(i, end - i));
        } else if (digit(c) || (c == '.' && i + 1 < text.size() && digit(text[i + 1]))) {
            bool decimal = false;
            while (end < text.size() && digit(text[end])) ++end;
            if (end < text.size() && text[end] == '.') {
                decimal = true;
                ++end;
                while (end < text.size() && digit(text[end])) ++end;
            }
            if (end < text.size() && (text[end] == 'e' || text[end] == 'E')) {
                std::size_t e = end + 1;
                if (e < text.size() && (text[e] == '+' || text[e] == '-')) ++e;
                if (e < text.size() && digit(text[e])) {
                    decimal = true;
                    end = e;
                    while (end < text.size() && digit(text[end])) ++end;
                }
            }
            t.kind = decimal ? TokenKind::Decimal : TokenKind::Integer;
            t.text = std::string(text.substr(i, end - i));
        } else if (c == '\'' || c == '"' || c == '`') {
            const char quote = c;
            std::string value;
            end = i + 1;
            bool closed = false;
            while (end < text.size()) {
                if (text[end] == quote) {
                    if (end + 1 < text.size() && text[end + 1] == quote) {
                        value += quote;
                        end += 2;
                        continue;
                    }
                    closed = true;
                    ++end;
                    break;
                }
                value += text[end++];
            }
            if (!closed) return fail(i, quote == '\'' ? "unterminated string literal" : "unterminated quoted identifier");
            t.kind = quote == '\'' ? TokenKind::String : TokenKind::QuotedIdentifier;
            t.text = std::move(value);
        } else if (c == ':' && i + 1 < text.size() && identStart(text[i + 1])) {
            end = i + 1;
            while (end < text.size() && identPart(text[end])) ++end;
            t.kind = TokenKind::Param;
            t.text = std::string(text.substr(i + 1, end - i - 1));
        } else {
            static constexpr std::string_view kTwo[] = {"<>", "!=", "<=", ">=", "||", "::"};
            t.kind = TokenKind::Symbol;
            for (const std::string_view two : kTwo) {
                if (text.substr(i, 2) == two) {
                    t.text = std::string(two);
                    end = i + 2;
                    break;
                }
            }
            if (t.text.empty()) {
                if (std::string_view("(),.;*+-/%=<>{}?").find(c) == std::string_view::npos) {
                    const auto byte = static_cast<unsigned char>(c);
                    std::string shown = byte >= 0x20 && byte < 0x7f ? std::string(1, c) : "\\x" + std::to_string(byte);
                    return fail(i, "unexpected character '" + shown + "'");
                }
                t.text = std::string(1, c);
                end = i + 1;
            }
        }
        t.length = end - i;
        advance(end);
        out.push_back(std::move(t));
    }
    Token endToken;
    endToken.kind = TokenKind::End;
    endToken.pos = posAt(i);
    endToken.offset = i;
    out.push_back(std::move(endToken));
    return out;
}

}  // namespace cityops::engine::sql
