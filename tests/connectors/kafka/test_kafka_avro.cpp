#include <avro.h>

#include <fstream>
#include <sstream>

#include "kafka_worker_scenario.h"

using namespace kafka_worker_test;

namespace {

avro_schema_t parse(const std::string& json) {
    avro_schema_t schema = nullptr;
    if (avro_schema_from_json_length(json.data(), json.size(), &schema) != 0) return nullptr;
    return schema;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::byte> encode(AvroReadingCodec& codec, const engine::Reading& r) {
    std::vector<std::byte> out(kMaxAvroReadingBytes);
    out.resize(codec.encode(r, out));
    return out;
}

bool sameReading(const engine::Reading& a, const engine::Reading& b) {
    return a.sensorId == b.sensorId && a.locationId == b.locationId && a.kind == b.kind && a.metric == b.metric &&
           a.value == b.value && a.eventTimeMs == b.eventTimeMs && a.seq == b.seq;
}

}  // namespace

//! Avro payloads: the documented schemas, codec round trips and rejections, every reading topic
//! and the alerts topic in Avro on the mock cluster, a bad Avro record to the dead-letter topic.
class TestKafkaAvro : public QObject {
    Q_OBJECT

private slots:
    void schemaFilesAreTheCodecsSchemas() {
        for (const auto& [file, json] : {std::pair{std::string("reading.avsc"), readingAvroSchema()},
                                         std::pair{std::string("alert.avsc"), alertAvroSchema()}}) {
            avro_schema_t fromFile = parse(readFile(std::string(CITYOPS_SOURCE_DIR) + "/resources/avro/" + file));
            avro_schema_t fromCode = parse(json);
            QVERIFY2(fromFile != nullptr, file.c_str());
            QVERIFY(fromCode != nullptr);
            QVERIFY2(avro_schema_equal(fromFile, fromCode), file.c_str());
            avro_schema_decref(fromFile);
            avro_schema_decref(fromCode);
        }
    }

    void readingsAndAlertsRoundTrip() {
        AvroReadingCodec codec;
        for (int kind = 0; kind < engine::kSensorKindCount; ++kind) {
            for (int metric = 0; metric < engine::kMetricCount; ++metric) {
                engine::Reading r;
                r.sensorId = 4'000'000'000U - static_cast<std::uint32_t>(metric);
                r.locationId = 65535;
                r.kind = static_cast<engine::SensorKind>(kind);
                r.metric = static_cast<engine::Metric>(metric);
                r.value = metric == 1 ? 17.0 : -1234.5678 * kind;
                r.eventTimeMs = 1'795'000'000'123 + metric;
                r.seq = (std::uint64_t{1} << 62) + static_cast<std::uint64_t>(kind);
                const auto bytes = encode(codec, r);
                QVERIFY(!bytes.empty());
                engine::Reading back;
                QVERIFY(codec.decode(bytes, back) == AvroError::None);
                QVERIFY(sameReading(r, back));
            }
        }
        AvroAlertCodec alerts;
        for (int rule = 0; rule <= static_cast<int>(engine::AlertRule::RetailRush); ++rule) {
            engine::Alert a;
            a.id = 0xfedc'ba98'7654'3210ULL ^ static_cast<std::uint64_t>(rule);  // high bit set: sign round trip
            a.rule = static_cast<engine::AlertRule>(rule);
            a.severity = static_cast<engine::Severity>(rule % 3);
            a.sensorId = 123456;
            a.locationId = 42;
            a.firstEventMs = 1'795'000'000'000;
            a.eventTimeMs = 1'795'000'060'000;
            a.value = 912.25;
            a.matchedCount = 3;
            std::byte buffer[kMaxAvroAlertBytes];
            const std::size_t n = alerts.encode(a, buffer);
            QVERIFY(n > 0);
            engine::Alert back;
            QVERIFY(alerts.decode(std::span(buffer, n), back) == AvroError::None);
            QCOMPARE(back.id, a.id);
            QVERIFY(back.rule == a.rule);
            QVERIFY(back.severity == a.severity);
            QCOMPARE(back.sensorId, a.sensorId);
            QCOMPARE(back.locationId, a.locationId);
            QCOMPARE(back.firstEventMs, a.firstEventMs);
            QCOMPARE(back.eventTimeMs, a.eventTimeMs);
            QCOMPARE(back.value, a.value);
            QCOMPARE(back.matchedCount, a.matchedCount);
        }
    }

    void malformedPayloadsAreRejectedWithAReason() {
        engine::stream::DecoderLimits limits;
        limits.sensorCount = 1000;
        AvroReadingCodec codec(limits);
        engine::Reading r;
        r.sensorId = 5;
        r.kind = engine::SensorKind::Traffic;
        r.metric = engine::Metric::VehicleCount;
        r.value = 12;
        const auto good = encode(codec, r);
        engine::Reading out;
        QVERIFY(codec.decode(good, out) == AvroError::None);
        // Every truncation, and trailing bytes, are malformed.
        for (std::size_t n = 0; n < good.size(); ++n) {
            QVERIFY(codec.decode(std::span(good.data(), n), out) == AvroError::Malformed);
        }
        auto longer = good;
        longer.push_back(std::byte{0});
        QVERIFY(codec.decode(longer, out) == AvroError::Malformed);
        QVERIFY(toString(AvroError::Malformed) == std::string_view("malformed_avro"));
        // A varint that never ends.
        std::vector<std::byte> endless(20, std::byte{0xff});
        QVERIFY(codec.decode(endless, out) == AvroError::Malformed);
        // Enum index out of range: kind is the third field (after two one-byte varints here).
        auto badKind = good;
        badKind[2] = std::byte{static_cast<unsigned char>(2 * engine::kSensorKindCount)};  // zigzag
        QVERIFY(codec.decode(badKind, out) == AvroError::UnknownKind);
        engine::Reading negative = r;
        negative.value = -3;
        QVERIFY(codec.decode(encode(codec, negative), out) == AvroError::WrongType);
        QVERIFY(toString(AvroError::WrongType) == std::string_view("wrong_type"));
        engine::Reading nan = r;
        nan.value = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(codec.decode(encode(codec, nan), out) == AvroError::NonFiniteValue);
        engine::Reading unknown = r;
        unknown.sensorId = 1000;
        QVERIFY(codec.decode(encode(codec, unknown), out) == AvroError::UnknownSensor);
        std::vector<std::byte> oversize(limits.maxPayloadBytes + 1);
        QVERIFY(codec.decode(oversize, out) == AvroError::Oversize);
        QVERIFY(parsePayloadFormat("avro") == std::optional(PayloadFormat::Avro));
        QVERIFY(parsePayloadFormat("json") == std::optional(PayloadFormat::Json));
        QVERIFY(!parsePayloadFormat("xml"));
    }

    //! Every design reading topic carries Avro readings through the sink and source unchanged.
    void everyReadingTopicRoundTripsInAvro() {
        KafkaMockCluster mock(3);
        std::vector<std::string> topics;
        for (const auto& t : engine::log::defaultTopics()) {
            if (t.name == "receipts") continue;
            QCOMPARE(mock.createTopic(t.name, 3, 3), std::string());
            topics.push_back(t.name);
        }
        KafkaSinkConfig sc;
        sc.settings = settingsFor(mock);
        auto sink = KafkaEventSink::create(sc);
        QVERIFY(sink.ok());
        AvroReadingCodec codec;
        std::vector<engine::Reading> sent;
        for (std::size_t t = 0; t < topics.size(); ++t) {
            std::vector<std::vector<std::byte>> payloads;
            std::vector<engine::log::RecordInput> records;
            for (std::uint32_t i = 0; i < 50; ++i) {
                engine::Reading r;
                r.sensorId = static_cast<std::uint32_t>(t) * 1000 + i;
                r.seq = i;
                r.kind = static_cast<engine::SensorKind>(t % engine::kSensorKindCount);
                r.metric = static_cast<engine::Metric>(i % engine::kMetricCount);
                r.value = 1.5 * i;
                r.eventTimeMs = kStart + i;
                payloads.push_back(encode(codec, r));
                sent.push_back(r);
                records.push_back({r.eventTimeMs, r.sensorId, kAvroReadingFlags, {}});
            }
            for (std::size_t k = 0; k < records.size(); ++k) records[k].payload = payloads[k];
            QVERIFY((*sink)->send(topics[t], records).ok());
        }
        QVERIFY((*sink)->flush().ok());

        KafkaSourceConfig config;
        config.settings = settingsFor(mock);
        config.groupId = "avro-roundtrip";
        config.topics = topics;
        auto source = KafkaEventSource::create(config);
        QVERIFY(source.ok());
        std::vector<engine::log::SourceRecord> records(1024);
        std::vector<engine::Reading> received;
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (received.size() < sent.size() && std::chrono::steady_clock::now() < deadline) {
            auto polled = (*source)->poll(records, 100ms);
            QVERIFY(polled.ok());
            for (std::size_t i = 0; i < *polled; ++i) {
                QCOMPARE(records[i].record.flags, kAvroReadingFlags);
                engine::Reading r;
                QVERIFY(codec.decode(records[i].record.payload, r) == AvroError::None);
                QCOMPARE(records[i].record.key, std::uint64_t{r.sensorId});
                QCOMPARE(records[i].record.timestampMs, r.eventTimeMs);
                const std::uint32_t topicIndex = r.sensorId / 1000;
                QCOMPARE(std::string(records[i].topic), topics[topicIndex]);
                received.push_back(r);
            }
        }
        QCOMPARE(received.size(), sent.size());
        for (const auto& s : sent) {
            QVERIFY(std::any_of(received.begin(), received.end(), [&](const engine::Reading& r) { return sameReading(r, s); }));
        }
    }

    //! The worker in Avro: Avro readings in, the same alerts as the in-process reference out in
    //! Avro on the alerts topic; a bad Avro record goes to the dead-letter topic as malformed_avro.
    void workerReadsAndPublishesAvro() {
        KafkaMockCluster mock(3);
        QCOMPARE(mock.createTopic("air-quality", kPartitions, 3), std::string());
        QCOMPARE(mock.createTopic("alerts", 3, 3), std::string());
        QCOMPARE(mock.createTopic("aggregates", 3, 3), std::string());
        QCOMPARE(mock.createTopic("dead-letters", 3, 3), std::string());
        const auto readings = scenario();
        // The CO2 rule's alerts: deterministic whatever the interleaving of partitions (the
        // sensor-health rules judge arrival order across partitions, see docs/KAFKA.md).
        std::set<std::uint64_t> expected;
        {
            engine::stream::CityJobsOutputs outputs;
            auto job = engine::stream::buildCityJobs(jobsConfig(), outputs);
            std::vector<std::vector<engine::Reading>> byPartition(kPartitions);
            for (const auto& r : readings) {
                byPartition[static_cast<std::size_t>(engine::log::partitionForKey(r.sensorId, kPartitions))].push_back(r);
            }
            for (int p = 0; p < kPartitions; ++p) job->push({}, p);
            for (int p = 0; p < kPartitions; ++p) job->push(byPartition[static_cast<std::size_t>(p)], p);
            job->finish();
            std::vector<engine::Alert> alerts;
            outputs.alerts->drain(alerts);
            for (const auto& a : alerts) {
                if (a.rule == engine::AlertRule::Co2High) expected.insert(a.id);
            }
        }
        QVERIFY(expected.size() > 10);

        KafkaSinkConfig sc;
        sc.settings = settingsFor(mock);
        auto sink = KafkaEventSink::create(sc);
        QVERIFY(sink.ok());
        AvroReadingCodec codec;
        std::vector<std::vector<std::byte>> payloads;
        std::vector<engine::log::RecordInput> records;
        for (const auto& r : readings) {
            payloads.push_back(encode(codec, r));
            records.push_back({r.eventTimeMs, r.sensorId, 0, {}});  // no flag: the worker's --format decides
        }
        payloads.push_back({std::byte{0xff}, std::byte{0xff}});  // a bad Avro record
        records.push_back({kStart, 3, kAvroReadingFlags, {}});
        for (std::size_t k = 0; k < records.size(); ++k) records[k].payload = payloads[k];
        QVERIFY((*sink)->send("air-quality", records).ok());
        QVERIFY((*sink)->flush().ok());

        KafkaWorkerConfig config = workerConfig(mock, "engine-avro");
        config.format = PayloadFormat::Avro;
        auto worker = KafkaCityWorker::create(config);
        QVERIFY2(worker.ok(), worker.ok() ? "" : worker.error().c_str());
        std::atomic<bool> stop{false};
        engine::Expected<KafkaWorkerStats, std::string> result = std::string("not run");
        std::thread run([&] { result = (*worker)->run(stop); });
        const bool done = waitFor([&] {
            const KafkaWorkerStats s = (*worker)->stats();
            return s.decoded >= readings.size() && s.alerts >= expected.size() && s.deadLettersPublished >= 1;
        }, 30s);
        stop = true;
        run.join();
        const KafkaWorkerStats st = (*worker)->stats();
        qInfo("avro worker: consumed %llu decoded %llu dead letters %llu/%llu alerts %llu (expected %zu) transactions %llu",
              static_cast<unsigned long long>(st.consumed), static_cast<unsigned long long>(st.decoded),
              static_cast<unsigned long long>(st.deadLetters), static_cast<unsigned long long>(st.deadLettersPublished),
              static_cast<unsigned long long>(st.alerts), expected.size(), static_cast<unsigned long long>(st.transactions));
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().c_str());

        const auto published = readTopic(mock.bootstrapServers(), "alerts", st.alerts, 20s, false);
        AvroAlertCodec alertCodec;
        std::set<std::uint64_t> ids;
        for (const std::string& p : published) {
            engine::Alert a;
            QVERIFY(alertCodec.decode(std::as_bytes(std::span(p.data(), p.size())), a) == AvroError::None);
            if (a.rule == engine::AlertRule::Co2High) ids.insert(a.id);
        }
        for (std::uint64_t id : expected) {
            if (!ids.contains(id)) qInfo("missing alert %016llx", static_cast<unsigned long long>(id));
        }
        for (std::uint64_t id : ids) {
            if (!expected.contains(id)) qInfo("extra alert %016llx", static_cast<unsigned long long>(id));
        }
        QVERIFY(done);
        QCOMPARE(st.deadLetters, std::uint64_t{1});
        QVERIFY(ids == expected);
        const auto dead = readTopic(mock.bootstrapServers(), "dead-letters", 1, 20s, false);
        QCOMPARE(dead.size(), std::size_t{1});
        QCOMPARE(dead[0], std::string("\xff\xff"));
    }
};

QTEST_GUILESS_MAIN(TestKafkaAvro)
#include "test_kafka_avro.moc"
