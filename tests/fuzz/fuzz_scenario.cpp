// Fuzz target: the scenario parser (simulation::parseScenario). Every input yields a scenario or an
// error naming the problem; never a crash or an exception.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "cityops/simulation/scenario.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    const cityops::simulation::ScenarioResult result = cityops::simulation::parseScenario(json);
    if (const auto* error = std::get_if<cityops::simulation::ScenarioError>(&result)) {
        FUZZ_CHECK(!error->message.empty());
        FUZZ_CHECK(error->line >= 0);
    }
    return 0;
}
