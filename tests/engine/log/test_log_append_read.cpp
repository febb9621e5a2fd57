#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <filesystem>
#include <thread>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/event_source.h"
#include "log_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::log;
using namespace cityops::engine::log::test;

namespace {

std::size_t segmentFiles(const std::string& dir, const std::string& topic, int partition) {
    std::size_t n = 0;
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::path(dir) / topic / std::to_string(partition))) {
        n += e.path().extension() == ".log" ? 1 : 0;
    }
    return n;
}

//! Appends count readings of sensor to partition, times start, start+step, ...
Result<AppendResult> appendRun(EventLog& log, const std::string& topic, int partition, std::uint32_t sensor,
                               std::int64_t start, std::int64_t step, int count, std::uint64_t seq0 = 0) {
    Batch batch;
    for (int i = 0; i < count; ++i) {
        batch.add(makeReading(sensor, start + i * step, seq0 + static_cast<std::uint64_t>(i)));
    }
    return log.append(topic, partition, batch.inputs());
}

}  // namespace

//! Appending, reading, replay and restart of the embedded event log.
class TestLogAppendRead : public QObject {
    Q_OBJECT

private slots:
    void roundTripAcrossPartitionsAndRolls();
    void offsetsAreContiguousPerPartition();
    void replayFromOffset();
    void replayFromTimestamp();
    void restartKeepsEveryAcceptedRecord();
    void readerErrorsAndLimits();
    void sinkPartitionsByKeyAndSourceReplays();
    void concurrentReaderSeesConsistentPrefix();
    void intervalPolicySyncsInTheBackground();
};

void TestLogAppendRead::roundTripAcrossPartitionsAndRolls() {
    QTemporaryDir dir;
    auto log = EventLog::open(smallConfig(dir.path().toStdString()));
    QVERIFY2(log.ok(), log.ok() ? "" : log.error().message.c_str());
    for (int p = 0; p < 3; ++p) {
        for (int batch = 0; batch < 20; ++batch) {
            auto r = appendRun(**log, "traffic-events", p, 100 + p, batch * 1000, 10, 9, batch * 9);
            QVERIFY(r.ok());
        }
    }
    for (int p = 0; p < 3; ++p) {
        const auto readings = readAll(**log, "traffic-events", p);
        QCOMPARE(readings.size(), std::size_t{180});
        for (std::size_t i = 0; i < readings.size(); ++i) {
            QCOMPARE(readings[i].sensorId, static_cast<std::uint32_t>(100 + p));
            QCOMPARE(readings[i].seq, static_cast<std::uint64_t>(i));
        }
        // 180 records of 72 bytes in 4 KiB segments: several rolls, each segment within the limit.
        QVERIFY(segmentFiles(dir.path().toStdString(), "traffic-events", p) >= 3);
        for (const auto& e :
             std::filesystem::directory_iterator(dir.path().toStdString() + "/traffic-events/" + std::to_string(p))) {
            if (e.path().extension() == ".log") {
                QVERIFY(e.file_size() <= 4096);
            }
        }
    }
    QVERIFY(readAll(**log, "air-quality", 0).empty());
    QVERIFY(!(*log)->append("nope", 0, {}).ok());
    QVERIFY(!(*log)->append("air-quality", 2, {}).ok());
}

void TestLogAppendRead::offsetsAreContiguousPerPartition() {
    QTemporaryDir dir;
    auto log = EventLog::open(smallConfig(dir.path().toStdString(), 1024));
    QVERIFY(log.ok());
    std::uint64_t expectedNext[2] = {0, 0};
    for (int i = 0; i < 40; ++i) {
        const int p = i % 2;
        const int count = 1 + i % 5;
        auto r = appendRun(**log, "air-quality", p, 7, i * 100, 1, count);
        QVERIFY(r.ok());
        QCOMPARE(r->firstOffset, expectedNext[p]);
        QCOMPARE(r->nextOffset, expectedNext[p] + static_cast<std::uint64_t>(count));
        expectedNext[p] = r->nextOffset;
    }
    for (int p = 0; p < 2; ++p) {
        std::vector<std::uint64_t> offsets;
        readAll(**log, "air-quality", p, 0, &offsets);
        QCOMPARE(offsets.size(), static_cast<std::size_t>(expectedNext[p]));
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            QCOMPARE(offsets[i], static_cast<std::uint64_t>(i));
        }
        auto info = (*log)->info("air-quality", p);
        QVERIFY(info.ok());
        QCOMPARE(info->highWatermark, expectedNext[p]);
        QCOMPARE(info->startOffset, std::uint64_t{0});
    }
}

void TestLogAppendRead::replayFromOffset() {
    QTemporaryDir dir;
    auto log = EventLog::open(smallConfig(dir.path().toStdString(), 1024));
    QVERIFY(log.ok());
    QVERIFY(appendRun(**log, "traffic-events", 1, 5, 0, 10, 200).ok());
    for (std::uint64_t from : {0u, 1u, 13u, 14u, 57u, 100u, 199u, 200u}) {
        std::vector<std::uint64_t> offsets;
        const auto readings = readAll(**log, "traffic-events", 1, from, &offsets);
        QCOMPARE(readings.size(), static_cast<std::size_t>(200 - from));
        if (!readings.empty()) {
            QCOMPARE(offsets.front(), from);
            QCOMPARE(readings.front().seq, from);
        }
    }
    auto reader = (*log)->reader("traffic-events", 1);
    QVERIFY(reader.ok());
    QCOMPARE(reader->seek(5000), std::uint64_t{200});
    QCOMPARE(reader->highWatermark(), std::uint64_t{200});
}

void TestLogAppendRead::replayFromTimestamp() {
    QTemporaryDir dir;
    auto log = EventLog::open(smallConfig(dir.path().toStdString(), 1024));
    QVERIFY(log.ok());
    // Mostly increasing event times with a late record every 10th: seek finds the first offset whose
    // timestamp is >= the target, even when an earlier-offset record is late.
    Batch batch;
    std::vector<std::int64_t> times;
    for (int i = 0; i < 300; ++i) {
        const std::int64_t t = i % 10 == 9 ? i * 100 - 2500 : i * 100;
        times.push_back(t);
        batch.add(makeReading(3, t, static_cast<std::uint64_t>(i)));
    }
    QVERIFY((*log)->append("traffic-events", 0, batch.inputs()).ok());
    auto reader = (*log)->reader("traffic-events", 0);
    QVERIFY(reader.ok());
    for (std::int64_t target : {std::int64_t{-100000}, std::int64_t{0}, std::int64_t{1}, std::int64_t{4150},
                                std::int64_t{12345}, std::int64_t{29800}, std::int64_t{29801}}) {
        std::uint64_t expected = times.size();
        for (std::size_t i = 0; i < times.size(); ++i) {
            if (times[i] >= target) {
                expected = i;
                break;
            }
        }
        auto at = reader->seekToTimestamp(target);
        QVERIFY(at.ok());
        QCOMPARE(*at, expected);
        std::vector<RecordView> views(4);
        std::vector<std::byte> buffer(4096);
        auto read = reader->read(views, buffer);
        QVERIFY(read.ok());
        if (expected < times.size()) {
            QVERIFY(read->count > 0);
            QCOMPARE(views[0].offset, expected);
            QVERIFY(views[0].timestampMs >= target);
        } else {
            QCOMPARE(read->count, std::size_t{0});
        }
    }
}

void TestLogAppendRead::restartKeepsEveryAcceptedRecord() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString();
    {
        auto log = EventLog::open(smallConfig(path, 2048));
        QVERIFY(log.ok());
        for (int i = 0; i < 50; ++i) {
            QVERIFY(appendRun(**log, "traffic-events", i % 3, 9, i * 50, 1, 3, static_cast<std::uint64_t>(i) * 3).ok());
        }
        QVERIFY((*log)->sync().ok());
    }
    {
        auto log = EventLog::open(smallConfig(path, 2048));
        QVERIFY(log.ok());
        QCOMPARE((*log)->openReport().truncatedBytes, std::uint64_t{0});
        QCOMPARE((*log)->openReport().rebuiltIndexes, std::uint64_t{0});
        std::size_t total = 0;
        for (int p = 0; p < 3; ++p) {
            total += readAll(**log, "traffic-events", p).size();
        }
        QCOMPARE(total, std::size_t{150});
        // Appends continue at the recovered offsets.
        auto r = appendRun(**log, "traffic-events", 0, 9, 100000, 1, 2);
        QVERIFY(r.ok());
        QCOMPARE(r->firstOffset, std::uint64_t{51});
    }
    // A sealed segment without its .idx is rebuilt by a verifying scan.
    for (const auto& e : std::filesystem::directory_iterator(path + "/traffic-events/1")) {
        if (e.path().extension() == ".idx") {
            std::filesystem::remove(e.path());
        }
    }
    auto log = EventLog::open(smallConfig(path, 2048));
    QVERIFY(log.ok());
    QVERIFY((*log)->openReport().rebuiltIndexes > 0);
    QCOMPARE(readAll(**log, "traffic-events", 1).size(), std::size_t{51});
    // Timestamp replay works through loaded and rebuilt indexes alike.
    for (int p = 0; p < 3; ++p) {
        auto reader = (*log)->reader("traffic-events", p);
        QVERIFY(reader.ok());
        // Batch i went to partition i % 3 with times 50 i .. 50 i + 2: batches 0..29 put ten batches of
        // three records before time 1500 in every partition.
        auto at = reader->seekToTimestamp(1500);
        QVERIFY(at.ok());
        QCOMPARE(*at, std::uint64_t{30});
        std::vector<RecordView> views(1);
        std::vector<std::byte> buffer(256);
        auto read = reader->read(views, buffer);
        QVERIFY(read.ok() && read->count == 1);
        QCOMPARE(views[0].timestampMs, std::int64_t{1500 + 50 * p});
    }
    // The directory is locked while open.
    QVERIFY(!EventLog::open(smallConfig(path, 2048)).ok());
}

void TestLogAppendRead::readerErrorsAndLimits() {
    QTemporaryDir dir;
    auto config = smallConfig(dir.path().toStdString());
    config.maxPayloadBytes = 64;
    auto log = EventLog::open(config);
    QVERIFY(log.ok());
    std::vector<std::byte> big(65);
    const RecordInput tooBig{1, 1, 0, big};
    auto rejected = (*log)->append("air-quality", 0, std::span(&tooBig, 1));
    QVERIFY(!rejected.ok());
    QCOMPARE(rejected.error().code, LogErrc::InvalidArgument);
    QCOMPARE((*log)->info("air-quality", 0)->highWatermark, std::uint64_t{0});

    QVERIFY(appendRun(**log, "air-quality", 0, 1, 0, 1, 3).ok());
    auto reader = (*log)->reader("air-quality", 0);
    QVERIFY(reader.ok());
    std::vector<RecordView> views(8);
    std::vector<std::byte> tiny(50);
    auto small = reader->read(views, tiny);
    QVERIFY(!small.ok());
    QCOMPARE(small.error().code, LogErrc::BufferTooSmall);
    QCOMPARE(small.error().position, std::uint64_t{40 + sizeof(Reading)});
    std::vector<std::byte> two(2 * (40 + sizeof(Reading)) + 10);
    auto first = reader->read(views, two);
    QVERIFY(first.ok());
    QCOMPARE(first->count, std::size_t{2});
    QCOMPARE(first->nextOffset, std::uint64_t{2});
    QCOMPARE(first->highWatermark, std::uint64_t{3});
    auto rest = reader->read(views, two);
    QVERIFY(rest.ok());
    QCOMPARE(rest->count, std::size_t{1});
    QCOMPARE(views[0].offset, std::uint64_t{2});

    LogConfig bad = config;
    bad.topics.push_back({"air-quality", 1, kDayMs});
    QVERIFY(!EventLog::open(bad).ok());
}

void TestLogAppendRead::sinkPartitionsByKeyAndSourceReplays() {
    QTemporaryDir dir;
    auto log = EventLog::open(smallConfig(dir.path().toStdString(), 2048));
    QVERIFY(log.ok());
    LogEventSink sink(**log);
    Batch batch;
    for (int i = 0; i < 600; ++i) {
        batch.add(makeReading(static_cast<std::uint32_t>(i % 30), i * 10, static_cast<std::uint64_t>(i / 30)));
    }
    QVERIFY(sink.send("traffic-events", batch.inputs()).ok());
    QVERIFY(sink.flush().ok());
    for (int p = 0; p < 3; ++p) {
        auto info = (*log)->info("traffic-events", p);
        QCOMPARE(info->durableOffset, info->highWatermark);
        for (const Reading& r : readAll(**log, "traffic-events", p)) {
            QCOMPARE(partitionForKey(r.sensorId, 3), p);
        }
    }

    auto source = LogEventSource::create(**log, {"traffic-events"}, 4096);
    QVERIFY(source.ok());
    std::vector<SourceRecord> out(50);
    std::map<std::uint32_t, std::uint64_t> nextSeq;
    std::size_t total = 0;
    std::vector<PartitionOffset> checkpoint;
    for (;;) {
        auto n = (*source)->poll(out, std::chrono::milliseconds(0));
        QVERIFY(n.ok());
        if (*n == 0) {
            break;
        }
        for (std::size_t i = 0; i < *n; ++i) {
            QCOMPARE(out[i].topic, std::string_view("traffic-events"));
            const auto r = readingOf(out[i].record);
            QVERIFY(r.has_value());
            QCOMPARE(r->seq, nextSeq[r->sensorId]++);  // per-key order survives partitioning
        }
        total += *n;
        if (total >= 200 && checkpoint.empty()) {
            checkpoint = (*source)->positions();
        }
    }
    QCOMPARE(total, std::size_t{600});
    QCOMPARE(checkpoint.size(), std::size_t{3});

    // Restore the checkpoint: exactly the records after it come again.
    std::uint64_t afterCheckpoint = 0;
    for (const PartitionOffset& po : checkpoint) {
        afterCheckpoint += (*log)->info(po.topic, po.partition)->highWatermark - po.offset;
    }
    QVERIFY((*source)->seek(checkpoint).ok());
    std::size_t replayed = 0;
    while (true) {
        auto n = (*source)->poll(out, std::chrono::milliseconds(0));
        QVERIFY(n.ok());
        if (*n == 0) {
            break;
        }
        replayed += *n;
    }
    QCOMPARE(replayed, static_cast<std::size_t>(afterCheckpoint));
    QVERIFY((*source)->seekToTimestamp(5000).ok());
    auto n = (*source)->poll(out, std::chrono::milliseconds(0));
    QVERIFY(n.ok() && *n > 0);
    for (std::size_t i = 0; i < *n; ++i) {
        QVERIFY(out[i].record.timestampMs >= 5000);
    }

    // poll waits for an append from another thread.
    std::thread producer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        (void)appendRun(**log, "traffic-events", 2, 2, 999999, 1, 1);
    });
    QVERIFY((*source)->seekToTimestamp(999999).ok());
    auto waited = (*source)->poll(out, std::chrono::milliseconds(5000));
    producer.join();
    QVERIFY(waited.ok());
    QCOMPARE(*waited, std::size_t{1});
}

void TestLogAppendRead::concurrentReaderSeesConsistentPrefix() {
    QTemporaryDir dir;
    auto log = EventLog::open(smallConfig(dir.path().toStdString(), 8192));
    QVERIFY(log.ok());
    constexpr int kBatches = 400;
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (int b = 0; b < kBatches; ++b) {
            (void)appendRun(**log, "air-quality", 1, 11, b * 10, 1, 1 + b % 7, 0);
        }
        done = true;
    });
    auto reader = (*log)->reader("air-quality", 1);
    QVERIFY(reader.ok());
    std::vector<RecordView> views(16);
    std::vector<std::byte> buffer(2048);
    std::uint64_t expected = 0;
    bool ok = true;
    for (;;) {
        const bool finished = done.load();
        auto batch = reader->read(views, buffer);
        if (!batch.ok()) {
            ok = false;
            break;
        }
        for (std::size_t i = 0; i < batch->count; ++i) {
            ok = ok && views[i].offset == expected++ && readingOf(views[i]).has_value();
        }
        ok = ok && batch->nextOffset <= batch->highWatermark;
        if (finished && batch->count == 0) {
            break;
        }
    }
    writer.join();
    QVERIFY(ok);
    QCOMPARE(expected, (*log)->info("air-quality", 1)->highWatermark);
}

void TestLogAppendRead::intervalPolicySyncsInTheBackground() {
    QTemporaryDir dir;
    auto config = smallConfig(dir.path().toStdString());
    config.syncPolicy = SyncPolicy::Interval;
    config.syncInterval = std::chrono::milliseconds(20);
    auto log = EventLog::open(config);
    QVERIFY(log.ok());
    QVERIFY(appendRun(**log, "air-quality", 0, 1, 0, 1, 5).ok());
    QTRY_COMPARE_WITH_TIMEOUT((*log)->info("air-quality", 0)->durableOffset, std::uint64_t{5}, 5000);
    QVERIFY(!(*log)->backgroundSyncError().has_value());
}

QTEST_GUILESS_MAIN(TestLogAppendRead)
#include "test_log_append_read.moc"
