#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>

#include "cityops/engine/log/event_log.h"
#include "log_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::log;
using namespace cityops::engine::log::test;

namespace {

constexpr std::uint64_t kRecordBytes = 40 + sizeof(Reading);

std::vector<std::filesystem::path> segments(const std::string& dir, const std::string& topic, int partition) {
    std::vector<std::filesystem::path> out;
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(dir) / topic / std::to_string(partition))) {
        if (e.path().extension() == ".log") {
            out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void fill(const std::string& dir, std::uint64_t segmentBytes, int records, int partition = 0) {
    auto log = EventLog::open(smallConfig(dir, segmentBytes));
    QVERIFY(log.ok());
    Batch batch;
    for (int i = 0; i < records; ++i) {
        batch.add(makeReading(4, i * 10, static_cast<std::uint64_t>(i)));
    }
    QVERIFY((*log)->append("traffic-events", partition, batch.inputs()).ok());
}

void flipByte(const std::filesystem::path& file, std::uint64_t position) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(position));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(static_cast<std::streamoff>(position));
    f.write(&c, 1);
}

}  // namespace

//! Crash recovery, corruption reports and retention of the embedded event log.
class TestLogRecovery : public QObject {
    Q_OBJECT

private slots:
    void tornRecordIsTruncatedOnReopen();
    void trailingGarbageIsTruncatedOnReopen();
    void corruptRecordInSealedSegmentIsReported();
    void corruptRecordInsideActiveSegmentFailsOpen();
    void retentionDeletesExactlyExpiredSegments();
    void killedWriterLosesNoAcknowledgedRecord();
};

void TestLogRecovery::tornRecordIsTruncatedOnReopen() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    fill(path, 1 << 20, 30);
    const auto file = segments(path, "traffic-events", 0).back();
    std::filesystem::resize_file(file, 30 * kRecordBytes - 10);  // the last record cut mid-payload

    auto log = EventLog::open(smallConfig(path, 1 << 20));
    QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
    const OpenReport& report = (*log)->openReport();
    QCOMPARE(report.truncated.size(), std::size_t{1});
    QCOMPARE(report.truncated[0].bytes, kRecordBytes - 10);
    QCOMPARE(report.truncated[0].path, file.string());
    QCOMPARE(report.truncated[0].partition, 0);
    QCOMPARE(std::filesystem::file_size(file), 29 * kRecordBytes);
    const auto readings = readAll(**log, "traffic-events", 0);
    QCOMPARE(readings.size(), std::size_t{29});
    Batch more;
    more.add(makeReading(4, 1, 99));
    auto r = (*log)->append("traffic-events", 0, more.inputs());
    QVERIFY(r.ok());
    QCOMPARE(r->firstOffset, std::uint64_t{29});
}

void TestLogRecovery::trailingGarbageIsTruncatedOnReopen() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    fill(path, 1 << 20, 12);
    const auto file = segments(path, "traffic-events", 0).back();
    {
        std::ofstream out(file, std::ios::binary | std::ios::app);
        for (int i = 0; i < 100; ++i) {
            out.put(static_cast<char>(i * 37 + 11));
        }
    }
    auto log = EventLog::open(smallConfig(path, 1 << 20));
    QVERIFY(log.ok());
    QCOMPARE((*log)->openReport().truncatedBytes, std::uint64_t{100});
    QCOMPARE(readAll(**log, "traffic-events", 0).size(), std::size_t{12});
}

void TestLogRecovery::corruptRecordInSealedSegmentIsReported() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    fill(path, 10 * kRecordBytes, 35);
    const auto files = segments(path, "traffic-events", 0);
    QCOMPARE(files.size(), std::size_t{4});
    flipByte(files[1], 3 * kRecordBytes + 50);  // payload of offset 13

    {
        auto log = EventLog::open(smallConfig(path, 10 * kRecordBytes));
        QVERIFY(log.ok());  // sealed segments are trusted through their index on open ...
        auto reader = (*log)->reader("traffic-events", 0);
        QVERIFY(reader.ok());
        std::vector<RecordView> views(100);
        std::vector<std::byte> buffer(1 << 16);
        std::size_t good = 0;
        Result<ReadBatch> batch = ReadBatch{};
        while ((batch = reader->read(views, buffer)).ok() && batch->count > 0) {
            good += batch->count;
        }
        QVERIFY(!batch.ok());  // ... and the reader reports the damage instead of skipping it
        QCOMPARE(good, std::size_t{13});
        QCOMPARE(reader->position(), std::uint64_t{13});
        QCOMPARE(batch.error().code, LogErrc::Corrupt);
        QCOMPARE(batch.error().path, files[1].string());
        QCOMPARE(batch.error().position, 3 * kRecordBytes);
        QCOMPARE(batch.error().offset, std::uint64_t{13});
        QVERIFY(batch.error().message.find(files[1].string()) != std::string::npos);
    }
    // Without its index the sealed segment is scanned on open, and open fails naming it.
    std::filesystem::path idx = files[1];
    std::filesystem::remove(idx.replace_extension(".idx"));
    auto log = EventLog::open(smallConfig(path, 10 * kRecordBytes));
    QVERIFY(!log.ok());
    QCOMPARE(log.error().code, LogErrc::Corrupt);
    QCOMPARE(log.error().path, files[1].string());
    QCOMPARE(log.error().position, 3 * kRecordBytes);
}

void TestLogRecovery::corruptRecordInsideActiveSegmentFailsOpen() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    fill(path, 1 << 20, 20);
    const auto file = segments(path, "traffic-events", 0).back();
    flipByte(file, 5 * kRecordBytes + 45);
    auto log = EventLog::open(smallConfig(path, 1 << 20));
    QVERIFY(!log.ok());
    QCOMPARE(log.error().code, LogErrc::Corrupt);
    QCOMPARE(log.error().path, file.string());
    QCOMPARE(log.error().position, 5 * kRecordBytes);
    QCOMPARE(log.error().offset, std::uint64_t{5});
    QCOMPARE(std::filesystem::file_size(file), 20 * kRecordBytes);  // nothing was cut
}

void TestLogRecovery::retentionDeletesExactlyExpiredSegments() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    auto log = EventLog::open(smallConfig(path, 10 * kRecordBytes));
    QVERIFY(log.ok());
    // Ten segments of ten records each; segment d holds day d (newest timestamp d days + 9 ms).
    for (const char* topic : {"traffic-events", "air-quality"}) {
        for (int day = 0; day < 10; ++day) {
            Batch batch;
            for (int i = 0; i < 10; ++i) {
                batch.add(makeReading(1, day * kDayMs + i, static_cast<std::uint64_t>(day * 10 + i)));
            }
            QVERIFY((*log)->append(topic, 0, batch.inputs()).ok());
        }
    }
    auto oldReader = (*log)->reader("traffic-events", 0);
    QVERIFY(oldReader.ok());
    QCOMPARE(segments(path, "traffic-events", 0).size(), std::size_t{10});

    // traffic-events keeps 7 days: at day 12 + 5 ms the cutoff is day 5 + 5 ms, so days 0..4 go.
    auto report = (*log)->enforceRetention(12 * kDayMs + 5);
    QVERIFY(report.ok());
    QCOMPARE(report->deleted.size(), std::size_t{5});
    for (std::size_t d = 0; d < 5; ++d) {
        QCOMPARE(report->deleted[d].topic, std::string("traffic-events"));
        QCOMPARE(report->deleted[d].baseOffset, d * 10);
        QCOMPARE(report->deleted[d].endOffset, d * 10 + 10);
        QCOMPARE(report->deleted[d].maxTimestampMs, static_cast<std::int64_t>(d) * kDayMs + 9);
        QVERIFY(!std::filesystem::exists(report->deleted[d].path));
    }
    QCOMPARE(segments(path, "traffic-events", 0).size(), std::size_t{5});
    QCOMPARE(segments(path, "air-quality", 0).size(), std::size_t{10});
    QCOMPARE((*log)->info("traffic-events", 0)->startOffset, std::uint64_t{50});
    QVERIFY((*log)->enforceRetention(12 * kDayMs + 5)->deleted.empty());

    // A reader left behind jumps to the new start and says how much it missed.
    std::vector<RecordView> views(100);
    std::vector<std::byte> buffer(1 << 16);
    auto batch = oldReader->read(views, buffer);
    QVERIFY(batch.ok());
    QCOMPARE(batch->skipped, std::uint64_t{50});
    QCOMPARE(views[0].offset, std::uint64_t{50});
    QCOMPARE(batch->count, std::size_t{50});

    // Much later everything sealed is gone, the active segment stays; a reopen starts at its base.
    report = (*log)->enforceRetention(1000 * kDayMs);
    QVERIFY(report.ok());
    QCOMPARE(report->deleted.size(), std::size_t{4 + 9});
    log = LogError{};
    log = EventLog::open(smallConfig(path, 10 * kRecordBytes));
    QVERIFY(log.ok());
    QCOMPARE((*log)->info("traffic-events", 0)->startOffset, std::uint64_t{90});
    QCOMPARE(readAll(**log, "air-quality", 0).size(), std::size_t{10});
}

void TestLogRecovery::killedWriterLosesNoAcknowledgedRecord() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    int ack[2];
    QVERIFY(::pipe(ack) == 0);
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
        ::close(ack[0]);
        auto config = smallConfig(path, 64 * 1024);
        config.syncPolicy = SyncPolicy::EveryAppend;
        auto log = EventLog::open(config);
        if (!log.ok()) {
            ::_exit(2);
        }
        for (std::uint64_t seq = 0;;) {
            Batch batch;
            for (int i = 0; i < 257; ++i, ++seq) {  // 18.5 KB per write: kills often land mid-write
                batch.add(makeReading(8, static_cast<std::int64_t>(seq), seq));
            }
            auto r = (*log)->append("air-quality", 1, batch.inputs());
            if (!r.ok() || ::write(ack[1], &r->nextOffset, sizeof r->nextOffset) != sizeof r->nextOffset) {
                ::_exit(3);
            }
        }
    }
    ::close(ack[1]);
    std::uint64_t acknowledged = 0;
    bool killed = false;
    std::uint64_t value = 0;
    while (::read(ack[0], &value, sizeof value) == sizeof value) {
        acknowledged = value;
        if (!killed && acknowledged >= 20000) {
            ::kill(child, SIGKILL);
            killed = true;
        }
    }
    ::close(ack[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    QVERIFY(killed);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    auto log = EventLog::open(smallConfig(path, 64 * 1024));
    QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
    const auto info = (*log)->info("air-quality", 1);
    QVERIFY(info->highWatermark >= acknowledged);
    std::vector<std::uint64_t> offsets;
    const auto readings = readAll(**log, "air-quality", 1, 0, &offsets);
    QCOMPARE(readings.size(), static_cast<std::size_t>(info->highWatermark));
    for (std::size_t i = 0; i < readings.size(); ++i) {
        QCOMPARE(offsets[i], static_cast<std::uint64_t>(i));
        QCOMPARE(readings[i].seq, static_cast<std::uint64_t>(i));
    }
    qInfo("acknowledged %llu, recovered %llu, torn bytes cut %llu", static_cast<unsigned long long>(acknowledged),
          static_cast<unsigned long long>(info->highWatermark),
          static_cast<unsigned long long>((*log)->openReport().truncatedBytes));
}

QTEST_GUILESS_MAIN(TestLogRecovery)
#include "test_log_recovery.moc"
