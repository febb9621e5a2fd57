#include <QtTest>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "cityops/engine/batch/retail_workflow.h"

using namespace cityops::engine::batch;

namespace {

//! One CSV row, parsed naively (the shared file has no quoted fields; the test checks that).
struct Row {
    std::string id, category, item, payment, location, date;
    std::optional<double> price, quantity, total;
};

std::optional<double> number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return std::stod(s);
}

std::vector<Row> naiveRows() {
    std::ifstream in(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv");
    std::string line;
    std::getline(in, line);
    std::vector<Row> rows;
    while (std::getline(in, line)) {
        if (line.find('"') != std::string::npos) qFatal("quoted field: the naive parser does not apply");
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) f.push_back(cell);
        if (!line.empty() && line.back() == ',') f.emplace_back();
        if (f.size() != 11) qFatal("unexpected field count");
        rows.push_back(Row{f[0], f[2], f[3], f[7], f[8], f[9], number(f[4]), number(f[5]), number(f[6])});
    }
    return rows;
}

//! The independent computation of the workflow's figures.
struct Expected {
    std::size_t catalogue = 0, items = 0, totals = 0, quantities = 0, prices = 0, lateItems = 0, lateOther = 0;
    std::size_t dropped = 0, finalRows = 0;
    std::vector<std::pair<std::string, double>> top5;
    std::map<std::string, double> avgPayment, avgLocation;
    std::vector<Row> cleaned;
};

Expected compute(std::vector<Row> rows) {
    Expected e;
    std::set<std::tuple<std::string, std::string, double>> catalogue;
    std::map<std::pair<std::string, double>, std::set<std::string>> byKey;
    for (const Row& r : rows) {
        if (r.item.empty() || !r.price) continue;
        catalogue.emplace(r.category, r.item, *r.price);
        byKey[{r.category, *r.price}].insert(r.item);
    }
    e.catalogue = catalogue.size();
    for (int round = 0; round < 10; ++round) {
        std::size_t items = 0, totals = 0, quantities = 0, prices = 0;
        for (Row& r : rows) {
            if (!r.item.empty() || !r.price) continue;
            const auto it = byKey.find({r.category, *r.price});
            if (it != byKey.end() && it->second.size() == 1) r.item = *it->second.begin(), ++items;
        }
        for (Row& r : rows) {
            if (!r.total && r.quantity && r.price) r.total = *r.quantity * *r.price, ++totals;
        }
        for (Row& r : rows) {
            if (!r.quantity && r.total && r.price && *r.price != 0)
                r.quantity = std::round(*r.total / *r.price), ++quantities;
        }
        for (Row& r : rows) {
            if (!r.price && r.total && r.quantity && *r.quantity != 0) {
                r.price = std::round(*r.total / *r.quantity * 100.0) / 100.0, ++prices;
            }
        }
        if (round == 0) {
            e.items = items, e.totals = totals, e.quantities = quantities, e.prices = prices;
        } else {
            e.lateItems += items;
            e.lateOther += totals + quantities + prices;
        }
        if (round > 0 && items + totals + quantities + prices == 0) break;
    }
    std::map<std::string, double> units;
    std::map<std::string, std::pair<double, int>> pay, loc;
    for (const Row& r : rows) {
        if (r.category.empty() || !r.quantity || !r.total || !r.price) {
            ++e.dropped;
            continue;
        }
        e.cleaned.push_back(r);
        units[r.category] += *r.quantity;
        pay[r.payment].first += *r.total, ++pay[r.payment].second;
        loc[r.location].first += *r.total, ++loc[r.location].second;
    }
    e.finalRows = e.cleaned.size();
    e.top5.assign(units.begin(), units.end());
    std::sort(e.top5.begin(), e.top5.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    e.top5.resize(std::min<std::size_t>(5, e.top5.size()));
    for (const auto& [k, v] : pay) e.avgPayment[k] = std::round(v.first / v.second * 100.0) / 100.0;
    for (const auto& [k, v] : loc) e.avgLocation[k] = std::round(v.first / v.second * 100.0) / 100.0;
    return e;
}

unsigned isoWeekday(const std::string& date) {
    using namespace std::chrono;
    const year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                             month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                             day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
    return weekday{sys_days{ymd}}.iso_encoding();
}

}  // namespace

//! The retail workflow on the shared CSV, every figure checked against a separate naive computation.
class TestRetailWorkflow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        auto result = runRetailWorkflow(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv");
        QVERIFY2(result.ok(), result.error().c_str());
        m_report = std::move(result).value();
        m_rows = naiveRows();
        m_expected = compute(m_rows);
        for (const RetailStep& s : m_report.steps) qInfo("%s %s: %s", s.id.c_str(), s.title.c_str(), s.summary.c_str());
        qInfo("%s", m_report.steps[9].text.c_str());
    }

    void loadAndSchemas() {
        QCOMPARE(m_report.rowsLoaded, m_rows.size());
        QCOMPARE(m_report.rowsRejected, std::size_t{0});
        QCOMPARE(m_report.steps.size(), std::size_t{11});
        QVERIFY(m_report.steps[0].text.find("only showing top 5 rows") != std::string::npos);
        QVERIFY(m_report.steps[1].text.find(" |-- price_per_unit: double") != std::string::npos);
        const std::string typed = m_report.typed.schemaText();
        QVERIFY(typed.find(" |-- quantity: long") != std::string::npos);
        QVERIFY(typed.find(" |-- total_spent: double") != std::string::npos);
        QVERIFY(typed.find(" |-- transaction_date: date") != std::string::npos);
        QVERIFY(typed.find(" |-- discount_applied: boolean") != std::string::npos);
        for (const auto& [name, count] : m_report.castNewNulls) QCOMPARE(count, std::size_t{0});
        std::size_t missingPrice = 0;
        for (const Row& r : m_rows) missingPrice += r.price ? 0 : 1;
        QCOMPARE(m_report.typed.column("price_per_unit").nullCount(), missingPrice);
        QVERIFY(m_report.peakTableBytes > 0);
    }

    void recoveryCounts() {
        QCOMPARE(m_report.catalogue.rowCount(), m_expected.catalogue);
        QCOMPARE(m_report.itemsRecovered, m_expected.items);
        QCOMPARE(m_report.totalsRecomputed, m_expected.totals);
        QCOMPARE(m_report.quantitiesFilled, m_expected.quantities);
        QCOMPARE(m_report.pricesFilled, m_expected.prices);
        QCOMPARE(m_report.itemsRecoveredAfterFill, m_expected.lateItems);
        QCOMPARE(m_report.totalsRecomputedAfterFill + m_report.valuesFilledAfterFill, m_expected.lateOther);
        QVERIFY(m_report.itemsRecoveredAfterFill > 0);
        QCOMPARE(m_report.recoveredItemsSample.rowCount(), std::size_t{20});
        QCOMPARE(m_report.filledSample.rowCount(), std::size_t{20});
        QCOMPARE(m_report.lateRecoveredSample.rowCount(), std::size_t{20});
        for (std::size_t r = 0; r < 20; ++r) {
            QVERIFY(!m_report.recoveredItemsSample.column("item").isNull(r));
            QVERIFY(!m_report.filledSample.column("price_per_unit").isNull(r));
            QVERIFY(!m_report.lateRecoveredSample.column("item").isNull(r));
        }
    }

    void dropAndFinalCount() {
        QCOMPARE(m_report.rowsDropped, m_expected.dropped);
        QCOMPARE(m_report.finalRows, m_expected.finalRows);
        QCOMPARE(m_report.cleaned.rowCount(), m_expected.finalRows);
        QCOMPARE(m_report.cleaned.column("item").nullCount(), std::size_t{0});
    }

    void topCategories() {
        const Table& top = m_report.topCategories;
        QCOMPARE(top.rowCount(), m_expected.top5.size());
        for (std::size_t i = 0; i < top.rowCount(); ++i) {
            QCOMPARE(std::string(top.column("category").stringAt(i)), m_expected.top5[i].first);
            QCOMPARE(static_cast<double>(top.column("units_sold").intAt(i)), m_expected.top5[i].second);
        }
    }

    void averages() {
        for (const auto& [table, key, expected] :
             {std::tuple{&m_report.avgByPayment, "payment_method", &m_expected.avgPayment},
              std::tuple{&m_report.avgByLocation, "location", &m_expected.avgLocation}}) {
            QCOMPARE(table->rowCount(), expected->size());
            for (std::size_t i = 0; i < table->rowCount(); ++i) {
                const std::string k(table->column(key).stringAt(i));
                QVERIFY(std::fabs(table->column("avg_total_spent").doubleAt(i) - expected->at(k)) < 1e-9);
            }
        }
    }

    void dateParts() {
        const Table& t = m_report.withDateParts;
        QCOMPARE(t.rowCount(), m_expected.cleaned.size());
        for (std::size_t r = 0; r < t.rowCount(); ++r) {
            const Row& row = m_expected.cleaned[r];
            QCOMPARE(std::string(t.column("transaction_id").stringAt(r)), row.id);
            QCOMPARE(static_cast<unsigned>(t.column("day_of_week").intAt(r)), isoWeekday(row.date));
            QCOMPARE(t.column("transaction_month").intAt(r), std::int64_t{std::stoi(row.date.substr(5, 2))});
        }
    }

    void sameFiguresOnOneThread() {
        CsvOptions one;
        one.threads = 1;
        CsvOptions two;
        two.threads = 2;
        two.parallelThresholdBytes = 0;
        const std::string path = std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv";
        const RetailReport a = runRetailWorkflow(path, one).value();
        const RetailReport b = runRetailWorkflow(path, two).value();
        for (const RetailReport* r : {&a, &b}) {
            QCOMPARE(r->itemsRecovered + r->itemsRecoveredAfterFill,
                     m_report.itemsRecovered + m_report.itemsRecoveredAfterFill);
            QCOMPARE(r->finalRows, m_report.finalRows);
            QCOMPARE(r->topCategories.showText(), m_report.topCategories.showText());
            QCOMPARE(r->avgByPayment.showText(), m_report.avgByPayment.showText());
            QCOMPARE(r->withDateParts.showText(100), m_report.withDateParts.showText(100));
        }
    }

    //! The workflow reports rising fractions from 0 to 1 and stops at whichever one the callback refuses,
    //! the last step included, without calling it again.
    void cancelAtEveryReportedFraction() {
        auto loaded = readCsvFile(std::string(CITYOPS_SHARED_DATA_DIR) + "/retail_store_sales.csv");
        QVERIFY(loaded.ok());
        const Table& raw = loaded.value().table;
        std::vector<double> fractions;
        auto full = runRetailWorkflow(raw, [&](double f) {
            fractions.push_back(f);
            return true;
        });
        QVERIFY(full.ok());
        QCOMPARE(full.value().finalRows, m_report.finalRows);
        QCOMPARE(full.value().topCategories.showText(), m_report.topCategories.showText());
        QVERIFY(fractions.size() >= 12);  // the start and each of the 11 steps at least
        QCOMPARE(fractions.front(), 0.0);
        QCOMPARE(fractions.back(), 1.0);
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
        QVERIFY(fractions[fractions.size() - 2] > 0.9);  // the last 10 % is reported too
        for (std::size_t stopAt = 0; stopAt < fractions.size(); ++stopAt) {
            std::size_t calls = 0;
            auto stopped = runRetailWorkflow(raw, [&](double) { return calls++ != stopAt; });
            QVERIFY2(!stopped.ok(), std::to_string(stopAt).c_str());
            QCOMPARE(stopped.error(), std::string(kRetailCancelled));
            QCOMPARE(calls, stopAt + 1);
        }
    }

    void badPathFails() { QVERIFY(!runRetailWorkflow(std::string("/nonexistent.csv"))); }

private:
    RetailReport m_report;
    std::vector<Row> m_rows;
    Expected m_expected;
};

QTEST_APPLESS_MAIN(TestRetailWorkflow)
#include "test_retail_workflow.moc"
