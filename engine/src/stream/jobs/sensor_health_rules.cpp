// Sensor health: stuck values, duplicate and late deliveries, clock skew and data floods per sensor
// (raw readings), and drift per district (a sensor moving away from its neighbours).
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/timers.h"
#include "jobs_support.h"

namespace cityops::engine::stream {

namespace {

using jobs_detail::floorDiv;
using jobs_detail::makeAlert;
using jobs_detail::sortedKeys;

constexpr TimeMs kMinuteMs = 60'000;
constexpr int kTracks = 4;  //!< metrics per emission at most (air quality: CO2, PM2.5, O3, NO2)

//! Metrics whose values vary continuously: an identical value many times in a row means stuck.
bool continuous(Metric m) {
    return m != Metric::VehicleCount && m != Metric::ParkingOccupancy && m != Metric::EmergencySeverity;
}

//! One metric of a sensor: the sequence numbers seen recently (duplicates) and the value run (stuck).
struct MetricTrack {
    std::uint64_t maxSeq = 0;
    std::uint64_t seen = 0;  //!< bit i: maxSeq − i was seen
    double lastValue = 0.0;
    TimeMs runSince = 0;
    std::int32_t run = 0;
    std::uint8_t metric = 0;
    std::uint8_t used = 0;
    std::uint8_t unused[2] = {};
};
static_assert(sizeof(MetricTrack) == 40, "MetricTrack must have no padding");

//! A symptom that comes and goes (duplicates, late readings): one alert per episode.
struct Episode {
    TimeMs since = 0;  //!< frontier at the episode's first symptom
    TimeMs last = 0;   //!< frontier at its latest symptom
    std::int32_t count = 0;
    std::int32_t alerted = 0;
};
static_assert(sizeof(Episode) == 24, "Episode must have no padding");

struct HealthState {
    std::array<MetricTrack, kTracks> tracks{};
    Episode duplicates;
    Episode late;
    TimeMs skewSince = 0;
    TimeMs floodMinute = std::numeric_limits<TimeMs>::min();
    double usualPerMinute = 0.0;
    std::int32_t skewRun = 0;
    std::int32_t minuteCount = 0;
    std::int32_t normalMinutes = 0;
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    std::uint8_t skewAlerted = 0;
    std::uint8_t floodAlerted = 0;
    std::uint8_t stuckAlerted = 0;
    std::uint8_t unused[3] = {};  //!< explicit padding: snapshots hold no indeterminate bytes
};
static_assert(sizeof(HealthState) == kTracks * 40 + 2 * 24 + 24 + 24, "HealthState must have no padding");

class SensorHealthOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit SensorHealthOperator(SensorHealthConfig config) : m_config(config) {
        m_config.stuckReadings = std::max(2, m_config.stuckReadings);
        m_config.duplicateCount = std::max(1, m_config.duplicateCount);
        m_config.lateCount = std::max(1, m_config.lateCount);
        m_config.skewReadings = std::max(1, m_config.skewReadings);
        m_config.lateToleranceMs = std::max<TimeMs>(1, m_config.lateToleranceMs);
        m_config.skewMs = std::max(m_config.skewMs, m_config.lateToleranceMs + 1);
    }

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        ++m_counters.recordsIn;
        const TimeMs lag = m_frontier == kNoWatermark ? 0 : m_frontier - eventTime;
        m_frontier = m_frontier == kNoWatermark ? eventTime : std::max(m_frontier, eventTime);
        const TimeMs now = m_frontier;
        auto [it, inserted] = m_state.try_emplace(key);
        HealthState& s = it->second;
        s.sensorId = r.sensorId;
        s.locationId = r.locationId;
        MetricTrack* track = trackOf(s, r.metric);
        if (track != nullptr && isDuplicate(*track, r.seq)) {
            if (symptom(s.duplicates, now)) {
                raise(key, s, AlertRule::DuplicateReadings, s.duplicates, now, s.duplicates.count, out);
            }
            return;  // a repeat is judged once, as a repeat
        }
        if (lag >= m_config.skewMs) {
            if (s.skewRun == 0) {
                s.skewSince = now;
            }
            s.skewRun = std::min(s.skewRun + 1, 1 << 30);
            if (s.skewRun >= m_config.skewReadings && s.skewAlerted == 0) {
                s.skewAlerted = 1;
                emit(key, makeAlert(AlertRule::ClockSkew, r.sensorId, s.skewSince, now,
                                    -static_cast<double>(lag) / 1000.0, r.sensorId, r.locationId, Severity::Warning,
                                    s.skewRun),
                     out);
            }
        } else {
            s.skewRun = 0;
            s.skewAlerted = 0;
            if (lag >= m_config.lateToleranceMs && symptom(s.late, now)) {
                raise(key, s, AlertRule::LateReadings, s.late, now, s.late.count, out);
            }
        }
        if (track != nullptr && continuous(r.metric) && std::isfinite(r.value)) {
            judgeStuck(key, s, *track, r, eventTime, now, out);
        }
        if (track == &s.tracks[0]) {
            countForFlood(key, s, eventTime, now, out);  // one metric per emission counts emissions
        }
    }

    void onWatermark(TimeMs, Collector<Alert>&) override {}

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x53484c31);  // "SHL1"
        writer.put<TimeMs>(m_frontier);
        writer.put<std::uint64_t>(m_state.size());
        for (const Key key : sortedKeys(m_state)) {
            writer.put<Key>(key);
            writer.put<HealthState>(m_state.at(key));
        }
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x53484c31) {
            return false;
        }
        const TimeMs frontier = reader.get<TimeMs>();
        m_frontier = m_frontier == kNoWatermark ? frontier : std::max(m_frontier, frontier);
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const HealthState state = reader.get<HealthState>();
            if (filter.owns(key)) {
                m_state[key] = state;
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override { return m_state.size() * (sizeof(HealthState) + 32); }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(sensor health: stuck, duplicates, late, clock skew, flood)"; }

private:
    static MetricTrack* trackOf(HealthState& s, Metric metric) {
        const auto m = static_cast<std::uint8_t>(metric);
        for (MetricTrack& t : s.tracks) {
            if (t.used == 0) {
                t.used = 1;
                t.metric = m;
                return &t;
            }
            if (t.metric == m) {
                return &t;
            }
        }
        return nullptr;  // more metrics than tracks: the rest are not watched
    }

    //! Records seq; true when it was seen before (within the last 64 sequence numbers).
    static bool isDuplicate(MetricTrack& t, std::uint64_t seq) {
        if (t.seen == 0) {
            t.maxSeq = seq;
            t.seen = 1;
            return false;
        }
        if (seq > t.maxSeq) {
            const std::uint64_t shift = seq - t.maxSeq;
            t.seen = shift >= 64 ? 1 : (t.seen << shift) | 1;
            t.maxSeq = seq;
            return false;
        }
        const std::uint64_t back = t.maxSeq - seq;
        if (back >= 64) {
            return false;  // too old to tell
        }
        const std::uint64_t bit = std::uint64_t{1} << back;
        if ((t.seen & bit) != 0) {
            return true;
        }
        t.seen |= bit;
        return false;
    }

    //! Counts one symptom in its episode (a new one after quietMs without); true when it is due.
    bool symptom(Episode& e, TimeMs now) const {
        if (e.count == 0 || now - e.last > m_config.quietMs) {
            e = Episode{};
            e.since = now;
        }
        e.last = now;
        e.count = std::min(e.count + 1, 1 << 30);
        return e.alerted == 0;
    }

    void raise(Key key, const HealthState& s, AlertRule rule, Episode& e, TimeMs now, int count,
               Collector<Alert>& out) {
        const int needed = rule == AlertRule::DuplicateReadings ? m_config.duplicateCount : m_config.lateCount;
        if (count < needed || e.alerted != 0) {
            return;
        }
        e.alerted = 1;
        emit(key, makeAlert(rule, s.sensorId, e.since, now, count, s.sensorId, s.locationId, Severity::Info, count),
             out);
    }

    //! Stuck: every continuous metric of the sensor repeats its value (a metric resting at a
    //! physical floor, e.g. ozone at night, while the others move is not a stuck sensor).
    void judgeStuck(Key key, HealthState& s, MetricTrack& t, const Reading& r, TimeMs eventTime, TimeMs now,
                    Collector<Alert>& out) {
        if (t.run > 0 && r.value == t.lastValue) {
            t.run = std::min(t.run + 1, 1 << 30);
        } else {
            t.run = 1;
            t.runSince = eventTime;
            t.lastValue = r.value;
            s.stuckAlerted = 0;
        }
        TimeMs since = t.runSince;
        int run = t.run;
        for (const MetricTrack& other : s.tracks) {
            if (other.used != 0 && continuous(static_cast<Metric>(other.metric))) {
                since = std::max(since, other.runSince);
                run = std::min(run, other.run);
            }
        }
        if (run >= m_config.stuckReadings && eventTime - since >= m_config.stuckMinSpanMs && s.stuckAlerted == 0) {
            s.stuckAlerted = 1;
            emit(key, makeAlert(AlertRule::SensorStuck, s.sensorId, since, now, r.value, s.sensorId, s.locationId,
                                Severity::Warning, run),
                 out);
        }
    }

    void countForFlood(Key key, HealthState& s, TimeMs eventTime, TimeMs now, Collector<Alert>& out) {
        const TimeMs minute = floorDiv(eventTime, kMinuteMs);
        if (minute > s.floodMinute) {
            if (s.floodMinute != std::numeric_limits<TimeMs>::min()) {
                judgeMinute(key, s, now, out);
            }
            s.floodMinute = minute;
            s.minuteCount = 0;
        }
        if (minute == s.floodMinute) {
            ++s.minuteCount;  // a reading of an earlier minute arrives late: not counted
        }
    }

    void judgeMinute(Key key, HealthState& s, TimeMs now, Collector<Alert>& out) {
        const double count = s.minuteCount;
        const bool warm = s.normalMinutes >= m_config.floodWarmupMinutes;
        if (warm && count >= m_config.floodMinReadings && count >= m_config.floodFactor * s.usualPerMinute) {
            if (s.floodAlerted == 0) {
                s.floodAlerted = 1;
                emit(key, makeAlert(AlertRule::DataFlood, s.sensorId, s.floodMinute * kMinuteMs, now, count,
                                    s.sensorId, s.locationId, Severity::Warning, s.minuteCount),
                     out);
            }
            return;  // flooded minutes stay out of the usual rate
        }
        s.floodAlerted = 0;
        s.usualPerMinute = s.normalMinutes == 0 ? count : s.usualPerMinute + 0.2 * (count - s.usualPerMinute);
        s.normalMinutes = std::min(s.normalMinutes + 1, 1 << 30);
    }

    void emit(Key key, const Alert& alert, Collector<Alert>& out) {
        ++m_counters.recordsOut;
        out.collect(key, alert, alert.eventTimeMs);
    }

    SensorHealthConfig m_config;
    std::unordered_map<Key, HealthState> m_state;
    TimeMs m_frontier = kNoWatermark;  //!< newest event time seen by this operator instance
    OperatorCounters m_counters;
};

// ── Drift ────────────────────────────────────────────────────────────────────────────────────────

constexpr int kDriftSlots = 4;

struct DriftSlot {
    TimeMs bucket = std::numeric_limits<TimeMs>::min();
    double sum = 0.0;
    std::uint32_t count = 0;
    std::uint32_t unused = 0;
};

//! One (sensor, metric) series of a district.
struct DriftSeries {
    std::array<DriftSlot, kDriftSlots> slots{};
    Key district = 0;
    double referenceSum = 0.0;  //!< offsets from the district median in the warm-up buckets
    double lastOffset = 0.0;    //!< offset in the previous judged bucket
    TimeMs runSince = 0;
    std::int32_t referenceBuckets = 0;
    std::int32_t run = 0;
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    std::uint8_t metric = 0;
    std::uint8_t alerted = 0;
};
static_assert(sizeof(DriftSlot) == 24 && sizeof(DriftSeries) == kDriftSlots * 24 + 48, "no padding in snapshots");

class SensorDriftOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit SensorDriftOperator(SensorDriftConfig config) : m_config(config) {
        m_config.bucketMs = std::max<TimeMs>(m_config.bucketMs, 1'000);
        m_config.warmupBuckets = std::max(1, m_config.warmupBuckets);
        m_config.sustainBuckets = std::max(1, m_config.sustainBuckets);
        m_config.minSensors = std::max(3, m_config.minSensors);
    }

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        (void)out;
        if (!driftMetric(r.metric) || !std::isfinite(r.value)) {
            return;
        }
        ++m_counters.recordsIn;
        const TimeMs bucket = floorDiv(eventTime, m_config.bucketMs);
        const TimeMs due = (bucket + 1) * m_config.bucketMs - 1;
        if (due <= m_watermark) {
            ++m_counters.lateDropped;
            return;
        }
        const Key id = (Key{r.sensorId} << 8) | static_cast<std::uint8_t>(r.metric);
        auto [it, inserted] = m_series.try_emplace(id);
        DriftSeries& s = it->second;
        if (inserted) {
            s.district = key;
            s.sensorId = r.sensorId;
            s.locationId = r.locationId;
            s.metric = static_cast<std::uint8_t>(r.metric);
            m_members[key].push_back(id);
        }
        DriftSlot& slot = s.slots[static_cast<std::size_t>(bucket & (kDriftSlots - 1))];
        if (slot.bucket != bucket) {
            if (slot.bucket > bucket) {
                ++m_counters.lateDropped;
                return;
            }
            slot = DriftSlot{};
            slot.bucket = bucket;
        }
        slot.sum += r.value;
        ++slot.count;
        m_timers.add(key, due);
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        m_watermark = watermark;
        m_counters.timersFired += m_timers.advance(watermark, [&](Key key, TimeMs time) { judge(key, time, out); });
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x44524631);  // "DRF1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_series.size());
        for (const Key id : sortedKeys(m_series)) {
            writer.put<Key>(id);
            writer.put<DriftSeries>(m_series.at(id));
        }
        m_timers.snapshot(writer);
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x44524631) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const Key id = reader.get<Key>();
            const DriftSeries s = reader.get<DriftSeries>();
            if (filter.owns(s.district) && m_series.try_emplace(id, s).second) {
                m_members[s.district].push_back(id);
            }
        }
        for (auto& [district, members] : m_members) {
            std::sort(members.begin(), members.end());
        }
        return m_timers.restore(reader, filter) && !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_series.size() * (sizeof(DriftSeries) + 40) + m_timers.stateBytes();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(sensor drift per district)"; }

private:
    double limitOf(std::uint8_t metric) const {
        return metric == static_cast<std::uint8_t>(Metric::Temperature) ? m_config.temperatureC
                                                                        : m_config.humidityPercent;
    }

    static double medianOf(std::vector<double>& values) {
        std::sort(values.begin(), values.end());
        const std::size_t n = values.size();
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
    }

    //! Judges one bucket of every series of the key: each against its district's median when the
    //! district has minSensors reporting, else against the median of all of them.
    void judge(Key key, TimeMs time, Collector<Alert>& out) {
        const TimeMs bucket = floorDiv(time, m_config.bucketMs);
        for (const Metric metric : {Metric::Temperature, Metric::Humidity}) {
            const auto m = static_cast<std::uint8_t>(metric);
            m_reporting.clear();
            m_means.clear();
            for (const Key id : m_members[key]) {
                DriftSeries& s = m_series[id];
                const DriftSlot& slot = s.slots[static_cast<std::size_t>(bucket & (kDriftSlots - 1))];
                if (s.metric == m && slot.bucket == bucket && slot.count > 0) {
                    m_reporting.push_back(&s);
                    m_means.push_back(slot.sum / slot.count);
                }
            }
            if (static_cast<int>(m_reporting.size()) < m_config.minSensors) {
                continue;
            }
            m_scratch = m_means;
            const double overall = medianOf(m_scratch);
            for (std::size_t i = 0; i < m_reporting.size(); ++i) {
                m_scratch.clear();
                for (std::size_t j = 0; j < m_reporting.size(); ++j) {
                    if (m_reporting[j]->locationId == m_reporting[i]->locationId) {
                        m_scratch.push_back(m_means[j]);
                    }
                }
                const double reference =
                    static_cast<int>(m_scratch.size()) >= m_config.minSensors ? medianOf(m_scratch) : overall;
                judgeSeries(*m_reporting[i], m_means[i] - reference, bucket, time, out);
            }
        }
    }

    void judgeSeries(DriftSeries& s, double offset, TimeMs bucket, TimeMs time, Collector<Alert>& out) {
        const bool temperature = s.metric == static_cast<std::uint8_t>(Metric::Temperature);
        const double step = std::abs(offset - s.lastOffset);
        const bool jump = s.referenceBuckets > 0 &&
                          step > (temperature ? m_config.jumpTemperatureC : m_config.jumpHumidityPercent);
        s.lastOffset = offset;
        if (jump) {
            // A sudden change (a fire next to it, a sensor replaced) is not drift: learn anew.
            s.referenceSum = 0.0;
            s.referenceBuckets = 0;
            s.run = 0;
        }
        if (s.referenceBuckets < m_config.warmupBuckets) {
            s.referenceSum += offset;
            ++s.referenceBuckets;
            return;
        }
        const double change = offset - s.referenceSum / s.referenceBuckets;
        if (std::abs(change) <= (temperature ? m_config.temperatureC : m_config.humidityPercent)) {
            s.run = 0;
            s.alerted = 0;
            return;
        }
        if (s.run == 0) {
            s.runSince = bucket * m_config.bucketMs;
        }
        s.run = std::min(s.run + 1, 1 << 30);
        if (s.run >= m_config.sustainBuckets && s.alerted == 0) {
            s.alerted = 1;
            ++m_counters.recordsOut;
            out.collect(s.district,
                        makeAlert(AlertRule::SensorDrift, (Key{s.sensorId} << 8) | s.metric, s.runSince, time, change,
                                  s.sensorId, s.locationId, Severity::Warning, s.run),
                        time);
        }
    }

    SensorDriftConfig m_config;
    std::unordered_map<Key, DriftSeries> m_series;                //!< by (sensor << 8 | metric)
    std::unordered_map<Key, std::vector<Key>> m_members;          //!< series of each district
    std::vector<DriftSeries*> m_reporting;                        //!< scratch of judge()
    std::vector<double> m_means;                                  //!< scratch of judge()
    std::vector<double> m_scratch;                                //!< scratch of judge()
    TimerQueue m_timers;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

}  // namespace

std::unique_ptr<KeyedOperator<Reading, Alert>> makeSensorHealthOperator(const SensorHealthConfig& config) {
    return std::make_unique<SensorHealthOperator>(config);
}

std::unique_ptr<KeyedOperator<Reading, Alert>> makeSensorDriftOperator(const SensorDriftConfig& config) {
    return std::make_unique<SensorDriftOperator>(config);
}

}  // namespace cityops::engine::stream
