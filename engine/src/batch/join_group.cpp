#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "approx_quantile.h"
#include "cityops/engine/batch/operations.h"
#include "cityops/engine/batch/result.h"
#include "key_index.h"
#include "parallel.h"
#include "row_key.h"

namespace cityops::engine::batch {

namespace {

bool isNumeric(DataType t) {
    return t == DataType::Int64 || t == DataType::Double;
}

}  // namespace

Table distinct(const Table& table, const std::vector<std::string>& subset) {
    std::vector<detail::KeySource> keys;
    for (const std::string& name : subset.empty() ? table.names() : subset) keys.push_back({&table.column(name)});
    const detail::KeyWords words = detail::buildKeyWords(keys, table.rowCount());
    detail::KeyIndex index(words);
    bool inserted = false;
    for (std::size_t r = 0; r < table.rowCount(); ++r) index.insert(r, inserted);
    return table.take(index.firstRows());
}

Table join(const Table& left, const Table& right, const std::vector<std::string>& leftKeys,
           const std::vector<std::string>& rightKeys, JoinType type) {
    if (leftKeys.size() != rightKeys.size() || leftKeys.empty()) throw BatchError("join needs matching key lists");
    std::vector<detail::KeySource> lk;
    std::vector<detail::KeySource> rk;
    for (std::size_t i = 0; i < leftKeys.size(); ++i) {
        const Column& l = left.column(leftKeys[i]);
        const Column& r = right.column(rightKeys[i]);
        const bool mixed = l.type() != r.type();
        if (mixed && !(isNumeric(l.type()) && isNumeric(r.type()))) {
            throw BatchError("join key '" + leftKeys[i] + "' (" + std::string(typeName(l.type())) + ") cannot match '" +
                             rightKeys[i] + "' (" + std::string(typeName(r.type())) + ")");
        }
        lk.push_back({&l, mixed, &r});
        rk.push_back({&r, mixed, nullptr});
    }
    // Build side: the right table's distinct keys, each with its rows (CSR: offsets into rowsOfKey).
    const detail::KeyWords built = detail::buildKeyWords(rk, right.rowCount());
    detail::KeyIndex index(built);
    std::vector<std::uint32_t> idOfRow(right.rowCount(), detail::KeyIndex::kNone);
    bool inserted = false;
    for (std::size_t r = 0; r < right.rowCount(); ++r) {
        if (!built.anyNull(r)) idOfRow[r] = index.insert(r, inserted);
    }
    std::vector<std::size_t> offsets(index.size() + 1, 0);
    for (const std::uint32_t id : idOfRow) {
        if (id != detail::KeyIndex::kNone) ++offsets[id + 1];
    }
    for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
    std::vector<std::size_t> rowsOfKey(offsets.back());
    {
        std::vector<std::size_t> fill(offsets.begin(), offsets.end() - 1);
        for (std::size_t r = 0; r < idOfRow.size(); ++r) {
            if (idOfRow[r] != detail::KeyIndex::kNone) rowsOfKey[fill[idOfRow[r]]++] = r;
        }
    }
    // Probe: the left rows in order, in one part per thread, concatenated afterwards.
    const detail::KeyWords probe = detail::buildKeyWords(lk, left.rowCount());
    const std::size_t parts = left.rowCount() < 50000 ? 1 : detail::defaultThreads();
    std::vector<std::vector<std::size_t>> leftParts(parts);
    std::vector<std::vector<std::size_t>> rightParts(parts);
    detail::parallelFor(parts, static_cast<unsigned>(parts), [&](std::size_t part) {
        std::vector<std::size_t>& leftRows = leftParts[part];
        std::vector<std::size_t>& rightRows = rightParts[part];
        const std::size_t end = left.rowCount() * (part + 1) / parts;
        for (std::size_t l = left.rowCount() * part / parts; l < end; ++l) {
            const std::uint32_t id = probe.anyNull(l) ? detail::KeyIndex::kNone : index.find(probe.row(l));
            const bool matched = id != detail::KeyIndex::kNone;
            switch (type) {
                case JoinType::Inner:
                case JoinType::Left:
                    if (matched) {
                        for (std::size_t k = offsets[id]; k < offsets[id + 1]; ++k) {
                            leftRows.push_back(l);
                            rightRows.push_back(rowsOfKey[k]);
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
    });
    std::vector<std::size_t> leftRows = std::move(leftParts.front());
    std::vector<std::size_t> rightRows = std::move(rightParts.front());
    for (std::size_t p = 1; p < parts; ++p) {
        leftRows.insert(leftRows.end(), leftParts[p].begin(), leftParts[p].end());
        rightRows.insert(rightRows.end(), rightParts[p].begin(), rightParts[p].end());
    }
    // Every left row once, in order (a left join on unique build keys): share the left columns, copy none.
    const bool identity = leftRows.size() == left.rowCount() && type != JoinType::Inner &&
                          (type != JoinType::Left || rowsOfKey.size() == index.size());
    Table out = identity ? left : left.take(leftRows);
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

//! Count, CountAll, Sum and Avg over a non-string column in one pass over the group ids (same order of
//! additions as the per-group path, so the same sums); false for other aggregates.
bool aggregateByIds(const Column& source, const Aggregate& agg, const std::vector<std::uint32_t>& ids,
                    std::size_t groups, Column& out) {
    const bool numeric = isNumeric(source.type());
    const bool sumLike = agg.kind == AggKind::Sum || agg.kind == AggKind::Avg;
    if (agg.kind != AggKind::Count && agg.kind != AggKind::CountAll && !(sumLike && numeric)) return false;
    std::vector<std::int64_t> counts(groups, 0);
    std::vector<double> sums(sumLike && source.type() == DataType::Double ? groups : 0, 0.0);
    std::vector<std::int64_t> intSums(sumLike && source.type() == DataType::Int64 ? groups : 0, 0);
    std::vector<double> intAvgSums(agg.kind == AggKind::Avg && source.type() == DataType::Int64 ? groups : 0, 0.0);
    for (std::size_t r = 0; r < ids.size(); ++r) {
        const std::uint32_t g = ids[r];
        if (agg.kind == AggKind::CountAll) {
            ++counts[g];
            continue;
        }
        if (source.isNull(r)) continue;
        ++counts[g];
        if (!sumLike) continue;
        if (source.type() == DataType::Double) {
            sums[g] += source.doubleAt(r);
        } else if (agg.kind == AggKind::Avg) {
            intAvgSums[g] += static_cast<double>(source.intAt(r));
        } else {
            intSums[g] += source.intAt(r);
        }
    }
    out = Column(agg.kind == AggKind::Count || agg.kind == AggKind::CountAll ? DataType::Int64
                 : agg.kind == AggKind::Avg                                   ? DataType::Double
                                                                              : source.type());
    out.reserve(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        if (agg.kind == AggKind::Count || agg.kind == AggKind::CountAll) {
            out.appendInt(counts[g]);
        } else if (counts[g] == 0) {
            out.appendNull();
        } else if (agg.kind == AggKind::Avg) {
            const double sum = source.type() == DataType::Double ? sums[g] : intAvgSums[g];
            out.appendDouble(sum / static_cast<double>(counts[g]));
        } else if (source.type() == DataType::Double) {
            out.appendDouble(sums[g]);
        } else {
            out.appendInt(intSums[g]);
        }
    }
    return true;
}

}  // namespace

Table groupBy(const Table& table, const std::vector<std::string>& keys, const std::vector<Aggregate>& aggregates) {
    std::vector<detail::KeySource> specs;
    for (const std::string& name : keys) specs.push_back({&table.column(name)});
    const detail::KeyWords words = detail::buildKeyWords(specs, table.rowCount());
    detail::KeyIndex index(words);
    std::vector<std::uint32_t> ids(table.rowCount());
    bool inserted = false;
    for (std::size_t r = 0; r < table.rowCount(); ++r) ids[r] = index.insert(r, inserted);
    const std::size_t groupCount = keys.empty() && index.size() == 0 ? 1 : index.size();
    std::vector<std::vector<std::size_t>> groups;  // row lists, built only for aggregates that need them
    Table out;
    for (const std::string& name : keys) out.setColumn(name, table.column(name).take(index.firstRows()));
    for (const Aggregate& agg : aggregates) {
        const Column& source =
            agg.kind == AggKind::CountAll && agg.column.empty() ? table.column(0) : table.column(agg.column);
        Column column;
        if (!aggregateByIds(source, agg, ids, groupCount, column)) {
            if (groups.empty()) {
                groups.resize(groupCount);
                for (std::size_t r = 0; r < ids.size(); ++r) groups[ids[r]].push_back(r);
            }
            column = aggregate(source, agg, groups);
        }
        out.setColumn(agg.as.empty() ? agg.column : agg.as, std::move(column));
    }
    return out;
}

}  // namespace cityops::engine::batch
