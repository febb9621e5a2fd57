#include "kafka_roundtrip_helpers.h"

using namespace kafka_roundtrip_test;

//! Producer and consumer-group source against librdkafka's mock cluster (3 brokers): every design
//! topic round-trips with key, event time and flags; seeks replay.
class TestKafkaRoundTrip : public QObject {
    Q_OBJECT

private slots:
    void everyTopicRoundTrips() {
        KafkaMockCluster mock(3);
        std::map<std::string, int> partitionsOf;
        std::vector<std::string> topics;
        for (const auto& t : engine::log::defaultTopics()) {
            QCOMPARE(mock.createTopic(t.name, t.partitions, 3), std::string());
            partitionsOf[t.name] = t.partitions;
            topics.push_back(t.name);
        }
        for (const char* extra : {"alerts", "aggregates"}) {
            QCOMPARE(mock.createTopic(extra, 3, 3), std::string());
            partitionsOf[extra] = 3;
            topics.emplace_back(extra);
        }
        KafkaSinkConfig sinkConfig;
        sinkConfig.settings = settingsFor(mock);
        sinkConfig.compression = "zstd";
        auto sink = KafkaEventSink::create(sinkConfig);
        QVERIFY2(sink.ok(), sink.ok() ? "" : sink.error().message.c_str());
        constexpr int kPerTopic = 40;
        std::size_t sent = 0;
        for (std::size_t t = 0; t < topics.size(); ++t) {
            JsonBatch batch;
            for (int i = 0; i < kPerTopic; ++i) {
                // Sensor ids unique per topic, so (sensor, seq) identifies the event across topics.
                batch.add(reading(static_cast<std::uint32_t>(t * 100 + i % 10), static_cast<std::uint64_t>(i),
                                  engine::Metric::Temperature, engine::SensorKind::Temperature));
            }
            auto ok = (*sink)->send(topics[t], batch.span());
            QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
            sent += kPerTopic;
        }
        auto flushed = (*sink)->flush();
        QVERIFY2(flushed.ok(), flushed.ok() ? "" : flushed.error().message.c_str());
        const DeliveryCounters counters = (*sink)->counters();
        QCOMPARE(counters.sent, std::uint64_t{sent});
        QCOMPARE(counters.delivered, std::uint64_t{sent});
        QCOMPARE(counters.failed, std::uint64_t{0});

        KafkaSourceConfig sourceConfig;
        sourceConfig.settings = settingsFor(mock);
        sourceConfig.groupId = "roundtrip";
        sourceConfig.topics = topics;
        sourceConfig.extra = fastGroup();
        auto source = KafkaEventSource::create(sourceConfig);
        QVERIFY2(source.ok(), source.ok() ? "" : source.error().message.c_str());
        Seen seen;
        consume(**source, seen, sent, 15s, partitionsOf);
        QCOMPARE(seen.count.size(), sent);
        for (const auto& [key, n] : seen.count) QCOMPARE(n, 1);
        QCOMPARE(seen.mismatches, std::size_t{0});

        // positions() are the next offsets; committing them and re-reading from a fresh member of
        // the group finds nothing left.
        const auto positions = (*source)->positions();
        std::uint64_t total = 0;
        for (const PartitionOffset& p : positions) total += p.offset;
        QCOMPARE(total, std::uint64_t{sent});
        QVERIFY((*source)->commitOffsets(positions).ok());
    }

    void seekToTimestampReplays() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("air-quality", 2, 3), std::string());
        KafkaSinkConfig sinkConfig;
        sinkConfig.settings = settingsFor(mock);
        auto sink = KafkaEventSink::create(sinkConfig);
        QVERIFY(sink.ok());
        JsonBatch batch;
        for (std::uint64_t s = 0; s < 100; ++s) batch.add(reading(static_cast<std::uint32_t>(s % 4), s, engine::Metric::Co2, engine::SensorKind::AirQuality));
        QVERIFY((*sink)->send("air-quality", batch.span()).ok());
        QVERIFY((*sink)->flush().ok());
        KafkaSourceConfig sourceConfig;
        sourceConfig.settings = settingsFor(mock);
        sourceConfig.groupId = "replay";
        sourceConfig.topics = {"air-quality"};
        sourceConfig.extra = fastGroup();
        auto source = KafkaEventSource::create(sourceConfig);
        QVERIFY(source.ok());
        Seen all;
        consume(**source, all, 100, 10s, {{"air-quality", 2}});
        QCOMPARE(all.count.size(), std::size_t{100});
        // Replay by offset (what a restore from a checkpoint does): every partition back to 0.
        std::vector<PartitionOffset> start = (*source)->positions();
        QCOMPARE(start.size(), std::size_t{2});
        for (PartitionOffset& p : start) p.offset = 0;
        QVERIFY((*source)->seek(start).ok());
        Seen again;
        consume(**source, again, 100, 10s, {{"air-quality", 2}});
        QCOMPARE(again.count.size(), std::size_t{100});

        // Replay by event time (seq 50 onwards). librdkafka 2.0.2's mock cluster answers
        // ListOffsets by timestamp with -1 ("FIXME: by timestamp"), so the source seeks to the end
        // and nothing comes back; a real cluster replays 50 (scripts/kafka-e2e.sh).
        QVERIFY((*source)->seekToTimestamp(reading(0, 50, engine::Metric::Co2, engine::SensorKind::AirQuality).eventTimeMs).ok());
        Seen replay;
        consume(**source, replay, 50, 3s, {{"air-quality", 2}});
        for (const auto& [key, n] : replay.count) QVERIFY((key & 0xffffffffu) >= 50);
        QEXPECT_FAIL("", "librdkafka 2.0.2 mock cluster has no ListOffsets by timestamp", Continue);
        QCOMPARE(replay.count.size(), std::size_t{50});
    }
};

QTEST_GUILESS_MAIN(TestKafkaRoundTrip)
#include "test_kafka_roundtrip.moc"
