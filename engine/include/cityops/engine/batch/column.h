#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cityops::engine::batch {

namespace detail {
struct ColumnAccess;
}

//! Logical type of a column. Date is days since 1970-01-01, Timestamp milliseconds since the epoch.
enum class DataType { Int64, Double, Bool, Date, Timestamp, String };

//! Lower-case type name as printed by printSchema ("long", "double", "boolean", "date", "timestamp",
//! "string").
std::string_view typeName(DataType type);

//! One scalar: the unit expressions compute with. Bool, Int64, Date and Timestamp use i; String views
//! memory owned by a column dictionary or an expression literal.
struct Value {
    DataType type = DataType::Int64;
    bool null = true;
    std::int64_t i = 0;
    double d = 0.0;
    std::string_view s;

    static Value nullOf(DataType t) { return Value{t, true, 0, 0.0, {}}; }
    static Value ofInt(std::int64_t v, DataType t = DataType::Int64) { return Value{t, false, v, 0.0, {}}; }
    static Value ofDouble(double v) { return Value{DataType::Double, false, 0, v, {}}; }
    static Value ofBool(bool v) { return Value{DataType::Bool, false, v ? 1 : 0, 0.0, {}}; }
    static Value ofString(std::string_view v) { return Value{DataType::String, false, 0, 0.0, v}; }
    //! Numeric view (Int64/Date/Timestamp/Bool as double).
    double asDouble() const { return type == DataType::Double ? d : static_cast<double>(i); }
};

//! Distinct strings of a string column; codes index into it. Shared read-only between columns derived
//! from the same source (filter, take); a column copies it before adding to a shared one.
struct Dictionary {
    std::deque<std::string> strings;  //!< deque: the index views stay valid as it grows.
    std::unordered_map<std::string_view, std::uint32_t> index;
};

//! A typed column with a validity bitmap (bit set = value present); strings are dictionary-encoded.
class Column {
public:
    //! Row index meaning "no source row" in take(): produces a null.
    static constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);

    explicit Column(DataType type = DataType::Int64);

    DataType type() const { return m_type; }
    std::size_t size() const { return m_size; }
    std::size_t nullCount() const;
    bool isNull(std::size_t row) const { return (m_valid[row >> 6] & (std::uint64_t{1} << (row & 63))) == 0; }

    std::int64_t intAt(std::size_t row) const { return m_ints[row]; }
    double doubleAt(std::size_t row) const { return m_doubles[row]; }
    bool boolAt(std::size_t row) const { return m_ints[row] != 0; }
    std::uint32_t codeAt(std::size_t row) const { return m_codes[row]; }
    std::string_view stringAt(std::size_t row) const { return m_dict->strings[m_codes[row]]; }
    const Dictionary& dictionary() const { return *m_dict; }
    Value valueAt(std::size_t row) const;
    //! Text as shown by show(): "null" for nulls, ISO dates, shortest round-trip doubles.
    std::string toText(std::size_t row) const;

    void reserve(std::size_t rows);
    void appendNull();
    void appendInt(std::int64_t v);  //!< Int64, Bool (0/1), Date, Timestamp.
    void appendDouble(double v);
    void appendBool(bool v) { appendInt(v ? 1 : 0); }
    void appendString(std::string_view v);
    //! Appends v converted to this column's type (numeric widening/narrowing only); nulls stay null.
    void appendValue(const Value& v);

    //! Rows picked by index (kNoRow gives a null); the dictionary is shared, not copied.
    Column take(const std::vector<std::size_t>& rows) const;
    //! Approximate heap bytes held (values, bitmap, dictionary).
    std::size_t memoryBytes() const;

private:
    friend struct detail::ColumnAccess;  // bulk builders inside the engine (src/batch/column_access.h)
    void pushValid(bool valid);
    Dictionary& ownDictionary();

    DataType m_type;
    std::size_t m_size = 0;
    std::vector<std::uint64_t> m_valid;
    std::vector<std::int64_t> m_ints;
    std::vector<double> m_doubles;
    std::vector<std::uint32_t> m_codes;
    std::shared_ptr<Dictionary> m_dict;
};

}  // namespace cityops::engine::batch
