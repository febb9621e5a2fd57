// The hash-chained audit log: a clean log verifies; 1,000 random tamperings (edit a field, edit and
// re-hash, delete a row, swap two rows, truncate) made with a raw SQLite connection, as someone with
// the file would, are all detected and the first bad record is named; the log refuses UPDATE/DELETE
// and refuses to grow once it no longer matches its head.
#include <sqlite3.h>

#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <random>

#include "cityops/connectors/audit/audit_log.h"

using namespace cityops::connectors::audit;
namespace fs = std::filesystem;

namespace {

constexpr int kRecords = 24;

AuditEntry entry(int i) {
    static const char* kActions[] = {"acknowledge", "assign", "dispatch", "resolve", "escalate"};
    AuditEntry e;
    e.atMs = 1'700'000'000'000 + i * 1000;
    e.actor = i % 7 == 0 ? "system" : "operator" + std::to_string(i % 3);
    e.action = kActions[i % 5];
    e.subject = "alert:" + std::to_string(1000 + i / 5);
    e.before = "state=new";
    e.after = "state=acknowledged; note=\"line 1\nline 2\"";
    return e;
}

int rawExec(const fs::path& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    sqlite3_open(db.c_str(), &handle);
    const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(handle);
    return rc;
}

void copyLog(const fs::path& from, const fs::path& to) {
    for (const char* name : {"audit.db", "audit.head"}) {
        fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing);
    }
    for (const char* name : {"audit.db-wal", "audit.db-shm"}) fs::remove(to / name);
}

}  // namespace

class TestAuditLog : public QObject {
    Q_OBJECT

private slots:
    void cleanLogVerifiesAndChains() {
        QTemporaryDir dir;
        const fs::path path(dir.path().toStdString());
        QVERIFY(AuditLog::verify(path).ok);  // no log yet
        {
            auto log = AuditLog::open(path);
            QVERIFY2(log, log ? "" : log.error().c_str());
            auto first = (*log)->append(entry(0));
            QVERIFY(first);
            QCOMPARE(first->seq, 1);
            QCOMPARE(first->prevHash, std::string(64, '0'));
            QCOMPARE(first->hash, auditRecordHash(*first));
            auto second = (*log)->append(entry(1));
            QVERIFY(second);
            QCOMPARE(second->prevHash, first->hash);
        }
        {
            auto log = AuditLog::open(path);  // reopened: continues the chain
            QVERIFY(log);
            QCOMPARE((*log)->lastSeq(), 2);
            std::vector<AuditEntry> more;
            for (int i = 2; i < 10; ++i) more.push_back(entry(i));
            QCOMPARE(*(*log)->appendAll(more), 10);
            const auto records = (*log)->records(1, 100);
            QVERIFY(records);
            QCOMPARE(records->size(), 10u);
            QCOMPARE(records->at(4).entry.after, entry(4).after);
        }
        const auto report = AuditLog::verify(path);
        QVERIFY2(report.ok, report.problem.c_str());
        QCOMPARE(report.records, 10u);
    }

    void refusesUpdateAndDelete() {
        QTemporaryDir dir;
        const fs::path path(dir.path().toStdString());
        {
            auto log = AuditLog::open(path);
            QVERIFY((*log)->append(entry(0)));
        }
        QCOMPARE(rawExec(path / "audit.db", "UPDATE audit_log SET actor = 'mallory'"), SQLITE_CONSTRAINT);
        QCOMPARE(rawExec(path / "audit.db", "DELETE FROM audit_log"), SQLITE_CONSTRAINT);
        QVERIFY(AuditLog::verify(path).ok);
    }

    void refusesToExtendATamperedLog() {
        QTemporaryDir dir;
        const fs::path path(dir.path().toStdString());
        {
            auto log = AuditLog::open(path);
            for (int i = 0; i < 5; ++i) QVERIFY((*log)->append(entry(i)));
        }
        QCOMPARE(rawExec(path / "audit.db", "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq >= 4"),
                 SQLITE_OK);
        const auto log = AuditLog::open(path);
        QVERIFY(!log);
        QVERIFY2(log.error().find("does not match its head") != std::string::npos, log.error().c_str());
        fs::remove(path / "audit.head");
        QVERIFY(!AuditLog::open(path));
        const auto report = AuditLog::verify(path);
        QVERIFY(!report.ok);
        QVERIFY2(report.problem.find("head") != std::string::npos, report.problem.c_str());
    }

    void headTrailingByACrashedCommitStillVerifies() {
        QTemporaryDir dir;
        const fs::path path(dir.path().toStdString());
        std::string headAfter3;
        {
            auto log = AuditLog::open(path);
            for (int i = 0; i < 3; ++i) QVERIFY((*log)->append(entry(i)));
            std::ifstream in(path / "audit.head");
            headAfter3.assign(std::istreambuf_iterator<char>(in), {});
            QVERIFY((*log)->append(entry(3)));
        }
        std::ofstream(path / "audit.head", std::ios::trunc) << headAfter3;  // the last head update was lost
        QVERIFY(AuditLog::verify(path).ok);
        auto log = AuditLog::open(path);
        QVERIFY(log);
        QCOMPARE((*log)->lastSeq(), 4);
        QVERIFY((*log)->append(entry(4)));
        QVERIFY(AuditLog::verify(path).ok);
    }

    void thousandRandomTamperingsAreAllDetected() {
        QTemporaryDir cleanDir;
        QTemporaryDir workDir;
        const fs::path clean(cleanDir.path().toStdString());
        const fs::path work(workDir.path().toStdString());
        {
            auto log = AuditLog::open(clean);
            QVERIFY(log);
            std::vector<AuditEntry> entries;
            for (int i = 0; i < kRecords; ++i) entries.push_back(entry(i));
            QVERIFY((*log)->appendAll(entries));
        }
        QVERIFY(AuditLog::verify(clean).ok);
        std::vector<AuditRecord> cleanRecords;
        {
            auto log = AuditLog::open(clean);
            QVERIFY(log);
            cleanRecords = *(*log)->records(1, kRecords);
        }
        static const char* kColumns[] = {"at_ms", "actor", "action", "subject", "before", "after", "prev_hash", "hash"};
        std::mt19937 rng(20261123);
        const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        int kinds[5] = {};
        for (int trial = 0; trial < 1000; ++trial) {
            copyLog(clean, work);
            const fs::path db = work / "audit.db";
            const int kind = pick(0, 4);
            ++kinds[kind];
            std::string sql = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;";
            std::int64_t lo = 0;
            std::int64_t hi = 0;  // the first bad record must be reported in [lo, hi]
            const int seq = pick(1, kRecords);
            const std::string s = std::to_string(seq);
            switch (kind) {
                case 0: {  // edit one field
                    const std::string column = kColumns[pick(0, 7)];
                    sql += column == "at_ms" ? "UPDATE audit_log SET at_ms = at_ms + " + std::to_string(pick(1, 99999))
                                             : "UPDATE audit_log SET " + column + " = " + column + " || 'x'";
                    sql += " WHERE seq = " + s;
                    lo = hi = seq;
                    break;
                }
                case 1: {  // edit a field and recompute that record's own hash
                    AuditRecord r = cleanRecords[static_cast<std::size_t>(seq - 1)];
                    r.entry.actor += " (forged)";
                    sql += "UPDATE audit_log SET actor = '" + r.entry.actor + "', hash = '" + auditRecordHash(r) +
                           "' WHERE seq = " + s;
                    lo = seq;
                    hi = seq + 1;
                    break;
                }
                case 2:  // delete a row
                    sql += "DELETE FROM audit_log WHERE seq = " + s;
                    lo = hi = seq;
                    break;
                case 3: {  // swap the contents of two rows
                    int other = pick(1, kRecords - 1);
                    if (other >= seq) ++other;
                    const std::string o = std::to_string(other);
                    sql += "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (" + s + "," + o + ");"
                           "UPDATE audit_log SET (at_ms, actor, action, subject, before, after, prev_hash, hash) = "
                           "(SELECT at_ms, actor, action, subject, before, after, prev_hash, hash FROM t "
                           "WHERE t.seq = CASE audit_log.seq WHEN " + s + " THEN " + o + " ELSE " + s + " END) "
                           "WHERE seq IN (" + s + "," + o + ")";
                    lo = hi = std::min(seq, other);
                    break;
                }
                default: {  // truncate: keep the first k records
                    const int keep = pick(0, kRecords - 1);
                    sql += "DELETE FROM audit_log WHERE seq > " + std::to_string(keep);
                    lo = hi = keep + 1;
                    break;
                }
            }
            QCOMPARE(rawExec(db, sql), SQLITE_OK);
            const auto report = AuditLog::verify(work);
            if (report.ok || !report.firstBadSeq || *report.firstBadSeq < lo || *report.firstBadSeq > hi) {
                QFAIL(qPrintable(QStringLiteral("trial %1 (kind %2, record %3) not detected or misplaced: %4 (%5)")
                                     .arg(trial)
                                     .arg(kind)
                                     .arg(seq)
                                     .arg(report.firstBadSeq.value_or(-1))
                                     .arg(QString::fromStdString(report.problem))));
            }
        }
        for (int n : kinds) QVERIFY(n > 100);
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "test_audit_log.moc"
