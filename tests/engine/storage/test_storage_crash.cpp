#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <map>
#include <random>

#include "storage_test_support.h"

using namespace storage_test;

namespace {

constexpr int kRowsPerBatch = 4000;
constexpr const char* kJob = "crash-writer";

//! Batch k: kRowsPerBatch readings at ts k*1000 plus one lineage marker holding the row count, so a
//! partial batch is visible as a timestamp whose row count differs from its marker.
WriteBatch markedBatch(std::int64_t k) {
    WriteBatch batch;
    batch.readings.reserve(kRowsPerBatch);
    for (int i = 0; i < kRowsPerBatch; ++i) {
        Reading r = reading(static_cast<std::uint32_t>(i), k * 1000, static_cast<double>(k + i));
        r.seq = static_cast<std::uint64_t>(k);
        batch.readings.push_back(r);
    }
    batch.lineage = {LineageRecord{kJob, "readings", "readings", k, kRowsPerBatch, std::to_string(k)}};
    return batch;
}

//! Child body: writes marked batches forever, reporting each commit on the pipe. Never returns.
[[noreturn]] void writeUntilKilled(const std::filesystem::path& path, int reportFd) {
    std::int64_t k = 0;
    if (auto reader = StorageReader::open(path)) {
        k = static_cast<std::int64_t>((*reader)->lineage(kJob)->size());
    }
    StorageOptions options;
    options.path = path;
    auto storage = Storage::open(options);
    if (!storage) {
        _exit(3);
    }
    for (;; ++k) {
        if (!(*storage)->write(markedBatch(k)).ok()) {
            _exit(4);
        }
        if (write(reportFd, &k, sizeof k) != static_cast<ssize_t>(sizeof k)) {
            _exit(5);
        }
    }
}

//! Rows per batch timestamp and the lineage markers, read through a fresh connection.
struct Census {
    std::map<std::int64_t, std::int64_t> rowsPerBatch;
    std::map<std::int64_t, std::int64_t> markers;
};

Census census(const std::filesystem::path& path) {
    Census out;
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT ts_ms / 1000, count(*) FROM readings GROUP BY ts_ms", -1, &stmt, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        out.rowsPerBatch[sqlite3_column_int64(stmt, 0)] = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_finalize(stmt);
    sqlite3_prepare_v2(db, "SELECT processing_time_ms, record_count FROM data_lineage WHERE job_id = ?1", -1, &stmt,
                       nullptr);
    sqlite3_bind_text(stmt, 1, kJob, -1, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        out.markers[sqlite3_column_int64(stmt, 0)] = sqlite3_column_int64(stmt, 1);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

}  // namespace

class TestStorageCrash : public QObject {
    Q_OBJECT

private slots:
    void killedWriterLeavesWholeBatchesOnly() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        const unsigned seed = std::random_device{}();
        std::mt19937 rng(seed);
        qInfo("seed %u", seed);
        std::int64_t lastReported = -1;

        for (int round = 0; round < 5; ++round) {
            int fds[2];
            QCOMPARE(pipe(fds), 0);
            const pid_t pid = fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                close(fds[0]);
                writeUntilKilled(path, fds[1]);
            }
            close(fds[1]);
            std::int64_t k = 0;
            QCOMPARE(read(fds[0], &k, sizeof k), static_cast<ssize_t>(sizeof k));  // at least one commit
            lastReported = k;
            usleep(std::uniform_int_distribution<useconds_t>(0, 40'000)(rng));
            QCOMPARE(kill(pid, SIGKILL), 0);
            int status = 0;
            QCOMPARE(waitpid(pid, &status, 0), pid);
            QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the writer died before the kill");
            while (read(fds[0], &k, sizeof k) == static_cast<ssize_t>(sizeof k)) {
                lastReported = k;
            }
            close(fds[0]);

            // Reopening recovers the WAL; the file is sound and holds whole batches only.
            auto storage = Storage::open(StorageOptions{path});
            QVERIFY2(storage.ok(), storage.ok() ? "" : storage.error().message.c_str());
            auto reader = StorageReader::open(path);
            QVERIFY(reader.ok());
            QCOMPARE(*(*reader)->integrityCheck(), std::string("ok"));
            const Census c = census(path);
            QVERIFY(!c.markers.empty());
            QCOMPARE(c.rowsPerBatch.size(), c.markers.size());
            for (const auto& [batch, rows] : c.rowsPerBatch) {
                QVERIFY2(c.markers.count(batch) == 1, "rows without their batch marker");
                QCOMPARE(rows, c.markers.at(batch));
            }
            const std::int64_t last = c.markers.rbegin()->first;
            QCOMPARE(static_cast<std::int64_t>(c.markers.size()), last + 1);  // contiguous 0..last
            QVERIFY(last >= lastReported);  // every acknowledged commit survived the kill
            qInfo("round %d: %lld whole batches after the kill", round, static_cast<long long>(last + 1));

            // Replaying the tail (at-least-once redelivery) creates no duplicates.
            for (std::int64_t b = std::max<std::int64_t>(0, last - 2); b <= last + 1; ++b) {
                QVERIFY((*storage)->write(markedBatch(b)).ok());
            }
            const Census replayed = census(path);
            QCOMPARE(static_cast<std::int64_t>(replayed.markers.size()), last + 2);
            for (const auto& [batch, rows] : replayed.rowsPerBatch) {
                QCOMPARE(rows, static_cast<std::int64_t>(kRowsPerBatch));
            }
            QCOMPARE(*(*reader)->readingCount(), static_cast<std::uint64_t>((last + 2) * kRowsPerBatch));
        }
    }
};

QTEST_GUILESS_MAIN(TestStorageCrash)
#include "test_storage_crash.moc"
