// Pattern Detection: energy anomalies by robust z-score against the same hour of the week.
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "cityops/engine/stream/city_jobs.h"
#include "jobs_support.h"

namespace cityops::engine::stream {

namespace {

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

using jobs_detail::EventTimeBuffer;
using jobs_detail::PendingReading;

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
        m_pending.push(PendingReading{eventTime, value.seq, key, value.value, value.sensorId, value.locationId, 0});
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        m_watermark = watermark;
        m_pending.releaseUpTo(watermark, [&](const PendingReading& r) { score(r, out); });
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x454e4131);  // "ENA1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_meters.size());
        for (const auto& [key, baseline] : m_meters) {
            writer.put<Key>(key);
            writer.put<MeterBaseline>(*baseline);
        }
        m_pending.snapshot(writer);
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
        return m_pending.restore(reader, filter) && !reader.failed();
    }

    std::size_t stateBytes() const override {
        return m_meters.size() * (sizeof(MeterBaseline) + 32) + m_pending.stateBytes();
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
    EventTimeBuffer m_pending;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

}  // namespace

std::unique_ptr<KeyedOperator<Reading, Alert>> makeEnergyAnomalyOperator(const EnergyAnomalyConfig& config) {
    return std::make_unique<EnergyAnomalyOperator>(config);
}

}  // namespace cityops::engine::stream
