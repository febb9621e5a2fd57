#include <QtTest>
#include <algorithm>
#include <random>

#include "cep_test_support.h"
#include "cityops/engine/stream/cep.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;
using namespace cityops::engine::stream::cep_test;

namespace {

//! A pattern with loops, branches (followedByAny), held matches (SKIP_TO_NEXT) and a time bound, so
//! a snapshot holds shared node chains, partial and completed matches and pending events.
Pattern<Ev> richPattern() {
    return Pattern<Ev>::begin("a", AfterMatchSkipStrategy::skipToNext())
        .where(kindIs("a"))
        .followedByAny("b")
        .where([](const Ev& e, const MatchContext<Ev>& ctx) {
            const Ev* prev = ctx.last("b");
            return e.kind() == "b" && (prev == nullptr || e.value >= prev->value);
        })
        .oneOrMore()
        .followedBy("c")
        .where(kindIs("c"))
        .within(60);
}

//! Random events for `keys` keys, times increasing by 0..3 ms, arriving up to 10 ms out of order.
std::vector<Step> randomInput(std::uint32_t seed, int events, Key keys) {
    std::mt19937 rng(seed);
    const char* kinds[] = {"a", "b", "b", "c", "x"};
    std::vector<Step> ordered;
    TimeMs t = 0;
    for (int i = 0; i < events; ++i) {
        t += static_cast<TimeMs>(rng() % 4);
        ordered.push_back(at(t, std::string(kinds[rng() % 5]) + std::to_string(i), 1 + rng() % keys,
                             static_cast<double>(rng() % 10)));
    }
    for (std::size_t i = 0; i + 6 <= ordered.size(); i += 6) {
        std::shuffle(ordered.begin() + static_cast<std::ptrdiff_t>(i), ordered.begin() + static_cast<std::ptrdiff_t>(i + 6),
                     rng);
    }
    std::vector<Step> steps;
    TimeMs maxSeen = 0;
    for (const Step& s : ordered) {
        steps.push_back(s);
        maxSeen = std::max(maxSeen, s.time);
        steps.push_back(watermark(maxSeen - 20));
    }
    return steps;
}

struct Outputs {
    std::vector<std::string> matches;
    std::vector<std::string> timeouts;
};

//! Runs steps [from, to) through the operators, routing each key to the operator that owns it.
void feed(std::vector<CepOperator<Ev, Match<Ev>>*> ops, const std::vector<Step>& steps, std::size_t from,
          std::size_t to, Outputs& outputs, bool end) {
    VectorCollector<Match<Ev>> out;
    for (std::size_t i = from; i < to; ++i) {
        const Step& s = steps[i];
        if (s.watermark) {
            for (auto* op : ops) {
                op->onWatermark(s.time, out);
            }
        } else {
            ops[static_cast<std::size_t>(partitionOf(s.key, static_cast<int>(ops.size())))]->processElement(
                s.key, s.event, s.time, out);
        }
    }
    if (end) {
        for (auto* op : ops) {
            op->onWatermark(kEndOfTime, out);
        }
    }
    for (const auto& item : out.items) {
        outputs.matches.push_back(std::to_string(item.key) + ": " + text(item.value));
    }
}

std::vector<std::string> sortedCopy(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

//! Snapshot / restore of the CEP operator: mid-stream restores give the uninterrupted result.
class TestCepSnapshot : public QObject {
    Q_OBJECT

private slots:
    void restoreMidStreamEqualsUninterrupted();
    void restoreOverTwoKeyFiltersEqualsUninterrupted();
    void restoreMergesSeveralSnapshots();
    void co2RuleSurvivesRestore();
    void malformedSnapshotsAreRejected();
};

void TestCepSnapshot::restoreMidStreamEqualsUninterrupted() {
    const auto steps = randomInput(5, 3000, 7);
    Outputs expected;
    auto whole = makeCepOperator(richPattern());
    VectorCollector<Match<Ev>> timeouts;
    whole->setTimeoutOutput(&timeouts);
    feed({whole.get()}, steps, 0, steps.size(), expected, true);
    QVERIFY(expected.matches.size() > 100);
    QVERIFY(!timeouts.items.empty());

    for (std::size_t cut : {std::size_t{1}, steps.size() / 3, steps.size() / 2 + 1, steps.size() - 2}) {
        Outputs got;
        auto first = makeCepOperator(richPattern());
        feed({first.get()}, steps, 0, cut, got, false);
        StateWriter writer;
        first->snapshot(writer);
        QVERIFY(first->stateBytes() > 0);
        auto second = makeCepOperator(richPattern());
        StateReader reader(writer.bytes());
        QVERIFY(second->restore(reader, KeyFilter{}));
        QVERIFY(reader.atEnd());
        QCOMPARE(second->partialMatchCount(), first->partialMatchCount());
        QCOMPARE(second->bufferedEvents(), first->bufferedEvents());
        QCOMPARE(second->currentWatermark(), first->currentWatermark());
        feed({second.get()}, steps, cut, steps.size(), got, true);
        // Same matches in the same order as the uninterrupted run.
        QCOMPARE(got.matches, expected.matches);
    }
}

void TestCepSnapshot::restoreOverTwoKeyFiltersEqualsUninterrupted() {
    const auto steps = randomInput(9, 3000, 9);
    Outputs expected;
    auto whole = makeCepOperator(richPattern());
    feed({whole.get()}, steps, 0, steps.size(), expected, true);

    // Run 1 worker up to the cut, then restart with 2 workers that each keep their own keys.
    const std::size_t cut = steps.size() / 2;
    Outputs got;
    auto first = makeCepOperator(richPattern());
    feed({first.get()}, steps, 0, cut, got, false);
    StateWriter writer;
    first->snapshot(writer);
    auto w0 = makeCepOperator(richPattern());
    auto w1 = makeCepOperator(richPattern());
    StateReader r0(writer.bytes());
    StateReader r1(writer.bytes());
    QVERIFY(w0->restore(r0, KeyFilter{0, 2}));
    QVERIFY(w1->restore(r1, KeyFilter{1, 2}));
    QCOMPARE(w0->partialMatchCount() + w1->partialMatchCount(), first->partialMatchCount());
    QCOMPARE(w0->bufferedEvents() + w1->bufferedEvents(), first->bufferedEvents());
    QVERIFY(w0->stateBytes() > 0 && w1->stateBytes() > 0);
    QVERIFY(w0->bufferedEvents() + w0->partialMatchCount() > 0);
    QVERIFY(w1->bufferedEvents() + w1->partialMatchCount() > 0);
    feed({w0.get(), w1.get()}, steps, cut, steps.size(), got, true);
    QCOMPARE(sortedCopy(got.matches), sortedCopy(expected.matches));
}

void TestCepSnapshot::restoreMergesSeveralSnapshots() {
    // Two workers write snapshots; a restart with one worker reads both.
    const auto steps = randomInput(13, 2500, 8);
    Outputs expected;
    auto whole = makeCepOperator(richPattern());
    feed({whole.get()}, steps, 0, steps.size(), expected, true);

    const std::size_t cut = steps.size() / 2 + 3;
    Outputs got;
    auto w0 = makeCepOperator(richPattern());
    auto w1 = makeCepOperator(richPattern());
    feed({w0.get(), w1.get()}, steps, 0, cut, got, false);
    StateWriter s0;
    StateWriter s1;
    w0->snapshot(s0);
    w1->snapshot(s1);
    auto merged = makeCepOperator(richPattern());
    StateReader r0(s0.bytes());
    StateReader r1(s1.bytes());
    QVERIFY(merged->restore(r0, KeyFilter{}));
    QVERIFY(merged->restore(r1, KeyFilter{}));
    QCOMPARE(merged->partialMatchCount(), w0->partialMatchCount() + w1->partialMatchCount());
    feed({merged.get()}, steps, cut, steps.size(), got, true);
    QCOMPARE(sortedCopy(got.matches), sortedCopy(expected.matches));
}

void TestCepSnapshot::co2RuleSurvivesRestore() {
    std::mt19937 rng(3);
    std::vector<Reading> input;
    TimeMs t = 0;
    for (int i = 0; i < 4000; ++i) {
        t += static_cast<TimeMs>(rng() % 3000);
        Reading r;
        r.sensorId = rng() % 20;
        r.locationId = static_cast<std::uint16_t>(r.sensorId % 5);
        r.metric = Metric::Co2;
        r.kind = SensorKind::AirQuality;
        r.eventTimeMs = t;
        r.seq = static_cast<std::uint64_t>(i);
        r.value = 700.0 + static_cast<double>(rng() % 300);
        input.push_back(r);
    }
    auto runRange = [&](KeyedOperator<Reading, Alert>& op, std::size_t from, std::size_t to, bool end,
                        std::vector<Alert>& alerts) {
        VectorCollector<Alert> out;
        for (std::size_t i = from; i < to; ++i) {
            op.processElement(input[i].sensorId, input[i], input[i].eventTimeMs, out);
            op.onWatermark(input[i].eventTimeMs - 10'000, out);
        }
        if (end) {
            op.onWatermark(kEndOfTime, out);
        }
        for (const auto& item : out.items) {
            alerts.push_back(item.value);
        }
    };
    std::vector<Alert> expected;
    auto whole = makeCo2RuleOperator();
    runRange(*whole, 0, input.size(), true, expected);
    std::vector<Alert> got;
    auto first = makeCo2RuleOperator();
    runRange(*first, 0, 2000, false, got);
    StateWriter writer;
    first->snapshot(writer);
    auto second = makeCo2RuleOperator();
    StateReader reader(writer.bytes());
    QVERIFY(second->restore(reader, KeyFilter{}));
    runRange(*second, 2000, input.size(), true, got);
    QVERIFY(expected.size() > 30);
    QCOMPARE(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].id, expected[i].id);
        QCOMPARE(got[i].eventTimeMs, expected[i].eventTimeMs);
        QCOMPARE(got[i].value, expected[i].value);
    }
}

void TestCepSnapshot::malformedSnapshotsAreRejected() {
    const auto steps = randomInput(21, 500, 3);
    Outputs ignored;
    auto first = makeCepOperator(richPattern());
    feed({first.get()}, steps, 0, steps.size() / 2, ignored, false);
    StateWriter writer;
    first->snapshot(writer);
    const auto& bytes = writer.bytes();
    QVERIFY(bytes.size() > 64);
    // Every truncation fails cleanly and leaves the operator untouched.
    for (std::size_t len = 0; len < bytes.size(); len += 1 + len / 7) {
        auto op = makeCepOperator(richPattern());
        StateReader reader(std::span<const std::byte>(bytes.data(), len));
        QVERIFY(!op->restore(reader, KeyFilter{}));
        QCOMPARE(op->partialMatchCount(), std::size_t{0});
        QCOMPARE(op->bufferedEvents(), std::size_t{0});
    }
    // A snapshot of another pattern is refused.
    auto other = makeCepOperator(Pattern<Ev>::begin("a").where(kindIs("a")));
    StateReader reader(bytes);
    QVERIFY(!other->restore(reader, KeyFilter{}));
    // Corrupted node links are refused (flip bytes after the header).
    std::mt19937 rng(1);
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        auto copy = bytes;
        const std::size_t pos = 8 + rng() % (copy.size() - 8);
        copy[pos] = static_cast<std::byte>(0xff);
        auto op = makeCepOperator(richPattern());
        StateReader r(copy);
        refused += op->restore(r, KeyFilter{}) ? 0 : 1;  // must not crash either way
    }
    QVERIFY(refused > 0);
}

QTEST_GUILESS_MAIN(TestCepSnapshot)
#include "test_cep_snapshot.moc"
