#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cityops/engine/storage/storage_result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cityops::engine::storage::detail {

//! Carries a StorageError out of the internals; public functions turn it into a Result.
class StorageException : public std::runtime_error {
public:
    explicit StorageException(StorageError error) : std::runtime_error(error.message), m_error(std::move(error)) {}
    const StorageError& error() const { return m_error; }

private:
    StorageError m_error;
};

//! Maps an (extended) SQLite result code to our error code.
StorageErrc classify(int sqliteCode);
//! Builds the error for a failed call on db: "<context>: <sqlite message> (<path>)".
StorageError makeError(sqlite3* db, int rc, std::string_view context);
[[noreturn]] void throwError(sqlite3* db, int rc, std::string_view context);

//! An owned connection, closed on destruction.
class Connection {
public:
    Connection() = default;
    explicit Connection(sqlite3* db) : m_db(db) {}
    ~Connection();
    Connection(Connection&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    sqlite3* get() const { return m_db; }
    explicit operator bool() const { return m_db != nullptr; }
    //! Runs parameterless statements one by one (schema scripts, PRAGMAs, BEGIN/COMMIT).
    void exec(std::string_view sql) const;
    //! Runs a statement that returns one integer (PRAGMA user_version, count(*)).
    std::int64_t queryInt(std::string_view sql) const;

private:
    sqlite3* m_db = nullptr;
};

//! A prepared statement, finalized on destruction. Bound text and blobs are not copied: they must
//! outlive the step() calls of the current execution.
class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, std::string_view sql, bool persistent = true);
    ~Statement();
    Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool isPrepared() const { return m_stmt != nullptr; }
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bindText(int index, std::string_view value);
    Statement& bindBlob(int index, std::string_view value);
    Statement& bindNull(int index);
    //! True while a row is available; false when done. Throws on error.
    bool step();
    //! Steps a statement that returns no rows, then resets it (keeping the bindings).
    void run();
    //! Resets for the next execution and clears the bindings.
    void reset();

    std::int64_t int64(int column) const;
    double real(int column) const;
    std::string text(int column) const;
    std::string blob(int column) const;
    bool isNull(int column) const;

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
};

//! Resets a statement when leaving scope, so a thrown error never leaves it half-stepped.
class StatementScope {
public:
    explicit StatementScope(Statement& stmt) : m_stmt(stmt) {}
    ~StatementScope() { m_stmt.reset(); }
    StatementScope(const StatementScope&) = delete;
    StatementScope& operator=(const StatementScope&) = delete;

private:
    Statement& m_stmt;
};

}  // namespace cityops::engine::storage::detail
