#include "cityops/engine/batch/table.h"

#include <algorithm>

#include "cityops/engine/batch/result.h"
#include "parallel.h"

namespace cityops::engine::batch {

std::optional<std::size_t> Table::find(std::string_view name) const {
    for (std::size_t i = 0; i < m_names.size(); ++i) {
        if (m_names[i] == name) return i;
    }
    return std::nullopt;
}

std::size_t Table::indexOf(std::string_view name) const {
    if (const auto index = find(name)) return *index;
    std::string available;
    for (const std::string& n : m_names) available += (available.empty() ? "" : ", ") + n;
    throw BatchError("unknown column '" + std::string(name) + "' (available: " + available + ")");
}

void Table::setColumn(std::string name, Column column) {
    if (!m_columns.empty() && column.size() != rowCount()) {
        throw BatchError("column '" + name + "' has " + std::to_string(column.size()) + " rows, table has " +
                         std::to_string(rowCount()));
    }
    auto shared = std::make_shared<const Column>(std::move(column));
    if (const auto index = find(name)) {
        m_columns[*index] = std::move(shared);
        return;
    }
    m_names.push_back(std::move(name));
    m_columns.push_back(std::move(shared));
}

void Table::shareColumn(std::string name, const Table& source, std::size_t index) {
    if (!m_columns.empty() && source.rowCount() != rowCount()) {
        throw BatchError("column '" + name + "' has " + std::to_string(source.rowCount()) + " rows, table has " +
                         std::to_string(rowCount()));
    }
    if (const auto existing = find(name)) {
        m_columns[*existing] = source.m_columns[index];
        return;
    }
    m_names.push_back(std::move(name));
    m_columns.push_back(source.m_columns[index]);
}

Table Table::take(const std::vector<std::size_t>& rows) const {
    Table out;
    out.m_names = m_names;
    out.m_columns.resize(m_columns.size());
    // Columns are independent: both cores copy them when there is enough to copy.
    const unsigned threads = rows.size() * m_columns.size() < 200000 ? 1U : detail::defaultThreads();
    detail::parallelFor(m_columns.size(), threads, [&](std::size_t c) {
        out.m_columns[c] = std::make_shared<const Column>(m_columns[c]->take(rows));
    });
    return out;
}

std::string Table::schemaText() const {
    std::string text = "root\n";
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        text += " |-- " + m_names[i] + ": " + std::string(typeName(m_columns[i]->type())) + " (nullable = true)\n";
    }
    return text;
}

namespace {

//! Display width in code points, so UTF-8 text lines up.
std::size_t displayWidth(std::string_view text) {
    std::size_t width = 0;
    for (const char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return width;
}

std::string truncated(std::string text, std::size_t limit) {
    if (limit == 0 || displayWidth(text) <= limit) return text;
    std::size_t keep = 0;
    std::size_t points = 0;
    while (keep < text.size() && points < limit - 3) {
        ++keep;
        while (keep < text.size() && (static_cast<unsigned char>(text[keep]) & 0xC0) == 0x80) ++keep;
        ++points;
    }
    return text.substr(0, keep) + "...";
}

}  // namespace

std::string Table::showText(std::size_t rows, std::size_t truncate) const {
    const std::size_t shown = std::min(rows, rowCount());
    std::vector<std::vector<std::string>> cells(shown + 1);
    std::vector<std::size_t> widths(m_columns.size(), 0);
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
        cells[0].push_back(truncated(m_names[c], truncate));
        for (std::size_t r = 0; r < shown; ++r) cells[r + 1].push_back(truncated(m_columns[c]->toText(r), truncate));
        for (std::size_t r = 0; r <= shown; ++r) widths[c] = std::max(widths[c], displayWidth(cells[r][c]));
    }
    std::string border = "+";
    for (const std::size_t w : widths) border += std::string(w, '-') + "+";
    border += "\n";
    std::string text = border;
    for (std::size_t r = 0; r <= shown; ++r) {
        text += "|";
        for (std::size_t c = 0; c < m_columns.size(); ++c) {
            const std::string& cell = cells[r][c];
            text += std::string(widths[c] - displayWidth(cell), ' ') + cell + "|";
        }
        text += "\n";
        if (r == 0) text += border;
    }
    text += border;
    if (shown < rowCount()) text += "only showing top " + std::to_string(shown) + " rows\n";
    return text;
}

std::size_t Table::memoryBytes() const {
    std::size_t bytes = 0;
    for (const auto& c : m_columns) bytes += c->memoryBytes();
    return bytes;
}

}  // namespace cityops::engine::batch
