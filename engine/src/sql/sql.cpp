// runQuery: parse → bind (logical plan) → execute; result formatting.
#include "cityops/engine/sql/sql.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "cityops/engine/batch/result.h"
#include "batch/value_parse.h"
#include "sql/binder.h"
#include "sql/plan.h"

namespace cityops::engine::sql {

SqlResult<QueryResult> runQuery(Catalog& catalog, std::string_view text, const QueryOptions& options) {
    auto statement = parse(text);
    if (!statement) return statement.error();
    const SourcePos start = statement->query.pos;
    try {
        std::unique_ptr<detail::PlanNode> plan = detail::bindStatement(*statement, catalog, options);
        detail::ExecContext ctx(options.progress, detail::countOperators(*plan), options.maxCrossJoinRows);
        ctx.tick(start);
        QueryResult result;
        result.plan = detail::explain(*plan);
        const batch::Table table = detail::execute(*plan, ctx);
        for (const detail::ColumnInfo& c : plan->schema) result.names.push_back(c.name);
        for (std::size_t i = 0; i < table.columnCount(); ++i) result.table.shareColumn(detail::internalName(i), table, i);
        if (options.progress) options.progress(1.0);
        return result;
    } catch (const detail::SqlException& e) {
        return e.error;
    } catch (const batch::BatchError& e) {
        return SqlError{SqlErrc::Data, e.what(), start};
    } catch (const std::bad_alloc&) {
        return SqlError{SqlErrc::Limit, "out of memory while running the query", start};
    } catch (const std::exception& e) {
        return SqlError{SqlErrc::Data, e.what(), start};
    }
}

namespace {

std::string cellText(const batch::Column& c, std::size_t row) {
    if (c.isNull(row)) return {};
    return c.toText(row);
}

std::string csvQuote(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (const char ch : s) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

std::string jsonString(std::string_view s) {
    std::string out = "\"";
    for (const char ch : s) {
        switch (ch) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(ch) < 0x20) {
                    static const char* kHex = "0123456789abcdef";
                    out += "\\u00";
                    out += kHex[(ch >> 4) & 0xf];
                    out += kHex[ch & 0xf];
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

}  // namespace

std::string formatResult(const QueryResult& result, ResultFormat format) {
    const batch::Table& t = result.table;
    const std::size_t rows = t.rowCount();
    std::string out;
    if (format == ResultFormat::Csv) {
        for (std::size_t i = 0; i < result.names.size(); ++i) out += (i ? "," : "") + csvQuote(result.names[i]);
        out += "\n";
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t i = 0; i < t.columnCount(); ++i) out += (i ? "," : "") + csvQuote(cellText(t.column(i), r));
            out += "\n";
        }
        return out;
    }
    if (format == ResultFormat::Json) {
        out = "[";
        for (std::size_t r = 0; r < rows; ++r) {
            out += r ? ",\n {" : "\n {";
            for (std::size_t i = 0; i < t.columnCount(); ++i) {
                const batch::Column& c = t.column(i);
                out += (i ? ", " : "") + jsonString(result.names[i]) + ": ";
                if (c.isNull(r)) {
                    out += "null";
                } else if (c.type() == batch::DataType::Int64 || c.type() == batch::DataType::Bool) {
                    out += c.toText(r);
                } else if (c.type() == batch::DataType::Double) {
                    const double v = c.doubleAt(r);
                    out += std::isfinite(v) ? batch::detail::formatDouble(v) : "null";
                } else {
                    out += jsonString(c.toText(r));
                }
            }
            out += "}";
        }
        return out + (rows ? "\n]\n" : "]\n");
    }
    std::vector<std::size_t> width(result.names.size());
    for (std::size_t i = 0; i < width.size(); ++i) {
        width[i] = result.names[i].size();
        for (std::size_t r = 0; r < rows; ++r) {
            width[i] = std::max(width[i], t.column(i).isNull(r) ? std::size_t{4} : t.column(i).toText(r).size());
        }
    }
    auto rule = [&] {
        std::string s = "+";
        for (const std::size_t w : width) s += std::string(w + 2, '-') + "+";
        return s + "\n";
    };
    auto line = [&](auto cell) {
        std::string s = "|";
        for (std::size_t i = 0; i < width.size(); ++i) {
            const std::string c = cell(i);
            s += " " + c + std::string(width[i] - c.size(), ' ') + " |";
        }
        return s + "\n";
    };
    out = rule() + line([&](std::size_t i) { return result.names[i]; }) + rule();
    for (std::size_t r = 0; r < rows; ++r) {
        out += line([&](std::size_t i) { return t.column(i).isNull(r) ? std::string("NULL") : t.column(i).toText(r); });
    }
    out += rule() + std::to_string(rows) + (rows == 1 ? " row\n" : " rows\n");
    return out;
}

}  // namespace cityops::engine::sql
