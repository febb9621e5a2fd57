#include <QtTest>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cityops/engine/batch/operations.h"

using namespace cityops::engine::batch;

namespace {

constexpr std::size_t kRows = 120000;  // above the engine's parallel thresholds

//! A table with a string key (some nulls), an int key, a double value (some nulls) and an int value.
Table makeTable(std::uint32_t seed, std::size_t rows, const std::vector<std::string>& words) {
    std::mt19937 rng(seed);
    Column word(DataType::String);
    Column k(DataType::Int64);
    Column x(DataType::Double);
    Column n(DataType::Int64);
    for (std::size_t r = 0; r < rows; ++r) {
        if (rng() % 17 == 0)
            word.appendNull();
        else
            word.appendString(words[rng() % words.size()]);
        k.appendInt(static_cast<std::int64_t>(rng() % 50));
        if (rng() % 11 == 0)
            x.appendNull();
        else
            x.appendDouble(static_cast<double>(rng() % 1000) / 8.0);
        n.appendInt(static_cast<std::int64_t>(rng() % 100) - 50);
    }
    Table t;
    t.setColumn("word", std::move(word));
    t.setColumn("k", std::move(k));
    t.setColumn("x", std::move(x));
    t.setColumn("n", std::move(n));
    return t;
}

std::string keyOf(const Table& t, std::size_t r) {
    return t.column("word").toText(r) + "|" + t.column("k").toText(r);
}

}  // namespace

//! The engine's vectorised paths (fixed-width hash keys, shared-dictionary strings, parallel evaluation,
//! join without copying) on tables large enough to take them, checked against plain loops in the test.
class TestLargeOperations : public QObject {
    Q_OBJECT

private slots:
    void joinMatchesNestedLookup() {
        const std::vector<std::string> words{"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
        const Table left = makeTable(1, kRows, words);
        // Built separately: its dictionary orders the strings differently and lacks "zeta", has "eta".
        Table right = makeTable(2, 300, {"eta", "delta", "beta", "alpha", "gamma", "epsilon"});
        right = distinct(right, {"word", "k"});
        right = rename(right, {{"x", "rx"}, {"n", "rn"}});
        std::map<std::string, std::vector<std::size_t>> index;
        for (std::size_t r = 0; r < right.rowCount(); ++r) {
            if (!right.column("word").isNull(r)) index[keyOf(right, r)].push_back(r);
        }
        for (const JoinType type : {JoinType::Inner, JoinType::Left, JoinType::Semi, JoinType::Anti}) {
            const Table joined = join(left, right, {"word", "k"}, {"word", "k"}, type);
            std::vector<std::pair<std::size_t, std::size_t>> expected;  // (left row, right row or npos)
            for (std::size_t l = 0; l < left.rowCount(); ++l) {
                const auto found =
                    left.column("word").isNull(l) ? index.end() : index.find(keyOf(left, l));
                const bool matched = found != index.end();
                if (type == JoinType::Semi && matched) expected.emplace_back(l, 0);
                if (type == JoinType::Anti && !matched) expected.emplace_back(l, 0);
                if ((type == JoinType::Inner || type == JoinType::Left) && matched) {
                    for (const std::size_t r : found->second) expected.emplace_back(l, r);
                }
                if (type == JoinType::Left && !matched) expected.emplace_back(l, Column::kNoRow);
            }
            QCOMPARE(joined.rowCount(), expected.size());
            for (std::size_t i = 0; i < expected.size(); i += 97) {
                const auto [l, r] = expected[i];
                QCOMPARE(joined.column("x").toText(i), left.column("x").toText(l));
                QCOMPARE(joined.column("word").toText(i), left.column("word").toText(l));
                if (type == JoinType::Inner || type == JoinType::Left) {
                    QCOMPARE(joined.column("rn").toText(i), r == Column::kNoRow ? std::string("null")
                                                                                 : right.column("rn").toText(r));
                }
            }
        }
    }

    void leftJoinOnUniqueKeysSharesTheLeftRows() {
        const Table left = makeTable(3, kRows, {"a", "b", "c"});
        const Table right = rename(distinct(select(left, {"word", "k"})), {});
        Table lookup = withColumn(right, "tag", col("k") * litInt(10));
        const Table joined = join(left, lookup, {"word", "k"}, {"word", "k"}, JoinType::Left);
        QCOMPARE(joined.rowCount(), left.rowCount());
        for (std::size_t r = 0; r < kRows; r += 101) {
            QCOMPARE(joined.column("n").intAt(r), left.column("n").intAt(r));
            if (left.column("word").isNull(r))
                QVERIFY(joined.column("tag").isNull(r));
            else
                QCOMPARE(joined.column("tag").intAt(r), left.column("k").intAt(r) * 10);
        }
    }

    void groupByMatchesPlainSums() {
        const Table t = makeTable(4, kRows, {"p", "q", "r", "s"});
        const Table g = groupBy(t, {"word", "k"},
                                {{AggKind::CountAll, "", "rows"},
                                 {AggKind::Count, "x", "xs"},
                                 {AggKind::Sum, "x", "sum_x"},
                                 {AggKind::Avg, "n", "avg_n"},
                                 {AggKind::Sum, "n", "sum_n"},
                                 {AggKind::Max, "x", "max_x"}});
        struct Acc {
            std::int64_t rows = 0, xs = 0, sumN = 0;
            double sumX = 0, maxX = -1;
            std::size_t order = 0;
        };
        std::map<std::string, Acc> expected;
        for (std::size_t r = 0; r < t.rowCount(); ++r) {
            auto [it, inserted] = expected.try_emplace(keyOf(t, r));
            if (inserted) it->second.order = expected.size() - 1;
            Acc& a = it->second;
            ++a.rows;
            a.sumN += t.column("n").intAt(r);
            if (!t.column("x").isNull(r)) {
                ++a.xs;
                a.sumX += t.column("x").doubleAt(r);
                a.maxX = std::max(a.maxX, t.column("x").doubleAt(r));
            }
        }
        QCOMPARE(g.rowCount(), expected.size());
        for (std::size_t i = 0; i < g.rowCount(); ++i) {
            const Acc& a = expected.at(keyOf(g, i));
            QCOMPARE(a.order, i);  // first-appearance order
            QCOMPARE(g.column("rows").intAt(i), a.rows);
            QCOMPARE(g.column("xs").intAt(i), a.xs);
            QCOMPARE(g.column("sum_x").doubleAt(i), a.sumX);  // same order of additions: exact
            QCOMPARE(g.column("sum_n").intAt(i), a.sumN);
            QCOMPARE(g.column("avg_n").doubleAt(i), static_cast<double>(a.sumN) / static_cast<double>(a.rows));
            QCOMPARE(g.column("max_x").doubleAt(i), a.maxX);
        }
    }

    void parallelExpressionsMatchOneThread() {
        const Table t = makeTable(5, kRows + 37, {"u", "v"});  // not a multiple of 64 rows
        const std::vector<Expr> exprs{
            coalesce({col("x"), cast(col("n"), DataType::Double)}),
            round(col("x") / col("n"), 2),
            col("n") * litInt(3) + col("k"),
            caseWhen({{col("n") > litInt(0), litBool(true)}}, litNull(DataType::Bool)),
            coalesce({col("word"), col("word")}),
        };
        for (const Expr& e : exprs) {
            const Column two = evaluate(t, e, 2);
            const Column one = evaluate(t, e, 1);
            QCOMPARE(two.size(), one.size());
            QCOMPARE(two.nullCount(), one.nullCount());
            for (std::size_t r = 0; r < one.size(); ++r) {
                if (one.toText(r) != two.toText(r)) QFAIL(("row " + std::to_string(r) + " differs").c_str());
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestLargeOperations)
#include "test_large_operations.moc"
