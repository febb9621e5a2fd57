#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "cityops/connectors/report_export.h"
#include "export_file.h"

namespace cityops::connectors {

using engine::batch::Column;
using engine::batch::DataType;
using engine::batch::Table;

namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 16;

void appendCsvField(std::string& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escape[8];
                    std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
                    out += escape;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void appendJsonValue(std::string& out, const Column& column, std::size_t row) {
    if (column.isNull(row)) {
        out += "null";
        return;
    }
    switch (column.type()) {
        case DataType::Int64:
        case DataType::Bool:
            out += column.toText(row);
            return;
        case DataType::Double:
            out += std::isfinite(column.doubleAt(row)) ? column.toText(row) : std::string("null");
            return;
        case DataType::Date:
        case DataType::Timestamp:
        case DataType::String:
            appendJsonString(
                out, column.type() == DataType::String ? column.stringAt(row) : std::string_view(column.toText(row)));
            return;
    }
}

}  // namespace

std::string writeTableCsv(const Table& table, const std::string& path) {
    detail::AtomicFile file(path);
    if (std::string error = file.open(); !error.empty()) return error;
    std::string buffer;
    for (std::size_t c = 0; c < table.columnCount(); ++c) {
        if (c > 0) buffer += ',';
        appendCsvField(buffer, table.name(c));
    }
    buffer += "\r\n";
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        for (std::size_t c = 0; c < table.columnCount(); ++c) {
            if (c > 0) buffer += ',';
            const Column& column = table.column(c);
            if (column.isNull(r)) continue;
            if (column.type() == DataType::String)
                appendCsvField(buffer, column.stringAt(r));
            else
                buffer += column.toText(r);
        }
        buffer += "\r\n";
        if (buffer.size() >= kFlushBytes) {
            file.write(buffer);
            buffer.clear();
        }
    }
    file.write(buffer);
    return file.commit();
}

std::string writeTableJsonLines(const Table& table, const std::string& path) {
    detail::AtomicFile file(path);
    if (std::string error = file.open(); !error.empty()) return error;
    std::string buffer;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        buffer += '{';
        for (std::size_t c = 0; c < table.columnCount(); ++c) {
            if (c > 0) buffer += ',';
            appendJsonString(buffer, table.name(c));
            buffer += ':';
            appendJsonValue(buffer, table.column(c), r);
        }
        buffer += "}\n";
        if (buffer.size() >= kFlushBytes) {
            file.write(buffer);
            buffer.clear();
        }
    }
    file.write(buffer);
    return file.commit();
}

}  // namespace cityops::connectors
