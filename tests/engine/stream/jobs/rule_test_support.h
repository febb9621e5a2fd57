#pragma once

// Helpers of the rule tests: readings, feeding a keyed rule operator with the runtime's watermark,
// and the checkpoint round trip every rule must pass.
#include <QtTest>
#include <algorithm>
#include <functional>
#include <memory>
#include <tuple>
#include <vector>

#include "cityops/engine/stream/city_jobs.h"

namespace cityops::engine::stream::ruletest {

// Monday 2026-07-13 10:00 UTC.
constexpr TimeMs kStart = 1'783'936'800'000;
constexpr TimeMs kSecond = 1'000;
constexpr TimeMs kMinute = 60'000;
constexpr TimeMs kLag = 10'000;  //!< watermark = newest event time − kLag, as the job's default

using OperatorPtr = std::unique_ptr<KeyedOperator<Reading, Alert>>;
using KeyFn = std::function<Key(const Reading&)>;

inline Key bySensor(const Reading& r) { return r.sensorId; }
inline Key byLocation(const Reading& r) { return r.locationId; }

inline Reading reading(std::uint32_t sensor, std::uint16_t location, SensorKind kind, Metric metric, TimeMs time,
                std::uint64_t seq, double value) {
    Reading r;
    r.sensorId = sensor;
    r.locationId = location;
    r.kind = kind;
    r.metric = metric;
    r.eventTimeMs = time;
    r.seq = seq;
    r.value = value;
    return r;
}

inline void sortByTime(std::vector<Reading>& readings) {
    std::stable_sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
        return std::tie(a.eventTimeMs, a.sensorId) < std::tie(b.eventTimeMs, b.sensorId);
    });
}

//! Feeds readings[from, to) in order, advancing the watermark as the runtime does (strictly
//! increasing, newest event time − kLag); `end` sends kEndOfTime afterwards.
inline void feed(KeyedOperator<Reading, Alert>& op, const KeyFn& keyOf, const std::vector<Reading>& readings,
          std::size_t from, std::size_t to, TimeMs& watermark, bool end, std::vector<Alert>& alerts) {
    VectorCollector<Alert> out;
    for (std::size_t i = from; i < to; ++i) {
        const Reading& r = readings[i];
        op.processElement(keyOf(r), r, r.eventTimeMs, out);
        if (r.eventTimeMs - kLag > watermark) {
            watermark = r.eventTimeMs - kLag;
            op.onWatermark(watermark, out);
        }
    }
    if (end) {
        op.onWatermark(kEndOfTime, out);
    }
    for (const auto& item : out.items) {
        alerts.push_back(item.value);
    }
}

inline std::vector<Alert> runAll(KeyedOperator<Reading, Alert>& op, const KeyFn& keyOf, const std::vector<Reading>& readings) {
    std::vector<Alert> alerts;
    TimeMs watermark = kNoWatermark;
    feed(op, keyOf, readings, 0, readings.size(), watermark, true, alerts);
    return alerts;
}

inline std::vector<std::byte> snapshotOf(const KeyedOperator<Reading, Alert>& op) {
    StateWriter writer;
    op.snapshot(writer);
    return writer.bytes();
}

//! Runs the first half, snapshots, restores a fresh operator from the snapshot and runs the rest on
//! it; the alerts must equal one uninterrupted run, and the restored state must snapshot the same.
inline void checkRoundTrip(const std::function<OperatorPtr()>& make, const KeyFn& keyOf, const std::vector<Reading>& readings,
                    const std::vector<Alert>& expected) {
    auto first = make();
    std::vector<Alert> alerts;
    TimeMs watermark = kNoWatermark;
    const std::size_t half = readings.size() / 2;
    feed(*first, keyOf, readings, 0, half, watermark, false, alerts);
    const std::vector<std::byte> bytes = snapshotOf(*first);
    auto second = make();
    StateReader reader(bytes);
    QVERIFY(second->restore(reader, KeyFilter{0, 1}));
    QVERIFY(reader.atEnd());
    QVERIFY(snapshotOf(*second) == bytes);
    feed(*second, keyOf, readings, half, readings.size(), watermark, true, alerts);
    QCOMPARE(alerts.size(), expected.size());
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        QCOMPARE(alerts[i].id, expected[i].id);
        QCOMPARE(alerts[i].eventTimeMs, expected[i].eventTimeMs);
        QCOMPARE(alerts[i].sensorId, expected[i].sensorId);
    }
    StateReader garbage(std::span<const std::byte>(bytes).subspan(4));
    auto third = make();
    QVERIFY(!third->restore(garbage, KeyFilter{0, 1}) || garbage.failed());  // a wrong magic is refused
}

}  // namespace cityops::engine::stream::ruletest
