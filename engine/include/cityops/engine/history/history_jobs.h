#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cityops/engine/history/history_types.h"

namespace cityops::engine::history {

//! The batch jobs `cityops batch <job>` runs over a data directory.
enum class BatchJob : std::uint8_t { Hourly, Daily, Noise, Quality, Forecast, Reconcile, All };
std::optional<BatchJob> parseBatchJob(std::string_view name);
std::string_view toString(BatchJob job);

struct BatchRunOptions {
    std::filesystem::path dataDir;       //!< holds cityops.db and archive/ (the headless layout)
    std::optional<YearMonth> month;      //!< default: the month of the newest stored reading
    std::int64_t reconcileWindowMs = kHourMs;
    bool correct = true;                 //!< reconcile: write the corrections
    std::function<std::int64_t()> clock; //!< processing time for lineage rows; system clock when empty
};

//! What a run printed: text for people and one JSON document (an object with one member per job).
struct BatchRunOutput {
    int exitCode = 0;  //!< 0 ok, 3 a job failed (message in error)
    std::string text;
    std::string json;
    std::string error;
};

//! Opens <dataDir>/cityops.db (and <dataDir>/archive for reconcile) and runs one job or all of them
//! (in the order hourly, daily, noise, quality, forecast, reconcile) over the month.
BatchRunOutput runBatchJobs(BatchJob job, const BatchRunOptions& options);

}  // namespace cityops::engine::history
