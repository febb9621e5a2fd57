#include "kafka_roundtrip_helpers.h"

using namespace kafka_roundtrip_test;

//! A partition leader move and a broker going down and up mid-stream lose nothing (counted by event id).
class TestKafkaFaults : public QObject {
    Q_OBJECT

private slots:
    void leaderMoveAndBrokerDownLoseNothing() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("traffic-events", 6, 3), std::string());
        const std::map<std::string, int> partitionsOf{{"traffic-events", 6}};
        KafkaSinkConfig sinkConfig;
        sinkConfig.settings = settingsFor(mock);
        auto sink = KafkaEventSink::create(sinkConfig);
        QVERIFY(sink.ok());
        KafkaSourceConfig sourceConfig;
        sourceConfig.settings = settingsFor(mock);
        sourceConfig.groupId = "faults";
        sourceConfig.topics = {"traffic-events"};
        sourceConfig.extra = fastGroup();
        auto source = KafkaEventSource::create(sourceConfig);
        QVERIFY(source.ok());

        std::uint64_t seq = 0;
        std::size_t produced = 0;
        auto produce = [&](int n) {
            JsonBatch batch;
            for (int i = 0; i < n; ++i, ++seq) {
                batch.add(reading(static_cast<std::uint32_t>(seq % 24), seq, engine::Metric::TrafficSpeed,
                                  engine::SensorKind::Traffic));
            }
            auto ok = (*sink)->send("traffic-events", batch.span());
            QVERIFY2(ok.ok(), ok.ok() ? "" : ok.error().message.c_str());
            produced += static_cast<std::size_t>(n);
        };
        Seen seen;
        auto step = [&](std::size_t atLeast) {
            consume(**source, seen, atLeast, 8s, partitionsOf);
            (*source)->commitOffsets((*source)->positions()).ok();  // so a rebalance resumes here
        };

        produce(300);
        step(100);
        for (int p = 0; p < 6; ++p) mock.setPartitionLeader("traffic-events", p, 1 + (p + 1) % 3);  // leaders move
        produce(300);
        step(400);
        mock.setBrokerDown(2);  // leader of some partitions, maybe the group coordinator
        produce(300);
        step(500);
        mock.setBrokerUp(2);
        produce(300);
        auto flushed = (*sink)->flush();
        QVERIFY2(flushed.ok(), flushed.ok() ? "" : flushed.error().message.c_str());
        step(produced);

        std::size_t duplicates = 0;
        for (const auto& [key, n] : seen.count) duplicates += static_cast<std::size_t>(n - 1);
        qInfo("produced %zu, distinct consumed %zu, redelivered %zu", produced, seen.count.size(), duplicates);
        QCOMPARE(seen.count.size(), produced);  // zero loss, counted by event id
        for (std::uint64_t s = 0; s < seq; ++s) QVERIFY(seen.count.contains(eventKey(static_cast<std::uint32_t>(s % 24), s)));
        QCOMPARE(seen.mismatches, std::size_t{0});
        QCOMPARE((*sink)->counters().delivered, std::uint64_t{produced});
    }
};

QTEST_GUILESS_MAIN(TestKafkaFaults)
#include "test_kafka_faults.moc"
