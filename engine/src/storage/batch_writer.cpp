#include "storage/batch_writer.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <tuple>

namespace cityops::engine::storage::detail {

namespace {

constexpr int kReadingColumns = 7;

std::int64_t asKey(std::uint64_t id) {
    return static_cast<std::int64_t>(id);
}

[[noreturn]] void reject(StorageErrc code, std::string message) {
    StorageError error;
    error.code = code;
    error.message = std::move(message);
    throw StorageException(std::move(error));
}

//! A point is stored as a zero-size box; the R*Tree rounds its 32-bit float bounds outward.
void bindPointBox(Statement& stmt, std::int64_t id, double lat, double lon) {
    stmt.bind(1, id).bind(2, lat).bind(3, lat).bind(4, lon).bind(5, lon);
}

//! Upsert of `rows` readings in one statement, kReadingColumns numbered parameters per row.
std::string readingUpsertSql(int rows) {
    std::string sql = "INSERT INTO readings(sensor_id, metric, ts_ms, location_id, kind, value, seq) VALUES";
    for (int row = 0; row < rows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (int column = 1; column <= kReadingColumns; ++column) {
            sql += "?" + std::to_string(row * kReadingColumns + column) + (column < kReadingColumns ? ", " : ")");
        }
    }
    return sql +
           " ON CONFLICT(sensor_id, metric, ts_ms) DO UPDATE SET location_id = excluded.location_id, "
           "kind = excluded.kind, value = excluded.value, seq = excluded.seq";
}

}  // namespace

BatchWriter::BatchWriter(Connection db)
    : m_db(std::move(db)),
      m_begin(m_db.get(), "BEGIN IMMEDIATE"),
      m_commit(m_db.get(), "COMMIT"),
      m_reading(m_db.get(), readingUpsertSql(1)),
      m_readings(m_db.get(), readingUpsertSql(kReadingsPerInsert)),
      m_event(
          m_db.get(),
          "INSERT INTO events(sensor_id, metric, ts_ms, location_id, district, metadata) VALUES(?1, ?2, ?3, ?4, "
          "coalesce((SELECT name FROM districts WHERE location_id = ?4), ''), ?5) "
          "ON CONFLICT(sensor_id, metric, ts_ms) DO UPDATE SET metadata = excluded.metadata, "
          "district = excluded.district WHERE metadata IS NOT excluded.metadata OR district IS NOT excluded.district"),
      m_aggregate(m_db.get(),
                  "INSERT INTO window_aggregates(sensor_id, metric, window_start_ms, window_size_ms, location_id, "
                  "count, sum, min, max) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                  "ON CONFLICT(sensor_id, metric, window_start_ms, window_size_ms) DO UPDATE SET "
                  "location_id = excluded.location_id, count = excluded.count, sum = excluded.sum, "
                  "min = excluded.min, max = excluded.max"),
      m_deleteAggregate(m_db.get(),
                        "DELETE FROM window_aggregates WHERE sensor_id = ?1 AND metric = ?2 AND window_start_ms = ?3 "
                        "AND window_size_ms = ?4"),
      m_alert(m_db.get(),
              "INSERT INTO alerts(id, rule, severity, sensor_id, location_id, district, first_event_ms, "
              "event_time_ms, value, matched_count, title, description) "
              "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT(id) DO UPDATE SET "
              "rule = excluded.rule, severity = excluded.severity, sensor_id = excluded.sensor_id, "
              "location_id = excluded.location_id, district = excluded.district, "
              "first_event_ms = excluded.first_event_ms, event_time_ms = excluded.event_time_ms, "
              "value = excluded.value, matched_count = excluded.matched_count, title = excluded.title, "
              "description = excluded.description"),
      m_deadLetter(m_db.get(),
                   "INSERT INTO dead_letters(source, source_ref, reason, payload, received_ms) "
                   "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(source, source_ref) DO NOTHING"),
      m_lineage(m_db.get(),
                "INSERT INTO data_lineage(job_id, input_topic, output_table, processing_time_ms, record_count, "
                "checksum) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
                "ON CONFLICT(job_id, input_topic, output_table, processing_time_ms) DO UPDATE SET "
                "record_count = excluded.record_count, checksum = excluded.checksum"),
      m_sensor(m_db.get(),
               "INSERT INTO sensors(sensor_id, location_id, kind, lat, lon, name) VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
               "ON CONFLICT(sensor_id) DO UPDATE SET location_id = excluded.location_id, kind = excluded.kind, "
               "lat = excluded.lat, lon = excluded.lon, name = excluded.name"),
      m_sensorBox(m_db.get(), "INSERT OR REPLACE INTO sensors_rtree VALUES(?1, ?2, ?3, ?4, ?5)"),
      m_incident(m_db.get(),
                 "INSERT INTO incidents(id, kind, district, lat, lon, started_ms, description) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, "
                 "district = excluded.district, lat = excluded.lat, lon = excluded.lon, "
                 "started_ms = excluded.started_ms, description = excluded.description"),
      m_incidentBox(m_db.get(), "INSERT OR REPLACE INTO incidents_rtree VALUES(?1, ?2, ?3, ?4, ?5)"),
      m_district(m_db.get(),
                 "INSERT INTO districts(location_id, name) VALUES(?1, ?2) "
                 "ON CONFLICT(location_id) DO UPDATE SET name = excluded.name"),
      m_latestCheckpoint(m_db.get(), "SELECT max(checkpoint_id) FROM checkpoints WHERE job_id = ?1"),
      m_checkpoint(m_db.get(),
                   "INSERT INTO checkpoints(job_id, checkpoint_id, created_ms, state) VALUES(?1, ?2, ?3, ?4) "
                   "ON CONFLICT(job_id, checkpoint_id) DO UPDATE SET created_ms = excluded.created_ms, "
                   "state = excluded.state"),
      m_clearOffsets(m_db.get(), "DELETE FROM checkpoint_offsets WHERE job_id = ?1 AND checkpoint_id = ?2"),
      m_offset(m_db.get(),
               "INSERT INTO checkpoint_offsets(job_id, checkpoint_id, topic, partition, next_offset) "
               "VALUES(?1, ?2, ?3, ?4, ?5)"),
      m_alertState(m_db.get(), "SELECT state FROM alerts WHERE id = ?1"),
      m_alertUpdate(m_db.get(),
                    "UPDATE alerts SET state = ?2, "
                    "acknowledged_by = CASE WHEN ?2 = 1 THEN ?3 ELSE acknowledged_by END, "
                    "acknowledged_at_ms = CASE WHEN ?2 = 1 THEN ?4 ELSE acknowledged_at_ms END, "
                    "assigned_service = CASE WHEN ?2 = 2 THEN ?3 ELSE assigned_service END, "
                    "assigned_at_ms = CASE WHEN ?2 = 2 THEN ?4 ELSE assigned_at_ms END, "
                    "dispatched_at_ms = CASE WHEN ?2 = 3 THEN ?4 ELSE dispatched_at_ms END, "
                    "resolved_at_ms = CASE WHEN ?2 = 4 THEN ?4 ELSE resolved_at_ms END, "
                    "notes = CASE WHEN ?5 = '' THEN notes WHEN notes = '' THEN ?5 ELSE notes || char(10) || ?5 END "
                    "WHERE id = ?1") {}

void BatchWriter::begin(Sync sync) {
    if (sync != m_sync) {
        m_db.exec(sync == Sync::Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        m_sync = sync;
    }
    m_begin.run();
}

void BatchWriter::commit() {
    m_commit.run();
}

void BatchWriter::rollback() noexcept {
    if (!sqlite3_get_autocommit(m_db.get())) {
        sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void BatchWriter::writeBatch(const WriteBatch& batch) {
    if (!batch.readingMetadata.empty() && batch.readingMetadata.size() != batch.readings.size()) {
        reject(StorageErrc::InvalidArgument, "readingMetadata must be empty or hold one entry per reading");
    }
    begin(batch.alerts.empty() ? Sync::Normal : Sync::Full);
    try {
        insertRows(batch);
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

void BatchWriter::commitCheckpoint(const CheckpointRecord& checkpoint, const WriteBatch& pending) {
    if (checkpoint.jobId.empty()) {
        reject(StorageErrc::InvalidArgument, "a checkpoint needs a job id");
    }
    if (!pending.readingMetadata.empty() && pending.readingMetadata.size() != pending.readings.size()) {
        reject(StorageErrc::InvalidArgument, "readingMetadata must be empty or hold one entry per reading");
    }
    const auto id = asKey(checkpoint.checkpointId);
    begin(Sync::Full);
    try {
        {
            StatementScope scope(m_latestCheckpoint);
            m_latestCheckpoint.bindText(1, checkpoint.jobId);
            if (m_latestCheckpoint.step() && !m_latestCheckpoint.isNull(0) && m_latestCheckpoint.int64(0) > id) {
                reject(StorageErrc::InvalidArgument,
                       "checkpoint " + std::to_string(checkpoint.checkpointId) + " of job '" + checkpoint.jobId +
                           "' is older than the committed checkpoint " + std::to_string(m_latestCheckpoint.int64(0)));
            }
        }
        insertRows(pending);
        m_checkpoint.bindText(1, checkpoint.jobId)
            .bind(2, id)
            .bind(3, checkpoint.createdMs)
            .bindBlob(4, checkpoint.stateBlob);
        m_checkpoint.run();
        m_clearOffsets.bindText(1, checkpoint.jobId).bind(2, id);
        m_clearOffsets.run();
        for (const auto& offset : checkpoint.offsets) {
            m_offset.bindText(1, checkpoint.jobId).bind(2, id).bindText(3, offset.topic);
            m_offset.bind(4, std::int64_t{offset.partition}).bind(5, asKey(offset.offset));
            m_offset.run();
        }
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

void BatchWriter::applyAlertAction(const AlertAction& action) {
    begin(Sync::Full);
    try {
        int current = 0;
        {
            StatementScope scope(m_alertState);
            m_alertState.bind(1, asKey(action.alertId));
            if (!m_alertState.step()) {
                reject(StorageErrc::InvalidArgument, "alert " + std::to_string(action.alertId) + " does not exist");
            }
            current = static_cast<int>(m_alertState.int64(0));
        }
        const int target = static_cast<int>(action.target);
        if (current == target) {
            rollback();  // a repeated command: already applied
            return;
        }
        const bool next = target == current + 1;
        const bool resolveEarly = action.target == AlertState::Resolved && current != static_cast<int>(AlertState::New);
        if (action.target == AlertState::New || !(next || resolveEarly)) {
            reject(StorageErrc::InvalidTransition, "alert " + std::to_string(action.alertId) + " cannot go from " +
                                                       std::string(toString(static_cast<AlertState>(current))) +
                                                       " to " + std::string(toString(action.target)));
        }
        m_alertUpdate.bind(1, asKey(action.alertId)).bind(2, std::int64_t{target}).bindText(3, action.actor);
        m_alertUpdate.bind(4, action.atMs).bindText(5, action.note);
        m_alertUpdate.run();
        commit();
    } catch (...) {
        rollback();
        throw;
    }
}

void BatchWriter::insertRows(const WriteBatch& batch) {
    insertReference(batch);
    insertReadings(batch);
    for (const auto& a : batch.aggregates) {
        m_aggregate.bind(1, std::int64_t{a.sensorId}).bind(2, std::int64_t{static_cast<int>(a.metric)});
        m_aggregate.bind(3, a.windowStartMs).bind(4, a.windowEndMs - a.windowStartMs);
        m_aggregate.bind(5, std::int64_t{a.locationId}).bind(6, std::int64_t{a.count});
        m_aggregate.bind(7, a.sum).bind(8, a.min).bind(9, a.max);
        m_aggregate.run();
    }
    for (const auto& a : batch.deletedAggregates) {
        m_deleteAggregate.bind(1, std::int64_t{a.sensorId}).bind(2, std::int64_t{static_cast<int>(a.metric)});
        m_deleteAggregate.bind(3, a.windowStartMs).bind(4, a.windowEndMs - a.windowStartMs);
        m_deleteAggregate.run();
    }
    insertAlerts(batch);
    for (const auto& d : batch.deadLetters) {
        m_deadLetter.bindText(1, d.source).bindText(2, d.sourceRef).bindText(3, d.reason);
        m_deadLetter.bindBlob(4, d.payload).bind(5, d.receivedMs);
        m_deadLetter.run();
    }
    for (const auto& l : batch.lineage) {
        m_lineage.bindText(1, l.jobId).bindText(2, l.inputTopic).bindText(3, l.outputTable);
        m_lineage.bind(4, l.processingTimeMs).bind(5, l.recordCount).bindText(6, l.checksum);
        m_lineage.run();
    }
}

void BatchWriter::insertReadings(const WriteBatch& batch) {
    // Inserting in key order keeps consecutive upserts on the same B-tree leaf. Equal keys keep their
    // batch order (stable sort), so the last reading of a key in a batch wins, as unsorted.
    m_order.resize(batch.readings.size());
    for (std::size_t i = 0; i < m_order.size(); ++i) {
        m_order[i] = static_cast<std::uint32_t>(i);
    }
    std::stable_sort(m_order.begin(), m_order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const Reading& x = batch.readings[a];
        const Reading& y = batch.readings[b];
        return std::tie(x.sensorId, x.metric, x.eventTimeMs) < std::tie(y.sensorId, y.metric, y.eventTimeMs);
    });
    auto bindReading = [](Statement& stmt, int first, const Reading& r) {
        stmt.bind(first, std::int64_t{r.sensorId}).bind(first + 1, std::int64_t{static_cast<int>(r.metric)});
        stmt.bind(first + 2, r.eventTimeMs).bind(first + 3, std::int64_t{r.locationId});
        stmt.bind(first + 4, std::int64_t{static_cast<int>(r.kind)}).bind(first + 5, r.value);
        stmt.bind(first + 6, asKey(r.seq));
    };
    std::size_t next = 0;
    for (; next + kReadingsPerInsert <= m_order.size(); next += kReadingsPerInsert) {
        for (int row = 0; row < kReadingsPerInsert; ++row) {
            bindReading(m_readings, row * kReadingColumns + 1,
                        batch.readings[m_order[next + static_cast<std::size_t>(row)]]);
        }
        m_readings.run();
    }
    for (; next < m_order.size(); ++next) {
        bindReading(m_reading, 1, batch.readings[m_order[next]]);
        m_reading.run();
    }
    for (std::size_t i = 0; i < batch.readingMetadata.size(); ++i) {
        if (batch.readingMetadata[i].empty()) {
            continue;
        }
        const Reading& r = batch.readings[i];
        m_event.bind(1, std::int64_t{r.sensorId}).bind(2, std::int64_t{static_cast<int>(r.metric)});
        m_event.bind(3, r.eventTimeMs).bind(4, std::int64_t{r.locationId}).bindText(5, batch.readingMetadata[i]);
        m_event.run();
    }
}

void BatchWriter::insertAlerts(const WriteBatch& batch) {
    for (const auto& rec : batch.alerts) {
        const Alert& a = rec.alert;
        m_alert.bind(1, asKey(a.id)).bind(2, std::int64_t{static_cast<int>(a.rule)});
        m_alert.bind(3, std::int64_t{static_cast<int>(a.severity)}).bind(4, std::int64_t{a.sensorId});
        m_alert.bind(5, std::int64_t{a.locationId}).bindText(6, rec.district).bind(7, a.firstEventMs);
        m_alert.bind(8, a.eventTimeMs).bind(9, a.value).bind(10, std::int64_t{a.matchedCount});
        m_alert.bindText(11, rec.title).bindText(12, rec.description);
        m_alert.run();
    }
}

void BatchWriter::insertReference(const WriteBatch& batch) {
    for (const auto& [locationId, name] : batch.districts) {
        m_district.bind(1, std::int64_t{locationId}).bindText(2, name);
        m_district.run();
    }
    for (const auto& s : batch.sensors) {
        m_sensor.bind(1, std::int64_t{s.sensorId}).bind(2, std::int64_t{s.locationId});
        m_sensor.bind(3, std::int64_t{static_cast<int>(s.kind)}).bind(4, s.lat).bind(5, s.lon).bindText(6, s.name);
        m_sensor.run();
        bindPointBox(m_sensorBox, std::int64_t{s.sensorId}, s.lat, s.lon);
        m_sensorBox.run();
    }
    for (const auto& inc : batch.incidents) {
        m_incident.bind(1, asKey(inc.id)).bindText(2, inc.kind).bindText(3, inc.district);
        m_incident.bind(4, inc.lat).bind(5, inc.lon).bind(6, inc.startedMs).bindText(7, inc.description);
        m_incident.run();
        bindPointBox(m_incidentBox, asKey(inc.id), inc.lat, inc.lon);
        m_incidentBox.run();
    }
}

}  // namespace cityops::engine::storage::detail
