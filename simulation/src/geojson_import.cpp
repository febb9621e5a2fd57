#include "cityops/simulation/geojson_import.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace cityops::simulation {
namespace {

//! Thrown only inside this file to unwind a failed import; parseCityGeoJson turns it into a value.
struct ImportFailure {
    std::string message;
};

constexpr double kMinSpeedKmh = 5.0;
constexpr double kMaxSpeedKmh = 150.0;

//! Where in which file we are, so every error can say it.
struct FeatureContext {
    const std::string* file = nullptr;
    std::size_t index = 0;
    std::string id;

    [[noreturn]] void fail(const std::string& problem) const {
        std::string where = *file + " feature " + std::to_string(index);
        if (!id.empty()) {
            where += " (id '" + id + "')";
        }
        throw ImportFailure{where + ": " + problem};
    }
};

std::string kindNames() {
    std::string out;
    for (int k = 0; k < engine::kSensorKindCount; ++k) {
        out += out.empty() ? "" : ", ";
        out += engine::toString(static_cast<engine::SensorKind>(k));
    }
    return out;
}

simdjson::dom::array features(simdjson::dom::parser& parser, std::string_view text, const std::string& file) {
    const simdjson::padded_string padded(text.data(), text.size());
    simdjson::dom::element root;
    if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
        throw ImportFailure{file + ": invalid JSON: " + simdjson::error_message(error)};
    }
    std::string_view type;
    if (root["type"].get_string().get(type) != simdjson::SUCCESS || type != "FeatureCollection") {
        throw ImportFailure{file + ": top level must be a GeoJSON FeatureCollection"};
    }
    simdjson::dom::array list;
    if (root["features"].get_array().get(list) != simdjson::SUCCESS) {
        throw ImportFailure{file + ": 'features' must be an array"};
    }
    return list;
}

simdjson::dom::object propertiesOf(simdjson::dom::element feature, const FeatureContext& at) {
    simdjson::dom::object properties;
    if (feature["properties"].get_object().get(properties) != simdjson::SUCCESS) {
        at.fail("'properties' must be an object");
    }
    return properties;
}

std::optional<std::string> optionalString(simdjson::dom::object properties, std::string_view key,
                                          const FeatureContext& at) {
    simdjson::dom::element value;
    if (properties[key].get(value) != simdjson::SUCCESS || value.is_null()) {
        return std::nullopt;
    }
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
        return std::string(text);
    }
    std::int64_t number = 0;
    if (value.get_int64().get(number) == simdjson::SUCCESS) {
        return std::to_string(number);
    }
    at.fail("property '" + std::string(key) + "' must be a string or an integer");
}

std::string requiredString(simdjson::dom::object properties, std::string_view key, const FeatureContext& at) {
    std::optional<std::string> value = optionalString(properties, key, at);
    if (!value || value->empty()) {
        at.fail("missing property '" + std::string(key) + "'");
    }
    return *value;
}

//! The feature's geometry of the expected type and its coordinates.
simdjson::dom::array geometry(simdjson::dom::element feature, std::string_view expectedType, const FeatureContext& at) {
    std::string_view type;
    if (feature["geometry"]["type"].get_string().get(type) != simdjson::SUCCESS) {
        at.fail("missing geometry");
    }
    if (type != expectedType) {
        at.fail("geometry must be a " + std::string(expectedType) + ", got " + std::string(type));
    }
    simdjson::dom::array coordinates;
    if (feature["geometry"]["coordinates"].get_array().get(coordinates) != simdjson::SUCCESS) {
        at.fail("geometry 'coordinates' must be an array");
    }
    return coordinates;
}

GeoPoint position(simdjson::dom::element value, const FeatureContext& at) {
    simdjson::dom::array pair;
    double lon = 0.0, lat = 0.0;
    if (value.get_array().get(pair) != simdjson::SUCCESS || pair.size() < 2 ||
        pair.at(0).get_double().get(lon) != simdjson::SUCCESS ||
        pair.at(1).get_double().get(lat) != simdjson::SUCCESS) {
        at.fail("a position must be [lon, lat] numbers");
    }
    if (lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0) {
        at.fail("position [" + std::to_string(lon) + ", " + std::to_string(lat) + "] is not a WGS84 [lon, lat]");
    }
    return {lat, lon};
}

double cross(GeoPoint o, GeoPoint a, GeoPoint b) {
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
}

bool onSegment(GeoPoint a, GeoPoint b, GeoPoint p) {
    return std::min(a.lon, b.lon) <= p.lon && p.lon <= std::max(a.lon, b.lon) && std::min(a.lat, b.lat) <= p.lat &&
           p.lat <= std::max(a.lat, b.lat);
}

bool segmentsIntersect(GeoPoint a, GeoPoint b, GeoPoint c, GeoPoint d) {
    const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
        return true;
    }
    return (d1 == 0 && onSegment(c, d, a)) || (d2 == 0 && onSegment(c, d, b)) || (d3 == 0 && onSegment(a, b, c)) ||
           (d4 == 0 && onSegment(a, b, d));
}

//! Index pair of two crossing edges of a closed ring, or nullopt when the ring is simple.
std::optional<std::pair<std::size_t, std::size_t>> selfIntersection(const std::vector<GeoPoint>& ring) {
    const std::size_t n = ring.size();
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 2; j < n; ++j) {
            if (i == 0 && j == n - 1) {
                continue;  // adjacent through the closing edge
            }
            if (segmentsIntersect(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n])) {
                return std::make_pair(i, j);
            }
        }
    }
    return std::nullopt;
}

GeoPoint centreOf(const City& city, std::size_t district) {
    const std::vector<GeoPoint>& polygon = city.districts[district].polygon;
    double area = 0.0, lat = 0.0, lon = 0.0;
    for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
        const double c = polygon[j].lon * polygon[i].lat - polygon[i].lon * polygon[j].lat;
        area += c;
        lon += (polygon[j].lon + polygon[i].lon) * c;
        lat += (polygon[j].lat + polygon[i].lat) * c;
    }
    const GeoPoint centroid{lat / (3.0 * area), lon / (3.0 * area)};
    if (districtAt(city, centroid) == static_cast<int>(district)) {
        return centroid;
    }
    // A concave district whose centroid lies outside: the midpoint of a short diagonal lies inside.
    for (std::size_t i = 0; i < polygon.size(); ++i) {
        const GeoPoint& a = polygon[i];
        const GeoPoint& b = polygon[(i + 2) % polygon.size()];
        const GeoPoint mid{(a.lat + b.lat) / 2.0, (a.lon + b.lon) / 2.0};
        if (districtAt(city, mid) == static_cast<int>(district)) {
            return mid;
        }
    }
    return polygon.front();
}

void importDistricts(City& city, std::string_view text, const std::string& file) {
    simdjson::dom::parser parser;
    std::size_t index = 0;
    for (const simdjson::dom::element feature : features(parser, text, file)) {
        FeatureContext at{&file, index++, {}};
        const simdjson::dom::object properties = propertiesOf(feature, at);
        at.id = requiredString(properties, "name", at);
        for (const District& existing : city.districts) {
            if (existing.name == at.id) {
                at.fail("property 'name': district '" + at.id + "' appears twice");
            }
        }
        simdjson::dom::array rings = geometry(feature, "Polygon", at);
        simdjson::dom::array outer;
        if (rings.size() == 0 || rings.at(0).get_array().get(outer) != simdjson::SUCCESS) {
            at.fail("polygon has no outer ring");
        }
        District district;
        district.name = at.id;
        for (const simdjson::dom::element value : outer) {
            const GeoPoint p = position(value, at);
            if (district.polygon.empty() || p.lat != district.polygon.back().lat ||
                p.lon != district.polygon.back().lon) {
                district.polygon.push_back(p);
            }
        }
        if (district.polygon.size() > 1 && district.polygon.front().lat == district.polygon.back().lat &&
            district.polygon.front().lon == district.polygon.back().lon) {
            district.polygon.pop_back();  // GeoJSON rings repeat the first position at the end
        }
        if (district.polygon.size() < 3) {
            at.fail("polygon has " + std::to_string(district.polygon.size()) + " distinct points, needs at least 3");
        }
        if (const auto crossing = selfIntersection(district.polygon)) {
            at.fail("polygon is self-intersecting (edges " + std::to_string(crossing->first) + " and " +
                    std::to_string(crossing->second) + " cross)");
        }
        city.districts.push_back(std::move(district));
    }
    if (city.districts.empty()) {
        throw ImportFailure{file + ": no districts"};
    }
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        city.districts[d].centre = centreOf(city, d);
    }
}

int districtProperty(const City& city, simdjson::dom::object properties, GeoPoint at, const FeatureContext& context,
                     const std::string& what) {
    const int located = districtAt(city, at);
    if (located < 0) {
        context.fail(what + " lies outside every district");
    }
    if (const std::optional<std::string> named = optionalString(properties, "district", context)) {
        if (city.districts[static_cast<std::size_t>(located)].name != *named) {
            context.fail("property 'district' is '" + *named + "' but the " + what + " lies in '" +
                         city.districts[static_cast<std::size_t>(located)].name + "'");
        }
    }
    return located;
}

std::vector<std::string> importRoads(City& city, std::string_view text, const std::string& file) {
    simdjson::dom::parser parser;
    std::vector<std::string> ids;
    std::size_t index = 0;
    for (const simdjson::dom::element feature : features(parser, text, file)) {
        FeatureContext at{&file, index++, {}};
        const simdjson::dom::object properties = propertiesOf(feature, at);
        at.id = requiredString(properties, "id", at);
        if (std::find(ids.begin(), ids.end(), at.id) != ids.end()) {
            at.fail("property 'id': road id '" + at.id + "' appears twice");
        }
        const simdjson::dom::array line = geometry(feature, "LineString", at);
        if (line.size() < 2) {
            at.fail("a LineString needs at least 2 positions");
        }
        RoadSegment road;
        road.id = static_cast<std::uint32_t>(city.roads.size());
        road.from = position(line.at(0).value_unsafe(), at);
        road.to = position(line.at(line.size() - 1).value_unsafe(), at);
        const GeoPoint mid{(road.from.lat + road.to.lat) / 2.0, (road.from.lon + road.to.lon) / 2.0};
        road.districtId = static_cast<std::uint16_t>(districtProperty(city, properties, mid, at, "road's midpoint"));
        simdjson::dom::element speed;
        if (properties["speed_limit_kmh"].get(speed) == simdjson::SUCCESS) {
            if (speed.get_double().get(road.speedLimitKmh) != simdjson::SUCCESS || road.speedLimitKmh < kMinSpeedKmh ||
                road.speedLimitKmh > kMaxSpeedKmh) {
                at.fail("property 'speed_limit_kmh' must be a number from 5 to 150");
            }
        }
        ids.push_back(at.id);
        city.roads.push_back(road);
    }
    return ids;
}

void importSensors(City& city, std::string_view text, const std::string& file,
                   const std::vector<std::string>& roadIds) {
    simdjson::dom::parser parser;
    std::size_t index = 0;
    for (const simdjson::dom::element feature : features(parser, text, file)) {
        FeatureContext at{&file, index++, {}};
        const simdjson::dom::object properties = propertiesOf(feature, at);
        at.id = requiredString(properties, "id", at);
        for (const Sensor& existing : city.sensors) {
            if (existing.name == at.id) {
                at.fail("property 'id': sensor id '" + at.id + "' appears twice");
            }
        }
        Sensor sensor;
        sensor.id = static_cast<std::uint32_t>(city.sensors.size());
        sensor.name = at.id;
        const std::string kind = requiredString(properties, "kind", at);
        bool known = false;
        for (int k = 0; k < engine::kSensorKindCount && !known; ++k) {
            sensor.kind = static_cast<engine::SensorKind>(k);
            known = engine::toString(sensor.kind) == kind;
        }
        if (!known) {
            at.fail("property 'kind' must be one of " + kindNames() + ", got '" + kind + "'");
        }
        geometry(feature, "Point", at);
        sensor.position = position(feature["geometry"]["coordinates"].value_unsafe(), at);
        sensor.districtId =
            static_cast<std::uint16_t>(districtProperty(city, properties, sensor.position, at, "sensor"));
        const std::optional<std::string> road = optionalString(properties, "road", at);
        if (road) {
            const auto found = std::find(roadIds.begin(), roadIds.end(), *road);
            if (found == roadIds.end()) {
                at.fail("property 'road': unknown road segment id '" + *road + "'");
            }
            sensor.roadSegmentId = static_cast<std::int32_t>(found - roadIds.begin());
        }
        if (sensor.kind == engine::SensorKind::Traffic && !road) {
            at.fail("missing property 'road' (traffic sensors measure a road segment)");
        }
        if (sensor.kind != engine::SensorKind::Traffic && road) {
            at.fail("property 'road' is only for traffic sensors");
        }
        city.sensors.push_back(std::move(sensor));
    }
}

std::optional<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

CityImportResult parseCityGeoJson(const CityGeoJson& input) {
    City city;
    city.name = input.cityName;
    try {
        importDistricts(city, input.districts, input.districtsLabel);
        const std::vector<std::string> roadIds = importRoads(city, input.roads, input.roadsLabel);
        importSensors(city, input.sensors, input.sensorsLabel, roadIds);
    } catch (const ImportFailure& failure) {
        return CityImportError{failure.message};
    } catch (const std::exception& e) {
        return CityImportError{std::string("city import: ") + e.what()};
    }
    return city;
}

CityImportResult loadCityFromGeoJson(const std::string& districtsPath, const std::string& roadsPath,
                                     const std::string& sensorsPath) {
    CityGeoJson input;
    std::optional<std::string> texts[3];
    const std::string* paths[3] = {&districtsPath, &roadsPath, &sensorsPath};
    for (int i = 0; i < 3; ++i) {
        texts[i] = readFile(*paths[i]);
        if (!texts[i]) {
            return CityImportError{"cannot open \"" + *paths[i] + "\""};
        }
    }
    input.districts = *texts[0];
    input.roads = *texts[1];
    input.sensors = *texts[2];
    input.districtsLabel = std::filesystem::path(districtsPath).filename().string();
    input.roadsLabel = std::filesystem::path(roadsPath).filename().string();
    input.sensorsLabel = std::filesystem::path(sensorsPath).filename().string();
    const std::string folder = std::filesystem::path(districtsPath).parent_path().filename().string();
    input.cityName = folder.empty() ? "Imported city" : folder;
    return parseCityGeoJson(input);
}

}  // namespace cityops::simulation
