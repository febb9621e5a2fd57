#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cityops/connectors/report_export.h"
#include "export_file.h"

namespace cityops::connectors {

using engine::batch::Column;
using engine::batch::DataType;
using engine::batch::RetailReport;
using engine::batch::Table;

namespace {

constexpr std::size_t kPreviewRows = 100;
constexpr std::size_t kMaxRejectRows = 500;
constexpr int kChartWidth = 640;
constexpr int kLabelWidth = 170;
constexpr int kValueWidth = 80;
constexpr int kBarHeight = 24;
constexpr int kBarGap = 8;

constexpr std::string_view kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;
color:#1d2733;padding:0 1em}
h1{font-size:1.6em;border-bottom:2px solid #2b6cb0;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:1.8em;color:#2b6cb0}
h3{font-size:1.05em;margin-top:1.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em}
th,td{border:1px solid #cbd5e0;padding:.25em .6em;text-align:left}
th{background:#edf2f7}
td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f7fafc;border:1px solid #e2e8f0;padding:.6em;overflow-x:auto;font-size:.8em}
p.note{color:#4a5568;font-style:italic}
svg{display:block;margin:.6em 0}
)";

std::string escaped(std::string_view text) {
    std::string out;
    detail::appendHtmlEscaped(out, text);
    return out;
}

bool isNumeric(DataType type) {
    return type == DataType::Int64 || type == DataType::Double;
}

std::string formatValue(double value) {
    char buffer[64];
    if (std::floor(value) == value && std::fabs(value) < 1e15)
        std::snprintf(buffer, sizeof buffer, "%.0f", value);
    else
        std::snprintf(buffer, sizeof buffer, "%.2f", value);
    return buffer;
}

//! An HTML table of the first maxRows rows, with a note when rows were left out.
void appendTable(std::string& out, const Table& table, std::size_t maxRows) {
    if (table.columnCount() == 0) {
        out += "<p class=\"note\">No data.</p>\n";
        return;
    }
    const std::size_t rows = std::min(table.rowCount(), maxRows);
    out += "<table>\n<thead><tr>";
    for (const auto& name : table.names()) out += "<th>" + escaped(name) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (std::size_t r = 0; r < rows; ++r) {
        out += "<tr>";
        for (std::size_t c = 0; c < table.columnCount(); ++c) {
            const Column& column = table.column(c);
            out += isNumeric(column.type()) ? "<td class=\"num\">" : "<td>";
            detail::appendHtmlEscaped(out, detail::cellText(column, r));
            out += "</td>";
        }
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    if (rows < table.rowCount())
        out += "<p class=\"note\">First " + std::to_string(rows) + " of " + std::to_string(table.rowCount()) +
               " rows; the full table is in the CSV and XLSX exports.</p>\n";
}

//! A horizontal SVG bar chart of column 1 (numeric) against the labels of column 0.
void appendBarChart(std::string& out, const Table& table, std::string_view title) {
    if (table.columnCount() < 2 || table.rowCount() == 0) return;
    std::vector<std::pair<std::string, double>> bars;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        const auto value = table.column(1).valueAt(r);
        if (value.null || !std::isfinite(value.asDouble())) continue;
        bars.emplace_back(detail::cellText(table.column(0), r), value.asDouble());
    }
    if (bars.empty()) return;
    double maxValue = 0.0;
    for (const auto& bar : bars) maxValue = std::max(maxValue, bar.second);
    const int plotWidth = kChartWidth - kLabelWidth - kValueWidth;
    const int height = 34 + static_cast<int>(bars.size()) * (kBarHeight + kBarGap);
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kChartWidth) + "\" height=\"" +
           std::to_string(height) + "\" role=\"img\" aria-label=\"" + escaped(title) + "\">\n";
    out +=
        "<text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"bold\" fill=\"#1d2733\">" + escaped(title) + "</text>\n";
    int y = 30;
    for (const auto& [label, value] : bars) {
        const double ratio = maxValue > 0.0 ? std::max(0.0, value) / maxValue : 0.0;
        const int width = static_cast<int>(std::lround(ratio * plotWidth));
        const std::string textY = std::to_string(y + kBarHeight / 2 + 4);
        out += "<text x=\"" + std::to_string(kLabelWidth - 8) + "\" y=\"" + textY +
               "\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2733\">" + escaped(label) + "</text>\n";
        out += "<rect x=\"" + std::to_string(kLabelWidth) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
               std::to_string(width) + "\" height=\"" + std::to_string(kBarHeight) + "\" fill=\"#2b6cb0\"/>\n";
        out += "<text x=\"" + std::to_string(kLabelWidth + width + 6) + "\" y=\"" + textY +
               "\" font-size=\"12\" fill=\"#1d2733\">" + formatValue(value) + "</text>\n";
        y += kBarHeight + kBarGap;
    }
    out += "</svg>\n";
}

void appendCounts(std::string& out, const RetailReport& report) {
    const std::pair<const char*, std::size_t> counts[] = {
        {"rows loaded", report.rowsLoaded},
        {"rows rejected", report.rowsRejected},
        {"items recovered", report.itemsRecovered + report.itemsRecoveredAfterFill},
        {"totals recomputed", report.totalsRecomputed + report.totalsRecomputedAfterFill},
        {"quantities filled", report.quantitiesFilled},
        {"prices filled", report.pricesFilled},
        {"rows dropped", report.rowsDropped},
        {"final rows", report.finalRows},
    };
    out += "<table>\n<thead><tr><th>count</th><th>value</th></tr></thead>\n<tbody>\n";
    for (const auto& [name, value] : counts)
        out += std::string("<tr><td>") + name + "</td><td class=\"num\">" + std::to_string(value) + "</td></tr>\n";
    out += "</tbody>\n</table>\n";
}

void appendSection(std::string& out, std::string_view title, const Table& table, std::size_t maxRows) {
    out += "<h3>" + escaped(title) + "</h3>\n";
    appendTable(out, table, maxRows);
}

std::string renderReport(const RetailReport& report) {
    std::string out;
    out.reserve(std::size_t{1} << 18);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<title>CityOps retail sales report</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<h1>CityOps retail sales report</h1>\n";
    appendCounts(out, report);

    out += "<h2>Steps</h2>\n";
    for (const auto& step : report.steps) {
        out += "<h3>" + escaped(step.id) + " " + escaped(step.title) + "</h3>\n";
        if (!step.summary.empty()) out += "<p>" + escaped(step.summary) + "</p>\n";
        if (!step.text.empty()) out += "<pre>" + escaped(step.text) + "</pre>\n";
    }

    out += "<h2>3.1 Top 5 categories by units sold</h2>\n";
    appendBarChart(out, report.topCategories, "Units sold by category (top 5)");
    appendTable(out, report.topCategories, report.topCategories.rowCount());
    out += "<h2>3.2 Average total spent</h2>\n";
    appendBarChart(out, report.avgByPayment, "Average total spent by payment method");
    appendTable(out, report.avgByPayment, report.avgByPayment.rowCount());
    appendBarChart(out, report.avgByLocation, "Average total spent by location");
    appendTable(out, report.avgByLocation, report.avgByLocation.rowCount());

    out += "<h2>Tables</h2>\n";
    appendSection(out, "Cleaned data", report.cleaned, kPreviewRows);
    appendSection(out, "Item catalogue", report.catalogue, report.catalogue.rowCount());
    appendSection(out, "Recovered items (sample)", report.recoveredItemsSample, kPreviewRows);
    appendSection(out, "Filled values (sample)", report.filledSample, kPreviewRows);
    appendSection(out, "Items recovered after filling (sample)", report.lateRecoveredSample, kPreviewRows);
    appendSection(out, "Rejected input", report.rejects, kMaxRejectRows);
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace

std::string writeRetailHtml(const RetailReport& report, const std::string& path) {
    detail::AtomicFile file(path);
    if (std::string error = file.open(); !error.empty()) return error;
    file.write(renderReport(report));
    return file.commit();
}

}  // namespace cityops::connectors
