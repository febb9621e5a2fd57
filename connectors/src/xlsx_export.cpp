#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>
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

constexpr std::size_t kMaxDataRows = 1048575;  // Excel's row limit minus the header
constexpr std::size_t kMaxCellChars = 32767;
constexpr double kExcelEpochOffset = 25569.0;  // Excel serial day of 1970-01-01
constexpr double kMsPerDay = 86400000.0;
constexpr double kMaxColumnWidth = 48.0;

//! Formats shared by every sheet of one workbook (owned by the workbook).
struct Formats {
    lxw_format* header = nullptr;
    lxw_format* date = nullptr;
    lxw_format* timestamp = nullptr;
    lxw_format* wrap = nullptr;
};

//! One result table of the report and the sheet it goes to.
struct SheetSpec {
    const char* name;
    const Table* table;
};

//! Collects the first libxlsxwriter error of a sequence of calls.
class ErrorSink {
public:
    void check(lxw_error error) {
        if (error != LXW_NO_ERROR && m_first == LXW_NO_ERROR) m_first = error;
    }
    lxw_error first() const { return m_first; }

private:
    lxw_error m_first = LXW_NO_ERROR;
};

std::string clipped(std::string text) {
    if (text.size() > kMaxCellChars) text.resize(kMaxCellChars);
    return text;
}

void writeCell(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t col, const Column& column, std::size_t index,
               const Formats& formats, ErrorSink& errors) {
    if (column.isNull(index)) return;
    switch (column.type()) {
        case DataType::Int64:
            errors.check(worksheet_write_number(sheet, row, col, static_cast<double>(column.intAt(index)), nullptr));
            return;
        case DataType::Double:
            if (std::isfinite(column.doubleAt(index)))
                errors.check(worksheet_write_number(sheet, row, col, column.doubleAt(index), nullptr));
            return;
        case DataType::Bool:
            errors.check(worksheet_write_boolean(sheet, row, col, column.boolAt(index) ? 1 : 0, nullptr));
            return;
        case DataType::Date:
            errors.check(worksheet_write_number(
                sheet, row, col, static_cast<double>(column.intAt(index)) + kExcelEpochOffset, formats.date));
            return;
        case DataType::Timestamp:
            errors.check(worksheet_write_number(
                sheet, row, col, static_cast<double>(column.intAt(index)) / kMsPerDay + kExcelEpochOffset,
                formats.timestamp));
            return;
        case DataType::String:
            errors.check(
                worksheet_write_string(sheet, row, col, clipped(std::string(column.stringAt(index))).c_str(), nullptr));
            return;
    }
}

double columnWidth(const Table& table, std::size_t col, std::size_t rows) {
    std::size_t width = table.name(col).size();
    const Column& column = table.column(col);
    if (column.type() == DataType::Date) width = std::max<std::size_t>(width, 10);
    if (column.type() == DataType::Timestamp) width = std::max<std::size_t>(width, 19);
    for (std::size_t r = 0; r < std::min<std::size_t>(rows, 200); ++r)
        if (!column.isNull(r) && column.type() != DataType::Date && column.type() != DataType::Timestamp)
            width = std::max(width, column.toText(r).size());
    return std::min(kMaxColumnWidth, static_cast<double>(width) + 2.0);
}

//! Writes a table with a bold frozen header and an autofilter; returns the data rows written.
std::size_t writeTableSheet(lxw_worksheet* sheet, const Table& table, const Formats& formats, ErrorSink& errors) {
    if (table.columnCount() == 0) {
        errors.check(worksheet_write_string(sheet, 0, 0, "(no data)", nullptr));
        return 0;
    }
    const std::size_t rows = std::min(table.rowCount(), kMaxDataRows);
    const auto lastCol = static_cast<lxw_col_t>(table.columnCount() - 1);
    for (std::size_t c = 0; c < table.columnCount(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        errors.check(worksheet_write_string(sheet, 0, col, clipped(table.name(c)).c_str(), formats.header));
        errors.check(worksheet_set_column(sheet, col, col, columnWidth(table, c, rows), nullptr));
    }
    for (std::size_t c = 0; c < table.columnCount(); ++c) {
        const Column& column = table.column(c);
        for (std::size_t r = 0; r < rows; ++r)
            writeCell(sheet, static_cast<lxw_row_t>(r + 1), static_cast<lxw_col_t>(c), column, r, formats, errors);
    }
    worksheet_freeze_panes(sheet, 1, 0);
    errors.check(worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows), lastCol));
    return rows;
}

//! A one-series chart of column 1 against the labels of column 0, placed right of the table.
void addChart(lxw_workbook* workbook, lxw_worksheet* sheet, const SheetSpec& spec, std::size_t rows, std::uint8_t type,
              const char* title, const char* valueAxis, ErrorSink& errors) {
    if (rows == 0 || spec.table->columnCount() < 2) return;
    lxw_chart* chart = workbook_add_chart(workbook, type);
    if (chart == nullptr) {
        errors.check(LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
    const auto last = static_cast<lxw_row_t>(rows);
    chart_series_set_categories(series, spec.name, 1, 0, last, 0);
    chart_series_set_values(series, spec.name, 1, 1, last, 1);
    chart_series_set_name(series, spec.table->name(1).c_str());
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    chart_axis_set_name(type == LXW_CHART_BAR ? chart->x_axis : chart->y_axis, valueAxis);
    errors.check(worksheet_insert_chart(sheet, 1, static_cast<lxw_col_t>(spec.table->columnCount() + 1), chart));
}

void writeSummarySheet(lxw_worksheet* sheet, const RetailReport& report, const Formats& formats, ErrorSink& errors) {
    const char* headers[] = {"step", "title", "summary"};
    for (lxw_col_t c = 0; c < 3; ++c) errors.check(worksheet_write_string(sheet, 0, c, headers[c], formats.header));
    errors.check(worksheet_set_column(sheet, 0, 0, 8, nullptr));
    errors.check(worksheet_set_column(sheet, 1, 1, 44, nullptr));
    errors.check(worksheet_set_column(sheet, 2, 2, 90, formats.wrap));
    lxw_row_t row = 1;
    for (const auto& step : report.steps) {
        errors.check(worksheet_write_string(sheet, row, 0, clipped(step.id).c_str(), nullptr));
        errors.check(worksheet_write_string(sheet, row, 1, clipped(step.title).c_str(), nullptr));
        errors.check(worksheet_write_string(sheet, row, 2, clipped(step.summary).c_str(), nullptr));
        ++row;
    }
    worksheet_freeze_panes(sheet, 1, 0);
    errors.check(worksheet_autofilter(sheet, 0, 0, row - 1, 2));

    const std::vector<std::pair<const char*, std::size_t>> counts = {
        {"rows loaded", report.rowsLoaded},
        {"rows rejected", report.rowsRejected},
        {"ambiguous catalogue keys", report.ambiguousCatalogueKeys},
        {"items recovered", report.itemsRecovered},
        {"totals recomputed", report.totalsRecomputed},
        {"quantities filled", report.quantitiesFilled},
        {"prices filled", report.pricesFilled},
        {"items recovered after fill", report.itemsRecoveredAfterFill},
        {"totals recomputed after fill", report.totalsRecomputedAfterFill},
        {"values filled after fill", report.valuesFilledAfterFill},
        {"recovery rounds", static_cast<std::size_t>(std::max(report.recoveryRounds, 0))},
        {"rows before drop", report.rowsBeforeDrop},
        {"rows dropped", report.rowsDropped},
        {"final rows", report.finalRows},
        {"peak table bytes", report.peakTableBytes},
    };
    row += 1;
    errors.check(worksheet_write_string(sheet, row, 0, "count", formats.header));
    errors.check(worksheet_write_string(sheet, row, 1, "value", formats.header));
    for (const auto& [name, value] : counts) {
        ++row;
        errors.check(worksheet_write_string(sheet, row, 0, name, nullptr));
        errors.check(worksheet_write_number(sheet, row, 1, static_cast<double>(value), nullptr));
    }
    for (const auto& [column, nulls] : report.castNewNulls) {
        ++row;
        errors.check(worksheet_write_string(sheet, row, 0, clipped("nulls made by cast: " + column).c_str(), nullptr));
        errors.check(worksheet_write_number(sheet, row, 1, static_cast<double>(nulls), nullptr));
    }
    for (const auto& [column, nulls] : report.missingAfterTyping) {
        ++row;
        errors.check(
            worksheet_write_string(sheet, row, 0, clipped("missing after typing: " + column).c_str(), nullptr));
        errors.check(worksheet_write_number(sheet, row, 1, static_cast<double>(nulls), nullptr));
    }
}

}  // namespace

std::string writeRetailXlsx(const RetailReport& report, const std::string& path) {
    detail::AtomicFile file(path);
    if (std::string error = file.open(); !error.empty()) return error;
    if (std::string error = file.closeStream(); !error.empty()) return error;

    lxw_workbook* workbook = workbook_new(file.tempPath().c_str());
    if (workbook == nullptr) return "cannot write '" + path + "': libxlsxwriter could not create the workbook";
    Formats formats;
    formats.header = workbook_add_format(workbook);
    format_set_bold(formats.header);
    format_set_bg_color(formats.header, 0xDDE6F0);
    format_set_bottom(formats.header, LXW_BORDER_THIN);
    formats.date = workbook_add_format(workbook);
    format_set_num_format(formats.date, "yyyy-mm-dd");
    formats.timestamp = workbook_add_format(workbook);
    format_set_num_format(formats.timestamp, "yyyy-mm-dd hh:mm:ss");
    formats.wrap = workbook_add_format(workbook);
    format_set_text_wrap(formats.wrap);

    ErrorSink errors;
    writeSummarySheet(workbook_add_worksheet(workbook, "Summary"), report, formats, errors);

    const SheetSpec top{"Top 5 categories", &report.topCategories};
    const SheetSpec payment{"Avg by payment", &report.avgByPayment};
    const SheetSpec location{"Avg by location", &report.avgByLocation};
    const SheetSpec specs[] = {
        {"Cleaned data", &report.cleaned},
        {"Catalogue", &report.catalogue},
        {"Recovered items", &report.recoveredItemsSample},
        {"Filled values", &report.filledSample},
        {"Recovered after fill", &report.lateRecoveredSample},
        top,
        payment,
        location,
        {"Rejects", &report.rejects},
    };
    for (const SheetSpec& spec : specs) {
        lxw_worksheet* sheet = workbook_add_worksheet(workbook, spec.name);
        if (sheet == nullptr) {
            errors.check(LXW_ERROR_MEMORY_MALLOC_FAILED);
            continue;
        }
        const std::size_t rows = writeTableSheet(sheet, *spec.table, formats, errors);
        if (spec.table == top.table)
            addChart(workbook, sheet, spec, rows, LXW_CHART_COLUMN, "3.1 Top 5 categories by units sold", "units sold",
                     errors);
        else if (spec.table == payment.table)
            addChart(workbook, sheet, spec, rows, LXW_CHART_BAR, "3.2 Average total spent by payment method",
                     "average total spent", errors);
        else if (spec.table == location.table)
            addChart(workbook, sheet, spec, rows, LXW_CHART_BAR, "3.2 Average total spent by location",
                     "average total spent", errors);
    }

    errno = 0;
    const lxw_error closed = workbook_close(workbook);
    if (errors.first() != LXW_NO_ERROR) return "cannot write '" + path + "': " + lxw_strerror(errors.first());
    if (closed != LXW_NO_ERROR) {
        const int err = errno;
        std::string message = "cannot write '" + path + "': " + lxw_strerror(closed);
        if (err != 0) message += std::string(" (") + std::strerror(err) + ")";
        return message;
    }
    return file.commit();
}

}  // namespace cityops::connectors
