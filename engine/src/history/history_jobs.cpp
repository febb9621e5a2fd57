// `cityops batch <job>`: opens a data directory and runs the history jobs over one month.
#include "cityops/engine/history/history_jobs.h"

#include <array>
#include <chrono>

#include "cityops/engine/history/daily_reports.h"
#include "cityops/engine/history/data_quality.h"
#include "cityops/engine/history/forecast.h"
#include "cityops/engine/history/hourly.h"
#include "cityops/engine/history/noise_stats.h"
#include "cityops/engine/history/reconciliation.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "history/json_out.h"

namespace cityops::engine::history {

namespace {

constexpr std::array<std::string_view, 7> kJobNames = {"hourly", "daily", "noise", "quality",
                                                       "forecast", "reconcile", "all"};

//! Weeks of history the forecast trains and tests on (the last one is the holdout).
constexpr std::int64_t kForecastSpanMs = 8 * kWeekMs;

}  // namespace

std::optional<BatchJob> parseBatchJob(std::string_view name) {
    for (std::size_t i = 0; i < kJobNames.size(); ++i) {
        if (kJobNames[i] == name) {
            return static_cast<BatchJob>(i);
        }
    }
    return std::nullopt;
}

std::string_view toString(BatchJob job) { return kJobNames[static_cast<std::size_t>(job)]; }

BatchRunOutput runBatchJobs(BatchJob job, const BatchRunOptions& options) {
    BatchRunOutput out;
    auto fail = [&](std::string message) {
        out.exitCode = 3;
        out.error += message + "\n";
    };
    const auto clock = [&]() -> std::int64_t {
        if (options.clock) {
            return options.clock();
        }
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    const std::filesystem::path dbPath = options.dataDir / "cityops.db";
    std::error_code ec;
    if (!std::filesystem::exists(dbPath, ec)) {
        fail("no store at " + dbPath.string() + " (run `cityops --headless --data-dir DIR` first)");
        return out;
    }
    const bool writes = job == BatchJob::Hourly || job == BatchJob::Reconcile || job == BatchJob::All;
    std::unique_ptr<storage::Storage> store;
    if (writes) {
        storage::StorageOptions so;
        so.path = dbPath;
        auto opened = storage::Storage::open(so);
        if (!opened) {
            fail("cannot open " + dbPath.string() + ": " + opened.error().message);
            return out;
        }
        store = std::move(*opened);
    }
    auto openedReader = storage::StorageReader::open(dbPath);
    if (!openedReader) {
        fail("cannot open " + dbPath.string() + ": " + openedReader.error().message);
        return out;
    }
    storage::StorageReader& reader = **openedReader;

    YearMonth month;
    if (options.month) {
        month = *options.month;
    } else {
        auto span = reader.readingTimeSpan();
        if (!span) {
            fail(span.error().message);
            return out;
        }
        if (!*span) {
            fail("no readings stored in " + dbPath.string() + "; nothing to run on");
            return out;
        }
        month = yearMonthOf((*span)->second);
    }
    const std::int64_t from = monthStartMs(month);
    const std::int64_t to = monthEndMs(month);

    detail::JsonOut json;
    json.beginObject().field("month", toString(month)).field("data_dir", options.dataDir.string());
    out.text = "cityops batch " + std::string(toString(job)) + " over " + toString(month) + " in " +
               options.dataDir.string() + "\n";
    auto section = [&](std::string_view name, const std::string& text, const std::string& jsonText) {
        out.text += "\n" + text;
        json.key(name).raw(jsonText);
    };
    auto sectionError = [&](std::string_view name, const std::string& message) {
        fail(std::string(name) + ": " + message);
        out.text += "\n" + std::string(name) + ": FAILED: " + message + "\n";
        json.key(name).beginObject().field("error", message).endObject();
    };
    const bool all = job == BatchJob::All;

    // The month's readings, loaded once for the jobs that read them.
    std::optional<std::vector<Reading>> monthReadings;
    auto readings = [&]() -> const std::vector<Reading>* {
        if (!monthReadings) {
            auto loaded = reader.readingsInRange(std::nullopt, from, to);
            if (!loaded) {
                return nullptr;
            }
            monthReadings = std::move(*loaded);
        }
        return &*monthReadings;
    };

    if (all || job == BatchJob::Hourly) {
        if (auto r = runHourlyAggregation(*store, reader, from, to, clock())) {
            section("hourly", toText(*r), toJson(*r));
        } else {
            sectionError("hourly", r.error().message);
        }
    }
    if (all || job == BatchJob::Daily) {
        if (const auto* rs = readings()) {
            const auto report = dailyReports(aggregateWindows(*rs));
            section("daily", toText(report), toJson(report));
        } else {
            sectionError("daily", "cannot read readings");
        }
    }
    if (all || job == BatchJob::Noise) {
        if (const auto* rs = readings()) {
            const auto report = monthlyNoiseStatistics(*rs, month);
            section("noise", toText(report), toJson(report));
        } else {
            sectionError("noise", "cannot read readings");
        }
    }
    if (all || job == BatchJob::Quality) {
        if (const auto* rs = readings()) {
            const auto report = checkDataQuality(*rs);
            section("quality", toText(report), toJson(report));
        } else {
            sectionError("quality", "cannot read readings");
        }
    }
    if (all || job == BatchJob::Forecast) {
        // Energy (city total kWh per hour) if there is enough of it, else traffic speed (city mean).
        std::string errors;
        bool done = false;
        for (const auto& [metric, stat] : {std::pair{Metric::EnergyKwh, SeriesStat::Total},
                                           std::pair{Metric::TrafficSpeed, SeriesStat::Mean}}) {
            auto rs = reader.readingsInRange(metric, to - kForecastSpanMs, to);
            if (!rs) {
                errors += rs.error().message + "; ";
                continue;
            }
            const auto series = citySeries(aggregateWindows(*rs), metric, stat);
            auto report = trainAndEvaluate(series, metric, stat);
            if (report) {
                section("forecast", toText(*report), toJson(*report));
                done = true;
                break;
            }
            errors += report.error().message + "; ";
        }
        if (!done) {
            sectionError("forecast", errors);
        }
    }
    if (all || job == BatchJob::Reconcile) {
        ReconcileOptions ro;
        ro.fromMs = from;
        ro.toMs = to;
        ro.windowSizeMs = options.reconcileWindowMs;
        ro.correct = options.correct;
        ro.nowMs = clock();
        if (auto r = reconcile(options.dataDir / "archive", *store, reader, ro)) {
            section("reconcile", toText(*r), toJson(*r));
        } else {
            sectionError("reconcile", r.error().message);
        }
    }
    json.endObject();
    out.json = std::move(json).str();
    return out;
}

}  // namespace cityops::engine::history
