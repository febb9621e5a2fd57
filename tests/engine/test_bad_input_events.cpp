// Bad-input matrix, reading events (docs/BAD_INPUT.md cases E1–E24): every malformed or hostile
// payload the gateways, the event log and the Kafka consumer hand to the engine is rejected with its
// counted reason and kept byte for byte as a dead letter, while the good events around it survive.

#include <QtTest>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/log/record.h"
#include "cityops/engine/stream/dead_letters.h"
#include "cityops/engine/stream/dedup.h"
#include "cityops/engine/stream/json_codec.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

constexpr std::int64_t kNow = 1'795'428'000'000;  // 2026-11-23T10:00:00Z, the live gateway's clock
constexpr std::uint32_t kSensors = 200;

std::span<const std::byte> bytesOf(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }

//! The documented example with one member's raw JSON value replaced (or the member added).
std::string payloadWith(std::string_view member = {}, std::string_view raw = {}) {
    std::string fields[][2] = {{"event_id", "\"17-4211\""}, {"sensor_id", "17"},  {"type", "\"air_quality\""},
                               {"metric", "\"co2\""},       {"value", "812.4"},   {"timestamp", "1795427990000"},
                               {"seq", "4211"},             {"location_id", "3"}};
    bool replaced = false;
    std::string out = "{";
    for (auto& f : fields) {
        if (f[0] == member) {
            replaced = true;
            if (raw.empty()) continue;  // removed
            f[1] = std::string(raw);
        }
        if (out.size() > 1) out += ',';
        out += "\"" + f[0] + "\":" + f[1];
    }
    if (!replaced && !member.empty()) out += ",\"" + std::string(member) + "\":" + std::string(raw);
    return out + "}";
}

DecoderLimits liveLimits() {
    DecoderLimits limits;
    limits.sensorCount = kSensors;
    return limits;
}

QByteArray qbytes(const std::string& s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); }

}  // namespace

class TestBadInputEvents : public QObject {
    Q_OBJECT

private slots:
    //! Each case: payload → reason, as a live gateway decodes it (time window and registry checks on).
    void rejectedWithReason_data() {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("reason");
        const std::string nested = std::string(1500, '[') + std::string(1500, ']');
        QTest::newRow("E1 truncated JSON") << qbytes(payloadWith().substr(0, 40)) << "malformed_json";
        QTest::newRow("E2 empty payload") << QByteArray() << "malformed_json";
        QTest::newRow("E3 not an object") << QByteArray("[1,2,3]") << "malformed_json";
        QTest::newRow("E4 value is a string") << qbytes(payloadWith("value", "\"812.4\"")) << "wrong_type";
        QTest::newRow("E5 sensor_id fractional") << qbytes(payloadWith("sensor_id", "17.5")) << "wrong_type";
        QTest::newRow("E6 sensor_id negative") << qbytes(payloadWith("sensor_id", "-1")) << "wrong_type";
        QTest::newRow("E7 value NaN") << qbytes(payloadWith("value", "\"NaN\"")) << "non_finite_value";
        QTest::newRow("E8 value -Infinity") << qbytes(payloadWith("value", "\"-Infinity\"")) << "non_finite_value";
        QTest::newRow("E9 bare NaN token") << qbytes(payloadWith("value", "NaN")) << "non_finite_value";
        QTest::newRow("E10 1 MB payload")
            << qbytes(payloadWith("pad", "\"" + std::string(1 << 20, 'x') + "\"")) << "oversize";
        QTest::newRow("E11 invalid UTF-8") << qbytes(payloadWith("event_id", "\"17-\xff\xfe\"")) << "malformed_json";
        QTest::newRow("E12 timestamp in 1970") << qbytes(payloadWith("timestamp", "0")) << "timestamp_too_old";
        QTest::newRow("E13 timestamp in 2100") << qbytes(payloadWith("timestamp", "4102444800000")) << "timestamp_in_future";
        QTest::newRow("E14 ISO timestamp in 2100")
            << qbytes(payloadWith("timestamp", "\"2100-01-01T00:00:00Z\"")) << "timestamp_in_future";
        QTest::newRow("E15 unknown sensor") << qbytes(payloadWith("sensor_id", "5000")) << "unknown_sensor";
        QTest::newRow("E16 negative vehicle count")
            << QByteArray(R"({"sensor_id":3,"type":"traffic","metric":"vehicle_count","value":-5,)"
                          R"("timestamp":1795427990000,"seq":1})")
            << "wrong_type";
        QTest::newRow("E17 unknown type") << qbytes(payloadWith("type", "\"plasma\"")) << "unknown_kind";
        QTest::newRow("E18 metric of another type") << qbytes(payloadWith("metric", "\"traffic_speed\"")) << "unknown_kind";
        QTest::newRow("E19 missing value") << qbytes(payloadWith("value", "")) << "missing_field";
        QTest::newRow("E20 impossible date") << qbytes(payloadWith("timestamp", "\"2026-02-30T10:00:00Z\"")) << "wrong_type";
        QTest::newRow("E21 nesting 1500 deep") << qbytes(payloadWith("extra", nested)) << "malformed_json";
        QTest::newRow("E22 binary garbage") << QByteArray("\x00\x01\xff{\"a\"\x80", 7) << "malformed_json";
        QTest::newRow("E27 Avro (Confluent framing) on a JSON topic")
            << QByteArray("\x00\x00\x00\x00\x07\x22\x06" "co2" "\x9a\x99\x99\x99\x99\x99\x29\x40", 18) << "malformed_json";
        QTest::newRow("E23 number overflow 1e999") << qbytes(payloadWith("value", "1e999")) << "malformed_json";
    }
    void rejectedWithReason() {
        QFETCH(QByteArray, payload);
        QFETCH(QString, reason);
        ReadingDecoder decoder(liveLimits());
        DecodedReading out;
        const std::string_view text(payload.constData(), static_cast<std::size_t>(payload.size()));
        const DecodeError error = decoder.decode(bytesOf(text), kNow, out);
        QCOMPARE(QString::fromLatin1(toString(error).data(), static_cast<qsizetype>(toString(error).size())), reason);
        QCOMPARE(decoder.counts()[static_cast<std::size_t>(error)], std::uint64_t{1});
        QCOMPARE(decoder.counts()[0], std::uint64_t{0});
        const storage::DeadLetter letter = deadLetterFor(error, bytesOf(text), "air-quality", {"air-quality", 2, 77}, kNow);
        QCOMPARE(QString::fromStdString(letter.reason), reason);
        QCOMPARE(letter.sourceRef, std::string("air-quality/2/77"));
        QVERIFY(letter.payload == text);  // kept byte for byte, also when it is not text
    }

    //! No data loss: every bad payload of the matrix sits between two good ones in one batch, decoded
    //! the way the consumers do (a reading, or a dead letter); all good readings come out in order.
    void goodNeighboursSurvive() {
        ReadingDecoder decoder(liveLimits());
        std::vector<std::string> batch;
        std::vector<std::string> bad;
        for (const std::string& b : {payloadWith().substr(0, 40), payloadWith("value", "\"NaN\""), payloadWith("timestamp", "0"),
                                     payloadWith("sensor_id", "5000"), std::string("\xff\xfe garbage")}) {
            bad.push_back(b);
        }
        for (std::size_t i = 0; i < bad.size(); ++i) {
            batch.push_back(payloadWith("seq", std::to_string(2 * i)));
            batch.push_back(bad[i]);
        }
        batch.push_back(payloadWith("seq", "999"));
        std::vector<Reading> readings;
        std::vector<storage::DeadLetter> dead;
        std::uint64_t offset = 0;
        for (const std::string& p : batch) {
            DecodedReading out;
            const DecodeError error = decoder.decode(bytesOf(p), kNow, out);
            if (error == DecodeError::None) {
                readings.push_back(out.reading);
            } else {
                dead.push_back(deadLetterFor(error, bytesOf(p), "air-quality", {"air-quality", 0, offset}, kNow));
            }
            ++offset;
        }
        QCOMPARE(readings.size(), bad.size() + 1);
        QCOMPARE(dead.size(), bad.size());
        for (std::size_t i = 0; i < bad.size(); ++i) {
            QCOMPARE(readings[i].seq, std::uint64_t{2 * i});
            QCOMPARE(dead[i].payload, bad[i]);
            QCOMPARE(dead[i].sourceRef, "air-quality/0/" + std::to_string(2 * i + 1));
        }
        QCOMPARE(readings.back().seq, std::uint64_t{999});
        QCOMPARE(decoder.counts()[0], std::uint64_t{bad.size() + 1});
    }

    //! E24: the same event id (and metric) twice is admitted once; another metric of the same
    //! transmission is not a duplicate.
    void duplicateEventIdAdmittedOnce() {
        ReadingDecoder decoder;
        DecodedReading a, b, c;
        const std::string co2 = payloadWith();
        QVERIFY(decoder.decode(bytesOf(co2), kNow, a) == DecodeError::None);
        QVERIFY(decoder.decode(bytesOf(co2), kNow, b) == DecodeError::None);
        const std::string pm = payloadWith("metric", "\"pm25\"");
        QVERIFY(decoder.decode(bytesOf(pm), kNow, c) == DecodeError::None);
        DedupState dedup(DedupConfig{});
        QVERIFY(dedup.admit(a.reading.sensorId, readingDedupId(a), a.reading.eventTimeMs));
        QVERIFY(!dedup.admit(b.reading.sensorId, readingDedupId(b), b.reading.eventTimeMs));
        QVERIFY(dedup.admit(c.reading.sensorId, readingDedupId(c), c.reading.eventTimeMs));
    }

    //! E25: on the replay paths (event log, Kafka worker) time checks are off (simulated clocks), so
    //! a 1970 timestamp is taken as event time; the live gateway rejects it (E12).
    void replayPathsKeepSimulatedTime() {
        ReadingDecoder decoder;
        DecodedReading out;
        const std::string old = payloadWith("timestamp", "0");
        QVERIFY(decoder.decode(bytesOf(old), std::numeric_limits<std::int64_t>::min(), out) == DecodeError::None);
        QCOMPARE(out.reading.eventTimeMs, std::int64_t{0});
    }

    //! E26: a Kafka/log record flagged as a raw Reading is trusted only when its bytes are a valid
    //! Reading: an out-of-range metric or kind, or a non-finite value, is not one (it then goes to the
    //! JSON decoder and becomes a malformed_json dead letter instead of indexing past a table).
    void rawReadingOutOfRangeIsNotTrusted() {
        Reading good;
        good.kind = SensorKind::AirQuality;
        good.metric = Metric::Co2;
        good.value = 500.0;
        log::RecordView record;
        record.flags = log::kReadingPayload;
        record.payload = std::as_bytes(std::span(&good, 1));
        QVERIFY(log::readingOf(record).has_value());

        for (int variant = 0; variant < 3; ++variant) {
            Reading bad = good;
            if (variant == 0) std::memset(&bad.metric, 0xc8, 1);  // metric 200
            if (variant == 1) std::memset(&bad.kind, 0x40, 1);    // kind 64
            if (variant == 2) bad.value = std::numeric_limits<double>::quiet_NaN();
            record.payload = std::as_bytes(std::span(&bad, 1));
            QVERIFY2(!log::readingOf(record).has_value(), QByteArray::number(variant).constData());
            ReadingDecoder decoder;
            DecodedReading out;
            QVERIFY(decoder.decode(record.payload, std::numeric_limits<std::int64_t>::min(), out) == DecodeError::MalformedJson);
        }
    }
};

QTEST_GUILESS_MAIN(TestBadInputEvents)
#include "test_bad_input_events.moc"
