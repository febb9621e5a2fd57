#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/stream_metrics.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! What the receipts stream (engine::stream::buildReceiptJobs: top 5 stores per 10 s, receipts
//! over 500 UAH, popular items per category per 10 s) produced for a scenario's stores.
struct ReceiptsRunSummary {
    std::uint64_t stores = 0;
    std::uint64_t receipts = 0;            //!< receipts generated and pushed
    std::uint64_t items = 0;               //!< receipt lines pushed (popular items job)
    std::uint64_t topStoreWindows = 0;     //!< 10-second windows with a top-5 result
    std::uint64_t bigReceipts = 0;         //!< receipts over the threshold
    std::uint64_t popularItemWindows = 0;  //!< (window, category) results
    std::string topStore;                  //!< name of the store most often first in the top 5
    std::uint64_t topStoreFirsts = 0;      //!< windows in which it was first
    double maxWindowRevenueUah = 0.0;      //!< the largest first-place revenue of one window
    double maxReceiptUah = 0.0;            //!< the largest receipt over the threshold
    std::string topCategory;               //!< category with the most units over the run
    std::uint64_t topCategoryUnits = 0;
    std::uint64_t lateEvents = 0;  //!< both jobs
    std::uint64_t dropped = 0;     //!< results dropped by the result queues (0 unless the reader lags)
};

//! Generates the receipts of `city`'s stores (generateStores, 3 per district) for durationMs of the
//! scenario and runs the receipts stream over them as fast as possible, draining its results as it
//! goes. cancel stops early (results so far).
ReceiptsRunSummary runReceiptJobs(const City& city, const Scenario& scenario, std::int64_t durationMs, int workers,
                                  const std::atomic<bool>* cancel = nullptr);

struct Receipt;

//! The receipts stream's value of a generated receipt (total, units and lines summed; no items).
engine::stream::ReceiptEvent toReceiptEvent(const Receipt& receipt);

//! True when the scenario has retail_rush incidents (the headless run then also runs the receipts).
bool hasRetailIncidents(const Scenario& scenario);

//! "key: value" lines (receipts, big_receipts, top_stores_windows, ...) for the headless summary.
std::string formatReceiptsSummary(const ReceiptsRunSummary& summary);

}  // namespace cityops::simulation
