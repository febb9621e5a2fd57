#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/table.h"

namespace cityops::engine::batch {

//! One visible step of the workflow: its number ("2.1"), title, a one-line summary with its counts and
//! the demonstration text (show() rows or a schema) the step displays.
struct RetailStep {
    std::string id;
    std::string title;
    std::string summary;
    std::string text;
    double seconds = 0.0;  //!< wall time of the step's work (since the previous step ended)
};

//! Every table and figure of the retail-sales cleaning workflow (data only; the UI renders it).
struct RetailReport {
    // 1.1 load
    Table raw;
    Table rejects;
    std::size_t rowsLoaded = 0;
    std::size_t rowsRejected = 0;
    // 1.2 snake_case names; 1.3 types
    Table typed;
    std::vector<std::pair<std::string, std::size_t>> castNewNulls;        //!< per cast column: values made null
    std::vector<std::pair<std::string, std::size_t>> missingAfterTyping;  //!< nulls per column after 1.3
    // 2.1 item catalogue and recovery
    Table catalogue;                         //!< distinct (category, item, price_per_unit)
    std::size_t ambiguousCatalogueKeys = 0;  //!< (category, price) pairs naming several items: not used
    std::size_t itemsRecovered = 0;          //!< 2.1, first pass
    Table recoveredItemsSample;              //!< up to 20 rows recovered in 2.1
    // 2.2
    std::size_t totalsRecomputed = 0;
    // 2.3
    std::size_t quantitiesFilled = 0;
    std::size_t pricesFilled = 0;
    Table filledSample;  //!< up to 20 rows completed in 2.3
    //! Fixes made after 2.3 by repeating 2.1-2.3 until nothing changes (rows whose price 2.3 found).
    std::size_t itemsRecoveredAfterFill = 0;
    std::size_t totalsRecomputedAfterFill = 0;
    std::size_t valuesFilledAfterFill = 0;
    Table lateRecoveredSample;  //!< up to 20 rows whose item was recovered after 2.3
    int recoveryRounds = 0;     //!< passes of 2.1-2.3, the last of which changed nothing
    // 2.4
    std::size_t rowsBeforeDrop = 0;
    std::size_t rowsDropped = 0;
    std::size_t finalRows = 0;
    Table cleaned;
    // 3.1 and 3.2
    Table topCategories;  //!< category, units_sold (top 5 by units, ties by name)
    Table avgByPayment;   //!< payment_method, avg_total_spent (2 decimals)
    Table avgByLocation;  //!< location, avg_total_spent (2 decimals)
    // 4.1
    Table withDateParts;             //!< cleaned plus day_of_week (1 = Monday) and transaction_month (1-12)
    std::size_t peakTableBytes = 0;  //!< largest table held during the run
    std::vector<RetailStep> steps;
};

//! Error message of a workflow stopped by its progress callback.
inline constexpr const char* kRetailCancelled = "workflow cancelled";

//! Runs the workflow on an already loaded raw table (original column names).
RetailReport runRetailWorkflow(const Table& raw);
//! The same with progress and cancellation: progress is called with the fraction done (0..1, rising)
//! at the start, within the repeated recovery and after every step; returning false stops the workflow
//! before its next step (the callback is not called again) and the result is kRetailCancelled.
Result<RetailReport> runRetailWorkflow(const Table& raw, const std::function<bool(double)>& progress);
//! Loads the CSV (permissive) and runs the workflow; fails when the file cannot be loaded.
Result<RetailReport> runRetailWorkflow(const std::string& csvPath, const CsvOptions& options = {});

}  // namespace cityops::engine::batch
