#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cityops/simulation/simulator.h"

//! Prints the simulator's raw rate for a city: bench_simulator [sensors=10000] [simulated minutes=60].
int main(int argc, char** argv) {
    using namespace cityops::simulation;
    const auto sensors = static_cast<std::uint32_t>(argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 10'000);
    const std::int64_t minutes = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 60;
    Scenario scenario;
    scenario.name = "bench";
    scenario.sensorCount = sensors;
    scenario.startTimeMs = 1'772'438'400'000;
    const City city = generateDemoCity(scenario.seed, sensors);
    Simulator simulator(city, scenario);
    std::vector<cityops::engine::Reading> batch;
    std::uint64_t total = 0;
    double checksum = 0.0;
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t t = scenario.startTimeMs; t < scenario.startTimeMs + minutes * 60'000;) {
        t += 1'000;
        batch.clear();
        simulator.advanceTo(t, batch);
        total += batch.size();
        checksum += batch.empty() ? 0.0 : batch.back().value;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sensors: %u\nsimulated_minutes: %lld\nreadings: %llu\nwall_seconds: %.3f\nreadings_per_second: %.0f\n"
                "checksum: %.1f\n",
                sensors, static_cast<long long>(minutes), static_cast<unsigned long long>(total), seconds,
                static_cast<double>(total) / seconds, checksum);
    return 0;
}
