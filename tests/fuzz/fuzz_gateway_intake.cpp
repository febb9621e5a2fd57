// Fuzz target: a gateway's packet intake (connectors/src/gateway/intake.h), what the network thread
// does with each UDP datagram or TCP chunk: split into lines, validate, route, batch. The first byte
// picks the gateway (1..3) and the forwarded payload format; the rest is one datagram. Checks that
// every non-blank line is counted exactly once (accepted, filtered or rejected) and that the batch
// holds exactly the accepted ones, each a valid reading again.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "batch_channel.h"
#include "cityops/engine/log/record.h"
#include "fuzz_check.h"
#include "intake.h"

using namespace cityops;
using namespace cityops::connectors::gateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    GatewayConfig config;
    config.gateway = 1 + data[0] % 3;
    config.payload = (data[0] & 0x4) != 0 ? PayloadFormat::Reading : PayloadFormat::Json;
    config.checkTimestamps = false;                 // deterministic: no wall clock
    config.batchRecords = std::size_t{1} << 30;     // one batch per input, flushed below
    config.limits.sensorCount = (data[0] & 0x8) != 0 ? 200 : 0;
    const auto topics = detail::Intake::topicsOf(config);
    detail::BatchChannel channel(2, topics, 16);
    detail::Intake intake(config, channel);
    intake.setNow();
    intake.onDatagram(std::span(reinterpret_cast<const char*>(data + 1), size - 1));
    intake.flush();
    intake.tick();
    GatewayStats stats;
    intake.fill(stats);
    FUZZ_CHECK(stats.payloads == stats.accepted + stats.filtered + stats.rejectedTotal);
    std::size_t forwarded = 0;
    engine::stream::ReadingDecoder decoder;
    while (ForwardBatch* batch = channel.next(std::chrono::milliseconds(0))) {
        for (const BatchRecord& record : batch->records) {
            FUZZ_CHECK(record.topic < topics.size());
            const auto payload = batch->payload(record);
            if (config.payload == PayloadFormat::Json) {
                engine::stream::DecodedReading decoded;
                FUZZ_CHECK(decoder.decode(payload, std::numeric_limits<std::int64_t>::min(), decoded) ==
                           engine::stream::DecodeError::None);
                FUZZ_CHECK(decoded.reading.sensorId == record.key);
            } else {
                engine::log::RecordView view;
                view.flags = record.flags;
                view.payload = payload;
                FUZZ_CHECK(engine::log::readingOf(view).has_value());
            }
        }
        forwarded += batch->size();
        channel.release(batch);
    }
    FUZZ_CHECK(forwarded == stats.accepted);
    if (stats.rejectedTotal > 0) FUZZ_CHECK(!stats.lastRejection.empty());
    return 0;
}
