#include "cityops/connectors/serving/api_routes.h"

#include <array>

namespace cityops::connectors::serving {

namespace {

constexpr std::array<RouteInfo, 10> kRoutes{{
    {"GET", "/api/v1/sensors", true},
    {"GET", "/api/v1/sensors/{id}/latest", true},
    {"GET", "/api/v1/sensors/{id}/series", true},
    {"GET", "/api/v1/aggregates", true},
    {"GET", "/api/v1/alerts", true},
    {"GET", "/api/v1/alerts/{id}", true},
    {"POST", "/api/v1/alerts/{id}/actions", true},
    {"GET", "/api/v1/stream", true},
    {"GET", "/api/v1/openapi.json", true},
    {"GET", "/metrics", false},
}};

// Hand-written and kept true by tests/connectors/serving (every route above is described here).
constexpr std::string_view kOpenApi = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "CityOps local serving API",
    "version": "1.0.0",
    "description": "Read-only views of the console's store, alert actions through the alert lifecycle, a WebSocket stream of alerts and live values, and Prometheus metrics. Times are milliseconds since the Unix epoch (UTC)."
  },
  "servers": [{"url": "http://127.0.0.1:8787"}],
  "security": [{"bearer": []}],
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "parameters": {
      "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}},
      "from": {"name": "from", "in": "query", "schema": {"type": "integer"}, "description": "start, ms since the epoch (inclusive)"},
      "to": {"name": "to", "in": "query", "schema": {"type": "integer"}, "description": "end, ms since the epoch (exclusive)"},
      "district": {"name": "district", "in": "query", "schema": {"type": "string"}, "description": "district name or location id"},
      "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}
    },
    "responses": {
      "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    },
    "schemas": {
      "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "field": {"type": "string", "description": "the request field that is wrong"}}},
      "Sensor": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "kind": {"type": "string"}, "district": {"type": "string"}, "locationId": {"type": "integer"}, "lat": {"type": "number"}, "lon": {"type": "number"}}},
      "Latest": {"type": "object", "properties": {"sensor": {"type": "integer"}, "metric": {"type": "string"}, "unit": {"type": "string"}, "value": {"type": "number", "nullable": true}, "eventTimeMs": {"type": "integer", "nullable": true}}},
      "Bucket": {"type": "object", "properties": {"startMs": {"type": "integer"}, "min": {"type": "number"}, "max": {"type": "number"}, "avg": {"type": "number"}, "count": {"type": "integer"}}},
      "Aggregate": {"type": "object", "properties": {"locationId": {"type": "integer"}, "district": {"type": "string"}, "metric": {"type": "string"}, "count": {"type": "integer"}, "min": {"type": "number"}, "max": {"type": "number"}, "avg": {"type": "number"}}},
      "Alert": {"type": "object", "properties": {"id": {"type": "string", "description": "64-bit id as a decimal string"}, "rule": {"type": "string"}, "severity": {"type": "string"}, "state": {"type": "string", "enum": ["new", "acknowledged", "assigned", "dispatched", "resolved"]}, "sensor": {"type": "integer"}, "locationId": {"type": "integer"}, "district": {"type": "string"}, "title": {"type": "string"}, "value": {"type": "number"}, "eventTimeMs": {"type": "integer"}, "firstEventMs": {"type": "integer"}, "acknowledgedBy": {"type": "string"}, "assignedService": {"type": "string"}, "notes": {"type": "string"}}},
      "Action": {"type": "object", "required": ["action", "operator"], "properties": {"action": {"type": "string", "enum": ["acknowledge", "assign", "dispatch", "resolve"]}, "operator": {"type": "string"}, "service": {"type": "string", "description": "assign: the service"}, "disposition": {"type": "string", "description": "resolve: how it ended"}, "note": {"type": "string"}}}
    }
  },
  "paths": {
    "/api/v1/sensors": {"get": {"summary": "The sensor registry, filtered and paged", "parameters": [
        {"name": "kind", "in": "query", "schema": {"type": "string"}, "description": "traffic, air_quality, temperature, parking, emergency, energy, noise"},
        {"$ref": "#/components/parameters/district"}, {"$ref": "#/components/parameters/limit"},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
      "responses": {"200": {"description": "a page of sensors", "content": {"application/json": {"schema": {"type": "object", "properties": {"total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"}, "sensors": {"type": "array", "items": {"$ref": "#/components/schemas/Sensor"}}}}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/sensors/{id}/latest": {"get": {"summary": "The latest value of a sensor's primary metric", "parameters": [{"$ref": "#/components/parameters/id"}],
      "responses": {"200": {"description": "latest value", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Latest"}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/sensors/{id}/series": {"get": {"summary": "A sensor's metric downsampled to min/max/avg buckets", "parameters": [{"$ref": "#/components/parameters/id"},
        {"name": "from", "in": "query", "required": true, "schema": {"type": "integer"}}, {"name": "to", "in": "query", "required": true, "schema": {"type": "integer"}},
        {"name": "buckets", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 2000, "default": 200}},
        {"name": "metric", "in": "query", "schema": {"type": "string"}, "description": "default: the sensor's primary metric"}],
      "responses": {"200": {"description": "buckets, empty ones omitted", "content": {"application/json": {"schema": {"type": "object", "properties": {"sensor": {"type": "integer"}, "metric": {"type": "string"}, "buckets": {"type": "array", "items": {"$ref": "#/components/schemas/Bucket"}}}}}}}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/aggregates": {"get": {"summary": "Window aggregates per district over a time range", "parameters": [{"$ref": "#/components/parameters/district"},
        {"name": "from", "in": "query", "required": true, "schema": {"type": "integer"}}, {"name": "to", "in": "query", "required": true, "schema": {"type": "integer"}},
        {"name": "metric", "in": "query", "schema": {"type": "string", "default": "co2"}}],
      "responses": {"200": {"description": "one row per district", "content": {"application/json": {"schema": {"type": "object", "properties": {"aggregates": {"type": "array", "items": {"$ref": "#/components/schemas/Aggregate"}}}}}}}, "400": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/alerts": {"get": {"summary": "Alert history, newest first, with keyset paging", "parameters": [
        {"name": "state", "in": "query", "schema": {"type": "string"}, "description": "comma-separated states"},
        {"name": "kind", "in": "query", "schema": {"type": "string"}, "description": "rule: co2_high, emergency_confirmed, energy_anomaly"},
        {"$ref": "#/components/parameters/district"}, {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"}, {"$ref": "#/components/parameters/limit"},
        {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "nextCursor of the previous page"}],
      "responses": {"200": {"description": "a page of alerts", "content": {"application/json": {"schema": {"type": "object", "properties": {"alerts": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}, "nextCursor": {"type": "string", "nullable": true}}}}}}, "400": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/alerts/{id}": {"get": {"summary": "One alert with its lifecycle", "parameters": [{"$ref": "#/components/parameters/id"}],
      "responses": {"200": {"description": "the alert", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alert"}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/alerts/{id}/actions": {"post": {"summary": "Moves an alert along its lifecycle (as the console does)", "parameters": [{"$ref": "#/components/parameters/id"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Action"}}}},
      "responses": {"200": {"description": "applied (changed=false: it was already in that state)", "content": {"application/json": {"schema": {"type": "object", "properties": {"changed": {"type": "boolean"}, "alert": {"$ref": "#/components/schemas/Alert"}}}}}},
        "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/stream": {"get": {"summary": "WebSocket upgrade: alerts and live values in coalesced batches", "description": "Send {\"type\":\"subscribe\",\"alerts\":true,\"values\":true,\"kinds\":[\"air_quality\"],\"sensors\":[1,2],\"rules\":[\"co2_high\"]}. The server answers {\"type\":\"subscribed\"} and then sends {\"type\":\"batch\",\"seq\":n,\"alerts\":[...],\"values\":[{\"sensor\":id,\"value\":v,\"eventTimeMs\":t}],\"dropped\":k} at most every stream interval; a client that falls behind misses batches (dropped counts them). The token may be given as ?token= here.",
      "parameters": [{"name": "token", "in": "query", "schema": {"type": "string"}}],
      "responses": {"101": {"description": "switching to WebSocket"}, "401": {"$ref": "#/components/responses/Error"}}}},
    "/api/v1/openapi.json": {"get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3 document"}}}},
    "/metrics": {"get": {"summary": "Prometheus text format (token optional by configuration)", "security": [],
      "responses": {"200": {"description": "text/plain; version=0.0.4", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
  }
}
)json";

}  // namespace

std::span<const RouteInfo> routeTable() { return kRoutes; }

std::string_view openApiJson() { return kOpenApi; }

}  // namespace cityops::connectors::serving
