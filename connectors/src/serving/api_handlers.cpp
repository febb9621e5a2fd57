#include "api_handlers.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "json_writer.h"

namespace cityops::connectors::serving {

namespace es = engine::storage;

namespace {

constexpr std::int64_t kMinTime = -(std::int64_t{1} << 52);
constexpr std::int64_t kMaxTime = std::int64_t{1} << 52;

[[noreturn]] void storeFailed(const es::StorageError& error) {
    throw std::runtime_error("the store cannot be read: " + error.message);
}

template <class T>
T checked(es::Result<T> result) {
    if (!result) storeFailed(result.error());
    return std::move(*result);
}

bool equalsNoCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<engine::SensorKind> parseKind(std::string_view text) {
    for (int i = 0; i < engine::kSensorKindCount; ++i) {
        const auto kind = static_cast<engine::SensorKind>(i);
        if (engine::toString(kind) == text) return kind;
    }
    return std::nullopt;
}

std::optional<engine::Metric> parseMetric(std::string_view text) {
    for (int i = 0; i < engine::kMetricCount; ++i) {
        const auto metric = static_cast<engine::Metric>(i);
        if (engine::toString(metric) == text) return metric;
    }
    return std::nullopt;
}

std::optional<engine::AlertRule> parseRule(std::string_view text) {
    for (int i = 0; i < 32; ++i) {
        const auto rule = static_cast<engine::AlertRule>(i);
        const std::string_view name = engine::toString(rule);
        if (name == "unknown") break;
        if (name == text) return rule;
    }
    return std::nullopt;
}

std::string allKinds() {
    std::string out;
    for (int i = 0; i < engine::kSensorKindCount; ++i) {
        out += (i ? ", " : "") + std::string(engine::toString(static_cast<engine::SensorKind>(i)));
    }
    return out;
}

//! The district parameter as a location id: a number, or a district name (case-insensitive).
std::optional<std::uint16_t> districtParam(const ApiRequest& request, const Registry& registry) {
    const auto it = request.query.find("district");
    if (it == request.query.end() || it->second.empty()) return std::nullopt;
    const std::string& text = it->second;
    std::uint16_t id = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), id);
    if (parsed.ec == std::errc{} && parsed.ptr == text.data() + text.size()) return id;
    for (std::size_t i = 0; i < registry.districts.size(); ++i) {
        if (equalsNoCase(registry.districts[i], text)) return static_cast<std::uint16_t>(i);
    }
    throw BadRequest{"unknown district '" + text + "': give a district name or location id", "district"};
}

void writeStoredAlert(JsonWriter& json, const es::StoredAlert& stored, const Registry& registry) {
    const engine::Alert& a = stored.record.alert;
    json.beginObject();
    json.field("id", std::to_string(a.id));
    json.field("rule", engine::toString(a.rule));
    json.field("severity", engine::toString(a.severity));
    json.field("state", es::toString(stored.state));
    json.field("sensor", a.sensorId);
    if (const auto* sensor = registry.find(a.sensorId)) json.field("kind", engine::toString(sensor->kind));
    json.field("locationId", std::uint32_t{a.locationId});
    json.field("district", stored.record.district.empty() ? registry.districtName(a.locationId) : stored.record.district);
    json.field("title", stored.record.title);
    json.field("description", stored.record.description);
    json.field("value", a.value);
    json.field("eventTimeMs", a.eventTimeMs);
    json.field("firstEventMs", a.firstEventMs);
    json.field("matchedCount", std::uint32_t{a.matchedCount});
    json.field("acknowledgedBy", stored.acknowledgedBy);
    json.field("assignedService", stored.assignedService);
    auto optionalTime = [&](std::string_view key, const std::optional<std::int64_t>& t) {
        json.key(key);
        if (t) {
            json.value(*t);
        } else {
            json.null();
        }
    };
    optionalTime("acknowledgedAtMs", stored.acknowledgedAtMs);
    optionalTime("assignedAtMs", stored.assignedAtMs);
    optionalTime("dispatchedAtMs", stored.dispatchedAtMs);
    optionalTime("resolvedAtMs", stored.resolvedAtMs);
    json.field("notes", stored.notes);
    json.endObject();
}

std::string encodeCursor(const es::AlertCursor& cursor) {
    return std::to_string(cursor.eventTimeMs) + "_" + std::to_string(cursor.alertId);
}

std::optional<es::AlertCursor> decodeCursor(const ApiRequest& request) {
    const auto it = request.query.find("cursor");
    if (it == request.query.end() || it->second.empty()) return std::nullopt;
    const std::string& text = it->second;
    const auto sep = text.find('_');
    es::AlertCursor cursor;
    bool ok = sep != std::string::npos;
    if (ok) {
        const auto a = std::from_chars(text.data(), text.data() + sep, cursor.eventTimeMs);
        const auto b = std::from_chars(text.data() + sep + 1, text.data() + text.size(), cursor.alertId);
        ok = a.ec == std::errc{} && a.ptr == text.data() + sep && b.ec == std::errc{} &&
             b.ptr == text.data() + text.size();
    }
    if (!ok) throw BadRequest{"cursor '" + text + "' is not a cursor this server returned", "cursor"};
    return cursor;
}

ApiResponse json(std::string body, int status = 200) {
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

//! Reads the string member `name` of the request object; BadRequest when it is not a string.
std::string stringMember(simdjson::dom::object object, const char* name) {
    simdjson::dom::element element;
    if (object[name].get(element) != simdjson::SUCCESS) return {};
    std::string_view text;
    if (element.get_string().get(text) != simdjson::SUCCESS) {
        throw BadRequest{std::string("field '") + name + "' must be a string", name};
    }
    return std::string(text);
}

}  // namespace

ReaderPool::Lease ReaderPool::acquire() {
    std::unique_ptr<es::StorageReader> reader;
    {
        std::lock_guard lock(m_mutex);
        if (!m_free.empty()) {
            reader = std::move(m_free.back());
            m_free.pop_back();
        }
    }
    if (!reader) {
        auto opened = es::StorageReader::open(m_path);
        if (!opened) storeFailed(opened.error());
        reader = std::move(*opened);
    }
    return Lease(reader.release(), [this](es::StorageReader* r) {
        std::lock_guard lock(m_mutex);
        m_free.emplace_back(r);
    });
}

const es::SensorInfo* Registry::find(std::uint32_t id) const {
    if (id >= indexById.size() || indexById[id] < 0) return nullptr;
    return &sensors[static_cast<std::size_t>(indexById[id])];
}

std::string Registry::districtName(std::uint16_t locationId) const {
    return locationId < districts.size() ? districts[locationId] : std::string();
}

std::shared_ptr<const Registry> RegistryCache::get() {
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (m_registry && now - m_loaded < std::chrono::seconds(5)) return m_registry;
    auto reader = m_readers.acquire();
    auto registry = std::make_shared<Registry>();
    registry->sensors = checked(reader->sensors());
    for (const auto& [id, name] : checked(reader->districtNames())) {
        if (registry->districts.size() <= id) registry->districts.resize(std::size_t{id} + 1);
        registry->districts[id] = name;
    }
    std::uint32_t maxId = 0;
    for (const auto& s : registry->sensors) maxId = std::max(maxId, s.sensorId + 1);
    registry->indexById.assign(maxId, -1);
    for (std::size_t i = 0; i < registry->sensors.size(); ++i) {
        registry->indexById[registry->sensors[i].sensorId] = static_cast<std::int32_t>(i);
    }
    m_registry = std::move(registry);
    m_loaded = now;
    return m_registry;
}

void writeAlertJson(JsonWriter& json, const engine::Alert& a, const Registry* registry) {
    json.beginObject();
    json.field("id", std::to_string(a.id));
    json.field("rule", engine::toString(a.rule));
    json.field("severity", engine::toString(a.severity));
    json.field("sensor", a.sensorId);
    const es::SensorInfo* sensor = registry ? registry->find(a.sensorId) : nullptr;
    if (sensor) json.field("kind", engine::toString(sensor->kind));
    json.field("locationId", std::uint32_t{a.locationId});
    if (registry) json.field("district", registry->districtName(a.locationId));
    json.field("value", a.value);
    json.field("eventTimeMs", a.eventTimeMs);
    json.field("firstEventMs", a.firstEventMs);
    json.field("matchedCount", std::uint32_t{a.matchedCount});
    json.endObject();
}

std::string errorBody(const std::string& message, const std::string& field) {
    JsonWriter json;
    json.beginObject().field("error", message);
    if (!field.empty()) json.field("field", field);
    json.endObject();
    return json.take();
}

ApiResponse ApiHandlers::handle(const std::string& route, const ApiRequest& request) {
    if (route == "/api/v1/sensors") return sensors(request);
    if (route == "/api/v1/sensors/{id}/latest") return latest(request);
    if (route == "/api/v1/sensors/{id}/series") return series(request);
    if (route == "/api/v1/aggregates") return aggregates(request);
    if (route == "/api/v1/alerts") return alerts(request);
    if (route == "/api/v1/alerts/{id}") return alert(request);
    if (route == "/api/v1/alerts/{id}/actions") return action(request);
    return json(errorBody("no handler for " + route), 404);
}

ApiResponse ApiHandlers::sensors(const ApiRequest& request) {
    const auto registry = m_registry.get();
    std::optional<engine::SensorKind> kind;
    if (const auto it = request.query.find("kind"); it != request.query.end() && !it->second.empty()) {
        kind = parseKind(it->second);
        if (!kind) throw BadRequest{"unknown sensor kind '" + it->second + "': use one of " + allKinds(), "kind"};
    }
    const auto district = districtParam(request, *registry);
    const auto limit = intParam(request, "limit", 100, 1, 1000);
    const auto offset = intParam(request, "offset", 0, 0, std::numeric_limits<std::int32_t>::max());
    JsonWriter out;
    out.beginObject().key("sensors").beginArray();
    std::int64_t total = 0;
    for (const auto& s : registry->sensors) {
        if (kind && s.kind != *kind) continue;
        if (district && s.locationId != *district) continue;
        if (total >= offset && total < offset + limit) {
            out.beginObject();
            out.field("id", s.sensorId).field("name", s.name).field("kind", engine::toString(s.kind));
            out.field("metric", engine::toString(engine::primaryMetric(s.kind)));
            out.field("locationId", std::uint32_t{s.locationId}).field("district", registry->districtName(s.locationId));
            out.field("lat", s.lat).field("lon", s.lon);
            out.endObject();
        }
        ++total;
    }
    out.endArray().field("total", total).field("offset", offset).field("limit", limit).endObject();
    return json(out.take());
}

ApiResponse ApiHandlers::latest(const ApiRequest& request) {
    const std::uint64_t id = idSegment(request.segments[3], "sensor id");
    const auto registry = m_registry.get();
    const es::SensorInfo* sensor = id <= 0xffffffffu ? registry->find(static_cast<std::uint32_t>(id)) : nullptr;
    if (!sensor) return json(errorBody("sensor " + std::to_string(id) + " does not exist"), 404);
    const engine::Metric metric = engine::primaryMetric(sensor->kind);
    JsonWriter out;
    out.beginObject().field("sensor", sensor->sensorId).field("metric", engine::toString(metric));
    out.field("unit", engine::unitOf(metric));
    const engine::LatestValues* latest = m_hooks.latest;
    if (latest && sensor->sensorId < latest->size() &&
        latest->eventTimeMs(sensor->sensorId) != engine::LatestValues::kNoTime) {
        out.field("value", latest->value(sensor->sensorId)).field("eventTimeMs", latest->eventTimeMs(sensor->sensorId));
    } else {
        out.key("value").null().key("eventTimeMs").null();
    }
    out.endObject();
    return json(out.take());
}

ApiResponse ApiHandlers::series(const ApiRequest& request) {
    const std::uint64_t id = idSegment(request.segments[3], "sensor id");
    const auto from = intParam(request, "from", std::nullopt, kMinTime, kMaxTime);
    const auto to = intParam(request, "to", std::nullopt, kMinTime, kMaxTime);
    if (to <= from) throw BadRequest{"'to' must be after 'from'", "to"};
    const auto buckets = intParam(request, "buckets", 200, 1, 2000);
    const auto registry = m_registry.get();
    const es::SensorInfo* sensor = id <= 0xffffffffu ? registry->find(static_cast<std::uint32_t>(id)) : nullptr;
    if (!sensor) return json(errorBody("sensor " + std::to_string(id) + " does not exist"), 404);
    engine::Metric metric = engine::primaryMetric(sensor->kind);
    if (const auto it = request.query.find("metric"); it != request.query.end() && !it->second.empty()) {
        const auto parsed = parseMetric(it->second);
        if (!parsed) throw BadRequest{"unknown metric '" + it->second + "'", "metric"};
        metric = *parsed;
    }
    auto reader = m_readers.acquire();
    const auto rows = checked(reader->sensorSeries(sensor->sensorId, metric, from, to, static_cast<int>(buckets)));
    JsonWriter out;
    out.beginObject().field("sensor", sensor->sensorId).field("metric", engine::toString(metric));
    out.field("unit", engine::unitOf(metric)).field("from", from).field("to", to).key("buckets").beginArray();
    for (const auto& b : rows) {
        out.beginObject().field("startMs", b.startMs).field("min", b.min).field("max", b.max).field("avg", b.avg);
        out.field("count", b.count).endObject();
    }
    out.endArray().endObject();
    return json(out.take());
}

ApiResponse ApiHandlers::aggregates(const ApiRequest& request) {
    const auto from = intParam(request, "from", std::nullopt, kMinTime, kMaxTime);
    const auto to = intParam(request, "to", std::nullopt, kMinTime, kMaxTime);
    if (to <= from) throw BadRequest{"'to' must be after 'from'", "to"};
    engine::Metric metric = engine::Metric::Co2;
    if (const auto it = request.query.find("metric"); it != request.query.end() && !it->second.empty()) {
        const auto parsed = parseMetric(it->second);
        if (!parsed) throw BadRequest{"unknown metric '" + it->second + "'", "metric"};
        metric = *parsed;
    }
    const auto registry = m_registry.get();
    const auto district = districtParam(request, *registry);
    auto reader = m_readers.acquire();
    const auto rows = checked(reader->districtAggregates(metric, from, to));
    JsonWriter out;
    out.beginObject().field("metric", engine::toString(metric)).field("from", from).field("to", to);
    out.key("aggregates").beginArray();
    for (const auto& a : rows) {
        if (district && a.locationId != *district) continue;
        out.beginObject().field("locationId", std::uint32_t{a.locationId}).field("district", registry->districtName(a.locationId));
        out.field("count", a.count).field("min", a.min).field("max", a.max).field("avg", a.avg).endObject();
    }
    out.endArray().endObject();
    return json(out.take());
}

ApiResponse ApiHandlers::alerts(const ApiRequest& request) {
    const auto registry = m_registry.get();
    es::AlertFilter filter;
    const auto states = listParam(request, "state");
    if (!states.empty()) {
        filter.stateMask = 0;
        for (const auto& name : states) {
            bool known = false;
            for (int s = 0; s < es::kAlertStateCount; ++s) {
                if (es::toString(static_cast<es::AlertState>(s)) == name) {
                    filter.stateMask |= 1u << s;
                    known = true;
                }
            }
            if (!known) {
                throw BadRequest{"unknown state '" + name + "': use new, acknowledged, assigned, dispatched or resolved",
                                 "state"};
            }
        }
    }
    std::vector<engine::AlertRule> rules;
    for (const auto& name : listParam(request, "kind")) {
        const auto rule = parseRule(name);
        if (!rule) {
            throw BadRequest{"unknown alert kind '" + name + "': use co2_high, emergency_confirmed or energy_anomaly",
                             "kind"};
        }
        rules.push_back(*rule);
    }
    filter.locationId = districtParam(request, *registry);
    if (request.query.count("from")) filter.fromMs = intParam(request, "from", std::nullopt, kMinTime, kMaxTime);
    if (request.query.count("to")) filter.toMs = intParam(request, "to", std::nullopt, kMinTime, kMaxTime);
    const auto limit = static_cast<int>(intParam(request, "limit", 50, 1, 1000));
    std::optional<es::AlertCursor> cursor = decodeCursor(request);

    // The store filters state, district and time; the rule is filtered here, page by page, so the
    // keyset cursor stays exact: it is the last row returned.
    auto reader = m_readers.acquire();
    std::vector<es::StoredAlert> rows;
    bool more = true;
    filter.limit = rules.empty() ? limit + 1 : std::max(2 * limit, 100);
    while (more && static_cast<int>(rows.size()) <= limit) {
        auto page = checked(reader->alertHistory(filter, cursor));
        for (auto& a : page.alerts) {
            cursor = es::AlertCursor{a.record.alert.eventTimeMs, a.record.alert.id};
            if (!rules.empty() && std::find(rules.begin(), rules.end(), a.record.alert.rule) == rules.end()) continue;
            rows.push_back(std::move(a));
            if (static_cast<int>(rows.size()) > limit) break;
        }
        more = page.next.has_value() && static_cast<int>(page.alerts.size()) >= filter.limit;
    }
    const bool hasMore = static_cast<int>(rows.size()) > limit;
    if (hasMore) rows.resize(static_cast<std::size_t>(limit));
    JsonWriter out;
    out.beginObject().key("alerts").beginArray();
    for (const auto& a : rows) writeStoredAlert(out, a, *registry);
    out.endArray().key("nextCursor");
    if (hasMore) {
        out.value(encodeCursor({rows.back().record.alert.eventTimeMs, rows.back().record.alert.id}));
    } else {
        out.null();
    }
    out.endObject();
    return json(out.take());
}

ApiResponse ApiHandlers::alert(const ApiRequest& request) {
    const std::uint64_t id = idSegment(request.segments[3], "alert id");
    auto reader = m_readers.acquire();
    const auto stored = checked(reader->alert(id));
    if (!stored) return json(errorBody("alert " + std::to_string(id) + " does not exist"), 404);
    const auto registry = m_registry.get();
    JsonWriter out;
    writeStoredAlert(out, *stored, *registry);
    return json(out.take());
}

ApiResponse ApiHandlers::action(const ApiRequest& request) {
    const std::uint64_t id = idSegment(request.segments[3], "alert id");
    if (!m_hooks.alertActions) {
        return json(errorBody("alert actions are not available on this server (no writable store)"), 503);
    }
    if (request.contentType.find("application/json") == std::string::npos) {
        throw BadRequest{"the body must be JSON (Content-Type: application/json)", "Content-Type"};
    }
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(request.body);
    simdjson::dom::element root;
    if (parser.parse(padded).get(root) != simdjson::SUCCESS) {
        throw BadRequest{"the body is not valid JSON", "body"};
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) throw BadRequest{"the body must be a JSON object", "body"};
    AlertActionRequest action;
    action.alertId = id;
    action.action = stringMember(object, "action");
    if (action.action.empty()) throw BadRequest{"field 'action' is required: acknowledge, assign, dispatch or resolve", "action"};
    action.operatorName = stringMember(object, "operator");
    if (action.operatorName.empty()) throw BadRequest{"field 'operator' is required: who acts", "operator"};
    action.service = stringMember(object, "service");
    action.disposition = stringMember(object, "disposition");
    action.note = stringMember(object, "note");
    const AlertActionResult result = m_hooks.alertActions(action);
    if (result.status != 200) return json(errorBody(result.error, result.field), result.status);
    const auto registry = m_registry.get();
    JsonWriter out;
    out.beginObject().field("changed", result.changed);
    if (!result.error.empty()) out.field("warning", result.error);
    if (result.alert) {
        out.key("alert");
        writeStoredAlert(out, *result.alert, *registry);
    }
    out.endObject();
    return json(out.take());
}

}  // namespace cityops::connectors::serving
