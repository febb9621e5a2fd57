#pragma once

#include <span>
#include <string_view>

namespace cityops::connectors::serving {

//! One route the router knows: method and OpenAPI path template ("/api/v1/sensors/{id}/latest").
struct RouteInfo {
    std::string_view method;  //!< "GET", "POST"
    std::string_view path;
    bool needsToken = true;  //!< /metrics: per ServerOptions::metricsNeedToken
};

//! Every route the server answers, in the order it matches them.
std::span<const RouteInfo> routeTable();
//! The OpenAPI 3.0 description served at GET /api/v1/openapi.json.
std::string_view openApiJson();

}  // namespace cityops::connectors::serving
