#include "storage/schema.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <system_error>

namespace cityops::engine::storage::detail {

namespace {

//! The first schema version that has the schema_version table.
constexpr std::int64_t kFirstVersionWithHistory = 2;

//! One schema step: what it does (recorded in schema_version) and its SQL.
struct Migration {
    std::string_view description;
    std::string_view sql;
};

//! Migration i brings the schema from version i to i + 1. Never edit a shipped entry: append one.
constexpr std::array<Migration, kSchemaVersion> kMigrations = {{
    {"time series, alerts, search, geo, lineage, checkpoints", R"sql(
CREATE TABLE readings(
    sensor_id INTEGER NOT NULL, metric INTEGER NOT NULL, ts_ms INTEGER NOT NULL,
    location_id INTEGER NOT NULL, kind INTEGER NOT NULL, value REAL NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY(sensor_id, metric, ts_ms)) WITHOUT ROWID;
CREATE TABLE events(
    id INTEGER PRIMARY KEY, sensor_id INTEGER NOT NULL, metric INTEGER NOT NULL, ts_ms INTEGER NOT NULL,
    location_id INTEGER NOT NULL, district TEXT NOT NULL, metadata TEXT NOT NULL,
    UNIQUE(sensor_id, metric, ts_ms));
CREATE TABLE window_aggregates(
    sensor_id INTEGER NOT NULL, metric INTEGER NOT NULL, window_start_ms INTEGER NOT NULL,
    window_size_ms INTEGER NOT NULL, location_id INTEGER NOT NULL, count INTEGER NOT NULL,
    sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
    PRIMARY KEY(sensor_id, metric, window_start_ms, window_size_ms)) WITHOUT ROWID;
CREATE INDEX window_aggregates_by_metric_time ON window_aggregates(metric, window_start_ms);
CREATE TABLE districts(location_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE sensors(
    sensor_id INTEGER PRIMARY KEY, location_id INTEGER NOT NULL, kind INTEGER NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, name TEXT NOT NULL);
CREATE VIRTUAL TABLE sensors_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE alerts(
    id INTEGER PRIMARY KEY, rule INTEGER NOT NULL, severity INTEGER NOT NULL, sensor_id INTEGER NOT NULL,
    location_id INTEGER NOT NULL, district TEXT NOT NULL, first_event_ms INTEGER NOT NULL,
    event_time_ms INTEGER NOT NULL, value REAL NOT NULL, matched_count INTEGER NOT NULL,
    title TEXT NOT NULL, description TEXT NOT NULL,
    state INTEGER NOT NULL DEFAULT 0, acknowledged_by TEXT NOT NULL DEFAULT '', acknowledged_at_ms INTEGER,
    assigned_service TEXT NOT NULL DEFAULT '', assigned_at_ms INTEGER, dispatched_at_ms INTEGER,
    resolved_at_ms INTEGER, notes TEXT NOT NULL DEFAULT '');
CREATE INDEX alerts_by_time ON alerts(event_time_ms DESC, id DESC);
CREATE TABLE incidents(
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, district TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    started_ms INTEGER NOT NULL, description TEXT NOT NULL);
CREATE VIRTUAL TABLE incidents_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
CREATE TABLE dead_letters(
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, source_ref TEXT NOT NULL, reason TEXT NOT NULL,
    payload BLOB NOT NULL, received_ms INTEGER NOT NULL, UNIQUE(source, source_ref));
CREATE TABLE data_lineage(
    job_id TEXT NOT NULL, input_topic TEXT NOT NULL, output_table TEXT NOT NULL,
    processing_time_ms INTEGER NOT NULL, record_count INTEGER NOT NULL, checksum TEXT NOT NULL,
    PRIMARY KEY(job_id, input_topic, output_table, processing_time_ms)) WITHOUT ROWID;
CREATE TABLE checkpoints(
    job_id TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, created_ms INTEGER NOT NULL, state BLOB NOT NULL,
    PRIMARY KEY(job_id, checkpoint_id)) WITHOUT ROWID;
CREATE TABLE checkpoint_offsets(
    job_id TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
    next_offset INTEGER NOT NULL, PRIMARY KEY(job_id, checkpoint_id, topic, partition)) WITHOUT ROWID;

CREATE VIRTUAL TABLE alerts_fts USING fts5(title, description, district, notes,
    content='alerts', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER alerts_fts_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO alerts_fts(rowid, title, description, district, notes)
    VALUES (new.id, new.title, new.description, new.district, new.notes);
END;
CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
    INSERT INTO alerts_fts(alerts_fts, rowid, title, description, district, notes)
    VALUES ('delete', old.id, old.title, old.description, old.district, old.notes);
END;
CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, description, district, notes ON alerts BEGIN
    INSERT INTO alerts_fts(alerts_fts, rowid, title, description, district, notes)
    VALUES ('delete', old.id, old.title, old.description, old.district, old.notes);
    INSERT INTO alerts_fts(rowid, title, description, district, notes)
    VALUES (new.id, new.title, new.description, new.district, new.notes);
END;

CREATE VIRTUAL TABLE incidents_fts USING fts5(kind, description, district,
    content='incidents', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_fts(rowid, kind, description, district)
    VALUES (new.id, new.kind, new.description, new.district);
END;
CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, kind, description, district)
    VALUES ('delete', old.id, old.kind, old.description, old.district);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE ON incidents BEGIN
    INSERT INTO incidents_fts(incidents_fts, rowid, kind, description, district)
    VALUES ('delete', old.id, old.kind, old.description, old.district);
    INSERT INTO incidents_fts(rowid, kind, description, district)
    VALUES (new.id, new.kind, new.description, new.district);
END;

CREATE VIRTUAL TABLE events_fts USING fts5(metadata, district,
    content='events', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts(rowid, metadata, district) VALUES (new.id, new.metadata, new.district);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, metadata, district)
    VALUES ('delete', old.id, old.metadata, old.district);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF metadata, district ON events BEGIN
    INSERT INTO events_fts(events_fts, rowid, metadata, district)
    VALUES ('delete', old.id, old.metadata, old.district);
    INSERT INTO events_fts(rowid, metadata, district) VALUES (new.id, new.metadata, new.district);
END;
)sql"},
    {"schema_version history table", R"sql(
CREATE TABLE schema_version(
    version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL, description TEXT NOT NULL);
)sql"},
}};

std::string pathText(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

StorageError refuse(StorageErrc code, std::string message) {
    StorageError error;
    error.code = code;
    error.message = std::move(message);
    return error;
}

Connection openRaw(const std::filesystem::path& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, nullptr);
    Connection db(raw);
    if (rc != SQLITE_OK) {
        StorageError error = makeError(raw, rc, "cannot open database " + pathText(path));
        const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) {
            error.code = StorageErrc::CantOpen;
            error.message += "; directory " + pathText(dir) + " does not exist";
        } else if ((flags & SQLITE_OPEN_READWRITE) && !std::filesystem::exists(path, ec)) {
            error.code = StorageErrc::ReadOnly;
            error.message += "; cannot create the file: is directory " + pathText(dir) + " writable?";
        }
        throw StorageException(error);
    }
    return db;
}

//! Reads the header through a first query; turns "not a database" into a clear refusal.
void checkOwnership(const Connection& db, const std::filesystem::path& path, bool verify) {
    std::int64_t version = 0;
    std::int64_t appId = 0;
    std::int64_t objects = 0;
    try {
        version = db.queryInt("PRAGMA user_version");
        appId = db.queryInt("PRAGMA application_id");
        objects = db.queryInt("SELECT count(*) FROM sqlite_schema");
    } catch (const StorageException& e) {
        if (e.error().code != StorageErrc::Corrupt) {
            throw;
        }
        throw StorageException(refuse(StorageErrc::Corrupt, pathText(path) +
                                                                " is not a SQLite database or is corrupt (" +
                                                                e.error().message + "); the file was left untouched"));
    }
    if (appId != 0 && appId != kApplicationId) {
        throw StorageException(refuse(StorageErrc::Corrupt, pathText(path) +
                                                                " belongs to another application (application_id " +
                                                                std::to_string(appId) + "); left untouched"));
    }
    if (appId == 0 && objects > 0) {
        throw StorageException(refuse(StorageErrc::Corrupt,
                                      pathText(path) + " is a SQLite database but not a CityOps one; left untouched"));
    }
    const bool hasHistory =
        db.queryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'") == 1;
    const std::int64_t recorded = hasHistory ? db.queryInt("SELECT coalesce(max(version), 0) FROM schema_version") : 0;
    if (const std::int64_t newest = std::max(version, recorded); newest > kSchemaVersion) {
        throw StorageException(
            refuse(StorageErrc::NewerSchema, pathText(path) + " has schema version " + std::to_string(newest) +
                                                 ", newer than version " + std::to_string(kSchemaVersion) +
                                                 " this CityOps supports; upgrade CityOps. The file was not modified"));
    }
    if (version >= kFirstVersionWithHistory && !hasHistory) {
        throw StorageException(refuse(StorageErrc::Corrupt, pathText(path) + " has schema version " +
                                                                std::to_string(version) +
                                                                " but no schema_version table; the file was left untouched"));
    }
    if (hasHistory && recorded != version) {
        throw StorageException(refuse(
            StorageErrc::Corrupt, pathText(path) + " is inconsistent: its header says schema version " +
                                      std::to_string(version) + " but schema_version records version " +
                                      std::to_string(recorded) + "; the file was left untouched"));
    }
    if (verify) {
        Statement check(db.get(), "PRAGMA quick_check", false);
        std::string problems;
        try {
            while (check.step()) {
                problems += check.text(0) + "\n";
            }
        } catch (const StorageException& e) {
            problems = e.error().message;
        }
        if (problems != "ok\n") {
            throw StorageException(refuse(StorageErrc::Corrupt,
                                          pathText(path) + " is corrupt: " + problems + "The file was left untouched"));
        }
    }
}

//! Records versions 1..upTo in schema_version (earlier ones backfilled once, when the table appears).
void recordHistory(const Connection& db, std::int64_t upTo) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    Statement insert(db.get(), "INSERT OR IGNORE INTO schema_version(version, applied_ms, description) VALUES(?1, ?2, ?3)",
                     false);
    for (std::int64_t v = 1; v <= upTo; ++v) {
        insert.bind(1, v).bind(2, static_cast<std::int64_t>(now));
        insert.bindText(3, kMigrations[static_cast<std::size_t>(v - 1)].description);
        insert.run();
    }
}

void migrate(const Connection& db) {
    for (;;) {
        db.exec("BEGIN IMMEDIATE");
        try {
            const std::int64_t version = db.queryInt("PRAGMA user_version");
            if (version >= kSchemaVersion) {
                db.exec("COMMIT");
                return;
            }
            db.exec(kMigrations[static_cast<std::size_t>(version)].sql);
            db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
            db.exec("PRAGMA user_version = " + std::to_string(version + 1));
            if (version + 1 >= kFirstVersionWithHistory) {
                recordHistory(db, version + 1);
            }
            db.exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }
}

void switchToWal(const Connection& db, const std::filesystem::path& path) {
    std::string journal;
    {
        Statement mode(db.get(), "PRAGMA journal_mode = WAL", false);
        journal = mode.step() ? mode.text(0) : std::string();
    }
    if (journal != "wal") {
        throw StorageException(
            refuse(StorageErrc::ReadOnly,
                   "cannot switch " + pathText(path) + " to WAL mode (journal mode stays '" + journal + "')"));
    }
}

}  // namespace

Connection openWriterConnection(const StorageOptions& options) {
    Connection db = openRaw(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_busy_timeout(db.get(), static_cast<int>(options.busyTimeout.count()));
    try {
        checkOwnership(db, options.path, options.verifyOnOpen);
        if (sqlite3_db_readonly(db.get(), "main") == 1) {
            throwError(db.get(), SQLITE_READONLY, "opening for writing");
        }
        if (db.queryInt("PRAGMA page_count") == 0) {
            db.exec("PRAGMA page_size = 16384");  // new file: fewer, fuller B-tree pages for bulk time series
        }
        switchToWal(db, options.path);
        migrate(db);
    } catch (const StorageException& e) {
        if (e.error().code != StorageErrc::ReadOnly) {
            throw;
        }
        throw StorageException(
            refuse(StorageErrc::ReadOnly, pathText(options.path) +
                                              " is read-only: CityOps needs write access to the file and its directory"
                                              " (for the -wal and -shm files). " +
                                              e.error().message));
    }
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA cache_size = -65536");
    db.exec("PRAGMA temp_store = MEMORY");
    db.exec("PRAGMA journal_size_limit = 67108864");
    db.exec("PRAGMA wal_autocheckpoint = 16384");
    if (options.maxPageCount > 0) {
        db.exec("PRAGMA max_page_count = " + std::to_string(options.maxPageCount));
    }
    return db;
}

Connection openReaderConnection(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw StorageException(refuse(StorageErrc::CantOpen, "database " + pathText(path) + " does not exist"));
    }
    Connection db = openRaw(path, SQLITE_OPEN_READONLY);
    sqlite3_busy_timeout(db.get(), 2000);
    checkOwnership(db, path, false);
    if (db.queryInt("PRAGMA user_version") < kSchemaVersion) {
        throw StorageException(
            refuse(StorageErrc::InvalidArgument, pathText(path) + " is not migrated yet; open it with Storage first"));
    }
    db.exec("PRAGMA cache_size = -32768");
    return db;
}

}  // namespace cityops::engine::storage::detail
