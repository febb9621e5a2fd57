#include "cityops/engine/batch/operations.h"

#include <algorithm>
#include <cctype>
#include <numeric>

#include "cityops/engine/batch/result.h"
#include "value_cast.h"

namespace cityops::engine::batch {

Table select(const Table& table, const std::vector<std::string>& columns) {
    Table out;
    for (const std::string& name : columns) out.shareColumn(name, table, table.indexOf(name));
    return out;
}

Table rename(const Table& table, const std::vector<std::pair<std::string, std::string>>& renames) {
    Table out = table;
    for (const auto& [from, to] : renames) out.renameColumn(table.indexOf(from), to);
    for (std::size_t i = 0; i < out.columnCount(); ++i) {
        for (std::size_t j = i + 1; j < out.columnCount(); ++j) {
            if (out.name(i) == out.name(j)) throw BatchError("rename gives two columns named '" + out.name(i) + "'");
        }
    }
    return out;
}

std::string toSnakeCase(std::string_view name) {
    std::string out;
    auto isUpper = [](char c) { return c >= 'A' && c <= 'Z'; };
    auto isLower = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (isUpper(c) || isLower(c)) {
            const bool boundary = isUpper(c) && i > 0 &&
                                  (isLower(name[i - 1]) || (isUpper(name[i - 1]) && i + 1 < name.size() &&
                                                            name[i + 1] >= 'a' && name[i + 1] <= 'z'));
            if (boundary && !out.empty() && out.back() != '_') out += '_';
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            out += c;
        } else if (!out.empty() && out.back() != '_') {
            out += '_';
        }
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out.empty() ? std::string("column") : out;
}

Table normaliseNames(const Table& table) {
    std::vector<std::pair<std::string, std::string>> renames;
    for (const std::string& name : table.names()) renames.emplace_back(name, toSnakeCase(name));
    return rename(table, renames);
}

CastResult castColumn(const Table& table, const std::string& column, DataType type) {
    const Column& source = table.column(column);
    CastResult result;
    if (source.type() == type) {  // nothing to convert: the column is shared, not copied
        result.table = table;
        return result;
    }
    Column out(type);
    out.reserve(source.size());
    for (std::size_t r = 0; r < source.size(); ++r) {
        if (source.isNull(r)) {
            out.appendNull();
            continue;
        }
        if (type == DataType::String) {
            out.appendString(source.toText(r));
            continue;
        }
        const Value v = detail::castValue(source.valueAt(r), type);
        if (v.null) ++result.newNulls;
        out.appendValue(v);
    }
    result.table = table;
    result.table.setColumn(column, std::move(out));
    return result;
}

Table filter(const Table& table, const Expr& predicate) {
    const std::vector<std::uint8_t> mask = evaluateMask(table, predicate);
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < mask.size(); ++r) {
        if (mask[r] != 0) rows.push_back(r);
    }
    return table.take(rows);
}

Table withColumn(const Table& table, const std::string& name, const Expr& e) {
    Table out = table;
    out.setColumn(name, evaluate(table, e));
    return out;
}

Table limit(const Table& table, std::size_t rows) {
    std::vector<std::size_t> picked(std::min(rows, table.rowCount()));
    std::iota(picked.begin(), picked.end(), std::size_t{0});
    return table.take(picked);
}

Table dropNa(const Table& table, const std::vector<std::string>& subset) {
    std::vector<const Column*> checked;
    for (const std::string& name : subset.empty() ? table.names() : subset) checked.push_back(&table.column(name));
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        if (std::none_of(checked.begin(), checked.end(), [r](const Column* c) { return c->isNull(r); }))
            rows.push_back(r);
    }
    return table.take(rows);
}

Table fillNa(const Table& table, const std::string& column, const Value& value) {
    const Column& source = table.column(column);
    const bool stringColumn = source.type() == DataType::String;
    if (value.null || stringColumn != (value.type == DataType::String)) {
        throw BatchError("fillna value does not fit column '" + column + "'");
    }
    const Value fill = stringColumn ? value : detail::castValue(value, source.type());
    if (fill.null) throw BatchError("fillna value does not fit column '" + column + "'");
    Column out(source.type());
    out.reserve(source.size());
    for (std::size_t r = 0; r < source.size(); ++r) out.appendValue(source.isNull(r) ? fill : source.valueAt(r));
    Table result = table;
    result.setColumn(column, std::move(out));
    return result;
}

Table orderBy(const Table& table, const std::vector<SortKey>& keys) {
    std::vector<std::pair<const Column*, bool>> columns;
    for (const SortKey& key : keys) columns.emplace_back(&table.column(key.column), key.ascending);
    std::vector<std::size_t> rows(table.rowCount());
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    std::stable_sort(rows.begin(), rows.end(), [&columns](std::size_t a, std::size_t b) {
        for (const auto& [column, ascending] : columns) {
            const bool nullA = column->isNull(a);
            const bool nullB = column->isNull(b);
            if (nullA || nullB) {
                if (nullA == nullB) continue;
                return nullB;
            }
            int c = 0;
            switch (column->type()) {
                case DataType::Double: {
                    const double x = column->doubleAt(a);
                    const double y = column->doubleAt(b);
                    c = x < y ? -1 : (x > y ? 1 : 0);
                    break;
                }
                case DataType::String: {
                    const int cmp = column->stringAt(a).compare(column->stringAt(b));
                    c = cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
                    break;
                }
                default:
                    c = column->intAt(a) < column->intAt(b) ? -1 : (column->intAt(a) > column->intAt(b) ? 1 : 0);
            }
            if (c != 0) return ascending ? c < 0 : c > 0;
        }
        return false;
    });
    return table.take(rows);
}

}  // namespace cityops::engine::batch
