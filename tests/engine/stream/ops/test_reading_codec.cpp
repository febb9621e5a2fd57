#include <QtTest>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "cityops/engine/stream/dead_letters.h"
#include "cityops/engine/stream/json_codec.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

QString nameOf(DecodeError error) {
    const std::string_view name = toString(error);
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}
#define QCOMPARE_ERR(actual, expected) QCOMPARE(nameOf(actual), nameOf(expected))

constexpr std::int64_t kNoReference = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kNow = 1'795'426'800'000;  // 2026-11-23T05:00:00Z

std::span<const std::byte> bytesOf(std::string_view text) { return std::as_bytes(std::span(text.data(), text.size())); }

DecodeError decodeText(ReadingDecoder& decoder, std::string_view text, DecodedReading& out,
                       std::int64_t reference = kNoReference) {
    return decoder.decode(bytesOf(text), reference, out);
}

DecodeError decodeText(std::string_view text, DecoderLimits limits = {}, std::int64_t reference = kNoReference) {
    ReadingDecoder decoder(limits);
    DecodedReading out;
    return decodeText(decoder, text, out, reference);
}

const char* const kValid =
    R"({"event_id":"17-4211","sensor_id":17,"type":"air_quality","metric":"co2","value":812.4,)"
    R"("timestamp":1795426800123,"seq":4211,"location_id":3})";

std::string withMember(std::string_view member, std::string_view replacement) {
    // Replaces `"member":<value>` in kValid by replacement (empty: removes it).
    std::string text = kValid;
    const std::string key = "\"" + std::string(member) + "\":";
    const auto start = text.find(key);
    auto end = start + key.size();
    int depth = 0;
    bool inString = false;
    for (; end < text.size(); ++end) {
        const char c = text[end];
        if (inString) {
            inString = c != '"';
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) {
                break;
            }
            --depth;
        } else if (c == ',' && depth == 0) {
            break;
        }
    }
    if (replacement.empty()) {
        const bool commaAfter = end < text.size() && text[end] == ',';
        text.erase(start, end - start + (commaAfter ? 1 : 0));
        if (!commaAfter && text[start - 1] == ',') {
            text.erase(start - 1, 1);
        }
    } else {
        text.replace(start, end - start, replacement);
    }
    return text;
}

Reading randomReading(std::mt19937_64& rng) {
    Reading r;
    r.eventTimeMs = static_cast<std::int64_t>(rng());
    r.seq = rng();
    r.sensorId = static_cast<std::uint32_t>(rng());
    r.locationId = static_cast<std::uint16_t>(rng());
    r.metric = static_cast<Metric>(rng() % kMetricCount);
    r.kind = kindOfMetric(r.metric);
    switch (rng() % 4) {
        case 0: {  // any finite bit pattern: subnormals, huge, tiny, negative zero
            double v = 0.0;
            do {
                v = std::bit_cast<double>(rng());
            } while (!std::isfinite(v));
            r.value = v;
            break;
        }
        case 1:
            r.value = std::round(std::uniform_real_distribution<double>(-1000, 5000)(rng) * 10) / 10;
            break;
        case 2:
            r.value = static_cast<double>(static_cast<std::int64_t>(rng()) >> (rng() % 64));
            break;
        default:
            r.value = std::uniform_real_distribution<double>(0, 1)(rng);
            break;
    }
    // A negative vehicle count is refused by design (a wrong_type dead letter, docs/BAD_INPUT.md).
    if (r.metric == Metric::VehicleCount) r.value = std::fabs(r.value);
    return r;
}

}  // namespace

//! The reading JSON codec: round trips, every rejection reason, robustness on garbage.
class TestReadingCodec : public QObject {
    Q_OBJECT

private slots:
    void decodesTheDocumentedExample();
    void defaultsForOptionalMembers();
    void isoTimestamps();
    void isoTimestamps_data();
    void roundTripIsBitExact();
    void specialValuesRoundTrip();
    void encoderReportsSmallBuffer();
    void rejections();
    void rejections_data();
    void timestampWindow();
    void unknownSensor();
    void oversize();
    void countsPerReason();
    void randomBytesNeverCrash();
    void truncationsAreMalformed();
    void deadLetterCarriesPayloadAndPosition();
    void dedupIdSeparatesMetrics();
};

void TestReadingCodec::decodesTheDocumentedExample() {
    ReadingDecoder decoder;
    DecodedReading out;
    QCOMPARE_ERR(decodeText(decoder, kValid, out, kNow), DecodeError::None);
    QCOMPARE(out.reading.sensorId, 17u);
    QCOMPARE(int(out.reading.kind), int(SensorKind::AirQuality));
    QCOMPARE(int(out.reading.metric), int(Metric::Co2));
    QCOMPARE(out.reading.value, 812.4);
    QCOMPARE(out.reading.eventTimeMs, 1795426800123);
    QCOMPARE(out.reading.seq, 4211u);
    QCOMPARE(out.reading.locationId, std::uint16_t{3});
    QCOMPARE(out.eventId, eventIdHash("17-4211"));
    // Member order does not matter, unknown members (any JSON) are ignored.
    QCOMPARE_ERR(decodeText(decoder,
                        R"({"extra":{"a":[1,2,{"b":null}]},"timestamp":1795426800123,"value":812.4,"metric":"co2",)"
                        R"("type":"air_quality","sensor_id":17,"seq":4211,"location_id":3,"event_id":"17-4211"})",
                        out, kNow),
             DecodeError::None);
    QCOMPARE(out.reading.value, 812.4);
    QCOMPARE(out.eventId, eventIdHash("17-4211"));
}

void TestReadingCodec::defaultsForOptionalMembers() {
    ReadingDecoder decoder;
    DecodedReading out;
    QCOMPARE_ERR(decodeText(decoder, R"({"sensor_id":5,"type":"traffic","metric":"traffic_speed","value":42,"timestamp":0})", out),
             DecodeError::None);
    QCOMPARE(out.reading.seq, 0u);
    QCOMPARE(out.reading.locationId, std::uint16_t{0});
    QCOMPARE(out.eventId, eventIdHash("5-0"));
    QCOMPARE(out.reading.value, 42.0);
    QCOMPARE_ERR(decodeText(decoder, R"({"sensor_id":5,"type":"traffic","metric":"traffic_speed","value":42,"timestamp":0,"seq":9})",
                        out),
             DecodeError::None);
    QCOMPARE(out.eventId, eventIdHash("5-9"));
    // A fractional numeric timestamp is floored to the millisecond.
    QCOMPARE_ERR(decodeText(decoder, R"({"sensor_id":5,"type":"traffic","metric":"traffic_speed","value":1,"timestamp":1500.9})", out),
             DecodeError::None);
    QCOMPARE(out.reading.eventTimeMs, 1500);
}

void TestReadingCodec::isoTimestamps_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("expected");  // -1: rejected as wrong_type
    QTest::newRow("Z with ms") << "2026-11-23T10:00:00.123Z" << qint64(1795428000123);
    QTest::newRow("Z no fraction") << "2026-11-23T10:00:00Z" << qint64(1795428000000);
    QTest::newRow("microseconds truncated") << "2026-11-23T10:00:00.123999Z" << qint64(1795428000123);
    QTest::newRow("one fraction digit") << "2026-11-23T10:00:00.5Z" << qint64(1795428000500);
    QTest::newRow("offset +02:00") << "2026-11-23T12:00:00.123+02:00" << qint64(1795428000123);
    QTest::newRow("offset -0130") << "2026-11-23T08:30:00-0130" << qint64(1795428000000);
    QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64(0);
    QTest::newRow("before epoch") << "1969-12-31T23:59:59.999Z" << qint64(-1);
    QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << qint64(1709164800000);
    QTest::newRow("no leap day 2023") << "2023-02-29T00:00:00Z" << qint64(std::numeric_limits<qint64>::min());
    QTest::newRow("no zone") << "2026-11-23T10:00:00" << qint64(std::numeric_limits<qint64>::min());
    QTest::newRow("month 13") << "2026-13-01T00:00:00Z" << qint64(std::numeric_limits<qint64>::min());
    QTest::newRow("hour 24") << "2026-11-23T24:00:00Z" << qint64(std::numeric_limits<qint64>::min());
    QTest::newRow("trailing text") << "2026-11-23T10:00:00Zx" << qint64(std::numeric_limits<qint64>::min());
    QTest::newRow("date only") << "2026-11-23" << qint64(std::numeric_limits<qint64>::min());
    QTest::newRow("numeric string") << "1795428000123" << qint64(std::numeric_limits<qint64>::min());
}

void TestReadingCodec::isoTimestamps() {
    QFETCH(QString, text);
    QFETCH(qint64, expected);
    const std::string payload = withMember("timestamp", "\"timestamp\":\"" + text.toStdString() + "\"");
    ReadingDecoder decoder;
    DecodedReading out;
    const DecodeError error = decodeText(decoder, payload, out);
    if (expected == std::numeric_limits<qint64>::min()) {
        QCOMPARE_ERR(error, DecodeError::WrongType);
    } else {
        QCOMPARE_ERR(error, DecodeError::None);
        QCOMPARE(out.reading.eventTimeMs, expected);
    }
}

void TestReadingCodec::roundTripIsBitExact() {
    std::mt19937_64 rng(20261123);
    ReadingDecoder decoder;
    char buffer[kMaxReadingJsonBytes];
    std::size_t longest = 0;
    for (int i = 0; i < 20000; ++i) {
        const Reading r = randomReading(rng);
        const std::size_t n = encodeReadingJson(r, buffer);
        QVERIFY(n > 0);
        longest = std::max(longest, n);
        DecodedReading out;
        const std::string_view text(buffer, n);
        const DecodeError error = decodeText(decoder, text, out);
        if (error != DecodeError::None) {
            QFAIL(qPrintable(QStringLiteral("decode failed (%1): %2")
                                 .arg(QString::fromLatin1(toString(error).data()), QString::fromUtf8(text.data(), int(n)))));
        }
        QCOMPARE(std::bit_cast<std::uint64_t>(out.reading.value), std::bit_cast<std::uint64_t>(r.value));
        QCOMPARE(out.reading.eventTimeMs, r.eventTimeMs);
        QCOMPARE(out.reading.seq, r.seq);
        QCOMPARE(out.reading.sensorId, r.sensorId);
        QCOMPARE(out.reading.locationId, r.locationId);
        QCOMPARE(int(out.reading.kind), int(r.kind));
        QCOMPARE(int(out.reading.metric), int(r.metric));
        QCOMPARE(out.eventId, eventIdHash(std::to_string(r.sensorId) + "-" + std::to_string(r.seq)));
    }
    QVERIFY(longest <= kMaxReadingJsonBytes);
}

void TestReadingCodec::specialValuesRoundTrip() {
    const double values[] = {0.0,
                             -0.0,
                             5e-324,
                             -5e-324,
                             2.2250738585072014e-308,
                             std::numeric_limits<double>::max(),
                             -std::numeric_limits<double>::max(),
                             1e22,
                             18446744073709551616.0,
                             9223372036854775808.0,
                             123456789012345680000.0,
                             0.1,
                             812.4,
                             -1.5};
    ReadingDecoder decoder;
    char buffer[kMaxReadingJsonBytes];
    Reading r;
    r.kind = SensorKind::Energy;
    r.metric = Metric::EnergyKwh;
    r.eventTimeMs = std::numeric_limits<std::int64_t>::min();
    r.seq = std::numeric_limits<std::uint64_t>::max();
    r.sensorId = std::numeric_limits<std::uint32_t>::max();
    r.locationId = std::numeric_limits<std::uint16_t>::max();
    for (const double v : values) {
        r.value = v;
        const std::size_t n = encodeReadingJson(r, buffer);
        QVERIFY(n > 0 && n <= kMaxReadingJsonBytes);
        DecodedReading out;
        QCOMPARE_ERR(decodeText(decoder, std::string_view(buffer, n), out), DecodeError::None);
        QCOMPARE(std::bit_cast<std::uint64_t>(out.reading.value), std::bit_cast<std::uint64_t>(v));
        QCOMPARE(out.reading.eventTimeMs, r.eventTimeMs);
        QCOMPARE(out.reading.seq, r.seq);
    }
    // Non-finite values are encoded (nothing is lost) and rejected by the decoder.
    for (const double v : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()}) {
        r.value = v;
        const std::size_t n = encodeReadingJson(r, buffer);
        QVERIFY(n > 0);
        DecodedReading out;
        QCOMPARE_ERR(decodeText(decoder, std::string_view(buffer, n), out), DecodeError::NonFiniteValue);
    }
}

void TestReadingCodec::encoderReportsSmallBuffer() {
    Reading r;
    r.value = 812.4;
    char big[kMaxReadingJsonBytes];
    const std::size_t n = encodeReadingJson(r, big);
    QVERIFY(n > 10);
    char small[kMaxReadingJsonBytes];
    QCOMPARE(encodeReadingJson(r, std::span(small, n - 1)), std::size_t{0});
    QCOMPARE(encodeReadingJson(r, std::span(small, n)), n);
    QCOMPARE(std::memcmp(big, small, n), 0);
}

void TestReadingCodec::rejections_data() {
    QTest::addColumn<QString>("payload");
    QTest::addColumn<int>("expected");
    const auto row = [](const char* name, const std::string& payload, DecodeError error) {
        QTest::newRow(name) << QString::fromStdString(payload) << static_cast<int>(error);
    };
    // Not a JSON object.
    row("empty", "", DecodeError::MalformedJson);
    row("whitespace", "   ", DecodeError::MalformedJson);
    row("array root", "[1,2,3]", DecodeError::MalformedJson);
    row("number root", "42", DecodeError::MalformedJson);
    row("string root", "\"x\"", DecodeError::MalformedJson);
    row("null root", "null", DecodeError::MalformedJson);
    row("truncated", std::string(kValid).substr(0, 60), DecodeError::MalformedJson);
    row("missing brace", std::string(kValid).substr(0, std::string(kValid).size() - 1), DecodeError::MalformedJson);
    row("trailing garbage", std::string(kValid) + "x", DecodeError::MalformedJson);
    row("two objects", std::string(kValid) + "{}", DecodeError::MalformedJson);
    row("bad literal in unknown member", withMember("location_id", R"("location_id":3,"x":tru)"), DecodeError::MalformedJson);
    row("single quotes", "{'sensor_id':17}", DecodeError::MalformedJson);
    row("invalid utf8", std::string("{\"event_id\":\"\xff\xfe\",") + std::string(kValid).substr(24), DecodeError::MalformedJson);
    row("number beyond double range", withMember("value", R"("value":1e999)"), DecodeError::MalformedJson);
    // Missing required members.
    row("no sensor_id", withMember("sensor_id", ""), DecodeError::MissingField);
    row("no type", withMember("type", ""), DecodeError::MissingField);
    row("no metric", withMember("metric", ""), DecodeError::MissingField);
    row("no value", withMember("value", ""), DecodeError::MissingField);
    row("no timestamp", withMember("timestamp", ""), DecodeError::MissingField);
    row("empty object", "{}", DecodeError::MissingField);
    // Wrong types.
    row("value string", withMember("value", R"("value":"812.4")"), DecodeError::WrongType);
    row("value null", withMember("value", R"("value":null)"), DecodeError::WrongType);
    row("value array", withMember("value", R"("value":[812.4])"), DecodeError::WrongType);
    row("value bool", withMember("value", R"("value":true)"), DecodeError::WrongType);
    row("sensor negative", withMember("sensor_id", R"("sensor_id":-1)"), DecodeError::WrongType);
    row("sensor fractional", withMember("sensor_id", R"("sensor_id":17.5)"), DecodeError::WrongType);
    row("sensor string", withMember("sensor_id", R"("sensor_id":"17")"), DecodeError::WrongType);
    row("sensor beyond 32 bits", withMember("sensor_id", R"("sensor_id":4294967296)"), DecodeError::WrongType);
    row("location beyond 16 bits", withMember("location_id", R"("location_id":65536)"), DecodeError::WrongType);
    row("seq negative", withMember("seq", R"("seq":-4)"), DecodeError::WrongType);
    row("timestamp bool", withMember("timestamp", R"("timestamp":false)"), DecodeError::WrongType);
    row("timestamp object", withMember("timestamp", R"("timestamp":{"ms":1})"), DecodeError::WrongType);
    row("timestamp beyond int64", withMember("timestamp", R"("timestamp":18446744073709551615)"), DecodeError::WrongType);
    row("timestamp bad text", withMember("timestamp", R"("timestamp":"yesterday")"), DecodeError::WrongType);
    row("type number", withMember("type", R"("type":3)"), DecodeError::WrongType);
    row("event_id number", withMember("event_id", R"("event_id":17)"), DecodeError::WrongType);
    // Non-finite values.
    row("NaN string", withMember("value", R"("value":"NaN")"), DecodeError::NonFiniteValue);
    row("Infinity string", withMember("value", R"("value":"Infinity")"), DecodeError::NonFiniteValue);
    row("-Infinity string", withMember("value", R"("value":"-Infinity")"), DecodeError::NonFiniteValue);
    row("nan lower string", withMember("value", R"("value":"nan")"), DecodeError::NonFiniteValue);
    row("bare NaN", withMember("value", R"("value":NaN)"), DecodeError::NonFiniteValue);
    row("bare Infinity", withMember("value", R"("value":Infinity)"), DecodeError::NonFiniteValue);
    row("bare -Infinity", withMember("value", R"("value":-Infinity)"), DecodeError::NonFiniteValue);
    row("NaN text inside a string is not bare", withMember("event_id", R"("event_id":"NaN":)"), DecodeError::MalformedJson);
    // Unknown kinds.
    row("unknown type", withMember("type", R"("type":"weather")"), DecodeError::UnknownKind);
    row("unknown metric", withMember("metric", R"("metric":"co3")"), DecodeError::UnknownKind);
    row("metric of another type", withMember("metric", R"("metric":"traffic_speed")"), DecodeError::UnknownKind);
    row("case matters", withMember("type", R"("type":"AIR_QUALITY")"), DecodeError::UnknownKind);
    // The first problem in document order wins; a syntax error anywhere wins over all.
    row("first problem in order", withMember("sensor_id", R"("sensor_id":"x")") .replace(1, 0, R"("value":"NaN",)"),
        DecodeError::NonFiniteValue);
    row("syntax error after a wrong type", withMember("sensor_id", R"("sensor_id":"x")") + ",", DecodeError::MalformedJson);
    // Repeated members: each occurrence is checked, the last one's value is kept.
    row("repeated member, both valid", withMember("value", R"("value":2,"value":1.5)"), DecodeError::None);
    row("repeated member, first invalid", withMember("value", R"("value":"x","value":1.5)"), DecodeError::WrongType);
}

void TestReadingCodec::rejections() {
    QFETCH(QString, payload);
    QFETCH(int, expected);
    const QByteArray utf8 = payload.toUtf8();
    // Invalid UTF-8 rows do not survive QString; rebuild that one byte-exactly.
    std::string text(utf8.constData(), static_cast<std::size_t>(utf8.size()));
    if (QByteArray(QTest::currentDataTag()) == "invalid utf8") {
        text = std::string("{\"event_id\":\"\xff\xfe\",") + std::string(kValid).substr(24);
    }
    const DecodeError error = decodeText(text);
    QCOMPARE_ERR(error, static_cast<DecodeError>(expected));
}

void TestReadingCodec::timestampWindow() {
    DecoderLimits limits;
    limits.maxPastMs = 24 * 3600 * 1000;
    limits.maxFutureMs = 60 * 1000;
    const auto at = [&](std::int64_t t) {
        return decodeText(withMember("timestamp", "\"timestamp\":" + std::to_string(t)), limits, kNow);
    };
    QCOMPARE_ERR(at(kNow), DecodeError::None);
    QCOMPARE_ERR(at(kNow - limits.maxPastMs), DecodeError::None);
    QCOMPARE_ERR(at(kNow - limits.maxPastMs - 1), DecodeError::TimestampTooOld);
    QCOMPARE_ERR(at(0), DecodeError::TimestampTooOld);
    QCOMPARE_ERR(at(kNow + limits.maxFutureMs), DecodeError::None);
    QCOMPARE_ERR(at(kNow + limits.maxFutureMs + 1), DecodeError::TimestampInFuture);
    QCOMPARE_ERR(at(std::numeric_limits<std::int64_t>::max()), DecodeError::TimestampInFuture);
    QCOMPARE_ERR(at(std::numeric_limits<std::int64_t>::min()), DecodeError::TimestampTooOld);
    // INT64_MIN as the reference skips the checks.
    QCOMPARE_ERR(decodeText(withMember("timestamp", "\"timestamp\":0"), limits, kNoReference), DecodeError::None);
    // Reference times at the ends of the range do not overflow.
    QCOMPARE_ERR(decodeText(withMember("timestamp", "\"timestamp\":0"), limits, std::numeric_limits<std::int64_t>::max()),
             DecodeError::TimestampTooOld);
    QCOMPARE_ERR(decodeText(withMember("timestamp", "\"timestamp\":0"), limits, std::numeric_limits<std::int64_t>::min() + 1),
             DecodeError::TimestampInFuture);
}

void TestReadingCodec::unknownSensor() {
    DecoderLimits limits;
    limits.sensorCount = 18;
    QCOMPARE_ERR(decodeText(kValid, limits), DecodeError::None);  // sensor 17
    limits.sensorCount = 17;
    QCOMPARE_ERR(decodeText(kValid, limits), DecodeError::UnknownSensor);
    limits.sensorCount = 0;  // any
    QCOMPARE_ERR(decodeText(withMember("sensor_id", R"("sensor_id":4294967295)"), limits), DecodeError::None);
}

void TestReadingCodec::oversize() {
    DecoderLimits limits;
    const std::string text = kValid;
    limits.maxPayloadBytes = text.size();
    QCOMPARE_ERR(decodeText(text, limits), DecodeError::None);
    limits.maxPayloadBytes = text.size() - 1;
    QCOMPARE_ERR(decodeText(text, limits), DecodeError::Oversize);
    // A large payload padded with an unknown member: oversize before any parsing.
    const std::string big = withMember("location_id", "\"location_id\":3,\"pad\":\"" + std::string(5000, 'x') + "\"");
    QCOMPARE_ERR(decodeText(big), DecodeError::Oversize);
    DecoderLimits roomy;
    roomy.maxPayloadBytes = 8192;
    QCOMPARE_ERR(decodeText(big, roomy), DecodeError::None);
}

void TestReadingCodec::countsPerReason() {
    ReadingDecoder decoder;
    DecodedReading out;
    QCOMPARE_ERR(decodeText(decoder, kValid, out), DecodeError::None);
    QCOMPARE_ERR(decodeText(decoder, kValid, out), DecodeError::None);
    QCOMPARE_ERR(decodeText(decoder, "[", out), DecodeError::MalformedJson);
    QCOMPARE_ERR(decodeText(decoder, withMember("value", ""), out), DecodeError::MissingField);
    QCOMPARE_ERR(decodeText(decoder, withMember("value", R"("value":"NaN")"), out), DecodeError::NonFiniteValue);
    const auto& counts = decoder.counts();
    QCOMPARE(counts[0], 2u);
    QCOMPARE(counts[static_cast<std::size_t>(DecodeError::MalformedJson)], 1u);
    QCOMPARE(counts[static_cast<std::size_t>(DecodeError::MissingField)], 1u);
    QCOMPARE(counts[static_cast<std::size_t>(DecodeError::NonFiniteValue)], 1u);
    QCOMPARE(counts[static_cast<std::size_t>(DecodeError::WrongType)], 0u);
    // A rejected payload leaves the output untouched; names are distinct and stable.
    QCOMPARE(out.reading.value, 812.4);
    QSet<QString> names;
    for (int i = 0; i < kDecodeErrorCount; ++i) {
        names.insert(QString::fromLatin1(toString(static_cast<DecodeError>(i)).data()));
    }
    QCOMPARE(names.size(), kDecodeErrorCount);
    QCOMPARE(nameOf(DecodeError::MalformedJson), QStringLiteral("malformed_json"));
}

void TestReadingCodec::randomBytesNeverCrash() {
    std::mt19937_64 rng(7);
    ReadingDecoder decoder;
    DecodedReading out;
    std::string text;
    const std::string alphabet = "{}[]\":,0123456789.-+eE truefalsnl\\u\"abc";
    std::uint64_t accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::size_t n = rng() % 300;
        text.resize(n);
        const bool structured = i % 2 == 0;
        for (char& c : text) {
            c = structured ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng());
        }
        const DecodeError error = decodeText(decoder, text, out, kNow);
        accepted += error == DecodeError::None ? 1 : 0;
    }
    // Mutations of a valid payload: flip, drop or insert a byte.
    const std::string valid = kValid;
    for (int i = 0; i < 20000; ++i) {
        text = valid;
        const std::size_t at = rng() % text.size();
        switch (rng() % 3) {
            case 0:
                text[at] = static_cast<char>(rng());
                break;
            case 1:
                text.erase(at, 1);
                break;
            default:
                text.insert(at, 1, alphabet[rng() % alphabet.size()]);
                break;
        }
        (void)decodeText(decoder, text, out, kNow);
    }
    std::uint64_t total = 0;
    for (const auto c : decoder.counts()) {
        total += c;
    }
    QCOMPARE(total, 40000u);
    QCOMPARE(accepted, 0u);  // random text is never a valid reading
    QCOMPARE_ERR(decodeText(decoder, kValid, out, kNow), DecodeError::None);  // the decoder is still fine
}

void TestReadingCodec::truncationsAreMalformed() {
    const std::string valid = kValid;
    ReadingDecoder decoder;
    DecodedReading out;
    for (std::size_t n = 0; n < valid.size(); ++n) {
        QCOMPARE_ERR(decodeText(decoder, std::string_view(valid).substr(0, n), out), DecodeError::MalformedJson);
    }
}

void TestReadingCodec::deadLetterCarriesPayloadAndPosition() {
    const std::string payload = withMember("value", R"("value":"NaN")");
    ReadingDecoder decoder;
    DecodedReading out;
    const DecodeError error = decodeText(decoder, payload, out);
    const storage::DeadLetter letter =
        deadLetterFor(error, bytesOf(payload), "air-quality", SourcePosition{"air-quality", 3, 1200}, kNow);
    QCOMPARE(letter.reason, std::string("non_finite_value"));
    QCOMPARE(letter.payload, payload);
    QCOMPARE(letter.source, std::string("air-quality"));
    QCOMPARE(letter.sourceRef, std::string("air-quality/3/1200"));
    QCOMPARE(letter.receivedMs, kNow);
    // Raw bytes are kept as they are, including NULs and invalid UTF-8.
    const std::string binary("{\0\xff}", 4);
    const storage::DeadLetter raw = deadLetterFor(decodeText(decoder, binary, out), bytesOf(binary), "gateway",
                                                  SourcePosition{"readings", 0, 18446744073709551615ull}, 1);
    QCOMPARE(raw.payload, binary);
    QCOMPARE(raw.reason, std::string("malformed_json"));
    QCOMPARE(raw.sourceRef, std::string("readings/0/18446744073709551615"));
}

void TestReadingCodec::dedupIdSeparatesMetrics() {
    DecodedReading co2;
    co2.eventId = eventIdHash("17-4211");
    co2.reading.metric = Metric::Co2;
    DecodedReading pm25 = co2;
    pm25.reading.metric = Metric::Pm25;
    QVERIFY(readingDedupId(co2) != readingDedupId(pm25));
    DecodedReading again = co2;
    again.reading.value = 1.0;
    QCOMPARE(readingDedupId(again), readingDedupId(co2));
}

QTEST_GUILESS_MAIN(TestReadingCodec)
#include "test_reading_codec.moc"
