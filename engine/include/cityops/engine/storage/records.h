#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine::storage {

//! Lifecycle of an alert in the operations room; each state follows the previous one.
enum class AlertState : std::uint8_t { New, Acknowledged, Assigned, Dispatched, Resolved };
inline constexpr int kAlertStateCount = 5;

std::string_view toString(AlertState state);

//! An alert as the engine raised it plus the text an operator searches. Upserted by alert.id: a
//! re-emission refreshes the detection columns and never resets the lifecycle.
struct AlertRecord {
    Alert alert;
    std::string district;  //!< district name, indexed for search ("Podil")
    std::string title;
    std::string description;
};

//! An alert read back with its lifecycle columns; times are ms since the epoch, absent until reached.
struct StoredAlert {
    AlertRecord record;
    AlertState state = AlertState::New;
    std::string acknowledgedBy;
    std::optional<std::int64_t> acknowledgedAtMs;
    std::string assignedService;
    std::optional<std::int64_t> assignedAtMs;
    std::optional<std::int64_t> dispatchedAtMs;
    std::optional<std::int64_t> resolvedAtMs;
    std::string notes;  //!< notes of every step, one per line
};

//! One operator step on an alert. Applying the step the alert is already in is a no-op (commands
//! may be delivered twice); any other step out of order is rejected with InvalidTransition.
struct AlertAction {
    std::uint64_t alertId = 0;
    AlertState target = AlertState::Acknowledged;
    std::int64_t atMs = 0;
    std::string actor;  //!< who acknowledged (Acknowledged) or the service assigned (Assigned)
    std::string note;   //!< appended to the alert's notes when not empty
};

//! A record that could not be processed, kept with its raw payload for inspection and replay.
//! (source, sourceRef) is the natural key: writing it again changes nothing.
struct DeadLetter {
    std::string source;     //!< topic or connector name
    std::string sourceRef;  //!< position in the source, e.g. "readings/3/1200"
    std::string reason;
    std::string payload;  //!< raw bytes
    std::int64_t receivedMs = 0;
};

//! The design's data_lineage row: which job wrote how many records from where to where.
struct LineageRecord {
    std::string jobId;
    std::string inputTopic;
    std::string outputTable;
    std::int64_t processingTimeMs = 0;
    std::int64_t recordCount = 0;
    std::string checksum;
};

//! A registered sensor: position for the R*Tree, district for the aggregates.
struct SensorInfo {
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    SensorKind kind = SensorKind::Traffic;
    double lat = 0.0;
    double lon = 0.0;
    std::string name;
};

//! A city incident (gas leak, fire, accident): searchable and placed on the map.
struct IncidentRecord {
    std::uint64_t id = 0;
    std::string kind;
    std::string district;
    double lat = 0.0;
    double lon = 0.0;
    std::int64_t startedMs = 0;
    std::string description;
};

//! A source position recorded by a checkpoint: the next offset to read.
struct CheckpointOffset {
    std::string topic;
    int partition = 0;
    std::uint64_t offset = 0;

    bool operator==(const CheckpointOffset&) const = default;
};

//! A stream job's checkpoint: source offsets plus the opaque operator state.
struct CheckpointRecord {
    std::string jobId;
    std::uint64_t checkpointId = 0;  //!< increasing per job
    std::int64_t createdMs = 0;
    std::vector<CheckpointOffset> offsets;
    std::string stateBlob;
};

//! Everything one writer transaction commits, all or nothing. Every table is upserted on its natural
//! key, so writing the same batch again (at-least-once delivery, replay) leaves one copy.
struct WriteBatch {
    std::vector<Reading> readings;             //!< key (sensorId, metric, eventTimeMs)
    std::vector<std::string> readingMetadata;  //!< empty, or one JSON text per reading ("" = none)
    std::vector<WindowAggregate> aggregates;   //!< key (sensorId, metric, windowStartMs, size)
    //! Windows deleted by that key (count, sum, ... ignored), after the upserts of `aggregates`.
    std::vector<WindowAggregate> deletedAggregates;
    std::vector<AlertRecord> alerts;           //!< key alert.id
    std::vector<DeadLetter> deadLetters;
    std::vector<LineageRecord> lineage;     //!< key (jobId, inputTopic, outputTable, processingTimeMs)
    std::vector<SensorInfo> sensors;        //!< key sensorId
    std::vector<IncidentRecord> incidents;  //!< key id
    std::vector<std::pair<std::uint16_t, std::string>> districts;  //!< (locationId, name)

    bool empty() const;
};

}  // namespace cityops::engine::storage
