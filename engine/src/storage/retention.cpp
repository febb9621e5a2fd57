#include "cityops/engine/storage/retention.h"

#include <sqlite3.h>

#include "cityops/engine/log/topic_spec.h"
#include "storage/batch_writer.h"

namespace cityops::engine::storage {

std::vector<TopicRetention> defaultRetention() {
    std::vector<TopicRetention> out;
    for (const auto& spec : log::defaultTopics()) {
        out.push_back(TopicRetention{spec.name, spec.retentionMs});
    }
    return out;
}

std::optional<std::int64_t> retentionOf(const std::vector<TopicRetention>& policy, std::string_view topic) {
    for (const auto& entry : policy) {
        if (entry.topic == topic) {
            return entry.retentionMs;
        }
    }
    return std::nullopt;
}

std::string_view topicOf(SensorKind kind) {
    switch (kind) {
        case SensorKind::Traffic:
            return "traffic-events";
        case SensorKind::AirQuality:
        case SensorKind::Noise:
            return "air-quality";
        case SensorKind::Temperature:
            return "temperature-data";
        case SensorKind::Parking:
            return "parking-events";
        case SensorKind::Emergency:
            return "emergency-events";
        case SensorKind::Energy:
            return "energy-data";
    }
    return "air-quality";
}

SensorKind kindOf(Metric metric) {
    switch (metric) {
        case Metric::TrafficSpeed:
        case Metric::VehicleCount:
            return SensorKind::Traffic;
        case Metric::Co2:
        case Metric::Pm25:
        case Metric::O3:
        case Metric::No2:
            return SensorKind::AirQuality;
        case Metric::Temperature:
        case Metric::Humidity:
            return SensorKind::Temperature;
        case Metric::ParkingOccupancy:
            return SensorKind::Parking;
        case Metric::EmergencySeverity:
            return SensorKind::Emergency;
        case Metric::EnergyKwh:
            return SensorKind::Energy;
        case Metric::NoiseDb:
            return SensorKind::Noise;
    }
    return SensorKind::AirQuality;
}

std::string_view topicOf(Metric metric) {
    return topicOf(kindOf(metric));
}

std::uint64_t HotRetentionReport::total() const {
    std::uint64_t sum = 0;
    for (const auto& t : topics) {
        sum += t.readings + t.events + t.aggregates;
    }
    return sum;
}

namespace detail {

namespace {

struct TableSql {
    std::string_view nextPair;
    std::string_view expire;
};

// The probe is an index seek on the (sensor_id, metric) prefix of each table's key, so a pass costs one
// seek per pair plus the deleted rows, never a scan of the rows it keeps.
constexpr TableSql kTableSql[kRetentionTableCount] = {
    {"SELECT sensor_id, metric FROM readings WHERE (sensor_id, metric) > (?1, ?2) ORDER BY sensor_id, metric LIMIT 1",
     "DELETE FROM readings WHERE sensor_id = ?1 AND metric = ?2 AND ts_ms < ?3"},
    {"SELECT sensor_id, metric FROM events WHERE (sensor_id, metric) > (?1, ?2) ORDER BY sensor_id, metric LIMIT 1",
     "DELETE FROM events WHERE sensor_id = ?1 AND metric = ?2 AND ts_ms < ?3"},
    {"SELECT sensor_id, metric FROM window_aggregates WHERE (sensor_id, metric) > (?1, ?2) "
     "ORDER BY sensor_id, metric LIMIT 1",
     "DELETE FROM window_aggregates WHERE sensor_id = ?1 AND metric = ?2 AND window_start_ms < ?3"},
};

}  // namespace

void BatchWriter::retentionStep(RetentionTable table, const MetricCutoffs& cutoffs, RetentionCursor& cursor,
                                std::array<std::uint64_t, kMetricCount>& deleted) {
    const auto t = static_cast<std::size_t>(table);
    if (!m_nextPair[t].isPrepared()) {
        m_nextPair[t] = Statement(m_db.get(), kTableSql[t].nextPair);
        m_expire[t] = Statement(m_db.get(), kTableSql[t].expire);
    }
    Statement& next = m_nextPair[t];
    Statement& expire = m_expire[t];
    begin(Sync::Normal);
    try {
        for (int pair = 0; pair < kRetentionPairsPerStep; ++pair) {
            {
                StatementScope scope(next);
                next.bind(1, cursor.sensorId).bind(2, cursor.metric);
                if (!next.step()) {
                    cursor.done = true;
                    break;
                }
                cursor.sensorId = next.int64(0);
                cursor.metric = next.int64(1);
            }
            if (cursor.metric < 0 || cursor.metric >= kMetricCount) {
                continue;  // not a metric this build knows: never guess its topic
            }
            const auto& cutoff = cutoffs[static_cast<std::size_t>(cursor.metric)];
            if (!cutoff) {
                continue;
            }
            expire.bind(1, cursor.sensorId).bind(2, cursor.metric).bind(3, *cutoff);
            expire.run();
            deleted[static_cast<std::size_t>(cursor.metric)] += static_cast<std::uint64_t>(sqlite3_changes64(m_db.get()));
        }
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

}  // namespace detail

}  // namespace cityops::engine::storage
