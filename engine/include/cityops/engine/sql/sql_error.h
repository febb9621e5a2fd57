#pragma once

#include <string>

#include "cityops/engine/expected.h"

namespace cityops::engine::sql {

//! Where in the query text something is: 1-based line and column (bytes).
struct SourcePos {
    int line = 1;
    int column = 1;
    bool operator==(const SourcePos&) const = default;
};

//! What kind of problem stopped a query.
enum class SqlErrc { Syntax, UnknownTable, UnknownColumn, Ambiguous, TypeMismatch, Unsupported, Limit, Data, Cancelled };

//! A query error with the position it points at. message is the bare text; what() style text with
//! the position is given by toText().
struct SqlError {
    SqlErrc code = SqlErrc::Syntax;
    std::string message;
    SourcePos pos;
    //! "line L, column C: message".
    std::string toText() const {
        return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": " + message;
    }
};

template <class T>
using SqlResult = Expected<T, SqlError>;

}  // namespace cityops::engine::sql
