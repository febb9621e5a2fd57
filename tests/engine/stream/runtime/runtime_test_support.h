#pragma once

// Small deterministic operators and helpers for the stream-runtime tests (and the crash-test job).

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/storage/records.h"
#include "cityops/engine/stream/job.h"

namespace runtime_test {

using namespace cityops::engine::stream;

//! A test record: a key, an event time, a value and a per-key sequence number.
struct Event {
    TimeMs time = 0;
    std::uint64_t key = 0;
    std::int64_t value = 0;
    std::uint64_t seq = 0;
};

//! One tumbling window's result for one key.
struct WindowCount {
    std::uint64_t key = 0;
    TimeMs start = 0;
    std::uint64_t count = 0;
    std::int64_t sum = 0;
    std::uint64_t minSeq = 0;
    std::uint64_t maxSeq = 0;
    bool operator==(const WindowCount&) const = default;
    auto tie() const { return std::tie(key, start, count, sum, minSeq, maxSeq); }
    bool operator<(const WindowCount& o) const { return tie() < o.tie(); }
};

//! Keyed event-time tumbling counter with "timers" at window ends: fires a window once the
//! watermark reaches its end − 1; later events of a fired window are counted as late and dropped.
class EventTimeCounter final : public KeyedOperator<Event, WindowCount> {
public:
    explicit EventTimeCounter(TimeMs size) : m_size(size) {}

    void processElement(Key key, const Event& e, TimeMs t, Collector<WindowCount>& out) override {
        (void)out;
        ++m_counters.recordsIn;
        const TimeMs start = t - ((t % m_size) + m_size) % m_size;
        if (start + m_size - 1 <= m_watermark) {
            ++m_counters.lateDropped;
            return;
        }
        auto [it, inserted] = m_open.try_emplace({start, key});
        WindowCount& w = it->second;
        if (inserted) {
            w = WindowCount{key, start, 0, 0, e.seq, e.seq};
        }
        ++w.count;
        w.sum += e.value;
        w.minSeq = std::min(w.minSeq, e.seq);
        w.maxSeq = std::max(w.maxSeq, e.seq);
    }
    void onWatermark(TimeMs wm, Collector<WindowCount>& out) override {
        if (wm <= m_watermark) {
            throw std::logic_error("watermark not strictly increasing");
        }
        m_watermark = wm;
        while (!m_open.empty()) {
            auto it = m_open.begin();
            const TimeMs end = it->first.first + m_size;
            if (end - 1 > wm) {
                break;
            }
            out.collect(it->first.second, it->second, end - 1);
            ++m_counters.recordsOut;
            ++m_counters.timersFired;
            m_open.erase(it);
        }
    }
    void snapshot(StateWriter& w) const override {
        w.put<TimeMs>(m_watermark);
        w.put<std::uint64_t>(m_open.size());
        for (const auto& [k, v] : m_open) {
            w.put(v);
        }
    }
    bool restore(StateReader& r, const KeyFilter& filter) override {
        m_watermark = std::max(m_watermark, r.get<TimeMs>());
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const auto v = r.get<WindowCount>();
            if (filter.owns(v.key)) {
                m_open[{v.start, v.key}] = v;
            }
        }
        return !r.failed();
    }
    std::size_t stateBytes() const override { return m_open.size() * (sizeof(WindowCount) + 48); }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "counter(tumbling " + std::to_string(m_size) + ")"; }

private:
    TimeMs m_size;
    TimeMs m_watermark = kNoWatermark;
    std::map<std::pair<TimeMs, Key>, WindowCount> m_open;
    OperatorCounters m_counters;
};

//! Per-key running sum, emitted with every record: (key, seq, sum so far).
struct RunningTotal {
    std::uint64_t key = 0;
    std::uint64_t seq = 0;
    std::int64_t sum = 0;
    auto tie() const { return std::tie(key, seq, sum); }
    bool operator<(const RunningTotal& o) const { return tie() < o.tie(); }
    bool operator==(const RunningTotal&) const = default;
};

class RunningSum final : public KeyedOperator<Event, RunningTotal> {
public:
    void processElement(Key key, const Event& e, TimeMs t, Collector<RunningTotal>& out) override {
        ++m_counters.recordsIn;
        std::int64_t& sum = m_sums[key];
        sum += e.value;
        out.collect(key, RunningTotal{key, e.seq, sum}, t);
        ++m_counters.recordsOut;
    }
    void snapshot(StateWriter& w) const override {
        w.put<std::uint64_t>(m_sums.size());
        for (const auto& [k, v] : m_sums) {
            w.put<Key>(k);
            w.put<std::int64_t>(v);
        }
    }
    bool restore(StateReader& r, const KeyFilter& filter) override {
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const auto k = r.get<Key>();
            const auto v = r.get<std::int64_t>();
            if (filter.owns(k)) {
                m_sums[k] = v;
            }
        }
        return !r.failed();
    }
    std::size_t stateBytes() const override { return m_sums.size() * 32; }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "running-sum"; }

private:
    std::unordered_map<Key, std::int64_t> m_sums;
    OperatorCounters m_counters;
};

//! Chained after the counter in the same worker: doubles each window's count (same key).
class Doubler final : public KeyedOperator<WindowCount, WindowCount> {
public:
    void processElement(Key key, const WindowCount& w, TimeMs t, Collector<WindowCount>& out) override {
        WindowCount d = w;
        d.count *= 2;
        out.collect(key, d, t);
    }
    std::string name() const override { return "doubler"; }
};

//! The top-N keys by count of each window over all keys (a global stage): windows are collected
//! until the watermark passes their end, so the result does not depend on arrival order.
struct TopEntry {
    TimeMs start = 0;
    int rank = 0;
    std::uint64_t key = 0;
    std::uint64_t count = 0;
    auto tie() const { return std::tie(start, rank, key, count); }
    bool operator<(const TopEntry& o) const { return tie() < o.tie(); }
    bool operator==(const TopEntry&) const = default;
};

class TopN final : public KeyedOperator<WindowCount, TopEntry> {
public:
    TopN(int n, TimeMs size) : m_n(n), m_size(size) {}
    void processElement(Key key, const WindowCount& w, TimeMs t, Collector<TopEntry>& out) override {
        (void)key;
        (void)t;
        (void)out;
        ++m_counters.recordsIn;
        m_windows[w.start].push_back(Entry{w.count, w.key});
    }
    void onWatermark(TimeMs wm, Collector<TopEntry>& out) override {
        while (!m_windows.empty() && m_windows.begin()->first + m_size - 1 <= wm) {
            auto& entries = m_windows.begin()->second;
            std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
                return a.count != b.count ? a.count > b.count : a.key < b.key;
            });
            const TimeMs start = m_windows.begin()->first;
            for (int i = 0; i < m_n && i < static_cast<int>(entries.size()); ++i) {
                out.collect(0, TopEntry{start, i + 1, entries[static_cast<std::size_t>(i)].key,
                                        entries[static_cast<std::size_t>(i)].count},
                            start + m_size - 1);
                ++m_counters.recordsOut;
            }
            m_windows.erase(m_windows.begin());
        }
    }
    void snapshot(StateWriter& w) const override {
        w.put<std::uint64_t>(m_windows.size());
        for (const auto& [start, entries] : m_windows) {
            w.put<TimeMs>(start);
            w.put<std::uint64_t>(entries.size());
            for (const auto& e : entries) {
                w.put(e);
            }
        }
    }
    bool restore(StateReader& r, const KeyFilter& filter) override {
        (void)filter;
        const auto n = r.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !r.failed(); ++i) {
            const auto start = r.get<TimeMs>();
            const auto m = r.get<std::uint64_t>();
            for (std::uint64_t j = 0; j < m && !r.failed(); ++j) {
                m_windows[start].push_back(r.get<Entry>());
            }
        }
        return !r.failed();
    }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "top" + std::to_string(m_n); }

private:
    struct Entry {
        std::uint64_t count;
        std::uint64_t key;
    };
    int m_n;
    TimeMs m_size;
    std::map<TimeMs, std::vector<Entry>> m_windows;
    OperatorCounters m_counters;
};

//! Deterministic test input: `keys` keys, `perKey` events each, 1 s apart per key, shuffled within
//! `jitterMs` (< the out-of-orderness bound) by a fixed LCG. seq counts per key from 0.
inline std::vector<Event> makeEvents(int keys, int perKey, TimeMs jitterMs = 0, TimeMs start = 1'000'000) {
    std::vector<Event> out;
    out.reserve(static_cast<std::size_t>(keys) * static_cast<std::size_t>(perKey));
    std::uint64_t lcg = 12345;
    for (int i = 0; i < perKey; ++i) {
        for (int k = 0; k < keys; ++k) {
            lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
            const TimeMs jitter = jitterMs > 0 ? static_cast<TimeMs>((lcg >> 33) % static_cast<std::uint64_t>(jitterMs)) : 0;
            out.push_back(Event{start + i * 1000 + jitter, static_cast<std::uint64_t>(k),
                                static_cast<std::int64_t>((lcg >> 40) % 100), static_cast<std::uint64_t>(i)});
        }
    }
    return out;
}

//! Rows the exactly-once sinks of the tests write (sizes in ms of the windows the counter uses).
inline constexpr TimeMs kTestWindow = 10'000;

inline void windowRows(const Record<WindowCount>& r, cityops::engine::storage::WriteBatch& b) {
    cityops::engine::WindowAggregate a;
    a.windowStartMs = r.value.start;
    a.windowEndMs = r.value.start + kTestWindow;
    a.count = static_cast<std::uint32_t>(r.value.count);
    a.sum = static_cast<double>(r.value.sum);
    a.min = static_cast<double>(r.value.minSeq);
    a.max = static_cast<double>(r.value.maxSeq);
    a.sensorId = static_cast<std::uint32_t>(r.value.key);
    a.metric = cityops::engine::Metric::Co2;
    b.aggregates.push_back(a);
}

//! One readings row per running-sum output: (sensor = key, time = seq) is unique, value = the sum.
inline void sumRows(const Record<RunningTotal>& r, cityops::engine::storage::WriteBatch& b) {
    cityops::engine::Reading reading;
    reading.sensorId = static_cast<std::uint32_t>(r.value.key);
    reading.eventTimeMs = static_cast<TimeMs>(r.value.seq);
    reading.seq = r.value.seq;
    reading.value = static_cast<double>(r.value.sum);
    reading.metric = cityops::engine::Metric::Co2;
    reading.kind = cityops::engine::SensorKind::AirQuality;
    b.readings.push_back(reading);
}

//! One alert per top-N entry, with a deterministic id (rank + window).
inline void topRows(const Record<TopEntry>& r, cityops::engine::storage::WriteBatch& b) {
    using namespace cityops::engine;
    storage::AlertRecord rec;
    rec.alert.id = makeAlertId(AlertRule::Co2High, static_cast<std::uint64_t>(r.value.rank), r.value.start);
    rec.alert.firstEventMs = r.value.start;
    rec.alert.eventTimeMs = r.eventTime;
    rec.alert.value = static_cast<double>(r.value.count);
    rec.alert.sensorId = static_cast<std::uint32_t>(r.value.key);
    rec.alert.matchedCount = static_cast<std::uint8_t>(r.value.rank);
    rec.title = "top " + std::to_string(r.value.rank);
    b.alerts.push_back(std::move(rec));
}

template <class T>
std::vector<T> values(std::vector<Record<T>> records) {
    std::vector<T> out;
    for (auto& r : records) {
        out.push_back(r.value);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace runtime_test
