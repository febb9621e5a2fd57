#include "cityops/simulation/city_jobs_setup.h"

#include <limits>
#include <memory>
#include <utility>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

namespace cityops::simulation {

namespace st = engine::stream;

std::vector<engine::storage::SensorInfo> sensorRegistry(const City& city) {
    std::vector<engine::storage::SensorInfo> sensors;
    sensors.reserve(city.sensors.size());
    for (const Sensor& s : city.sensors) {
        sensors.push_back(
            engine::storage::SensorInfo{s.id, s.districtId, s.kind, s.position.lat, s.position.lon, s.name});
    }
    return sensors;
}

st::CityJobsConfig cityJobsConfig(const City& city, const std::vector<engine::storage::SensorInfo>& sensors) {
    st::CityJobsConfig config;
    config.districtNames.reserve(city.districts.size());
    for (const District& district : city.districts) {
        config.districtNames.push_back(district.name);
    }
    config.expectedSeries = 2 * city.sensors.size();  // most sensors report one or two metrics
    config.enrichment.registry =
        std::make_shared<st::Broadcast<st::SensorRegistry>>(std::make_shared<const st::SensorRegistry>(sensors));
    return config;
}

engine::Expected<void, std::string> writeCityReference(engine::storage::Storage& store, const City& city,
                                                       const std::vector<engine::storage::SensorInfo>& sensors) {
    engine::storage::WriteBatch reference;
    reference.sensors = sensors;
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        reference.districts.emplace_back(static_cast<std::uint16_t>(d), city.districts[d].name);
    }
    if (auto written = store.write(std::move(reference)); !written) {
        return written.error().message;
    }
    return {};
}

engine::Expected<StoredAlertCounts, std::string> readStoredAlertCounts(const std::filesystem::path& dbPath) {
    auto reader = engine::storage::StorageReader::open(dbPath);
    if (!reader) {
        return reader.error().message;
    }
    auto counts = (*reader)->alertCounts(engine::storage::AlertGroup::Rule, std::numeric_limits<std::int64_t>::min(),
                                         std::numeric_limits<std::int64_t>::max());
    if (!counts) {
        return counts.error().message;
    }
    StoredAlertCounts result;
    for (const auto& c : *counts) {
        result.total += c.count;
        if (c.key == engine::toString(engine::AlertRule::Co2High)) {
            result.co2 = c.count;
        } else if (c.key == engine::toString(engine::AlertRule::EmergencyConfirmed)) {
            result.emergency = c.count;
        } else if (c.key == engine::toString(engine::AlertRule::EnergyAnomaly)) {
            result.energy = c.count;
        }
    }
    if (auto n = (*reader)->readingCount(); n) {
        result.readings = *n;
    }
    return result;
}

}  // namespace cityops::simulation
