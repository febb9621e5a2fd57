#include "cityops/engine/batch/column.h"

#include "value_parse.h"

namespace cityops::engine::batch {

std::string_view typeName(DataType type) {
    switch (type) {
        case DataType::Int64:
            return "long";
        case DataType::Double:
            return "double";
        case DataType::Bool:
            return "boolean";
        case DataType::Date:
            return "date";
        case DataType::Timestamp:
            return "timestamp";
        case DataType::String:
            return "string";
    }
    return "unknown";
}

Column::Column(DataType type) : m_type(type) {
    if (type == DataType::String) m_dict = std::make_shared<Dictionary>();
}

std::size_t Column::nullCount() const {
    std::size_t valid = 0;
    for (const std::uint64_t word : m_valid) valid += static_cast<std::size_t>(__builtin_popcountll(word));
    return m_size - valid;
}

Value Column::valueAt(std::size_t row) const {
    if (isNull(row)) return Value::nullOf(m_type);
    switch (m_type) {
        case DataType::Double:
            return Value::ofDouble(m_doubles[row]);
        case DataType::String:
            return Value::ofString(stringAt(row));
        default:
            return Value::ofInt(m_ints[row], m_type);
    }
}

std::string Column::toText(std::size_t row) const {
    if (isNull(row)) return "null";
    switch (m_type) {
        case DataType::Int64:
            return std::to_string(m_ints[row]);
        case DataType::Double:
            return detail::formatDouble(m_doubles[row]);
        case DataType::Bool:
            return m_ints[row] != 0 ? "true" : "false";
        case DataType::Date:
            return detail::formatDate(m_ints[row]);
        case DataType::Timestamp:
            return detail::formatTimestamp(m_ints[row]);
        case DataType::String:
            return std::string(stringAt(row));
    }
    return {};
}

void Column::reserve(std::size_t rows) {
    m_valid.reserve((rows + 63) / 64);
    if (m_type == DataType::Double)
        m_doubles.reserve(rows);
    else if (m_type == DataType::String)
        m_codes.reserve(rows);
    else
        m_ints.reserve(rows);
}

void Column::pushValid(bool valid) {
    if ((m_size & 63) == 0) m_valid.push_back(0);
    if (valid) m_valid.back() |= std::uint64_t{1} << (m_size & 63);
    ++m_size;
}

void Column::appendNull() {
    if (m_type == DataType::Double)
        m_doubles.push_back(0.0);
    else if (m_type == DataType::String)
        m_codes.push_back(0);
    else
        m_ints.push_back(0);
    pushValid(false);
}

void Column::appendInt(std::int64_t v) {
    m_ints.push_back(v);
    pushValid(true);
}

void Column::appendDouble(double v) {
    m_doubles.push_back(v);
    pushValid(true);
}

Dictionary& Column::ownDictionary() {
    if (m_dict.use_count() > 1) {
        auto copy = std::make_shared<Dictionary>();
        copy->strings = m_dict->strings;
        copy->index.reserve(copy->strings.size());
        for (std::uint32_t code = 0; code < copy->strings.size(); ++code)
            copy->index.emplace(copy->strings[code], code);
        m_dict = std::move(copy);
    }
    return *m_dict;
}

void Column::appendString(std::string_view v) {
    // A dictionary built in bulk (the CSV reader) has no index until a lookup needs one
    // (detail::ColumnAccess): complete it here, in a private copy when the dictionary is shared.
    if (m_dict->index.size() != m_dict->strings.size()) {
        if (m_dict.use_count() > 1) {
            ownDictionary();
        } else {
            m_dict->index.reserve(m_dict->strings.size());
            for (std::uint32_t code = 0; code < m_dict->strings.size(); ++code)
                m_dict->index.emplace(m_dict->strings[code], code);
        }
    }
    const auto found = m_dict->index.find(v);
    std::uint32_t code = 0;
    if (found != m_dict->index.end()) {
        code = found->second;
    } else {
        Dictionary& dict = ownDictionary();
        code = static_cast<std::uint32_t>(dict.strings.size());
        dict.strings.emplace_back(v);
        dict.index.emplace(dict.strings.back(), code);
    }
    m_codes.push_back(code);
    pushValid(true);
}

void Column::appendValue(const Value& v) {
    if (v.null) {
        appendNull();
        return;
    }
    switch (m_type) {
        case DataType::Double:
            appendDouble(v.asDouble());
            break;
        case DataType::String:
            appendString(v.s);
            break;
        default:
            appendInt(v.type == DataType::Double ? static_cast<std::int64_t>(v.d) : v.i);
            break;
    }
}

Column Column::take(const std::vector<std::size_t>& rows) const {
    Column out(m_type);
    out.m_dict = m_dict;
    out.reserve(rows.size());
    for (const std::size_t row : rows) {
        const bool valid = row != kNoRow && !isNull(row);
        if (m_type == DataType::Double)
            out.m_doubles.push_back(valid ? m_doubles[row] : 0.0);
        else if (m_type == DataType::String)
            out.m_codes.push_back(valid ? m_codes[row] : 0);
        else
            out.m_ints.push_back(valid ? m_ints[row] : 0);
        out.pushValid(valid);
    }
    return out;
}

std::size_t Column::memoryBytes() const {
    std::size_t bytes = m_valid.capacity() * sizeof(std::uint64_t) + m_ints.capacity() * sizeof(std::int64_t) +
                        m_doubles.capacity() * sizeof(double) + m_codes.capacity() * sizeof(std::uint32_t);
    if (m_dict) {
        for (const std::string& s : m_dict->strings) bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
        bytes += m_dict->index.size() * (sizeof(std::string_view) + sizeof(std::uint32_t) + 2 * sizeof(void*));
    }
    return bytes;
}

}  // namespace cityops::engine::batch
