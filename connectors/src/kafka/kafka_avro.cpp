#include "cityops/connectors/kafka_avro.h"

#include <avro.h>

#include <cmath>
#include <stdexcept>

namespace cityops::connectors {

namespace {

constexpr int kAlertRuleCount = static_cast<int>(engine::AlertRule::RetailRush) + 1;
constexpr int kSeverityCount = static_cast<int>(engine::Severity::Critical) + 1;

template <typename Enum>
std::string symbols(int count) {
    std::string out = "[";
    for (int i = 0; i < count; ++i) {
        if (i > 0) out += ",";
        out += "\"" + std::string(engine::toString(static_cast<Enum>(i))) + "\"";
    }
    return out + "]";
}

//! A parsed schema, its generic class, one reusable value, a memory reader and writer.
struct AvroDatum {
    avro_schema_t schema = nullptr;
    avro_value_iface_t* iface = nullptr;
    avro_value_t value{};
    avro_reader_t reader = nullptr;
    avro_writer_t writer = nullptr;
    static constexpr char kEmpty[1] = {0};

    explicit AvroDatum(const std::string& json) {
        if (avro_schema_from_json_length(json.data(), json.size(), &schema) != 0) {
            throw std::runtime_error(std::string("avro schema: ") + avro_strerror());
        }
        iface = avro_generic_class_from_schema(schema);
        if (iface == nullptr || avro_generic_value_new(iface, &value) != 0) {
            throw std::runtime_error(std::string("avro value: ") + avro_strerror());
        }
        reader = avro_reader_memory(kEmpty, 0);
        writer = avro_writer_memory(kEmpty, 0);
    }
    ~AvroDatum() {
        avro_reader_free(reader);
        avro_writer_free(writer);
        avro_value_decref(&value);
        avro_value_iface_decref(iface);
        avro_schema_decref(schema);
    }
    AvroDatum(const AvroDatum&) = delete;
    AvroDatum& operator=(const AvroDatum&) = delete;

    avro_value_t field(std::size_t index) {
        avro_value_t f{};
        avro_value_get_by_index(&value, index, &f, nullptr);
        return f;
    }
    //! Writes value into out; 0 if it does not fit.
    std::size_t write(std::span<std::byte> out) {
        avro_writer_memory_set_dest(writer, reinterpret_cast<const char*>(out.data()), static_cast<int64_t>(out.size()));
        if (avro_value_write(writer, &value) != 0) return 0;
        return static_cast<std::size_t>(avro_writer_tell(writer));
    }
    //! Reads exactly one datum from payload into value.
    bool read(std::span<const std::byte> payload) {
        avro_reader_memory_set_source(reader, reinterpret_cast<const char*>(payload.data()),
                                      static_cast<int64_t>(payload.size()));
        if (avro_value_read(reader, &value) != 0) return false;
        char extra = 0;
        return avro_read(reader, &extra, 1) != 0;  // trailing bytes: not one datum
    }
    std::int64_t getLong(std::size_t index) {
        avro_value_t f = field(index);
        int64_t v = 0;
        avro_value_get_long(&f, &v);
        return v;
    }
    std::int32_t getInt(std::size_t index) {
        avro_value_t f = field(index);
        int32_t v = 0;
        avro_value_get_int(&f, &v);
        return v;
    }
    double getDouble(std::size_t index) {
        avro_value_t f = field(index);
        double v = 0;
        avro_value_get_double(&f, &v);
        return v;
    }
    int getEnum(std::size_t index) {
        avro_value_t f = field(index);
        int v = 0;
        avro_value_get_enum(&f, &v);
        return v;
    }
    void setLong(std::size_t index, std::int64_t v) {
        avro_value_t f = field(index);
        avro_value_set_long(&f, v);
    }
    void setInt(std::size_t index, std::int32_t v) {
        avro_value_t f = field(index);
        avro_value_set_int(&f, v);
    }
    void setDouble(std::size_t index, double v) {
        avro_value_t f = field(index);
        avro_value_set_double(&f, v);
    }
    void setEnum(std::size_t index, int v) {
        avro_value_t f = field(index);
        avro_value_set_enum(&f, v);
    }
};

// Field indexes, in schema order.
enum ReadingField : std::size_t { RSensor, RLocation, RKind, RMetric, RValue, RTimestamp, RSeq };
enum AlertField : std::size_t { AId, ARule, ASeverity, ASensor, ALocation, AFirst, AEventTime, AValue, AMatched };

}  // namespace

std::string_view toString(PayloadFormat format) { return format == PayloadFormat::Avro ? "avro" : "json"; }

std::optional<PayloadFormat> parsePayloadFormat(std::string_view text) {
    if (text == "json") return PayloadFormat::Json;
    if (text == "avro") return PayloadFormat::Avro;
    return std::nullopt;
}

std::string readingAvroSchema() {
    return R"({"type":"record","name":"Reading","namespace":"cityops","fields":[)"
           R"({"name":"sensor_id","type":"long"},{"name":"location_id","type":"int"},)"
           R"({"name":"kind","type":{"type":"enum","name":"SensorKind","symbols":)" +
           symbols<engine::SensorKind>(engine::kSensorKindCount) +
           R"(}},{"name":"metric","type":{"type":"enum","name":"Metric","symbols":)" +
           symbols<engine::Metric>(engine::kMetricCount) +
           R"(}},{"name":"value","type":"double"},{"name":"timestamp","type":"long"},{"name":"seq","type":"long"}]})";
}

std::string alertAvroSchema() {
    return R"({"type":"record","name":"Alert","namespace":"cityops","fields":[)"
           R"({"name":"alert_id","type":"long"},)"
           R"({"name":"rule","type":{"type":"enum","name":"AlertRule","symbols":)" +
           symbols<engine::AlertRule>(kAlertRuleCount) +
           R"(}},{"name":"severity","type":{"type":"enum","name":"Severity","symbols":)" +
           symbols<engine::Severity>(kSeverityCount) +
           R"(}},{"name":"sensor_id","type":"long"},{"name":"location_id","type":"int"},)"
           R"({"name":"first_event_ms","type":"long"},{"name":"event_time_ms","type":"long"},)"
           R"({"name":"value","type":"double"},{"name":"matched","type":"int"}]})";
}

std::string_view toString(AvroError error) {
    using engine::stream::DecodeError;
    switch (error) {
        case AvroError::None: return engine::stream::toString(DecodeError::None);
        case AvroError::Oversize: return engine::stream::toString(DecodeError::Oversize);
        case AvroError::Malformed: return "malformed_avro";
        case AvroError::WrongType: return engine::stream::toString(DecodeError::WrongType);
        case AvroError::NonFiniteValue: return engine::stream::toString(DecodeError::NonFiniteValue);
        case AvroError::UnknownKind: return engine::stream::toString(DecodeError::UnknownKind);
        case AvroError::UnknownSensor: return engine::stream::toString(DecodeError::UnknownSensor);
    }
    return "malformed_avro";
}

struct AvroReadingCodec::Impl {
    engine::stream::DecoderLimits limits;
    AvroDatum datum{readingAvroSchema()};
};

AvroReadingCodec::AvroReadingCodec(engine::stream::DecoderLimits limits) : m_impl(std::make_unique<Impl>()) {
    m_impl->limits = limits;
}
AvroReadingCodec::~AvroReadingCodec() = default;

std::size_t AvroReadingCodec::encode(const engine::Reading& r, std::span<std::byte> out) {
    if (static_cast<int>(r.kind) >= engine::kSensorKindCount || static_cast<int>(r.metric) >= engine::kMetricCount) return 0;
    AvroDatum& d = m_impl->datum;
    d.setLong(RSensor, r.sensorId);
    d.setInt(RLocation, r.locationId);
    d.setEnum(RKind, static_cast<int>(r.kind));
    d.setEnum(RMetric, static_cast<int>(r.metric));
    d.setDouble(RValue, r.value);
    d.setLong(RTimestamp, r.eventTimeMs);
    d.setLong(RSeq, static_cast<std::int64_t>(r.seq));
    return d.write(out);
}

AvroError AvroReadingCodec::decode(std::span<const std::byte> payload, engine::Reading& out) {
    AvroDatum& d = m_impl->datum;
    if (payload.size() > m_impl->limits.maxPayloadBytes) return AvroError::Oversize;
    if (!d.read(payload)) return AvroError::Malformed;
    const std::int64_t sensor = d.getLong(RSensor);
    const std::int32_t location = d.getInt(RLocation);
    const int kind = d.getEnum(RKind);
    const int metric = d.getEnum(RMetric);
    const double value = d.getDouble(RValue);
    const std::int64_t seq = d.getLong(RSeq);
    if (kind < 0 || kind >= engine::kSensorKindCount || metric < 0 || metric >= engine::kMetricCount) {
        return AvroError::UnknownKind;
    }
    if (sensor < 0 || sensor > UINT32_MAX || location < 0 || location > UINT16_MAX || seq < 0) return AvroError::WrongType;
    if (!std::isfinite(value)) return AvroError::NonFiniteValue;
    if (static_cast<engine::Metric>(metric) == engine::Metric::VehicleCount && value < 0.0) return AvroError::WrongType;
    if (m_impl->limits.sensorCount != 0 && sensor >= m_impl->limits.sensorCount) return AvroError::UnknownSensor;
    out.sensorId = static_cast<std::uint32_t>(sensor);
    out.locationId = static_cast<std::uint16_t>(location);
    out.kind = static_cast<engine::SensorKind>(kind);
    out.metric = static_cast<engine::Metric>(metric);
    out.value = value;
    out.eventTimeMs = d.getLong(RTimestamp);
    out.seq = static_cast<std::uint64_t>(seq);
    return AvroError::None;
}

struct AvroAlertCodec::Impl {
    AvroDatum datum{alertAvroSchema()};
};

AvroAlertCodec::AvroAlertCodec() : m_impl(std::make_unique<Impl>()) {}
AvroAlertCodec::~AvroAlertCodec() = default;

std::size_t AvroAlertCodec::encode(const engine::Alert& a, std::span<std::byte> out) {
    if (static_cast<int>(a.rule) >= kAlertRuleCount || static_cast<int>(a.severity) >= kSeverityCount) return 0;
    AvroDatum& d = m_impl->datum;
    d.setLong(AId, static_cast<std::int64_t>(a.id));  // the 64-bit id as two's complement
    d.setEnum(ARule, static_cast<int>(a.rule));
    d.setEnum(ASeverity, static_cast<int>(a.severity));
    d.setLong(ASensor, a.sensorId);
    d.setInt(ALocation, a.locationId);
    d.setLong(AFirst, a.firstEventMs);
    d.setLong(AEventTime, a.eventTimeMs);
    d.setDouble(AValue, a.value);
    d.setInt(AMatched, a.matchedCount);
    return d.write(out);
}

AvroError AvroAlertCodec::decode(std::span<const std::byte> payload, engine::Alert& out) {
    AvroDatum& d = m_impl->datum;
    if (payload.size() > 4096) return AvroError::Oversize;
    if (!d.read(payload)) return AvroError::Malformed;
    const int rule = d.getEnum(ARule);
    const int severity = d.getEnum(ASeverity);
    if (rule < 0 || rule >= kAlertRuleCount || severity < 0 || severity >= kSeverityCount) return AvroError::UnknownKind;
    const std::int64_t sensor = d.getLong(ASensor);
    const std::int32_t location = d.getInt(ALocation);
    const std::int32_t matched = d.getInt(AMatched);
    if (sensor < 0 || sensor > UINT32_MAX || location < 0 || location > UINT16_MAX || matched < 0 || matched > 255) {
        return AvroError::WrongType;
    }
    const double value = d.getDouble(AValue);
    if (std::isnan(value)) return AvroError::NonFiniteValue;
    out.id = static_cast<std::uint64_t>(d.getLong(AId));
    out.rule = static_cast<engine::AlertRule>(rule);
    out.severity = static_cast<engine::Severity>(severity);
    out.sensorId = static_cast<std::uint32_t>(sensor);
    out.locationId = static_cast<std::uint16_t>(location);
    out.firstEventMs = d.getLong(AFirst);
    out.eventTimeMs = d.getLong(AEventTime);
    out.value = value;
    out.matchedCount = static_cast<std::uint8_t>(matched);
    return AvroError::None;
}

}  // namespace cityops::connectors
