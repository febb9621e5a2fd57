// Retail rush: receipts per store per window far above that store's own baseline (a sale in one
// district), or most stores well above theirs at once (a city-wide rush).
#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "cityops/engine/stream/city_jobs.h"
#include "jobs_support.h"

namespace cityops::engine::stream {

namespace {

using jobs_detail::floorDiv;
using jobs_detail::makeAlert;
using jobs_detail::sortedKeys;

//! One store's receipts in one window (what the per-store stage hands to the judge).
struct StoreWindowCount {
    TimeMs windowEnd = 0;
    std::uint32_t storeId = 0;
    std::uint32_t count = 0;
    std::uint16_t districtId = 0;
    std::uint16_t unused[3] = {};
};
static_assert(sizeof(StoreWindowCount) == 24, "StoreWindowCount must have no padding");

//! Counts each store's receipts per tumbling window; emits a store's count once the watermark
//! passes the window's end (keyed by store).
class StoreCountOperator final : public KeyedOperator<ReceiptEvent, StoreWindowCount> {
public:
    explicit StoreCountOperator(TimeMs windowMs) : m_windowMs(std::max<TimeMs>(1'000, windowMs)) {}

    void processElement(Key key, const ReceiptEvent& r, TimeMs eventTime, Collector<StoreWindowCount>& out) override {
        ++m_counters.recordsIn;
        const TimeMs end = (floorDiv(eventTime, m_windowMs) + 1) * m_windowMs;
        if (end - 1 <= m_watermark) {
            ++m_counters.lateDropped;
            return;
        }
        StoreWindowCount& c = m_open[key];
        if (c.count > 0 && c.windowEnd != end) {
            if (end < c.windowEnd) {
                ++m_counters.lateDropped;  // an older window than the open one
                return;
            }
            emit(key, c, out);  // a batch ahead of the watermark: the older window is complete
        }
        c.windowEnd = end;
        c.storeId = r.storeId;
        c.districtId = r.districtId;
        ++c.count;
    }

    void onWatermark(TimeMs watermark, Collector<StoreWindowCount>& out) override {
        m_watermark = watermark;
        for (const Key key : sortedKeys(m_open)) {  // a few stores per worker
            StoreWindowCount& c = m_open[key];
            if (c.count > 0 && c.windowEnd - 1 <= watermark) {
                emit(key, c, out);
            }
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x52534331);  // "RSC1"
        writer.put<TimeMs>(m_watermark);
        writer.put<std::uint64_t>(m_open.size());
        for (const Key key : sortedKeys(m_open)) {
            writer.put<Key>(key);
            writer.put<StoreWindowCount>(m_open.at(key));
        }
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x52534331) {
            return false;
        }
        m_watermark = std::max(m_watermark, reader.get<TimeMs>());
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const StoreWindowCount c = reader.get<StoreWindowCount>();
            if (filter.owns(key)) {
                m_open[key] = c;
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override { return m_open.size() * (sizeof(StoreWindowCount) + 32); }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "receipts per store and window"; }

private:
    void emit(Key key, StoreWindowCount& c, Collector<StoreWindowCount>& out) {
        ++m_counters.recordsOut;
        out.collect(key, c, c.windowEnd - 1);
        c.count = 0;
    }

    TimeMs m_windowMs;
    std::unordered_map<Key, StoreWindowCount> m_open;
    TimeMs m_watermark = kNoWatermark;
    OperatorCounters m_counters;
};

struct StoreBaseline {
    double usual = 0.0;         //!< receipts per window (moving average of normal windows)
    std::int32_t windows = 0;   //!< windows seen (the first may be partial: not learnt)
    std::int32_t alerted = 0;
    std::uint32_t storeId = 0;
    std::uint16_t districtId = 0;
    std::uint16_t unused = 0;
};
static_assert(sizeof(StoreBaseline) == 24, "StoreBaseline must have no padding");

//! Judges every store's window together once the watermark has passed it (global stage).
class RetailRushJudge final : public KeyedOperator<StoreWindowCount, Alert> {
public:
    explicit RetailRushJudge(RetailRushConfig config) : m_config(config) {
        m_config.warmupWindows = std::max(1, m_config.warmupWindows);
    }

    void processElement(Key, const StoreWindowCount& c, TimeMs, Collector<Alert>&) override {
        ++m_counters.recordsIn;
        m_pending[c.windowEnd].push_back(c);
    }

    void onWatermark(TimeMs watermark, Collector<Alert>& out) override {
        while (!m_pending.empty() && m_pending.begin()->first - 1 <= watermark) {
            auto it = m_pending.begin();
            judge(it->first, it->second, out);
            m_pending.erase(it);
        }
    }

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x52525531);  // "RRU1"
        writer.put<std::uint8_t>(m_broadAlerted);
        writer.put<std::uint64_t>(m_stores.size());
        for (const std::uint32_t id : sortedKeys(m_stores)) {
            writer.put<StoreBaseline>(m_stores.at(id));
        }
        writer.put<std::uint64_t>(m_pending.size());
        for (const auto& [end, counts] : m_pending) {
            writer.put<std::uint64_t>(counts.size());
            for (const StoreWindowCount& c : counts) {
                writer.put<StoreWindowCount>(c);
            }
        }
    }

    bool restore(StateReader& reader, const KeyFilter&) override {  // a global stage owns every key
        if (reader.get<std::uint32_t>() != 0x52525531) {
            return false;
        }
        m_broadAlerted = reader.get<std::uint8_t>();
        const auto stores = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < stores && !reader.failed(); ++i) {
            const StoreBaseline b = reader.get<StoreBaseline>();
            m_stores[b.storeId] = b;
        }
        const auto windows = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < windows && !reader.failed(); ++i) {
            const auto n = reader.get<std::uint64_t>();
            for (std::uint64_t j = 0; j < n && !reader.failed(); ++j) {
                const StoreWindowCount c = reader.get<StoreWindowCount>();
                m_pending[c.windowEnd].push_back(c);
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override { return m_stores.size() * (sizeof(StoreBaseline) + 32) + m_pending.size() * 256; }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(retail rush)"; }

private:
    void judge(TimeMs windowEnd, std::vector<StoreWindowCount>& counts, Collector<Alert>& out) {
        std::sort(counts.begin(), counts.end(),
                  [](const StoreWindowCount& a, const StoreWindowCount& b) { return a.storeId < b.storeId; });
        const TimeMs at = windowEnd - 1;
        const TimeMs start = windowEnd - m_config.windowMs;
        int warm = 0;
        int elevated = 0;
        double topRatio = 0.0;
        const StoreWindowCount* top = nullptr;
        m_rushing.clear();
        for (const StoreWindowCount& c : counts) {
            StoreBaseline& b = m_stores[c.storeId];
            b.storeId = c.storeId;
            b.districtId = c.districtId;
            const bool judged = b.windows > m_config.warmupWindows && b.usual >= 1.0;
            const double ratio = judged ? c.count / b.usual : 0.0;
            bool rush = false;
            if (judged) {
                ++warm;
                elevated += ratio >= m_config.broadFactor ? 1 : 0;
                rush = ratio >= m_config.storeFactor && c.count >= static_cast<std::uint32_t>(m_config.minReceipts);
                if (ratio > topRatio) {
                    topRatio = ratio;
                    top = &c;
                }
            }
            if (rush) {
                m_rushing.push_back(c.storeId);
                if (b.alerted == 0) {
                    b.alerted = 1;
                    emit(makeAlert(AlertRule::RetailRush, c.storeId, start, at, c.count, c.storeId, c.districtId,
                                   Severity::Info, static_cast<int>(std::min<double>(ratio * 10.0, 255.0))),
                         out);
                }
            } else if (ratio < m_config.broadFactor) {
                b.alerted = 0;
            }
        }
        const bool broad = warm >= m_config.minStores && elevated > m_config.broadShare * warm;
        if (broad && m_broadAlerted == 0 && top != nullptr) {
            m_broadAlerted = 1;
            emit(makeAlert(AlertRule::RetailRush, 0xffffffffu, start, at, top->count, top->storeId, top->districtId,
                           Severity::Info, elevated),
                 out);
        } else if (!broad) {
            m_broadAlerted = 0;
        }
        for (const StoreWindowCount& c : counts) {
            StoreBaseline& b = m_stores[c.storeId];
            const bool rushing = std::find(m_rushing.begin(), m_rushing.end(), c.storeId) != m_rushing.end();
            if (b.windows == 0 || rushing || broad) {
                b.windows = std::min(b.windows + 1, 1 << 30);  // the first window may be partial; rushes are not usual
                continue;
            }
            b.usual = b.windows == 1 ? c.count : b.usual + m_config.alpha * (c.count - b.usual);
            b.windows = std::min(b.windows + 1, 1 << 30);
        }
    }

    void emit(const Alert& alert, Collector<Alert>& out) {
        ++m_counters.recordsOut;
        out.collect(0, alert, alert.eventTimeMs);
    }

    RetailRushConfig m_config;
    std::unordered_map<std::uint32_t, StoreBaseline> m_stores;
    std::map<TimeMs, std::vector<StoreWindowCount>> m_pending;  //!< by window end
    std::vector<std::uint32_t> m_rushing;                       //!< scratch of judge()
    std::uint8_t m_broadAlerted = 0;
    OperatorCounters m_counters;
};

}  // namespace

void addRetailRushRule(JobBuilder<ReceiptEvent>& receipts, const ReceiptJobsConfig& config,
                       ReceiptJobsOutputs& outputs) {
    const RetailRushConfig rush = config.rush;
    receipts
        .keyBy([](const ReceiptEvent& r) { return Key{r.storeId}; }, [](const ReceiptEvent& r) { return r.eventTimeMs; })
        .process([rush](int) { return std::make_unique<StoreCountOperator>(rush.windowMs); })
        .global([rush] { return std::make_unique<RetailRushJudge>(rush); })
        .sink(jobs_detail::ensure(outputs.alerts));
}

}  // namespace cityops::engine::stream
