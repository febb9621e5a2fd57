// Keyed state with TTL, timers, aggregates and the percentile sketch.

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "cityops/engine/stream/aggregates.h"
#include "cityops/engine/stream/keyed_state.h"
#include "cityops/engine/stream/timers.h"

using namespace cityops::engine::stream;

namespace {

template <class State>
State roundTrip(const State& source, const KeyFilter& filter, TtlConfig ttl, TimeMs now) {
    StateWriter w;
    source.snapshot(w);
    State restored(ttl);
    restored.setTime(now);
    StateReader r(w.bytes());
    if (!restored.restore(r, filter) || !r.atEnd()) {
        qFatal("restore failed");
    }
    return restored;
}

std::vector<Timer> fireAll(TimerService& timers, TimeMs watermark) {
    std::vector<Timer> fired;
    timers.advanceWatermark(watermark, [&](Key k, TimeMs t) { fired.push_back(Timer{k, t}); });
    return fired;
}

}  // namespace

class TestStreamState : public QObject {
    Q_OBJECT

private slots:
    void valueStateTtlExpiresAndRefreshesOnWrite();
    void valueStateRefreshOnRead();
    void ttlCleanupIsIncrementalAndBounded();
    void eventTimeTtlFollowsWatermark();
    void valueStateSnapshotSkipsExpiredAndFiltersKeys();
    void listStateTtlAndSnapshot();
    void mapStatePerEntryTtlAndIteration();
    void timersFireInOrderDeduplicated();
    void timersDeleteAndReRegister();
    void timersRegisteredWhileFiring();
    void timersSnapshotRestoreSplit();
    void aggregatesBasic();
    void welfordMergeMatchesTwoPass();
    void statsMergeAndNonFinite();
    void sketchWithinStatedBound_data();
    void sketchWithinStatedBound();
};

void TestStreamState::valueStateTtlExpiresAndRefreshesOnWrite() {
    ValueState<int> s(TtlConfig{1000, TtlDomain::ProcessingTime});
    s.setTime(0);
    s.update(1, 10);
    s.update(2, 20);
    s.setTime(500);
    s.update(2, 21);  // refreshed: lives until 1500
    s.setTime(999);
    QVERIFY(s.get(1) != nullptr);
    QCOMPARE(*s.get(1), 10);  // a read does not refresh (OnWrite)
    s.setTime(1000);
    QVERIFY(s.get(1) == nullptr);
    QCOMPARE(*s.get(2), 21);
    s.setTime(1499);
    QVERIFY(s.get(2) != nullptr);
    s.setTime(1500);
    QVERIFY(s.get(2) == nullptr);
    // An expired value is not resurrected by valueFor(): it starts from a default value.
    s.update(3, 5);
    s.setTime(5000);
    QCOMPARE(s.valueFor(3), 0);
    s.setTime(100);  // the clock never goes back
    QCOMPARE(s.get(3) != nullptr, true);
}

void TestStreamState::valueStateRefreshOnRead() {
    ValueState<int> s(TtlConfig{1000, TtlDomain::ProcessingTime, TtlRefresh::OnReadAndWrite});
    s.setTime(0);
    s.update(1, 7);
    for (TimeMs t = 900; t <= 9000; t += 900) {
        s.setTime(t);
        QVERIFY2(s.get(1) != nullptr, "read refreshes the TTL");
    }
    s.setTime(9000 + 1000);
    QVERIFY(s.get(1) == nullptr);
}

void TestStreamState::ttlCleanupIsIncrementalAndBounded() {
    ValueState<int> s(TtlConfig{100, TtlDomain::ProcessingTime, TtlRefresh::OnWrite, 4});
    s.setTime(0);
    for (Key k = 0; k < 1000; ++k) {
        s.update(k, 1);
    }
    s.setTime(10'000);
    QCOMPARE(s.size(), std::size_t{1000});
    (void)s.get(123'456);  // one access: at most 4 entries examined
    QVERIFY(s.size() >= 996);
    int accesses = 1;
    while (s.size() > 0 && accesses < 1000) {
        (void)s.get(123'456);
        ++accesses;
    }
    QCOMPARE(s.size(), std::size_t{0});
    QCOMPARE(accesses, 250);
    QCOMPARE(s.expiredCount(), std::uint64_t{1000});
    // Unexpired entries survive the sweep.
    s.update(5, 2);
    for (int i = 0; i < 2000; ++i) {
        (void)s.get(99);
    }
    QCOMPARE(*s.get(5), 2);
}

void TestStreamState::eventTimeTtlFollowsWatermark() {
    MapState<std::uint32_t, double> s(TtlConfig{60'000, TtlDomain::EventTime});
    s.setTime(100'000);  // the owner passes the watermark
    s.put(7, 1, 1.5);
    s.setTime(159'999);
    QVERIFY(s.get(7, 1) != nullptr);
    s.setTime(160'000);
    QVERIFY(s.get(7, 1) == nullptr);
}

void TestStreamState::valueStateSnapshotSkipsExpiredAndFiltersKeys() {
    const TtlConfig ttl{1000, TtlDomain::ProcessingTime};
    ValueState<std::string> s(ttl);
    s.setTime(0);
    for (Key k = 0; k < 100; ++k) {
        s.update(k, "v" + std::to_string(k));
    }
    s.setTime(600);
    for (Key k = 0; k < 50; ++k) {
        s.update(k, "w" + std::to_string(k));  // keys 50..99 expire at 1000
    }
    s.setTime(1000);
    auto all = roundTrip(s, KeyFilter{}, ttl, 1000);
    std::size_t n = 0;
    all.forEach([&](Key k, const std::string& v) {
        QVERIFY(k < 50);
        QCOMPARE(v, "w" + std::to_string(k));
        ++n;
    });
    QCOMPARE(n, std::size_t{50});
    // Stamps survive: the restored values still expire at 1600.
    all.setTime(1600);
    QVERIFY(all.get(3) == nullptr);

    std::size_t split = 0;
    for (int part = 0; part < 3; ++part) {
        auto restored = roundTrip(s, KeyFilter{part, 3}, ttl, 1000);
        restored.forEach([&](Key k, const std::string&) {
            QCOMPARE(partitionOf(k, 3), part);
            ++split;
        });
    }
    QCOMPARE(split, std::size_t{50});

    StateWriter w;
    s.snapshot(w);
    w.bytes().resize(w.bytes().size() - 3);
    ValueState<std::string> broken(ttl);
    StateReader r(w.bytes());
    QVERIFY(!broken.restore(r, KeyFilter{}));
}

void TestStreamState::listStateTtlAndSnapshot() {
    const TtlConfig ttl{1000, TtlDomain::ProcessingTime};
    ListState<std::int64_t> s(ttl);
    s.setTime(0);
    s.add(1, 10);
    s.add(1, 11);
    s.add(2, 20);
    s.setTime(500);
    s.add(2, 21);
    QCOMPARE(s.get(1).size(), std::size_t{2});
    auto restored = roundTrip(s, KeyFilter{}, ttl, 500);
    QCOMPARE(restored.get(2).size(), std::size_t{2});
    QCOMPARE(restored.get(2)[1], std::int64_t{21});
    s.setTime(1000);
    QVERIFY(s.get(1).empty());
    QCOMPARE(s.get(2).size(), std::size_t{2});
    s.setTime(2000);
    s.add(2, 22);  // expired list restarts
    QCOMPARE(s.get(2).size(), std::size_t{1});
    const std::int64_t replacement[] = {1, 2, 3};
    s.update(3, replacement);
    QCOMPARE(s.get(3).size(), std::size_t{3});
    QVERIFY(s.stateBytes() > 0);
}

void TestStreamState::mapStatePerEntryTtlAndIteration() {
    const TtlConfig ttl{1000, TtlDomain::ProcessingTime};
    MapState<std::uint32_t, double> s(ttl);
    s.setTime(0);
    for (std::uint32_t i = 0; i < 10; ++i) {
        s.put(1, i, i * 1.0);
        s.put(2, i, i * 2.0);
    }
    s.setTime(500);
    s.put(1, 3, 33.0);  // refreshed entry
    s.valueFor(1, 4) += 1.0;
    double sum = 0;
    int n = 0;
    s.forEach(1, [&](std::uint32_t, double v) {
        sum += v;
        ++n;
    });
    QCOMPARE(n, 10);
    QCOMPARE(sum, 45.0 - 3.0 + 33.0 + 1.0);
    QVERIFY(s.remove(2, 5));
    QVERIFY(!s.remove(2, 5));
    auto restored = roundTrip(s, KeyFilter{}, ttl, 500);
    QCOMPARE(restored.size(), std::size_t{19});
    QCOMPARE(*restored.get(1, 3), 33.0);

    s.setTime(1000);
    n = 0;
    s.forEach(1, [&](std::uint32_t k, double) {
        QVERIFY(k == 3 || k == 4);
        ++n;
    });
    QCOMPARE(n, 2);
    QVERIFY(s.get(2, 0) == nullptr);
    s.clear(1);
    QVERIFY(s.get(1, 3) == nullptr);
    n = 0;
    s.forEach(1, [&](std::uint32_t, double) { ++n; });
    QCOMPARE(n, 0);
    // Cleanup sweeps expired entries of key 2 and unlinks them.
    for (int i = 0; i < 100; ++i) {
        (void)s.get(9, 9);
    }
    QCOMPARE(s.size(), std::size_t{0});
    QCOMPARE(s.keyCount(), std::size_t{0});
}

void TestStreamState::timersFireInOrderDeduplicated() {
    TimerService timers;
    QVERIFY(timers.registerEventTimeTimer(2, 10));
    QVERIFY(timers.registerEventTimeTimer(1, 10));
    QVERIFY(timers.registerEventTimeTimer(1, 5));
    QVERIFY(!timers.registerEventTimeTimer(2, 10));  // duplicate
    QVERIFY(timers.registerEventTimeTimer(9, 11));
    QVERIFY(timers.registerProcessingTimeTimer(1, 1));
    QCOMPARE(timers.eventTimers().size(), std::size_t{4});
    auto fired = fireAll(timers, 4);
    QVERIFY(fired.empty());
    fired = fireAll(timers, 10);
    const std::vector<Timer> expected{{1, 5}, {1, 10}, {2, 10}};
    QVERIFY(fired == expected);
    QCOMPARE(timers.eventTimers().nextTime(), TimeMs{11});
    std::vector<Timer> processing;
    timers.advanceProcessingTime(100, [&](Key k, TimeMs t) { processing.push_back(Timer{k, t}); });
    QCOMPARE(processing.size(), std::size_t{1});
    fired = fireAll(timers, kEndOfTime);
    QCOMPARE(fired.size(), std::size_t{1});
    QCOMPARE(fired[0].key, Key{9});
}

void TestStreamState::timersDeleteAndReRegister() {
    TimerService timers;
    for (Key k = 0; k < 1000; ++k) {
        timers.registerEventTimeTimer(k, static_cast<TimeMs>(1000 - k));
    }
    for (Key k = 0; k < 1000; ++k) {
        if (k % 10 != 0) {
            QVERIFY(timers.deleteEventTimeTimer(k, static_cast<TimeMs>(1000 - k)));
        }
    }
    QVERIFY(!timers.deleteEventTimeTimer(1, 999));
    QVERIFY(timers.registerEventTimeTimer(3, 997));  // deleted, then registered again: fires once
    const auto fired = fireAll(timers, kEndOfTime);
    QCOMPARE(fired.size(), std::size_t{101});
    for (std::size_t i = 1; i < fired.size(); ++i) {
        QVERIFY(fired[i - 1].time < fired[i].time);
    }
    QCOMPARE(timers.eventTimers().size(), std::size_t{0});
}

void TestStreamState::timersRegisteredWhileFiring() {
    TimerService timers;
    timers.registerEventTimeTimer(1, 10);
    std::vector<Timer> fired;
    timers.advanceWatermark(100, [&](Key k, TimeMs t) {
        fired.push_back(Timer{k, t});
        if (t < 40) {
            timers.registerEventTimeTimer(k, t + 10);  // due before 100: fires in this call
        }
        if (t == 10) {
            timers.registerEventTimeTimer(0, 20);  // ties by key: key 0 first
        }
    });
    const std::vector<Timer> expected{{1, 10}, {0, 20}, {1, 20}, {0, 30}, {1, 30}, {0, 40}, {1, 40}};
    QVERIFY(fired == expected);
}

void TestStreamState::timersSnapshotRestoreSplit() {
    TimerService timers;
    for (Key k = 0; k < 200; ++k) {
        timers.registerEventTimeTimer(k, static_cast<TimeMs>(k % 17));
        timers.registerProcessingTimeTimer(k, static_cast<TimeMs>(k % 5));
    }
    fireAll(timers, 3);
    StateWriter w;
    timers.snapshot(w);
    const auto remaining = timers.eventTimers().sorted();
    std::vector<Timer> merged;
    std::size_t processing = 0;
    for (int part = 0; part < 2; ++part) {
        TimerService restored;
        StateReader r(w.bytes());
        QVERIFY(restored.restore(r, KeyFilter{part, 2}));
        QCOMPARE(restored.currentWatermark(), TimeMs{3});
        processing += restored.processingTimers().size();
        for (const Timer& t : fireAll(restored, kEndOfTime)) {
            QCOMPARE(partitionOf(t.key, 2), part);
            merged.push_back(t);
        }
    }
    std::sort(merged.begin(), merged.end(), [](const Timer& a, const Timer& b) {
        return a.time != b.time ? a.time < b.time : a.key < b.key;
    });
    QVERIFY(merged == remaining);
    QCOMPARE(processing, std::size_t{200});
}

void TestStreamState::aggregatesBasic() {
    const double values[] = {4, -2, 9, 3};
    auto run = [&](auto agg) {
        auto acc = agg.createAccumulator();
        for (double v : values) {
            agg.add(acc, v);
        }
        return agg.getResult(acc);
    };
    QCOMPARE(run(CountAggregate{}), std::uint64_t{4});
    QCOMPARE(run(SumAggregate{}), 14.0);
    QCOMPARE(run(AvgAggregate{}), 3.5);
    QCOMPARE(run(MinAggregate{}), -2.0);
    QCOMPARE(run(MaxAggregate{}), 9.0);
    QVERIFY(std::abs(run(StdDevAggregate{StdDevKind::Population}) - std::sqrt(15.25)) < 1e-12);
    QVERIFY(std::abs(run(StdDevAggregate{StdDevKind::Sample}) - std::sqrt(61.0 / 3.0)) < 1e-12);
    QCOMPARE(QString::fromStdString(PercentileAggregate{0.95}.name()), QStringLiteral("p95"));
    QVERIFY(std::isnan(AvgAggregate{}.getResult(AvgAggregate{}.createAccumulator())));
    QVERIFY(std::abs(std::log(PercentileSketch<>::kGamma) - PercentileSketch<>::kLogGamma) < 1e-15);
}

void TestStreamState::welfordMergeMatchesTwoPass() {
    std::mt19937 rng(3);
    std::normal_distribution<double> dist(1e6, 3.0);  // large mean: the naive formula would lose digits
    std::vector<double> values(5000);
    for (double& v : values) {
        v = dist(rng);
    }
    double mean = 0;
    for (double v : values) {
        mean += v;
    }
    mean /= static_cast<double>(values.size());
    double m2 = 0;
    for (double v : values) {
        m2 += (v - mean) * (v - mean);
    }
    Welford whole;
    Welford parts[3];
    for (std::size_t i = 0; i < values.size(); ++i) {
        whole.add(values[i]);
        parts[i % 7 == 0 ? 0 : (i % 2 == 0 ? 1 : 2)].add(values[i]);
    }
    Welford merged;
    merged.merge(parts[2]);
    merged.merge(parts[0]);
    merged.merge(parts[1]);
    const double expectedSample = m2 / static_cast<double>(values.size() - 1);
    QVERIFY(std::abs(whole.sampleVariance() - expectedSample) / expectedSample < 1e-9);
    QVERIFY(std::abs(merged.sampleVariance() - expectedSample) / expectedSample < 1e-9);
    QVERIFY(std::abs(merged.populationVariance() - m2 / static_cast<double>(values.size())) / expectedSample < 1e-9);
    QCOMPARE(merged.count, std::uint64_t{5000});
}

void TestStreamState::statsMergeAndNonFinite() {
    StatsAggregate agg;
    auto a = agg.createAccumulator();
    auto b = agg.createAccumulator();
    for (int i = 1; i <= 100; ++i) {
        agg.add(i % 2 == 0 ? a : b, static_cast<double>(i));
    }
    agg.add(a, std::nan(""));
    agg.add(b, INFINITY);
    agg.merge(a, b);
    const Stats s = agg.getResult(a);
    QCOMPARE(s.count, std::uint64_t{100});
    QCOMPARE(s.ignored, std::uint64_t{2});
    QCOMPARE(s.sum, 5050.0);
    QCOMPARE(s.min, 1.0);
    QCOMPARE(s.max, 100.0);
    QCOMPARE(s.avg, 50.5);
    QVERIFY(std::abs(s.stddev - 29.011491975882016) < 1e-9);
    QVERIFY(std::abs(s.p50 - 50.0) <= 0.02 * 50.0);
    QVERIFY(std::abs(s.p95 - 95.0) <= 0.02 * 95.0);
    QVERIFY(std::abs(s.p99 - 99.0) <= 0.02 * 99.0);
    QCOMPARE(agg.getResult(agg.createAccumulator()).count, std::uint64_t{0});
    static_assert(std::is_trivially_copyable_v<StatsAggregate::Accumulator>);
    QVERIFY(sizeof(StatsAggregate::Accumulator) < 1024);
}

void TestStreamState::sketchWithinStatedBound_data() {
    QTest::addColumn<int>("dataset");
    QTest::newRow("uniform 1..1000") << 0;
    QTest::newRow("lognormal") << 1;
    QTest::newRow("mixed sign") << 2;
    QTest::newRow("normal around 0") << 3;
    QTest::newRow("negative") << 4;
    QTest::newRow("constant with zeros") << 5;
    QTest::newRow("heavy tail") << 6;
}

void TestStreamState::sketchWithinStatedBound() {
    QFETCH(int, dataset);
    std::mt19937 rng(static_cast<std::uint32_t>(100 + dataset));
    std::vector<double> values(20'000);
    for (std::size_t i = 0; i < values.size(); ++i) {
        double v = 0;
        switch (dataset) {
            case 0: v = std::uniform_real_distribution<double>(1, 1000)(rng); break;
            case 1: v = std::lognormal_distribution<double>(3, 1)(rng); break;
            case 2: v = std::uniform_real_distribution<double>(-20, 100)(rng); break;
            case 3: v = std::normal_distribution<double>(0, 10)(rng); break;
            case 4: v = std::uniform_real_distribution<double>(-60, -5)(rng); break;
            case 5: v = i % 10 == 0 ? 0.0 : 42.0; break;
            default: v = std::pow(std::uniform_real_distribution<double>(0, 1)(rng), -2.0); break;
        }
        values[i] = v;
    }
    using Sketch = PercentileSketch<>;
    Sketch whole;
    Sketch parts[4];
    for (std::size_t i = 0; i < values.size(); ++i) {
        whole.add(values[i]);
        parts[i % 4].add(values[i]);
    }
    Sketch merged;
    for (const Sketch& p : parts) {
        merged.merge(p);
    }
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    double maxPos = 0;
    double maxNeg = 0;
    for (double v : values) {
        maxPos = std::max(maxPos, v);
        maxNeg = std::max(maxNeg, -v);
    }
    const double g = Sketch::kGamma;
    for (double q : {0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
        const double exact = sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
        const double floor = exact >= 0 ? maxPos * std::pow(g, 2.0 - static_cast<double>(Sketch::kPositiveBuckets))
                                        : maxNeg * std::pow(g, 2.0 - static_cast<double>(Sketch::kNegativeBuckets));
        const double bound = std::max(Sketch::kRelativeAccuracy * std::abs(exact), floor) + 1e-9;
        for (const Sketch* s : {&whole, &merged}) {
            const double estimate = s->quantile(q);
            if (std::abs(estimate - exact) > bound) {
                QFAIL(qPrintable(QStringLiteral("q=%1 exact=%2 estimate=%3 bound=%4")
                                     .arg(q).arg(exact).arg(estimate).arg(bound)));
            }
        }
    }
    QCOMPARE(merged.count(), std::uint64_t{values.size()});
    QVERIFY(std::isnan(Sketch{}.quantile(0.5)));
}

QTEST_GUILESS_MAIN(TestStreamState)
#include "test_stream_state.moc"
