#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/reading.h"

namespace cityops::connectors::gateway {

//! The design's three edge gateways are numbered 1..3; 0 means "no gateway" (unrouted).
inline constexpr int kGatewayCount = 3;

//! Sensor kind → the gateway that accepts it and the topic it forwards it to (the log or Kafka topic).
//! A value type, copied into each gateway; a gateway drops (and counts) the kinds not routed to it.
class RoutingTable {
public:
    //! The design's table: 1 central (traffic → traffic-events, air quality → air-quality), 2 residential
    //! (temperature → temperature-data, parking → parking-events), 3 critical (emergency →
    //! emergency-events, energy → energy-data). Noise has no topic in the design and stays unrouted.
    static RoutingTable design();

    //! Routes kind to gateway (1..3) and topic; gateway 0 unroutes it.
    void set(engine::SensorKind kind, int gateway, std::string topic);
    int gatewayFor(engine::SensorKind kind) const { return m_gateway[index(kind)]; }
    const std::string& topicFor(engine::SensorKind kind) const { return m_topic[index(kind)]; }
    //! The kinds routed to gateway, in SensorKind order.
    std::vector<engine::SensorKind> kindsOf(int gateway) const;

private:
    static std::size_t index(engine::SensorKind kind) { return static_cast<std::size_t>(kind); }

    std::array<int, engine::kSensorKindCount> m_gateway{};
    std::array<std::string, engine::kSensorKindCount> m_topic;
};

//! A gateway's short role name from the design ("central", "residential", "critical"); "" if not 1..3.
std::string_view gatewayRole(int gateway);

}  // namespace cityops::connectors::gateway
