#include "cityops/engine/stream/enrichment.h"

#include <algorithm>

namespace cityops::engine::stream {
namespace {

constexpr TimeMs kMsPerMinute = 60'000;
constexpr TimeMs kMsPerDay = 24 * 60 * kMsPerMinute;

}  // namespace

SensorRegistry::SensorRegistry(std::vector<storage::SensorInfo> sensors) : m_sensors(std::move(sensors)) {
    std::stable_sort(m_sensors.begin(), m_sensors.end(),
                     [](const auto& a, const auto& b) { return a.sensorId < b.sensorId; });
    // Keep the last entry of each id.
    std::vector<storage::SensorInfo> unique;
    unique.reserve(m_sensors.size());
    for (auto& sensor : m_sensors) {
        if (!unique.empty() && unique.back().sensorId == sensor.sensorId) {
            unique.back() = std::move(sensor);
        } else {
            unique.push_back(std::move(sensor));
        }
    }
    m_sensors = std::move(unique);
    const std::size_t denseLimit = 2 * m_sensors.size() + 1024;
    for (std::size_t i = 0; i < m_sensors.size(); ++i) {
        const std::uint32_t id = m_sensors[i].sensorId;
        if (id >= denseLimit) {
            break;
        }
        if (id >= m_dense.size()) {
            m_dense.resize(id + 1, kNone);
        }
        m_dense[id] = static_cast<std::uint32_t>(i);
    }
}

const storage::SensorInfo* SensorRegistry::findSparse(std::uint32_t sensorId) const {
    const auto it = std::lower_bound(m_sensors.begin(), m_sensors.end(), sensorId,
                                     [](const storage::SensorInfo& s, std::uint32_t id) { return s.sensorId < id; });
    return it != m_sensors.end() && it->sensorId == sensorId ? &*it : nullptr;
}

std::string_view toString(WeatherCondition condition) {
    switch (condition) {
        case WeatherCondition::Unknown:
            return "unknown";
        case WeatherCondition::Clear:
            return "clear";
        case WeatherCondition::Clouds:
            return "clouds";
        case WeatherCondition::Rain:
            return "rain";
        case WeatherCondition::Snow:
            return "snow";
        case WeatherCondition::Fog:
            return "fog";
        case WeatherCondition::Storm:
            return "storm";
    }
    return "unknown";
}

WeatherSnapshot WeatherSnapshot::with(std::span<const WeatherUpdate> updates) const {
    WeatherSnapshot next = *this;
    for (const WeatherUpdate& update : updates) {
        if (update.districtId >= next.m_districts.size()) {
            next.m_districts.resize(update.districtId + 1u);
        }
        District& district = next.m_districts[update.districtId];
        if (update.eventTimeMs >= district.updatedMs) {
            district.temperatureC = update.temperatureC;
            district.condition = update.condition;
            district.updatedMs = update.eventTimeMs;
        }
    }
    return next;
}

void WeatherBoard::apply(std::span<const WeatherUpdate> updates) {
    const std::lock_guard lock(m_applyMutex);
    m_board->publish(std::make_shared<const WeatherSnapshot>(m_board->load()->with(updates)));
}

std::string_view toString(TimeOfDay timeOfDay) {
    switch (timeOfDay) {
        case TimeOfDay::Night:
            return "night";
        case TimeOfDay::MorningRush:
            return "morning_rush";
        case TimeOfDay::Day:
            return "day";
        case TimeOfDay::EveningRush:
            return "evening_rush";
        case TimeOfDay::Weekend:
            return "weekend";
    }
    return "day";
}

TimeOfDay classifyTimeOfDay(TimeMs t, const TimeOfDayConfig& config) {
    TimeMs local = 0;
    if (__builtin_add_overflow(t, static_cast<TimeMs>(config.utcOffsetMinutes) * kMsPerMinute, &local)) {
        local = t;
    }
    const TimeMs msOfDay = (local % kMsPerDay + kMsPerDay) % kMsPerDay;
    const TimeMs day = local / kMsPerDay - (local < 0 && msOfDay != 0 ? 1 : 0);  // floor, without overflow
    const auto minute = static_cast<int>(msOfDay / kMsPerMinute);
    if (minute >= config.nightStart || minute < config.nightEnd) {
        return TimeOfDay::Night;
    }
    // 1970-01-01 was a Thursday: weekday 0 = Monday.
    const auto weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);
    if (weekday >= 5) {
        return TimeOfDay::Weekend;
    }
    if (minute >= config.morningRushStart && minute < config.morningRushEnd) {
        return TimeOfDay::MorningRush;
    }
    if (minute >= config.eveningRushStart && minute < config.eveningRushEnd) {
        return TimeOfDay::EveningRush;
    }
    return TimeOfDay::Day;
}

EnrichOperator::EnrichOperator(EnrichmentSources sources, Collector<Reading>& unknownSensors)
    : m_sources(std::move(sources)), m_unknownOut(unknownSensors) {
    if (!m_sources.registry) {
        m_sources.registry = std::make_shared<Broadcast<SensorRegistry>>();
    }
    refresh();
}

void EnrichOperator::refresh() {
    m_sinceRefresh = 0;
    if (const std::uint64_t version = m_sources.registry->version(); version != m_registryVersion) {
        m_registryVersion = version;
        m_registry = m_sources.registry->load();
    }
    if (m_sources.weather) {
        if (const std::uint64_t version = m_sources.weather->version(); version != m_weatherVersion) {
            m_weatherVersion = version;
            m_weather = m_sources.weather->load();
        }
    }
}

void EnrichOperator::processElement(Key key, const Reading& value, TimeMs eventTime,
                                    Collector<EnrichedReading>& out) {
    if (++m_sinceRefresh >= kRefreshEvery) {
        refresh();
    }
    ++m_counters.recordsIn;
    const storage::SensorInfo* sensor = m_registry ? m_registry->find(value.sensorId) : nullptr;
    if (sensor == nullptr) {
        ++m_unknown;
        m_unknownOut.collect(key, value, eventTime);
        return;
    }
    EnrichedReading enriched;
    enriched.reading = value;
    enriched.reading.locationId = sensor->locationId;
    enriched.districtId = sensor->locationId;
    enriched.lat = sensor->lat;
    enriched.lon = sensor->lon;
    enriched.timeOfDay = classifyTimeOfDay(value.eventTimeMs, m_sources.timeOfDay);
    if (m_weather) {
        const WeatherSnapshot::District& weather = m_weather->of(sensor->locationId);
        enriched.temperatureC = weather.temperatureC;
        enriched.weather = weather.condition;
    } else {
        enriched.temperatureC = std::numeric_limits<double>::quiet_NaN();
    }
    ++m_counters.recordsOut;
    out.collect(key, enriched, eventTime);
}

void EnrichOperator::onWatermark(TimeMs watermark, Collector<EnrichedReading>& out) {
    (void)watermark;
    (void)out;
    refresh();
}

void EnrichOperator::onProcessingTime(TimeMs now, Collector<EnrichedReading>& out) {
    (void)now;
    (void)out;
    refresh();
}

}  // namespace cityops::engine::stream
