#pragma once

#include <simdjson.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/simulation/scenario.h"
#include "json_locator.h"
#include "sim_time.h"

namespace cityops::simulation::detail {

//! Thrown only inside the scenario parser to unwind a failed validation; parseScenario turns it into a value.
struct ValidationFailure {
    ScenarioError error;
};

inline std::string typeName(simdjson::dom::element_type type) {
    using simdjson::dom::element_type;
    switch (type) {
        case element_type::ARRAY:
            return "an array";
        case element_type::OBJECT:
            return "an object";
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE:
            return "a number";
        case element_type::STRING:
            return "a string";
        case element_type::BOOL:
            return "a boolean";
        case element_type::NULL_VALUE:
            return "null";
    }
    return "a value";
}

inline std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        out += out.empty() ? "" : ", ";
        out += item;
    }
    return out;
}

//! Reads typed fields and reports errors that name the field (by JSON path) and its line.
class FieldReader {
public:
    explicit FieldReader(const detail::JsonLocator& locator) : m_locator(locator) {}

    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        const std::string where = path.empty() ? std::string() : "field '" + path + "': ";
        throw ValidationFailure{{where + problem, path.empty() ? 1 : m_locator.lineOf(path)}};
    }

    simdjson::dom::object object(simdjson::dom::element value, const std::string& path) const {
        simdjson::dom::object out;
        if (value.get_object().get(out) != simdjson::SUCCESS) {
            fail(path, "expected an object, got " + typeName(value.type()));
        }
        return out;
    }

    simdjson::dom::array array(simdjson::dom::element value, const std::string& path) const {
        simdjson::dom::array out;
        if (value.get_array().get(out) != simdjson::SUCCESS) {
            fail(path, "expected an array, got " + typeName(value.type()));
        }
        return out;
    }

    std::string string(simdjson::dom::element value, const std::string& path) const {
        std::string_view out;
        if (value.get_string().get(out) != simdjson::SUCCESS) {
            fail(path, "expected a string, got " + typeName(value.type()));
        }
        return std::string(out);
    }

    std::uint64_t unsignedInteger(simdjson::dom::element value, const std::string& path) const {
        std::uint64_t out = 0;
        if (value.get_uint64().get(out) != simdjson::SUCCESS) {
            if (value.is_number()) {
                fail(path, "expected a non-negative integer");
            }
            fail(path, "expected a number, got " + typeName(value.type()));
        }
        return out;
    }

    double number(simdjson::dom::element value, const std::string& path) const {
        double out = 0.0;
        if (value.get_double().get(out) != simdjson::SUCCESS) {
            fail(path, "expected a number, got " + typeName(value.type()));
        }
        return out;
    }

    std::int64_t duration(simdjson::dom::element value, const std::string& path, bool allowZero) const {
        const std::string text = string(value, path);
        const std::optional<std::int64_t> ms = detail::parseDuration(text);
        if (!ms) {
            fail(path,
                 "bad duration \"" + text + "\" (expected e.g. \"90s\", \"10m\", \"1h30m\"; units ms, s, m, h, d)");
        }
        if (!allowZero && *ms == 0) {
            fail(path, "duration must be greater than zero");
        }
        return *ms;
    }

private:
    const detail::JsonLocator& m_locator;
};

inline void requireFields(const FieldReader& reader, simdjson::dom::object object, const std::string& path,
                          std::initializer_list<std::string_view> required) {
    for (std::string_view name : required) {
        simdjson::dom::element ignored;
        if (object.at_key(name).get(ignored) != simdjson::SUCCESS) {
            reader.fail(path, "missing required field '" + std::string(name) + "'");
        }
    }
}

//! Parses one element of "incidents" (incident_parser.cpp); path is e.g. "incidents[2]".
Incident parseIncident(const FieldReader& reader, simdjson::dom::element value, const std::string& path);

}  // namespace cityops::simulation::detail
