#pragma once

#include <array>
#include <optional>
#include <vector>

#include "cityops/engine/storage/records.h"
#include "storage/sqlite_handle.h"

namespace cityops::engine::storage::detail {

//! The hot-tier tables retention prunes, each keyed by (sensor_id, metric, time).
enum class RetentionTable : std::uint8_t { Readings, Events, Aggregates };
inline constexpr int kRetentionTableCount = 3;

//! Where a retention pass over one table stands: the last (sensor, metric) pair visited.
struct RetentionCursor {
    std::int64_t sensorId = -1;
    std::int64_t metric = -1;
    bool done = false;
};

//! Per metric: delete rows with time < cutoff; nullopt keeps the metric's rows.
using MetricCutoffs = std::array<std::optional<std::int64_t>, kMetricCount>;

//! Executes writes on the writer connection, one transaction per call, with cached prepared
//! statements. Used by the writer thread only. Throws StorageException; a failed call rolls back.
class BatchWriter {
public:
    explicit BatchWriter(Connection db);

    void writeBatch(const WriteBatch& batch);
    void commitCheckpoint(const CheckpointRecord& checkpoint, const WriteBatch& pending);
    void applyAlertAction(const AlertAction& action);
    //! One retention transaction: visits up to kRetentionPairsPerStep (sensor, metric) pairs of table
    //! after cursor (an index probe each) and range-deletes their expired rows; counts per metric.
    void retentionStep(RetentionTable table, const MetricCutoffs& cutoffs, RetentionCursor& cursor,
                       std::array<std::uint64_t, kMetricCount>& deleted);

private:
    enum class Sync : std::uint8_t { Normal, Full };
    static constexpr int kReadingsPerInsert = 64;
    static constexpr int kRetentionPairsPerStep = 512;

    void begin(Sync sync);
    void commit();
    void rollback() noexcept;
    void insertRows(const WriteBatch& batch);
    void insertReadings(const WriteBatch& batch);
    void insertAlerts(const WriteBatch& batch);
    void insertReference(const WriteBatch& batch);

    Connection m_db;
    std::vector<std::uint32_t> m_order;  //!< reading indices in key order, reused across batches
    Sync m_sync = Sync::Normal;
    Statement m_begin;
    Statement m_commit;
    Statement m_reading;
    Statement m_readings;  //!< kReadingsPerInsert rows per execution: less VM overhead per row
    Statement m_event;
    Statement m_aggregate;
    Statement m_deleteAggregate;
    Statement m_alert;
    Statement m_deadLetter;
    Statement m_lineage;
    Statement m_sensor;
    Statement m_sensorBox;
    Statement m_incident;
    Statement m_incidentBox;
    Statement m_district;
    Statement m_latestCheckpoint;
    Statement m_checkpoint;
    Statement m_clearOffsets;
    Statement m_offset;
    Statement m_alertState;
    Statement m_alertUpdate;
    std::array<Statement, kRetentionTableCount> m_nextPair;  //!< prepared on first retention pass
    std::array<Statement, kRetentionTableCount> m_expire;
};

}  // namespace cityops::engine::storage::detail
