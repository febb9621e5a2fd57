// Fuzz target: the Avro decoders of the Kafka topics (connectors/src/kafka/kafka_avro.cpp) on
// untrusted bytes. Input: 1 byte selecting the schema (even: cityops.Reading, odd: cityops.Alert),
// then the payload. Invariants: a rejection names a dead-letter reason; an accepted datum holds only
// in-range values and re-encodes to the same bytes (Avro binary encoding is canonical for these
// fixed-size types, except a varint with redundant continuation bytes, which decodes and re-encodes
// shorter: then the re-encoded bytes must decode to the same value).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "cityops/connectors/kafka_avro.h"
#include "fuzz_check.h"

using namespace cityops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static connectors::AvroReadingCodec readings({.maxPayloadBytes = 4096, .sensorCount = 100'000});
    static connectors::AvroAlertCodec alerts;
    const auto payload = std::as_bytes(std::span(data + 1, size - 1));
    if (data[0] % 2 == 0) {
        engine::Reading r;
        const connectors::AvroError error = readings.decode(payload, r);
        FUZZ_CHECK(!connectors::toString(error).empty());
        if (error != connectors::AvroError::None) return 0;
        FUZZ_CHECK(std::isfinite(r.value));
        FUZZ_CHECK(static_cast<int>(r.kind) < engine::kSensorKindCount);
        FUZZ_CHECK(static_cast<int>(r.metric) < engine::kMetricCount);
        FUZZ_CHECK(r.sensorId < 100'000);
        std::byte again[connectors::kMaxAvroReadingBytes];
        const std::size_t n = readings.encode(r, again);
        FUZZ_CHECK(n > 0 && n <= payload.size());
        engine::Reading back;
        FUZZ_CHECK(readings.decode(std::span(again, n), back) == connectors::AvroError::None);
        FUZZ_CHECK(std::memcmp(&back.value, &r.value, sizeof r.value) == 0 && back.sensorId == r.sensorId &&
                   back.seq == r.seq && back.eventTimeMs == r.eventTimeMs && back.kind == r.kind &&
                   back.metric == r.metric && back.locationId == r.locationId);
    } else {
        engine::Alert a;
        const connectors::AvroError error = alerts.decode(payload, a);
        FUZZ_CHECK(!connectors::toString(error).empty());
        if (error != connectors::AvroError::None) return 0;
        std::byte again[connectors::kMaxAvroAlertBytes];
        const std::size_t n = alerts.encode(a, again);
        FUZZ_CHECK(n > 0 && n <= payload.size());
        engine::Alert back;
        FUZZ_CHECK(alerts.decode(std::span(again, n), back) == connectors::AvroError::None);
        FUZZ_CHECK(back.id == a.id && back.rule == a.rule && back.severity == a.severity &&
                   back.sensorId == a.sensorId && back.eventTimeMs == a.eventTimeMs &&
                   back.matchedCount == a.matchedCount);
    }
    return 0;
}
