#pragma once

#include <vector>

#include "cityops/engine/storage/records.h"
#include "storage/sqlite_handle.h"

namespace cityops::engine::storage::detail {

//! Executes writes on the writer connection, one transaction per call, with cached prepared
//! statements. Used by the writer thread only. Throws StorageException; a failed call rolls back.
class BatchWriter {
public:
    explicit BatchWriter(Connection db);

    void writeBatch(const WriteBatch& batch);
    void commitCheckpoint(const CheckpointRecord& checkpoint, const WriteBatch& pending);
    void applyAlertAction(const AlertAction& action);

private:
    enum class Sync : std::uint8_t { Normal, Full };
    static constexpr int kReadingsPerInsert = 64;

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
};

}  // namespace cityops::engine::storage::detail
