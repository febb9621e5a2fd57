#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cityops/engine/storage/records.h"
#include "cityops/engine/storage/storage_result.h"

namespace cityops::engine::storage {

//! One chart bucket of a sensor series: min and max keep spikes visible at any zoom.
struct SeriesBucket {
    std::int64_t startMs = 0;
    double min = 0.0;
    double max = 0.0;
    double avg = 0.0;
    std::uint32_t count = 0;
};

//! Aggregate of one district over a time range, from the window aggregates.
struct DistrictAggregate {
    std::uint16_t locationId = 0;
    std::uint64_t count = 0;
    double min = 0.0;
    double max = 0.0;
    double avg = 0.0;
};

//! Alert history filter; unset fields do not filter. Results are newest first.
struct AlertFilter {
    std::uint32_t stateMask = 0x1f;  //!< bit (1 << AlertState) per accepted state
    std::optional<Severity> minSeverity;
    std::optional<std::uint16_t> locationId;
    std::optional<std::int64_t> fromMs;  //!< event time, inclusive
    std::optional<std::int64_t> toMs;    //!< event time, exclusive
    std::string text;                    //!< full-text words, all required
    int limit = 50;
};

//! Keyset cursor: the last row of the previous page.
struct AlertCursor {
    std::int64_t eventTimeMs = 0;
    std::uint64_t alertId = 0;
};

//! One page of alert history; next is set when more rows may follow.
struct AlertPage {
    std::vector<StoredAlert> alerts;
    std::optional<AlertCursor> next;
};

//! Dimension of the dashboard alert counts.
enum class AlertGroup : std::uint8_t { Rule, Severity, State, District, Hour };

//! One dashboard count: key is the rule/severity/state/district name or the hour start in ms.
struct GroupCount {
    std::string key;
    std::int64_t hourMs = 0;  //!< AlertGroup::Hour only
    std::uint64_t count = 0;
};

//! What a search hit refers to.
enum class SearchKind : std::uint8_t { Alert, Incident, Event };

//! A ranked full-text hit; lower score is better (SQLite bm25).
struct SearchHit {
    SearchKind kind = SearchKind::Alert;
    std::uint64_t id = 0;  //!< alert id, incident id, or event row id
    double score = 0.0;
    std::string title;
    std::string district;
    std::int64_t timeMs = 0;
};

//! A sensor found by a geo query, with its great-circle distance (0 for box queries).
struct SensorHit {
    SensorInfo sensor;
    double distanceM = 0.0;
};

//! Rows and time span of one table; the times are absent for tables without a time column or when empty.
struct TableStats {
    std::string table;
    std::uint64_t rows = 0;
    std::optional<std::int64_t> oldestMs;
    std::optional<std::int64_t> newestMs;
};

//! Hot-tier data of one topic (readings, events and window aggregates of its metrics, see topicOf()).
struct TopicStats {
    std::string topic;
    std::uint64_t readings = 0;
    std::uint64_t events = 0;
    std::uint64_t aggregates = 0;
    std::optional<std::int64_t> oldestMs;  //!< over the three tables
    std::optional<std::int64_t> newestMs;
};

//! Size of the database and what it holds, for the operator and the retention job.
struct StorageStats {
    std::uint64_t fileBytes = 0;  //!< page_count × page_size of the main file
    std::uint64_t walBytes = 0;   //!< size of the -wal file (0 when absent)
    std::uint64_t pageSize = 0;
    std::uint64_t pageCount = 0;
    std::uint64_t freePages = 0;  //!< pages freed (e.g. by retention) and reused by later writes
    int schemaVersion = 0;
    std::vector<TableStats> tables;  //!< every table of the schema, in a fixed order
    std::vector<TopicStats> topics;  //!< topics with data in the hot tier, by name
};

//! The query side of the store: its own read-only connection, so it never blocks the writer and
//! sees committed batches only. Thread-safety: one thread uses a reader at a time; open one per thread.
class StorageReader {
public:
    static Result<std::unique_ptr<StorageReader>> open(const std::filesystem::path& path);
    ~StorageReader();
    StorageReader(const StorageReader&) = delete;
    StorageReader& operator=(const StorageReader&) = delete;

    //! One sensor's metric over [fromMs, toMs) in at most bucketCount equal buckets (empty ones omitted).
    Result<std::vector<SeriesBucket>> sensorSeries(std::uint32_t sensorId, Metric metric, std::int64_t fromMs,
                                                   std::int64_t toMs, int bucketCount);
    //! The UI's chart query: one sensor's metric over the last `hours` hours up to and including nowMs,
    //! i.e. sensorSeries(nowMs − hours h, nowMs + 1, targetPoints); min/max per bucket keep spikes visible.
    Result<std::vector<SeriesBucket>> sensorSeriesLastHours(std::uint32_t sensorId, Metric metric, std::int64_t nowMs,
                                                            int hours, int targetPoints);
    //! Per-district aggregates of windows starting in [fromMs, toMs).
    Result<std::vector<DistrictAggregate>> districtAggregates(Metric metric, std::int64_t fromMs, std::int64_t toMs);
    Result<AlertPage> alertHistory(const AlertFilter& filter, std::optional<AlertCursor> after = {});
    Result<std::optional<StoredAlert>> alert(std::uint64_t alertId);
    //! Alerts with event time in [fromMs, toMs) counted by one dimension, largest first (Hour: by time).
    Result<std::vector<GroupCount>> alertCounts(AlertGroup group, std::int64_t fromMs, std::int64_t toMs);

    Result<std::uint64_t> readingCount();
    Result<std::vector<DeadLetter>> deadLetters(int limit);
    Result<std::vector<LineageRecord>> lineage(std::string_view jobId);
    //! The job's checkpoint with the highest id, if any.
    Result<std::optional<CheckpointRecord>> latestCheckpoint(std::string_view jobId);

    //! Full-text search over alerts, incidents and event metadata ("gas leak Podil"): every word must
    //! match, the last one as a prefix while it is being typed; hits ranked by bm25 across the three indexes.
    Result<std::vector<SearchHit>> search(std::string_view text, int limit);
    Result<std::vector<SensorHit>> sensorsInBox(double minLat, double minLon, double maxLat, double maxLon);
    //! Sensors within radiusM of a point: R*Tree box prefilter, then exact haversine; nearest first.
    Result<std::vector<SensorHit>> sensorsWithinRadius(double lat, double lon, double radiusM);
    //! The k sensors nearest to a point, nearest first.
    Result<std::vector<SensorHit>> nearestSensors(double lat, double lon, int k);
    //! The k sensors nearest to an incident; InvalidArgument if the incident is unknown.
    Result<std::vector<SensorHit>> nearestSensorsToIncident(std::uint64_t incidentId, int k);

    //! Database size, row counts and oldest/newest time per table and per topic, from one read
    //! transaction. Counting scans each table once: seconds on tens of millions of rows, so call it
    //! from a worker, not per UI frame.
    Result<StorageStats> stats();

    // History queries for the batch jobs over stored history (engine/src/storage/history_queries.cpp).

    //! Readings with event time in [fromMs, toMs) of one metric (all metrics when unset), ordered by
    //! sensor, metric and time. Scans the readings table: a batch query, not for the UI thread.
    Result<std::vector<Reading>> readingsInRange(std::optional<Metric> metric, std::int64_t fromMs, std::int64_t toMs);
    //! Window aggregates of exactly windowSizeMs whose window starts in [fromMs, toMs), of one metric (all
    //! when unset), ordered by sensor, metric and window start.
    Result<std::vector<WindowAggregate>> windowAggregatesInRange(std::optional<Metric> metric, std::int64_t windowSizeMs,
                                                                 std::int64_t fromMs, std::int64_t toMs);
    //! The sensor registry, by sensor id.
    Result<std::vector<SensorInfo>> sensors();
    //! District names by location id.
    Result<std::vector<std::pair<std::uint16_t, std::string>>> districtNames();
    //! Oldest and newest reading event time (ms); nullopt when there are no readings.
    Result<std::optional<std::pair<std::int64_t, std::int64_t>>> readingTimeSpan();

    //! PRAGMA integrity_check: "ok" or the problems found.
    Result<std::string> integrityCheck();

private:
    struct Impl;
    explicit StorageReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

//! Great-circle distance in metres (haversine, mean Earth radius).
double haversineMeters(double lat1, double lon1, double lat2, double lon2);

}  // namespace cityops::engine::storage
