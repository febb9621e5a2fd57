#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/expected.h"

namespace cityops::connectors::audit {

//! A value or a message that names the file and the problem.
template <class T>
using Result = engine::Expected<T, std::string>;

//! One operator action: who did what to which subject, when, and the state before and after.
struct AuditEntry {
    std::int64_t atMs = 0;
    std::string actor;    //!< operator name, or "system" for escalations
    std::string action;   //!< "acknowledge", "assign", "dispatch", "resolve", "escalate", "note", ...
    std::string subject;  //!< e.g. "alert:1234"
    std::string before;   //!< state before the action, as text
    std::string after;    //!< state after
};

//! A stored entry: its position in the chain and the hashes that link it.
struct AuditRecord {
    std::int64_t seq = 0;  //!< 1, 2, 3, ... without gaps
    AuditEntry entry;
    std::string prevHash;  //!< hash of record seq−1 (64 zeros for the first)
    std::string hash;      //!< SHA-256 (hex) of prevHash and every field of this record
};

//! Outcome of a verification; firstBadSeq names the first record that is not what was written.
struct AuditVerifyReport {
    bool ok = false;
    std::uint64_t records = 0;  //!< records checked
    std::optional<std::int64_t> firstBadSeq;
    std::string problem;  //!< empty when ok
};

//! SHA-256 (lower-case hex) of a record's prevHash, seq and fields, each length-prefixed so no two
//! different records hash the same input.
std::string auditRecordHash(const AuditRecord& record);

//! The append-only, hash-chained audit log of operator actions: `audit.db` (SQLite, table audit_log,
//! triggers refuse UPDATE and DELETE) plus `audit.head` (the last record's seq and hash, replaced
//! atomically after each commit), both in the data directory. The head is what makes a truncated log
//! detectable; open() refuses to append to a log that no longer matches it.
//! Limits: a writer who can rewrite both files and recompute every hash can forge a consistent log;
//! shipping the head to another machine (or an HMAC key in the keychain) would close that.
//! Not thread-safe: one owner thread.
class AuditLog {
public:
    static Result<std::unique_ptr<AuditLog>> open(const std::filesystem::path& dataDir);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    //! Appends one record (synchronous=FULL), then moves the head; returns the stored record.
    Result<AuditRecord> append(const AuditEntry& entry);
    //! Appends entries in one transaction (imports, benchmarks); returns the last record's seq.
    Result<std::int64_t> appendAll(std::span<const AuditEntry> entries);
    //! Records with seq >= fromSeq, at most limit, in order.
    Result<std::vector<AuditRecord>> records(std::int64_t fromSeq, std::size_t limit);
    std::int64_t lastSeq() const;

    //! Checks every record of the log in dataDir against its content, its predecessor and the head.
    static AuditVerifyReport verify(const std::filesystem::path& dataDir);

private:
    struct Impl;
    explicit AuditLog(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::connectors::audit
