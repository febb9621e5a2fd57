#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <map>

#include "archive_test_support.h"

using namespace archive_test;

namespace {

std::string gunzipFile(const std::filesystem::path& path) {
    std::string out;
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) {
        return out;
    }
    char buf[1 << 14];
    for (int n = 0; (n = gzread(f, buf, sizeof buf)) > 0;) {
        out.append(buf, static_cast<std::size_t>(n));
    }
    gzclose(f);
    return out;
}

std::vector<Reading> hourlyReadings(std::int64_t start, int hours, int perHour) {
    std::vector<Reading> out;
    for (int h = 0; h < hours; ++h) {
        for (int i = 0; i < perHour; ++i) {
            out.push_back(reading(static_cast<std::uint32_t>(i), start + h * kHour + i * 1000, 400.0 + i * 0.1 + h));
        }
    }
    return out;
}

}  // namespace

class TestArchiveWriteRead : public QObject {
    Q_OBJECT

private slots:
    void layoutIndexAndExactRoundTrip() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString()) / "archive";
        const auto air = hourlyReadings(kMarch5 + 22 * kHour, 3, 50);  // crosses midnight into March 6
        const auto traffic = hourlyReadings(kMarch5, 1, 20);
        const std::string text = "{\"sensor\":\"Podil-7\",\"note\":\"gas \\\"leak\\\"\\nline two\",\"city\":\"Київ\"}";
        const std::string binary("\xff\x00\x01\xfe\x80", 5);
        std::vector<log::SourceRecord> records = recordsOf("air-quality", air);
        const auto more = recordsOf("traffic-events", traffic, 1000);
        records.insert(records.end(), more.begin(), more.end());
        for (const std::string* payload : {&text, &binary}) {
            log::RecordView v;
            v.offset = payload == &text ? 5000 : 5001;
            v.timestampMs = kMarch5 + 5;
            v.key = 77;
            v.flags = 9;
            v.payload = std::as_bytes(std::span(payload->data(), payload->size()));
            records.push_back(log::SourceRecord{"emergency-events", 2, v});
        }
        {
            auto writer = ArchiveWriter::open(optionsFor(root));
            QVERIFY2(writer.ok(), writer.ok() ? "" : writer.error().message.c_str());
            QVERIFY((*writer)->append(records).ok());
            QVERIFY((*writer)->flush().ok());
            QCOMPARE((*writer)->filesClosed(), std::uint64_t{5});
        }
        const auto files = filesUnder(root, ".jsonl.gz");
        QCOMPARE(files.size(), std::size_t{5});
        QVERIFY(std::filesystem::is_directory(root / "air-quality/year=2024/month=03/day=05/hour=22"));
        QVERIFY(std::filesystem::is_directory(root / "air-quality/year=2024/month=03/day=05/hour=23"));
        QVERIFY(std::filesystem::is_directory(root / "air-quality/year=2024/month=03/day=06/hour=00"));
        QVERIFY(std::filesystem::is_directory(root / "traffic-events/year=2024/month=03/day=05/hour=00"));
        QVERIFY(filesUnder(root, ".tmp").empty());

        // The index: one row per file, with counts, spans and the CRC-32 of the bytes on disk.
        auto reader = ArchiveReader::open(root);
        QVERIFY(reader.ok());
        auto indexed = (*reader)->files("", std::numeric_limits<std::int64_t>::min(),
                                        std::numeric_limits<std::int64_t>::max());
        QVERIFY(indexed.ok());
        QCOMPARE(indexed->size(), std::size_t{5});
        std::uint64_t total = 0;
        for (const auto& f : *indexed) {
            QByteArray bytes;
            {
                QFile file(QString::fromStdString((root / f.path).string()));
                QVERIFY(file.open(QIODevice::ReadOnly));
                bytes = file.readAll();
            }
            QCOMPARE(static_cast<std::uint64_t>(bytes.size()), f.bytes);
            QCOMPARE(static_cast<std::uint32_t>(
                         crc32(0, reinterpret_cast<const Bytef*>(bytes.constData()), static_cast<uInt>(bytes.size()))),
                     f.crc32);
            QCOMPARE(hourStart(f.minEventMs), f.hourMs);
            QCOMPARE(hourStart(f.maxEventMs), f.hourMs);
            total += f.records;
            // Each line is plain JSON that any reader (Spark's json source, here Qt's) parses.
            const std::string content = gunzipFile(root / f.path);
            int lines = 0;
            for (std::size_t pos = 0; pos < content.size(); ++lines) {
                const auto end = content.find('\n', pos);
                QJsonParseError error{};
                const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(content.substr(pos, end - pos)), &error);
                QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
                QCOMPARE(doc.object().value(QStringLiteral("topic")).toString().toStdString(), f.topic);
                QVERIFY(doc.object().contains(QStringLiteral("ts")));
                pos = end + 1;
            }
            QCOMPARE(static_cast<std::uint64_t>(lines), f.records);
        }
        QCOMPARE(total, static_cast<std::uint64_t>(records.size()));
        const std::string textLine = gunzipFile(filesUnder(root / "emergency-events", ".jsonl.gz").front());
        QVERIFY2(textLine.find("\"payload\":\"{\\\"sensor\\\":\\\"Podil-7\\\"") != std::string::npos, textLine.c_str());
        QVERIFY(textLine.find("\"payload_b64\":\"/wAB/oA=\"") != std::string::npos);
        QVERIFY(gunzipFile(files.front()).find("\"reading\":{\"sensor_id\":0,") != std::string::npos);

        // Replay gives back every record, bytes and all.
        auto source = ArchiveEventSource::create(root, {}, std::numeric_limits<std::int64_t>::min(),
                                                 std::numeric_limits<std::int64_t>::max());
        QVERIFY(source.ok());
        std::string error;
        const auto replayed = drain(**source, &error);
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY((*source)->exhausted());
        QCOMPARE(replayed.size(), records.size());
        std::map<std::pair<std::string, std::uint64_t>, const log::SourceRecord*> byOffset;
        for (const auto& r : records) {
            byOffset[{std::string(r.topic), r.record.offset}] = &r;
        }
        for (const auto& r : replayed) {
            const auto* original = byOffset.at({r.topic, r.offset});
            QCOMPARE(r.partition, original->partition);
            QCOMPARE(r.ts, original->record.timestampMs);
            QCOMPARE(r.key, original->record.key);
            QCOMPARE(r.flags, original->record.flags);
            QCOMPARE(QByteArray::fromStdString(r.payload),
                     QByteArray(reinterpret_cast<const char*>(original->record.payload.data()),
                                static_cast<qsizetype>(original->record.payload.size())));
        }
        // Readings come back as the very same values (bit-exact doubles).
        for (const auto& r : replayed) {
            if (r.flags == log::kReadingPayload) {
                log::RecordView view;
                view.flags = r.flags;
                view.payload = std::as_bytes(std::span(r.payload.data(), r.payload.size()));
                QVERIFY(log::readingOf(view).has_value());
            }
        }
    }

    void replayByTimeRangeSeekAndPositions() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        const auto readings = hourlyReadings(kMarch5, 6, 30);  // 180 records over 6 hours
        {
            auto writer = ArchiveWriter::open(optionsFor(root));
            QVERIFY(writer.ok());
            QVERIFY((*writer)->append(recordsOf("air-quality", readings)).ok());
        }  // the destructor publishes
        const std::int64_t from = kMarch5 + 2 * kHour + 10'000;
        const std::int64_t to = kMarch5 + 4 * kHour + 5'000;
        auto source = ArchiveEventSource::create(root, {"air-quality"}, from, to, 64);
        QVERIFY(source.ok());
        const auto part = drain(**source, nullptr, 7);
        std::size_t expected = 0;
        for (const auto& r : readings) {
            expected += (r.eventTimeMs >= from && r.eventTimeMs < to) ? 1 : 0;
        }
        QCOMPARE(part.size(), expected);
        for (const auto& r : part) {
            QVERIFY(r.ts >= from && r.ts < to);
        }
        QCOMPARE((*source)->filesRead(), std::uint64_t{3});  // hours 2, 3, 4 only

        // positions(): the offset after the last delivered one, per partition.
        std::map<int, std::uint64_t> last;
        for (const auto& r : part) {
            last[r.partition] = std::max(last[r.partition], r.offset + 1);
        }
        const auto positions = (*source)->positions();
        QCOMPARE(positions.size(), last.size());
        for (const auto& p : positions) {
            QCOMPARE(p.topic, std::string("air-quality"));
            QCOMPARE(p.offset, last.at(p.partition));
        }

        // seekToTimestamp restarts at the first record at or after the time.
        QVERIFY((*source)->seekToTimestamp(kMarch5 + 4 * kHour).ok());
        const auto tail = drain(**source);
        QVERIFY(!tail.empty());
        QCOMPARE(tail.front().ts, kMarch5 + 4 * kHour);

        // seek(): records below the given offsets are skipped (a checkpoint restore).
        auto all = ArchiveEventSource::create(root, {"air-quality"}, 0, std::numeric_limits<std::int64_t>::max());
        QVERIFY(all.ok());
        const std::vector<log::PartitionOffset> restore = {{"air-quality", 0, 100}, {"air-quality", 1, 50}};
        QVERIFY((*all)->seek(restore).ok());
        for (const auto& r : drain(**all)) {
            if (r.partition == 0) {
                QVERIFY(r.offset >= 100);
            }
            if (r.partition == 1) {
                QVERIFY(r.offset >= 50);
            }
        }
        QVERIFY(!ArchiveEventSource::create(root, {}, 10, 10).ok());
    }

    void rollsBySizeAndByAge() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        std::atomic<std::int64_t> now{1'000'000};
        ArchiveOptions options = optionsFor(root);
        options.maxFileBytes = 4096;
        options.maxFileAge = std::chrono::milliseconds(60'000);
        options.clock = [&] { return now.load(); };
        auto writer = ArchiveWriter::open(options);
        QVERIFY(writer.ok());
        const auto readings = hourlyReadings(kMarch5, 1, 400);
        QVERIFY((*writer)->append(recordsOf("air-quality", readings)).ok());
        const auto bySize = (*writer)->filesClosed();
        QVERIFY2(bySize >= 5, qPrintable(QString::number(bySize)));  // ~170 bytes per line, 4 KiB files
        QCOMPARE(filesUnder(root, ".jsonl.gz").size(), static_cast<std::size_t>(bySize));

        // The last, partly filled file is published once it is maxFileAge old, without a flush.
        QVERIFY((*writer)->rollDue().ok());
        QCOMPARE((*writer)->filesClosed(), bySize);
        now += 60'000;
        QVERIFY((*writer)->rollDue().ok());
        QCOMPARE((*writer)->filesClosed(), bySize + 1);
        auto reader = ArchiveReader::open(root);
        auto stats = (*reader)->stats();
        QVERIFY(stats.ok());
        QCOMPARE(stats->size(), std::size_t{1});
        QCOMPARE((*stats)[0].records, std::uint64_t{400});
        QCOMPARE((*stats)[0].files, bySize + 1);
        auto report = (*reader)->verify();
        QVERIFY(report.ok() && report->ok());
        QCOMPARE(report->recordsChecked, std::uint64_t{400});
    }

    void nothingIsVisibleBeforeAFileCloses() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        auto writer = ArchiveWriter::open(optionsFor(root));
        QVERIFY(writer.ok());
        const auto readings = hourlyReadings(kMarch5, 2, 100);
        QVERIFY((*writer)->append(recordsOf("air-quality", readings)).ok());
        QVERIFY(filesUnder(root, ".jsonl.gz").empty());
        const auto temps = filesUnder(root, ".tmp");
        QCOMPARE(temps.size(), std::size_t{2});
        for (const auto& t : temps) {
            QVERIFY(t.filename().string().front() == '.');  // hidden: Spark and Hadoop skip it
        }
        auto reader = ArchiveReader::open(root);
        QVERIFY(reader.ok());
        QVERIFY((*reader)->files("", 0, std::numeric_limits<std::int64_t>::max())->empty());
        QVERIFY((*writer)->flush().ok());
        QCOMPARE(filesUnder(root, ".jsonl.gz").size(), std::size_t{2});
        QVERIFY(filesUnder(root, ".tmp").empty());
    }

    void killedWriterLeavesOnlyWholeIndexedFiles() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        for (int round = 0; round < 3; ++round) {
            int fds[2];
            QCOMPARE(pipe(fds), 0);
            const pid_t pid = fork();
            QVERIFY(pid >= 0);
            if (pid == 0) {
                close(fds[0]);
                ArchiveOptions options = optionsFor(root);
                options.maxFileBytes = 32 << 10;
                auto writer = ArchiveWriter::open(options);
                if (!writer) {
                    _exit(3);
                }
                for (std::int64_t batch = 0;; ++batch) {
                    const auto readings = hourlyReadings(kMarch5 + (batch % 48) * kHour, 1, 200);
                    if (!(*writer)->append(recordsOf("air-quality", readings, static_cast<std::uint64_t>(batch) * 200))
                             .ok()) {
                        _exit(4);
                    }
                    if (batch % 5 == 4 && !(*writer)->flush().ok()) {
                        _exit(5);
                    }
                    if (write(fds[1], &batch, sizeof batch) != static_cast<ssize_t>(sizeof batch)) {
                        _exit(6);
                    }
                }
            }
            close(fds[1]);
            std::int64_t batch = 0;
            for (int i = 0; i < 8 + round * 5; ++i) {
                QCOMPARE(read(fds[0], &batch, sizeof batch), static_cast<ssize_t>(sizeof batch));
            }
            QCOMPARE(kill(pid, SIGKILL), 0);
            int status = 0;
            QCOMPARE(waitpid(pid, &status, 0), pid);
            QVERIFY(WIFSIGNALED(status));
            close(fds[0]);

            ArchiveOpenReport report;
            auto writer = ArchiveWriter::open(optionsFor(root), &report);
            QVERIFY2(writer.ok(), writer.ok() ? "" : writer.error().message.c_str());
            QVERIFY(filesUnder(root, ".tmp").empty());  // unpublished temporaries are gone
            auto reader = ArchiveReader::open(root);
            QVERIFY(reader.ok());
            auto verified = (*reader)->verify();
            QVERIFY(verified.ok());
            for (const auto& p : verified->problems) {
                qWarning("%s: %s", p.path.c_str(), p.message.c_str());
            }
            QVERIFY(verified->ok());  // every visible file is whole, indexed and matches its CRC
            QCOMPARE(filesUnder(root, ".jsonl.gz").size(), static_cast<std::size_t>(verified->filesChecked));
            QVERIFY(verified->recordsChecked >= 5 * 200);  // at least the first flushed batches
            qInfo("round %d: %llu files, %llu records, %zu temporaries removed", round,
                  static_cast<unsigned long long>(verified->filesChecked),
                  static_cast<unsigned long long>(verified->recordsChecked), report.removedTempFiles);
        }
    }

    void anInterruptedRenameIsCompletedOnOpen() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        {
            auto writer = ArchiveWriter::open(optionsFor(root));
            QVERIFY((*writer)->append(recordsOf("air-quality", hourlyReadings(kMarch5, 1, 10))).ok());
            QVERIFY((*writer)->flush().ok());
        }
        const auto published = filesUnder(root, ".jsonl.gz").front();
        const auto temp = published.parent_path() / ("." + published.filename().string() + ".tmp");
        std::filesystem::rename(published, temp);  // as if the crash came between indexing and renaming
        ArchiveOpenReport report;
        auto writer = ArchiveWriter::open(optionsFor(root), &report);
        QVERIFY(writer.ok());
        QCOMPARE(report.completedRenames, std::size_t{1});
        QCOMPARE(report.removedTempFiles, std::size_t{0});
        QVERIFY(std::filesystem::exists(published));
        QVERIFY((*ArchiveReader::open(root))->verify()->ok());
    }

    void refusesASecondWriterAndBadTopics() {
        QTemporaryDir dir;
        const auto root = std::filesystem::path(dir.path().toStdString());
        auto first = ArchiveWriter::open(optionsFor(root));
        QVERIFY(first.ok());
        auto second = ArchiveWriter::open(optionsFor(root));
        QVERIFY(!second.ok());
        QVERIFY2(second.error().message.find("already open") != std::string::npos, second.error().message.c_str());

        const auto readings = hourlyReadings(kMarch5, 1, 3);
        auto good = recordsOf("air-quality", readings);
        auto bad = recordsOf("../escape", readings);
        good.push_back(bad.front());
        auto rejected = (*first)->append(good);
        QVERIFY(!rejected.ok());
        QCOMPARE(rejected.error().code, log::LogErrc::InvalidArgument);
        QVERIFY((*first)->flush().ok());
        QVERIFY(filesUnder(root, ".jsonl.gz").empty());  // nothing of the rejected batch was written
        QVERIFY(!ArchiveReader::open(root / "nowhere").ok());
    }
};

QTEST_GUILESS_MAIN(TestArchiveWriteRead)
#include "test_archive_write_read.moc"
