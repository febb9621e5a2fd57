#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cityops/engine/history/history_types.h"
#include "cityops/engine/window_aggregate.h"

namespace cityops::engine::storage {
class Storage;
class StorageReader;
}  // namespace cityops::engine::storage

namespace cityops::engine::history {

//! Why a stored aggregate differs from the one recomputed from the raw archive.
enum class DiffCause : std::uint8_t {
    Gap,            //!< the window is missing from the store, or readings are missing with none late
    LateData,       //!< readings missing from the stored window arrived after its watermark passed
    Duplicate,      //!< the stored window counted more readings than the archive holds distinct ones
    ValueMismatch,  //!< same count, different sum / min / max
    Orphan,         //!< stored window with no archived reading (deleted by the correction)
};
std::string_view toString(DiffCause cause);  //!< "gap", "late_data", "duplicate", "value_mismatch", "orphan"

//! A reading as the archive delivered it, with its place in the log.
struct ArchivedReading {
    Reading reading;
    std::uint32_t topicIndex = 0;  //!< index into the topics that were read
    int partition = 0;
    std::uint64_t offset = 0;
};

struct AggregateDiff {
    DiffCause cause = DiffCause::Gap;
    std::uint32_t sensorId = 0;
    Metric metric = Metric::TrafficSpeed;
    std::int64_t windowStartMs = 0;
    std::optional<WindowAggregate> stored;  //!< absent for a missing window
    WindowAggregate recomputed;             //!< count 0 for an orphan
    std::uint64_t lateReadings = 0;         //!< archive readings of the window that arrived late
    std::uint64_t archiveDuplicates = 0;    //!< repeated archive records of the window (dropped)
    bool corrected = false;
    std::string explanation;
};

struct ReconcileOptions {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;                     //!< exclusive
    std::int64_t windowSizeMs = kHourMs;       //!< the stored window size to check (1 h: the hourly table)
    std::int64_t outOfOrdernessMs = 5'000;     //!< the speed layer's watermark lag: later than this is late
    double tolerance = 1e-6;                   //!< relative difference of sum / min / max treated as equal
    bool correct = true;                       //!< upsert the recomputed windows and write lineage
    bool deleteOrphans = true;                 //!< with correct: delete orphan windows (false: report only)
    std::vector<std::string> topics;           //!< archive topics to read; empty: every reading topic
    std::string jobId = "batch-reconcile";
    std::int64_t nowMs = 0;                    //!< processing time recorded in data_lineage
};

struct ReconcileReport {
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::int64_t windowSizeMs = kHourMs;
    std::uint64_t archiveRecords = 0;     //!< records replayed
    std::uint64_t undecodable = 0;        //!< records that are not readings (skipped, counted)
    std::uint64_t archiveDuplicates = 0;  //!< repeated (sensor, metric, event time) records, dropped
    std::uint64_t lateReadings = 0;
    std::uint64_t windowsRecomputed = 0;
    std::uint64_t windowsStored = 0;
    std::vector<AggregateDiff> diffs;  //!< by sensor, metric, window
    std::uint64_t corrected = 0;
    std::uint64_t lineageRows = 0;
};

//! The comparison itself: recomputes windows from archived readings (deduplicated on (sensor,
//! metric, event time), late ones flagged from their partition's offset order: a reading is late when
//! an earlier offset of its partition had an event time >= its window end + outOfOrdernessMs) and
//! compares them with the stored windows. Fills every field but the correction counts.
ReconcileReport compareWithArchive(std::span<const ArchivedReading> archived, std::span<const WindowAggregate> stored,
                                   const ReconcileOptions& options);

//! The nightly lambda reconciliation: replays the archive's readings of [fromMs, toMs) (ArchiveEventSource,
//! binary or JSON payloads), reads the stored windows of the same range, compares, and (options.correct)
//! upserts every recomputed window, deletes the orphan windows (options.deleteOrphans), and writes one
//! data_lineage row per correction, all in one transaction. Corrections are idempotent: a second run
//! finds nothing.
Result<ReconcileReport> reconcile(const std::filesystem::path& archiveRoot, storage::Storage& storage,
                                  storage::StorageReader& reader, const ReconcileOptions& options);

std::string toText(const ReconcileReport& report, std::size_t maxDiffs = 50);
std::string toJson(const ReconcileReport& report);

}  // namespace cityops::engine::history
