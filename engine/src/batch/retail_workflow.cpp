#include "cityops/engine/batch/retail_workflow.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>

#include "cityops/engine/batch/operations.h"

namespace cityops::engine::batch {

namespace {

constexpr std::size_t kSampleRows = 20;
constexpr int kMaxRounds = 10;
const std::vector<std::string> kRequired{"category", "quantity", "total_spent", "price_per_unit"};

std::size_t countTrue(const Table& table, const Expr& predicate) {
    const std::vector<std::uint8_t> mask = evaluateMask(table, predicate);
    return static_cast<std::size_t>(std::count(mask.begin(), mask.end(), std::uint8_t{1}));
}

//! Columns of `table` other than helper columns (leading underscore).
Table withoutHelpers(const Table& table) {
    std::vector<std::string> keep;
    for (const std::string& name : table.names()) {
        if (name.empty() || name.front() != '_') keep.push_back(name);
    }
    return select(table, keep);
}

//! Steps reported to the progress callback: 1.1, 1.2, 1.3, 2.1, 2.2, 2.3, the repeat, 2.4, 3.1, 3.2, 4.1.
constexpr int kStepCount = 11;

class Workflow {
public:
    Workflow(RetailReport& report, const std::function<bool(double)>* progress)
        : m_report(report), m_progress(progress) {}

    //! Reports the fraction of the workflow done; false once the callback asked to stop (it is not called
    //! again after that).
    bool report(double fraction) {
        if (m_cancelled) return false;
        if (m_progress != nullptr && *m_progress && !(*m_progress)(std::clamp(fraction, 0.0, 1.0))) m_cancelled = true;
        return !m_cancelled;
    }
    //! Within step `index` (0-based), fraction `part` of it done.
    bool reportWithin(int index, double part) {
        return report((static_cast<double>(index) + std::clamp(part, 0.0, 1.0)) / kStepCount);
    }

    void track(const Table& table) { m_report.peakTableBytes = std::max(m_report.peakTableBytes, table.memoryBytes()); }
    //! Records a finished step and reports progress; false when the caller cancelled.
    bool step(std::string id, std::string title, std::string summary, std::string text) {
        const auto now = std::chrono::steady_clock::now();
        const double seconds = std::chrono::duration<double>(now - m_stepStart).count();
        m_report.steps.push_back(
            RetailStep{std::move(id), std::move(title), std::move(summary), std::move(text), seconds});
        m_stepStart = std::chrono::steady_clock::now();
        return report(static_cast<double>(m_report.steps.size()) / kStepCount);
    }

    //! Catalogue of (category, price) -> item, keeping only pairs that name exactly one item.
    Table buildCatalogue(const Table& typed) {
        const Table known = filter(typed, isNotNull(col("item")) && isNotNull(col("price_per_unit")));
        m_report.catalogue = orderBy(distinct(select(known, {"category", "item", "price_per_unit"})),
                                     {{"category", true}, {"item", true}});
        const Table perKey =
            groupBy(m_report.catalogue, {"category", "price_per_unit"}, {{AggKind::CountDistinct, "item", "items"}});
        const Table unique = filter(perKey, col("items") == litInt(1));
        m_report.ambiguousCatalogueKeys = perKey.rowCount() - unique.rowCount();
        Table lookup = join(m_report.catalogue, unique, {"category", "price_per_unit"}, {"category", "price_per_unit"},
                            JoinType::Semi);
        return rename(lookup, {{"item", "_catalogue_item"}});
    }

    //! 2.1: fills missing items from the catalogue; returns the rows recovered and a sample of them.
    std::pair<Table, std::size_t> recoverItems(const Table& table, const Table& lookup, Table* sample) {
        const Table joined =
            join(table, lookup, {"category", "price_per_unit"}, {"category", "price_per_unit"}, JoinType::Left);
        const Expr recovered = isNull(col("item")) && isNotNull(col("_catalogue_item"));
        const std::size_t count = countTrue(joined, recovered);
        Table fixed = withColumn(joined, "item", coalesce({col("item"), col("_catalogue_item")}));
        if (sample != nullptr) {
            const Table rows = withColumn(filter(joined, recovered), "item", col("_catalogue_item"));
            *sample =
                limit(select(rows, {"transaction_id", "category", "price_per_unit", "item", "quantity", "total_spent"}),
                      kSampleRows);
        }
        track(fixed);
        return {withoutHelpers(fixed), count};
    }

    //! 2.2: total_spent = quantity * price_per_unit where missing.
    std::pair<Table, std::size_t> recomputeTotals(const Table& table) {
        const Expr fixable =
            isNull(col("total_spent")) && isNotNull(col("quantity")) && isNotNull(col("price_per_unit"));
        const std::size_t count = countTrue(table, fixable);
        Table out =
            withColumn(table, "total_spent", coalesce({col("total_spent"), col("quantity") * col("price_per_unit")}));
        return {out, count};
    }

    //! 2.3: quantity = round(total / price) and price = round(total / quantity, 2) where missing.
    struct Filled {
        Table table;
        std::size_t quantities = 0;
        std::size_t prices = 0;
    };
    Filled fillFromTotals(const Table& table) {
        Filled out;
        const Expr quantityFixable = isNull(col("quantity")) && isNotNull(col("total_spent")) &&
                                     isNotNull(col("price_per_unit")) && col("price_per_unit") != litDouble(0);
        out.quantities = countTrue(table, quantityFixable);
        out.table = withColumn(
            table, "quantity",
            coalesce({col("quantity"), cast(round(col("total_spent") / col("price_per_unit"), 0), DataType::Int64)}));
        const Expr priceFixable = isNull(col("price_per_unit")) && isNotNull(col("total_spent")) &&
                                  isNotNull(col("quantity")) && col("quantity") != litInt(0);
        out.prices = countTrue(out.table, priceFixable);
        out.table = withColumn(out.table, "price_per_unit",
                               coalesce({col("price_per_unit"), round(col("total_spent") / col("quantity"), 2)}));
        return out;
    }

private:
    RetailReport& m_report;
    const std::function<bool(double)>* m_progress;
    bool m_cancelled = false;
    std::chrono::steady_clock::time_point m_stepStart = std::chrono::steady_clock::now();
};

std::string countsText(const std::vector<std::pair<std::string, std::size_t>>& counts) {
    std::string text;
    for (const auto& [name, count] : counts) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(count);
    return text;
}

}  // namespace

namespace {

//! The workflow; empty when progress asked to stop.
std::optional<RetailReport> runWorkflow(const Table& raw, const std::function<bool(double)>* progress) {
    RetailReport report;
    Workflow flow(report, progress);
    if (!flow.report(0.0)) return std::nullopt;
    report.raw = raw;
    report.rowsLoaded = raw.rowCount();
    flow.track(raw);
    if (!flow.step("1.1", "Load",
              std::to_string(raw.rowCount()) + " rows loaded, " + std::to_string(report.rowsRejected) + " rejected",
              raw.showText(5) + "\n" + raw.schemaText())) return std::nullopt;

    const Table snake = normaliseNames(raw);
    if (!flow.step("1.2", "snake_case column names", "", snake.schemaText())) return std::nullopt;

    Table typed = snake;
    for (const auto& [name, type] :
         std::vector<std::pair<std::string, DataType>>{{"price_per_unit", DataType::Double},
                                                       {"total_spent", DataType::Double},
                                                       {"quantity", DataType::Int64},
                                                       {"transaction_date", DataType::Date},
                                                       {"discount_applied", DataType::Bool}}) {
        CastResult cast = castColumn(typed, name, type);
        report.castNewNulls.emplace_back(name, cast.newNulls);
        typed = std::move(cast.table);
    }
    for (std::size_t c = 0; c < typed.columnCount(); ++c) {
        if (typed.column(c).nullCount() > 0)
            report.missingAfterTyping.emplace_back(typed.name(c), typed.column(c).nullCount());
    }
    report.typed = typed;
    if (!flow.step("1.3", "Types",
              "invalid values made null: " + countsText(report.castNewNulls) +
                  "; missing: " + countsText(report.missingAfterTyping),
              typed.schemaText())) return std::nullopt;

    const Table lookup = flow.buildCatalogue(typed);
    auto [afterItems, items] = flow.recoverItems(typed, lookup, &report.recoveredItemsSample);
    report.itemsRecovered = items;
    if (!flow.step("2.1", "Item catalogue and item recovery",
              std::to_string(report.catalogue.rowCount()) + " catalogue entries, " + std::to_string(items) +
                  " items recovered by (category, price_per_unit)",
              report.recoveredItemsSample.showText(kSampleRows))) return std::nullopt;

    auto [afterTotals, totals] = flow.recomputeTotals(afterItems);
    report.totalsRecomputed = totals;
    if (!flow.step("2.2", "Recompute total_spent", std::to_string(totals) + " totals recomputed", "")) return std::nullopt;

    Table beforeFill = withColumn(afterTotals, "_needs_fill", isNull(col("quantity")) || isNull(col("price_per_unit")));
    auto filled = flow.fillFromTotals(beforeFill);
    report.quantitiesFilled = filled.quantities;
    report.pricesFilled = filled.prices;
    report.filledSample = limit(
        select(
            filter(filled.table, col("_needs_fill") && isNotNull(col("quantity")) && isNotNull(col("price_per_unit"))),
            {"transaction_id", "category", "item", "price_per_unit", "quantity", "total_spent"}),
        kSampleRows);
    if (!flow.step("2.3", "Fill quantity and price from total_spent",
              std::to_string(filled.quantities) + " quantities and " + std::to_string(filled.prices) + " prices filled",
              report.filledSample.showText(kSampleRows))) return std::nullopt;

    Table working = withoutHelpers(filled.table);
    report.recoveryRounds = 1;
    for (int round = 1; round < kMaxRounds; ++round) {
        if (!flow.reportWithin(6, static_cast<double>(round) / kMaxRounds)) return std::nullopt;
        ++report.recoveryRounds;
        Table sample;
        auto [recovered, lateItems] = flow.recoverItems(working, lookup, &sample);
        if (report.lateRecoveredSample.rowCount() == 0) report.lateRecoveredSample = sample;
        auto [totalled, lateTotals] = flow.recomputeTotals(recovered);
        auto refilled = flow.fillFromTotals(totalled);
        report.itemsRecoveredAfterFill += lateItems;
        report.totalsRecomputedAfterFill += lateTotals;
        report.valuesFilledAfterFill += refilled.quantities + refilled.prices;
        working = std::move(refilled.table);
        if (lateItems + lateTotals + refilled.quantities + refilled.prices == 0) break;
    }
    if (!flow.step("2.1-2.3 again", "Repeat recovery with values found in 2.3",
              std::to_string(report.itemsRecoveredAfterFill) + " more items recovered, " +
                  std::to_string(report.totalsRecomputedAfterFill) + " more totals, " +
                  std::to_string(report.valuesFilledAfterFill) + " more values filled in " +
                  std::to_string(report.recoveryRounds) + " passes",
              report.lateRecoveredSample.showText(kSampleRows))) return std::nullopt;

    report.rowsBeforeDrop = working.rowCount();
    report.cleaned = dropNa(working, kRequired);
    report.finalRows = report.cleaned.rowCount();
    report.rowsDropped = report.rowsBeforeDrop - report.finalRows;
    if (!flow.step("2.4", "Drop incomplete rows",
              std::to_string(report.rowsDropped) + " rows dropped, " + std::to_string(report.finalRows) + " remain",
              "")) return std::nullopt;

    const Table units = groupBy(report.cleaned, {"category"}, {{AggKind::Sum, "quantity", "units_sold"}});
    report.topCategories = limit(orderBy(units, {{"units_sold", false}, {"category", true}}), 5);
    std::string topSummary;
    for (std::size_t i = 0; i < report.topCategories.rowCount(); ++i) {
        topSummary += (i == 0 ? "" : ", ") + std::string(report.topCategories.column("category").stringAt(i)) + " " +
                      report.topCategories.column("units_sold").toText(i);
    }
    if (!flow.step("3.1", "Top 5 categories by units sold", topSummary, report.topCategories.showText(5))) return std::nullopt;

    for (const auto& [key, target] :
         {std::pair{"payment_method", &report.avgByPayment}, std::pair{"location", &report.avgByLocation}}) {
        const Table averages = groupBy(report.cleaned, {key}, {{AggKind::Avg, "total_spent", "avg_total_spent"}});
        *target = orderBy(withColumn(averages, "avg_total_spent", round(col("avg_total_spent"), 2)), {{key, true}});
    }
    if (!flow.step("3.2", "Average total_spent by payment method and by location", "",
              report.avgByPayment.showText() + "\n" + report.avgByLocation.showText())) return std::nullopt;

    report.withDateParts = withColumn(withColumn(report.cleaned, "day_of_week", dayOfWeek(col("transaction_date"))),
                                      "transaction_month", month(col("transaction_date")));
    flow.track(report.withDateParts);
    if (!flow.step("4.1", "day_of_week and transaction_month", "day_of_week: 1 = Monday ... 7 = Sunday",
              select(report.withDateParts, {"transaction_id", "transaction_date", "day_of_week", "transaction_month"})
                  .showText(5))) return std::nullopt;
    return report;
}

}  // namespace

RetailReport runRetailWorkflow(const Table& raw) {
    return *runWorkflow(raw, nullptr);
}

Result<RetailReport> runRetailWorkflow(const Table& raw, const std::function<bool(double)>& progress) {
    std::optional<RetailReport> report = runWorkflow(raw, &progress);
    if (!report) return Result<RetailReport>::failure(kRetailCancelled);
    return std::move(*report);
}

Result<RetailReport> runRetailWorkflow(const std::string& csvPath, const CsvOptions& options) {
    Result<CsvLoad> loaded = readCsvFile(csvPath, options);
    if (!loaded) return Result<RetailReport>::failure(loaded.error());
    RetailReport report = runRetailWorkflow(loaded.value().table);
    report.rejects = loaded.value().rejects;
    report.rowsRejected = loaded.value().rowsWithErrors;
    report.steps.front().summary = std::to_string(report.rowsLoaded) + " rows loaded, " +
                                   std::to_string(report.rowsRejected) + " rows with rejects";
    return report;
}

}  // namespace cityops::engine::batch
