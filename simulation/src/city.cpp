#include "cityops/simulation/city.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

#include "rng.h"

namespace cityops::simulation {
namespace {

using detail::Rng;
using engine::SensorKind;

//! The Dnipro's west shore: longitude at a few latitudes, interpolated linearly between them.
struct ShorePoint {
    double lat;
    double lon;
};
constexpr std::array<ShorePoint, 7> kWestShore{{{50.30, 30.600},
                                                {50.36, 30.585},
                                                {50.41, 30.570},
                                                {50.445, 30.555},
                                                {50.48, 30.545},
                                                {50.53, 30.530},
                                                {50.56, 30.525}}};
constexpr double kRiverWidthDeg = 0.03;
constexpr double kEastEdgeLon = 30.78;

double shoreLon(double lat) {
    for (std::size_t i = 1; i < kWestShore.size(); ++i) {
        if (lat <= kWestShore[i].lat) {
            const ShorePoint& a = kWestShore[i - 1];
            const ShorePoint& b = kWestShore[i];
            return a.lon + (b.lon - a.lon) * (lat - a.lat) / (b.lat - a.lat);
        }
    }
    return kWestShore.back().lon;
}

//! Appends the shore (offset east by offsetLon) from latFrom to latTo, including the shore's own
//! vertices in between, so neighbouring districts share exactly the same boundary.
void appendShore(std::vector<GeoPoint>& polygon, double latFrom, double latTo, double offsetLon) {
    polygon.push_back({latFrom, shoreLon(latFrom) + offsetLon});
    if (latFrom < latTo) {
        for (const ShorePoint& p : kWestShore) {
            if (p.lat > latFrom && p.lat < latTo) {
                polygon.push_back({p.lat, p.lon + offsetLon});
            }
        }
    } else {
        for (auto it = kWestShore.rbegin(); it != kWestShore.rend(); ++it) {
            if (it->lat < latFrom && it->lat > latTo) {
                polygon.push_back({it->lat, it->lon + offsetLon});
            }
        }
    }
    polygon.push_back({latTo, shoreLon(latTo) + offsetLon});
}

std::vector<std::vector<GeoPoint>> kyivDistrictPolygons() {
    constexpr double x0 = 30.30, x1 = 30.40, x2 = 30.48, xc = 30.52;
    constexpr double yS = 50.32, y0 = 50.36, y1 = 50.41, y2 = 50.445, y3 = 50.48, y4 = 50.53;
    constexpr double eS = 50.33, e1 = 50.42, eN = 50.55;
    const double east = kRiverWidthDeg;
    std::vector<std::vector<GeoPoint>> p(10);
    p[0] = {{y2, x2}, {y3, x2}};  // Podilskyi: the riverside north of the centre
    appendShore(p[0], y3, y2, 0.0);
    p[1] = {{y1, x1}, {y2, x1}, {y2, xc}, {y1, xc}};  // Shevchenkivskyi
    p[2] = {{y1, xc}, {y2, xc}};                       // Pecherskyi
    appendShore(p[2], y2, y1, 0.0);
    p[3] = {{yS, x2}, {y1, x2}};  // Holosiivskyi
    appendShore(p[3], y1, yS, 0.0);
    p[4] = {{y0, x0}, {y2, x0}, {y2, x1}, {y1, x1}, {y1, x2}, {y0, x2}};  // Solomianskyi
    p[5] = {{y2, x0}, {y4, x0}, {y4, x1}, {y3, x1}, {y3, x2}, {y2, x2}};  // Sviatoshynskyi
    p[6] = {{y3, x1}, {y4, x1}};                                          // Obolonskyi
    appendShore(p[6], y4, y3, 0.0);
    appendShore(p[7], y3, eN, east);  // Desnianskyi, east bank
    p[7].push_back({eN, kEastEdgeLon});
    p[7].push_back({y3, kEastEdgeLon});
    appendShore(p[8], e1, y3, east);  // Dniprovskyi
    p[8].push_back({y3, kEastEdgeLon});
    p[8].push_back({e1, kEastEdgeLon});
    appendShore(p[9], eS, e1, east);  // Darnytskyi
    p[9].push_back({e1, kEastEdgeLon});
    p[9].push_back({eS, kEastEdgeLon});
    return p;
}

constexpr std::array<std::string_view, 10> kDistrictNames{
    "Podilskyi",  "Shevchenkivskyi", "Pecherskyi", "Holosiivskyi", "Solomianskyi",
    "Sviatoshynskyi", "Obolonskyi",  "Desnianskyi", "Dniprovskyi",  "Darnytskyi"};

bool insidePolygon(const std::vector<GeoPoint>& polygon, GeoPoint p) {
    bool inside = false;
    const std::size_t n = polygon.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const GeoPoint& a = polygon[i];
        const GeoPoint& b = polygon[j];
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const double crossLon = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
            if (p.lon < crossLon) {
                inside = !inside;
            }
        }
    }
    return inside;
}

//! Area centroid (shoelace); our district shapes are chosen so that it lies inside.
GeoPoint centroid(const std::vector<GeoPoint>& polygon) {
    double area = 0.0, lat = 0.0, lon = 0.0;
    const std::size_t n = polygon.size();
    for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
        const double cross = polygon[j].lon * polygon[i].lat - polygon[i].lon * polygon[j].lat;
        area += cross;
        lon += (polygon[j].lon + polygon[i].lon) * cross;
        lat += (polygon[j].lat + polygon[i].lat) * cross;
    }
    return {lat / (3.0 * area), lon / (3.0 * area)};
}

struct Box {
    double minLat, maxLat, minLon, maxLon;
};

Box boundsOf(const std::vector<GeoPoint>& polygon) {
    Box box{polygon[0].lat, polygon[0].lat, polygon[0].lon, polygon[0].lon};
    for (const GeoPoint& p : polygon) {
        box.minLat = std::min(box.minLat, p.lat);
        box.maxLat = std::max(box.maxLat, p.lat);
        box.minLon = std::min(box.minLon, p.lon);
        box.maxLon = std::max(box.maxLon, p.lon);
    }
    return box;
}

GeoPoint lerp(GeoPoint a, GeoPoint b, double t) {
    return {a.lat + (b.lat - a.lat) * t, a.lon + (b.lon - a.lon) * t};
}

//! A jittered street grid over the whole city; a segment is kept when both ends and its midpoint
//! lie in the same district, so roads never cross the river or a district boundary.
void generateRoads(City& city, Rng& rng) {
    constexpr double kMinLat = 50.30, kMaxLat = 50.57, kMinLon = 30.29, kMaxLon = 30.79;
    constexpr double kStepLat = 0.010, kStepLon = 0.015;
    const int rows = static_cast<int>((kMaxLat - kMinLat) / kStepLat) + 1;
    const int cols = static_cast<int>((kMaxLon - kMinLon) / kStepLon) + 1;
    std::vector<GeoPoint> nodes(static_cast<std::size_t>(rows * cols));
    std::vector<int> nodeDistrict(nodes.size());
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            const std::size_t i = static_cast<std::size_t>(r * cols + c);
            nodes[i] = {kMinLat + r * kStepLat + rng.uniform(-0.3, 0.3) * kStepLat,
                        kMinLon + c * kStepLon + rng.uniform(-0.3, 0.3) * kStepLon};
            nodeDistrict[i] = districtAt(city, nodes[i]);
        }
    }
    auto addSegment = [&](int r0, int c0, int r1, int c1, bool arterial) {
        const std::size_t a = static_cast<std::size_t>(r0 * cols + c0);
        const std::size_t b = static_cast<std::size_t>(r1 * cols + c1);
        const int district = nodeDistrict[a];
        if (district < 0 || nodeDistrict[b] != district ||
            districtAt(city, lerp(nodes[a], nodes[b], 0.5)) != district) {
            return;
        }
        RoadSegment road;
        road.id = static_cast<std::uint32_t>(city.roads.size());
        road.from = nodes[a];
        road.to = nodes[b];
        road.districtId = static_cast<std::uint16_t>(district);
        const double pick = rng.uniform();
        road.speedLimitKmh = arterial ? (pick < 0.5 ? 80.0 : 70.0) : (pick < 0.15 ? 30.0 : 50.0);
        city.roads.push_back(road);
    };
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < cols; ++c) {
            if (c + 1 < cols) {
                addSegment(r, c, r, c + 1, r % 4 == 0);
            }
            if (r + 1 < rows) {
                addSegment(r, c, r + 1, c, c % 4 == 0);
            }
        }
    }
}

struct KindSpec {
    SensorKind kind;
    std::uint32_t perMille;
    const char* prefix;
};
constexpr std::array<KindSpec, engine::kSensorKindCount> kKindMix{{{SensorKind::Traffic, 300, "TR"},
                                                                   {SensorKind::AirQuality, 150, "AQ"},
                                                                   {SensorKind::Temperature, 100, "TM"},
                                                                   {SensorKind::Parking, 150, "PK"},
                                                                   {SensorKind::Emergency, 50, "EM"},
                                                                   {SensorKind::Energy, 150, "EN"},
                                                                   {SensorKind::Noise, 100, "NS"}}};

//! Sensors per kind by largest remainder, so the counts add up to total exactly.
std::array<std::uint32_t, engine::kSensorKindCount> kindCounts(std::uint32_t total) {
    std::array<std::uint32_t, engine::kSensorKindCount> counts{};
    std::array<std::uint64_t, engine::kSensorKindCount> remainders{};
    std::uint32_t assigned = 0;
    for (std::size_t k = 0; k < kKindMix.size(); ++k) {
        const std::uint64_t scaled = std::uint64_t{total} * kKindMix[k].perMille;
        counts[k] = static_cast<std::uint32_t>(scaled / 1000);
        remainders[k] = scaled % 1000;
        assigned += counts[k];
    }
    while (assigned < total) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < kKindMix.size(); ++k) {
            if (remainders[k] > remainders[best]) {
                best = k;
            }
        }
        ++counts[best];
        remainders[best] = 0;
        ++assigned;
    }
    return counts;
}

GeoPoint randomPointIn(const City& city, int district, Rng& rng) {
    const Box box = boundsOf(city.districts[static_cast<std::size_t>(district)].polygon);
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const GeoPoint p{rng.uniform(box.minLat, box.maxLat), rng.uniform(box.minLon, box.maxLon)};
        if (districtAt(city, p) == district) {
            return p;
        }
    }
    return city.districts[static_cast<std::size_t>(district)].centre;
}

std::string sensorName(const char* prefix, std::string_view district, std::uint32_t number) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%03u", number);
    std::string name(prefix);
    name += '-';
    name += district;
    name += '-';
    name += digits;
    return name;
}

}  // namespace

City generateDemoCity(std::uint64_t seed, std::uint32_t sensorCount) {
    City city;
    city.name = "Kyiv (demo)";
    const std::vector<std::vector<GeoPoint>> polygons = kyivDistrictPolygons();
    for (std::size_t d = 0; d < polygons.size(); ++d) {
        District district;
        district.name = std::string(kDistrictNames[d]);
        district.polygon = polygons[d];
        district.centre = centroid(district.polygon);
        city.districts.push_back(std::move(district));
    }

    Rng rng(seed ^ 0x43495459'4f505331ULL);
    generateRoads(city, rng);
    std::vector<std::vector<std::uint32_t>> roadsByDistrict(city.districts.size());
    for (const RoadSegment& road : city.roads) {
        roadsByDistrict[road.districtId].push_back(road.id);
    }

    const auto counts = kindCounts(sensorCount);
    const int districtCount = static_cast<int>(city.districts.size());
    city.sensors.reserve(sensorCount);
    for (std::size_t k = 0; k < kKindMix.size(); ++k) {
        std::vector<std::uint32_t> numberInDistrict(city.districts.size(), 0);
        const int firstDistrict = static_cast<int>(rng.below(static_cast<std::uint32_t>(districtCount)));
        for (std::uint32_t i = 0; i < counts[k]; ++i) {
            const int district = (firstDistrict + static_cast<int>(i % 10)) % districtCount;
            Sensor sensor;
            sensor.id = static_cast<std::uint32_t>(city.sensors.size());
            sensor.kind = kKindMix[k].kind;
            sensor.districtId = static_cast<std::uint16_t>(district);
            const auto& roads = roadsByDistrict[static_cast<std::size_t>(district)];
            if (sensor.kind == SensorKind::Traffic && !roads.empty()) {
                const RoadSegment& road = city.roads[roads[rng.below(static_cast<std::uint32_t>(roads.size()))]];
                sensor.roadSegmentId = static_cast<std::int32_t>(road.id);
                sensor.position = road.from;
                for (int attempt = 0; attempt < 20; ++attempt) {
                    const GeoPoint p = lerp(road.from, road.to, rng.uniform(0.15, 0.85));
                    if (districtAt(city, p) == district) {
                        sensor.position = p;
                        break;
                    }
                }
            } else {
                sensor.position = randomPointIn(city, district, rng);
            }
            const std::uint32_t number = ++numberInDistrict[static_cast<std::size_t>(district)];
            sensor.name = sensorName(kKindMix[k].prefix, city.districts[static_cast<std::size_t>(district)].name,
                                     number);
            city.sensors.push_back(std::move(sensor));
        }
    }
    return city;
}

std::vector<std::string> demoDistrictNames() {
    return std::vector<std::string>(kDistrictNames.begin(), kDistrictNames.end());
}

int districtAt(const City& city, GeoPoint p) {
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        if (insidePolygon(city.districts[d].polygon, p)) {
            return static_cast<int>(d);
        }
    }
    return -1;
}

}  // namespace cityops::simulation
