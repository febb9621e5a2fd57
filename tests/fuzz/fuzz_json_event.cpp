// Fuzz target: the JSON reading decoder (engine::stream::ReadingDecoder), the path every reading
// takes from the gateways, the event log and the Kafka consumer into the engine. Checks that a
// payload is either rejected with a reason or decodes to a valid reading that re-encodes to itself.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "cityops/engine/stream/json_codec.h"
#include "fuzz_check.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

void checkAccepted(const DecodedReading& d) {
    FUZZ_CHECK(std::isfinite(d.reading.value));
    FUZZ_CHECK(static_cast<int>(d.reading.metric) < kMetricCount);
    FUZZ_CHECK(static_cast<int>(d.reading.kind) < kSensorKindCount);
    FUZZ_CHECK(kindOfMetric(d.reading.metric) == d.reading.kind);
    char buffer[kMaxReadingJsonBytes];
    const std::size_t n = encodeReadingJson(d.reading, buffer);
    FUZZ_CHECK(n > 0);
    static ReadingDecoder again;
    DecodedReading back;
    FUZZ_CHECK(again.decode(std::as_bytes(std::span(buffer, n)), std::numeric_limits<std::int64_t>::min(), back) ==
               DecodeError::None);
    FUZZ_CHECK(back.reading.eventTimeMs == d.reading.eventTimeMs);
    FUZZ_CHECK(back.reading.sensorId == d.reading.sensorId);
    FUZZ_CHECK(back.reading.seq == d.reading.seq);
    FUZZ_CHECK(back.reading.metric == d.reading.metric);
    FUZZ_CHECK(back.reading.locationId == d.reading.locationId);
    FUZZ_CHECK(back.reading.value == d.reading.value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static ReadingDecoder open;  // default limits, time checks off (as the Kafka worker and the log)
    static ReadingDecoder strict([] {
        DecoderLimits limits;
        limits.sensorCount = 200;
        return limits;
    }());
    const auto payload = std::as_bytes(std::span(data, size));
    DecodedReading out;
    if (open.decode(payload, std::numeric_limits<std::int64_t>::min(), out) == DecodeError::None) checkAccepted(out);
    // As a live gateway: "now" = 2026-11-23 10:00 UTC, far-past/future and unknown-sensor checks on.
    if (strict.decode(payload, 1795428000000, out) == DecodeError::None) {
        checkAccepted(out);
        FUZZ_CHECK(out.reading.sensorId < 200);
    }
    return 0;
}
