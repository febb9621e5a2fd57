#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

#include "cityops/engine/storage/storage_reader.h"
#include "storage/reader_impl.h"

namespace cityops::engine::storage {

using detail::Statement;
using detail::StatementScope;

namespace {

constexpr double kEarthRadiusM = 6'371'008.8;
constexpr double kMetersPerDegree = kEarthRadiusM * std::numbers::pi / 180.0;
constexpr double kMaxSearchRadiusM = 20'100'000.0;  //!< half the circumference: covers the globe

//! One FTS table per document kind; the statement returns id, bm25, title, district, time.
struct FtsSource {
    SearchKind kind;
    std::string_view sql;
};

constexpr FtsSource kFtsSources[] = {
    {SearchKind::Alert,
     "SELECT a.id, bm25(alerts_fts), a.title, a.district, a.event_time_ms FROM alerts_fts "
     "JOIN alerts a ON a.id = alerts_fts.rowid WHERE alerts_fts MATCH ?1 ORDER BY bm25(alerts_fts) LIMIT ?2"},
    {SearchKind::Incident,
     "SELECT i.id, bm25(incidents_fts), i.kind || ': ' || i.description, i.district, i.started_ms FROM incidents_fts "
     "JOIN incidents i ON i.id = incidents_fts.rowid WHERE incidents_fts MATCH ?1 ORDER BY bm25(incidents_fts) LIMIT "
     "?2"},
    {SearchKind::Event,
     "SELECT e.id, bm25(events_fts), e.metadata, e.district, e.ts_ms FROM events_fts "
     "JOIN events e ON e.id = events_fts.rowid WHERE events_fts MATCH ?1 ORDER BY bm25(events_fts) LIMIT ?2"},
};

SensorInfo readSensor(const Statement& stmt) {
    SensorInfo s;
    s.sensorId = static_cast<std::uint32_t>(stmt.int64(0));
    s.locationId = static_cast<std::uint16_t>(stmt.int64(1));
    s.kind = static_cast<SensorKind>(stmt.int64(2));
    s.lat = stmt.real(3);
    s.lon = stmt.real(4);
    s.name = stmt.text(5);
    return s;
}

//! Sensors whose R*Tree box overlaps the query box (a superset: the R*Tree stores 32-bit floats).
std::vector<SensorInfo> boxCandidates(const detail::Connection& db, Statement& stmt, double minLat, double minLon,
                                      double maxLat, double maxLon) {
    if (!stmt.isPrepared()) {
        stmt = Statement(db.get(),
                         "SELECT s.sensor_id, s.location_id, s.kind, s.lat, s.lon, s.name FROM sensors_rtree r "
                         "JOIN sensors s ON s.sensor_id = r.id "
                         "WHERE r.max_lat >= ?1 AND r.min_lat <= ?3 AND r.max_lon >= ?2 AND r.min_lon <= ?4");
    }
    StatementScope scope(stmt);
    stmt.bind(1, minLat).bind(2, minLon).bind(3, maxLat).bind(4, maxLon);
    std::vector<SensorInfo> out;
    while (stmt.step()) {
        out.push_back(readSensor(stmt));
    }
    return out;
}

std::vector<SensorHit> withinRadius(const detail::Connection& db, Statement& box, double lat, double lon,
                                    double radiusM) {
    const double dLat = radiusM / kMetersPerDegree + 1e-6;
    double minLat = lat - dLat;
    double maxLat = lat + dLat;
    double minLon = -180.0;
    double maxLon = 180.0;
    const double widest = std::max(std::abs(minLat), std::abs(maxLat));
    if (widest < 89.0) {
        const double dLon = dLat / std::cos(widest * std::numbers::pi / 180.0);
        if (lon - dLon > -180.0 && lon + dLon < 180.0) {  // otherwise the circle crosses the antimeridian
            minLon = lon - dLon;
            maxLon = lon + dLon;
        }
    }
    minLat = std::max(minLat, -90.0);
    maxLat = std::min(maxLat, 90.0);
    std::vector<SensorHit> out;
    for (auto& sensor : boxCandidates(db, box, minLat, minLon, maxLat, maxLon)) {
        const double d = haversineMeters(lat, lon, sensor.lat, sensor.lon);
        if (d <= radiusM) {
            out.push_back(SensorHit{std::move(sensor), d});
        }
    }
    std::sort(out.begin(), out.end(), [](const SensorHit& a, const SensorHit& b) {
        return a.distanceM != b.distanceM ? a.distanceM < b.distanceM : a.sensor.sensorId < b.sensor.sensorId;
    });
    return out;
}

}  // namespace

namespace detail {

std::string ftsQuery(std::string_view text) {
    std::string out;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) {
            out += (out.empty() ? "\"" : " \"") + word + "\"";
            word.clear();
        }
    };
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || std::isalnum(u)) {
            word += c;
        } else {
            flush();
        }
    }
    flush();
    if (!out.empty() && std::isalnum(static_cast<unsigned char>(text.back())) != 0) {
        out += '*';  // the word still being typed matches as a prefix
    }
    return out;
}

}  // namespace detail

double haversineMeters(double lat1, double lon1, double lat2, double lon2) {
    constexpr double kRad = std::numbers::pi / 180.0;
    const double dLat = (lat2 - lat1) * kRad;
    const double dLon = (lon2 - lon1) * kRad;
    const double a = std::sin(dLat / 2) * std::sin(dLat / 2) +
                     std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2.0 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(a)));
}

Result<std::vector<SearchHit>> StorageReader::search(std::string_view text, int limit) {
    const std::string match = detail::ftsQuery(text);
    if (match.empty() || limit <= 0) {
        return std::vector<SearchHit>{};
    }
    return m_impl->guarded<std::vector<SearchHit>>([&] {
        std::vector<SearchHit> out;
        for (const auto& source : kFtsSources) {
            Statement stmt(m_impl->db.get(), source.sql, false);
            stmt.bindText(1, match).bind(2, std::int64_t{limit});
            while (stmt.step()) {
                out.push_back(SearchHit{source.kind, static_cast<std::uint64_t>(stmt.int64(0)), stmt.real(1),
                                        stmt.text(2), stmt.text(3), stmt.int64(4)});
            }
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const SearchHit& a, const SearchHit& b) { return a.score < b.score; });
        if (out.size() > static_cast<std::size_t>(limit)) {
            out.resize(static_cast<std::size_t>(limit));
        }
        return out;
    });
}

Result<std::vector<SensorHit>> StorageReader::sensorsInBox(double minLat, double minLon, double maxLat, double maxLon) {
    if (minLat > maxLat || minLon > maxLon) {
        return StorageError{StorageErrc::InvalidArgument, "sensorsInBox needs min <= max", 0};
    }
    return m_impl->guarded<std::vector<SensorHit>>([&] {
        std::vector<SensorHit> out;
        for (auto& s : boxCandidates(m_impl->db, m_impl->box, minLat, minLon, maxLat, maxLon)) {
            if (s.lat >= minLat && s.lat <= maxLat && s.lon >= minLon && s.lon <= maxLon) {
                out.push_back(SensorHit{std::move(s), 0.0});
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const SensorHit& a, const SensorHit& b) { return a.sensor.sensorId < b.sensor.sensorId; });
        return out;
    });
}

Result<std::vector<SensorHit>> StorageReader::sensorsWithinRadius(double lat, double lon, double radiusM) {
    if (!(radiusM >= 0.0) || !std::isfinite(lat) || !std::isfinite(lon)) {
        return StorageError{StorageErrc::InvalidArgument, "sensorsWithinRadius needs a finite point and radius >= 0",
                            0};
    }
    return m_impl->guarded<std::vector<SensorHit>>(
        [&] { return withinRadius(m_impl->db, m_impl->box, lat, lon, radiusM); });
}

Result<std::vector<SensorHit>> StorageReader::nearestSensors(double lat, double lon, int k) {
    if (k <= 0 || !std::isfinite(lat) || !std::isfinite(lon)) {
        return StorageError{StorageErrc::InvalidArgument, "nearestSensors needs a finite point and k > 0", 0};
    }
    return m_impl->guarded<std::vector<SensorHit>>([&] {
        // Grow the radius until it holds k sensors: nothing outside it can be nearer than the k-th inside.
        for (double radius = 500.0;; radius *= 4.0) {
            const bool last = radius >= kMaxSearchRadiusM;
            auto hits = withinRadius(m_impl->db, m_impl->box, lat, lon, std::min(radius, kMaxSearchRadiusM));
            if (hits.size() >= static_cast<std::size_t>(k) || last) {
                hits.resize(std::min(hits.size(), static_cast<std::size_t>(k)));
                return hits;
            }
        }
    });
}

Result<std::vector<SensorHit>> StorageReader::nearestSensorsToIncident(std::uint64_t incidentId, int k) {
    double lat = 0.0;
    double lon = 0.0;
    auto found = m_impl->guarded<bool>([&] {
        auto& stmt = m_impl->incidentPos;
        if (!stmt.isPrepared()) {
            stmt = Statement(m_impl->db.get(), "SELECT lat, lon FROM incidents WHERE id = ?1");
        }
        StatementScope scope(stmt);
        stmt.bind(1, static_cast<std::int64_t>(incidentId));
        if (!stmt.step()) {
            return false;
        }
        lat = stmt.real(0);
        lon = stmt.real(1);
        return true;
    });
    if (!found) {
        return found.error();
    }
    if (!*found) {
        return StorageError{StorageErrc::InvalidArgument, "incident " + std::to_string(incidentId) + " does not exist",
                            0};
    }
    return nearestSensors(lat, lon, k);
}

}  // namespace cityops::engine::storage
