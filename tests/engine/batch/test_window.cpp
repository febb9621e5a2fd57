#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/operations.h"
#include "cityops/engine/batch/result.h"
#include "cityops/engine/batch/window.h"

using namespace cityops::engine::batch;

namespace {

Table csv(const std::string& text) {
    return readCsvText(text).value().table;
}

std::vector<std::string> columnText(const Table& t, std::string_view name) {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < t.rowCount(); ++r) out.push_back(t.column(name).toText(r));
    return out;
}

using Strings = std::vector<std::string>;

}  // namespace

//! Window functions (lag, RANGE-frame moving average, partitioned) and approximate percentiles.
class TestWindow : public QObject {
    Q_OBJECT

private slots:
    void lagPartitioned() {
        const Table t = csv("s,t,v\na,3,30\nb,1,100\na,1,10\na,2,\nb,2,200\n");
        const Table out = lag(t, {{"s"}, "t"}, "v", 1, "prev");
        QCOMPARE(columnText(out, "prev"), (Strings{"null", "null", "null", "10", "100"}));
        QCOMPARE(columnText(lag(t, {{}, "t"}, "v", 2, "p2"), "p2"), (Strings{"null", "null", "null", "100", "10"}));
    }

    void movingAverageRangeFrame() {
        // Order values 1, 2, 4, 10 with a frame of 2 preceding: gaps shrink the frame (RANGE, not ROWS).
        const Table t = csv("s,t,v\nx,1,1\nx,2,2\nx,4,4\nx,10,10\ny,1,100\nx,,7\n");
        const Table out = movingAverage(t, {{"s"}, "t"}, "v", 2, 0, "avg");
        QCOMPARE(columnText(out, "avg"), (Strings{"1.0", "1.5", "3.0", "10.0", "100.0", "null"}));
        const Table centred = movingAverage(t, {{"s"}, "t"}, "v", 1, 1, "avg");
        QCOMPARE(columnText(centred, "avg"), (Strings{"1.5", "1.5", "4.0", "10.0", "100.0", "null"}));
        QVERIFY_THROWS_EXCEPTION(BatchError, movingAverage(t, {{}, "s"}, "v", 1, 1, "a"));
    }

    void movingAverageOverDates() {
        const Table t = csv("d,v\n2024-01-01,1\n2024-01-02,3\n2024-01-05,5\n");
        QCOMPARE(columnText(movingAverage(t, {{}, "d"}, "v", 3, 0, "ma"), "ma"), (Strings{"1.0", "2.0", "4.0"}));
    }

    void approximatePercentiles() {
        std::mt19937 rng(11);
        std::string text = "g,x\n";
        std::vector<double> values;
        for (int i = 0; i < 100000; ++i) {
            const double x = std::exponential_distribution<double>(0.01)(rng);
            values.push_back(x);
            text += "g," + std::to_string(x) + "\n";
        }
        std::sort(values.begin(), values.end());
        const Table t = csv(text);
        for (const double q : {0.01, 0.5, 0.9, 0.99}) {
            const Table g = groupBy(
                t, {"g"}, {{AggKind::ApproxPercentile, "x", "approx", q}, {AggKind::Percentile, "x", "exact", q}});
            const double approx = g.column("approx").doubleAt(0);
            const auto rank =
                static_cast<double>(std::lower_bound(values.begin(), values.end(), approx) - values.begin());
            QVERIFY2(std::fabs(rank / static_cast<double>(values.size()) - q) < 0.005, qPrintable(QString::number(q)));
            QVERIFY(std::fabs(g.column("exact").doubleAt(0) - values[static_cast<std::size_t>(q * 99999)]) < 1.0);
        }
    }
};

QTEST_APPLESS_MAIN(TestWindow)
#include "test_window.moc"
