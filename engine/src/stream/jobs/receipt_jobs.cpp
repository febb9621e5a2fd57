// The receipts stream of the Spark seed: top 5 stores per 10 s, receipts over 500, popular items.
#include <algorithm>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cityops/engine/stream/city_jobs.h"
#include "jobs_support.h"

namespace cityops::engine::stream {

namespace {

using jobs_detail::ensure;

//! Maps each record with fn (a stateless keyed operator).
template <class In, class Out, class Fn>
class MapOperator final : public KeyedOperator<In, Out> {
public:
    MapOperator(Fn fn, std::string label) : m_fn(std::move(fn)), m_label(std::move(label)) {}
    void processElement(Key key, const In& value, TimeMs eventTime, Collector<Out>& out) override {
        ++m_counters.recordsIn;
        ++m_counters.recordsOut;
        out.collect(key, m_fn(value), eventTime);
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "map(" + m_label + ")"; }

private:
    Fn m_fn;
    std::string m_label;
    OperatorCounters m_counters;
};

template <class In, class Out, class Fn>
std::unique_ptr<KeyedOperator<In, Out>> makeMap(Fn fn, std::string label) {
    return std::make_unique<MapOperator<In, Out, Fn>>(std::move(fn), std::move(label));
}

// ── Top stores (global stage) ───────────────────────────────────────────────────────────────────

class TopStoresOperator final : public KeyedOperator<WindowResult<double>, TopStores> {
public:
    void processElement(Key key, const WindowResult<double>& value, TimeMs eventTime, Collector<TopStores>& out) override {
        (void)eventTime;
        (void)out;
        ++m_counters.recordsIn;
        auto& stores = m_pending[{value.windowEnd, value.windowStart}];
        const auto store = static_cast<std::uint32_t>(key);
        auto it = std::find_if(stores.begin(), stores.end(), [&](const StoreRevenue& s) { return s.storeId == store; });
        if (it != stores.end()) {
            it->revenue = value.value;  // a re-firing replaces the store's revenue
        } else {
            stores.push_back(StoreRevenue{store, value.value});
        }
    }

    void onWatermark(TimeMs watermark, Collector<TopStores>& out) override {
        while (!m_pending.empty() && m_pending.begin()->first.first <= watermark) {
            auto it = m_pending.begin();
            auto& stores = it->second;
            std::sort(stores.begin(), stores.end(), [](const StoreRevenue& a, const StoreRevenue& b) {
                return a.revenue != b.revenue ? a.revenue > b.revenue : a.storeId < b.storeId;
            });
            TopStores top;
            top.windowEnd = it->first.first;
            top.windowStart = it->first.second;
            top.count = static_cast<std::uint32_t>(std::min<std::size_t>(stores.size(), top.stores.size()));
            std::copy_n(stores.begin(), top.count, top.stores.begin());
            ++m_counters.recordsOut;
            out.collect(0, top, top.windowEnd - 1);
            m_pending.erase(it);
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x544f5031);  // "TOP1"
        writer.put<std::uint64_t>(m_pending.size());
        for (const auto& [window, stores] : m_pending) {
            writer.put<TimeMs>(window.first);
            writer.put<TimeMs>(window.second);
            writer.put<std::uint64_t>(stores.size());
            for (const StoreRevenue& s : stores) {
                writer.put<StoreRevenue>(s);
            }
        }
    }
    bool restore(StateReader& reader, const KeyFilter& filter) override {
        (void)filter;
        if (reader.get<std::uint32_t>() != 0x544f5031) {
            return false;
        }
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const TimeMs end = reader.get<TimeMs>();
            const TimeMs start = reader.get<TimeMs>();
            const auto count = reader.get<std::uint64_t>();
            auto& stores = m_pending[{end, start}];
            for (std::uint64_t j = 0; j < count && !reader.failed(); ++j) {
                stores.push_back(reader.get<StoreRevenue>());
            }
        }
        return !reader.failed();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "global(top 5 stores by revenue)"; }

private:
    std::map<std::pair<TimeMs, TimeMs>, std::vector<StoreRevenue>> m_pending;  //!< (end, start) → stores
    OperatorCounters m_counters;
};

PopularItems popularItems(Key key, const TimeWindow& window, std::span<const ReceiptItemEvent> items) {
    std::vector<ItemUnits> units;
    std::uint64_t total = 0;
    for (const ReceiptItemEvent& item : items) {
        total += item.quantity;
        auto it = std::find_if(units.begin(), units.end(), [&](const ItemUnits& u) { return u.itemId == item.itemId; });
        if (it == units.end()) {
            units.push_back(ItemUnits{item.itemId, item.quantity});
        } else {
            it->units += item.quantity;
        }
    }
    std::sort(units.begin(), units.end(), [](const ItemUnits& a, const ItemUnits& b) {
        return a.units != b.units ? a.units > b.units : a.itemId < b.itemId;
    });
    PopularItems result;
    result.windowStart = window.start;
    result.windowEnd = window.end;
    result.categoryId = static_cast<std::uint16_t>(key);
    result.categoryUnits = total;
    result.count = static_cast<std::uint32_t>(std::min(units.size(), result.items.size()));
    std::copy_n(units.begin(), result.count, result.items.begin());
    return result;
}

}  // namespace

ReceiptJobs buildReceiptJobs(ReceiptJobsConfig config, ReceiptJobsOutputs& outputs) {
    if (config.job.jobId.empty() || config.job.jobId == "job") {
        config.job.jobId = "receipts";
    }
    const TimeMs size = config.windowMs;
    const double big = config.bigReceiptUah;

    JobBuilder<ReceiptEvent> receipts(config.job);
    auto byStore = receipts.keyBy([](const ReceiptEvent& r) { return Key{r.storeId}; },
                                  [](const ReceiptEvent& r) { return r.eventTimeMs; });
    byStore
        .process([size](int) {
            return makeWindowOperator<ReceiptEvent>(WindowAssigner::tumbling(size),
                                                    aggregateOf(SumAggregate{}, [](const ReceiptEvent& r) { return r.total; }));
        })
        .global([] { return std::make_unique<TopStoresOperator>(); })
        .sink(ensure(outputs.topStores));
    byStore
        .process([big](int) {
            return makeFilter<ReceiptEvent>([big](const ReceiptEvent& r) { return r.total > big; },
                                            "total > " + std::to_string(static_cast<int>(big)));
        })
        .sink(ensure(outputs.bigReceipts));
    addRetailRushRule(receipts, config, outputs);  // last: older checkpoints hold the nodes before it

    JobConfig itemsConfig = config.job;
    itemsConfig.jobId = config.job.jobId + "-items";
    JobBuilder<ReceiptItemEvent> items(itemsConfig);
    items.keyBy([](const ReceiptItemEvent& r) { return Key{r.categoryId}; },
                [](const ReceiptItemEvent& r) { return r.eventTimeMs; })
        .process([size](int) {
            return makeWindowOperator<ReceiptItemEvent>(WindowAssigner::tumbling(size),
                                                        processWindow<ReceiptItemEvent>(&popularItems, "popular items"));
        })
        .process([](int) {
            return makeMap<WindowResult<PopularItems>, PopularItems>(
                [](const WindowResult<PopularItems>& r) { return r.value; }, "window value");
        })
        .sink(ensure(outputs.popularItems));

    ReceiptJobs jobs;
    jobs.receipts = receipts.build();
    jobs.items = items.build();
    return jobs;
}

}  // namespace cityops::engine::stream
