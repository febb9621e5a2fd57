// StorageReader queries for the batch jobs over stored history (engine/src/history): whole-range
// scans of readings and window aggregates, the registry and the reading time span.
#include "cityops/engine/storage/storage_reader.h"
#include "storage/reader_impl.h"

namespace cityops::engine::storage {

using detail::Statement;

namespace {

//! -1 selects every metric in the queries below.
std::int64_t metricParam(std::optional<Metric> metric) {
    return metric ? static_cast<std::int64_t>(*metric) : -1;
}

bool validMetric(std::int64_t metric) { return metric >= 0 && metric < kMetricCount; }

}  // namespace

Result<std::vector<Reading>> StorageReader::readingsInRange(std::optional<Metric> metric, std::int64_t fromMs,
                                                            std::int64_t toMs) {
    return m_impl->guarded<std::vector<Reading>>([&] {
        Statement stmt(m_impl->db.get(),
                       "SELECT sensor_id, metric, ts_ms, location_id, kind, value, seq FROM readings "
                       "WHERE (?1 < 0 OR metric = ?1) AND ts_ms >= ?2 AND ts_ms < ?3 "
                       "ORDER BY sensor_id, metric, ts_ms",
                       false);
        stmt.bind(1, metricParam(metric)).bind(2, fromMs).bind(3, toMs);
        std::vector<Reading> out;
        while (stmt.step()) {
            const std::int64_t m = stmt.int64(1);
            const std::int64_t kind = stmt.int64(4);
            if (!validMetric(m) || kind < 0 || kind >= kSensorKindCount) {
                continue;  // written by a newer build: not ours to interpret
            }
            Reading r;
            r.sensorId = static_cast<std::uint32_t>(stmt.int64(0));
            r.metric = static_cast<Metric>(m);
            r.eventTimeMs = stmt.int64(2);
            r.locationId = static_cast<std::uint16_t>(stmt.int64(3));
            r.kind = static_cast<SensorKind>(kind);
            r.value = stmt.real(5);
            r.seq = static_cast<std::uint64_t>(stmt.int64(6));
            out.push_back(r);
        }
        return out;
    });
}

Result<std::vector<WindowAggregate>> StorageReader::windowAggregatesInRange(std::optional<Metric> metric,
                                                                            std::int64_t windowSizeMs,
                                                                            std::int64_t fromMs, std::int64_t toMs) {
    return m_impl->guarded<std::vector<WindowAggregate>>([&] {
        Statement stmt(m_impl->db.get(),
                       "SELECT sensor_id, metric, window_start_ms, location_id, count, sum, min, max "
                       "FROM window_aggregates WHERE (?1 < 0 OR metric = ?1) AND window_size_ms = ?2 "
                       "AND window_start_ms >= ?3 AND window_start_ms < ?4 "
                       "ORDER BY sensor_id, metric, window_start_ms",
                       false);
        stmt.bind(1, metricParam(metric)).bind(2, windowSizeMs).bind(3, fromMs).bind(4, toMs);
        std::vector<WindowAggregate> out;
        while (stmt.step()) {
            const std::int64_t m = stmt.int64(1);
            if (!validMetric(m)) {
                continue;
            }
            WindowAggregate a;
            a.sensorId = static_cast<std::uint32_t>(stmt.int64(0));
            a.metric = static_cast<Metric>(m);
            a.windowStartMs = stmt.int64(2);
            a.windowEndMs = a.windowStartMs + windowSizeMs;
            a.locationId = static_cast<std::uint16_t>(stmt.int64(3));
            a.count = static_cast<std::uint32_t>(stmt.int64(4));
            a.sum = stmt.real(5);
            a.min = stmt.real(6);
            a.max = stmt.real(7);
            out.push_back(a);
        }
        return out;
    });
}

Result<std::vector<SensorInfo>> StorageReader::sensors() {
    return m_impl->guarded<std::vector<SensorInfo>>([&] {
        Statement stmt(m_impl->db.get(),
                       "SELECT sensor_id, location_id, kind, lat, lon, name FROM sensors ORDER BY sensor_id", false);
        std::vector<SensorInfo> out;
        while (stmt.step()) {
            const std::int64_t kind = stmt.int64(2);
            if (kind < 0 || kind >= kSensorKindCount) {
                continue;
            }
            out.push_back(SensorInfo{static_cast<std::uint32_t>(stmt.int64(0)),
                                     static_cast<std::uint16_t>(stmt.int64(1)), static_cast<SensorKind>(kind),
                                     stmt.real(3), stmt.real(4), stmt.text(5)});
        }
        return out;
    });
}

Result<std::vector<std::pair<std::uint16_t, std::string>>> StorageReader::districtNames() {
    return m_impl->guarded<std::vector<std::pair<std::uint16_t, std::string>>>([&] {
        Statement stmt(m_impl->db.get(), "SELECT location_id, name FROM districts ORDER BY location_id", false);
        std::vector<std::pair<std::uint16_t, std::string>> out;
        while (stmt.step()) {
            out.emplace_back(static_cast<std::uint16_t>(stmt.int64(0)), stmt.text(1));
        }
        return out;
    });
}

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> StorageReader::readingTimeSpan() {
    return m_impl->guarded<std::optional<std::pair<std::int64_t, std::int64_t>>>(
        [&]() -> std::optional<std::pair<std::int64_t, std::int64_t>> {
            Statement stmt(m_impl->db.get(), "SELECT min(ts_ms), max(ts_ms) FROM readings", false);
            if (!stmt.step() || stmt.isNull(0)) {
                return std::nullopt;
            }
            return std::pair{stmt.int64(0), stmt.int64(1)};
        });
}

}  // namespace cityops::engine::storage
