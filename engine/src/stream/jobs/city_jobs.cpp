#include "cityops/engine/stream/city_jobs.h"

#include "cityops/engine/stream/window_flat_map.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <cmath>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cityops::engine::stream {

namespace {

//! Maps each record with fn (a stateless keyed operator).
template <class In, class Out, class Fn>
class MapOperator final : public KeyedOperator<In, Out> {
public:
    MapOperator(Fn fn, std::string label) : m_fn(std::move(fn)), m_label(std::move(label)) {}
    void processElement(Key key, const In& value, TimeMs eventTime, Collector<Out>& out) override {
        ++m_counters.recordsIn;
        ++m_counters.recordsOut;
        out.collect(key, m_fn(value), eventTime);
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "map(" + m_label + ")"; }

private:
    Fn m_fn;
    std::string m_label;
    OperatorCounters m_counters;
};

template <class In, class Out, class Fn>
std::unique_ptr<KeyedOperator<In, Out>> makeMap(Fn fn, std::string label) {
    return std::make_unique<MapOperator<In, Out, Fn>>(std::move(fn), std::move(label));
}

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

// ── Energy anomaly ───────────────────────────────────────────────────────────────────────────────

constexpr int kHoursPerWeek = 168;
constexpr int kWeeksKept = 4;
constexpr int kDaysKept = 7;
constexpr std::int64_t kHourMs = 3'600'000;

double median(double* values, int n) {
    std::nth_element(values, values + n / 2, values + n);
    const double upper = values[n / 2];
    if (n % 2 == 1) {
        return upper;
    }
    const double lower = *std::max_element(values, values + n / 2);
    return (lower + upper) / 2.0;
}

//! Rings of the first reading of each hour slot in earlier periods (weeks or days), so one period
//! adds one value per slot at most. Trivially copyable (snapshots copy it).
template <int Slots, int Kept>
struct SlotRings {
    std::array<std::array<double, Kept>, Slots> values{};
    std::array<std::uint8_t, Slots> count{};
    std::array<std::uint8_t, Slots> next{};
    std::array<std::int32_t, Slots> period{};  //!< the period number of each slot's last value

    void add(int slot, std::int32_t periodNumber, double value) {
        const auto s = static_cast<std::size_t>(slot);
        if (count[s] != 0 && period[s] == periodNumber) {
            return;
        }
        values[s][next[s]] = value;
        next[s] = static_cast<std::uint8_t>((next[s] + 1) % Kept);
        count[s] = static_cast<std::uint8_t>(std::min<int>(count[s] + 1, Kept));
        period[s] = periodNumber;
    }
};

//! Per meter: same hour of the week over the last weeks, same hour of the day over the last days.
struct MeterBaseline {
    SlotRings<kHoursPerWeek, kWeeksKept> weekly;
    SlotRings<24, kDaysKept> daily;
    std::uint8_t inAnomaly = 0;
    std::uint16_t anomalousRun = 0;
};

struct PendingReading {
    TimeMs eventTime = 0;
    std::uint64_t seq = 0;
    Key key = 0;
    double value = 0.0;
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
};

bool pendingAfter(const PendingReading& a, const PendingReading& b) {
    return std::tie(a.eventTime, a.key, a.seq, a.value) > std::tie(b.eventTime, b.key, b.seq, b.value);
}

class EnergyAnomalyOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit EnergyAnomalyOperator(EnergyAnomalyConfig config) : m_config(config) {
        m_config.minWeeks = std::clamp(m_config.minWeeks, 1, kWeeksKept);
        m_config.minDays = std::clamp(m_config.minDays, 1, kDaysKept);
    }

    void processElement(Key key, const Reading& value, TimeMs eventTime, Collector<Alert>& out) override {
        (void)out;
        ++m_counters.recordsIn;
        if (value.metric != Metric::EnergyKwh || !std::isfinite(value.value)) {
            return;
        }
        if (eventTime <= m_watermark) {
            ++m_counters.lateDropped;  // the meter's baseline has moved past it: counted, not scored
            return;
        }
        m_pending.push_back(PendingReading{eventTime, value.seq, key, value.value, value.sensorId, value.locationId});
        std::push_heap(m_pending.begin(), m_pending.end(), pendingAfter);
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        m_watermark = watermark;
        while (!m_pending.empty() && m_pending.front().eventTime <= watermark) {
            std::pop_heap(m_pending.begin(), m_pending.end(), pendingAfter);
            const PendingReading r = m_pending.back();
            m_pending.pop_back();
            score(r, out);
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x454e4131);  // "ENA1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_meters.size());
        for (const auto& [key, baseline] : m_meters) {
            writer.put<Key>(key);
            writer.put<MeterBaseline>(*baseline);
        }
        writer.put<std::uint64_t>(m_pending.size());
        for (const PendingReading& p : m_pending) {
            writer.put<PendingReading>(p);
        }
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x454e4131) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto meters = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < meters && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const MeterBaseline baseline = reader.get<MeterBaseline>();
            if (filter.owns(key)) {
                m_meters[key] = std::make_unique<MeterBaseline>(baseline);
            }
        }
        const auto pending = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < pending && !reader.failed(); ++i) {
            const PendingReading p = reader.get<PendingReading>();
            if (filter.owns(p.key)) {
                m_pending.push_back(p);
                std::push_heap(m_pending.begin(), m_pending.end(), pendingAfter);
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_meters.size() * (sizeof(MeterBaseline) + 32) + m_pending.capacity() * sizeof(PendingReading);
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "pattern(energy anomaly, robust z-score)"; }

private:
    void score(const PendingReading& r, Collector<Alert>& out) {
        auto& slot = m_meters[r.key];
        if (!slot) {
            slot = std::make_unique<MeterBaseline>();  // once per meter, not per event
        }
        MeterBaseline& b = *slot;
        const TimeMs local = r.eventTime + m_config.utcOffsetMs;
        // 1970-01-01 was a Thursday: shift so that hour 0 of the week is Monday 00:00.
        const std::int64_t hours = floorDiv(local, kHourMs) + 3 * 24;
        const int hourOfWeek = static_cast<int>(floorMod(hours, kHoursPerWeek));
        const auto week = static_cast<std::int32_t>(floorDiv(hours, kHoursPerWeek));

        const int hourOfDay = static_cast<int>(floorMod(hours, 24));
        const auto day = static_cast<std::int32_t>(floorDiv(hours, 24));

        std::array<double, std::max(kWeeksKept, kDaysKept)> scratch{};
        int n = 0;
        if (b.weekly.count[static_cast<std::size_t>(hourOfWeek)] >= m_config.minWeeks) {
            n = b.weekly.count[static_cast<std::size_t>(hourOfWeek)];
            std::copy_n(b.weekly.values[static_cast<std::size_t>(hourOfWeek)].begin(), n, scratch.begin());
        } else if (b.daily.count[static_cast<std::size_t>(hourOfDay)] >= m_config.minDays) {
            n = b.daily.count[static_cast<std::size_t>(hourOfDay)];
            std::copy_n(b.daily.values[static_cast<std::size_t>(hourOfDay)].begin(), n, scratch.begin());
        }
        bool anomalous = false;
        double z = 0.0;
        if (n > 0) {
            const double med = median(scratch.data(), n);
            for (int i = 0; i < n; ++i) {
                scratch[static_cast<std::size_t>(i)] = std::abs(scratch[static_cast<std::size_t>(i)] - med);
            }
            const double mad = median(scratch.data(), n);
            const double spread = std::max({1.4826 * mad, m_config.minRelativeSpread * std::abs(med), 1e-9});
            z = (r.value - med) / spread;
            anomalous = std::abs(z) > m_config.zThreshold;
        }
        if (anomalous && b.inAnomaly == 0) {
            Alert alert;
            alert.id = makeAlertId(AlertRule::EnergyAnomaly, r.sensorId, r.eventTime);
            alert.firstEventMs = r.eventTime;
            alert.eventTimeMs = r.eventTime;
            alert.value = r.value;
            alert.sensorId = r.sensorId;
            alert.locationId = r.locationId;
            alert.rule = AlertRule::EnergyAnomaly;
            alert.severity = z < 0 ? Severity::Critical : Severity::Warning;  // a drop: supply is failing
            alert.matchedCount = 1;
            ++m_counters.recordsOut;
            out.collect(r.key, alert, r.eventTime);
        }
        b.inAnomaly = anomalous ? 1 : 0;
        b.anomalousRun = anomalous ? static_cast<std::uint16_t>(std::min<int>(b.anomalousRun + 1, 0xffff)) : 0;
        // A lasting change becomes the new normal after a day of anomalous readings.
        if (!anomalous || b.anomalousRun > 96) {
            b.weekly.add(hourOfWeek, week, r.value);
            b.daily.add(hourOfDay, day, r.value);
        }
    }

    static std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
        const std::int64_t q = a / b;
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
    }
    static std::int64_t floorMod(std::int64_t a, std::int64_t b) { return a - floorDiv(a, b) * b; }

    EnergyAnomalyConfig m_config;
    std::unordered_map<Key, std::unique_ptr<MeterBaseline>> m_meters;
    std::vector<PendingReading> m_pending;  //!< min-heap by (event time, key, seq)
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
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
//! replaces its earlier contribution.
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
        m_pending[slot][value.key] =
            SeriesStats{value.value.sum, value.value.min, value.value.max, value.value.count};
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
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x44414731);  // "DAG1"
        writer.put<std::uint64_t>(m_pending.size());
        for (const auto& [slot, series] : m_pending) {
            writer.put<Slot>(slot);
            writer.put<std::uint64_t>(series.size());
            for (const auto& [key, stats] : series) {
                writer.put<Key>(key);
                writer.put<SeriesStats>(stats);
            }
        }
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        (void)filter;  // a global stage owns every key
        if (reader.get<std::uint32_t>() != 0x44414731) {
            return false;
        }
        const auto slots = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < slots && !reader.failed(); ++i) {
            const Slot slot = reader.get<Slot>();
            const auto n = reader.get<std::uint64_t>();
            auto& series = m_pending[slot];
            for (std::uint64_t j = 0; j < n && !reader.failed(); ++j) {
                const Key key = reader.get<Key>();
                series[key] = reader.get<SeriesStats>();
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override {
        std::size_t bytes = 0;
        for (const auto& entry : m_pending) {
            bytes += 64 + entry.second.size() * (sizeof(Key) + sizeof(SeriesStats) + 32);
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
    };

    void emit(const Slot& slot, const std::map<Key, SeriesStats>& series, Collector<DistrictAggregate>& out) {
        std::map<std::uint16_t, DistrictAggregate> districts;
        DistrictAggregate city;
        city.locationId = kCityWide;
        for (const auto& [key, s] : series) {
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
    std::map<Slot, std::map<Key, SeriesStats>> m_pending;
    OperatorCounters m_counters;
};

// ── Top stores (global stage) ───────────────────────────────────────────────────────────────────

class TopStoresOperator final : public KeyedOperator<WindowResult<double>, TopStores> {
public:
    void processElement(Key key, const WindowResult<double>& value, TimeMs eventTime, Collector<TopStores>& out) override {
        (void)eventTime;
        (void)out;
        ++m_counters.recordsIn;
        auto& stores = m_pending[{value.windowEnd, value.windowStart}];
        const auto store = static_cast<std::uint32_t>(key);
        auto it = std::find_if(stores.begin(), stores.end(), [&](const StoreRevenue& s) { return s.storeId == store; });
        if (it != stores.end()) {
            it->revenue = value.value;  // a re-firing replaces the store's revenue
        } else {
            stores.push_back(StoreRevenue{store, value.value});
        }
    }

    void onWatermark(TimeMs watermark, Collector<TopStores>& out) override {
        while (!m_pending.empty() && m_pending.begin()->first.first <= watermark) {
            auto it = m_pending.begin();
            auto& stores = it->second;
            std::sort(stores.begin(), stores.end(), [](const StoreRevenue& a, const StoreRevenue& b) {
                return a.revenue != b.revenue ? a.revenue > b.revenue : a.storeId < b.storeId;
            });
            TopStores top;
            top.windowEnd = it->first.first;
            top.windowStart = it->first.second;
            top.count = static_cast<std::uint32_t>(std::min<std::size_t>(stores.size(), top.stores.size()));
            std::copy_n(stores.begin(), top.count, top.stores.begin());
            ++m_counters.recordsOut;
            out.collect(0, top, top.windowEnd - 1);
            m_pending.erase(it);
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x544f5031);  // "TOP1"
        writer.put<std::uint64_t>(m_pending.size());
        for (const auto& [window, stores] : m_pending) {
            writer.put<TimeMs>(window.first);
            writer.put<TimeMs>(window.second);
            writer.put<std::uint64_t>(stores.size());
            for (const StoreRevenue& s : stores) {
                writer.put<StoreRevenue>(s);
            }
        }
    }
    bool restore(StateReader& reader, const KeyFilter& filter) override {
        (void)filter;
        if (reader.get<std::uint32_t>() != 0x544f5031) {
            return false;
        }
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const TimeMs end = reader.get<TimeMs>();
            const TimeMs start = reader.get<TimeMs>();
            const auto count = reader.get<std::uint64_t>();
            auto& stores = m_pending[{end, start}];
            for (std::uint64_t j = 0; j < count && !reader.failed(); ++j) {
                stores.push_back(reader.get<StoreRevenue>());
            }
        }
        return !reader.failed();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "global(top 5 stores by revenue)"; }

private:
    std::map<std::pair<TimeMs, TimeMs>, std::vector<StoreRevenue>> m_pending;  //!< (end, start) → stores
    OperatorCounters m_counters;
};

PopularItems popularItems(Key key, const TimeWindow& window, std::span<const ReceiptItemEvent> items) {
    std::vector<ItemUnits> units;
    std::uint64_t total = 0;
    for (const ReceiptItemEvent& item : items) {
        total += item.quantity;
        auto it = std::find_if(units.begin(), units.end(), [&](const ItemUnits& u) { return u.itemId == item.itemId; });
        if (it == units.end()) {
            units.push_back(ItemUnits{item.itemId, item.quantity});
        } else {
            it->units += item.quantity;
        }
    }
    std::sort(units.begin(), units.end(), [](const ItemUnits& a, const ItemUnits& b) {
        return a.units != b.units ? a.units > b.units : a.itemId < b.itemId;
    });
    PopularItems result;
    result.windowStart = window.start;
    result.windowEnd = window.end;
    result.categoryId = static_cast<std::uint16_t>(key);
    result.categoryUnits = total;
    result.count = static_cast<std::uint32_t>(std::min(units.size(), result.items.size()));
    std::copy_n(units.begin(), result.count, result.items.begin());
    return result;
}

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

template <class T>
std::shared_ptr<QueueSink<T>> ensure(std::shared_ptr<QueueSink<T>>& sink) {
    if (!sink) {
        sink = std::make_shared<QueueSink<T>>();
    }
    return sink;
}

}  // namespace

// ── Sequence dedup ───────────────────────────────────────────────────────────────────────────────

struct SequenceDedupState::Impl {
    detail::FlatMap<Key, Series> series;  //!< (key << 4 | stream) → window
};

bool SequenceDedupState::admit(Key key, std::uint8_t stream, std::uint64_t seq, TimeMs eventTime) {
    if (!m_impl) {
        m_impl = std::make_shared<Impl>();
    }
    bool inserted = false;
    const std::uint32_t idx = m_impl->series.findOrInsert((key << 4) | (stream & 0x0fu), inserted);
    Series& s = m_impl->series.valueAt(idx);
    if (inserted) {
        s = Series{seq, 1, eventTime, key};
        return true;
    }
    s.lastTime = std::max(s.lastTime, eventTime);
    if (seq > s.maxSeq) {
        const std::uint64_t shift = seq - s.maxSeq;
        s.bitmap = shift >= 64 ? 1 : (s.bitmap << shift) | 1;
        s.maxSeq = seq;
        return true;
    }
    const std::uint64_t back = s.maxSeq - seq;
    if (back >= 64) {
        ++m_tooOld;
        return true;
    }
    const std::uint64_t bit = std::uint64_t{1} << back;
    if ((s.bitmap & bit) != 0) {
        ++m_duplicates;
        return false;
    }
    s.bitmap |= bit;
    return true;
}

void SequenceDedupState::advanceWatermark(TimeMs watermark) {
    if (!m_impl || watermark == kEndOfTime || m_ttlMs <= 0) {
        return;
    }
    if (m_lastSweep != kNoWatermark && watermark - m_lastSweep < m_ttlMs / 4) {
        return;
    }
    m_lastSweep = watermark;
    auto& map = m_impl->series;
    for (std::uint32_t i = 0; i < map.entryLimit(); ++i) {
        if (map.liveAt(i) && map.valueAt(i).lastTime < watermark - m_ttlMs) {
            map.eraseAt(i);
        }
    }
}

void SequenceDedupState::snapshot(StateWriter& writer) const {
    writer.put<std::uint32_t>(0x53514431);  // "SQD1"
    writer.put<TimeMs>(m_lastSweep);
    writer.put<std::uint64_t>(m_impl ? m_impl->series.size() : 0);
    if (m_impl) {
        m_impl->series.forEach([&](Key k, const Series& s) {
            writer.put<Key>(k);
            writer.put<Series>(s);
        });
    }
}

bool SequenceDedupState::restore(StateReader& reader, const KeyFilter& filter) {
    if (reader.get<std::uint32_t>() != 0x53514431) {
        return false;
    }
    m_lastSweep = std::max(m_lastSweep, reader.get<TimeMs>());
    const auto n = reader.get<std::uint64_t>();
    if (!m_impl) {
        m_impl = std::make_shared<Impl>();
    }
    for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
        const Key k = reader.get<Key>();
        const Series s = reader.get<Series>();
        if (!reader.failed() && filter.owns(s.key)) {
            bool inserted = false;
            m_impl->series.valueAt(m_impl->series.findOrInsert(k, inserted)) = s;
        }
    }
    return !reader.failed();
}

std::size_t SequenceDedupState::stateBytes() const { return m_impl ? m_impl->series.memoryBytes() : 0; }

void SeriesStatsAggregate::add(Accumulator& acc, double v) const {
    if (!std::isfinite(v)) {
        return;
    }
    if (acc.welford.count == 0) {
        acc.min = v;
        acc.max = v;
    } else {
        acc.min = std::min(acc.min, v);
        acc.max = std::max(acc.max, v);
    }
    acc.sum += v;
    acc.welford.add(v);
}

void SeriesStatsAggregate::merge(Accumulator& acc, const Accumulator& other) const {
    if (other.welford.count == 0) {
        return;
    }
    if (acc.welford.count == 0) {
        acc = other;
        return;
    }
    acc.sum += other.sum;
    acc.min = std::min(acc.min, other.min);
    acc.max = std::max(acc.max, other.max);
    acc.welford.merge(other.welford);
}

Stats SeriesStatsAggregate::getResult(const Accumulator& acc) const {
    Stats s;
    s.count = acc.welford.count;
    s.sum = acc.sum;
    s.min = acc.min;
    s.max = acc.max;
    s.avg = acc.welford.count == 0 ? 0.0 : acc.welford.mean;
    s.stddev = std::sqrt(acc.welford.sampleVariance());
    s.stddevPopulation = std::sqrt(acc.welford.populationVariance());
    s.p50 = s.p95 = s.p99 = std::numeric_limits<double>::quiet_NaN();
    return s;
}

std::unique_ptr<KeyedOperator<Reading, Alert>> makeEnergyAnomalyOperator(const EnergyAnomalyConfig& config) {
    return std::make_unique<EnergyAnomalyOperator>(config);
}

namespace {

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
    return job.build();
}

ReceiptJobs buildReceiptJobs(ReceiptJobsConfig config, ReceiptJobsOutputs& outputs) {
    if (config.job.jobId.empty() || config.job.jobId == "job") {
        config.job.jobId = "receipts";
    }
    const TimeMs size = config.windowMs;
    const double big = config.bigReceiptUah;

    JobBuilder<ReceiptEvent> receipts(config.job);
    auto byStore = receipts.keyBy([](const ReceiptEvent& r) { return Key{r.storeId}; },
                                  [](const ReceiptEvent& r) { return r.eventTimeMs; });
    byStore
        .process([size](int) {
            return makeWindowOperator<ReceiptEvent>(WindowAssigner::tumbling(size),
                                                    aggregateOf(SumAggregate{}, [](const ReceiptEvent& r) { return r.total; }));
        })
        .global([] { return std::make_unique<TopStoresOperator>(); })
        .sink(ensure(outputs.topStores));
    byStore
        .process([big](int) {
            return makeFilter<ReceiptEvent>([big](const ReceiptEvent& r) { return r.total > big; },
                                            "total > " + std::to_string(static_cast<int>(big)));
        })
        .sink(ensure(outputs.bigReceipts));

    JobConfig itemsConfig = config.job;
    itemsConfig.jobId = config.job.jobId + "-items";
    JobBuilder<ReceiptItemEvent> items(itemsConfig);
    items.keyBy([](const ReceiptItemEvent& r) { return Key{r.categoryId}; },
                [](const ReceiptItemEvent& r) { return r.eventTimeMs; })
        .process([size](int) {
            return makeWindowOperator<ReceiptItemEvent>(WindowAssigner::tumbling(size),
                                                        processWindow<ReceiptItemEvent>(&popularItems, "popular items"));
        })
        .process([](int) {
            return makeMap<WindowResult<PopularItems>, PopularItems>(
                [](const WindowResult<PopularItems>& r) { return r.value; }, "window value");
        })
        .sink(ensure(outputs.popularItems));

    ReceiptJobs jobs;
    jobs.receipts = receipts.build();
    jobs.items = items.build();
    return jobs;
}

}  // namespace cityops::engine::stream
