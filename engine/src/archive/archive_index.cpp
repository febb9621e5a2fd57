#include "archive/archive_index.h"

#include <sqlite3.h>

#include <chrono>

#include "archive/archive_io.h"

namespace cityops::engine::archive::detail {

using storage::StorageErrc;
using storage::StorageError;
using storage::detail::Connection;
using storage::detail::Statement;
using storage::detail::StorageException;

namespace {

constexpr std::int64_t kIndexVersion = 1;
constexpr std::int64_t kIndexApplicationId = 0x43415243;  // "CARC"

constexpr std::string_view kIndexSchema = R"sql(
CREATE TABLE archive_files(
    path TEXT PRIMARY KEY, topic TEXT NOT NULL, hour_ms INTEGER NOT NULL, records INTEGER NOT NULL,
    min_event_ms INTEGER NOT NULL, max_event_ms INTEGER NOT NULL, bytes INTEGER NOT NULL,
    crc32 INTEGER NOT NULL, created_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX archive_files_by_hour ON archive_files(topic, hour_ms);
CREATE TABLE schema_version(version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL, description TEXT NOT NULL);
)sql";

constexpr std::string_view kColumns =
    "path, topic, hour_ms, records, min_event_ms, max_event_ms, bytes, crc32, created_ms";

[[noreturn]] void refuse(StorageErrc code, std::string message) {
    throw StorageException(StorageError{code, std::move(message), 0});
}

Connection openRaw(const std::filesystem::path& file, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
    Connection db(raw);
    if (rc != SQLITE_OK) {
        storage::detail::throwError(raw, rc, "cannot open the archive index '" + file.string() + "'");
    }
    sqlite3_busy_timeout(raw, 5000);
    return db;
}

void checkVersion(const Connection& db, const std::filesystem::path& file) {
    std::int64_t version = 0;
    std::int64_t appId = 0;
    try {
        version = db.queryInt("PRAGMA user_version");
        appId = db.queryInt("PRAGMA application_id");
    } catch (const StorageException& e) {
        refuse(StorageErrc::Corrupt, "the archive index '" + file.string() + "' is not a SQLite database or is corrupt (" +
                                         e.error().message + "); left untouched");
    }
    if (appId != 0 && appId != kIndexApplicationId) {
        refuse(StorageErrc::Corrupt, "'" + file.string() + "' is not a CityOps archive index; left untouched");
    }
    if (version > kIndexVersion) {
        refuse(StorageErrc::NewerSchema, "the archive index '" + file.string() + "' has version " +
                                             std::to_string(version) + ", newer than version " +
                                             std::to_string(kIndexVersion) + " this CityOps supports; not modified");
    }
}

ArchiveFileInfo readRow(const Statement& s) {
    ArchiveFileInfo f;
    f.path = s.text(0);
    f.topic = s.text(1);
    f.hourMs = s.int64(2);
    f.records = static_cast<std::uint64_t>(s.int64(3));
    f.minEventMs = s.int64(4);
    f.maxEventMs = s.int64(5);
    f.bytes = static_cast<std::uint64_t>(s.int64(6));
    f.crc32 = static_cast<std::uint32_t>(s.int64(7));
    f.createdMs = s.int64(8);
    return f;
}

}  // namespace

ArchiveIndex ArchiveIndex::openWriter(const std::filesystem::path& root) {
    const auto file = root / kIndexFile;
    Connection db = openRaw(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    checkVersion(db, file);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");  // a published file must stay indexed through a power loss
    db.exec("BEGIN IMMEDIATE");
    try {
        if (db.queryInt("PRAGMA user_version") == 0) {
            db.exec(kIndexSchema);
            db.exec("PRAGMA application_id = " + std::to_string(kIndexApplicationId));
            db.exec("PRAGMA user_version = " + std::to_string(kIndexVersion));
            Statement history(db.get(), "INSERT INTO schema_version VALUES(1, ?1, 'archive file index')", false);
            history.bind(1, static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                          std::chrono::system_clock::now().time_since_epoch())
                                                          .count()));
            history.run();
        }
        db.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    return ArchiveIndex(std::move(db));
}

ArchiveIndex ArchiveIndex::openReader(const std::filesystem::path& root) {
    const auto file = root / kIndexFile;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        refuse(StorageErrc::CantOpen, "no archive at '" + root.string() + "' (" + file.filename().string() +
                                          " does not exist)");
    }
    Connection db = openRaw(file, SQLITE_OPEN_READONLY);
    checkVersion(db, file);
    if (db.queryInt("PRAGMA user_version") < kIndexVersion) {
        refuse(StorageErrc::InvalidArgument, "the archive index '" + file.string() + "' is not initialised yet");
    }
    return ArchiveIndex(std::move(db));
}

void ArchiveIndex::insert(const ArchiveFileInfo& f) {
    Statement stmt(m_db.get(),
                   "INSERT OR REPLACE INTO archive_files(" + std::string(kColumns) +
                       ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                   false);
    stmt.bindText(1, f.path).bindText(2, f.topic).bind(3, f.hourMs).bind(4, static_cast<std::int64_t>(f.records));
    stmt.bind(5, f.minEventMs).bind(6, f.maxEventMs).bind(7, static_cast<std::int64_t>(f.bytes));
    stmt.bind(8, static_cast<std::int64_t>(f.crc32)).bind(9, f.createdMs);
    stmt.run();  // autocommit: one FULL-synced transaction
}

bool ArchiveIndex::contains(const std::string& path) {
    Statement stmt(m_db.get(), "SELECT 1 FROM archive_files WHERE path = ?1", false);
    stmt.bindText(1, path);
    return stmt.step();
}

std::vector<ArchiveFileInfo> ArchiveIndex::select(const std::string& where, const std::string& topic, std::int64_t a,
                                                  std::int64_t b) {
    Statement stmt(m_db.get(),
                   "SELECT " + std::string(kColumns) + " FROM archive_files WHERE (?1 = '' OR topic = ?1) AND " + where +
                       " ORDER BY hour_ms, topic, created_ms, path",
                   false);
    stmt.bindText(1, topic).bind(2, a).bind(3, b);
    std::vector<ArchiveFileInfo> out;
    while (stmt.step()) {
        out.push_back(readRow(stmt));
    }
    return out;
}

std::vector<ArchiveFileInfo> ArchiveIndex::list(const std::string& topic, std::int64_t fromMs, std::int64_t toMs) {
    return select("max_event_ms >= ?2 AND min_event_ms < ?3", topic, fromMs, toMs);
}

std::vector<ArchiveFileInfo> ArchiveIndex::expired(const std::string& topic, std::int64_t cutoffMs) {
    return select("hour_ms + " + std::to_string(kHourMs) + " <= ?2", topic, cutoffMs, 0);
}

void ArchiveIndex::remove(const std::vector<std::string>& paths) {
    if (paths.empty()) {
        return;
    }
    m_db.exec("BEGIN IMMEDIATE");
    try {
        Statement stmt(m_db.get(), "DELETE FROM archive_files WHERE path = ?1", false);
        for (const auto& p : paths) {
            stmt.bindText(1, p);
            stmt.run();
        }
        m_db.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<ArchiveTopicStats> ArchiveIndex::stats() {
    Statement stmt(m_db.get(),
                   "SELECT topic, count(*), sum(records), sum(bytes), min(min_event_ms), max(max_event_ms) "
                   "FROM archive_files GROUP BY topic ORDER BY topic",
                   false);
    std::vector<ArchiveTopicStats> out;
    while (stmt.step()) {
        out.push_back(ArchiveTopicStats{stmt.text(0), static_cast<std::uint64_t>(stmt.int64(1)),
                                        static_cast<std::uint64_t>(stmt.int64(2)),
                                        static_cast<std::uint64_t>(stmt.int64(3)), stmt.int64(4), stmt.int64(5)});
    }
    return out;
}

}  // namespace cityops::engine::archive::detail
