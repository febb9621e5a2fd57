#include <QtTest>
#include <map>
#include <set>

#include "cityops/simulation/retail.h"
#include "sim_test_util.h"

using namespace cityops::simulation;
using namespace cityops::simulation::testutil;

namespace {

constexpr std::int64_t kLocalMidnight = k2026_03_02T08Z - 10 * kHour;  // Monday 00:00 local (UTC+2)

std::vector<Receipt> receipts(const City& city, const Scenario& scenario, std::int64_t durationMs,
                              std::int64_t stepMs) {
    ReceiptGenerator generator(generateStores(city, scenario.seed), city, scenario);
    std::vector<Receipt> out;
    for (std::int64_t t = scenario.startTimeMs; t < scenario.startTimeMs + durationMs;) {
        t = std::min(t + stepMs, scenario.startTimeMs + durationMs);
        generator.advanceTo(t, out);
    }
    return out;
}

std::uint64_t receiptHash(const std::vector<Receipt>& list) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto add = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; };
    for (const Receipt& r : list) {
        add(static_cast<std::uint64_t>(r.eventTimeMs));
        add(r.number);
        add(r.storeId);
        add(r.cashierId);
        for (const ReceiptLine& line : r.items()) {
            add(std::hash<std::string_view>{}(line.name));
            add(line.quantity);
            add(static_cast<std::uint64_t>(line.priceUah * 100));
        }
    }
    return h;
}

Scenario dayScenario() {
    Scenario scenario = baseScenario(200);
    scenario.startTimeMs = kLocalMidnight;
    return scenario;
}

}  // namespace

class TestRetail : public QObject {
    Q_OBJECT

private slots:
    void storesAndCatalogue();
    void deterministicWhateverTheSteps();
    void receiptsAreWellFormed();
    void dailyPatternAndRate();
    void retailRushMultipliesCustomersAndBaskets();
};

void TestRetail::storesAndCatalogue() {
    const City city = generateDemoCity(42, 200);
    const std::vector<Store> stores = generateStores(city, 42, 3);
    QCOMPARE(stores.size(), std::size_t{30});
    for (std::size_t i = 0; i < stores.size(); ++i) {
        QCOMPARE(stores[i].id, std::uint32_t(i));
        QCOMPARE(districtAt(city, stores[i].position), int(stores[i].districtId));
        QVERIFY(stores[i].cashiers >= 1 && stores[i].cashiers <= 10);
    }
    QCOMPARE(stores[4].name, std::string("Store-Shevchenkivskyi-02"));
    std::set<RetailCategory> categories;
    for (const RetailItem& item : retailCatalogue()) {
        categories.insert(item.category);
        QVERIFY(item.priceUah > 0.0 && !item.name.empty());
    }
    QCOMPARE(int(categories.size()), kRetailCategoryCount);
    QCOMPARE(toString(RetailCategory::ElectricHouseholdEssentials), std::string_view("Electric household essentials"));
    QCOMPARE(toString(RetailCategory::MilkProducts), std::string_view("Milk Products"));
}

void TestRetail::deterministicWhateverTheSteps() {
    Scenario scenario = dayScenario();
    scenario.startTimeMs += 11 * kHour + 17'345;  // mid-minute start
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const auto a = receipts(city, scenario, 2 * kHour, 1'000);
    QVERIFY(a.size() > 500);
    QCOMPARE(receiptHash(receipts(city, scenario, 2 * kHour, 7'777)), receiptHash(a));
    QCOMPARE(receiptHash(receipts(city, scenario, 2 * kHour, 2 * kHour)), receiptHash(a));
    Scenario other = scenario;
    other.seed += 1;
    QVERIFY(receiptHash(receipts(city, other, 2 * kHour, 1'000)) != receiptHash(a));
}

void TestRetail::receiptsAreWellFormed() {
    const Scenario scenario = dayScenario();
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Store> stores = generateStores(city, scenario.seed);
    const auto list = receipts(city, scenario, 24 * kHour, 10 * kMinute);
    std::map<std::uint32_t, std::uint64_t> lastNumber;
    std::set<RetailCategory> categories;
    std::set<std::string_view> catalogueNames;
    for (const RetailItem& item : retailCatalogue()) {
        catalogueNames.insert(item.name);
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Receipt& r = list[i];
        if (i > 0) {
            const Receipt& p = list[i - 1];
            QVERIFY(p.eventTimeMs < r.eventTimeMs || (p.eventTimeMs == r.eventTimeMs && p.storeId < r.storeId));
        }
        QCOMPARE(r.number, lastNumber[r.storeId] + 1);
        lastNumber[r.storeId] = r.number;
        QVERIFY(r.cashierId >= 1 && r.cashierId <= stores[r.storeId].cashiers);
        QCOMPARE(r.districtId, stores[r.storeId].districtId);
        QVERIFY(r.lineCount >= 1 && r.lineCount <= kMaxReceiptLines);
        double total = 0.0;
        for (const ReceiptLine& line : r.items()) {
            QVERIFY(catalogueNames.count(line.name) == 1);
            QVERIFY(line.quantity >= 1 && line.quantity <= 3);
            categories.insert(line.category);
            total += line.priceUah * line.quantity;
        }
        QCOMPARE(r.totalUah(), total);
    }
    QCOMPARE(int(categories.size()), kRetailCategoryCount);
}

void TestRetail::dailyPatternAndRate() {
    const Scenario scenario = dayScenario();  // Monday
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Store> stores = generateStores(city, scenario.seed);
    const auto list = receipts(city, scenario, 24 * kHour, kHour);
    std::array<int, 24> byHour{};
    for (const Receipt& r : list) {
        ++byHour[static_cast<std::size_t>((r.eventTimeMs - kLocalMidnight) / kHour)];
    }
    for (int hour : {0, 3, 7, 22, 23}) {
        QCOMPARE(byHour[static_cast<std::size_t>(hour)], 0);  // closed 22:00–08:00
    }
    QVERIFY(byHour[12] > 1.5 * byHour[8]);   // lunch
    QVERIFY(byHour[18] > 1.5 * byHour[15]);  // after work
    // The weekday profile integrates to 9.0 peak-hours: expected customers = 9 × Σ peak per hour.
    double peakSum = 0.0;
    for (const Store& store : stores) {
        peakSum += store.peakCustomersPerHour;
    }
    const double ratio = static_cast<double>(list.size()) / (9.0 * peakSum);
    QVERIFY2(ratio > 0.95 && ratio < 1.05, qPrintable(QString::number(ratio)));
}

void TestRetail::retailRushMultipliesCustomersAndBaskets() {
    Scenario scenario = dayScenario();
    scenario.startTimeMs += 10 * kHour;
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const auto normal = receipts(city, scenario, 3 * kHour, kMinute);
    Incident rush = incidentOf(IncidentKind::RetailRush, kHour, kHour);
    rush.district = "Pecherskyi";
    rush.rateMultiplier = 3.0;
    rush.basketFactor = 2.0;
    scenario.incidents.push_back(rush);
    const auto rushed = receipts(city, scenario, 3 * kHour, kMinute);
    const std::uint16_t pecherskyi = 2;
    struct Tally {
        int receipts = 0;
        int lines = 0;
    };
    auto tally = [&](const std::vector<Receipt>& list, bool inRush) {
        Tally t;
        for (const Receipt& r : list) {
            const bool during =
                r.eventTimeMs >= scenario.startTimeMs + kHour && r.eventTimeMs < scenario.startTimeMs + 2 * kHour;
            if (r.districtId == pecherskyi && during == inRush) {
                ++t.receipts;
                t.lines += r.lineCount;
            }
        }
        return t;
    };
    const Tally before = tally(normal, true);
    const Tally after = tally(rushed, true);
    const double rate = static_cast<double>(after.receipts) / before.receipts;
    const double basket =
        (static_cast<double>(after.lines) / after.receipts) / (static_cast<double>(before.lines) / before.receipts);
    QVERIFY2(rate > 2.6 && rate < 3.4, qPrintable(QString::number(rate)));
    QVERIFY2(basket > 1.8 && basket < 2.2, qPrintable(QString::number(basket)));
    QCOMPARE(tally(rushed, false).receipts, tally(normal, false).receipts);
    std::vector<Receipt> otherA, otherB;
    std::copy_if(normal.begin(), normal.end(), std::back_inserter(otherA),
                 [&](const Receipt& r) { return r.districtId != pecherskyi; });
    std::copy_if(rushed.begin(), rushed.end(), std::back_inserter(otherB),
                 [&](const Receipt& r) { return r.districtId != pecherskyi; });
    QCOMPARE(receiptHash(otherB), receiptHash(otherA));
}

QTEST_GUILESS_MAIN(TestRetail)
#include "test_retail.moc"
