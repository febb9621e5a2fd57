#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/batch/column.h"
#include "csv_tokenizer.h"
#include "value_parse.h"

namespace cityops::engine::batch::detail {

//! One data record and the batch that holds its fields.
struct RowSource {
    const RawRecord* record = nullptr;
    const RecordBatch* batch = nullptr;
};

//! How one CSV column is converted.
struct ColumnPlan {
    DataType type = DataType::String;
    DateFormat dateFormat = DateFormat::Iso;
    bool boolDigits = false;     //!< accept 1/0 (declared Bool columns only)
    bool ambiguousDate = false;  //!< values fit both DD/MM/YYYY and MM/DD/YYYY: kept as string
};

//! A bad cell found while converting; row indexes the converted rows.
struct CellReject {
    std::size_t row = 0;
    std::size_t column = 0;
    std::string reason;
    std::string value;
};

//! Field text of a row, and whether it is present (ragged short rows and oversize fields are absent).
bool fieldAt(const RowSource& row, std::size_t column, std::string_view& text);
bool isNullToken(std::string_view text, const std::vector<std::string>& nullTokens);

//! Narrowest type that every non-null value of the column parses as (bool, int, double, date, timestamp,
//! string, in that order of preference).
ColumnPlan inferColumn(const std::vector<RowSource>& rows, std::size_t begin, std::size_t column,
                       const std::vector<std::string>& nullTokens);
//! inferColumn from the first sampleRows rows from begin. conclusive: the plan is that of all rows;
//! otherwise it is the plan of all rows exactly when every value converts under it (the caller checks
//! that while converting: a type fitting all rows fits the sample, so a more preferred one cannot).
ColumnPlan inferColumnFromSample(const std::vector<RowSource>& rows, std::size_t begin, std::size_t column,
                                 const std::vector<std::string>& nullTokens, std::size_t sampleRows,
                                 bool& conclusive);
//! Date format for a declared Date column (ISO, else whichever of DMY/MDY fits all values).
DateFormat detectDateFormat(const std::vector<RowSource>& rows, std::size_t column,
                            const std::vector<std::string>& nullTokens);
//! Whether text converts under plan (used for header detection).
bool fitsPlan(std::string_view text, const ColumnPlan& plan);

//! Converts one column; unparsable values become null and are reported in rejects.
Column convertColumn(const std::vector<RowSource>& rows, std::size_t column, const ColumnPlan& plan,
                     const std::vector<std::string>& nullTokens, std::vector<CellReject>& rejects);

//! A column of `rows` nulls with its arrays sized, for convertRange.
Column sizedColumn(DataType type, std::size_t rows);
//! Converts rows [begin, end) of a non-string column into out (sized to rows.size() by sizedColumn);
//! begin is a multiple of 64, so threads converting disjoint ranges write disjoint validity words.
void convertRange(const std::vector<RowSource>& rows, std::size_t begin, std::size_t end, std::size_t column,
                  const ColumnPlan& plan, const std::vector<std::string>& nullTokens, Column& out,
                  std::vector<CellReject>& rejects);

//! Printable form of a rejected value: cut to 120 bytes, invalid UTF-8 bytes escaped as \xNN.
std::string printableValue(std::string_view text);

}  // namespace cityops::engine::batch::detail
