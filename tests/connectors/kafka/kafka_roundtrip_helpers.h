#pragma once
// Readings with unique ids and a consume loop that checks what comes back (round-trip tests).
#include <QtTest>

#include <map>
#include <set>

#include "cityops/connectors/kafka_client.h"
#include "cityops/connectors/kafka_mock_cluster.h"
#include "cityops/engine/log/topic_spec.h"
#include "cityops/engine/stream/json_codec.h"
#include "kafka_test_util.h"

using namespace cityops;
using namespace cityops::connectors;
using namespace kafka_test;
using engine::log::PartitionOffset;
using engine::log::SourceRecord;

namespace kafka_roundtrip_test {

inline engine::Reading reading(std::uint32_t sensor, std::uint64_t seq, engine::Metric metric, engine::SensorKind kind) {
    engine::Reading r;
    r.sensorId = sensor;
    r.seq = seq;
    r.metric = metric;
    r.kind = kind;
    r.value = 20.0 + static_cast<double>(seq % 7);
    r.eventTimeMs = 1'795'000'000'000 + static_cast<std::int64_t>(seq) * 1000 + sensor;
    r.locationId = static_cast<std::uint16_t>(sensor % 10);
    return r;
}

struct Seen {
    std::map<std::uint64_t, int> count;  //!< event key → deliveries
    std::size_t mismatches = 0;          //!< event time / key / partition not as sent
};

//! Polls source until `expected` distinct events were seen or the deadline; decodes each payload.
inline void consume(KafkaEventSource& source, Seen& seen, std::size_t expected, std::chrono::milliseconds timeout,
             const std::map<std::string, int>& partitionsOf) {
    engine::stream::ReadingDecoder decoder;
    std::vector<SourceRecord> records(512);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (seen.count.size() < expected && std::chrono::steady_clock::now() < deadline) {
        auto polled = source.poll(records, 100ms);
        QVERIFY2(polled.ok(), polled.ok() ? "" : polled.error().message.c_str());
        for (std::size_t i = 0; i < *polled; ++i) {
            const SourceRecord& rec = records[i];
            engine::stream::DecodedReading decoded;
            QVERIFY(decoder.decode(rec.record.payload, INT64_MIN, decoded) == engine::stream::DecodeError::None);
            const engine::Reading& r = decoded.reading;
            ++seen.count[eventKey(r.sensorId, r.seq)];
            const int partitions = partitionsOf.at(std::string(rec.topic));
            if (rec.record.timestampMs != r.eventTimeMs || rec.record.key != r.sensorId || rec.record.flags != 2 ||
                rec.partition != engine::log::partitionForKey(r.sensorId, partitions)) {
                ++seen.mismatches;
            }
        }
    }
}

}  // namespace kafka_roundtrip_test
