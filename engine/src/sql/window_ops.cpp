// Window functions: rows sorted by (partition, order), frames per row, results in input row order.
// Sum/Avg/Count use prefix sums and Min/Max a monotonic deque, so every frame type is O(n log n).
#include <cmath>
#include <deque>

#include "sql/plan.h"

namespace cityops::engine::sql::detail {

using batch::Column;
using batch::Table;
using batch::Value;

namespace {

bool sameValue(const Column& c, std::size_t a, std::size_t b) {
    const bool na = c.isNull(a);
    const bool nb = c.isNull(b);
    if (na || nb) return na == nb;
    return compareValues(c.valueAt(a), c.valueAt(b)) == 0;
}

bool sameKeys(const std::vector<Column>& cols, std::size_t a, std::size_t b) {
    for (const Column& c : cols) {
        if (!sameValue(c, a, b)) return false;
    }
    return true;
}

void appendResult(Column& out, const Value& v) {
    if (v.null) {
        out.appendNull();
    } else if (out.type() == DataType::String) {
        out.appendString(v.s);
    } else if (out.type() == DataType::Double) {
        out.appendDouble(v.asDouble());
    } else {
        out.appendInt(v.i);
    }
}

Column computeWindow(const WindowCall& w, const Table& input, ExecContext& ctx) {
    const std::size_t n = input.rowCount();
    std::vector<SortSpec> keys;
    for (const BoundExpr& p : w.partition) keys.push_back(SortSpec{p, true, false});
    for (const SortSpec& o : w.order) keys.push_back(o);
    const std::vector<std::size_t> sorted = sortedRows(input, keys, ctx);
    std::vector<Column> partCols;
    for (const BoundExpr& p : w.partition) partCols.push_back(evaluate(p, input, ctx));
    std::vector<Column> orderCols;
    for (const SortSpec& o : w.order) orderCols.push_back(evaluate(o.expr, input, ctx));
    std::vector<Column> argCols;
    for (const BoundExpr& a : w.args) argCols.push_back(evaluate(a, input, ctx));

    std::vector<Value> results(n, Value::nullOf(w.type));
    const bool rangeOffsets = !w.rows && !w.wholePartition &&
                              ((!w.startUnbounded && w.startOffset != 0.0) || (!w.endUnbounded && w.endOffset != 0.0));
    std::size_t ps = 0;
    std::vector<double> prefix;
    std::vector<std::int64_t> prefixInt;
    std::vector<std::int64_t> prefixCount;
    while (ps < n) {
        std::size_t pe = ps + 1;
        while (pe < n && sameKeys(partCols, sorted[ps], sorted[pe])) ++pe;
        ctx.tick(w.pos);
        const std::size_t len = pe - ps;
        auto row = [&](std::size_t k) { return sorted[ps + k]; };
        // peer groups (equal ORDER BY values)
        std::vector<std::size_t> peerStart(len), peerEnd(len);
        for (std::size_t k = 0; k < len; ++k) {
            peerStart[k] = k > 0 && sameKeys(orderCols, row(k - 1), row(k)) ? peerStart[k - 1] : k;
        }
        for (std::size_t k = len; k-- > 0;) {
            peerEnd[k] = k + 1 < len && sameKeys(orderCols, row(k + 1), row(k)) ? peerEnd[k + 1] : k;
        }
        switch (w.fn) {
            case WinFn::RowNumber:
                for (std::size_t k = 0; k < len; ++k) results[row(k)] = Value::ofInt(static_cast<std::int64_t>(k + 1));
                break;
            case WinFn::Rank:
                for (std::size_t k = 0; k < len; ++k) results[row(k)] = Value::ofInt(static_cast<std::int64_t>(peerStart[k] + 1));
                break;
            case WinFn::DenseRank: {
                std::int64_t dense = 0;
                for (std::size_t k = 0; k < len; ++k) {
                    if (peerStart[k] == k) ++dense;
                    results[row(k)] = Value::ofInt(dense);
                }
                break;
            }
            case WinFn::Lag:
            case WinFn::Lead:
                for (std::size_t k = 0; k < len; ++k) {
                    const auto off = static_cast<std::size_t>(w.offset);
                    const bool inside = w.fn == WinFn::Lag ? k >= off : k + off < len;
                    if (inside) {
                        results[row(k)] = argCols[0].valueAt(row(w.fn == WinFn::Lag ? k - off : k + off));
                    } else if (argCols.size() > 1) {
                        results[row(k)] = argCols[1].valueAt(row(k));
                    }
                }
                break;
            default: {
                // frame [lo, hi] (inclusive, partition-relative); lo > hi means empty
                std::vector<std::ptrdiff_t> lo(len), hi(len);
                const auto last = static_cast<std::ptrdiff_t>(len) - 1;
                for (std::size_t k = 0; k < len; ++k) {
                    const auto kk = static_cast<std::ptrdiff_t>(k);
                    if (w.wholePartition) {
                        lo[k] = 0;
                        hi[k] = last;
                    } else if (w.rows) {
                        lo[k] = w.startUnbounded ? 0 : std::max<std::ptrdiff_t>(0, kk - static_cast<std::ptrdiff_t>(w.startOffset));
                        hi[k] = w.endUnbounded ? last : std::min(last, kk + static_cast<std::ptrdiff_t>(w.endOffset));
                    } else if (!rangeOffsets) {
                        lo[k] = w.startUnbounded ? 0 : static_cast<std::ptrdiff_t>(peerStart[k]);
                        hi[k] = w.endUnbounded ? last : static_cast<std::ptrdiff_t>(peerEnd[k]);
                    }
                }
                if (rangeOffsets) {
                    const Column& oc = orderCols[0];
                    const bool asc = w.order[0].ascending;
                    std::size_t a = 0;
                    std::size_t b = 0;
                    for (std::size_t k = 0; k < len; ++k) {
                        if (oc.isNull(row(k))) {
                            lo[k] = static_cast<std::ptrdiff_t>(peerStart[k]);
                            hi[k] = static_cast<std::ptrdiff_t>(peerEnd[k]);
                            continue;
                        }
                        const double v = oc.valueAt(row(k)).asDouble();
                        // in sort direction: "preceding" values are smaller when ascending
                        const double from = asc ? v - w.startOffset : v + w.startOffset;
                        const double to = asc ? v + w.endOffset : v - w.endOffset;
                        auto before = [&](std::size_t j, double bound) {  // row j sorts before bound
                            if (oc.isNull(row(j))) return w.order[0].nullsFirst;
                            const double x = oc.valueAt(row(j)).asDouble();
                            return asc ? x < bound : x > bound;
                        };
                        if (w.startUnbounded) {
                            a = 0;
                        } else {
                            a = std::min(a, k);
                            while (a < len && before(a, from)) ++a;
                        }
                        if (w.endUnbounded) {
                            b = len;
                        } else {
                            b = std::max(b, k);
                            while (b < len && !oc.isNull(row(b)) &&
                                   (asc ? oc.valueAt(row(b)).asDouble() <= to : oc.valueAt(row(b)).asDouble() >= to)) {
                                ++b;
                            }
                        }
                        lo[k] = static_cast<std::ptrdiff_t>(a);
                        hi[k] = static_cast<std::ptrdiff_t>(b) - 1;
                    }
                }
                const Column* arg = argCols.empty() ? nullptr : &argCols[0];
                if (w.fn == WinFn::Sum || w.fn == WinFn::Avg || w.fn == WinFn::Count || w.fn == WinFn::CountStar) {
                    prefix.assign(len + 1, 0.0);
                    prefixInt.assign(len + 1, 0);
                    prefixCount.assign(len + 1, 0);
                    for (std::size_t k = 0; k < len; ++k) {
                        const bool present = w.fn == WinFn::CountStar || !arg->isNull(row(k));
                        const Value v = present && arg != nullptr ? arg->valueAt(row(k)) : Value::ofInt(0);
                        prefix[k + 1] = prefix[k] + (present ? v.asDouble() : 0.0);
                        prefixInt[k + 1] = prefixInt[k] + (present && v.type != DataType::Double ? v.i : 0);
                        prefixCount[k + 1] = prefixCount[k] + (present ? 1 : 0);
                    }
                    for (std::size_t k = 0; k < len; ++k) {
                        const std::ptrdiff_t l = lo[k];
                        const std::ptrdiff_t h = hi[k];
                        const std::int64_t count = h < l ? 0 : prefixCount[static_cast<std::size_t>(h + 1)] - prefixCount[static_cast<std::size_t>(l)];
                        Value& out = results[row(k)];
                        if (w.fn == WinFn::Count || w.fn == WinFn::CountStar) {
                            out = Value::ofInt(count);
                        } else if (count > 0) {
                            const auto hs = static_cast<std::size_t>(h + 1);
                            const auto ls = static_cast<std::size_t>(l);
                            if (w.fn == WinFn::Sum && w.type == DataType::Int64) {
                                out = Value::ofInt(prefixInt[hs] - prefixInt[ls]);
                            } else {
                                // re-add the frame when prefix differences may lose precision (large magnitudes)
                                double sum = prefix[hs] - prefix[ls];
                                if (std::fabs(prefix[hs]) > 1e12 || std::fabs(prefix[ls]) > 1e12) {
                                    sum = 0.0;
                                    for (std::size_t j = ls; j < hs; ++j) {
                                        if (!arg->isNull(row(j))) sum += arg->valueAt(row(j)).asDouble();
                                    }
                                }
                                out = Value::ofDouble(w.fn == WinFn::Avg ? sum / static_cast<double>(count) : sum);
                            }
                        }
                    }
                } else if (w.fn == WinFn::FirstValue || w.fn == WinFn::LastValue) {
                    for (std::size_t k = 0; k < len; ++k) {
                        if (hi[k] < lo[k]) continue;
                        const auto at = static_cast<std::size_t>(w.fn == WinFn::FirstValue ? lo[k] : hi[k]);
                        results[row(k)] = arg->valueAt(row(at));
                    }
                } else {  // Min / Max: frames move forward, a monotonic deque of candidates
                    const bool isMin = w.fn == WinFn::Min;
                    std::deque<std::size_t> dq;
                    std::ptrdiff_t added = -1;
                    for (std::size_t k = 0; k < len; ++k) {
                        while (added < hi[k]) {
                            ++added;
                            const std::size_t j = static_cast<std::size_t>(added);
                            if (arg->isNull(row(j))) continue;
                            const Value v = arg->valueAt(row(j));
                            while (!dq.empty()) {
                                const int c = compareValues(arg->valueAt(row(dq.back())), v);
                                if (isMin ? c > 0 : c < 0) {
                                    dq.pop_back();
                                } else {
                                    break;
                                }
                            }
                            dq.push_back(j);
                        }
                        while (!dq.empty() && static_cast<std::ptrdiff_t>(dq.front()) < lo[k]) dq.pop_front();
                        if (!dq.empty() && hi[k] >= lo[k]) results[row(k)] = arg->valueAt(row(dq.front()));
                    }
                }
                break;
            }
        }
        ps = pe;
    }
    Column out(w.type);
    out.reserve(n);
    for (const Value& v : results) appendResult(out, v);
    return out;
}

}  // namespace

Table executeWindows(const PlanNode& node, const Table& input, ExecContext& ctx) {
    Table out;
    for (std::size_t i = 0; i < input.columnCount(); ++i) out.shareColumn(internalName(i), input, i);
    for (const WindowCall& w : node.windows) {
        out.setColumn(internalName(out.columnCount()), computeWindow(w, input, ctx));
    }
    return out;
}

}  // namespace cityops::engine::sql::detail
