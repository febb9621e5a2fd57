#include <QtTest>
#include <algorithm>
#include <random>

#include "cep_test_support.h"

using namespace cityops::engine::stream;
using namespace cityops::engine::stream::cep_test;

namespace {

QStringList q(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v) {
        out << QString::fromStdString(s);
    }
    return out;
}

Pattern<Ev> bPlusC(AfterMatchSkipStrategy skip) {
    // The docs' "b+ c" juxtaposes b+ and c: strict contiguity (next). With followedBy, every prefix
    // of the b's would also meet c (see contiguityInsideLoops).
    return Pattern<Ev>::begin("b", std::move(skip)).where(kindIs("b")).oneOrMore().next("c").where(kindIs("c"));
}

Pattern<Ev> threeHighWithin(TimeMs within, AfterMatchSkipStrategy skip = AfterMatchSkipStrategy::skipPastLastEvent()) {
    return Pattern<Ev>::begin("high", std::move(skip))
        .where([](const Ev& e) { return e.value > 800; })
        .times(3)
        .within(within);
}

}  // namespace

//! Pattern semantics against Flink CEP's documented behaviour.
class TestCepSemantics : public QObject {
    Q_OBJECT

private slots:
    void exactlyThree();
    void twoThenGap();
    void withinBoundary();
    void skipStrategiesOnBPlusC();
    void skipToNextVersusNoSkip();
    void skipToFirstLastWithoutEventsSkipsNothing();
    void contiguityBetweenStages();
    void contiguityInsideLoops();
    void optionalStage();
    void oneOrMoreAtTheEnd();
    void timesRange();
    void iterativeConditionSeesPreviousMatch();
    void iterativeConditionSameLocation();
    void orWhereCombines();
    void matchCarriesEventsByName();
    void keysAreIndependent();
    void tieComparatorOrdersEqualTimes();
    void shuffledWithinBoundEqualsInOrder();
    void lateEventsGoToSideOutput();
    void timeoutsGoToTimeoutOutput();
    void heldMatchWaitsForEarlierPartial();
    void builderRejectsMisuse();
    void nonMatchingEventsAllocateNoState();
};

void TestCepSemantics::exactlyThree() {
    const auto p = threeHighWithin(5 * 60'000);
    auto r = run(p, {at(0, "x1", 1, 850), at(60'000, "x2", 1, 900), at(120'000, "x3", 1, 880)});
    QCOMPARE(q(r), QStringList{"x1 x2 x3"});
    // Four readings: SKIP_PAST_LAST_EVENT leaves the fourth alone.
    r = run(p, {at(0, "x1", 1, 900), at(1, "x2", 1, 900), at(2, "x3", 1, 900), at(3, "x4", 1, 900)});
    QCOMPARE(q(r), QStringList{"x1 x2 x3"});
    // Six readings: two matches.
    r = run(p, {at(0, "x1", 1, 900), at(1, "x2", 1, 900), at(2, "x3", 1, 900), at(3, "x4", 1, 900),
                at(4, "x5", 1, 900), at(5, "x6", 1, 900)});
    QCOMPARE(q(r), (QStringList{"x1 x2 x3", "x4 x5 x6"}));
}

void TestCepSemantics::twoThenGap() {
    const auto p = threeHighWithin(5 * 60'000);
    QVERIFY(run(p, {at(0, "x1", 1, 900), at(60'000, "x2", 1, 900), at(360'000, "x3", 1, 900)}).empty());
    QVERIFY(run(p, {at(0, "x1", 1, 900), at(60'000, "x2", 1, 900)}).empty());
    // Low readings in between do not break relaxed contiguity.
    QCOMPARE(q(run(p, {at(0, "x1", 1, 900), at(1, "l1", 1, 500), at(2, "x2", 1, 950), at(3, "l2", 1, 700),
                       at(4, "x3", 1, 901)})),
             QStringList{"x1 x2 x3"});
    // A timed-out start is dropped, not the whole match.
    QCOMPARE(q(run(p, {at(0, "x1", 1, 900), at(240'000, "x2", 1, 910), at(360'000, "x3", 1, 920),
                       at(420'000, "x4", 1, 930)})),
             QStringList{"x2 x3 x4"});
}

void TestCepSemantics::withinBoundary() {
    const auto p = threeHighWithin(5 * 60'000);
    QVERIFY(run(p, {at(0, "x1", 1, 900), at(120'000, "x2", 1, 900), at(300'000, "x3", 1, 900)}).empty());
    QCOMPARE(q(run(p, {at(0, "x1", 1, 900), at(120'000, "x2", 1, 900), at(299'999, "x3", 1, 900)})),
             QStringList{"x1 x2 x3"});
    // The same boundary when the watermark prunes the partial match before the third event arrives.
    auto op = makeCepOperator(p);
    auto r = run(*op, {at(0, "x1", 1, 900), at(120'000, "x2", 1, 900), watermark(300'000)}, false);
    QCOMPARE(op->timedOut(), std::uint64_t{1});  // "x1 x2" pruned by the watermark
    QCOMPARE(op->partialMatchCount(), std::size_t{1});  // "x2" is still open
    r = run(*op, {at(300'000, "x3", 1, 900)});
    QVERIFY(r.empty());
    op = makeCepOperator(p);
    r = run(*op, {at(0, "x1", 1, 900), at(120'000, "x2", 1, 900), watermark(299'999), at(299'999, "x3", 1, 900)});
    QCOMPARE(q(r), QStringList{"x1 x2 x3"});
}

void TestCepSemantics::skipStrategiesOnBPlusC() {
    // Flink CEP docs, "After Match Skip Strategy": pattern b+ c on b1 b2 b3 c.
    const auto input = sequence("b1 b2 b3 c");
    QCOMPARE(q(run(bPlusC(AfterMatchSkipStrategy::noSkip()), input)),
             (QStringList{"b1 b2 b3 c", "b2 b3 c", "b3 c"}));
    QCOMPARE(q(run(bPlusC(AfterMatchSkipStrategy::skipToNext()), input)),
             (QStringList{"b1 b2 b3 c", "b2 b3 c", "b3 c"}));
    QCOMPARE(q(run(bPlusC(AfterMatchSkipStrategy::skipPastLastEvent()), input)), (QStringList{"b1 b2 b3 c"}));
    QCOMPARE(q(run(bPlusC(AfterMatchSkipStrategy::skipToFirst("b")), input)),
             (QStringList{"b1 b2 b3 c", "b2 b3 c", "b3 c"}));
    QCOMPARE(q(run(bPlusC(AfterMatchSkipStrategy::skipToLast("b")), input)), (QStringList{"b1 b2 b3 c", "b3 c"}));
}

void TestCepSemantics::skipToNextVersusNoSkip() {
    // Flink CEP docs: pattern a b+ on a b1 b2 b3.
    auto aBPlus = [](AfterMatchSkipStrategy s) {
        return Pattern<Ev>::begin("a", std::move(s)).where(kindIs("a")).followedBy("b").where(kindIs("b")).oneOrMore();
    };
    const auto input = sequence("a b1 b2 b3");
    QCOMPARE(q(run(aBPlus(AfterMatchSkipStrategy::noSkip()), input)), (QStringList{"a b1", "a b1 b2", "a b1 b2 b3"}));
    QCOMPARE(q(run(aBPlus(AfterMatchSkipStrategy::skipToNext()), input)), (QStringList{"a b1"}));
    // SKIP_TO_NEXT on b+ c with several starts: every start still matches once.
    QCOMPARE(q(run(bPlusC(AfterMatchSkipStrategy::skipToNext()), sequence("b1 b2 c1 c2"))),
             (QStringList{"b1 b2 c1", "b2 c1"}));
}

void TestCepSemantics::skipToFirstLastWithoutEventsSkipsNothing() {
    // The named stage is optional and took no event: Flink's default is to skip nothing.
    auto p = [](AfterMatchSkipStrategy s) {
        return Pattern<Ev>::begin("a", std::move(s))
            .where(kindIs("a"))
            .followedBy("o")
            .where(kindIs("o"))
            .optional()
            .followedBy("c")
            .where(kindIs("c"));
    };
    QCOMPARE(q(run(p(AfterMatchSkipStrategy::skipToLast("o")), sequence("a1 a2 c"))), (QStringList{"a1 c", "a2 c"}));
    QCOMPARE(q(run(p(AfterMatchSkipStrategy::skipPastLastEvent()), sequence("a1 a2 c"))), (QStringList{"a1 c"}));
}

void TestCepSemantics::contiguityBetweenStages() {
    // Flink CEP docs: pattern "a b" on a, c, b1, b2.
    const auto input = sequence("a c b1 b2");
    auto a = Pattern<Ev>::begin("a").where(kindIs("a"));
    QVERIFY(run(a.next("b").where(kindIs("b")), input).empty());
    QCOMPARE(q(run(a.followedBy("b").where(kindIs("b")), input)), (QStringList{"a b1"}));
    QCOMPARE(q(run(a.followedByAny("b").where(kindIs("b")), input)), (QStringList{"a b1", "a b2"}));
}

void TestCepSemantics::contiguityInsideLoops() {
    // Flink CEP docs, consecutive() / allowCombinations(): c, a+ , b on C D A1 A2 A3 D A4 B.
    const auto input = sequence("c d a1 a2 a3 d a4 b");
    auto base = Pattern<Ev>::begin("start").where(kindIs("c")).followedBy("middle").where(kindIs("a")).oneOrMore();
    auto withEnd = [](const Pattern<Ev>& p) { return p.followedBy("end1").where(kindIs("b")); };
    QCOMPARE(q(sorted(run(withEnd(base.consecutive()), input))), (QStringList{"c a1 a2 a3 b", "c a1 a2 b", "c a1 b"}));
    QCOMPARE(q(sorted(run(withEnd(base), input))),
             (QStringList{"c a1 a2 a3 a4 b", "c a1 a2 a3 b", "c a1 a2 b", "c a1 b"}));
    // Combinations: every subset of the a's that keeps a1 (followedBy takes the first a).
    const auto combos = sorted(run(withEnd(base.allowCombinations()), input));
    QCOMPARE(combos.size(), std::size_t{8});
    for (const auto& m : combos) {
        QVERIFY(m.rfind("c a1", 0) == 0);
    }
    // With followedByAny into the loop, every non-empty subset of a1..a4: 15 matches.
    auto any = Pattern<Ev>::begin("start").where(kindIs("c")).followedByAny("middle").where(kindIs("a")).oneOrMore();
    QCOMPARE(run(withEnd(any.allowCombinations()), input).size(), std::size_t{15});
}

void TestCepSemantics::optionalStage() {
    auto p = Pattern<Ev>::begin("a").where(kindIs("a")).followedBy("b").where(kindIs("b")).optional().followedBy(
        "c").where(kindIs("c"));
    QCOMPARE(q(run(p, sequence("a x c"))), (QStringList{"a c"}));
    QCOMPARE(q(sorted(run(p, sequence("a b c")))), (QStringList{"a b c", "a c"}));
    // Optional at the end completes at once, and again with the optional event.
    auto tail = Pattern<Ev>::begin("a").where(kindIs("a")).followedBy("b").where(kindIs("b")).optional();
    QCOMPARE(q(run(tail, sequence("a b"))), (QStringList{"a", "a b"}));
    // oneOrMore().optional() in the middle.
    auto loop = Pattern<Ev>::begin("a").where(kindIs("a")).next("b").where(kindIs("b")).oneOrMore().optional().next(
        "c").where(kindIs("c"));
    QCOMPARE(q(run(loop, sequence("a c"))), (QStringList{"a c"}));
    QCOMPARE(q(run(loop, sequence("a b1 b2 c"))), (QStringList{"a b1 b2 c"}));
    QVERIFY(run(loop, sequence("a b1 x c")).empty());
}

void TestCepSemantics::oneOrMoreAtTheEnd() {
    auto p = Pattern<Ev>::begin("b").where(kindIs("b")).oneOrMore().consecutive();
    QCOMPARE(q(run(p, sequence("b1 b2 x b3"))), (QStringList{"b1", "b1 b2", "b2", "b3"}));
}

void TestCepSemantics::timesRange() {
    auto p = Pattern<Ev>::begin("a").where(kindIs("a")).followedBy("b").where(kindIs("b")).times(2, 3).followedBy(
        "c").where(kindIs("c"));
    QCOMPARE(q(sorted(run(p, sequence("a b1 b2 b3 c")))), (QStringList{"a b1 b2 b3 c", "a b1 b2 c"}));
    QVERIFY(run(p, sequence("a b1 c")).empty());
    auto strict = Pattern<Ev>::begin("b").where(kindIs("b")).times(3).consecutive();
    QCOMPARE(q(run(strict, sequence("b1 b2 x b3 b4 b5"))), (QStringList{"b3 b4 b5"}));
}

void TestCepSemantics::iterativeConditionSeesPreviousMatch() {
    // Rising values: each "up" must exceed the previous one taken.
    auto p = Pattern<Ev>::begin("up")
                 .where([](const Ev& e, const MatchContext<Ev>& ctx) {
                     const Ev* prev = ctx.last("up");
                     return prev == nullptr || e.value > prev->value;
                 })
                 .times(3)
                 .consecutive();
    const auto r = run(p, {at(0, "v1", 1, 1), at(1, "v2", 1, 5), at(2, "v3", 1, 3), at(3, "v4", 1, 4),
                           at(4, "v5", 1, 9)});
    QCOMPARE(q(r), (QStringList{"v3 v4 v5"}));
}

void TestCepSemantics::iterativeConditionSameLocation() {
    // "fire" then "smoke" whose value (the location) equals the fire's.
    auto p = Pattern<Ev>::begin("fire")
                 .where(kindIs("fire"))
                 .followedBy("smoke")
                 .where(kindIs("smoke"))
                 .where([](const Ev& e, const MatchContext<Ev>& ctx) {
                     return ctx.first("fire") != nullptr && ctx.first("fire")->value == e.value &&
                            ctx.count("fire") == 1 && ctx.stageIndex("nope") == -1;
                 });
    const auto r = run(p, {at(0, "fire1", 1, 7), at(1, "smoke1", 1, 3), at(2, "smoke2", 1, 7)});
    QCOMPARE(q(r), (QStringList{"fire1 smoke2"}));
}

void TestCepSemantics::orWhereCombines() {
    auto p = Pattern<Ev>::begin("x").where(kindIs("a")).orWhere(kindIs("b")).where([](const Ev& e) {
        return e.value > 0;
    });
    // (a || b) && value > 0
    const auto r = run(p, {at(0, "a1", 1, 1), at(1, "b1", 1, 1), at(2, "c1", 1, 1), at(3, "a2", 1, 0)});
    QCOMPARE(q(r), (QStringList{"a1", "b1"}));
}

void TestCepSemantics::matchCarriesEventsByName() {
    auto op = makeCepOperator(
        Pattern<Ev>::begin("a").where(kindIs("a")).followedBy("b").where(kindIs("b")).times(2).followedBy("c").where(
            kindIs("c")));
    VectorCollector<Match<Ev>> out;
    for (const Step& s : sequence("a b1 x b2 c")) {
        op->processElement(7, s.event, s.time, out);
    }
    op->onWatermark(kEndOfTime, out);
    QCOMPARE(out.items.size(), std::size_t{1});
    const Match<Ev>& m = out.items[0].value;
    QCOMPARE(m.key(), Key{7});
    QCOMPARE(out.items[0].eventTime, TimeMs{4});
    QCOMPARE(m.get("b").size(), std::size_t{2});
    QCOMPARE(m.get("b")[1].value.name(), std::string("b2"));
    QCOMPARE(m.get("b")[1].eventTime, TimeMs{3});
    QCOMPARE(m.first("a")->name(), std::string("a"));
    QCOMPARE(m.last("c")->name(), std::string("c"));
    QVERIFY(m.get("zzz").empty());
    QCOMPARE(m.firstEventTime(), TimeMs{0});
    QCOMPARE(m.lastEventTime(), TimeMs{4});
    QCOMPARE(m.stageName(m.events()[1].stage), std::string_view("b"));
    QCOMPARE(op->counters().recordsOut, std::uint64_t{1});
    QCOMPARE(op->counters().recordsIn, std::uint64_t{5});
}

void TestCepSemantics::keysAreIndependent() {
    auto p = Pattern<Ev>::begin("a").where(kindIs("a")).next("b").where(kindIs("b"));
    // Interleaved keys do not break each other's strict contiguity.
    const auto r = run(p, {at(0, "a1", 1), at(1, "a2", 2), at(2, "b1", 1), at(3, "x", 2), at(4, "b2", 2)});
    QCOMPARE(q(r), (QStringList{"a1 b1"}));
}

void TestCepSemantics::tieComparatorOrdersEqualTimes() {
    auto p = Pattern<Ev>::begin("a").where(kindIs("a")).next("b").where(kindIs("b"));
    CepOptions<Ev> options;
    options.tieLess = [](const Ev& x, const Ev& y) { return x.seq < y.seq; };
    for (int flip = 0; flip < 2; ++flip) {
        auto op = makeCepOperator(p, options);
        Step a = at(5, "a", 1);
        a.event.seq = 1;
        Step b = at(5, "b", 1);
        b.event.seq = 2;
        const auto r = flip ? run(*op, {b, a}) : run(*op, {a, b});
        QCOMPARE(q(r), QStringList{"a b"});
    }
    // Without a comparator, arrival order decides.
    QVERIFY(run(p, {at(5, "b", 1), at(5, "a", 1)}).empty());
}

void TestCepSemantics::shuffledWithinBoundEqualsInOrder() {
    auto p = Pattern<Ev>::begin("a", AfterMatchSkipStrategy::skipToNext())
                 .where(kindIs("a"))
                 .followedByAny("b")
                 .where(kindIs("b"))
                 .oneOrMore()
                 .followedBy("c")
                 .where(kindIs("c"))
                 .within(40);
    std::mt19937 rng(11);
    const char* kinds[] = {"a", "b", "b", "c", "x"};
    std::vector<Step> ordered;
    for (int i = 0; i < 400; ++i) {
        const Key key = 1 + static_cast<Key>(rng() % 3);
        ordered.push_back(at(i * 3, std::string(kinds[rng() % 5]) + std::to_string(i), key));
    }
    auto withWatermarks = [](const std::vector<Step>& events, TimeMs bound) {
        std::vector<Step> steps;
        TimeMs maxSeen = kNoWatermark;
        TimeMs lastMark = kNoWatermark;
        for (const Step& s : events) {
            steps.push_back(s);
            maxSeen = std::max(maxSeen, s.time);
            if (maxSeen - bound > lastMark) {
                lastMark = maxSeen - bound;
                steps.push_back(watermark(lastMark));
            }
        }
        return steps;
    };
    const auto expected = run(p, withWatermarks(ordered, 0));
    QVERIFY(expected.size() > 20);
    for (int round = 0; round < 5; ++round) {
        // Shuffle inside blocks of 10 events (30 ms), with a 30 ms bound: never late.
        auto shuffled = ordered;
        for (std::size_t i = 0; i < shuffled.size(); i += 10) {
            std::shuffle(shuffled.begin() + static_cast<std::ptrdiff_t>(i),
                         shuffled.begin() + static_cast<std::ptrdiff_t>(std::min(i + 10, shuffled.size())), rng);
        }
        auto op = makeCepOperator(p);
        const auto got = run(*op, withWatermarks(shuffled, 30));
        QCOMPARE(op->counters().lateDropped, std::uint64_t{0});
        QCOMPARE(q(got), q(expected));
    }
}

void TestCepSemantics::lateEventsGoToSideOutput() {
    auto op = makeCepOperator(Pattern<Ev>::begin("a").where(kindIs("a")).next("b").where(kindIs("b")));
    VectorCollector<Ev> late;
    op->setLateOutput(&late);
    VectorCollector<Match<Ev>> out;
    op->processElement(1, ev("a"), 10, out);
    op->onWatermark(20, out);
    op->processElement(1, ev("b1"), 19, out);  // older than the watermark: late
    op->processElement(1, ev("b2"), 20, out);  // not late: time >= watermark
    op->onWatermark(kEndOfTime, out);
    QCOMPARE(late.items.size(), std::size_t{1});
    QCOMPARE(late.items[0].value.name(), std::string("b1"));
    QCOMPARE(late.items[0].eventTime, TimeMs{19});
    QCOMPARE(late.items[0].key, Key{1});
    QCOMPARE(op->counters().lateDropped, std::uint64_t{1});
    QCOMPARE(out.items.size(), std::size_t{1});
    QCOMPARE(text(out.items[0].value), std::string("a b2"));
    // Without a side output late events are still counted.
    auto quiet = makeCepOperator(Pattern<Ev>::begin("a").where(kindIs("a")));
    quiet->onWatermark(100, out);
    quiet->processElement(1, ev("a"), 5, out);
    QCOMPARE(quiet->counters().lateDropped, std::uint64_t{1});
}

void TestCepSemantics::timeoutsGoToTimeoutOutput() {
    auto op = makeCepOperator(
        Pattern<Ev>::begin("a").where(kindIs("a")).followedBy("b").where(kindIs("b")).within(100));
    VectorCollector<Match<Ev>> timeouts;
    op->setTimeoutOutput(&timeouts);
    VectorCollector<Match<Ev>> out;
    op->processElement(3, ev("a1"), 0, out);
    op->processElement(3, ev("a2"), 50, out);
    op->onWatermark(99, out);
    QVERIFY(timeouts.items.empty());
    op->onWatermark(100, out);  // a1's span reaches 100: pruned
    QCOMPARE(timeouts.items.size(), std::size_t{1});
    QCOMPARE(text(timeouts.items[0].value), std::string("a1"));
    QCOMPARE(timeouts.items[0].eventTime, TimeMs{100});
    QCOMPARE(op->partialMatchCount(), std::size_t{1});
    op->processElement(3, ev("b"), 120, out);
    op->onWatermark(kEndOfTime, out);
    QCOMPARE(out.items.size(), std::size_t{1});
    QCOMPARE(text(out.items[0].value), std::string("a2 b"));
    QCOMPARE(op->timedOut(), std::uint64_t{1});
    QCOMPARE(op->partialMatchCount(), std::size_t{0});
}

void TestCepSemantics::heldMatchWaitsForEarlierPartial() {
    // a (b|c)+ d under SKIP_PAST_LAST_EVENT: "c d" completes first, but the partial that started at
    // "a" started earlier and, completing later, prunes it (Flink releases matches in start order).
    auto p = Pattern<Ev>::begin("a", AfterMatchSkipStrategy::skipPastLastEvent())
                 .where(kindIs("a|c"))
                 .followedBy("b")
                 .where(kindIs("b"))
                 .times(2)
                 .followedBy("d")
                 .where(kindIs("d"));
    // Both a1 b1 b2 d1 and c1 b2 b3 d1 complete at d1; the earlier start is emitted first and
    // SKIP_PAST_LAST_EVENT prunes the other.
    QCOMPARE(q(run(p, sequence("a1 b1 c1 b2 b3 d1"))), (QStringList{"a1 b1 b2 d1"}));
    // A match that completes while an earlier partial is alive waits, then is emitted once that
    // partial times out.
    auto timed = Pattern<Ev>::begin("s", AfterMatchSkipStrategy::skipToNext())
                     .where(kindIs("s"))
                     .followedBy("e")
                     .where([](const Ev& e, const MatchContext<Ev>& ctx) {
                         return e.kind() == "e" && ctx.first("s") != nullptr && ctx.first("s")->value == e.value;
                     })
                     .within(100);
    auto op = makeCepOperator(timed);
    VectorCollector<Match<Ev>> out;
    op->processElement(1, ev("s1", 1), 0, out);
    op->processElement(1, ev("s2", 2), 10, out);
    op->processElement(1, ev("e2", 2), 20, out);
    op->onWatermark(50, out);
    QVERIFY(out.items.empty());  // held: s1 started earlier and is still open
    op->onWatermark(100, out);   // s1 times out
    QCOMPARE(out.items.size(), std::size_t{1});
    QCOMPARE(text(out.items[0].value), std::string("s2 e2"));
}

void TestCepSemantics::builderRejectsMisuse() {
    auto a = Pattern<Ev>::begin("a");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.times(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.times(3, 2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.oneOrMore().times(2));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.consecutive());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.followedBy("a"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.within(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a.optional().optional());
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeCepOperator(a.skip(AfterMatchSkipStrategy::skipToLast("zz"))));
    QCOMPARE(a.within(50).within(10).within(30).withinMs(), TimeMs{10});
}

void TestCepSemantics::nonMatchingEventsAllocateNoState() {
    auto op = makeCepOperator(Pattern<Ev>::begin("a").where(kindIs("a")).followedBy("b").where(kindIs("b")));
    VectorCollector<Match<Ev>> out;
    for (int i = 0; i < 1000; ++i) {
        op->processElement(static_cast<Key>(i), ev("x"), i, out);
    }
    op->onWatermark(kEndOfTime, out);
    QCOMPARE(op->partialMatchCount(), std::size_t{0});
    QVERIFY(op->stateBytes() < 100'000);  // only the drained event buffer's capacity, no per-key state
    QVERIFY(out.items.empty());
    QVERIFY(op->name().find("a b") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestCepSemantics)
#include "test_cep_semantics.moc"
