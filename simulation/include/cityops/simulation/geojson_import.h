#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "cityops/simulation/city.h"

namespace cityops::simulation {

//! Why a GeoJSON city could not be imported: names the file, the feature (index and id), the property
//! and the problem, e.g. "sensors.geojson feature 17 (id 'AQ-9'): property 'kind' must be one of ...".
struct CityImportError {
    std::string message;
};

//! Either the imported city or the first problem found: the boundary never throws on bad input.
using CityImportResult = std::variant<City, CityImportError>;

//! The three GeoJSON texts of a city and the names used for them in error messages.
struct CityGeoJson {
    std::string_view districts;
    std::string_view roads;
    std::string_view sensors;
    std::string districtsLabel = "districts.geojson";
    std::string roadsLabel = "roads.geojson";
    std::string sensorsLabel = "sensors.geojson";
    std::string cityName = "Imported city";
};

//! Builds a City from three GeoJSON FeatureCollections (properties documented in simulation/README.md).
//! Roads and sensors are numbered densely in file order; districts keep file order too.
CityImportResult parseCityGeoJson(const CityGeoJson& input);

//! Reads the three files and parses them; the city is named after the districts file's folder.
CityImportResult loadCityFromGeoJson(const std::string& districtsPath, const std::string& roadsPath,
                                     const std::string& sensorsPath);

}  // namespace cityops::simulation
