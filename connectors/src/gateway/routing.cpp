#include "cityops/connectors/gateway/routing.h"

namespace cityops::connectors::gateway {

using engine::SensorKind;

RoutingTable RoutingTable::design() {
    RoutingTable table;
    table.set(SensorKind::Traffic, 1, "traffic-events");
    table.set(SensorKind::AirQuality, 1, "air-quality");
    table.set(SensorKind::Temperature, 2, "temperature-data");
    table.set(SensorKind::Parking, 2, "parking-events");
    table.set(SensorKind::Emergency, 3, "emergency-events");
    table.set(SensorKind::Energy, 3, "energy-data");
    return table;
}

void RoutingTable::set(SensorKind kind, int gateway, std::string topic) {
    const bool routed = gateway >= 1 && gateway <= kGatewayCount;
    m_gateway[index(kind)] = routed ? gateway : 0;
    m_topic[index(kind)] = routed ? std::move(topic) : std::string();
}

std::vector<SensorKind> RoutingTable::kindsOf(int gateway) const {
    std::vector<SensorKind> kinds;
    for (int k = 0; k < engine::kSensorKindCount; ++k) {
        if (gateway != 0 && m_gateway[static_cast<std::size_t>(k)] == gateway) {
            kinds.push_back(static_cast<SensorKind>(k));
        }
    }
    return kinds;
}

std::string_view gatewayRole(int gateway) {
    switch (gateway) {
        case 1:
            return "central";
        case 2:
            return "residential";
        case 3:
            return "critical";
        default:
            return "";
    }
}

}  // namespace cityops::connectors::gateway
