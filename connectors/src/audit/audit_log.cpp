#include "cityops/connectors/audit/audit_log.h"

#include <sqlite3.h>

#include <QByteArray>
#include <QCryptographicHash>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace cityops::connectors::audit {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDbFile = "audit.db";
constexpr const char* kHeadFile = "audit.head";
constexpr const char* kHeadMagic = "cityops-audit-head v1";
const std::string kGenesis(64, '0');

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_log(
    seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

constexpr const char* kSelect =
    "SELECT seq, at_ms, actor, action, subject, before, after, prev_hash, hash FROM audit_log";

std::string where(const fs::path& path) {
    return "'" + path.string() + "'";
}

//! An owned connection.
struct Db {
    sqlite3* db = nullptr;
    ~Db() { sqlite3_close_v2(db); }
    std::string error(const char* what) const { return std::string(what) + ": " + sqlite3_errmsg(db); }
    bool exec(const char* sql, std::string& error) const {
        char* message = nullptr;
        if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
        error = message ? message : "unknown SQLite error";
        sqlite3_free(message);
        return false;
    }
};

//! An owned prepared statement.
struct Stmt {
    sqlite3_stmt* stmt = nullptr;
    Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr); }
    ~Stmt() { sqlite3_finalize(stmt); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    std::string text(int column) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))) : std::string();
    }
    void bindText(int index, const std::string& value) const {
        sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    }
};

AuditRecord readRecord(const Stmt& s) {
    AuditRecord r;
    r.seq = sqlite3_column_int64(s.stmt, 0);
    r.entry.atMs = sqlite3_column_int64(s.stmt, 1);
    r.entry.actor = s.text(2);
    r.entry.action = s.text(3);
    r.entry.subject = s.text(4);
    r.entry.before = s.text(5);
    r.entry.after = s.text(6);
    r.prevHash = s.text(7);
    r.hash = s.text(8);
    return r;
}

//! The last record's position as the head file records it.
struct Head {
    std::int64_t seq = 0;
    std::string hash = kGenesis;
};

//! Reads audit.head: nullopt when absent; an error when unreadable or malformed.
Result<std::optional<Head>> readHead(const fs::path& dataDir) {
    const fs::path path = dataDir / kHeadFile;
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::optional<Head>();
    std::ifstream in(path);
    std::string magic;
    Head head;
    if (!std::getline(in, magic) || magic != kHeadMagic || !(in >> head.seq >> head.hash) || head.hash.size() != 64) {
        return "audit head " + where(path) + " is malformed";
    }
    return std::optional<Head>(head);
}

//! Replaces audit.head atomically (temporary sibling, fsync, rename).
Result<bool> writeHead(const fs::path& dataDir, const Head& head) {
    const fs::path path = dataDir / kHeadFile;
    const fs::path tmp = dataDir / (std::string(kHeadFile) + ".tmp");
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return "cannot write the audit head " + where(tmp);
    const std::string text = std::string(kHeadMagic) + "\n" + std::to_string(head.seq) + " " + head.hash + "\n";
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
    std::fclose(f);
    std::error_code ec;
    if (written) fs::rename(tmp, path, ec);
    if (!written || ec) return "cannot write the audit head " + where(path) + (ec ? ": " + ec.message() : "");
    return true;
}

void addField(QCryptographicHash& hash, const std::string& value) {
    const QByteArray length = QByteArray::number(static_cast<qulonglong>(value.size()));
    hash.addData(length);
    hash.addData(QByteArrayView(":"));
    hash.addData(QByteArrayView(value.data(), static_cast<qsizetype>(value.size())));
}

}  // namespace

std::string auditRecordHash(const AuditRecord& record) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    addField(hash, record.prevHash);
    addField(hash, std::to_string(record.seq));
    addField(hash, std::to_string(record.entry.atMs));
    addField(hash, record.entry.actor);
    addField(hash, record.entry.action);
    addField(hash, record.entry.subject);
    addField(hash, record.entry.before);
    addField(hash, record.entry.after);
    return hash.result().toHex().toStdString();
}

struct AuditLog::Impl {
    fs::path dataDir;
    Db db;
    Head head;
};

Result<std::unique_ptr<AuditLog>> AuditLog::open(const fs::path& dataDir) {
    auto impl = std::make_unique<Impl>();
    impl->dataDir = dataDir;
    const fs::path path = dataDir / kDbFile;
    if (sqlite3_open_v2(path.c_str(), &impl->db.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        return impl->db.error(("cannot open the audit log " + where(path)).c_str());
    }
    sqlite3_busy_timeout(impl->db.db, 2000);
    std::string error;
    if (!impl->db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", error) ||
        !impl->db.exec(kSchema, error)) {
        return "cannot open the audit log " + where(path) + ": " + error;
    }
    auto head = readHead(dataDir);
    if (!head) return head.error();
    Stmt last(impl->db.db, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    Head tail;
    if (sqlite3_step(last.stmt) == SQLITE_ROW) {
        tail.seq = sqlite3_column_int64(last.stmt, 0);
        tail.hash = last.text(1);
    }
    if (head->has_value()) {
        // The record the head names must still be there, unchanged: never extend a tampered log.
        Stmt at(impl->db.db, "SELECT hash FROM audit_log WHERE seq = ?1");
        sqlite3_bind_int64(at.stmt, 1, (*head)->seq);
        const bool present = (*head)->seq == 0 || sqlite3_step(at.stmt) == SQLITE_ROW;
        if (!present || ((*head)->seq > 0 && at.text(0) != (*head)->hash)) {
            return "the audit log " + where(path) + " does not match its head (record " +
                   std::to_string((*head)->seq) + "); run 'cityops audit verify' — nothing was appended";
        }
    } else if (tail.seq > 0) {
        return "the audit log " + where(path) + " has records but its head file is missing; run 'cityops audit "
               "verify' — nothing was appended";
    }
    impl->head = tail;  // a commit whose head update was lost in a crash: the chain carries it
    return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
AuditLog::~AuditLog() = default;

std::int64_t AuditLog::lastSeq() const {
    return m_impl->head.seq;
}

Result<AuditRecord> AuditLog::append(const AuditEntry& entry) {
    const auto seq = appendAll(std::span<const AuditEntry>(&entry, 1));
    if (!seq) return seq.error();
    AuditRecord record;
    record.seq = *seq;
    record.entry = entry;
    record.hash = m_impl->head.hash;
    auto stored = records(*seq, 1);
    if (stored && !stored->empty()) record = stored->front();
    return record;
}

Result<std::int64_t> AuditLog::appendAll(std::span<const AuditEntry> entries) {
    Impl& d = *m_impl;
    std::string error;
    if (!d.db.exec("BEGIN IMMEDIATE", error)) return "audit log: " + error;
    Stmt insert(d.db.db,
                "INSERT INTO audit_log(seq, at_ms, actor, action, subject, before, after, prev_hash, hash) "
                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    Head next = d.head;
    for (const AuditEntry& entry : entries) {
        AuditRecord record{next.seq + 1, entry, next.hash, {}};
        record.hash = auditRecordHash(record);
        sqlite3_bind_int64(insert.stmt, 1, record.seq);
        sqlite3_bind_int64(insert.stmt, 2, entry.atMs);
        insert.bindText(3, entry.actor);
        insert.bindText(4, entry.action);
        insert.bindText(5, entry.subject);
        insert.bindText(6, entry.before);
        insert.bindText(7, entry.after);
        insert.bindText(8, record.prevHash);
        insert.bindText(9, record.hash);
        if (sqlite3_step(insert.stmt) != SQLITE_DONE) {
            error = d.db.error("appending to the audit log");
            sqlite3_reset(insert.stmt);
            d.db.exec("ROLLBACK", error);
            return error;
        }
        sqlite3_reset(insert.stmt);
        next = Head{record.seq, record.hash};
    }
    if (!d.db.exec("COMMIT", error)) {
        std::string ignored;
        d.db.exec("ROLLBACK", ignored);
        return "audit log: " + error;
    }
    d.head = next;
    auto written = writeHead(d.dataDir, next);
    if (!written) return written.error();
    return next.seq;
}

Result<std::vector<AuditRecord>> AuditLog::records(std::int64_t fromSeq, std::size_t limit) {
    Stmt select(m_impl->db.db, (std::string(kSelect) + " WHERE seq >= ?1 ORDER BY seq LIMIT ?2").c_str());
    sqlite3_bind_int64(select.stmt, 1, fromSeq);
    sqlite3_bind_int64(select.stmt, 2, static_cast<sqlite3_int64>(limit));
    std::vector<AuditRecord> out;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) out.push_back(readRecord(select));
    if (rc != SQLITE_DONE) return m_impl->db.error("reading the audit log");
    return out;
}

AuditVerifyReport AuditLog::verify(const fs::path& dataDir) {
    AuditVerifyReport report;
    const fs::path path = dataDir / kDbFile;
    auto head = readHead(dataDir);
    if (!head) {
        report.problem = head.error();
        return report;
    }
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (head->has_value() && (*head)->seq > 0) {
            report.firstBadSeq = 1;
            report.problem = "the audit log " + where(path) + " is missing but its head names record " +
                             std::to_string((*head)->seq);
            return report;
        }
        report.ok = true;  // nothing was ever audited here
        return report;
    }
    Db db;
    if (sqlite3_open_v2(path.c_str(), &db.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        report.problem = db.error(("cannot open " + where(path)).c_str());
        return report;
    }
    Stmt select(db.db, (std::string(kSelect) + " ORDER BY seq").c_str());
    if (!select.stmt) {
        report.problem = db.error(("cannot read " + where(path)).c_str());
        return report;
    }
    std::int64_t expected = 1;
    std::string prevHash = kGenesis;
    const auto fail = [&](std::int64_t seq, std::string problem) {
        report.firstBadSeq = seq;
        report.problem = std::move(problem);
        return report;
    };
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(select.stmt)) == SQLITE_ROW) {
        const AuditRecord r = readRecord(select);
        const std::string n = std::to_string(expected);
        if (r.seq != expected) {
            return fail(expected, "record " + n + " is missing (the next record is " + std::to_string(r.seq) + ")");
        }
        if (r.prevHash != prevHash) {
            return fail(expected, "record " + n + " does not follow record " + std::to_string(expected - 1) +
                                      " (a record was deleted, inserted or reordered)");
        }
        if (auditRecordHash(r) != r.hash) {
            return fail(expected, "record " + n + " was edited (its hash does not match its content)");
        }
        prevHash = r.hash;
        ++expected;
        ++report.records;
    }
    if (rc != SQLITE_DONE) return fail(expected, db.error(("cannot read " + where(path)).c_str()));
    const std::int64_t last = expected - 1;
    if (!head->has_value()) {
        if (last > 0) return fail(1, "the audit head " + where(dataDir / kHeadFile) + " is missing");
    } else if ((*head)->seq > last) {
        return fail(last + 1, "the log ends at record " + std::to_string(last) + " but its head names record " +
                                  std::to_string((*head)->seq) + " (records were removed from the end)");
    } else if ((*head)->seq > 0) {
        // The head may trail the log by records committed just before a crash, never contradict it.
        Stmt at(db.db, "SELECT hash FROM audit_log WHERE seq = ?1");
        sqlite3_bind_int64(at.stmt, 1, (*head)->seq);
        if (sqlite3_step(at.stmt) != SQLITE_ROW || at.text(0) != (*head)->hash) {
            return fail((*head)->seq, "record " + std::to_string((*head)->seq) +
                                          " is not the record the head names (the log was rewritten)");
        }
    }
    report.ok = true;
    return report;
}

}  // namespace cityops::connectors::audit
