#include <QtTest>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "cityops/engine/stream/dedup.h"
#include "cityops/engine/stream/json_codec.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

struct Event {
    std::uint64_t id = 0;
    int payload = 0;
};

std::uint64_t idOf(const Event& e) { return e.id; }

using Dedup = DedupOperator<Event>;

constexpr TimeMs kTtl = 60'000;

DedupConfig config(std::uint32_t idsPerKey = 16) { return DedupConfig{kTtl, idsPerKey}; }

std::vector<int> payloads(const VectorCollector<Event>& out) {
    std::vector<int> result;
    for (const auto& item : out.items) {
        result.push_back(item.value.payload);
    }
    return result;
}

}  // namespace

//! Deduplication by event id: TTL in event time, bounded state, counters, snapshot and restore.
class TestDedup : public QObject {
    Q_OBJECT

private slots:
    void repeatsWithinTtlAreDropped();
    void repeatsBeyondTtlPass();
    void watermarkExpiresIdsAndKeys();
    void fullRingEvictsOldest();
    void sweepKeepsLiveKeysFindable();
    void restoreKeepsOwnKeysAcrossWorkerCounts();
    void malformedSnapshotIsRefused();
    void decodedReadingsOfOneTickAreNotDuplicates();
    void matchesAReferenceModel();
};

void TestDedup::repeatsWithinTtlAreDropped() {
    Dedup dedup(config(), &idOf);
    VectorCollector<Event> out;
    dedup.processElement(1, {100, 1}, 1000, out);
    dedup.processElement(1, {100, 2}, 1000, out);          // same key, same id
    dedup.processElement(2, {100, 3}, 1000, out);          // other key: not a duplicate
    dedup.processElement(1, {101, 4}, 2000, out);
    dedup.processElement(1, {100, 5}, 1000 + kTtl, out);  // repeat arriving later, key time within TTL
    dedup.processElement(1, {100, 6}, 1000, out);          // late repeat of the original
    QCOMPARE(payloads(out), (std::vector<int>{1, 3, 4}));
    QCOMPARE(out.items[0].key, Key{1});
    QCOMPARE(out.items[0].eventTime, TimeMs{1000});
    const OperatorCounters c = dedup.counters();
    QCOMPARE(c.recordsIn, 6u);
    QCOMPARE(c.recordsOut, 3u);
    QCOMPARE(c.duplicates, 3u);
    QVERIFY(dedup.stateBytes() > 0);
    QVERIFY(dedup.name().find("dedup") != std::string::npos);
}

void TestDedup::repeatsBeyondTtlPass() {
    Dedup dedup(config(), &idOf);
    VectorCollector<Event> out;
    dedup.processElement(1, {100, 1}, 1000, out);
    dedup.processElement(1, {200, 2}, 1000 + kTtl + 1, out);  // the key's time moves past 1000 + TTL
    dedup.processElement(1, {100, 3}, 1000, out);              // beyond the TTL: passes
    dedup.processElement(1, {100, 4}, 1000 + kTtl + 2, out);  // a new occurrence: remembered again
    dedup.processElement(1, {100, 5}, 1000 + kTtl + 2, out);
    QCOMPARE(payloads(out), (std::vector<int>{1, 2, 3, 4}));
    QCOMPARE(dedup.counters().duplicates, 1u);
}

void TestDedup::watermarkExpiresIdsAndKeys() {
    Dedup dedup(config(), &idOf);
    VectorCollector<Event> out;
    for (Key key = 0; key < 100; ++key) {
        dedup.processElement(key, {key, 0}, 1000, out);
    }
    QCOMPARE(dedup.state().keyCount(), std::size_t{100});
    dedup.onWatermark(1000 + kTtl, out);  // everything still within the TTL
    dedup.processElement(5, {5, 1}, 1000, out);
    QCOMPARE(dedup.counters().duplicates, 1u);
    QCOMPARE(dedup.state().keyCount(), std::size_t{100});
    dedup.onWatermark(1000 + 2 * kTtl, out);  // all expired: keys dropped, memory reusable
    QCOMPARE(dedup.state().keyCount(), std::size_t{0});
    const std::size_t afterSweep = dedup.stateBytes();
    dedup.processElement(5, {5, 2}, 1000 + 2 * kTtl, out);
    QCOMPARE(dedup.counters().duplicates, 1u);
    QCOMPARE(out.items.back().value.payload, 2);
    // A repeat older than watermark − TTL passes (it may be a replay of an event long forgotten).
    dedup.processElement(7, {7, 3}, 1000, out);
    QCOMPARE(out.items.back().value.payload, 3);
    QCOMPARE(dedup.stateBytes(), afterSweep);  // freed slots are reused, no growth
    dedup.onWatermark(kEndOfTime, out);
    QCOMPARE(dedup.state().keyCount(), std::size_t{0});
}

void TestDedup::fullRingEvictsOldest() {
    Dedup dedup(config(4), &idOf);
    VectorCollector<Event> out;
    for (std::uint64_t id = 1; id <= 5; ++id) {
        dedup.processElement(1, {id, static_cast<int>(id)}, 1000 + static_cast<TimeMs>(id), out);
    }
    QCOMPARE(dedup.state().evictions(), 1u);
    dedup.processElement(1, {1, 10}, 1001, out);  // id 1 was evicted: passes (and evicts id 2)
    dedup.processElement(1, {5, 11}, 1005, out);  // id 5 is still remembered
    QCOMPARE(payloads(out), (std::vector<int>{1, 2, 3, 4, 5, 10}));
    QCOMPARE(dedup.state().evictions(), 2u);
}

void TestDedup::sweepKeepsLiveKeysFindable() {
    // Many keys, half of them expired by the sweep: the index must still find every live one.
    Dedup dedup(config(), &idOf);
    VectorCollector<Event> out;
    const TimeMs late = 1000 + 2 * kTtl;
    for (Key key = 0; key < 5000; ++key) {
        dedup.processElement(key * 0x9e3779b9ull, {key, 0}, key % 2 == 0 ? 1000 : late, out);
    }
    dedup.onWatermark(late, out);
    QCOMPARE(dedup.state().keyCount(), std::size_t{2500});
    for (Key key = 1; key < 5000; key += 2) {
        dedup.processElement(key * 0x9e3779b9ull, {key, 1}, late, out);  // remembered
    }
    QCOMPARE(dedup.counters().duplicates, 2500u);
    for (Key key = 0; key < 5000; key += 2) {
        dedup.processElement(key * 0x9e3779b9ull, {key, 2}, late, out);  // forgotten key: new again
    }
    QCOMPARE(dedup.counters().duplicates, 2500u);
    QCOMPARE(dedup.state().keyCount(), std::size_t{5000});
    StateWriter writer;
    dedup.snapshot(writer);
    Dedup restored(config(), &idOf);
    StateReader reader(writer.bytes());
    QVERIFY(restored.restore(reader, KeyFilter{}));
    QCOMPARE(restored.state().keyCount(), std::size_t{5000});
}

void TestDedup::restoreKeepsOwnKeysAcrossWorkerCounts() {
    // Two workers of a previous run, each with its own keys; the new run has three workers.
    std::vector<StateWriter> snapshots(2);
    for (int part = 0; part < 2; ++part) {
        Dedup dedup(config(), &idOf);
        VectorCollector<Event> out;
        for (Key key = 0; key < 200; ++key) {
            if (partitionOf(key, 2) == part) {
                dedup.processElement(key, {key * 10, 0}, 5000, out);
                dedup.processElement(key, {key * 10 + 1, 0}, 6000, out);
            }
        }
        dedup.onWatermark(5500, out);
        dedup.snapshot(snapshots[static_cast<std::size_t>(part)]);
    }
    std::size_t keys = 0;
    for (int part = 0; part < 3; ++part) {
        Dedup restored(config(), &idOf);
        for (const StateWriter& snapshot : snapshots) {
            StateReader reader(snapshot.bytes());
            QVERIFY(restored.restore(reader, KeyFilter{part, 3}));
            QVERIFY(reader.atEnd());
        }
        keys += restored.state().keyCount();
        VectorCollector<Event> out;
        for (Key key = 0; key < 200; ++key) {
            if (partitionOf(key, 3) != part) {
                continue;
            }
            restored.processElement(key, {key * 10, 1}, 5000, out);      // remembered: dropped
            restored.processElement(key, {key * 10 + 1, 1}, 6000, out);  // remembered: dropped
            restored.processElement(key, {key * 10 + 2, 2}, 6000, out);  // new
        }
        for (const auto& item : out.items) {
            QCOMPARE(item.value.payload, 2);
        }
        QCOMPARE(restored.counters().duplicates, 2 * out.items.size());
    }
    QCOMPARE(keys, std::size_t{200});
}

void TestDedup::malformedSnapshotIsRefused() {
    Dedup dedup(config(), &idOf);
    VectorCollector<Event> out;
    dedup.processElement(1, {1, 0}, 1000, out);
    StateWriter writer;
    dedup.snapshot(writer);
    for (std::size_t cut = 0; cut < writer.bytes().size(); ++cut) {
        Dedup restored(config(), &idOf);
        StateReader reader(std::span(writer.bytes()).first(cut));
        QVERIFY(!restored.restore(reader, KeyFilter{}));
    }
    // An absurd id count is refused, not allocated.
    StateWriter absurd;
    absurd.put<TimeMs>(0);
    absurd.put<std::uint64_t>(1);
    absurd.put<Key>(1);
    absurd.put<TimeMs>(0);
    absurd.put<std::uint32_t>(0xffffffffu);
    Dedup restored(config(), &idOf);
    StateReader reader(absurd.bytes());
    QVERIFY(!restored.restore(reader, KeyFilter{}));
}

void TestDedup::decodedReadingsOfOneTickAreNotDuplicates() {
    DedupOperator<DecodedReading> dedup(config(), &readingDedupId);
    VectorCollector<DecodedReading> out;
    DecodedReading co2;
    co2.eventId = eventIdHash("17-4211");
    co2.reading.sensorId = 17;
    co2.reading.metric = Metric::Co2;
    DecodedReading pm25 = co2;
    pm25.reading.metric = Metric::Pm25;
    dedup.processElement(17, co2, 1000, out);
    dedup.processElement(17, pm25, 1000, out);
    dedup.processElement(17, co2, 1000, out);  // a gateway retry
    QCOMPARE(out.items.size(), std::size_t{2});
    QCOMPARE(dedup.counters().duplicates, 1u);
    // A lambda works as IdFn too.
    auto bySeq = [](const DecodedReading& d) { return d.reading.seq; };
    DedupOperator<DecodedReading, decltype(bySeq)> seqDedup(config(), bySeq);
    seqDedup.processElement(17, co2, 1000, out);
    seqDedup.processElement(17, co2, 1000, out);
    QCOMPARE(seqDedup.counters().duplicates, 1u);
}

void TestDedup::matchesAReferenceModel() {
    // Random streams with repeats and disorder, against a naive model with unbounded memory. With a
    // ring larger than the ids a key sees within the TTL, the two must agree exactly.
    std::mt19937_64 rng(5);
    Dedup dedup(config(256), &idOf);
    VectorCollector<Event> out;
    std::map<Key, std::vector<std::pair<std::uint64_t, TimeMs>>> seen;  // all admitted (id, time)
    std::map<Key, TimeMs> newest;
    TimeMs watermark = kNoWatermark;
    TimeMs clock = 0;
    int expectedOut = 0;
    for (int i = 0; i < 20000; ++i) {
        clock += static_cast<TimeMs>(rng() % 200);
        const Key key = rng() % 8;
        const TimeMs t = clock - static_cast<TimeMs>(rng() % 5000);
        const std::uint64_t id = rng() % 50 == 0 ? rng() % 3 : static_cast<std::uint64_t>(t / 700) * 1000 + key;
        TimeMs& keyNewest = newest.try_emplace(key, kNoWatermark).first->second;
        keyNewest = std::max(keyNewest, t);
        const TimeMs cutoff = std::max(keyNewest, watermark) - kTtl;
        bool duplicate = false;
        if (t >= cutoff) {
            for (const auto& [seenId, seenTime] : seen[key]) {
                duplicate = duplicate || (seenId == id && seenTime >= cutoff);
            }
            if (!duplicate) {
                seen[key].emplace_back(id, t);
            }
        }
        expectedOut += duplicate ? 0 : 1;
        dedup.processElement(key, {id, i}, t, out);
        QCOMPARE(static_cast<int>(out.items.size()), expectedOut);
        if (i % 500 == 499) {
            watermark = clock - 5000;
            dedup.onWatermark(watermark, out);
        }
    }
    QVERIFY(dedup.counters().duplicates > 100);
    QCOMPARE(dedup.state().evictions(), 0u);
}

QTEST_GUILESS_MAIN(TestDedup)
#include "test_dedup.moc"
