#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QTest>

#include "storage_test_support.h"

using namespace storage_test;

namespace {

StorageOptions optionsFor(const std::filesystem::path& path) {
    StorageOptions options;
    options.path = path;
    options.busyTimeout = std::chrono::milliseconds(200);
    return options;
}

//! Result of an open attempted by a child process without root's permission bypass.
struct ChildOpen {
    bool ok = false;
    int code = -1;
    std::string message;
};

ChildOpen openAsUnprivilegedChild(const std::filesystem::path& path) {
    int fds[2];
    if (pipe(fds) != 0) {
        return {};
    }
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
            _exit(2);
        }
        auto opened = Storage::open(optionsFor(path));
        std::string out = opened ? std::string("ok")
                                 : std::to_string(static_cast<int>(opened.error().code)) + "|" + opened.error().message;
        opened = StorageError{};
        [[maybe_unused]] auto written = write(fds[1], out.data(), out.size());
        close(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[512];
    for (ssize_t n = 0; (n = read(fds[0], buf, sizeof buf)) > 0;) {
        text.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ChildOpen result;
    if (text == "ok") {
        result.ok = true;
    } else if (auto bar = text.find('|'); bar != std::string::npos) {
        result.code = std::stoi(text.substr(0, bar));
        result.message = text.substr(bar + 1);
    }
    return result;
}

}  // namespace

class TestStorageOpen : public QObject {
    Q_OBJECT

private slots:
    void createsMigratesAndReopens() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        {
            auto storage = Storage::open(optionsFor(path));
            QVERIFY2(storage.ok(), storage.ok() ? "" : storage.error().message.c_str());
            WriteBatch batch;
            batch.readings = {reading(1, 1000, 1.0), reading(1, 2000, 2.0)};
            QVERIFY((*storage)->write(batch).ok());
        }
        RawDb raw(path);
        QCOMPARE(raw.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        raw.exec("SELECT 1");
        auto again = Storage::open(optionsFor(path));
        QVERIFY(again.ok());
        auto reader = StorageReader::open(path);
        QVERIFY(reader.ok());
        QCOMPARE(*(*reader)->readingCount(), std::uint64_t{2});
        QCOMPARE(*(*reader)->integrityCheck(), std::string("ok"));
    }

    void walModeIsOn() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(storage.ok());
        RawDb raw(path);
        QCOMPARE(raw.queryInt("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), std::int64_t{1});
    }

    void refusesNewerSchemaWithoutModifying() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        { QVERIFY(Storage::open(optionsFor(path)).ok()); }
        {
            RawDb raw(path);
            QCOMPARE(raw.exec("PRAGMA user_version = 99"), SQLITE_OK);
        }
        const QByteArray before = fileBytes(path);
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::NewerSchema);
        QVERIFY2(storage.error().message.find("99") != std::string::npos, storage.error().message.c_str());
        QVERIFY(storage.error().message.find("version " + std::to_string(kSchemaVersion)) != std::string::npos);
        QCOMPARE(fileBytes(path), before);
        auto reader = StorageReader::open(path);
        QVERIFY(!reader.ok());
        QCOMPARE(reader.error().code, StorageErrc::NewerSchema);
    }

    void versionTableRecordsTheMigrationHistory() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        { QVERIFY(Storage::open(optionsFor(path)).ok()); }
        RawDb raw(path);
        QCOMPARE(raw.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(raw.queryInt("SELECT count(*) FROM schema_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(raw.queryInt("SELECT max(version) FROM schema_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(raw.queryInt("SELECT count(*) FROM schema_version WHERE description = '' OR applied_ms <= 0"),
                 std::int64_t{0});
    }

    void upgradesAVersionOneDatabaseAndBackfillsHistory() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        {
            auto storage = Storage::open(optionsFor(path));
            QVERIFY(storage.ok());
            WriteBatch batch;
            batch.readings = {reading(3, 1000, 1.0)};
            QVERIFY((*storage)->write(batch).ok());
        }
        {
            RawDb raw(path);  // turn it back into what version 1 wrote
            QCOMPARE(raw.exec("DROP TABLE schema_version; PRAGMA user_version = 1"), SQLITE_OK);
        }
        auto storage = Storage::open(optionsFor(path));
        QVERIFY2(storage.ok(), storage.ok() ? "" : storage.error().message.c_str());
        RawDb raw(path);
        QCOMPARE(raw.queryInt("PRAGMA user_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(raw.queryInt("SELECT count(*) FROM schema_version"), std::int64_t{kSchemaVersion});
        QCOMPARE(raw.queryInt("SELECT count(*) FROM readings"), std::int64_t{1});
    }

    void refusesNewerVersionRecordedInTheTable() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        { QVERIFY(Storage::open(optionsFor(path)).ok()); }
        {
            RawDb raw(path);
            QCOMPARE(raw.exec("INSERT INTO schema_version VALUES(7, 1, 'from the future')"), SQLITE_OK);
        }
        const QByteArray before = fileBytes(path);
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::NewerSchema);
        QVERIFY2(storage.error().message.find("version 7") != std::string::npos, storage.error().message.c_str());
        QCOMPARE(fileBytes(path), before);
    }

    void refusesAVersionWithoutItsHistory() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        { QVERIFY(Storage::open(optionsFor(path)).ok()); }
        {
            RawDb raw(path);
            QCOMPARE(raw.exec("DROP TABLE schema_version"), SQLITE_OK);
        }
        const QByteArray before = fileBytes(path);
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::Corrupt);
        QVERIFY2(storage.error().message.find("schema_version") != std::string::npos, storage.error().message.c_str());
        QCOMPARE(fileBytes(path), before);
    }

    void refusesNonDatabaseWithoutOverwriting() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        QByteArray junk;
        for (int i = 0; i < 200; ++i) {
            junk += "this is a spreadsheet, not a database\n";
        }
        {
            QFile f(QString::fromStdString(path.string()));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(junk);
        }
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::Corrupt);
        QVERIFY2(storage.error().message.find("not a SQLite database") != std::string::npos,
                 storage.error().message.c_str());
        QCOMPARE(fileBytes(path), junk);
    }

    void refusesForeignDatabase() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        {
            RawDb raw(path);
            QCOMPARE(raw.exec("CREATE TABLE invoices(id INTEGER PRIMARY KEY)"), SQLITE_OK);
        }
        const QByteArray before = fileBytes(path);
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::Corrupt);
        QVERIFY(storage.error().message.find("not a CityOps") != std::string::npos);
        QCOMPARE(fileBytes(path), before);
    }

    void verifyOnOpenDetectsCorruptPages() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        {
            auto storage = Storage::open(optionsFor(path));
            QVERIFY(storage.ok());
            WriteBatch batch;
            for (int i = 0; i < 20000; ++i) {
                batch.readings.push_back(reading(static_cast<std::uint32_t>(i % 50), i * 1000, i));
            }
            QVERIFY((*storage)->write(batch).ok());
        }
        QByteArray bytes = fileBytes(path);
        const int pageSize = (static_cast<unsigned char>(bytes[16]) << 8) | static_cast<unsigned char>(bytes[17]);
        const qsizetype pages = bytes.size() / pageSize;
        QVERIFY(pages > 10);
        for (int i = 0; i < pageSize; ++i) {  // overwrite a whole page in the middle of the readings
            bytes[(pages / 2) * pageSize + i] = static_cast<char>(0x5a);
        }
        {
            QFile f(QString::fromStdString(path.string()));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        StorageOptions options = optionsFor(path);
        options.verifyOnOpen = true;
        auto storage = Storage::open(options);
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::Corrupt);
        QVERIFY2(storage.error().message.find("corrupt") != std::string::npos, storage.error().message.c_str());
        QCOMPARE(fileBytes(path), bytes);
    }

    void missingDirectoryIsClear() {
        QTemporaryDir dir;
        auto storage = Storage::open(optionsFor(dbPath(dir.path()) / "nope" / "city.db"));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::CantOpen);
        QVERIFY(storage.error().message.find("does not exist") != std::string::npos);
    }

    void readOnlyDirectoryIsClear() {
        QTemporaryDir dir;
        const auto base = std::filesystem::path(dir.path().toStdString());
        const auto ro = base / "ro";
        std::filesystem::create_directory(ro);
        const auto existing = ro / "existing.db";
        {
            auto storage = Storage::open(optionsFor(existing));
            QVERIFY(storage.ok());
            WriteBatch batch;
            batch.readings = {reading(7, 1000, 1.0)};
            QVERIFY((*storage)->write(batch).ok());
        }
        QCOMPARE(chmod(base.c_str(), 0755), 0);
        QCOMPARE(chmod(ro.c_str(), 0555), 0);

        const ChildOpen created = openAsUnprivilegedChild(ro / "new.db");
        QVERIFY(!created.ok);
        QCOMPARE(created.code, static_cast<int>(StorageErrc::ReadOnly));
        QVERIFY2(created.message.find("writable") != std::string::npos, created.message.c_str());

        const ChildOpen reopened = openAsUnprivilegedChild(existing);
        QVERIFY(!reopened.ok);
        QCOMPARE(reopened.code, static_cast<int>(StorageErrc::ReadOnly));
        QVERIFY2(reopened.message.find("read-only") != std::string::npos, reopened.message.c_str());

        QCOMPARE(chmod(ro.c_str(), 0755), 0);
        auto reader = StorageReader::open(existing);
        QVERIFY(reader.ok());
        QCOMPARE(*(*reader)->readingCount(), std::uint64_t{1});
    }

    void lockedDatabaseFailsAfterBusyTimeoutAndLosesNothing() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(storage.ok());
        WriteBatch first;
        first.readings = {reading(1, 1000, 1.0), reading(1, 2000, 2.0)};
        QVERIFY((*storage)->write(first).ok());

        RawDb other(path);
        QCOMPARE(other.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
        WriteBatch second;
        second.readings = {reading(1, 3000, 3.0)};
        auto blocked = (*storage)->write(second);
        QVERIFY(!blocked.ok());
        QCOMPARE(blocked.error().code, StorageErrc::Busy);
        QVERIFY2(blocked.error().message.find("lock") != std::string::npos, blocked.error().message.c_str());
        QCOMPARE(other.exec("ROLLBACK"), SQLITE_OK);

        QVERIFY((*storage)->write(second).ok());
        auto reader = StorageReader::open(path);
        QVERIFY(reader.ok());
        QCOMPARE(*(*reader)->readingCount(), std::uint64_t{3});
    }

    void openWhileAnotherProcessHoldsTheFileLocked() {
        QTemporaryDir dir;
        const auto path = dbPath(dir.path());
        RawDb other(path);
        QCOMPARE(other.exec("BEGIN EXCLUSIVE"), SQLITE_OK);
        auto storage = Storage::open(optionsFor(path));
        QVERIFY(!storage.ok());
        QCOMPARE(storage.error().code, StorageErrc::Busy);
        QVERIFY(storage.error().message.find("lock") != std::string::npos);
        QCOMPARE(other.exec("ROLLBACK"), SQLITE_OK);
        QVERIFY(Storage::open(optionsFor(path)).ok());
    }
};

QTEST_GUILESS_MAIN(TestStorageOpen)
#include "test_storage_open.moc"
