#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cityops/engine/reading.h"

namespace cityops::simulation {

//! A WGS84 position in degrees.
struct GeoPoint {
    double lat = 0.0;
    double lon = 0.0;
};

//! A city district: a named polygon (closed implicitly: last vertex connects to the first).
struct District {
    std::string name;
    std::vector<GeoPoint> polygon;
    GeoPoint centre;
};

//! A road segment between two points, belonging to a district; traffic sensors sit on segments.
struct RoadSegment {
    std::uint32_t id = 0;
    GeoPoint from;
    GeoPoint to;
    std::uint16_t districtId = 0;
    double speedLimitKmh = 50.0;
};

//! An entry of the sensor registry. Sensor ids are dense: sensors[i].id == i.
struct Sensor {
    std::uint32_t id = 0;
    engine::SensorKind kind = engine::SensorKind::Traffic;
    GeoPoint position;
    std::uint16_t districtId = 0;
    std::int32_t roadSegmentId = -1;  //!< traffic sensors: the segment they measure; -1 otherwise
    std::string name;                 //!< e.g. "AQ-Podilskyi-003"
};

//! The static city model: districts, roads and the sensor registry.
struct City {
    std::string name;
    std::vector<District> districts;
    std::vector<RoadSegment> roads;
    std::vector<Sensor> sensors;
};

//! A demo city (Kyiv-like layout, 10 districts) generated deterministically from seed with
//! sensorCount sensors spread over the six design kinds plus noise.
City generateDemoCity(std::uint64_t seed, std::uint32_t sensorCount);

//! Names of the demo city's districts, in district-id order (what scenarios may refer to).
std::vector<std::string> demoDistrictNames();

//! Index of the district containing p, or -1 (point-in-polygon).
int districtAt(const City& city, GeoPoint p);

}  // namespace cityops::simulation
