// Fuzz target: what the Kafka city worker does with one consumed message (connectors/src/kafka:
// KafkaCityWorker::Impl::push with KafkaEventSource's key and flags decoding): a raw Reading when the
// flags header says so, else the JSON decoder, else a dead letter with the reason and the payload.
// Input layout: 4 bytes flags header, 1 byte key length (mod 17), the key, the payload.
//
// The worker's loop itself is private to kafka_worker.cpp; this target replays its steps through the
// same functions (decodeKey, engine::log::readingOf, ReadingDecoder, the dead-letter fields).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "cityops/engine/log/record.h"
#include "cityops/engine/stream/dead_letters.h"
#include "cityops/engine/stream/json_codec.h"
#include "fuzz_check.h"
#include "kafka/kafka_common.h"

using namespace cityops;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) return 0;
    engine::log::RecordView record;
    record.flags = static_cast<std::uint32_t>(data[0]) | static_cast<std::uint32_t>(data[1]) << 8 |
                   static_cast<std::uint32_t>(data[2]) << 16 | static_cast<std::uint32_t>(data[3]) << 24;
    const std::size_t keyLength = std::min<std::size_t>(data[4] % 17, size - 5);
    record.key = connectors::kafka_detail::decodeKey(keyLength == 0 ? nullptr : data + 5, keyLength);
    record.payload = std::as_bytes(std::span(data + 5 + keyLength, size - 5 - keyLength));
    record.offset = 42;
    if (const auto reading = engine::log::readingOf(record)) {
        // A raw Reading is trusted as the producer wrote it (see docs/BAD_INPUT.md); only its size is checked.
        FUZZ_CHECK(record.payload.size() == sizeof(engine::Reading));
        return 0;
    }
    static engine::stream::ReadingDecoder decoder;
    engine::stream::DecodedReading out;
    const engine::stream::DecodeError error =
        decoder.decode(record.payload, std::numeric_limits<std::int64_t>::min(), out);
    if (error == engine::stream::DecodeError::None) {
        FUZZ_CHECK(std::isfinite(out.reading.value));
        return 0;
    }
    const engine::storage::DeadLetter letter =
        engine::stream::deadLetterFor(error, record.payload, "air-quality", {"air-quality", 0, record.offset}, 0);
    FUZZ_CHECK(letter.reason == engine::stream::toString(error));
    FUZZ_CHECK(letter.payload.size() == record.payload.size());
    return 0;
}
