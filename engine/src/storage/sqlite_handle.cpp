#include "storage/sqlite_handle.h"

#include <sqlite3.h>

namespace cityops::engine::storage::detail {

StorageErrc classify(int sqliteCode) {
    switch (sqliteCode & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StorageErrc::Busy;
        case SQLITE_FULL:
            return StorageErrc::DiskFull;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return StorageErrc::Corrupt;
        case SQLITE_READONLY:
        case SQLITE_PERM:
            return StorageErrc::ReadOnly;
        case SQLITE_CANTOPEN:
            return StorageErrc::CantOpen;
        case SQLITE_IOERR:
            return StorageErrc::Io;
        default:
            return StorageErrc::Sql;
    }
}

StorageError makeError(sqlite3* db, int rc, std::string_view context) {
    StorageError error;
    error.code = classify(rc);
    error.sqliteCode = rc;
    error.message = std::string(context) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (db) {
        if (const char* file = sqlite3_db_filename(db, "main"); file && *file) {
            error.message += " (" + std::string(file) + ")";
        }
    }
    switch (error.code) {
        case StorageErrc::Busy:
            error.message += "; another connection holds a lock on the database";
            break;
        case StorageErrc::DiskFull:
            error.message += "; the transaction was rolled back, earlier commits are intact";
            break;
        default:
            break;
    }
    return error;
}

void throwError(sqlite3* db, int rc, std::string_view context) {
    throw StorageException(makeError(db, rc, context));
}

Connection::~Connection() {
    if (m_db) {
        sqlite3_close_v2(m_db);
    }
}

Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        if (m_db) {
            sqlite3_close_v2(m_db);
        }
        m_db = other.m_db;
        other.m_db = nullptr;
    }
    return *this;
}

void Connection::exec(std::string_view sql) const {
    const char* tail = sql.data();
    const char* end = sql.data() + sql.size();
    while (tail < end) {
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v2(m_db, tail, static_cast<int>(end - tail), &raw, &tail);
        if (rc != SQLITE_OK) {
            throwError(m_db, rc, "preparing statement");
        }
        if (!raw) {
            continue;  // whitespace or comment only
        }
        int step = SQLITE_ROW;
        while (step == SQLITE_ROW) {
            step = sqlite3_step(raw);
        }
        if (step != SQLITE_DONE) {
            const StorageError error = makeError(m_db, sqlite3_extended_errcode(m_db), "executing statement");
            sqlite3_finalize(raw);
            throw StorageException(error);
        }
        sqlite3_finalize(raw);
    }
}

std::int64_t Connection::queryInt(std::string_view sql) const {
    Statement stmt(m_db, sql, false);
    if (!stmt.step()) {
        return 0;
    }
    return stmt.int64(0);
}

Statement::Statement(sqlite3* db, std::string_view sql, bool persistent) : m_db(db) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        throwError(db, rc, "preparing statement");
    }
}

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        other.m_stmt = nullptr;
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement& Statement::bindText(int index, std::string_view value) {
    // SQLITE_STATIC (a null destructor): the caller keeps the text alive until the step is done.
    sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), nullptr, SQLITE_UTF8);
    return *this;
}

Statement& Statement::bindBlob(int index, std::string_view value) {
    sqlite3_bind_blob64(m_stmt, index, value.empty() ? "" : value.data(), value.size(), nullptr);
    return *this;
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    const StorageError error = makeError(m_db, sqlite3_extended_errcode(m_db), "executing statement");
    sqlite3_reset(m_stmt);
    throw StorageException(error);
}

void Statement::run() {
    while (step()) {
    }
    sqlite3_reset(m_stmt);  // bindings stay: every caller of run() rebinds all parameters
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

std::string Statement::blob(int column) const {
    const void* data = sqlite3_column_blob(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

}  // namespace cityops::engine::storage::detail
