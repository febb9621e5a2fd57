#include "kafka_worker_scenario.h"

using namespace kafka_worker_test;

namespace {

//! A record read back with its headers and position.
struct ReadRecord {
    int partition = 0;
    std::int64_t offset = 0;
    std::uint64_t key = 0;
    std::string payload;
    std::map<std::string, std::string> headers;
};

//! Reads `expected` records of topic from the beginning (or until timeout), with headers.
std::vector<ReadRecord> readWithHeaders(const std::string& bootstrap, const std::string& topic, std::size_t expected,
                                        std::chrono::milliseconds timeout) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
    const std::string group = "dlq-reader-" + topic;
    rd_kafka_conf_set(conf, "group.id", group.c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    std::vector<ReadRecord> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int idleAfter = 0;
    while (std::chrono::steady_clock::now() < deadline && idleAfter < 10) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
        if (m == nullptr) {
            if (out.size() >= expected) ++idleAfter;  // then a second more for any extra (duplicate)
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            ReadRecord r;
            r.partition = m->partition;
            r.offset = m->offset;
            r.payload.assign(static_cast<const char*>(m->payload), m->len);
            if (m->key_len == 8) {
                const auto* k = static_cast<const unsigned char*>(m->key);
                for (int i = 7; i >= 0; --i) r.key = (r.key << 8) | k[i];
            }
            rd_kafka_headers_t* headers = nullptr;
            if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                const char* name = nullptr;
                const void* value = nullptr;
                std::size_t size = 0;
                for (std::size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
                    r.headers[name] = std::string(static_cast<const char*>(value), size);
                }
            }
            out.push_back(std::move(r));
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return out;
}

struct Bad {
    std::uint32_t sensor;
    std::string payload;
    std::string reason;
};

std::string readingJson(const engine::Reading& r) {
    char buffer[engine::stream::kMaxReadingJsonBytes];
    return {buffer, engine::stream::encodeReadingJson(r, buffer)};
}

//! Malformed messages of every kind the decoder names, keyed on sensors spread over the partitions.
std::vector<Bad> badMessages() {
    std::vector<Bad> bad;
    for (std::uint32_t i = 0; i < 4; ++i) {
        const std::uint32_t sensor = 3 + i * 5;
        const std::string n = std::to_string(i);
        bad.push_back({sensor, "{\"sensor_id\": " + n + ", not json", "malformed_json"});
        bad.push_back({sensor, "{\"sensor_id\":" + n + ",\"type\":\"air_quality\"}", "missing_field"});
        engine::Reading unknown;  // a sensor the city does not have (DecoderLimits::sensorCount)
        unknown.sensorId = 5000 + i;
        unknown.seq = i;
        unknown.kind = engine::SensorKind::AirQuality;
        unknown.metric = engine::Metric::Co2;
        unknown.value = 420.0;
        unknown.eventTimeMs = kStart + 1000;
        bad.push_back({sensor, readingJson(unknown), "unknown_sensor"});
        engine::Reading negative;  // out of range: a negative vehicle count
        negative.sensorId = sensor;
        negative.seq = 1000 + i;
        negative.kind = engine::SensorKind::Traffic;
        negative.metric = engine::Metric::VehicleCount;
        negative.value = -7.0;
        negative.eventTimeMs = kStart + 2000;
        bad.push_back({sensor, readingJson(negative), "wrong_type"});
        bad.push_back({sensor, "{\"sensor_id\":" + n + ",\"type\":\"air_quality\",\"metric\":\"co2\",\"value\":\"NaN\",\"timestamp\":" +
                                   std::to_string(kStart) + "}",
                       "non_finite_value"});
    }
    return bad;
}

}  // namespace

//! Malformed messages mixed with good ones: every bad one lands once on the dead-letter topic with
//! its reason and source position in headers (the position holds exactly that payload), counted in
//! the worker's stats, and every good reading reaches the jobs.
class TestKafkaDeadLetters : public QObject {
    Q_OBJECT

private slots:
    void badMessagesGoToTheDeadLetterTopic() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("air-quality", kPartitions, 3), std::string());
        QCOMPARE(mock.createTopic("alerts", 3, 3), std::string());
        QCOMPARE(mock.createTopic("aggregates", 3, 3), std::string());
        QCOMPARE(mock.createTopic("dead-letters", 3, 3), std::string());
        const auto readings = scenario();
        const auto bad = badMessages();

        // Good and bad interleaved in the same partitions, in two sends.
        KafkaSinkConfig sc;
        sc.settings = settingsFor(mock);
        auto sink = KafkaEventSink::create(sc);
        QVERIFY(sink.ok());
        JsonBatch good;
        for (const auto& r : readings) good.add(r);
        std::vector<engine::log::RecordInput> badRecords;
        for (const Bad& b : bad) {
            engine::log::RecordInput in;
            in.key = b.sensor;
            in.timestampMs = kStart + 500;
            in.flags = 2;
            in.payload = std::as_bytes(std::span(b.payload.data(), b.payload.size()));
            badRecords.push_back(in);
        }
        const auto goodSpan = good.span();
        const std::size_t half = goodSpan.size() / 2;
        QVERIFY((*sink)->send("air-quality", goodSpan.first(half)).ok());
        QVERIFY((*sink)->send("air-quality", badRecords).ok());
        QVERIFY((*sink)->send("air-quality", goodSpan.subspan(half)).ok());
        QVERIFY((*sink)->flush().ok());

        Tap tap;
        KafkaWorkerConfig config = workerConfig(mock, "engine-dlq");
        config.decoderLimits.sensorCount = 2000;  // the scenario's sensors are below; 5000+ are unknown
        config.onReadings = [&tap](std::span<const engine::Reading> r) { tap.add(r); };
        auto worker = KafkaCityWorker::create(config);
        QVERIFY2(worker.ok(), worker.ok() ? "" : worker.error().c_str());
        std::atomic<bool> stop{false};
        engine::Expected<KafkaWorkerStats, std::string> result = std::string("not run");
        std::thread run([&] { result = (*worker)->run(stop); });
        const bool allIn = waitFor([&] {
            const KafkaWorkerStats s = (*worker)->stats();
            return s.consumed >= readings.size() + bad.size() && s.deadLettersPublished >= bad.size();
        }, 30s);
        stop = true;
        run.join();
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().c_str());
        QVERIFY(allIn);
        const KafkaWorkerStats stats = (*worker)->stats();
        QCOMPARE(stats.deadLetters, static_cast<std::uint64_t>(bad.size()));
        QCOMPARE(stats.deadLettersPublished, static_cast<std::uint64_t>(bad.size()));

        // No good reading lost (nor taken for a bad one).
        QCOMPARE(tap.distinct(), readings.size());
        for (const auto& r : readings) QVERIFY(tap.seen.contains(eventKey(r.sensorId, r.seq)));

        // Every bad message once on the dead-letter topic, with its reason and source position.
        const auto source = readWithHeaders(mock.bootstrapServers(), "air-quality", readings.size() + bad.size(), 20s);
        QCOMPARE(source.size(), readings.size() + bad.size());
        std::map<std::pair<int, std::int64_t>, std::string> bySourcePosition;
        for (const auto& r : source) bySourcePosition[{r.partition, r.offset}] = r.payload;
        const auto dlq = readWithHeaders(mock.bootstrapServers(), "dead-letters", bad.size(), 20s);
        QCOMPARE(dlq.size(), bad.size());
        std::map<std::string, int> payloadSeen;
        for (ReadRecord d : dlq) {  // a copy: headers[] below inserts when absent
            ++payloadSeen[d.payload];
            auto expected = std::find_if(bad.begin(), bad.end(), [&](const Bad& b) { return b.payload == d.payload; });
            QVERIFY2(expected != bad.end(), d.payload.c_str());
            QCOMPARE(d.headers[std::string(kDlqReasonHeader)], expected->reason);
            QCOMPARE(d.headers[std::string(kDlqTopicHeader)], std::string("air-quality"));
            QCOMPARE(d.key, static_cast<std::uint64_t>(expected->sensor));
            const int partition = std::stoi(d.headers[std::string(kDlqPartitionHeader)]);
            const std::int64_t offset = std::stoll(d.headers[std::string(kDlqOffsetHeader)]);
            QCOMPARE(partition, engine::log::partitionForKey(expected->sensor, kPartitions));
            const std::string atSource = bySourcePosition[std::pair(partition, offset)];
            QCOMPARE(atSource, d.payload);  // the header points at the record
            QCOMPARE(d.headers["cityops-flags"], std::string("\x02\x00\x00\x00", 4));
        }
        for (const Bad& b : bad) QCOMPARE(payloadSeen[b.payload], 1);
    }
};

QTEST_GUILESS_MAIN(TestKafkaDeadLetters)
#include "test_kafka_dead_letters.moc"
