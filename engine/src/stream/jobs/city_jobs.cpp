#include "cityops/engine/stream/city_jobs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "jobs_support.h"

namespace cityops::engine::stream {

namespace {

using jobs_detail::ensure;

//! Counts what an operator sends to a side output (late or unknown records): visible in the
//! operator's metrics, never silently lost.
template <class T>
class CountingCollector final : public Collector<T> {
public:
    void collect(Key, const T&, TimeMs) override { ++count; }
    std::uint64_t count = 0;
};

//! EnrichOperator with its side output for unknown sensors (counted in the metrics).
class EnrichStage final : public KeyedOperator<Reading, EnrichedReading> {
public:
    explicit EnrichStage(EnrichmentSources sources) : m_op(std::move(sources), m_unknown) {}
    void processElement(Key key, const Reading& value, TimeMs eventTime, Collector<EnrichedReading>& out) override {
        m_op.processElement(key, value, eventTime, out);
    }
    void onWatermark(TimeMs watermark, Collector<EnrichedReading>& out) override { m_op.onWatermark(watermark, out); }
    void onProcessingTime(TimeMs now, Collector<EnrichedReading>& out) override { m_op.onProcessingTime(now, out); }
    OperatorCounters counters() const override { return m_op.counters(); }
    std::string name() const override {
        return m_op.name() + ", unknown sensors: " + std::to_string(m_unknown.count);
    }

private:
    CountingCollector<Reading> m_unknown;
    EnrichOperator m_op;
};

// ── Per-district aggregation (global stage) ────────────────────────────────────────────────────

struct SeriesStats {
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    std::uint64_t count = 0;
};

//! Merges the per-series window results of all workers into per-district and city-wide rows once
//! no re-firing can change them (watermark ≥ window end + allowed lateness). A re-fired series
//! replaces its earlier contribution. Results are appended to a flat vector per window (a window
//! firing is a burst of one result per series) and sorted by series key when the window is
//! emitted, so the sums run in key order whatever the workers' arrival order.
class DistrictAggregator final : public KeyedOperator<WindowResult<Stats>, DistrictAggregate> {
public:
    explicit DistrictAggregator(TimeMs allowedLatenessMs) : m_lateness(allowedLatenessMs) {}

    void processElement(Key key, const WindowResult<Stats>& value, TimeMs eventTime,
                        Collector<DistrictAggregate>& out) override {
        (void)key;
        (void)eventTime;
        (void)out;
        ++m_counters.recordsIn;
        const Slot slot{value.windowEnd, value.windowStart, static_cast<std::uint8_t>(metricOfSeries(value.key))};
        if (!m_last || !(m_lastSlot == slot)) {
            m_last = &m_pending[slot];
            m_lastSlot = slot;
        }
        m_last->refired = m_last->refired || value.fireCount > 1;
        m_last->series.push_back(
            Entry{value.key, SeriesStats{value.value.sum, value.value.min, value.value.max, value.value.count}});
    }

    void onWatermark(TimeMs watermark, Collector<DistrictAggregate>& out) override {
        while (!m_pending.empty()) {
            auto it = m_pending.begin();
            const Slot& slot = it->first;
            if (saturatingAdd(slot.windowEnd, m_lateness) > watermark) {
                break;
            }
            emit(slot, it->second, out);
            m_pending.erase(it);
            m_last = nullptr;
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x44414732);  // "DAG2": results in arrival order (a later one replaces)
        writer.put<std::uint64_t>(m_pending.size());
        for (const auto& [slot, pending] : m_pending) {
            writer.put<Slot>(slot);
            writer.put<std::uint8_t>(pending.refired ? 1 : 0);
            writer.put<std::uint64_t>(pending.series.size());
            for (const Entry& e : pending.series) {
                writer.put<Key>(e.key);
                writer.put<SeriesStats>(e.stats);
            }
        }
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        (void)filter;  // a global stage owns every key
        const auto magic = reader.get<std::uint32_t>();
        if (magic != 0x44414732 && magic != 0x44414731) {  // DAG2, or DAG1 (one entry per key, no flag)
            return false;
        }
        m_last = nullptr;
        const auto slots = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < slots && !reader.failed(); ++i) {
            const Slot slot = reader.get<Slot>();
            const bool refired = magic == 0x44414732 && reader.get<std::uint8_t>() != 0;
            const auto n = reader.get<std::uint64_t>();
            Pending& pending = m_pending[slot];
            // Restoring several snapshots of one global stage: a key seen in two counts as re-fired.
            pending.refired = pending.refired || refired || !pending.series.empty();
            for (std::uint64_t j = 0; j < n && !reader.failed(); ++j) {
                const Key key = reader.get<Key>();
                pending.series.push_back(Entry{key, reader.get<SeriesStats>()});
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override {
        std::size_t bytes = 0;
        for (const auto& entry : m_pending) {
            bytes += 64 + entry.second.series.capacity() * sizeof(Entry);
        }
        return bytes;
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "global(per district and city-wide)"; }

private:
    struct Slot {
        TimeMs windowEnd;
        TimeMs windowStart;
        std::uint8_t metric;
        bool operator<(const Slot& o) const {
            return std::tie(windowEnd, windowStart, metric) < std::tie(o.windowEnd, o.windowStart, o.metric);
        }
        bool operator==(const Slot& o) const {
            return windowEnd == o.windowEnd && windowStart == o.windowStart && metric == o.metric;
        }
    };

    struct Entry {
        Key key;
        SeriesStats stats;
    };
    struct Pending {
        std::vector<Entry> series;  //!< arrival order
        bool refired = false;       //!< a key may appear more than once (the last one counts)
    };

    void emit(const Slot& slot, Pending& pending, Collector<DistrictAggregate>& out) {
        auto& series = pending.series;
        const auto byKey = [](const Entry& a, const Entry& b) { return a.key < b.key; };
        if (pending.refired) {
            std::stable_sort(series.begin(), series.end(), byKey);
        } else {
            std::sort(series.begin(), series.end(), byKey);  // first firings: one result per key
        }
        std::map<std::uint16_t, DistrictAggregate> districts;
        DistrictAggregate city;
        city.locationId = kCityWide;
        for (std::size_t i = 0; i < series.size(); ++i) {
            if (i + 1 < series.size() && series[i + 1].key == series[i].key) {
                continue;  // replaced by a later firing of the same series
            }
            const Key key = series[i].key;
            const SeriesStats& s = series[i].stats;
            if (s.count == 0) {
                continue;
            }
            DistrictAggregate& d = districts[locationOfSeries(key)];
            for (DistrictAggregate* a : {&d, &city}) {
                a->min = a->count == 0 ? s.min : std::min(a->min, s.min);
                a->max = a->count == 0 ? s.max : std::max(a->max, s.max);
                a->sum += s.sum;
                a->count += s.count;
                a->sensors += 1;
            }
        }
        const auto finish = [&](DistrictAggregate a, std::uint16_t location) {
            a.windowStart = slot.windowStart;
            a.windowEnd = slot.windowEnd;
            a.locationId = location;
            a.metric = static_cast<Metric>(slot.metric);
            ++m_counters.recordsOut;
            out.collect(location, a, slot.windowEnd - 1);
        };
        for (const auto& [location, a] : districts) {
            finish(a, location);
        }
        if (city.count > 0) {
            finish(city, kCityWide);
        }
    }

    TimeMs m_lateness;
    std::map<Slot, Pending> m_pending;
    Pending* m_last = nullptr;  //!< the slot of the previous result (a burst shares one slot)
    Slot m_lastSlot{};
    OperatorCounters m_counters;
};

// ── Storage rows ────────────────────────────────────────────────────────────────────────────────

std::string districtName(const CityJobsConfig& config, std::uint16_t location) {
    return location < config.districtNames.size() ? config.districtNames[location]
                                                  : "district " + std::to_string(location);
}

storage::AlertRecord alertRow(const CityJobsConfig& config, const Alert& alert) {
    storage::AlertRecord row;
    row.alert = alert;
    row.district = districtName(config, alert.locationId);
    switch (alert.rule) {
        case AlertRule::Co2High:
            row.title = "CO2 high";
            row.description = "CO2 above " + std::to_string(static_cast<int>(config.co2.thresholdPpm)) + " ppm " +
                              std::to_string(alert.matchedCount) + " times within 5 minutes at sensor " +
                              std::to_string(alert.sensorId);
            break;
        case AlertRule::EmergencyConfirmed:
            row.title = "Emergency confirmed";
            row.description = "emergency event at sensor " + std::to_string(alert.sensorId) +
                              " followed by a temperature or CO2 anomaly nearby (fire, gas leak)";
            break;
        case AlertRule::EnergyAnomaly:
            row.title = "Energy anomaly";
            row.description = "energy use of meter " + std::to_string(alert.sensorId) +
                              " far from its same-hour-of-week baseline (substation, outage, theft)";
            break;
        case AlertRule::TrafficJam:
            row.title = "Traffic jam";
            row.description = "average speed " + std::to_string(static_cast<int>(std::lround(alert.value))) +
                              " km/h over " + std::to_string(config.trafficJam.windowMs / 60'000) +
                              " minutes with vehicles queued at sensor " + std::to_string(alert.sensorId);
            break;
        case AlertRule::HeatStress:
            row.title = "Heat stress";
            row.description = "heat index above " + std::to_string(static_cast<int>(config.heatStress.heatIndexC)) +
                              " °C at most thermometers for " +
                              std::to_string(config.heatStress.sustainBuckets * config.heatStress.bucketMs / 60'000) +
                              " minutes (hottest: sensor " + std::to_string(alert.sensorId) + ")";
            break;
        case AlertRule::EnergyOutage:
            row.title = "Energy outage";
            row.description = "meter " + std::to_string(alert.sensorId) + " reports almost no energy use for " +
                              std::to_string(alert.matchedCount) + " intervals (supply lost)";
            break;
        case AlertRule::SensorSilent:
            row.title = "Sensor silent";
            row.description = "sensor " + std::to_string(alert.sensorId) + " has sent nothing for " +
                              std::to_string(static_cast<long long>(alert.value)) + " s (sensor, link or gateway down)";
            break;
        case AlertRule::EmergencyFire:
        case AlertRule::EmergencyGasLeak:
        case AlertRule::EmergencyAccident:
        case AlertRule::EmergencyFlooding:
            row.title = alert.rule == AlertRule::EmergencyFire       ? "Fire reported"
                        : alert.rule == AlertRule::EmergencyGasLeak  ? "Gas leak reported"
                        : alert.rule == AlertRule::EmergencyAccident ? "Accident reported"
                                                                     : "Flooding reported";
            row.description = "emergency sensor " + std::to_string(alert.sensorId) + " reports severity " +
                              std::to_string(static_cast<int>(alert.value));
            break;
        case AlertRule::SensorStuck:
            row.title = "Sensor stuck";
            row.description = "sensor " + std::to_string(alert.sensorId) + " repeats the value " +
                              std::to_string(alert.value) + " " + std::to_string(alert.matchedCount) + " times";
            break;
        case AlertRule::SensorDrift:
            row.title = "Sensor drift";
            row.description = "sensor " + std::to_string(alert.sensorId) + " has moved " +
                              std::to_string(alert.value) + " away from its district neighbours";
            break;
        case AlertRule::DuplicateReadings:
            row.title = "Duplicate readings";
            row.description = "sensor " + std::to_string(alert.sensorId) + " sent " +
                              std::to_string(alert.matchedCount) + " readings twice";
            break;
        case AlertRule::LateReadings:
            row.title = "Late readings";
            row.description = "sensor " + std::to_string(alert.sensorId) + " delivered " +
                              std::to_string(alert.matchedCount) + " readings seconds behind the stream";
            break;
        case AlertRule::ClockSkew:
            row.title = "Clock skew";
            row.description = "sensor " + std::to_string(alert.sensorId) + " clock is off by " +
                              std::to_string(static_cast<long long>(alert.value)) + " s";
            break;
        case AlertRule::DataFlood:
            row.title = "Data flood";
            row.description = "sensor " + std::to_string(alert.sensorId) + " sent " +
                              std::to_string(static_cast<int>(alert.value)) + " readings in one minute";
            break;
        case AlertRule::RetailRush:
            row.title = "Retail rush";
            row.description = "store " + std::to_string(alert.sensorId) + " has " +
                              std::to_string(static_cast<int>(alert.value)) + " receipts in a window, far above usual";
            break;
    }
    row.description += " in " + row.district;
    return row;
}

WindowAggregate aggregateRow(const WindowResult<Stats>& r) {
    WindowAggregate a;
    a.windowStartMs = r.windowStart;
    a.windowEndMs = r.windowEnd;
    a.sum = r.value.sum;
    a.min = r.value.min;
    a.max = r.value.max;
    a.count = static_cast<std::uint32_t>(std::min<std::uint64_t>(r.value.count, 0xffffffffu));
    a.sensorId = sensorOfSeries(r.key);
    a.locationId = locationOfSeries(r.key);
    a.metric = metricOfSeries(r.key);
    return a;
}

void appendNumber(std::string& out, double v) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

std::string metadataJson(const CityJobsConfig& config, const EnrichedReading& e) {
    std::string json = "{\"district\":\"";
    json += districtName(config, e.districtId);
    json += "\",\"time_of_day\":\"";
    json += toString(e.timeOfDay);
    json += "\",\"weather\":\"";
    json += toString(e.weather);
    json += "\"";
    if (std::isfinite(e.temperatureC)) {
        json += ",\"temperature_c\":";
        appendNumber(json, e.temperatureC);
    }
    json += ",\"lat\":";
    appendNumber(json, e.lat);
    json += ",\"lon\":";
    appendNumber(json, e.lon);
    json += "}";
    return json;
}

//! A reading's place in its series: the metric is the sub-stream (a sensor sends several metrics
//! under one sequence number, e.g. CO2 and PM2.5), seq the sequence number.
struct ReadingSeq {
    std::pair<std::uint8_t, std::uint64_t> operator()(const Reading& r) const {
        return {static_cast<std::uint8_t>(r.metric), r.seq};
    }
};

std::unique_ptr<KeyedOperator<Reading, Reading>> makeReadingDedup(const DedupConfig& config) {
    return std::make_unique<SequenceDedupOperator<Reading, ReadingSeq>>(config.ttlMs, ReadingSeq{});
}

//! The alert sinks: the UI queue and, with storage, the exactly-once SQLite rows.
void sinkAlerts(DataStream<Alert> alerts, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    alerts.sink(ensure(outputs.alerts));
    if (config.job.storage != nullptr) {
        alerts.sink(std::make_shared<SqliteSink<Alert>>([config](const Record<Alert>& r, storage::WriteBatch& batch) {
            batch.alerts.push_back(alertRow(config, r.value));
        }));
    }
}

}  // namespace

void addAlertDetection(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    const DedupConfig dedup = config.dedup;
    const Co2RuleConfig co2 = config.co2;
    auto bySensor = job.keyBy([](const Reading& r) { return Key{r.sensorId}; },
                              [](const Reading& r) { return r.eventTimeMs; });
    auto unique = bySensor.process([dedup](int) {
        return makeReadingDedup(dedup);
    });
    sinkAlerts(unique.process([co2](int) { return makeCo2RuleOperator(co2); }), config, outputs);

    // The emergency pattern joins readings of different sensors at one location: its own keyBy. A
    // repeated send can only repeat a match, whose alert id is the same: no dedup needed here.
    const EmergencyRuleConfig emergency = config.emergency;
    auto byLocation = job.keyBy([](const Reading& r) { return Key{r.locationId}; });
    sinkAlerts(byLocation.process([emergency](int) { return makeEmergencyRuleOperator(emergency); }), config,
               outputs);
}

void addRealtimeAggregation(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    const DedupConfig dedup = config.dedup;
    const TimeMs size = config.aggregateWindowMs;
    const TimeMs lateness = config.allowedLatenessMs;
    auto bySeries = job.keyBy([](const Reading& r) { return seriesKey(r); }, [](const Reading& r) { return r.eventTimeMs; });
    auto unique = bySeries.process([dedup](int) {
        return makeReadingDedup(dedup);
    });
    const int workers = std::max(1, config.job.workers > 0 ? config.job.workers
                                                            : static_cast<int>(std::thread::hardware_concurrency()));
    const std::size_t reserve = config.expectedSeries * 2 / static_cast<std::size_t>(workers);  // 2 open windows
    auto windows = unique.process([size, lateness, reserve](int) {
        WindowOptions options;
        options.allowedLatenessMs = lateness;
        options.reserveWindows = reserve;
        return makeWindowOperator<Reading>(WindowAssigner::tumbling(size),
                                           aggregateOf(SeriesStatsAggregate{}, [](const Reading& r) { return r.value; }),
                                           options);
    });
    windows.sink(ensure(outputs.sensorAggregates));
    if (config.job.storage != nullptr) {
        windows.sink(std::make_shared<SqliteSink<WindowResult<Stats>>>(
            [](const Record<WindowResult<Stats>>& r, storage::WriteBatch& batch) {
                batch.aggregates.push_back(aggregateRow(r.value));
            }));
    }
    windows.global([lateness] { return std::make_unique<DistrictAggregator>(lateness); })
        .sink(ensure(outputs.districtAggregates));
}

void addDataEnrichment(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    if (!config.enrichment.registry) {
        return;
    }
    const DedupConfig dedup = config.dedup;
    const EnrichmentSources sources = config.enrichment;
    auto bySensor = job.keyBy([](const Reading& r) { return Key{r.sensorId}; },
                              [](const Reading& r) { return r.eventTimeMs; });
    auto enriched = bySensor
                        .process([dedup](int) { return makeReadingDedup(dedup); })
                        .process([sources](int) { return std::make_unique<EnrichStage>(sources); });
    if (outputs.enriched) {
        enriched.sink(outputs.enriched);
    }
    if (config.job.storage != nullptr && config.storeEnrichedReadings) {
        enriched.sink(std::make_shared<SqliteSink<EnrichedReading>>(
            [config](const Record<EnrichedReading>& r, storage::WriteBatch& batch) {
                batch.readings.push_back(r.value.reading);
                // Searchable metadata for the events an operator looks for (emergency reports); the
                // bulk of readings stays in the compact readings table with its district.
                const bool event = r.value.reading.metric == Metric::EmergencySeverity && r.value.reading.value > 0;
                batch.readingMetadata.push_back(event ? metadataJson(config, r.value) : std::string());
            }));
    }
}

void addPatternDetection(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    const DedupConfig dedup = config.dedup;
    const EnergyAnomalyConfig energy = config.energy;
    auto bySensor = job.keyBy([](const Reading& r) { return Key{r.sensorId}; },
                              [](const Reading& r) { return r.eventTimeMs; });
    auto meters = bySensor
                      .process([](int) {
                          return makeFilter<Reading>([](const Reading& r) { return r.metric == Metric::EnergyKwh; },
                                                     "energy meters");
                      })
                      .process([dedup](int) { return makeReadingDedup(dedup); });
    sinkAlerts(meters.process([energy](int) { return makeEnergyAnomalyOperator(energy); }), config, outputs);
}

void addSituationRules(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    const DedupConfig dedup = config.dedup;
    const TrafficJamConfig jam = config.trafficJam;
    const EnergyOutageConfig outage = config.energyOutage;
    const SensorSilenceConfig silence = config.sensorSilence;
    auto bySensor = job.keyBy([](const Reading& r) { return Key{r.sensorId}; },
                              [](const Reading& r) { return r.eventTimeMs; });
    auto unique = bySensor.process([dedup](int) { return makeReadingDedup(dedup); });
    sinkAlerts(unique.process([jam](int) { return makeTrafficJamOperator(jam); }), config, outputs);
    sinkAlerts(unique.process([outage](int) { return makeEnergyOutageOperator(outage); }), config, outputs);
    sinkAlerts(unique.process([silence](int) { return makeSensorSilenceOperator(silence); }), config, outputs);
    // Heat stress judges a district's thermometers together: its own keyBy, no dedup (a repeated
    // send only weighs one reading twice in its 10-minute average).
    const HeatStressConfig heat = config.heatStress;
    auto byLocation = job.keyBy([](const Reading& r) { return Key{r.locationId}; });
    sinkAlerts(byLocation.process([heat](int) { return makeHeatStressOperator(heat); }), config, outputs);
}

void addSensorHealthRules(JobBuilder<Reading>& job, const CityJobsConfig& config, CityJobsOutputs& outputs) {
    const DedupConfig dedup = config.dedup;
    const EmergencyKindConfig kinds = config.emergencyKinds;
    const SensorHealthConfig health = config.sensorHealth;
    auto bySensor = job.keyBy([](const Reading& r) { return Key{r.sensorId}; },
                              [](const Reading& r) { return r.eventTimeMs; });
    // Raw readings: repeated sends and late deliveries are what sensor health looks for.
    sinkAlerts(bySensor.process([health](int) { return makeSensorHealthOperator(health); }), config, outputs);
    auto unique = bySensor.process([dedup](int) { return makeReadingDedup(dedup); });
    sinkAlerts(unique.process([kinds](int) { return makeEmergencyKindOperator(kinds); }), config, outputs);
    const SensorDriftConfig drift = config.sensorDrift;
    // Thermometers are judged together (one key); other readings spread by sensor and are ignored.
    auto thermometers = job.keyBy([](const Reading& r) { return driftMetric(r.metric) ? Key{0} : Key{r.sensorId} + 1; });
    sinkAlerts(thermometers.process([drift](int) { return makeSensorDriftOperator(drift); }), config, outputs);
}

std::unique_ptr<RunningJob<Reading>> buildCityJobs(CityJobsConfig config, CityJobsOutputs& outputs) {
    if (config.job.jobId.empty() || config.job.jobId == "job") {
        config.job.jobId = "city-jobs";
    }
    JobBuilder<Reading> job(config.job);
    job.timestamps([](const Reading& r) { return r.eventTimeMs; });
    addAlertDetection(job, config, outputs);
    addRealtimeAggregation(job, config, outputs);
    addDataEnrichment(job, config, outputs);
    addPatternDetection(job, config, outputs);
    addSituationRules(job, config, outputs);     // after the four jobs: older checkpoints hold the nodes before it
    addSensorHealthRules(job, config, outputs);  // last, for the same reason
    return job.build();
}

}  // namespace cityops::engine::stream
