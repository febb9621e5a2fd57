#pragma once

#include <string>

#include "cityops/engine/batch/retail_workflow.h"
#include "cityops/engine/batch/table.h"

namespace cityops::connectors {

// Every writer returns an empty string on success, otherwise one message naming the target file and
// the reason ("directory ... does not exist", "Permission denied", "No space left on device", ...).
// Each writes a temporary sibling file and renames it into place, so a failure never leaves a partial
// file at the target path. None throws on bad input.

//! RFC 4180 CSV with a header row: fields quoted when they hold a comma, quote, CR or LF; nulls empty;
//! doubles in shortest round-trip form; dates YYYY-MM-DD; timestamps YYYY-MM-DD HH:MM:SS[.mmm].
std::string writeTableCsv(const engine::batch::Table& table, const std::string& path);

//! JSON Lines: one object per row keyed by column name; nulls and non-finite doubles as null, dates
//! and timestamps as strings.
std::string writeTableJsonLines(const engine::batch::Table& table, const std::string& path);

//! XLSX workbook: a Summary sheet (steps and counts), one sheet per result table with typed cells, a
//! bold frozen header with autofilter, and native charts (column chart for 3.1, bar charts for 3.2).
std::string writeRetailXlsx(const engine::batch::RetailReport& report, const std::string& path);

//! Self-contained HTML report (inline CSS and SVG charts, no scripts or external resources): every
//! step's summary and text, the result tables and bar charts for 3.1 and 3.2.
std::string writeRetailHtml(const engine::batch::RetailReport& report, const std::string& path);

}  // namespace cityops::connectors
