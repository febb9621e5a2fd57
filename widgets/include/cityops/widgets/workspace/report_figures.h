#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "cityops/engine/batch/retail_workflow.h"
#include "cityops/engine/batch/table.h"

namespace cityops::widgets::workspace {

//! One workflow step as the workspace and the PDF report show it: the engine's RetailStep plus row
//! counts before and after it, the rows (or values) it fixed and the table it demonstrates with.
struct StepFigures {
    const engine::batch::RetailStep* step = nullptr;
    std::size_t rowsBefore = 0;
    std::size_t rowsAfter = 0;
    std::size_t rowsFixed = 0;                        //!< rows repaired, dropped or values made null
    const engine::batch::Table* sample = nullptr;     //!< demonstration rows; null when the text says it all
    std::size_t sampleRows = 0;                       //!< rows of sample to show
};

//! The figures of every step of report, in the report's step order. Points into report: keep it alive.
std::vector<StepFigures> stepFigures(const engine::batch::RetailReport& report);

//! A labelled series for a bar chart (label, value), in display order.
using BarSeries = std::vector<std::pair<std::string, double>>;

//! Bars of a two-column table: labels from labelColumn, values from valueColumn (nulls skipped).
BarSeries barsFromTable(const engine::batch::Table& table, const std::string& labelColumn,
                        const std::string& valueColumn);
//! Rows per value 1..maxValue of an integer column (e.g. day_of_week 1-7, transaction_month 1-12),
//! labelled with labels[value - 1].
BarSeries countsByValue(const engine::batch::Table& table, const std::string& column,
                        const std::vector<std::string>& labels);

}  // namespace cityops::widgets::workspace
