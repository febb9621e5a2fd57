#include "cityops/simulation/receipt_run.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "cityops/engine/stream/receipt_codec.h"
#include "cityops/simulation/retail.h"

namespace cityops::simulation {

namespace {

namespace st = engine::stream;

constexpr std::int64_t kStepMs = 60'000;  //!< simulated time generated per push

}  // namespace

st::ReceiptEvent toReceiptEvent(const Receipt& r) {
    st::ReceiptEvent e;
    e.eventTimeMs = r.eventTimeMs;
    e.receiptId = st::receiptIdOf(r.storeId, r.number);
    e.storeId = r.storeId;
    e.cashierId = r.cashierId;
    e.districtId = r.districtId;
    for (const ReceiptLine& line : r.items()) {
        e.total += line.priceUah * line.quantity;
        e.units += line.quantity;
        ++e.itemCount;
    }
    return e;
}

bool hasRetailIncidents(const Scenario& scenario) {
    return std::any_of(scenario.incidents.begin(), scenario.incidents.end(),
                       [](const Incident& i) { return i.kind == IncidentKind::RetailRush; });
}

ReceiptsRunSummary runReceiptJobs(const City& city, const Scenario& scenario, std::int64_t durationMs, int workers,
                                  const std::atomic<bool>* cancel) {
    ReceiptsRunSummary summary;
    std::vector<Store> stores = generateStores(city, scenario.seed);
    summary.stores = stores.size();
    std::vector<std::string> storeNames;
    storeNames.reserve(stores.size());
    for (const Store& s : stores) {
        storeNames.push_back(s.name);
    }
    ReceiptGenerator generator(std::move(stores), city, scenario);

    st::ReceiptJobsConfig config;
    config.job.workers = workers;
    config.job.checkpointIntervalMs = 0;
    st::ReceiptJobsOutputs outputs;
    st::ReceiptJobs jobs = st::buildReceiptJobs(config, outputs);
    st::ReceiptDictionary dictionary;

    std::vector<Receipt> receipts;
    std::vector<st::ReceiptEvent> events;
    std::vector<st::ReceiptItemEvent> items;
    std::vector<st::TopStores> top;
    std::vector<st::ReceiptEvent> big;
    std::vector<st::PopularItems> popular;
    std::vector<std::uint64_t> firsts(storeNames.size(), 0);
    std::vector<std::uint64_t> categoryUnits;

    auto drain = [&] {
        top.clear();
        outputs.topStores->drain(top);
        summary.topStoreWindows += top.size();
        for (const st::TopStores& t : top) {
            if (t.count > 0 && t.stores[0].storeId < firsts.size()) {
                ++firsts[t.stores[0].storeId];
                summary.maxWindowRevenueUah = std::max(summary.maxWindowRevenueUah, t.stores[0].revenue);
            }
        }
        big.clear();
        outputs.bigReceipts->drain(big);
        summary.bigReceipts += big.size();
        for (const st::ReceiptEvent& r : big) {
            summary.maxReceiptUah = std::max(summary.maxReceiptUah, r.total);
        }
        popular.clear();
        outputs.popularItems->drain(popular);
        summary.popularItemWindows += popular.size();
        for (const st::PopularItems& p : popular) {
            if (p.categoryId >= categoryUnits.size()) {
                categoryUnits.resize(p.categoryId + std::size_t{1}, 0);
            }
            categoryUnits[p.categoryId] += p.categoryUnits;
        }
    };

    const std::int64_t end = scenario.startTimeMs + std::max<std::int64_t>(0, durationMs);
    for (std::int64_t t = scenario.startTimeMs; t < end;) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            break;
        }
        t = std::min(end, t + kStepMs);
        receipts.clear();
        generator.advanceTo(t, receipts);
        events.clear();
        items.clear();
        for (const Receipt& r : receipts) {
            const st::ReceiptEvent e = toReceiptEvent(r);
            for (const ReceiptLine& line : r.items()) {
                st::ReceiptItemEvent item;
                item.eventTimeMs = r.eventTimeMs;
                item.receiptId = e.receiptId;
                item.storeId = r.storeId;
                item.itemId = dictionary.internItem(line.name);
                item.categoryId = static_cast<std::uint16_t>(dictionary.internCategory(toString(line.category)));
                item.quantity = line.quantity;
                item.price = line.priceUah;
                items.push_back(item);
            }
            events.push_back(e);
        }
        jobs.receipts->push(events);
        jobs.items->push(items);
        summary.receipts += events.size();
        summary.items += items.size();
        drain();
    }
    jobs.receipts->finish();
    jobs.items->finish();
    drain();

    const auto best = std::max_element(firsts.begin(), firsts.end());
    if (best != firsts.end() && *best > 0) {
        summary.topStore = storeNames[static_cast<std::size_t>(best - firsts.begin())];
        summary.topStoreFirsts = *best;
    }
    const auto bestCategory = std::max_element(categoryUnits.begin(), categoryUnits.end());
    if (bestCategory != categoryUnits.end() && *bestCategory > 0) {
        summary.topCategory =
            std::string(dictionary.categoryName(static_cast<std::uint16_t>(bestCategory - categoryUnits.begin())));
        summary.topCategoryUnits = *bestCategory;
    }
    summary.lateEvents = jobs.receipts->metrics().lateEvents + jobs.items->metrics().lateEvents;
    summary.dropped = outputs.topStores->dropped() + outputs.bigReceipts->dropped() + outputs.popularItems->dropped();
    return summary;
}

std::string formatReceiptsSummary(const ReceiptsRunSummary& s) {
    auto fixed = [](double value) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.2f", value);
        return std::string(buffer);
    };
    std::string text;
    text += "stores: " + std::to_string(s.stores) + "\n";
    text += "receipts: " + std::to_string(s.receipts) + "\n";
    text += "receipt_items: " + std::to_string(s.items) + "\n";
    text += "top_stores_windows: " + std::to_string(s.topStoreWindows) + "\n";
    text += "top_store: " + (s.topStore.empty() ? std::string("-") : s.topStore) + " (first in " +
            std::to_string(s.topStoreFirsts) + " windows)\n";
    text += "max_window_revenue_uah: " + fixed(s.maxWindowRevenueUah) + "\n";
    text += "big_receipts: " + std::to_string(s.bigReceipts) + "\n";
    text += "max_receipt_uah: " + fixed(s.maxReceiptUah) + "\n";
    text += "popular_items_windows: " + std::to_string(s.popularItemWindows) + "\n";
    text += "top_category: " + (s.topCategory.empty() ? std::string("-") : s.topCategory) + " (" +
            std::to_string(s.topCategoryUnits) + " units)\n";
    text += "receipts_late_events: " + std::to_string(s.lateEvents) + "\n";
    text += "receipts_results_dropped: " + std::to_string(s.dropped) + "\n";
    return text;
}

}  // namespace cityops::simulation
