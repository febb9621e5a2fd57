#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cityops/engine/batch/result.h"
#include "cityops/engine/batch/table.h"

namespace cityops::engine::batch {

//! What the reader does with a row that has a problem (bad value, wrong field count, oversize field).
enum class CsvMode {
    Permissive,  //!< keep the row, bad cells become null; every problem is listed in the rejects table
    Drop,        //!< leave the row out; every problem is listed in the rejects table
    FailFast,    //!< stop at the first problem and return an error naming line, column and reason
};

//! Reader settings; everything unset is detected from the data.
struct CsvOptions {
    std::optional<char> delimiter;  //!< detected among , ; tab | when unset
    std::optional<bool> hasHeader;  //!< detected when unset
    //! Explicit schema (name, type) in file order; empty means infer. Bool columns then also accept 1/0.
    std::vector<std::pair<std::string, DataType>> schema;
    CsvMode mode = CsvMode::Permissive;
    std::vector<std::string> nullTokens{""};
    std::size_t maxFieldBytes = std::size_t{1} << 20;
    unsigned threads = 0;                                       //!< 0: both cores
    std::size_t parallelThresholdBytes = std::size_t{1} << 20;  //!< smaller inputs parse on one thread
    //! Progress and cancellation: called with the fraction done (0..1) at chunk and phase boundaries,
    //! possibly from several of the reader's threads at once (so it must be thread-safe). Returning
    //! false stops the load soon after, which then fails with kCsvCancelled. Unset: never called.
    std::function<bool(double)> progress;
};

//! Error message of a load stopped by CsvOptions::progress returning false.
inline constexpr const char* kCsvCancelled = "load cancelled";

//! A loaded CSV with its rejects (columns line, byte_offset, column, reason, value) and counts.
struct CsvLoad {
    Table table;
    Table rejects;
    std::size_t recordsRead = 0;     //!< data records found (header excluded)
    std::size_t rowsLoaded = 0;      //!< rows in table
    std::size_t rowsWithErrors = 0;  //!< distinct records with at least one reject entry
    std::size_t rowsDropped = 0;     //!< records left out (Drop mode, or unrecoverable structure)
    char delimiter = ',';
    bool hasHeader = true;
    std::vector<std::string> notes;  //!< human-readable remarks, e.g. "header only: no data rows"
};

//! Parses CSV text. Fails (never crashes) on empty input or, in FailFast mode, on the first problem.
Result<CsvLoad> readCsvText(std::string_view text, const CsvOptions& options = {});
//! Reads and parses a file; fails on an unreadable file too.
Result<CsvLoad> readCsvFile(const std::string& path, const CsvOptions& options = {});

}  // namespace cityops::engine::batch
