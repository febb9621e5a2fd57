#pragma once

// Enrichment: reference (broadcast) state joined to the reading stream, the design's Data
// Enrichment job. Workers share immutable snapshots (sensor registry, weather per district) that an
// updater replaces atomically; an operator picks up the current snapshot once per batch, never per
// event, so the hot path takes no lock and no atomic read-modify-write.

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/reading.h"
#include "cityops/engine/storage/records.h"
#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! An immutable value shared by every worker and replaced as a whole (Flink's broadcast state).
//! publish() and load() are thread-safe; version() lets a reader skip load() when nothing changed.
template <class T>
class Broadcast {
public:
    explicit Broadcast(std::shared_ptr<const T> initial = std::make_shared<const T>()) : m_value(std::move(initial)) {}

    std::shared_ptr<const T> load() const { return m_value.load(std::memory_order_acquire); }
    //! Replaces the value; readers see it at their next refresh.
    void publish(std::shared_ptr<const T> value) {
        m_value.store(std::move(value), std::memory_order_release);
        m_version.fetch_add(1, std::memory_order_release);
    }
    std::uint64_t version() const { return m_version.load(std::memory_order_acquire); }

private:
    std::atomic<std::shared_ptr<const T>> m_value;
    std::atomic<std::uint64_t> m_version{0};
};

//! One snapshot of the sensor registry: sensor id → district, position, kind, name. Immutable.
class SensorRegistry {
public:
    SensorRegistry() = default;
    //! Later entries with the same sensor id replace earlier ones.
    explicit SensorRegistry(std::vector<storage::SensorInfo> sensors);

    //! The sensor, or nullptr when it is not registered. O(1) for dense ids.
    const storage::SensorInfo* find(std::uint32_t sensorId) const {
        if (sensorId < m_dense.size()) {
            const std::uint32_t at = m_dense[sensorId];
            return at == kNone ? nullptr : &m_sensors[at];
        }
        return findSparse(sensorId);
    }
    std::size_t size() const { return m_sensors.size(); }
    std::span<const storage::SensorInfo> sensors() const { return m_sensors; }

private:
    static constexpr std::uint32_t kNone = 0xffffffffu;
    const storage::SensorInfo* findSparse(std::uint32_t sensorId) const;

    std::vector<storage::SensorInfo> m_sensors;  //!< sorted by sensor id
    std::vector<std::uint32_t> m_dense;          //!< sensor id → position, for ids below ~2× the count
};

enum class WeatherCondition : std::uint8_t { Unknown, Clear, Clouds, Rain, Snow, Fog, Storm };
inline constexpr int kWeatherConditionCount = 7;
std::string_view toString(WeatherCondition condition);

//! A weather observation for one district, from the weather stream.
struct WeatherUpdate {
    std::uint16_t districtId = 0;
    double temperatureC = 0.0;
    WeatherCondition condition = WeatherCondition::Unknown;
    TimeMs eventTimeMs = 0;
};

//! The latest weather of every district. Immutable once published.
class WeatherSnapshot {
public:
    struct District {
        double temperatureC = std::numeric_limits<double>::quiet_NaN();  //!< NaN: no observation yet
        WeatherCondition condition = WeatherCondition::Unknown;
        TimeMs updatedMs = kNoWatermark;
    };
    //! The district's weather; no observation gives NaN / Unknown.
    const District& of(std::uint16_t districtId) const {
        static const District kNone{};
        return districtId < m_districts.size() ? m_districts[districtId] : kNone;
    }
    //! A copy with updates applied; an update older than the district's current one is ignored.
    WeatherSnapshot with(std::span<const WeatherUpdate> updates) const;

private:
    std::vector<District> m_districts;
};

//! Applies batches of weather updates and publishes the result for the enrichment workers.
//! Thread-safe; allocates per batch of updates (weather changes minutes apart, not per reading).
class WeatherBoard {
public:
    WeatherBoard() : m_board(std::make_shared<Broadcast<WeatherSnapshot>>()) {}
    void apply(std::span<const WeatherUpdate> updates);
    const std::shared_ptr<Broadcast<WeatherSnapshot>>& broadcast() const { return m_board; }

private:
    std::shared_ptr<Broadcast<WeatherSnapshot>> m_board;
    std::mutex m_applyMutex;  //!< serialises writers; readers never take it
};

//! The time-of-day class of an event, in local time.
enum class TimeOfDay : std::uint8_t { Night, MorningRush, Day, EveningRush, Weekend };
inline constexpr int kTimeOfDayCount = 5;
std::string_view toString(TimeOfDay timeOfDay);

//! Time-of-day classes in minutes after local midnight. On Saturday and Sunday the hours outside
//! the night are Weekend; on weekdays [morningRushStart, morningRushEnd) is MorningRush,
//! [eveningRushStart, eveningRushEnd) EveningRush, the rest of [nightEnd, nightStart) Day.
struct TimeOfDayConfig {
    int utcOffsetMinutes = 120;  //!< Kyiv standard time, UTC+2 (a fixed offset: no DST)
    int nightEnd = 6 * 60;
    int morningRushStart = 7 * 60;
    int morningRushEnd = 10 * 60;
    int eveningRushStart = 17 * 60;
    int eveningRushEnd = 20 * 60;
    int nightStart = 22 * 60;
};

//! The class of event time t (ms since the epoch, UTC).
TimeOfDay classifyTimeOfDay(TimeMs t, const TimeOfDayConfig& config);

//! A reading with its context: fixed size, no heap.
struct EnrichedReading {
    Reading reading;  //!< locationId set from the registry
    double lat = 0.0;
    double lon = 0.0;
    double temperatureC = 0.0;  //!< the district's weather; NaN when none was observed
    std::uint16_t districtId = 0;
    TimeOfDay timeOfDay = TimeOfDay::Day;
    WeatherCondition weather = WeatherCondition::Unknown;
};

//! Where EnrichOperator reads its reference data.
struct EnrichmentSources {
    std::shared_ptr<Broadcast<SensorRegistry>> registry;
    std::shared_ptr<Broadcast<WeatherSnapshot>> weather;  //!< may be null: no weather
    TimeOfDayConfig timeOfDay;
};

//! Joins readings to the sensor registry, the district's weather and the time-of-day class.
//! Readings of sensors the registry does not know go, unchanged, to the unknownSensors side output
//! and are counted. The snapshots are refreshed by refresh() (call it once per batch), on each
//! watermark and processing-time tick, and at the latest every kRefreshEvery events.
class EnrichOperator final : public KeyedOperator<Reading, EnrichedReading> {
public:
    static constexpr std::uint32_t kRefreshEvery = 4096;

    EnrichOperator(EnrichmentSources sources, Collector<Reading>& unknownSensors);

    void processElement(Key key, const Reading& value, TimeMs eventTime, Collector<EnrichedReading>& out) override;
    void onWatermark(TimeMs watermark, Collector<EnrichedReading>& out) override;
    void onProcessingTime(TimeMs now, Collector<EnrichedReading>& out) override;
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "enrich(registry, weather, time of day)"; }

    //! Picks up newly published snapshots: one atomic load per source when nothing changed.
    void refresh();
    std::uint64_t unknownSensors() const { return m_unknown; }

private:
    EnrichmentSources m_sources;
    Collector<Reading>& m_unknownOut;
    std::shared_ptr<const SensorRegistry> m_registry;
    std::shared_ptr<const WeatherSnapshot> m_weather;
    std::uint64_t m_registryVersion = ~0ull;
    std::uint64_t m_weatherVersion = ~0ull;
    std::uint32_t m_sinceRefresh = 0;
    std::uint64_t m_unknown = 0;
    OperatorCounters m_counters;
};

}  // namespace cityops::engine::stream
