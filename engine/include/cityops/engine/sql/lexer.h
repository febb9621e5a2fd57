#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/sql/sql_error.h"

namespace cityops::engine::sql {

//! Token kinds. Keywords are identifiers: the parser recognises them by their upper-case text.
enum class TokenKind { Identifier, QuotedIdentifier, Integer, Decimal, String, Param, Symbol, End };

//! One token: its kind, text (unescaped for strings and quoted identifiers; upper case for symbols as
//! written) and the position of its first byte. Also what a highlighter needs.
struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;
    SourcePos pos;
    std::size_t offset = 0;  //!< byte offset of the first character
    std::size_t length = 0;  //!< bytes in the source
};

//! Splits SQL text into tokens ending with an End token. Skips whitespace, -- and /* */ comments.
//! Fails on an unterminated string, quoted identifier or comment, or a character that starts no token.
SqlResult<std::vector<Token>> tokenize(std::string_view text);

}  // namespace cityops::engine::sql
