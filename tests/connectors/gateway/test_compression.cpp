#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <vector>

#include "cityops/connectors/gateway/batch_frame.h"
#include "cityops/connectors/gateway/disk_buffer.h"
#include "cityops/engine/log/crc32c.h"
#include "gateway_test_support.h"

using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using cityops::engine::Reading;
using cityops::engine::log::LogEventSink;

namespace {

constexpr int kWaitMs = 15000;

//! n records numbered from first as JSON-like text (compressible, like the sensors' lines), topics alternating.
ForwardBatch makeBatch(std::uint64_t first, std::size_t n) {
    ForwardBatch batch;
    batch.topics = {"traffic-events", "air-quality"};
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t k = first + i;
        const std::string text = "{\"sensor_id\":" + std::to_string(k % 500) + ",\"type\":\"traffic\",\"metric\":\"speed\"," +
                                 "\"value\":" + std::to_string(30 + k % 17) + ".5,\"event_id\":\"" + std::to_string(k) + "\"}";
        batch.add(static_cast<std::uint8_t>(k % 2), static_cast<std::int64_t>(1'000'000 + k), k, kJsonReadingPayload,
                  std::as_bytes(std::span(text.data(), text.size())));
    }
    return batch;
}

bool sameBatch(const ForwardBatch& a, const ForwardBatch& b) {
    if (a.topics != b.topics || a.records.size() != b.records.size()) return false;
    for (std::size_t i = 0; i < a.records.size(); ++i) {
        const BatchRecord& x = a.records[i];
        const BatchRecord& y = b.records[i];
        const auto px = a.payload(x);
        const auto py = b.payload(y);
        if (x.timestampMs != y.timestampMs || x.key != y.key || x.flags != y.flags || x.topic != y.topic ||
            px.size() != py.size() || std::memcmp(px.data(), py.data(), px.size()) != 0) {
            return false;
        }
    }
    return true;
}

//! The frame format of the version before compression ("CGB1", no codec byte), written by hand.
std::vector<std::byte> v1Frame(const ForwardBatch& batch) {
    std::vector<std::byte> frame(16);
    auto put = [&frame](const void* data, std::size_t size) {
        const std::size_t at = frame.size();
        frame.resize(at + size);
        std::memcpy(frame.data() + at, data, size);
    };
    const auto topics = static_cast<std::uint8_t>(batch.topics.size());
    put(&topics, 1);
    for (const std::string& topic : batch.topics) {
        const auto length = static_cast<std::uint8_t>(topic.size());
        put(&length, 1);
        put(topic.data(), topic.size());
    }
    for (const BatchRecord& r : batch.records) {
        put(&r.timestampMs, 8);
        put(&r.key, 8);
        put(&r.flags, 4);
        put(&r.size, 4);
        put(&r.topic, 1);
        put(batch.bytes.data() + r.offset, r.size);
    }
    const std::uint32_t magic = kFrameMagicV1;
    const auto bodySize = static_cast<std::uint32_t>(frame.size() - 16);
    const auto count = static_cast<std::uint32_t>(batch.records.size());
    std::memcpy(frame.data(), &magic, 4);
    std::memcpy(frame.data() + 8, &bodySize, 4);
    std::memcpy(frame.data() + 12, &count, 4);
    const std::uint32_t crc = cityops::engine::log::crc32c(frame.data() + 8, frame.size() - 8);
    std::memcpy(frame.data() + 4, &crc, 4);
    return frame;
}

DiskBufferConfig bufferConfig(const std::filesystem::path& directory, Compression compression) {
    DiskBufferConfig c;
    c.directory = directory;
    c.maxBytes = 8 << 20;
    c.compression = compression;
    return c;
}

//! Every pending batch's keys in order; corrupt frames are skipped (as the gateway does).
std::vector<std::uint64_t> drainKeys(DiskBuffer& buffer, int& corruptFronts) {
    std::vector<std::uint64_t> keys;
    ForwardBatch batch;
    while (!buffer.empty()) {
        auto front = buffer.front(batch);
        if (!front) {
            ++corruptFronts;
        } else {
            for (const BatchRecord& r : batch.records) keys.push_back(r.key);
        }
        if (!buffer.popFront()) break;
    }
    return keys;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t k = first; k < last; ++k) out.push_back(k);
    return out;
}

//! Event ids of `expected` unpacked from packed records in the log; "" or what is wrong.
QString checkPackedLog(const cityops::engine::log::EventLog& log, const std::vector<Reading>& expected) {
    std::vector<LoggedReading> unpacked;
    BatchFrameCodec codec;
    ForwardBatch batch;
    cityops::engine::stream::ReadingDecoder decoder;
    std::vector<cityops::engine::log::RecordView> views(256);
    std::vector<std::byte> buffer(8 << 20);
    for (const auto& topic : log.config().topics) {
        for (int p = 0; p < topic.partitions; ++p) {
            auto reader = log.reader(topic.name, p);
            if (!reader) continue;
            for (;;) {
                auto read = reader->read(views, buffer);
                if (!read || read->count == 0) break;
                for (std::size_t i = 0; i < read->count; ++i) {
                    std::string error;
                    if (!unpackBatchRecord(codec, views[i].flags, views[i].payload, batch, error)) {
                        return QStringLiteral("a packed record does not unpack: %1").arg(QString::fromStdString(error));
                    }
                    for (const BatchRecord& r : batch.records) {
                        if (batch.topics[r.topic] != topic.name) return QStringLiteral("record in the wrong topic");
                        LoggedReading l;
                        l.topic = topic.name;
                        l.error = decoder.decode(batch.payload(r), INT64_MIN, l.decoded);
                        unpacked.push_back(l);
                    }
                }
            }
        }
    }
    return checkExactlyOnceInOrder(unpacked, expected);
}

}  // namespace

//! Compressed batch frames: the codec, buffers of older versions, damaged frames, and the gateway's
//! outage and packed forwarding with compression on.
class TestCompression : public QObject {
    Q_OBJECT

private slots:
    void codecRoundTripsEveryField();
    void uncompressedBufferDrainsAfterUpgrade();
    void corruptCompressedFrameIsSkippedAndCounted();
    void gatewayCountsACorruptBufferedFrameAndForwardsTheRest();
    void outageDrainsWithZeroLossWhenCompressed();
    void packedForwardsUnpackToEveryReading();
};

void TestCompression::codecRoundTripsEveryField() {
    const ForwardBatch batch = makeBatch(0, 1000);
    for (Compression compression : {Compression::None, Compression::Zlib}) {
        BatchFrameCodec codec(compression);
        std::vector<std::byte> frame;
        codec.encode(batch, frame);
        FrameHeader header;
        QVERIFY(parseFrameHeader(frame, header));
        QCOMPARE(header.version, 2u);
        QVERIFY(header.compression == compression);
        QCOMPARE(header.records, 1000u);
        QCOMPARE(header.frameBytes(), frame.size());
        ForwardBatch back;
        std::string error;
        QVERIFY2(codec.decode(frame, back, error), error.c_str());
        QVERIFY(sameBatch(batch, back));
        if (compression == Compression::Zlib) {
            QVERIFY2(codec.lastRawBytes() > 3 * codec.lastFrameBytes(), "JSON lines compress at least 3x");
        } else {
            QCOMPARE(header.rawBytes, header.storedBytes);
        }
        // One topic only (packed forwarding): the other topic's records are left out.
        codec.encode(batch, frame, 1);
        QVERIFY2(codec.decode(frame, back, error), error.c_str());
        QCOMPARE(back.size(), 500u);
        for (const BatchRecord& r : back.records) QCOMPARE(r.topic, std::uint8_t{1});
    }
    // Incompressible bodies are stored as they are, and say so.
    ForwardBatch noise;
    noise.topics = {"t"};
    std::vector<std::byte> random(4096);
    std::uint32_t x = 12345;
    for (auto& b : random) b = static_cast<std::byte>((x = x * 1664525 + 1013904223) >> 24);
    noise.add(0, 1, 1, 0, random);
    BatchFrameCodec codec(Compression::Zlib);
    std::vector<std::byte> frame;
    codec.encode(noise, frame);
    FrameHeader header;
    QVERIFY(parseFrameHeader(frame, header));
    QVERIFY(header.compression == Compression::None);
    // A v1 frame (no codec byte) decodes too, and a bad codec byte is refused.
    ForwardBatch back;
    std::string error;
    QVERIFY2(codec.decode(v1Frame(batch), back, error), error.c_str());
    QVERIFY(sameBatch(batch, back));
    codec.encode(batch, frame);
    frame[16] = std::byte{7};
    QVERIFY(!parseFrameHeader(frame, header));
    QVERIFY(!codec.decode(frame, back, error));
}

void TestCompression::uncompressedBufferDrainsAfterUpgrade() {
    QTemporaryDir dir;
    const std::filesystem::path buffer = dir.filePath(QStringLiteral("buffer")).toStdString();
    std::filesystem::create_directories(buffer);
    {
        // A segment as the version before compression wrote it: three v1 frames.
        std::ofstream segment(buffer / "00000000000000000000.seg", std::ios::binary);
        for (std::uint64_t first : {0u, 100u, 200u}) {
            const auto frame = v1Frame(makeBatch(first, 100));
            segment.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
        }
    }
    {
        // Then an uncompressed v2 buffer (--compression none) adds a batch.
        auto plain = DiskBuffer::open(bufferConfig(buffer, Compression::None));
        QVERIFY2(plain, plain ? "" : plain.error().c_str());
        QCOMPARE((*plain)->stats().recoveredRecords, 300u);
        QVERIFY((*plain)->append(makeBatch(300, 100)));
        QCOMPARE((*plain)->stats().rawBytes, (*plain)->stats().storedBytes);
    }
    // The upgraded gateway (zlib) recovers all of it, appends compressed frames behind it, drains in order.
    auto upgraded = DiskBuffer::open(bufferConfig(buffer, Compression::Zlib));
    QVERIFY2(upgraded, upgraded ? "" : upgraded.error().c_str());
    QCOMPARE((*upgraded)->stats().recoveredRecords, 400u);
    QCOMPARE((*upgraded)->stats().truncatedBytes, 0u);
    QVERIFY((*upgraded)->append(makeBatch(400, 100)));
    QVERIFY((*upgraded)->stats().rawBytes > 3 * (*upgraded)->stats().storedBytes);
    int corrupt = 0;
    QCOMPARE(drainKeys(**upgraded, corrupt), range(0, 500));
    QCOMPARE(corrupt, 0);
    QCOMPARE((*upgraded)->stats().corruptFrames, 0u);
}

void TestCompression::corruptCompressedFrameIsSkippedAndCounted() {
    QTemporaryDir dir;
    const std::filesystem::path buffer = dir.filePath(QStringLiteral("buffer")).toStdString();
    std::uint64_t secondAt = 0;
    std::uint64_t secondBytes = 0;
    {
        auto b = DiskBuffer::open(bufferConfig(buffer, Compression::Zlib));
        QVERIFY(b);
        QVERIFY((*b)->append(makeBatch(0, 100)));
        secondAt = (*b)->stats().bytes;
        QVERIFY((*b)->append(makeBatch(100, 100)));
        secondBytes = (*b)->stats().bytes - secondAt;
        QVERIFY((*b)->append(makeBatch(200, 100)));
    }
    {
        // Flip bytes in the middle of the second frame's compressed body (its header stays sound).
        std::fstream segment(buffer / "00000000000000000000.seg", std::ios::binary | std::ios::in | std::ios::out);
        segment.seekp(static_cast<std::streamoff>(secondAt + kFrameHeaderV2 + (secondBytes - kFrameHeaderV2) / 2));
        segment.write("\xff\x00\xff\x00", 4);
    }
    auto b = DiskBuffer::open(bufferConfig(buffer, Compression::Zlib));
    QVERIFY(b);
    QCOMPARE((*b)->stats().recoveredRecords, 300u);  // the frames after the damaged one are kept
    QCOMPARE((*b)->stats().truncatedBytes, 0u);
    ForwardBatch batch;
    QVERIFY((*b)->front(batch) && (*b)->popFront());
    auto damaged = (*b)->front(batch);
    QVERIFY(!damaged);
    QVERIFY2(damaged.error().find("corrupt frame") != std::string::npos, damaged.error().c_str());
    QVERIFY((*b)->popFront());
    QCOMPARE((*b)->stats().corruptFrames, 1u);
    QCOMPARE((*b)->stats().corruptRecords, 100u);
    auto third = (*b)->front(batch);
    QVERIFY(third && *third);
    QCOMPARE(batch.records.front().key, 200u);
    QVERIFY((*b)->popFront());
    QVERIFY((*b)->empty());
}

void TestCompression::gatewayCountsACorruptBufferedFrameAndForwardsTheRest() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(200, 6), 1);
    const std::size_t third = mine.size() / 3;
    GatewayConfig config = loopbackConfig(1, dir);
    config.batchRecords = third;
    config.linger = std::chrono::milliseconds(2000);
    {
        // First run: upstream down the whole time, so three full batches go to the disk buffer.
        auto log = openLog(dir.filePath(QStringLiteral("log")));
        auto flaky = std::make_unique<FlakySink>(std::make_unique<LogEventSink>(*log));
        flaky->down = true;
        auto gateway = Gateway::start(config, std::move(flaky));
        QVERIFY(gateway);
        auto sender = connectSender(Transport::Tcp, (*gateway)->tcpPort());
        QVERIFY(sender && sender->send(std::span(mine).first(3 * third)) && sender->flush());
        QTRY_COMPARE_WITH_TIMEOUT((*gateway)->stats().bufferPending, 3 * third, kWaitMs);
        (*gateway)->stop();
        QVERIFY((*gateway)->stats().compressionRatio() > 3.0);
        QVERIFY((*gateway)->stats().bytesSaved() > 0);
    }
    // Damage the middle of the segment file: inside the second frame's compressed body.
    const std::filesystem::path segment =
        std::filesystem::path(config.buffer.directory) / "00000000000000000000.seg";
    const auto size = std::filesystem::file_size(segment);
    {
        std::fstream file(segment, std::ios::binary | std::ios::in | std::ios::out);
        file.seekp(static_cast<std::streamoff>(size / 2));
        file.write("\x55\xaa\x55\xaa", 4);
    }
    auto log = openLog(dir.filePath(QStringLiteral("log")));
    auto gateway = Gateway::start(config, std::make_unique<LogEventSink>(*log));
    QVERIFY(gateway);
    QCOMPARE((*gateway)->stats().bufferRecovered, 3 * third);
    QTRY_COMPARE_WITH_TIMEOUT((*gateway)->stats().bufferPending, 0u, kWaitMs);
    (*gateway)->stop();
    const GatewayStats stats = (*gateway)->stats();
    // One damaged frame is lost (a batch of `third` records unless a linger split the input); the
    // frames before and after it are forwarded, each reading once.
    QVERIFY(stats.bufferCorrupt > 0 && stats.bufferCorrupt < 3 * third);
    QCOMPARE(stats.bufferFailed, stats.bufferCorrupt);
    QCOMPARE(stats.forwarded + stats.bufferCorrupt, 3 * third);
    QVERIFY2(stats.lastUpstreamError.find("corrupt frame") != std::string::npos, stats.lastUpstreamError.c_str());
    QVERIFY(toJson(stats).find("\"buffer_corrupt\":" + std::to_string(stats.bufferCorrupt)) != std::string::npos);
    const std::vector<LoggedReading> logged = readLog(*log);
    QCOMPARE(logged.size(), stats.forwarded);
    std::set<std::pair<std::uint64_t, int>> sent;
    for (std::size_t i = 0; i < 3 * third; ++i) sent.insert({eventIdOf(mine[i]), static_cast<int>(mine[i].metric)});
    std::set<std::pair<std::uint64_t, int>> seen;
    for (const LoggedReading& l : logged) {
        const std::pair<std::uint64_t, int> id{l.decoded.eventId, static_cast<int>(l.decoded.reading.metric)};
        QVERIFY(sent.count(id) == 1);
        QVERIFY2(seen.insert(id).second, "a reading was forwarded twice");
    }
}

void TestCompression::outageDrainsWithZeroLossWhenCompressed() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(400, 10), 1);
    GatewayConfig config = loopbackConfig(1, dir);
    config.compression = Compression::Zlib;
    FlakyRig rig = startFlakyRig(dir, config);
    QVERIFY(rig.gateway && rig.sender);
    const std::size_t quarter = mine.size() / 4;
    QVERIFY(rig.sender->send(std::span(mine).first(quarter)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, quarter, kWaitMs);
    rig.upstream->down = true;
    QVERIFY(rig.sender->send(std::span(mine).subspan(quarter, 2 * quarter)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, 2 * quarter, kWaitMs);
    const GatewayStats during = rig.gateway->stats();
    QVERIFY2(during.compressionRatio() > 3.0, std::to_string(during.compressionRatio()).c_str());
    QCOMPARE(during.bufferBytes, during.compressionStoredBytes);
    QCOMPARE(during.bytesSaved(), during.compressionRawBytes - during.compressionStoredBytes);
    QVERIFY(toJson(during).find("\"compression\":\"zlib\"") != std::string::npos);
    rig.upstream->down = false;
    QVERIFY(rig.sender->send(std::span(mine).subspan(3 * quarter)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, mine.size(), kWaitMs);
    rig.gateway->stop();
    const GatewayStats after = rig.gateway->stats();
    QCOMPARE(after.bufferPending, 0u);
    QCOMPARE(after.drained, after.buffered);
    QCOMPARE(after.bufferRefused + after.bufferDropped + after.bufferFailed + after.bufferCorrupt, 0u);
    const QString problem = checkExactlyOnceInOrder(readLog(*rig.log), mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestCompression::packedForwardsUnpackToEveryReading() {
    QTemporaryDir dir;
    const std::vector<Reading> mine = routedTo(simulatedReadings(300, 8), 1);
    GatewayConfig config = loopbackConfig(1, dir);
    config.forwardPacked = true;
    FlakyRig rig = startFlakyRig(dir, config);
    QVERIFY(rig.gateway && rig.sender);
    const std::size_t half = mine.size() / 2;
    QVERIFY(rig.sender->send(std::span(mine).first(half)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, half, kWaitMs);
    rig.upstream->down = true;  // packed forwarding buffers and drains like the plain one
    QVERIFY(rig.sender->send(std::span(mine).subspan(half)) && rig.sender->flush());
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().bufferPending, mine.size() - half, kWaitMs);
    rig.upstream->down = false;
    QTRY_COMPARE_WITH_TIMEOUT(rig.gateway->stats().forwarded, mine.size(), kWaitMs);
    rig.gateway->stop();
    const GatewayStats stats = rig.gateway->stats();
    QVERIFY2(stats.compressionRatio() > 3.0, std::to_string(stats.compressionRatio()).c_str());
    const QString problem = checkPackedLog(*rig.log, mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestCompression)
#include "test_compression.moc"
