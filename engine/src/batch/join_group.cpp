#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "approx_quantile.h"
#include "cityops/engine/batch/operations.h"
#include "cityops/engine/batch/result.h"
#include "row_key.h"

namespace cityops::engine::batch {

namespace {

struct KeySpec {
    const Column* column;
    bool numericAsDouble;
};

std::string rowKey(const std::vector<KeySpec>& keys, std::size_t row) {
    std::string key;
    for (const KeySpec& k : keys) detail::appendKey(key, *k.column, row, k.numericAsDouble);
    return key;
}

bool anyNullKey(const std::vector<KeySpec>& keys, std::size_t row) {
    return std::any_of(keys.begin(), keys.end(), [row](const KeySpec& k) { return k.column->isNull(row); });
}

bool isNumeric(DataType t) {
    return t == DataType::Int64 || t == DataType::Double;
}

}  // namespace

Table distinct(const Table& table, const std::vector<std::string>& subset) {
    std::vector<KeySpec> keys;
    for (const std::string& name : subset.empty() ? table.names() : subset)
        keys.push_back({&table.column(name), false});
    std::unordered_set<std::string> seen;
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        if (seen.insert(rowKey(keys, r)).second) rows.push_back(r);
    }
    return table.take(rows);
}

Table join(const Table& left, const Table& right, const std::vector<std::string>& leftKeys,
           const std::vector<std::string>& rightKeys, JoinType type) {
    if (leftKeys.size() != rightKeys.size() || leftKeys.empty()) throw BatchError("join needs matching key lists");
    std::vector<KeySpec> lk;
    std::vector<KeySpec> rk;
    for (std::size_t i = 0; i < leftKeys.size(); ++i) {
        const Column& l = left.column(leftKeys[i]);
        const Column& r = right.column(rightKeys[i]);
        const bool mixed = l.type() != r.type();
        if (mixed && !(isNumeric(l.type()) && isNumeric(r.type()))) {
            throw BatchError("join key '" + leftKeys[i] + "' (" + std::string(typeName(l.type())) + ") cannot match '" +
                             rightKeys[i] + "' (" + std::string(typeName(r.type())) + ")");
        }
        lk.push_back({&l, mixed});
        rk.push_back({&r, mixed});
    }
    std::unordered_map<std::string, std::vector<std::size_t>> built;
    built.reserve(right.rowCount());
    for (std::size_t r = 0; r < right.rowCount(); ++r) {
        if (!anyNullKey(rk, r)) built[rowKey(rk, r)].push_back(r);
    }
    std::vector<std::size_t> leftRows;
    std::vector<std::size_t> rightRows;
    for (std::size_t l = 0; l < left.rowCount(); ++l) {
        const auto found = anyNullKey(lk, l) ? built.end() : built.find(rowKey(lk, l));
        const bool matched = found != built.end();
        switch (type) {
            case JoinType::Inner:
            case JoinType::Left:
                if (matched) {
                    for (const std::size_t r : found->second) {
                        leftRows.push_back(l);
                        rightRows.push_back(r);
                    }
                } else if (type == JoinType::Left) {
                    leftRows.push_back(l);
                    rightRows.push_back(Column::kNoRow);
                }
                break;
            case JoinType::Semi:
                if (matched) leftRows.push_back(l);
                break;
            case JoinType::Anti:
                if (!matched) leftRows.push_back(l);
                break;
        }
    }
    Table out = left.take(leftRows);
    if (type == JoinType::Semi || type == JoinType::Anti) return out;
    for (std::size_t c = 0; c < right.columnCount(); ++c) {
        const std::string& name = right.name(c);
        if (std::find(rightKeys.begin(), rightKeys.end(), name) != rightKeys.end()) continue;
        std::string outName = name;
        while (out.find(outName)) outName += "_right";
        out.setColumn(outName, right.column(c).take(rightRows));
    }
    return out;
}

namespace {

double percentileOf(std::vector<double>& values, double fraction) {
    std::sort(values.begin(), values.end());
    const double rank = std::clamp(fraction, 0.0, 1.0) * static_cast<double>(values.size() - 1);
    const auto lower = static_cast<std::size_t>(std::floor(rank));
    const std::size_t upper = std::min(lower + 1, values.size() - 1);
    return values[lower] + (values[upper] - values[lower]) * (rank - static_cast<double>(lower));
}

Column aggregate(const Column& source, const Aggregate& agg, const std::vector<std::vector<std::size_t>>& groups) {
    const bool numeric = isNumeric(source.type());
    const bool needsNumeric = agg.kind == AggKind::Sum || agg.kind == AggKind::Avg || agg.kind == AggKind::StdDev ||
                              agg.kind == AggKind::Percentile || agg.kind == AggKind::ApproxPercentile;
    if (needsNumeric && !numeric) throw BatchError("aggregate over '" + agg.column + "' needs a numeric column");
    DataType type = DataType::Double;
    if (agg.kind == AggKind::Count || agg.kind == AggKind::CountAll || agg.kind == AggKind::CountDistinct) {
        type = DataType::Int64;
    } else if (agg.kind == AggKind::Min || agg.kind == AggKind::Max || agg.kind == AggKind::Sum) {
        type = source.type();
    }
    Column out(type);
    for (const std::vector<std::size_t>& rows : groups) {
        std::vector<std::size_t> present;
        for (const std::size_t r : rows) {
            if (!source.isNull(r)) present.push_back(r);
        }
        switch (agg.kind) {
            case AggKind::CountAll:
                out.appendInt(static_cast<std::int64_t>(rows.size()));
                continue;
            case AggKind::Count:
                out.appendInt(static_cast<std::int64_t>(present.size()));
                continue;
            case AggKind::CountDistinct: {
                std::unordered_set<std::string> seen;
                for (const std::size_t r : present) {
                    std::string key;
                    detail::appendKey(key, source, r, false);
                    seen.insert(std::move(key));
                }
                out.appendInt(static_cast<std::int64_t>(seen.size()));
                continue;
            }
            default:
                break;
        }
        if (present.empty()) {
            out.appendNull();
            continue;
        }
        if (agg.kind == AggKind::Min || agg.kind == AggKind::Max) {
            std::size_t best = present.front();
            for (const std::size_t r : present) {
                const Value v = source.valueAt(r);
                const Value b = source.valueAt(best);
                const bool less = v.type == DataType::String ? v.s < b.s : v.asDouble() < b.asDouble();
                const bool greater = v.type == DataType::String ? b.s < v.s : b.asDouble() < v.asDouble();
                if ((agg.kind == AggKind::Min && less) || (agg.kind == AggKind::Max && greater)) best = r;
            }
            out.appendValue(source.valueAt(best));
            continue;
        }
        if (agg.kind == AggKind::Sum && type == DataType::Int64) {
            std::int64_t sum = 0;
            for (const std::size_t r : present) sum += source.intAt(r);
            out.appendInt(sum);
            continue;
        }
        if (agg.kind == AggKind::ApproxPercentile) {
            detail::TDigest digest;
            for (const std::size_t r : present) digest.add(source.valueAt(r).asDouble());
            out.appendDouble(digest.quantile(agg.fraction));
            continue;
        }
        std::vector<double> values;
        values.reserve(present.size());
        for (const std::size_t r : present) values.push_back(source.valueAt(r).asDouble());
        double sum = 0.0;
        for (const double v : values) sum += v;
        const double mean = sum / static_cast<double>(values.size());
        switch (agg.kind) {
            case AggKind::Sum:
                out.appendDouble(sum);
                break;
            case AggKind::Avg:
                out.appendDouble(mean);
                break;
            case AggKind::StdDev: {
                if (values.size() < 2) {
                    out.appendNull();
                    break;
                }
                double squares = 0.0;
                for (const double v : values) squares += (v - mean) * (v - mean);
                out.appendDouble(std::sqrt(squares / static_cast<double>(values.size() - 1)));
                break;
            }
            default:
                out.appendDouble(percentileOf(values, agg.fraction));
                break;
        }
    }
    return out;
}

}  // namespace

Table groupBy(const Table& table, const std::vector<std::string>& keys, const std::vector<Aggregate>& aggregates) {
    std::vector<KeySpec> specs;
    for (const std::string& name : keys) specs.push_back({&table.column(name), false});
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::vector<std::size_t>> groups;
    std::vector<std::size_t> firstRows;
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        const auto [it, inserted] = index.try_emplace(rowKey(specs, r), groups.size());
        if (inserted) {
            groups.emplace_back();
            firstRows.push_back(r);
        }
        groups[it->second].push_back(r);
    }
    if (keys.empty() && groups.empty()) groups.emplace_back();
    Table out;
    for (const std::string& name : keys) out.setColumn(name, table.column(name).take(firstRows));
    for (const Aggregate& agg : aggregates) {
        const Column& source =
            agg.kind == AggKind::CountAll && agg.column.empty() ? table.column(0) : table.column(agg.column);
        out.setColumn(agg.as.empty() ? agg.column : agg.as, aggregate(source, agg, groups));
    }
    return out;
}

}  // namespace cityops::engine::batch
