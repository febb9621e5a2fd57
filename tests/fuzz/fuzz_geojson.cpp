// Fuzz target: the GeoJSON city importer (simulation::parseCityGeoJson). The input holds the three
// files (districts, roads, sensors) separated by lines "--8<--"; missing parts are empty. Every input
// yields a city or an error message.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "cityops/simulation/geojson_import.h"
#include "fuzz_check.h"

using namespace cityops::simulation;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    std::string_view parts[3];
    constexpr std::string_view kSeparator = "\n--8<--\n";
    for (int i = 0; i < 3; ++i) {
        const std::size_t at = i < 2 ? rest.find(kSeparator) : std::string_view::npos;
        parts[i] = rest.substr(0, at);
        rest = at == std::string_view::npos ? std::string_view{} : rest.substr(at + kSeparator.size());
    }
    CityGeoJson input;
    input.districts = parts[0];
    input.roads = parts[1];
    input.sensors = parts[2];
    const CityImportResult result = parseCityGeoJson(input);
    if (const auto* error = std::get_if<CityImportError>(&result)) FUZZ_CHECK(!error->message.empty());
    return 0;
}
