#include <QTest>
#include <atomic>
#include <cmath>
#include <set>
#include <thread>
#include <vector>

#include "cityops/engine/latest_values.h"

using cityops::engine::LatestValues;

//! The latest-value cache (the Redis role): change notification coalesced per UI frame.
class TestLatestValuesCache : public QObject {
    Q_OBJECT

private slots:
    void tickDeliversTheChangedSetOncePerFrame() {
        LatestValues cache(1000);
        std::vector<std::vector<std::uint32_t>> calls;
        cache.subscribe([&](std::span<const std::uint32_t> ids) { calls.emplace_back(ids.begin(), ids.end()); });
        QCOMPARE(cache.tick(), std::size_t{0});
        QVERIFY(calls.empty());  // nothing changed: no call at all

        for (int round = 0; round < 50; ++round) {  // many events, few sensors
            for (const std::uint32_t id : {999u, 3u, 64u, 63u, 500u}) {
                cache.store(id, round, round * 1000);
            }
        }
        cache.store(5000, 1.0, 1);  // unknown sensor: ignored
        QCOMPARE(cache.tick(), std::size_t{5});
        QCOMPARE(calls.size(), std::size_t{1});
        QCOMPARE(calls[0], (std::vector<std::uint32_t>{3, 63, 64, 500, 999}));
        QCOMPARE(cache.value(999), 49.0);
        QCOMPARE(cache.eventTimeMs(3), std::int64_t{49'000});

        QCOMPARE(cache.tick(), std::size_t{0});
        QCOMPARE(calls.size(), std::size_t{1});
        cache.store(0, 1.0, 1);
        QCOMPARE(cache.tick(), std::size_t{1});
        QCOMPARE(calls.back(), std::vector<std::uint32_t>{0});
    }

    void subscribersComeAndGoSafely() {
        LatestValues cache(10);
        int a = 0;
        int b = 0;
        int late = 0;
        LatestValues::SubscriptionId idB = 0;
        const auto idA = cache.subscribe([&](std::span<const std::uint32_t>) {
            ++a;
            cache.unsubscribe(idB);  // removing another subscriber from inside a callback
            cache.subscribe([&](std::span<const std::uint32_t>) { ++late; });
        });
        idB = cache.subscribe([&](std::span<const std::uint32_t>) { ++b; });
        QVERIFY(idA != 0 && idB != 0 && idA != idB);
        cache.store(1, 1.0, 1);
        cache.tick();
        QCOMPARE(a, 1);
        QCOMPARE(b, 0);     // unsubscribed before its turn
        QCOMPARE(late, 0);  // added during the tick: first called on the next one
        cache.unsubscribe(idA);
        cache.store(2, 1.0, 1);
        cache.tick();
        QCOMPARE(a, 1);
        QCOMPARE(late, 1);
        cache.unsubscribe(12345);  // unknown: ignored
    }

    void concurrentWritersLoseNoChange() {
        constexpr std::uint32_t kSensors = 4096;
        constexpr int kRounds = 300;
        LatestValues cache(kSensors);
        std::vector<double> seen(kSensors, std::nan(""));
        std::uint64_t notified = 0;
        cache.subscribe([&](std::span<const std::uint32_t> ids) {
            for (const auto id : ids) {
                seen[id] = cache.value(id);
            }
            notified += ids.size();
        });
        std::atomic<int> running{2};
        auto writer = [&](std::uint32_t first) {
            for (int round = 1; round <= kRounds; ++round) {
                for (std::uint32_t id = first; id < kSensors; id += 2) {
                    cache.store(id, round, round);
                }
                cache.publish();
            }
            --running;
        };
        std::thread w0(writer, 0);
        std::thread w1(writer, 1);
        std::uint64_t ticks = 0;
        while (running.load() > 0) {
            cache.tick();
            ++ticks;
        }
        w0.join();
        w1.join();
        cache.tick();  // the frame after the last store
        for (std::uint32_t id = 0; id < kSensors; ++id) {
            QCOMPARE(seen[id], static_cast<double>(kRounds));  // every sensor's final value was notified
        }
        QVERIFY(notified >= kSensors);
        QVERIFY(notified <= static_cast<std::uint64_t>(kSensors) * kRounds);  // coalesced, never more than stores
        QCOMPARE(cache.tick(), std::size_t{0});
        qInfo("%llu ticks, %llu notifications for %u stores", static_cast<unsigned long long>(ticks),
              static_cast<unsigned long long>(notified), kSensors * kRounds);
    }
};

QTEST_GUILESS_MAIN(TestLatestValuesCache)
#include "test_latest_values_cache.moc"
