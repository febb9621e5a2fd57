#pragma once

// Reads the sink tables of a store the way another process would, for comparing runs.

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace runtime_test {

//! Every row of `sql`, columns joined by '|'.
inline std::vector<std::string> dumpRows(const std::filesystem::path& db, const char* sql) {
    std::vector<std::string> out;
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(handle);
        return {"<cannot open " + db.string() + ">"};
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, sql, -1, &stmt, nullptr) != SQLITE_OK) {
        out.push_back(std::string("<bad sql: ") + sqlite3_errmsg(handle) + ">");
    } else {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            std::string row;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                const auto* text = sqlite3_column_text(stmt, c);
                row += (c > 0 ? "|" : "") + std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
            }
            out.push_back(std::move(row));
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return out;
}

inline const char* const kWindowRowsSql =
    "SELECT sensor_id, window_start_ms, window_size_ms, count, sum, min, max FROM window_aggregates ORDER BY 1, 2";
inline const char* const kSumRowsSql = "SELECT sensor_id, ts_ms, seq, value FROM readings ORDER BY 1, 2";
inline const char* const kAlertRowsSql =
    "SELECT id, sensor_id, first_event_ms, event_time_ms, value, matched_count, title FROM alerts ORDER BY 1";
inline const char* const kDeadLetterRowsSql =
    "SELECT source, source_ref, reason, hex(payload) FROM dead_letters ORDER BY 1, 2";

}  // namespace runtime_test
