#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cityops/engine/expected.h"
#include "cityops/engine/storage/records.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/simulation/city.h"

namespace cityops::engine::storage {
class Storage;
}

namespace cityops::simulation {

//! What the design's city jobs need from a City, shared by the durable headless run
//! (headless_jobs.h) and the live console (live_jobs.h), so both run the very same jobs.

//! The sensor registry rows of a city (the enrichment job's broadcast state and the store's sensors).
std::vector<engine::storage::SensorInfo> sensorRegistry(const City& city);

//! buildCityJobs' settings for a city: district names, the registry broadcast for Data Enrichment and
//! the expected series. The caller fills `job` (id, workers, storage, checkpoint interval).
engine::stream::CityJobsConfig cityJobsConfig(const City& city,
                                              const std::vector<engine::storage::SensorInfo>& sensors);

//! Writes the reference data (sensors, district names) into the store; an error names the problem.
engine::Expected<void, std::string> writeCityReference(engine::storage::Storage& store, const City& city,
                                                       const std::vector<engine::storage::SensorInfo>& sensors);

//! Alerts a store holds, by the rules the city jobs raise.
struct StoredAlertCounts {
    std::uint64_t total = 0;
    std::uint64_t co2 = 0;
    std::uint64_t emergency = 0;
    std::uint64_t energy = 0;
    std::uint64_t readings = 0;  //!< enriched readings stored
};

//! Reads the counts from a closed (or concurrently written) store at dbPath.
engine::Expected<StoredAlertCounts, std::string> readStoredAlertCounts(const std::filesystem::path& dbPath);

}  // namespace cityops::simulation
