// Fault injection at the sync points of the checkpoint commit (issue #9): a pass-through SQLite VFS
// (fault_vfs.h) captures, at every fsync of the database and its WAL, what a process crash and what a
// power loss at that instant would leave on disk, and can fail the N-th fsync. Every image must open
// through Storage::open as a consistent store whose latest checkpoint is at least the last one the
// caller was told was committed, with exactly that checkpoint's rows; a failed fsync is an error the
// caller sees, loses nothing committed before it, and a retry of the same checkpoint lands it once.

#include <QTemporaryDir>
#include <QTest>
#include <set>

#include "fault_vfs.h"
#include "storage_test_support.h"

using namespace storage_test;
using fault_vfs::FaultVfs;

namespace {

constexpr const char* kJob = "city-jobs";
constexpr int kRowsPerCheckpoint = 120;
constexpr std::uint32_t kBulkSensor = 900;  //!< rows written outside checkpoints (synchronous=NORMAL)

//! Checkpoint k commits kRowsPerCheckpoint readings of sensors 1..4 at ts k*100000 + i, one alert and
//! one offset per partition, so an image's rows tell which checkpoints it holds.
CheckpointRecord checkpoint(std::uint64_t k) {
    return CheckpointRecord{kJob,
                            k,
                            static_cast<std::int64_t>(k) * 1000,
                            {{"air-quality", 0, k * 10},
                             {"air-quality", 1, k * 7}},
                            "state-" + std::to_string(k)};
}

WriteBatch checkpointRows(std::uint64_t k) {
    WriteBatch batch;
    for (int i = 0; i < kRowsPerCheckpoint; ++i) {
        batch.readings.push_back(reading(1 + static_cast<std::uint32_t>(i % 4),
                                         static_cast<std::int64_t>(k) * 100000 + i, static_cast<double>(k)));
    }
    batch.alerts = {alertRecord(k, static_cast<std::int64_t>(k) * 100000, "Podil", "CO2 high")};
    return batch;
}

WriteBatch bulkRows(std::int64_t from) {
    WriteBatch batch;
    for (int i = 0; i < 200; ++i) {
        batch.readings.push_back(reading(kBulkSensor, from + i, 1.0));
    }
    return batch;
}

//! What a restarted process finds in a database directory, read through the product's own open path.
struct Recovered {
    bool opened = false;
    std::string error;
    std::string integrity;
    std::uint64_t checkpointId = 0;
    std::string stateBlob;
    std::int64_t checkpointRows = -1;
    std::int64_t alerts = -1;
    std::int64_t offsets = -1;
};

Recovered recover(const std::filesystem::path& path) {
    Recovered out;
    {
        StorageOptions options;
        options.path = path;
        options.verifyOnOpen = true;
        auto storage = Storage::open(options);
        if (!storage) {
            out.error = storage.error().message;
            return out;
        }
        out.opened = true;
    }
    auto reader = StorageReader::open(path);
    if (!reader) {
        out.opened = false;
        out.error = reader.error().message;
        return out;
    }
    auto latest = (*reader)->latestCheckpoint(kJob);
    if (latest.ok() && latest->has_value()) {
        out.checkpointId = (*latest)->checkpointId;
        out.stateBlob = (*latest)->stateBlob;
        out.offsets = static_cast<std::int64_t>((*latest)->offsets.size());
    }
    RawDb db(path);
    out.checkpointRows = db.queryInt("SELECT count(*) FROM readings WHERE sensor_id < 900");
    out.alerts = db.queryInt("SELECT count(*) FROM alerts");
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            out.integrity = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(raw);
    return out;
}

//! Checks one crash image: it opens, is intact, and holds exactly checkpoint N's rows for its latest
//! checkpoint N, which is at least the acknowledged one. Returns an empty string or the problem.
std::string checkImage(const fault_vfs::DiskImage& image, std::uint64_t acknowledged, const char* kind,
                       int syncNumber, std::uint64_t* seenCheckpoint) {
    QTemporaryDir dir;
    const std::filesystem::path d(dir.path().toStdString());
    fault_vfs::writeImage(image, d);
    const std::string where = std::string(kind) + " image at sync " + std::to_string(syncNumber) + ": ";
    if (image.count("city.db") == 0 && image.count("city.db-wal") == 0) {
        // Nothing durable yet: a fresh start is correct only if nothing was acknowledged.
        return acknowledged == 0 ? std::string() : where + "no database file although a checkpoint was acknowledged";
    }
    const Recovered r = recover(d / "city.db");
    if (!r.opened) {
        return where + "does not open: " + r.error;
    }
    if (r.integrity != "ok") {
        return where + "integrity_check says " + r.integrity;
    }
    if (r.checkpointId < acknowledged) {
        return where + "checkpoint " + std::to_string(r.checkpointId) + " < acknowledged " +
               std::to_string(acknowledged);
    }
    const auto k = static_cast<std::int64_t>(r.checkpointId);
    if (r.checkpointRows != k * kRowsPerCheckpoint || r.alerts != k) {
        return where + "checkpoint " + std::to_string(k) + " with " + std::to_string(r.checkpointRows) +
               " rows and " + std::to_string(r.alerts) + " alerts (rows and checkpoint not atomic)";
    }
    if (k > 0 && (r.stateBlob != "state-" + std::to_string(k) || r.offsets != 2)) {
        return where + "checkpoint " + std::to_string(k) + " has the wrong state or offsets";
    }
    *seenCheckpoint = r.checkpointId;
    return {};
}

}  // namespace

class TestStorageFaults : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { FaultVfs::instance().uninstall(); }

    //! A crash (process or power) at every sync point of a run of checkpoint commits, bulk writes and
    //! WAL checkpoints leaves a store that recovers to a whole checkpoint no older than the acknowledged.
    void crashAtEverySyncPointRecoversAWholeCheckpoint() {
        QTemporaryDir dir;
        const std::filesystem::path path = dbPath(dir.path());
        FaultVfs& vfs = FaultVfs::instance();
        vfs.install(path.parent_path());
        {
            StorageOptions options;
            options.path = path;
            auto storage = Storage::open(options);
            QVERIFY2(storage.ok(), storage ? "" : storage.error().message.c_str());
            vfs.capture(true);
            for (std::uint64_t k = 1; k <= 4; ++k) {
                QVERIFY((*storage)->write(bulkRows(static_cast<std::int64_t>(k) * 1000)).ok());
                auto committed = (*storage)->commitCheckpoint(checkpoint(k), checkpointRows(k));
                QVERIFY2(committed.ok(), committed ? "" : committed.error().message.c_str());
                vfs.setAcknowledged(k);
                if (k == 2) {
                    // Another connection checkpoints the WAL into the database file: its syncs are
                    // sync points too (the WAL is copied back and the database file synced).
                    RawDb other(path);
                    QCOMPARE(other.exec("PRAGMA wal_checkpoint(FULL)"), SQLITE_OK);
                }
            }
            vfs.capture(false);
        }
        const std::vector<fault_vfs::SyncPoint> points = vfs.points();
        vfs.uninstall();
        // Four FULL commits, each with at least one WAL sync, plus the WAL checkpoint's syncs.
        QVERIFY2(points.size() >= 5, std::to_string(points.size()).c_str());

        std::set<std::string> files;
        std::uint64_t highestPowerLoss = 0;
        for (const fault_vfs::SyncPoint& point : points) {
            files.insert(point.file);
            std::uint64_t seen = 0;
            const std::string crash =
                checkImage(point.processCrash, point.acknowledged, "process-crash", point.syncNumber, &seen);
            QVERIFY2(crash.empty(), crash.c_str());
            const std::string power =
                checkImage(point.powerLoss, point.acknowledged, "power-loss", point.syncNumber, &seen);
            QVERIFY2(power.empty(), power.c_str());
            highestPowerLoss = std::max(highestPowerLoss, seen);
            qInfo("sync %d %s ack %llu power-loss sees %llu (%zu files)", point.syncNumber, point.file.c_str(),
                  static_cast<unsigned long long>(point.acknowledged), static_cast<unsigned long long>(seen),
                  point.powerLoss.size());
        }
        QVERIFY(files.count("city.db-wal") == 1);  // the commits' WAL syncs were exercised
        QVERIFY(files.count("city.db") == 1);      // and the WAL checkpoint's database sync
        QCOMPARE(highestPowerLoss, std::uint64_t{3});  // the last sync point precedes checkpoint 4's ack

        // And the finished run itself.
        const Recovered end = recover(path);
        QVERIFY(end.opened);
        QCOMPARE(end.checkpointId, std::uint64_t{4});
        QCOMPARE(end.checkpointRows, std::int64_t{4 * kRowsPerCheckpoint});
    }

    //! An fsync that fails (EIO) during the checkpoint commit: the caller gets an error naming the
    //! file, the previous checkpoint and its rows stay intact, the store keeps working, and retrying
    //! the same checkpoint commits it exactly once (its outcome was unknown, the retry is idempotent).
    void failedSyncIsAnErrorAndTheRetryCommitsOnce() {
        QTemporaryDir dir;
        const std::filesystem::path path = dbPath(dir.path());
        FaultVfs& vfs = FaultVfs::instance();
        vfs.install(path.parent_path());
        StorageOptions options;
        options.path = path;
        auto storage = Storage::open(options);
        QVERIFY(storage.ok());
        QVERIFY((*storage)->commitCheckpoint(checkpoint(1), checkpointRows(1)).ok());

        vfs.failSync(vfs.syncs() + 1);
        auto failed = (*storage)->commitCheckpoint(checkpoint(2), checkpointRows(2));
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, StorageErrc::Io);
        QVERIFY2(failed.error().message.find("city.db") != std::string::npos, failed.error().message.c_str());
        vfs.failSync(-1);

        {
            // What another reader sees right after the failure: a whole checkpoint, 1 or 2.
            auto reader = StorageReader::open(path);
            QVERIFY(reader.ok());
            auto latest = (*reader)->latestCheckpoint(kJob);
            QVERIFY(latest.ok() && latest->has_value());
            const std::uint64_t k = (*latest)->checkpointId;
            QVERIFY(k == 1 || k == 2);
            QCOMPARE(RawDb(path).queryInt("SELECT count(*) FROM readings WHERE sensor_id < 900"),
                     static_cast<std::int64_t>(k) * kRowsPerCheckpoint);
        }

        auto retried = (*storage)->commitCheckpoint(checkpoint(2), checkpointRows(2));
        QVERIFY2(retried.ok(), retried ? "" : retried.error().message.c_str());
        QVERIFY((*storage)->write(bulkRows(50000)).ok());
        QVERIFY((*storage)->commitCheckpoint(checkpoint(3), checkpointRows(3)).ok());
        storage->reset();
        vfs.uninstall();

        const Recovered end = recover(path);
        QVERIFY2(end.opened, end.error.c_str());
        QCOMPARE(end.integrity, std::string("ok"));
        QCOMPARE(end.checkpointId, std::uint64_t{3});
        QCOMPARE(end.checkpointRows, std::int64_t{3 * kRowsPerCheckpoint});
        QCOMPARE(end.alerts, std::int64_t{3});
    }
};

QTEST_GUILESS_MAIN(TestStorageFaults)
#include "test_storage_faults.moc"
