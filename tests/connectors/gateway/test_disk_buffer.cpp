#include <QTemporaryDir>
#include <QtTest>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cityops/connectors/gateway/disk_buffer.h"

using namespace cityops::connectors::gateway;

namespace {

//! A batch of n records numbered from first: key = number, payload = "record <number>" padded to size.
ForwardBatch makeBatch(std::uint64_t first, std::size_t n, std::size_t payloadBytes = 40) {
    ForwardBatch batch;
    batch.topics = {"traffic-events", "air-quality"};
    for (std::size_t i = 0; i < n; ++i) {
        std::string text = "record " + std::to_string(first + i);
        text.resize(payloadBytes, '.');
        batch.add(static_cast<std::uint8_t>((first + i) % 2), static_cast<std::int64_t>(1000 + first + i), first + i,
                  kJsonReadingPayload, std::as_bytes(std::span(text.data(), text.size())));
    }
    return batch;
}

DiskBufferConfig config(const QTemporaryDir& dir, std::uint64_t maxBytes = 1 << 20,
                        FullPolicy policy = FullPolicy::RefuseNew) {
    DiskBufferConfig c;
    c.directory = dir.filePath(QStringLiteral("buffer")).toStdString();
    c.maxBytes = maxBytes;
    c.fullPolicy = policy;
    c.compression = Compression::None;  // the sizes these cases count on are of plain frames (compression: test_compression)
    return c;
}

std::unique_ptr<DiskBuffer> openOrFail(const DiskBufferConfig& c) {
    auto buffer = DiskBuffer::open(c);
    if (!buffer) {
        qWarning("%s", buffer.error().c_str());
        return nullptr;
    }
    return std::move(*buffer);
}

//! Pops every pending batch; returns the keys in order.
std::vector<std::uint64_t> drainKeys(DiskBuffer& buffer) {
    std::vector<std::uint64_t> keys;
    ForwardBatch batch;
    while (!buffer.empty()) {
        auto front = buffer.front(batch);
        if (!front || !*front) break;
        for (const BatchRecord& r : batch.records) {
            keys.push_back(r.key);
        }
        if (!buffer.popFront()) break;
    }
    return keys;
}

std::vector<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
    std::vector<std::uint64_t> v;
    for (std::uint64_t i = from; i < to; ++i) v.push_back(i);
    return v;
}

}  // namespace

//! The gateway's disk buffer: order, round trip of every field, restart at the cursor, torn tails,
//! both full policies, segment rolling and deletion.
class TestDiskBuffer : public QObject {
    Q_OBJECT

private slots:
    void roundTripKeepsEveryFieldAndOrder();
    void restartResumesAfterLastPoppedBatch();
    void tornTailIsCutAndCounted();
    void refuseNewKeepsOldestAndCountsRefused();
    void dropOldestKeepsNewestAndCountsDropped();
    void drainedSegmentsAreDeleted();
    void unusableDirectoryIsAClearError();
    void secondOwnerOfADirectoryIsRefused();
};

void TestDiskBuffer::roundTripKeepsEveryFieldAndOrder() {
    QTemporaryDir dir;
    auto buffer = openOrFail(config(dir));
    QVERIFY(buffer);
    const ForwardBatch original = makeBatch(0, 100);
    auto stored = buffer->append(original);
    QVERIFY(stored && *stored == StoreResult::Stored);
    QVERIFY(buffer->append(makeBatch(100, 50)));
    QCOMPARE(buffer->stats().pendingRecords, 150u);
    QCOMPARE(buffer->stats().pendingBatches, 2u);

    ForwardBatch back;
    auto front = buffer->front(back);
    QVERIFY(front && *front);
    QCOMPARE(back.topics, original.topics);
    QCOMPARE(back.size(), original.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
        const BatchRecord& a = back.records[i];
        const BatchRecord& b = original.records[i];
        QCOMPARE(a.key, b.key);
        QCOMPARE(a.timestampMs, b.timestampMs);
        QCOMPARE(a.flags, b.flags);
        QCOMPARE(a.topic, b.topic);
        QVERIFY(std::ranges::equal(back.payload(a), original.payload(b)));
    }
    QVERIFY(buffer->popFront());
    QCOMPARE(drainKeys(*buffer), range(100, 150));
    QVERIFY(buffer->empty());
    QCOMPARE(buffer->stats().poppedRecords, 150u);
}

void TestDiskBuffer::restartResumesAfterLastPoppedBatch() {
    QTemporaryDir dir;
    DiskBufferConfig c = config(dir);
    c.segmentBytes = 64 << 10;  // several segments
    {
        auto buffer = openOrFail(c);
        QVERIFY(buffer);
        for (std::uint64_t b = 0; b < 40; ++b) QVERIFY(buffer->append(makeBatch(b * 100, 100)));
        QVERIFY(buffer->stats().segments > 3);
        ForwardBatch batch;
        for (int i = 0; i < 13; ++i) {  // pops across a segment boundary
            QVERIFY(buffer->front(batch));
            QVERIFY(buffer->popFront());
        }
    }  // "crash": nothing else is written on close
    auto reopened = openOrFail(c);
    QVERIFY(reopened);
    QCOMPARE(reopened->stats().recoveredRecords, 2700u);
    QCOMPARE(drainKeys(*reopened), range(1300, 4000));
    reopened.reset();
    auto empty = openOrFail(c);
    QVERIFY(empty && empty->empty());
    QCOMPARE(empty->stats().segments, 0u);
}

void TestDiskBuffer::tornTailIsCutAndCounted() {
    QTemporaryDir dir;
    const DiskBufferConfig c = config(dir);
    {
        auto buffer = openOrFail(c);
        QVERIFY(buffer);
        QVERIFY(buffer->append(makeBatch(0, 10)));
        QVERIFY(buffer->append(makeBatch(10, 10)));
    }
    // A crash in the middle of a write leaves half a frame at the end of the last segment.
    std::filesystem::path segment;
    for (const auto& e : std::filesystem::directory_iterator(c.directory)) {
        if (e.path().extension() == ".seg") segment = e.path();
    }
    const auto size = std::filesystem::file_size(segment);
    std::filesystem::resize_file(segment, size - 30);
    {
        std::ofstream garbage(segment, std::ios::app | std::ios::binary);
        garbage << "garbage";
    }
    auto reopened = openOrFail(c);
    QVERIFY(reopened);
    QVERIFY(reopened->stats().truncatedBytes > 0);
    QCOMPARE(drainKeys(*reopened), range(0, 10));
    QVERIFY(reopened->append(makeBatch(20, 5)));  // keeps working after the repair
    QCOMPARE(drainKeys(*reopened), range(20, 25));
}

void TestDiskBuffer::refuseNewKeepsOldestAndCountsRefused() {
    QTemporaryDir dir;
    auto buffer = openOrFail(config(dir, 64 << 10, FullPolicy::RefuseNew));
    QVERIFY(buffer);
    std::uint64_t stored = 0;
    std::uint64_t refused = 0;
    for (std::uint64_t b = 0; b < 100; ++b) {
        auto r = buffer->append(makeBatch(b * 20, 20));
        QVERIFY(r);
        (*r == StoreResult::Stored ? stored : refused) += 20;
        QVERIFY(buffer->stats().bytes <= 64u << 10);
    }
    QVERIFY(refused > 0);
    QCOMPARE(buffer->stats().refusedRecords, refused);
    QCOMPARE(buffer->stats().pendingRecords, stored);
    QCOMPARE(drainKeys(*buffer), range(0, stored));  // the oldest are kept, in order
}

void TestDiskBuffer::dropOldestKeepsNewestAndCountsDropped() {
    QTemporaryDir dir;
    auto buffer = openOrFail(config(dir, 64 << 10, FullPolicy::DropOldest));
    QVERIFY(buffer);
    for (std::uint64_t b = 0; b < 100; ++b) {
        auto r = buffer->append(makeBatch(b * 20, 20));
        QVERIFY(r && *r == StoreResult::Stored);
        QVERIFY(buffer->stats().bytes <= 64u << 10);
    }
    const std::uint64_t dropped = buffer->stats().droppedRecords;
    QVERIFY(dropped > 0);
    QCOMPARE(buffer->stats().pendingRecords + dropped, 2000u);
    QCOMPARE(buffer->stats().refusedRecords, 0u);
    QCOMPARE(drainKeys(*buffer), range(dropped, 2000));  // the newest are kept, in order
}

void TestDiskBuffer::drainedSegmentsAreDeleted() {
    QTemporaryDir dir;
    DiskBufferConfig c = config(dir);
    c.segmentBytes = 64 << 10;
    auto buffer = openOrFail(c);
    QVERIFY(buffer);
    for (std::uint64_t b = 0; b < 30; ++b) QVERIFY(buffer->append(makeBatch(b * 100, 100)));
    const auto countFiles = [&] {
        int n = 0;
        for (const auto& e : std::filesystem::directory_iterator(c.directory)) n += e.path().extension() == ".seg";
        return n;
    };
    QCOMPARE(static_cast<std::uint64_t>(countFiles()), buffer->stats().segments);
    QCOMPARE(drainKeys(*buffer).size(), 3000u);
    QCOMPARE(countFiles(), 0);
    QCOMPARE(buffer->stats().bytes, 0u);
    QVERIFY(buffer->append(makeBatch(5000, 3)));  // a new segment after everything was drained
    QCOMPARE(drainKeys(*buffer), range(5000, 5003));
}

void TestDiskBuffer::unusableDirectoryIsAClearError() {
    QTemporaryDir dir;
    const std::string file = dir.filePath(QStringLiteral("a-file")).toStdString();
    { std::ofstream(file) << "x"; }
    DiskBufferConfig c;
    c.directory = file;
    auto buffer = DiskBuffer::open(c);
    QVERIFY(!buffer);
    QVERIFY2(buffer.error().find("a-file") != std::string::npos, buffer.error().c_str());
}

void TestDiskBuffer::secondOwnerOfADirectoryIsRefused() {
    QTemporaryDir dir;
    auto first = openOrFail(config(dir));
    QVERIFY(first);
    auto second = DiskBuffer::open(config(dir));
    QVERIFY(!second);
    QVERIFY2(second.error().find("in use") != std::string::npos, second.error().c_str());
    first.reset();
    QVERIFY(openOrFail(config(dir)));  // free again once the owner is gone
}

QTEST_GUILESS_MAIN(TestDiskBuffer)
#include "test_disk_buffer.moc"
