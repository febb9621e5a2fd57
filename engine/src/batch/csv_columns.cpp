#include "csv_columns.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>

#include "column_access.h"

namespace cityops::engine::batch::detail {

bool fieldAt(const RowSource& row, std::size_t column, std::string_view& text) {
    if (column >= row.record->fieldCount) return false;
    if (row.record->errorField == static_cast<std::int32_t>(column)) return false;
    text = row.batch->field(row.record->firstField + column);
    return true;
}

bool isNullToken(std::string_view text, const std::vector<std::string>& nullTokens) {
    return std::any_of(nullTokens.begin(), nullTokens.end(), [text](const std::string& t) { return t == text; });
}

namespace {

constexpr std::uint32_t kNoCode = 0xFFFFFFFFU;

struct Candidates {
    bool boolean = true;
    bool integer = true;
    bool real = true;
    bool iso = true;
    bool dmy = true;
    bool mdy = true;
    bool timestamp = true;
    bool seen = false;

    bool any() const { return boolean || integer || real || iso || dmy || mdy || timestamp; }
    void observe(std::string_view v) {
        seen = true;
        if (boolean && !parseBool(v, false)) boolean = false;
        if (integer && !parseInt(v)) integer = false;
        if (real && !parseDouble(v)) real = false;
        if (iso && !parseDate(v, DateFormat::Iso)) iso = false;
        if (dmy && !parseDate(v, DateFormat::Dmy)) dmy = false;
        if (mdy && !parseDate(v, DateFormat::Mdy)) mdy = false;
        if (timestamp && !parseTimestamp(v)) timestamp = false;
    }
};

Candidates scan(const std::vector<RowSource>& rows, std::size_t begin, std::size_t column,
                const std::vector<std::string>& nullTokens, std::size_t limit = static_cast<std::size_t>(-1)) {
    Candidates c;
    std::string_view text;
    const std::size_t end = begin + std::min(limit, rows.size() - std::min(begin, rows.size()));
    for (std::size_t r = begin; r < end && c.any(); ++r) {
        if (!fieldAt(rows[r], column, text) || isNullToken(text, nullTokens)) continue;
        c.observe(text);
    }
    return c;
}

ColumnPlan planOf(const Candidates& c) {
    ColumnPlan plan;
    if (!c.seen) return plan;
    if (c.boolean)
        plan.type = DataType::Bool;
    else if (c.integer)
        plan.type = DataType::Int64;
    else if (c.real)
        plan.type = DataType::Double;
    else if (c.iso)
        plan.type = DataType::Date;
    else if (c.dmy && c.mdy)
        plan.ambiguousDate = true;
    else if (c.dmy)
        plan.type = DataType::Date, plan.dateFormat = DateFormat::Dmy;
    else if (c.mdy)
        plan.type = DataType::Date, plan.dateFormat = DateFormat::Mdy;
    else if (c.timestamp)
        plan.type = DataType::Timestamp;
    return plan;
}

}  // namespace

ColumnPlan inferColumn(const std::vector<RowSource>& rows, std::size_t begin, std::size_t column,
                       const std::vector<std::string>& nullTokens) {
    return planOf(scan(rows, begin, column, nullTokens));
}

ColumnPlan inferColumnFromSample(const std::vector<RowSource>& rows, std::size_t begin, std::size_t column,
                                 const std::vector<std::string>& nullTokens, std::size_t sampleRows,
                                 bool& conclusive) {
    const Candidates c = scan(rows, begin, column, nullTokens, sampleRows);
    // No type fits the sample: no type fits all rows either. A sample without values, or with dates that
    // fit both day orders, says nothing: those columns are inferred over every row.
    if (c.seen && !c.any()) {
        conclusive = true;
        return planOf(c);
    }
    if (!c.seen || (!c.boolean && !c.integer && !c.real && !c.iso && c.dmy && c.mdy)) {
        conclusive = true;
        return inferColumn(rows, begin, column, nullTokens);
    }
    conclusive = false;
    return planOf(c);
}

DateFormat detectDateFormat(const std::vector<RowSource>& rows, std::size_t column,
                            const std::vector<std::string>& nullTokens) {
    const Candidates c = scan(rows, 0, column, nullTokens);
    if (c.iso) return DateFormat::Iso;
    if (c.dmy && !c.mdy) return DateFormat::Dmy;
    if (c.mdy && !c.dmy) return DateFormat::Mdy;
    return c.dmy ? DateFormat::Dmy : DateFormat::Iso;
}

bool fitsPlan(std::string_view text, const ColumnPlan& plan) {
    switch (plan.type) {
        case DataType::Bool:
            return parseBool(text, plan.boolDigits).has_value();
        case DataType::Int64:
            return parseInt(text).has_value();
        case DataType::Double:
            return parseDouble(text).has_value();
        case DataType::Date:
            return parseDate(text, plan.dateFormat).has_value();
        case DataType::Timestamp:
            return parseTimestamp(text).has_value();
        case DataType::String:
            return true;
    }
    return true;
}

namespace {

//! Dictionary-encodes a string column: codes are found in a flat open-addressing table over the field
//! views (no node allocation, no string copy per row); the column's dictionary is filled once at the end.
Column convertStrings(const std::vector<RowSource>& rows, std::size_t column,
                      const std::vector<std::string>& nullTokens, std::vector<CellReject>& rejects) {
    Column out = ColumnAccess::sized(DataType::String, rows.size());
    std::uint32_t* codes = ColumnAccess::codes(out);
    std::uint64_t* valid = ColumnAccess::valid(out);
    std::vector<std::string_view> distinct;
    std::vector<std::uint32_t> slots(1024, kNoCode);
    std::size_t mask = slots.size() - 1;
    const auto hashOf = [](std::string_view v) { return std::hash<std::string_view>{}(v); };
    std::string_view text;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!fieldAt(rows[r], column, text) || isNullToken(text, nullTokens)) continue;
        if (!isValidUtf8(text)) {
            rejects.push_back(CellReject{r, column, "invalid UTF-8", printableValue(text)});
            continue;
        }
        std::size_t s = hashOf(text) & mask;
        while (slots[s] != kNoCode && distinct[slots[s]] != text) s = (s + 1) & mask;
        if (slots[s] == kNoCode) {
            slots[s] = static_cast<std::uint32_t>(distinct.size());
            distinct.push_back(text);
            if (distinct.size() * 2 > slots.size()) {  // grow: keep the load factor under one half
                slots.assign(slots.size() * 4, kNoCode);
                mask = slots.size() - 1;
                for (std::uint32_t code = 0; code < distinct.size(); ++code) {
                    std::size_t t = hashOf(distinct[code]) & mask;
                    while (slots[t] != kNoCode) t = (t + 1) & mask;
                    slots[t] = code;
                }
                s = hashOf(text) & mask;
                while (distinct[slots[s]] != text) s = (s + 1) & mask;
            }
        }
        codes[r] = slots[s];
        valid[r >> 6] |= std::uint64_t{1} << (r & 63);
    }
    // The strings only: the index is built when a lookup needs it (see ColumnAccess::dictionary).
    Dictionary& dictionary = *ColumnAccess::dictionary(out);
    for (std::uint32_t code = 0; code < distinct.size(); ++code) dictionary.strings.emplace_back(distinct[code]);
    return out;
}

}  // namespace

namespace {

//! The value of text under plan into *out (ints or doubles); false when it does not parse.
bool parseInto(std::string_view text, const ColumnPlan& plan, std::int64_t* ints, double* doubles, std::size_t r) {
    switch (plan.type) {
        case DataType::Bool:
            if (const auto v = parseBool(text, plan.boolDigits)) return ints[r] = *v ? 1 : 0, true;
            return false;
        case DataType::Int64:
            if (const auto v = parseInt(text)) return ints[r] = *v, true;
            return false;
        case DataType::Double:
            if (const auto v = parseDouble(text)) return doubles[r] = *v, true;
            return false;
        case DataType::Date:
            if (const auto v = parseDate(text, plan.dateFormat)) return ints[r] = *v, true;
            return false;
        case DataType::Timestamp:
            if (const auto v = parseTimestamp(text)) return ints[r] = *v, true;
            return false;
        case DataType::String:
            return false;
    }
    return false;
}

}  // namespace

Column sizedColumn(DataType type, std::size_t rows) { return ColumnAccess::sized(type, rows); }

void convertRange(const std::vector<RowSource>& rows, std::size_t begin, std::size_t end, std::size_t column,
                  const ColumnPlan& plan, const std::vector<std::string>& nullTokens, Column& out,
                  std::vector<CellReject>& rejects) {
    std::int64_t* ints = plan.type == DataType::Double ? nullptr : ColumnAccess::ints(out);
    double* doubles = plan.type == DataType::Double ? ColumnAccess::doubles(out) : nullptr;
    std::uint64_t* valid = ColumnAccess::valid(out);
    std::string_view text;
    for (std::size_t r = begin; r < end; ++r) {
        if (!fieldAt(rows[r], column, text) || isNullToken(text, nullTokens)) continue;
        // Every parser accepts ASCII only, so a parsed value is valid UTF-8: the check waits for a failure.
        if (parseInto(text, plan, ints, doubles, r)) {
            valid[r >> 6] |= std::uint64_t{1} << (r & 63);
            continue;
        }
        rejects.push_back(CellReject{r, column,
                                     isValidUtf8(text) ? "cannot parse value as " + std::string(typeName(plan.type))
                                                       : std::string("invalid UTF-8"),
                                     printableValue(text)});
    }
}

Column convertColumn(const std::vector<RowSource>& rows, std::size_t column, const ColumnPlan& plan,
                     const std::vector<std::string>& nullTokens, std::vector<CellReject>& rejects) {
    if (plan.type == DataType::String) return convertStrings(rows, column, nullTokens, rejects);
    Column out = ColumnAccess::sized(plan.type, rows.size());
    convertRange(rows, 0, rows.size(), column, plan, nullTokens, out, rejects);
    return out;
}

std::string printableValue(std::string_view text) {
    constexpr std::size_t kMax = 120;
    const std::string_view cut = text.substr(0, kMax);
    std::string out;
    if (isValidUtf8(cut)) {
        out = std::string(cut);
    } else {
        for (const char c : cut) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte < 0x80) {
                out += c;
            } else {
                std::array<char, 8> hex{};
                std::snprintf(hex.data(), hex.size(), "\\x%02X", byte);
                out += hex.data();
            }
        }
    }
    if (text.size() > kMax) out += "...";
    return out;
}

}  // namespace cityops::engine::batch::detail
