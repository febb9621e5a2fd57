// Situation rules: traffic jam, heat stress, energy outage and silent sensors (issue #5's scenario
// alerts), each an event-time keyed operator driven by the watermark.
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

constexpr TimeMs kMinuteMs = 60'000;
constexpr int kMaxJamSlots = 16;

using jobs_detail::floorDiv;
using jobs_detail::makeAlert;
using jobs_detail::sortedKeys;

// ── Traffic jam ──────────────────────────────────────────────────────────────────────────────────

//! One minute of a traffic sensor's readings.
struct JamSlot {
    TimeMs minute = std::numeric_limits<TimeMs>::min();
    double speedSum = 0.0;
    double vehicleSum = 0.0;
    std::uint32_t speeds = 0;
    std::uint32_t vehicles = 0;
};

struct JamState {
    std::array<JamSlot, kMaxJamSlots> slots{};
    TimeMs newestMinute = std::numeric_limits<TimeMs>::min();  //!< newest minute with a timer
    TimeMs judgedThrough = std::numeric_limits<TimeMs>::min(); //!< minutes up to this one are judged
    TimeMs jamSince = 0;                                       //!< window start of the episode
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    std::uint8_t jammed = 0;
    std::uint8_t unused = 0;  //!< explicit padding: snapshots hold no indeterminate bytes
};

static_assert(sizeof(JamSlot) == 32 && sizeof(JamState) == 16 * 32 + 32, "JamState must have no padding");

class TrafficJamOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit TrafficJamOperator(TrafficJamConfig config) : m_config(config) {
        m_window = static_cast<int>(std::clamp<TimeMs>(m_config.windowMs / kMinuteMs, 1, kMaxJamSlots - 2));
        m_slots = m_window + 2;  // the window plus the two minutes that may still be open
    }

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        if ((r.metric != Metric::TrafficSpeed && r.metric != Metric::VehicleCount) || !std::isfinite(r.value)) {
            return;
        }
        ++m_counters.recordsIn;
        const TimeMs minute = floorDiv(eventTime, kMinuteMs);
        if ((minute + 1) * kMinuteMs - 1 <= m_watermark) {
            ++m_counters.lateDropped;  // its minute was judged already
            return;
        }
        JamState& s = m_state[key];
        s.sensorId = r.sensorId;
        s.locationId = r.locationId;
        if (minute <= s.judgedThrough) {
            ++m_counters.lateDropped;
            return;
        }
        if (minute > s.newestMinute) {
            // The sensor is two minutes past its older minutes: judge them now, before their slots
            // are reused (a large batch can run ahead of the watermark by many minutes).
            judgeThrough(key, s, minute - 2, out);
        }
        JamSlot& slot = s.slots[static_cast<std::size_t>(floorMod(minute, m_slots))];
        if (slot.minute != minute) {
            if (slot.minute > minute) {
                ++m_counters.lateDropped;  // older than the window
                return;
            }
            slot = JamSlot{};
            slot.minute = minute;
        }
        if (r.metric == Metric::TrafficSpeed) {
            slot.speedSum += r.value;
            ++slot.speeds;
        } else {
            slot.vehicleSum += r.value;
            ++slot.vehicles;
        }
        // One timer per sensor and minute with readings (the queue ignores a repeat).
        if (minute != s.newestMinute) {
            s.newestMinute = std::max(s.newestMinute, minute);
            m_timers.add(key, (minute + 1) * kMinuteMs - 1);
        }
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        m_watermark = watermark;
        m_counters.timersFired += m_timers.advance(watermark, [&](Key key, TimeMs time) { judge(key, time, out); });
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x4a414d31);  // "JAM1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_state.size());
        for (const Key key : sortedKeys(m_state)) {
            writer.put<Key>(key);
            writer.put<JamState>(m_state.at(key));
        }
        m_timers.snapshot(writer);
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x4a414d31) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const JamState state = reader.get<JamState>();
            if (filter.owns(key)) {
                m_state[key] = state;
            }
        }
        return m_timers.restore(reader, filter) && !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_state.size() * (sizeof(JamState) + 32) + m_timers.stateBytes();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(traffic jam)"; }

private:
    static TimeMs floorMod(TimeMs a, TimeMs b) { return a - floorDiv(a, b) * b; }

    //! Judges the sensor's minutes with readings up to `last` that are not judged yet, in order.
    void judgeThrough(Key key, JamState& s, TimeMs last, Collector<Alert>& out) {
        std::array<TimeMs, kMaxJamSlots> open{};
        int n = 0;
        for (int i = 0; i < m_slots; ++i) {
            const TimeMs m = s.slots[static_cast<std::size_t>(i)].minute;
            if (m > s.judgedThrough && m <= last) {
                open[static_cast<std::size_t>(n++)] = m;
            }
        }
        std::sort(open.begin(), open.begin() + n);
        for (int i = 0; i < n; ++i) {
            const TimeMs due = (open[static_cast<std::size_t>(i)] + 1) * kMinuteMs - 1;
            m_timers.remove(key, due);
            judge(key, s, due, out);
        }
        s.judgedThrough = std::max(s.judgedThrough, last);
    }

    void judge(Key key, TimeMs time, Collector<Alert>& out) {
        const auto it = m_state.find(key);
        if (it == m_state.end() || floorDiv(time, kMinuteMs) <= it->second.judgedThrough) {
            return;
        }
        judge(key, it->second, time, out);
        it->second.judgedThrough = floorDiv(time, kMinuteMs);
    }

    void judge(Key key, JamState& s, TimeMs time, Collector<Alert>& out) {
        const TimeMs minute = floorDiv(time, kMinuteMs);
        double speedSum = 0.0;
        double vehicleSum = 0.0;
        std::uint32_t speeds = 0;
        std::uint32_t vehicles = 0;
        for (const JamSlot& slot : s.slots) {
            if (slot.minute > minute - m_window && slot.minute <= minute) {
                speedSum += slot.speedSum;
                vehicleSum += slot.vehicleSum;
                speeds += slot.speeds;
                vehicles += slot.vehicles;
            }
        }
        if (speeds < static_cast<std::uint32_t>(std::max(1, m_config.minReadings))) {
            return;  // too little to judge: the state stays as it was
        }
        const double speed = speedSum / speeds;
        const double queued = vehicles == 0 ? 0.0 : vehicleSum / vehicles;
        const TimeMs windowStart = (minute - m_window + 1) * kMinuteMs;
        if (s.jammed == 0 && speed < m_config.speedKmh && queued >= m_config.minVehicles) {
            s.jammed = 1;
            s.jamSince = windowStart;
            const Severity severity = speed < m_config.speedKmh / 2.0 ? Severity::Critical : Severity::Warning;
            ++m_counters.recordsOut;
            out.collect(key,
                        makeAlert(AlertRule::TrafficJam, s.sensorId, windowStart, time, speed, s.sensorId,
                                  s.locationId, severity, static_cast<int>(speeds)),
                        time);
        } else if (s.jammed != 0 && speed >= m_config.speedKmh * m_config.clearFactor) {
            s.jammed = 0;
        }
    }

    TrafficJamConfig m_config;
    int m_window = 5;  //!< minutes in the window
    int m_slots = 7;   //!< ring size
    std::unordered_map<Key, JamState> m_state;
    TimerQueue m_timers;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

// ── Heat stress ──────────────────────────────────────────────────────────────────────────────────

//! One bucket of a thermometer's readings (two buckets kept: readings may straddle a boundary).
struct HeatSlot {
    TimeMs bucket = std::numeric_limits<TimeMs>::min();
    double temperatureSum = 0.0;
    double humiditySum = 0.0;
    std::uint32_t temperatures = 0;
    std::uint32_t humidities = 0;
};

struct Thermometer {
    std::array<HeatSlot, 2> slots{};
    Key district = 0;
    std::uint32_t sensorId = 0;
    std::uint32_t unused = 0;  //!< explicit padding: snapshots hold no indeterminate bytes
};

struct DistrictHeat {
    TimeMs hotSince = 0;  //!< start of the first hot bucket of the run
    TimeMs newestBucket = std::numeric_limits<TimeMs>::min();
    TimeMs judgedThrough = std::numeric_limits<TimeMs>::min();  //!< buckets up to this one are judged
    std::int32_t hotRun = 0;
    std::uint16_t locationId = 0;
    std::uint8_t alerted = 0;
    std::uint8_t unused = 0;  //!< explicit padding: snapshots hold no indeterminate bytes
};

static_assert(sizeof(Thermometer) == 2 * 32 + 16 && sizeof(DistrictHeat) == 32, "no padding in snapshots");

class HeatStressOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit HeatStressOperator(HeatStressConfig config) : m_config(config) {
        m_config.bucketMs = std::max<TimeMs>(m_config.bucketMs, 1'000);
        m_config.sustainBuckets = std::max(1, m_config.sustainBuckets);
    }

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        if ((r.metric != Metric::Temperature && r.metric != Metric::Humidity) || !std::isfinite(r.value)) {
            return;
        }
        ++m_counters.recordsIn;
        const TimeMs bucket = floorDiv(eventTime, m_config.bucketMs);
        const TimeMs due = (bucket + 1) * m_config.bucketMs - 1;
        if (due <= m_watermark) {
            ++m_counters.lateDropped;
            return;
        }
        DistrictHeat& d = m_districts[key];
        if (bucket <= d.judgedThrough) {
            ++m_counters.lateDropped;
            return;
        }
        if (bucket > d.newestBucket) {
            // Two buckets on, the older ones are complete: judge them before their slots are reused
            // (a large batch can run ahead of the watermark).
            const TimeMs previous =  // no bucket yet: nothing to judge (and no overflow below INT64_MIN)
                d.newestBucket == std::numeric_limits<TimeMs>::min() ? d.newestBucket : d.newestBucket - 1;
            for (TimeMs b = std::max(d.judgedThrough + 1, previous); b <= std::min(d.newestBucket, bucket - 2);
                 ++b) {
                const TimeMs bucketDue = (b + 1) * m_config.bucketMs - 1;
                if (m_timers.remove(key, bucketDue)) {
                    judge(key, bucketDue, out);
                }
            }
            d.judgedThrough = std::max(d.judgedThrough, bucket - 2);
            d.newestBucket = bucket;
        }
        auto [it, inserted] = m_thermometers.try_emplace(r.sensorId);
        Thermometer& t = it->second;
        if (inserted) {
            t.sensorId = r.sensorId;
            t.district = key;
            m_members[key].push_back(r.sensorId);  // once per thermometer
            d.locationId = r.locationId;
        }
        HeatSlot& slot = t.slots[static_cast<std::size_t>(bucket & 1)];
        if (slot.bucket != bucket) {
            if (slot.bucket > bucket) {
                ++m_counters.lateDropped;
                return;
            }
            slot = HeatSlot{};
            slot.bucket = bucket;
        }
        if (r.metric == Metric::Temperature) {
            slot.temperatureSum += r.value;
            ++slot.temperatures;
        } else {
            slot.humiditySum += r.value;
            ++slot.humidities;
        }
        m_timers.add(key, due);
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        m_watermark = watermark;
        m_counters.timersFired += m_timers.advance(watermark, [&](Key key, TimeMs time) { judge(key, time, out); });
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x48454131);  // "HEA1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_thermometers.size());
        for (const std::uint32_t id : sortedKeys(m_thermometers)) {
            writer.put<Thermometer>(m_thermometers.at(id));
        }
        writer.put<std::uint64_t>(m_districts.size());
        for (const Key key : sortedKeys(m_districts)) {
            writer.put<Key>(key);
            writer.put<DistrictHeat>(m_districts.at(key));
        }
        m_timers.snapshot(writer);
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x48454131) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto thermometers = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < thermometers && !reader.failed(); ++i) {
            const Thermometer t = reader.get<Thermometer>();
            if (filter.owns(t.district) && m_thermometers.try_emplace(t.sensorId, t).second) {
                m_members[t.district].push_back(t.sensorId);
            }
        }
        const auto districts = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < districts && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const DistrictHeat d = reader.get<DistrictHeat>();
            if (filter.owns(key)) {
                m_districts[key] = d;
            }
        }
        for (auto& [key, members] : m_members) {
            std::sort(members.begin(), members.end());  // judge() visits thermometers by id
        }
        return m_timers.restore(reader, filter) && !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_thermometers.size() * (sizeof(Thermometer) + 40) + m_districts.size() * (sizeof(DistrictHeat) + 32) +
               m_timers.stateBytes();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(heat stress per district)"; }

private:
    void judge(Key key, TimeMs time, Collector<Alert>& out) {
        const TimeMs bucket = floorDiv(time, m_config.bucketMs);
        DistrictHeat& d = m_districts[key];
        if (bucket <= d.judgedThrough) {
            return;
        }
        d.judgedThrough = bucket;
        int reporting = 0;
        int hot = 0;
        double hottest = -1e300;
        std::uint32_t hottestSensor = 0;
        for (const std::uint32_t id : m_members[key]) {
            const HeatSlot& slot = m_thermometers[id].slots[static_cast<std::size_t>(bucket & 1)];
            if (slot.bucket != bucket || slot.temperatures == 0) {
                continue;
            }
            const double temperature = slot.temperatureSum / slot.temperatures;
            const double humidity = slot.humidities == 0 ? std::nan("") : slot.humiditySum / slot.humidities;
            const double index = heatIndexC(temperature, humidity);
            ++reporting;
            if (index >= m_config.heatIndexC) {
                ++hot;
            }
            if (index > hottest) {  // members are in id order: ties keep the lower id
                hottest = index;
                hottestSensor = id;
            }
        }
        if (reporting == 0) {
            return;
        }
        if (static_cast<double>(hot) > m_config.minHotShare * reporting) {
            if (d.hotRun == 0) {
                d.hotSince = bucket * m_config.bucketMs;
            }
            d.hotRun = std::min(d.hotRun + 1, 1 << 30);
            if (d.hotRun >= m_config.sustainBuckets && d.alerted == 0) {
                d.alerted = 1;
                const Severity severity = hottest >= 41.0 ? Severity::Critical : Severity::Warning;  // NWS "danger"
                ++m_counters.recordsOut;
                out.collect(key,
                            makeAlert(AlertRule::HeatStress, key, d.hotSince, time, hottest, hottestSensor,
                                      d.locationId, severity, hot),
                            time);
            }
        } else {
            d.hotRun = 0;
            d.alerted = 0;
        }
    }

    HeatStressConfig m_config;
    std::unordered_map<std::uint32_t, Thermometer> m_thermometers;
    std::unordered_map<Key, std::vector<std::uint32_t>> m_members;  //!< thermometers of each district
    std::unordered_map<Key, DistrictHeat> m_districts;
    TimerQueue m_timers;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

// ── Energy outage ────────────────────────────────────────────────────────────────────────────────

struct MeterLevel {
    double level = 0.0;
    TimeMs lowSince = 0;
    std::int32_t normalReadings = 0;
    std::int32_t lowRun = 0;
    std::int32_t out = 0;
    std::int32_t unused = 0;  //!< explicit padding: snapshots hold no indeterminate bytes
};

static_assert(sizeof(MeterLevel) == 32, "MeterLevel must have no padding");

class EnergyOutageOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit EnergyOutageOperator(EnergyOutageConfig config) : m_config(config) {
        m_config.consecutive = std::max(1, m_config.consecutive);
    }

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        (void)out;
        if (r.metric != Metric::EnergyKwh || !std::isfinite(r.value)) {
            return;
        }
        ++m_counters.recordsIn;
        if (eventTime <= m_watermark) {
            ++m_counters.lateDropped;
            return;
        }
        m_pending.push(jobs_detail::PendingReading{eventTime, r.seq, key, r.value, r.sensorId, r.locationId, 0});
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        m_watermark = watermark;
        m_pending.releaseUpTo(watermark, [&](const jobs_detail::PendingReading& r) { judge(r, out); });
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x454f5431);  // "EOT1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_meters.size());
        for (const Key key : sortedKeys(m_meters)) {
            writer.put<Key>(key);
            writer.put<MeterLevel>(m_meters.at(key));
        }
        m_pending.snapshot(writer);
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x454f5431) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto meters = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < meters && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const MeterLevel level = reader.get<MeterLevel>();
            if (filter.owns(key)) {
                m_meters[key] = level;
            }
        }
        return m_pending.restore(reader, filter) && !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_meters.size() * (sizeof(MeterLevel) + 32) + m_pending.stateBytes();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(energy outage)"; }

private:
    void judge(const jobs_detail::PendingReading& r, Collector<Alert>& out) {
        MeterLevel& m = m_meters[r.key];
        const bool trusted = m.normalReadings >= m_config.warmupReadings && m.level >= m_config.minLevelKwh;
        if (trusted && r.value < m_config.dropShare * m.level) {
            if (m.lowRun == 0) {
                m.lowSince = r.eventTime;
            }
            m.lowRun = std::min(m.lowRun + 1, 1 << 30);
            if (m.lowRun >= m_config.consecutive && m.out == 0) {
                m.out = 1;
                ++m_counters.recordsOut;
                out.collect(r.key,
                            makeAlert(AlertRule::EnergyOutage, r.sensorId, m.lowSince, r.eventTime, r.value,
                                      r.sensorId, r.locationId, Severity::Critical, m.lowRun),
                            r.eventTime);
            }
            return;  // low readings stay out of the level
        }
        if (m.out != 0 && r.value < m_config.recoverShare * m.level) {
            return;  // recovering, not yet back: still out, level unchanged
        }
        m.out = 0;
        m.lowRun = 0;
        m.level = m.normalReadings == 0 ? r.value : m.level + m_config.levelAlpha * (r.value - m.level);
        m.normalReadings = std::min(m.normalReadings + 1, 1 << 30);
    }

    EnergyOutageConfig m_config;
    std::unordered_map<Key, MeterLevel> m_meters;
    jobs_detail::EventTimeBuffer m_pending;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

// ── Silent sensor ────────────────────────────────────────────────────────────────────────────────

struct SilenceState {
    TimeMs firstTime = 0;
    TimeMs lastTime = 0;
    std::uint64_t firstSeq = 0;
    std::uint64_t lastSeq = 0;
    TimeMs timerAt = kNoWatermark;   //!< the registered timer, kNoWatermark when none
    TimeMs alertedFor = kNoWatermark;  //!< lastTime of the silence already reported
    std::uint32_t sensorId = 0;
    std::uint16_t locationId = 0;
    std::uint16_t unused = 0;  //!< explicit padding: snapshots hold no indeterminate bytes
};

static_assert(sizeof(SilenceState) == 56, "SilenceState must have no padding");

class SensorSilenceOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit SensorSilenceOperator(SensorSilenceConfig config) : m_config(config) {
        m_config.intervals = std::max(1.0, m_config.intervals);
    }

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        ++m_counters.recordsIn;
        auto [it, inserted] = m_state.try_emplace(key);
        SilenceState& s = it->second;
        if (inserted) {
            s.firstTime = s.lastTime = eventTime;
            s.firstSeq = s.lastSeq = r.seq;
            s.sensorId = r.sensorId;
            s.locationId = r.locationId;
            return;  // seen once: its interval is not known yet
        }
        if (armed(s) && eventTime > s.lastTime) {
            // The reading ends a silence the watermark has not reached yet (a batch running ahead
            // of it): the same alert the timer would have raised.
            const TimeMs due = deadline(s);
            if (eventTime > due) {
                raise(key, s, due, out);
            }
        }
        s.firstTime = std::min(s.firstTime, eventTime);
        s.lastTime = std::max(s.lastTime, eventTime);
        s.firstSeq = std::min(s.firstSeq, r.seq);
        s.lastSeq = std::max(s.lastSeq, r.seq);
        if (s.timerAt == kNoWatermark && armed(s)) {
            s.timerAt = deadline(s);  // later readings move the deadline lazily (see judge)
            m_timers.add(key, s.timerAt);
        }
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        if (watermark == kEndOfTime) {
            return;  // the end of input is not silence
        }
        m_watermark = watermark;
        m_counters.timersFired += m_timers.advance(watermark, [&](Key key, TimeMs time) { judge(key, time, out); });
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x53494c31);  // "SIL1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_state.size());
        for (const Key key : sortedKeys(m_state)) {
            writer.put<Key>(key);
            writer.put<SilenceState>(m_state.at(key));
        }
        m_timers.snapshot(writer);
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x53494c31) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const SilenceState state = reader.get<SilenceState>();
            if (filter.owns(key)) {
                m_state[key] = state;
            }
        }
        return m_timers.restore(reader, filter) && !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_state.size() * (sizeof(SilenceState) + 32) + m_timers.stateBytes();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(sensor silent)"; }

private:
    static bool armed(const SilenceState& s) { return s.lastSeq > s.firstSeq && s.lastTime > s.firstTime; }

    //! When the watermark passing it means silence: last reading + max(intervals × usual interval, floor).
    TimeMs deadline(const SilenceState& s) const {
        const double interval =
            static_cast<double>(s.lastTime - s.firstTime) / static_cast<double>(s.lastSeq - s.firstSeq);
        const auto silence = static_cast<TimeMs>(std::ceil(m_config.intervals * interval));
        return s.lastTime + std::max(silence, m_config.minSilenceMs);
    }

    void judge(Key key, TimeMs time, Collector<Alert>& out) {
        const auto it = m_state.find(key);
        if (it == m_state.end()) {
            return;
        }
        SilenceState& s = it->second;
        s.timerAt = kNoWatermark;
        const TimeMs due = deadline(s);
        if (due > time) {
            s.timerAt = due;  // it reported since the timer was set: watch the new deadline
            m_timers.add(key, due);
            return;
        }
        raise(key, s, due, out);
    }

    void raise(Key key, SilenceState& s, TimeMs due, Collector<Alert>& out) {
        if (s.alertedFor == s.lastTime) {
            return;
        }
        s.alertedFor = s.lastTime;
        ++m_counters.recordsOut;
        out.collect(key,
                    makeAlert(AlertRule::SensorSilent, s.sensorId, s.lastTime, due,
                              static_cast<double>(due - s.lastTime) / 1000.0, s.sensorId, s.locationId,
                              Severity::Warning, 0),
                    due);
    }

    SensorSilenceConfig m_config;
    std::unordered_map<Key, SilenceState> m_state;
    TimerQueue m_timers;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

}  // namespace

double heatIndexC(double temperatureC, double humidityPercent) {
    if (!std::isfinite(humidityPercent)) {
        return temperatureC;
    }
    const double t = temperatureC * 9.0 / 5.0 + 32.0;
    const double rh = std::clamp(humidityPercent, 0.0, 100.0);
    double hi = 0.5 * (t + 61.0 + (t - 68.0) * 1.2 + rh * 0.094);  // Steadman's simple form
    if ((hi + t) / 2.0 >= 80.0) {
        hi = -42.379 + 2.04901523 * t + 10.14333127 * rh - 0.22475541 * t * rh - 6.83783e-3 * t * t -
             5.481717e-2 * rh * rh + 1.22874e-3 * t * t * rh + 8.5282e-4 * t * rh * rh - 1.99e-6 * t * t * rh * rh;
        if (rh < 13.0 && t >= 80.0 && t <= 112.0) {
            hi -= (13.0 - rh) / 4.0 * std::sqrt((17.0 - std::abs(t - 95.0)) / 17.0);
        } else if (rh > 85.0 && t >= 80.0 && t <= 87.0) {
            hi += (rh - 85.0) / 10.0 * (87.0 - t) / 5.0;
        }
    }
    return (hi - 32.0) * 5.0 / 9.0;
}

std::unique_ptr<KeyedOperator<Reading, Alert>> makeTrafficJamOperator(const TrafficJamConfig& config) {
    return std::make_unique<TrafficJamOperator>(config);
}

std::unique_ptr<KeyedOperator<Reading, Alert>> makeHeatStressOperator(const HeatStressConfig& config) {
    return std::make_unique<HeatStressOperator>(config);
}

std::unique_ptr<KeyedOperator<Reading, Alert>> makeEnergyOutageOperator(const EnergyOutageConfig& config) {
    return std::make_unique<EnergyOutageOperator>(config);
}

std::unique_ptr<KeyedOperator<Reading, Alert>> makeSensorSilenceOperator(const SensorSilenceConfig& config) {
    return std::make_unique<SensorSilenceOperator>(config);
}

}  // namespace cityops::engine::stream
