#include "cityops/widgets/workspace/report_figures.h"

#include <algorithm>
#include <numeric>

namespace cityops::widgets::workspace {

namespace {

using engine::batch::RetailReport;
using engine::batch::Table;

std::size_t sum(const std::vector<std::pair<std::string, std::size_t>>& counts) {
    return std::accumulate(counts.begin(), counts.end(), std::size_t{0},
                           [](std::size_t total, const auto& entry) { return total + entry.second; });
}

}  // namespace

std::vector<StepFigures> stepFigures(const RetailReport& report) {
    std::vector<StepFigures> out;
    const std::size_t loaded = report.rowsLoaded;
    for (const engine::batch::RetailStep& step : report.steps) {
        StepFigures f;
        f.step = &step;
        f.rowsBefore = loaded;
        f.rowsAfter = loaded;
        const std::string& id = step.id;
        if (id == "1.1") {
            f.rowsBefore = 0;
            f.sample = &report.raw;
            f.sampleRows = 5;
        } else if (id == "1.3") {
            f.rowsFixed = sum(report.castNewNulls);
        } else if (id == "2.1") {
            f.rowsFixed = report.itemsRecovered;
            f.sample = &report.recoveredItemsSample;
        } else if (id == "2.2") {
            f.rowsFixed = report.totalsRecomputed;
        } else if (id == "2.3") {
            f.rowsFixed = report.quantitiesFilled + report.pricesFilled;
            f.sample = &report.filledSample;
        } else if (id.rfind("2.1-2.3", 0) == 0) {
            f.rowsFixed =
                report.itemsRecoveredAfterFill + report.totalsRecomputedAfterFill + report.valuesFilledAfterFill;
            f.sample = &report.lateRecoveredSample;
        } else if (id == "2.4") {
            f.rowsBefore = report.rowsBeforeDrop;
            f.rowsAfter = report.finalRows;
            f.rowsFixed = report.rowsDropped;
        } else if (id == "3.1") {
            f.rowsBefore = report.finalRows;
            f.rowsAfter = report.topCategories.rowCount();
            f.sample = &report.topCategories;
        } else if (id == "3.2") {
            f.rowsBefore = report.finalRows;
            f.rowsAfter = report.avgByPayment.rowCount() + report.avgByLocation.rowCount();
            f.sample = &report.avgByPayment;
        } else if (id == "4.1") {
            f.rowsBefore = report.finalRows;
            f.rowsAfter = report.withDateParts.rowCount();
            f.sample = &report.withDateParts;
            f.sampleRows = 5;
        }
        if (f.sample != nullptr && f.sampleRows == 0) f.sampleRows = f.sample->rowCount();
        if (f.sample != nullptr) f.sampleRows = std::min(f.sampleRows, f.sample->rowCount());
        out.push_back(f);
    }
    return out;
}

BarSeries barsFromTable(const Table& table, const std::string& labelColumn, const std::string& valueColumn) {
    BarSeries bars;
    const auto labelIndex = table.find(labelColumn);
    const auto valueIndex = table.find(valueColumn);
    if (!labelIndex || !valueIndex) return bars;
    const engine::batch::Column& labels = table.column(*labelIndex);
    const engine::batch::Column& values = table.column(*valueIndex);
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        if (values.isNull(r)) continue;
        bars.emplace_back(labels.toText(r), values.valueAt(r).asDouble());
    }
    return bars;
}

BarSeries countsByValue(const Table& table, const std::string& column, const std::vector<std::string>& labels) {
    BarSeries bars;
    for (const std::string& label : labels) bars.emplace_back(label, 0.0);
    const auto index = table.find(column);
    if (!index) return bars;
    const engine::batch::Column& values = table.column(*index);
    for (std::size_t r = 0; r < values.size(); ++r) {
        if (values.isNull(r)) continue;
        const std::int64_t v = values.intAt(r);
        if (v >= 1 && static_cast<std::size_t>(v) <= bars.size()) bars[static_cast<std::size_t>(v - 1)].second += 1.0;
    }
    return bars;
}

}  // namespace cityops::widgets::workspace
