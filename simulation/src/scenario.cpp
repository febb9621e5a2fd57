#include "cityops/simulation/scenario.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>

#include "cityops/simulation/city.h"
#include "field_reader.h"

namespace cityops::simulation {
namespace {

using detail::FieldReader;
using detail::ValidationFailure;
using detail::joined;
using detail::requireFields;
using detail::typeName;

#include "builtin_scenarios.inc"

constexpr std::string_view kDefaultStart = "2026-03-02T08:00:00Z";
constexpr std::uint32_t kMinSensors = 100;
constexpr std::uint32_t kMaxSensors = 100'000;

Scenario parseRoot(const FieldReader& reader, simdjson::dom::element root) {
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        throw ValidationFailure{{"top level: expected an object, got " + typeName(root.type()), 1}};
    }
    requireFields(reader, object, {}, {"name"});
    Scenario scenario;
    scenario.startTimeMs = *detail::parseIso8601(kDefaultStart);
    std::vector<std::string> seen;
    for (const auto field : object) {
        const std::string key(field.key);
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            reader.fail(key, "appears more than once");
        }
        seen.push_back(key);
        if (key == "name") {
            scenario.name = reader.string(field.value, key);
            if (scenario.name.empty()) {
                reader.fail(key, "must not be empty");
            }
        } else if (key == "description") {
            scenario.description = reader.string(field.value, key);
        } else if (key == "seed") {
            scenario.seed = reader.unsignedInteger(field.value, key);
        } else if (key == "sensors") {
            const std::uint64_t sensors = reader.unsignedInteger(field.value, key);
            if (sensors < kMinSensors || sensors > kMaxSensors) {
                reader.fail(key, "must be between 100 and 100000, got " + std::to_string(sensors));
            }
            scenario.sensorCount = static_cast<std::uint32_t>(sensors);
        } else if (key == "start") {
            const std::string text = reader.string(field.value, key);
            const std::optional<std::int64_t> start = detail::parseIso8601(text);
            if (!start) {
                reader.fail(key, "bad timestamp \"" + text + "\" (expected ISO-8601 like \"2026-03-02T08:00:00Z\")");
            }
            scenario.startTimeMs = *start;
        } else if (key == "duration") {
            scenario.defaultDurationMs = reader.duration(field.value, key, false);
        } else if (key == "incidents") {
            std::size_t index = 0;
            for (const simdjson::dom::element incident : reader.array(field.value, key)) {
                scenario.incidents.push_back(
                    detail::parseIncident(reader, incident, "incidents[" + std::to_string(index++) + "]"));
            }
        } else {
            reader.fail(key, "unknown field (allowed: name, description, seed, sensors, start, duration, "
                             "incidents)");
        }
    }
    return scenario;
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

ScenarioResult parseScenario(std::string_view json) {
    const detail::JsonLocator locator(json);
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(json.data(), json.size());
    simdjson::dom::element root;
    if (const auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
        std::string message = std::string("invalid JSON: ") + simdjson::error_message(error);
        if (!locator.ok()) {
            message += " (" + locator.errorMessage() + ")";
            return ScenarioError{message, locator.errorLine()};
        }
        return ScenarioError{message, 0};
    }
    try {
        return parseRoot(FieldReader(locator), root);
    } catch (const ValidationFailure& failure) {
        return failure.error;
    } catch (const std::exception& e) {
        return ScenarioError{std::string("scenario: ") + e.what(), 0};
    }
}

ScenarioResult loadScenario(std::string_view fileOrName) {
    for (const BuiltinScenario& builtin : kBuiltinScenarios) {
        if (builtin.name == fileOrName) {
            return parseScenario(builtin.json);
        }
    }
    const std::string path(fileOrName);
    const std::optional<std::string> content = readFile(path);
    if (!content) {
        return ScenarioError{"cannot open scenario \"" + path + "\": no such file and not a built-in scenario (" +
                                 joined(builtinScenarioNames()) + ")",
                             0};
    }
    return parseScenario(*content);
}

std::vector<std::string> builtinScenarioNames() {
    std::vector<std::string> names;
    for (const BuiltinScenario& builtin : kBuiltinScenarios) {
        names.emplace_back(builtin.name);
    }
    return names;
}

}  // namespace cityops::simulation
