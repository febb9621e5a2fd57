#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cityops::simulation::detail {

//! A small JSON syntax scanner that remembers the line of every key and array element by path
//! ("incidents[0].district"), so validation errors can point at a line. simdjson's DOM parser,
//! which does the real parsing, reports no positions.
class JsonLocator {
public:
    explicit JsonLocator(std::string_view text);

    //! False when the scanner found a syntax error (see errorMessage()/errorLine()).
    bool ok() const { return m_error.empty(); }
    const std::string& errorMessage() const { return m_error; }
    int errorLine() const { return m_errorLine; }
    //! 1-based line of the key (or array element) at path; 0 when unknown.
    int lineOf(std::string_view path) const;

private:
    bool parseValue(const std::string& path, int depth);
    bool parseObject(const std::string& path, int depth);
    bool parseArray(const std::string& path, int depth);
    bool parseString(std::string* out);
    bool parseNumber();
    bool parseLiteral(std::string_view literal);
    void skipWhitespace();
    bool fail(std::string message);
    int lineAt(std::size_t offset) const;

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::vector<std::pair<std::string, int>> m_lines;
    std::string m_error;
    int m_errorLine = 0;
};

}  // namespace cityops::simulation::detail
