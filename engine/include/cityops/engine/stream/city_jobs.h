#pragma once

// The smart-city design's four stream jobs (Alert Detection, Real-time Aggregation, Data Enrichment,
// Pattern Detection) and the receipts stream of the Spark seed, written with the job API:
//
//   readings ─┬─ keyBy(sensor) ── dedup ─┬─ CO2 pattern ───────────────────────────┐
//             │                          ├─ energy anomaly (robust z-score) ───────┼─▶ alerts
//             │                          └─ enrich (registry, weather, time) ──▶ enriched readings
//             ├─ keyBy(location) ── emergency pattern ─────────────────────────────┘
//             ├─ keyBy(series) ── dedup ── window 5m stats ─┬─▶ sensor aggregates
//             │                                             └─ global: per district ─▶ district aggregates
//             ├─ keyBy(sensor) ── dedup ─┬─ traffic jam ───────────────────────────────▶ alerts
//             │                          ├─ energy outage ─────────────────────────────▶ alerts
//             │                          └─ sensor silent (event-time timers) ─────────▶ alerts
//             └─ keyBy(location) ── heat stress (district heat index) ─────────────────▶ alerts
//
//   receipts ── keyBy(store) ─┬─ window 10s sum ── global: top 5 ─▶ top stores
//                             └─ filter total > 500 ──────────────▶ big receipts
//   receipt items ── keyBy(category) ── window 10s (all items) ───▶ popular items per category
//
// Each add*() function adds one design job to a JobBuilder, so a job can run alone; buildCityJobs()
// puts the four on one source (one checkpoint covers them all). With JobConfig::storage the alerts,
// aggregates and enriched readings go to SQLite exactly once (committed with the checkpoints).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream/aggregates.h"
#include "cityops/engine/stream/cep_rules.h"
#include "cityops/engine/stream/dedup.h"
#include "cityops/engine/stream/enrichment.h"
#include "cityops/engine/stream/job.h"
#include "cityops/engine/stream/receipt_codec.h"
#include "cityops/engine/stream/windows.h"

namespace cityops::engine::stream {

// ── Keys ────────────────────────────────────────────────────────────────────────────────────────

//! The key of one sensor's series of one metric. It also carries the sensor's location, so the
//! per-district stage can read it back: location << 40 | sensor << 8 | metric.
inline Key seriesKey(const Reading& r) {
    return (Key{r.locationId} << 40) | (Key{r.sensorId} << 8) | Key{static_cast<std::uint8_t>(r.metric)};
}
inline std::uint32_t sensorOfSeries(Key key) { return static_cast<std::uint32_t>((key >> 8) & 0xffffffffu); }
inline std::uint16_t locationOfSeries(Key key) { return static_cast<std::uint16_t>(key >> 40); }
inline Metric metricOfSeries(Key key) { return static_cast<Metric>(key & 0xffu); }

// ── Outputs ─────────────────────────────────────────────────────────────────────────────────────

//! locationId of the city-wide row of DistrictAggregate.
inline constexpr std::uint16_t kCityWide = 0xffff;

//! One metric of one district over one window: all readings of its sensors (sum / count is the
//! district average; TrafficSpeed gives the design's average traffic speed).
struct DistrictAggregate {
    TimeMs windowStart = 0;
    TimeMs windowEnd = 0;
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    std::uint64_t count = 0;
    std::uint32_t sensors = 0;  //!< sensors that reported in the window
    std::uint16_t locationId = 0;  //!< district index, or kCityWide
    Metric metric = Metric::TrafficSpeed;

    double average() const { return count == 0 ? 0.0 : sum / static_cast<double>(count); }
};

//! A store's revenue in one window.
struct StoreRevenue {
    std::uint32_t storeId = 0;
    double revenue = 0.0;
};

//! The five stores with the most revenue in one window (ties: lower store id first).
struct TopStores {
    TimeMs windowStart = 0;
    TimeMs windowEnd = 0;
    std::uint32_t count = 0;  //!< stores listed (fewer than 5 when fewer sold)
    std::array<StoreRevenue, 5> stores{};
};

//! Units sold of one item.
struct ItemUnits {
    std::uint32_t itemId = 0;  //!< ReceiptDictionary id
    std::uint32_t units = 0;
};

//! The most sold items of one category in one window (ties: lower item id first).
struct PopularItems {
    TimeMs windowStart = 0;
    TimeMs windowEnd = 0;
    std::uint16_t categoryId = 0;
    std::uint32_t count = 0;  //!< items listed
    std::uint64_t categoryUnits = 0;
    std::array<ItemUnits, 3> items{};
};

// ── Pattern Detection: energy anomalies ─────────────────────────────────────────────────────────

//! Robust z-score of each energy reading against the meter's baseline: the readings of the same
//! hour of the week in earlier weeks when at least minWeeks are known, else of the same hour of the
//! day in earlier days (at least minDays); before that the meter is learning and not scored.
//! z = (x − median) / (1.4826 · MAD); |z| > zThreshold starts an anomaly episode (one alert);
//! the episode ends with the first normal reading. Anomalous readings stay out of the baseline.
struct EnergyAnomalyConfig {
    double zThreshold = 3.5;
    int minWeeks = 3;            //!< same-hour-of-week values needed to prefer that baseline
    int minDays = 3;             //!< same-hour-of-day values needed for the fallback baseline
    TimeMs utcOffsetMs = 2 * 3'600'000;  //!< local time of the hour-of-week (Kyiv: +2 h)
    //! Relative floor of the spread (share of |median|), so a perfectly flat baseline does not make
    //! every tiny change an anomaly.
    double minRelativeSpread = 0.05;
};

//! Energy anomaly detector (KeyedOperator<Reading, Alert>, keyed by sensor). Readings are scored
//! in event-time order once the watermark passes them, so results do not depend on arrival order.
std::unique_ptr<KeyedOperator<Reading, Alert>> makeEnergyAnomalyOperator(const EnergyAnomalyConfig& config = {});

// ── Situation rules: traffic jam, heat stress, energy outage, silent sensor ───────────────────────
// The alert kinds the training scenarios declare (issue #5). Each is an event-time rule: results
// depend on event times and the watermark, not on arrival order within the watermark bound.

//! A road segment is jammed when, over the last windowMs (evaluated at the end of every minute
//! with readings), its sensor's average speed is below speedKmh while vehicles queue on it.
struct TrafficJamConfig {
    //! Average speed below this is a jam: stop-and-go, well under the rush-hour crawl of a 30 km/h
    //! street (≈ 12–20 km/h), so ordinary rush hours do not alert.
    double speedKmh = 10.0;
    //! The jam ends when the window's average speed is back above speedKmh × clearFactor.
    double clearFactor = 1.5;
    //! Average vehicle count per report at least this: a queue, not an empty road with a slow car.
    double minVehicles = 3.0;
    //! Length of the sliding window; a multiple of a minute, at most 14 minutes.
    TimeMs windowMs = 5 * 60'000;
    //! Speed readings needed in the window to judge it (a 10 s sensor sends 30 in 5 minutes).
    int minReadings = 3;
};
//! Traffic jam rule (KeyedOperator<Reading, Alert>, keyed by sensor; reads TrafficSpeed and
//! VehicleCount). One alert per jam episode, id from (sensor, start of the first jammed window).
std::unique_ptr<KeyedOperator<Reading, Alert>> makeTrafficJamOperator(const TrafficJamConfig& config = {});

//! Heat stress of a district: the thermometers' readings are averaged per bucket, turned into a
//! heat index (NWS, temperature with humidity), and the district is hot in a bucket when more than
//! minHotShare of its reporting thermometers are at or above heatIndexC. sustainBuckets hot buckets
//! in a row raise the alert. A district rule, so a fire next to one thermometer is not a heat wave.
struct HeatStressConfig {
    double heatIndexC = 32.0;       //!< NWS "extreme caution" (90 °F): heat cramps and exhaustion likely
    TimeMs bucketMs = 10 * 60'000;  //!< per-thermometer averaging bucket
    int sustainBuckets = 3;         //!< hot buckets in a row before the alert (30 minutes)
    double minHotShare = 0.5;       //!< more than this share of the reporting thermometers must be hot
};
//! Heat stress rule (KeyedOperator<Reading, Alert>, keyed by location; reads Temperature and
//! Humidity). One alert per hot episode of a district, naming its hottest thermometer; id from
//! (district, start of the first hot bucket).
std::unique_ptr<KeyedOperator<Reading, Alert>> makeHeatStressOperator(const HeatStressConfig& config = {});
//! The heat index (°C) of a temperature (°C) and relative humidity (%), NWS Rothfusz regression
//! with its low-temperature form; a NaN humidity gives the temperature.
double heatIndexC(double temperatureC, double humidityPercent);

//! A meter is out when consecutive readings in a row are below dropShare of its recent level
//! (an exponential average of its normal readings) while that level was at least minLevelKwh.
struct EnergyOutageConfig {
    double dropShare = 0.05;     //!< a reading below 5 % of the recent level counts as "no supply"
    int consecutive = 3;         //!< that many such readings in a row raise the alert
    double minLevelKwh = 0.2;    //!< meters whose recent level is below this are not judged
    int warmupReadings = 5;      //!< normal readings before a meter's level is trusted
    double levelAlpha = 0.1;     //!< weight of each normal reading in the recent level
    double recoverShare = 0.3;   //!< the outage ends at the first reading above this share of the level
};
//! Energy outage rule (KeyedOperator<Reading, Alert>, keyed by sensor; reads EnergyKwh). Readings
//! are judged in event-time order once the watermark passes them. One Critical alert per outage,
//! id from (meter, event time of the first low reading).
std::unique_ptr<KeyedOperator<Reading, Alert>> makeEnergyOutageOperator(const EnergyOutageConfig& config = {});

//! A sensor is silent when the watermark passes its last reading by `intervals` × its usual
//! interval (learnt as (last − first event time) / (sequence numbers between them)) and by at
//! least minSilenceMs. Only sensors seen twice are watched, so a quiet start raises nothing, and
//! the end of input (watermark kEndOfTime) is not silence. A gateway outage silences each of its
//! sensors: one alert per sensor (sensor, district), which the console groups by district.
struct SensorSilenceConfig {
    double intervals = 5.0;          //!< silent after this many usual intervals without a reading
    TimeMs minSilenceMs = 120'000;   //!< and at least this long (jitter, clock skew, floods)
};
//! Silent sensor rule (KeyedOperator<Reading, Alert>, keyed by sensor; any metric). One alert per
//! silence, id from (sensor, event time of its last reading); value: the silence in seconds.
std::unique_ptr<KeyedOperator<Reading, Alert>> makeSensorSilenceOperator(const SensorSilenceConfig& config = {});

// ── Emergency kinds and sensor health (issue #5's remaining scenario alerts) ─────────────────────

//! An emergency sensor reporting an event of a type (fire, gas leak, accident, flooding; the type
//! is the first decimal of its EmergencySeverity value, see emergency_code.h) raises that type's
//! alert once per sensor and event: re-armed when the sensor reports quiet (0) again. Air-quality
//! events and plain integer severities raise nothing here (the CO2 and emergency rules see them).
struct EmergencyKindConfig {
    int minSeverity = 1;  //!< events below this severity are ignored
};
//! Emergency kind rule (KeyedOperator<Reading, Alert>, keyed by sensor). Alert id from (sensor,
//! event time of the first report); value: the severity.
std::unique_ptr<KeyedOperator<Reading, Alert>> makeEmergencyKindOperator(const EmergencyKindConfig& config = {});

//! Per-sensor health of the raw stream (before dedup), one operator keyed by sensor:
//! - stuck: the identical value stuckReadings times in a row over at least stuckMinSpanMs (metrics
//!   with a continuous value only: not vehicle counts, parking occupancy or emergency severity);
//! - duplicates: a (metric, seq) seen before, duplicateCount times in one episode;
//! - late: a reading lateToleranceMs (but less than skewMs) behind the newest event time the
//!   operator has seen (the stream's frontier), lateCount times in one episode;
//! - clock skew: skewReadings readings in a row at least skewMs behind the frontier (a clock ahead
//!   of the others moves the frontier itself: it shows as the other sensors' lateness);
//! - flood: a minute with floodFactor × the sensor's usual readings per minute (and at least
//!   floodMinReadings), once floodWarmupMinutes normal minutes have taught it the usual rate.
//! An episode ends after quietMs without the symptom; one alert per sensor and episode.
struct SensorHealthConfig {
    int stuckReadings = 10;
    TimeMs stuckMinSpanMs = 240'000;
    int duplicateCount = 3;
    int lateCount = 5;
    TimeMs lateToleranceMs = 3'000;
    TimeMs skewMs = 30'000;
    int skewReadings = 3;
    double floodFactor = 4.0;
    int floodMinReadings = 10;
    int floodWarmupMinutes = 5;
    TimeMs quietMs = 600'000;
};
//! Sensor health rule (KeyedOperator<Reading, Alert>, keyed by sensor; raw readings). Raises
//! SensorStuck, DuplicateReadings, LateReadings, ClockSkew and DataFlood; alert time is the
//! frontier (so a skewed clock does not date its alert in the past).
std::unique_ptr<KeyedOperator<Reading, Alert>> makeSensorHealthOperator(const SensorHealthConfig& config = {});

//! A sensor drifts when its offset from the median of its district's sensors of the same metric
//! (bucket means; the median of all thermometers when the district has fewer than minSensors
//! reporting) moves by more than the metric's limit from the offset it had in its first
//! warmupBuckets buckets, for sustainBuckets buckets in a row. A jump of more than the jump limit
//! between two buckets (a fire next to it) is not drift: the offset is learnt anew. Temperature and
//! humidity only (the metrics whose neighbours agree up to a stable bias).
struct SensorDriftConfig {
    TimeMs bucketMs = 600'000;
    int warmupBuckets = 3;
    int sustainBuckets = 2;
    int minSensors = 3;
    double temperatureC = 2.0;
    double humidityPercent = 10.0;
    double jumpTemperatureC = 1.0;
    double jumpHumidityPercent = 4.0;
};
//! True for the metrics the drift rule judges (temperature, humidity).
inline bool driftMetric(Metric metric) { return metric == Metric::Temperature || metric == Metric::Humidity; }
//! Sensor drift rule (KeyedOperator<Reading, Alert>). Key every drift metric's reading with the same
//! key (0), as addSensorHealthRules does, so the median can span districts; other keys' readings
//! of those metrics are judged among their own key. One alert per sensor and drift; value: the
//! offset change.
std::unique_ptr<KeyedOperator<Reading, Alert>> makeSensorDriftOperator(const SensorDriftConfig& config = {});

// ── Real-time Aggregation: the per-series window summary ─────────────────────────────────────────

//! count, sum, min, max, avg and standard deviations of a series' window in a 48-byte accumulator.
//! The percentile fields of the result are NaN: per-series 5-minute percentiles would need a sketch
//! of ~900 bytes per open window (StatsAggregate), which at 100 k series costs more than the rest of
//! the job; use StatsAggregate where percentiles are wanted.
struct SeriesStatsAggregate {
    struct Accumulator {
        double sum = 0.0;
        double min = 0.0;
        double max = 0.0;
        Welford welford;
    };
    using Result = Stats;
    Accumulator createAccumulator() const { return {}; }
    void add(Accumulator& acc, double v) const;
    void merge(Accumulator& acc, const Accumulator& other) const;
    Result getResult(const Accumulator& acc) const;
    std::string name() const { return "stats(count, sum, min, max, avg, stddev)"; }
};

// ── Small operators ─────────────────────────────────────────────────────────────────────────────

//! Keeps the records for which pred is true (a stateless keyed operator).
template <class T, class Pred>
class FilterOperator final : public KeyedOperator<T, T> {
public:
    FilterOperator(Pred pred, std::string label) : m_pred(std::move(pred)), m_label(std::move(label)) {}
    void processElement(Key key, const T& value, TimeMs eventTime, Collector<T>& out) override {
        ++m_counters.recordsIn;
        if (m_pred(value)) {
            ++m_counters.recordsOut;
            out.collect(key, value, eventTime);
        }
    }
    bool forwardsPrefetch() const override { return true; }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "filter(" + m_label + ")"; }

private:
    Pred m_pred;
    std::string m_label;
    OperatorCounters m_counters;
};

template <class T, class Pred>
std::unique_ptr<FilterOperator<T, Pred>> makeFilter(Pred pred, std::string label) {
    return std::make_unique<FilterOperator<T, Pred>>(std::move(pred), std::move(label));
}

//! Deduplication by sequence number: each (key, sub-stream) remembers its highest sequence number and
//! a 64-bit bitmap of the 64 before it (the anti-replay window of IPsec/TCP), 24 bytes per series
//! instead of a ring of ids. A repeat inside the window is dropped and counted in
//! counters().duplicates; a sequence number older than the window is let through and counted in
//! tooOld() (it cannot be told apart). Series idle for ttlMs of event time are forgotten.
//! SeqFn(const T&) returns {sub-stream (0..15), sequence number}.
class SequenceDedupState {
public:
    explicit SequenceDedupState(TimeMs ttlMs) : m_ttlMs(ttlMs) {}
    //! True when (key, stream, seq) is new.
    bool admit(Key key, std::uint8_t stream, std::uint64_t seq, TimeMs eventTime);
    //! Starts loading the state admit(key, stream, ...) will touch (only when it outgrows the cache).
    void prefetch(Key key, std::uint8_t stream) const;
    void advanceWatermark(TimeMs watermark);
    void snapshot(StateWriter& writer) const;
    bool restore(StateReader& reader, const KeyFilter& filter);
    std::size_t stateBytes() const;
    std::uint64_t duplicates() const { return m_duplicates; }
    std::uint64_t tooOld() const { return m_tooOld; }

private:
    struct Series {
        std::uint64_t maxSeq = 0;
        std::uint64_t bitmap = 0;  //!< bit i: maxSeq − i was seen
        TimeMs lastTime = 0;
        Key key = 0;  //!< the operator key (for restore filtering)
    };
    TimeMs m_ttlMs;
    TimeMs m_lastSweep = kNoWatermark;
    std::uint64_t m_duplicates = 0;
    std::uint64_t m_tooOld = 0;
    struct Impl;
    std::shared_ptr<Impl> m_impl;  //!< the flat map (kept out of the header)
};

template <class T, class SeqFn>
class SequenceDedupOperator final : public KeyedOperator<T, T> {
public:
    SequenceDedupOperator(TimeMs ttlMs, SeqFn seqOf) : m_state(ttlMs), m_seqOf(std::move(seqOf)) {}
    void processElement(Key key, const T& value, TimeMs eventTime, Collector<T>& out) override {
        ++m_counters.recordsIn;
        const auto [stream, seq] = m_seqOf(value);
        if (m_state.admit(key, stream, seq, eventTime)) {
            ++m_counters.recordsOut;
            out.collect(key, value, eventTime);
        }
    }
    void prefetch(Key key, const T& value, TimeMs eventTime) const override {
        (void)eventTime;
        m_state.prefetch(key, m_seqOf(value).first);
    }
    bool forwardsPrefetch() const override { return true; }
    void onWatermark(TimeMs watermark, Collector<T>& out) override {
        (void)out;
        m_state.advanceWatermark(watermark);
    }
    void snapshot(StateWriter& writer) const override { m_state.snapshot(writer); }
    bool restore(StateReader& reader, const KeyFilter& filter) override { return m_state.restore(reader, filter); }
    std::size_t stateBytes() const override { return m_state.stateBytes(); }
    OperatorCounters counters() const override {
        OperatorCounters c = m_counters;
        c.duplicates = m_state.duplicates();
        return c;
    }
    std::string name() const override {
        return "dedup(sequence window 64, too old: " + std::to_string(m_state.tooOld()) + ")";
    }

private:
    SequenceDedupState m_state;
    SeqFn m_seqOf;
    OperatorCounters m_counters;
};

// ── The jobs ────────────────────────────────────────────────────────────────────────────────────

//! Settings of the design's four jobs.
struct CityJobsConfig {
    JobConfig job;                    //!< jobId "city-jobs" unless set; workers; storage for exactly-once
    TimeMs aggregateWindowMs = 300'000;  //!< Real-time Aggregation: tumbling window (5 minutes)
    TimeMs allowedLatenessMs = 0;        //!< Real-time Aggregation: late readings re-fire their window
    Co2RuleConfig co2;
    EmergencyRuleConfig emergency;
    EnergyAnomalyConfig energy;
    TrafficJamConfig trafficJam;      //!< Situation rules (see addSituationRules)
    HeatStressConfig heatStress;
    EnergyOutageConfig energyOutage;
    SensorSilenceConfig sensorSilence;
    EmergencyKindConfig emergencyKinds;  //!< Emergency kinds and sensor health (see addSensorHealthRules)
    SensorHealthConfig sensorHealth;
    SensorDriftConfig sensorDrift;
    DedupConfig dedup;                //!< by (sensor, seq): repeated sends are dropped
    //! Data Enrichment's reference data; without a registry the enrichment job is left out.
    EnrichmentSources enrichment;
    //! District names by location id, for the searchable alert rows and the reading metadata.
    std::vector<std::string> districtNames;
    bool storeEnrichedReadings = true;  //!< with storage: enriched readings (+ metadata) go to SQLite
    //! Expected (sensor, metric) series, e.g. 2 × the registry size; window slots are reserved up
    //! front so a large city does not rehash and copy window state while it warms up. 0 = unknown.
    std::size_t expectedSeries = 0;
};

//! Where the city jobs' results can be read (QueueSinks the UI drains at frame rate). Null members
//! are created by buildCityJobs; set them before to share sinks.
struct CityJobsOutputs {
    std::shared_ptr<QueueSink<Alert>> alerts;
    std::shared_ptr<QueueSink<WindowResult<Stats>>> sensorAggregates;  //!< key: seriesKey
    std::shared_ptr<QueueSink<DistrictAggregate>> districtAggregates;
    std::shared_ptr<QueueSink<EnrichedReading>> enriched;  //!< left null: enriched readings are only stored
};

//! Alert Detection: the CO2 pattern per sensor and the emergency pattern per location.
void addAlertDetection(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs);
//! Real-time Aggregation: 5-minute stats per sensor and metric, per district and city-wide.
void addRealtimeAggregation(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs);
//! Data Enrichment: readings joined to the sensor registry, the district weather and time of day.
void addDataEnrichment(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs);
//! Pattern Detection: energy anomalies against the same-hour-of-week baseline.
void addPatternDetection(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs);

//! Situation rules: traffic jam, energy outage and silent sensors per sensor, heat stress per
//! district. Added after the four jobs, so checkpoints of a graph without them still restore
//! (their operators then start empty).
void addSituationRules(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs);
//! Emergency kinds per sensor, sensor health per sensor (raw readings: duplicates are its symptom)
//! and drift per district. Added after the situation rules, for the same checkpoint reason.
void addSensorHealthRules(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs);

//! The four jobs and the situation rules on one source of readings, started. Throws JobError (see JobBuilder::build).
std::unique_ptr<RunningJob<Reading>> buildCityJobs(CityJobsConfig config, CityJobsOutputs& outputs);

//! Settings of the receipts stream (the Kafka → Spark streaming demo of the seed).
//! Retail rush: receipts per store per window against that store's own moving baseline (learnt
//! from normal windows after the first, possibly partial, one and warmupWindows more). A store with
//! storeFactor × its usual count (and at least minReceipts) raises an alert (a sale, one district);
//! more than broadShare of the judged stores (at least minStores) at broadFactor × raise one
//! city-wide alert. Rush windows do not teach the baseline. One alert per store and rush.
struct RetailRushConfig {
    TimeMs windowMs = 600'000;
    int warmupWindows = 1;
    double alpha = 0.3;        //!< weight of a new normal window in the baseline
    double storeFactor = 2.5;
    int minReceipts = 12;
    double broadFactor = 1.25;
    double broadShare = 0.5;
    int minStores = 5;
};

struct ReceiptJobsConfig {
    JobConfig job;                   //!< jobId "receipts" unless set; maxOutOfOrderness 10 s by default
    TimeMs windowMs = 10'000;        //!< top stores and popular items per 10 s
    double bigReceiptUah = 500.0;    //!< receipts over this are reported
    RetailRushConfig rush;           //!< the retail rush rule (alerts output)
};

struct ReceiptJobsOutputs {
    std::shared_ptr<QueueSink<TopStores>> topStores;
    std::shared_ptr<QueueSink<ReceiptEvent>> bigReceipts;
    std::shared_ptr<QueueSink<PopularItems>> popularItems;
    std::shared_ptr<QueueSink<Alert>> alerts;  //!< retail rush (AlertRule::RetailRush; sensorId = store id)
};

//! The receipts stream's jobs: one over receipts (top stores, big receipts), one over receipt items
//! (popular items per category). Push each decoded receipt to the first and its items to the second.
struct ReceiptJobs {
    std::unique_ptr<RunningJob<ReceiptEvent>> receipts;
    std::unique_ptr<RunningJob<ReceiptItemEvent>> items;
};
ReceiptJobs buildReceiptJobs(ReceiptJobsConfig config, ReceiptJobsOutputs& outputs);
//! The retail rush rule on a receipts job (buildReceiptJobs adds it; its results go to outputs.alerts).
void addRetailRushRule(JobBuilder<ReceiptEvent>& receipts, const ReceiptJobsConfig& config, ReceiptJobsOutputs& outputs);

}  // namespace cityops::engine::stream
