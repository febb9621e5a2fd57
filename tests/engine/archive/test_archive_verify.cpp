#include <sqlite3.h>
#include <zlib.h>

#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "archive_test_support.h"

using namespace archive_test;

namespace {

constexpr std::int64_t kAll = std::numeric_limits<std::int64_t>::max();

//! An archive of 4 hour files of 100 readings each.
std::filesystem::path makeArchive(const QTemporaryDir& dir) {
    const auto root = std::filesystem::path(dir.path().toStdString());
    std::vector<Reading> readings;
    for (int h = 0; h < 4; ++h) {
        for (int i = 0; i < 100; ++i) {
            readings.push_back(reading(static_cast<std::uint32_t>(i), kMarch5 + h * kHour + i * 1000, 400.0 + i));
        }
    }
    auto writer = ArchiveWriter::open(optionsFor(root));
    if (!writer || !(*writer)->append(recordsOf("air-quality", readings)).ok() || !(*writer)->flush().ok()) {
        return {};
    }
    return root;
}

std::vector<ArchiveFileInfo> indexed(const std::filesystem::path& root) {
    return *(*ArchiveReader::open(root))->files("", std::numeric_limits<std::int64_t>::min(), kAll);
}

void flipByte(const std::filesystem::path& path, std::uintmax_t at) {
    QFile f(QString::fromStdString(path.string()));
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.seek(static_cast<qint64>(at)));
    char c = 0;
    QVERIFY(f.getChar(&c));
    QVERIFY(f.seek(static_cast<qint64>(at)));
    QVERIFY(f.putChar(static_cast<char>(c ^ 0x10)));
}

}  // namespace

class TestArchiveVerify : public QObject {
    Q_OBJECT

private slots:
    void aSoundArchiveVerifies() {
        QTemporaryDir dir;
        const auto root = makeArchive(dir);
        QVERIFY(!root.empty());
        auto report = (*ArchiveReader::open(root))->verify();
        QVERIFY(report.ok());
        QVERIFY(report->ok());
        QCOMPARE(report->filesChecked, std::uint64_t{4});
        QCOMPARE(report->recordsChecked, std::uint64_t{400});
        QVERIFY((*ArchiveReader::open(root))->verify("air-quality")->ok());
    }

    void aCorruptedFileIsReportedAndReplayStopsAtIt() {
        QTemporaryDir dir;
        const auto root = makeArchive(dir);
        const auto files = indexed(root);
        QCOMPARE(files.size(), std::size_t{4});
        const ArchiveFileInfo& victim = files[2];
        flipByte(root / victim.path, victim.bytes / 2);

        auto report = (*ArchiveReader::open(root))->verify();
        QVERIFY(report.ok());
        QCOMPARE(report->problems.size(), std::size_t{1});
        QCOMPARE(report->problems[0].kind, ProblemKind::CrcMismatch);
        QCOMPARE(report->problems[0].path, victim.path);
        QVERIFY2(report->problems[0].message.find("CRC-32") != std::string::npos, report->problems[0].message.c_str());

        // Replay delivers the two sound files before it, then fails naming the file, every time it is asked.
        auto source = ArchiveEventSource::create(root, {"air-quality"}, 0, kAll);
        QVERIFY(source.ok());
        std::string error;
        const auto delivered = drain(**source, &error);
        QCOMPARE(delivered.size(), std::size_t{200});
        QVERIFY2(error.find(victim.path) != std::string::npos, error.c_str());
        std::vector<log::SourceRecord> buf(10);
        auto again = (*source)->poll(buf, std::chrono::milliseconds(0));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, log::LogErrc::Corrupt);
        QVERIFY(!(*source)->exhausted());
    }

    void truncatedMissingAndUnindexedFilesAreReported() {
        QTemporaryDir dir;
        const auto root = makeArchive(dir);
        const auto files = indexed(root);
        std::filesystem::resize_file(root / files[0].path, files[0].bytes - 7);
        std::filesystem::remove(root / files[1].path);
        const auto stray = (root / files[3].path).parent_path() / "part-0000000000000-999999.jsonl.gz";
        std::filesystem::copy_file(root / files[3].path, stray);

        auto report = (*ArchiveReader::open(root))->verify();
        QVERIFY(report.ok());
        QCOMPARE(report->problems.size(), std::size_t{3});
        std::map<ProblemKind, std::string> byKind;
        for (const auto& p : report->problems) {
            byKind[p.kind] = p.path;
        }
        QCOMPARE(byKind[ProblemKind::SizeMismatch], files[0].path);
        QCOMPARE(byKind[ProblemKind::Missing], files[1].path);
        QVERIFY(byKind[ProblemKind::Unindexed].ends_with("part-0000000000000-999999.jsonl.gz"));
    }

    void contentThatDisagreesWithTheIndexIsReported() {
        QTemporaryDir dir;
        const auto root = makeArchive(dir);
        const auto files = indexed(root);
        // Replace a file with a well-formed gzip whose CRC the index is told, but whose lines are wrong.
        const std::string junk = "{\"ts\":1,\"topic\":\"air-quality\",\"payload\":\"x\"}\nnot json at all\n";
        const auto path = root / files[0].path;
        gzFile gz = gzopen(path.c_str(), "wb");
        QVERIFY(gz != nullptr);
        QCOMPARE(gzwrite(gz, junk.data(), static_cast<unsigned>(junk.size())), static_cast<int>(junk.size()));
        QCOMPARE(gzclose(gz), Z_OK);
        QByteArray bytes;
        {
            QFile f(QString::fromStdString(path.string()));
            QVERIFY(f.open(QIODevice::ReadOnly));
            bytes = f.readAll();
        }
        const auto crc = crc32(0, reinterpret_cast<const Bytef*>(bytes.constData()), static_cast<uInt>(bytes.size()));
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open((root / "_index.db").c_str(), &db), SQLITE_OK);
        const std::string sql = "UPDATE archive_files SET crc32 = " + std::to_string(crc) +
                                ", bytes = " + std::to_string(bytes.size()) + " WHERE path = '" + files[0].path + "'";
        QCOMPARE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);

        auto report = (*ArchiveReader::open(root))->verify();
        QVERIFY(report.ok());
        QCOMPARE(report->problems.size(), std::size_t{1});
        QCOMPARE(report->problems[0].kind, ProblemKind::BadContent);
        QVERIFY2(report->problems[0].message.find("line") != std::string::npos, report->problems[0].message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestArchiveVerify)
#include "test_archive_verify.moc"
