#pragma once
// The REST handlers of the serving layer: each maps an ApiRequest to an ApiResponse using read-only
// StorageReader connections (a small pool, one per concurrent request) and the registry cache.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api_request.h"
#include "cityops/connectors/serving/server.h"
#include "cityops/engine/storage/storage_reader.h"

namespace cityops::connectors::serving {

//! Read-only store connections handed out one per request (StorageReader is single-threaded).
class ReaderPool {
public:
    explicit ReaderPool(std::filesystem::path path) : m_path(std::move(path)) {}
    using Lease = std::unique_ptr<engine::storage::StorageReader, std::function<void(engine::storage::StorageReader*)>>;
    //! A reader, or BadRequest-free failure: throws std::runtime_error when the store cannot be opened.
    Lease acquire();

private:
    std::filesystem::path m_path;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<engine::storage::StorageReader>> m_free;
};

//! The sensor registry and district names, reloaded at most every few seconds (sensors are
//! registered when the jobs start; a reload picks up a city that grew).
struct Registry {
    std::vector<engine::storage::SensorInfo> sensors;  //!< by sensor id
    std::vector<std::string> districts;               //!< by location id ("" when unnamed)
    std::vector<std::int32_t> indexById;              //!< sensor id → index in sensors, −1 if absent

    const engine::storage::SensorInfo* find(std::uint32_t id) const;
    std::string districtName(std::uint16_t locationId) const;
};

class RegistryCache {
public:
    explicit RegistryCache(ReaderPool& readers) : m_readers(readers) {}
    std::shared_ptr<const Registry> get();

private:
    ReaderPool& m_readers;
    std::mutex m_mutex;
    std::shared_ptr<const Registry> m_registry;
    std::chrono::steady_clock::time_point m_loaded;
};

//! Writes one engine alert as the stream's JSON object (id as a decimal string: 64-bit ids do not
//! fit a JavaScript number).
class JsonWriter;
void writeAlertJson(JsonWriter& json, const engine::Alert& alert, const Registry* registry);
//! {"error": message, "field": field}
std::string errorBody(const std::string& message, const std::string& field = {});

//! The REST routes except the WebSocket upgrade and /metrics.
class ApiHandlers {
public:
    ApiHandlers(ReaderPool& readers, RegistryCache& registry, const ServingHooks& hooks)
        : m_readers(readers), m_registry(registry), m_hooks(hooks) {}

    //! Handles a matched /api/v1 route; `route` is its template from routeTable().
    ApiResponse handle(const std::string& route, const ApiRequest& request);

private:
    ApiResponse sensors(const ApiRequest& request);
    ApiResponse latest(const ApiRequest& request);
    ApiResponse series(const ApiRequest& request);
    ApiResponse aggregates(const ApiRequest& request);
    ApiResponse alerts(const ApiRequest& request);
    ApiResponse alert(const ApiRequest& request);
    ApiResponse action(const ApiRequest& request);

    ReaderPool& m_readers;
    RegistryCache& m_registry;
    const ServingHooks& m_hooks;
};

}  // namespace cityops::connectors::serving
