// WindowOperator behaviour beyond the golden cases: event-time invariance under bounded shuffles,
// snapshot → restore (also split over two key filters), processing-time windows, allocation-free
// steady state, counters and argument checks.

#include <QtTest>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "cityops/engine/stream/aggregates.h"
#include "cityops/engine/stream/keyed_state.h"
#include "cityops/engine/stream/windows.h"

// Counts heap allocations while g_counting is set (the steady-state checks below).
namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

namespace {
void* countedAlloc(std::size_t size) {
    if (g_counting.load(std::memory_order_relaxed)) {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
    }
    return std::malloc(size == 0 ? 1 : size);
}
void* countedAllocOrThrow(std::size_t size) {
    if (void* p = countedAlloc(size)) {
        return p;
    }
    throw std::bad_alloc();
}
}  // namespace

// Every non-aligned form is replaced, so allocation and release always pair malloc with free.
void* operator new(std::size_t size) { return countedAllocOrThrow(size); }
void* operator new[](std::size_t size) { return countedAllocOrThrow(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return countedAlloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return countedAlloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace cityops::engine::stream;

namespace {

struct Event {
    Key key = 0;
    TimeMs time = 0;
    double value = 0.0;
};

//! One step of a replay: an element, or a watermark (isWatermark).
struct Step {
    bool isWatermark = false;
    Event event;
    TimeMs watermark = 0;
};

//! Integer-valued events over 16 keys with a pause every 200 events (so sessions split).
std::vector<Event> makeEvents(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<Event> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        Event e;
        e.key = rng() % 16;
        e.time = static_cast<TimeMs>(i) * 50 + static_cast<TimeMs>(rng() % 50) + static_cast<TimeMs>(i / 200) * 30'000;
        e.value = static_cast<double>(rng() % 1000);
        out.push_back(e);
    }
    std::stable_sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.time < b.time; });
    return out;
}

//! Arrival order: each event delayed by a random amount in [0, bound], so no event arrives after
//! one more than `bound` newer than itself; watermark = maxSeen − bound after each event.
std::vector<Step> arrival(const std::vector<Event>& events, TimeMs bound, std::uint32_t seed) {
    std::vector<std::pair<TimeMs, Event>> delayed;
    std::mt19937 rng(seed);
    for (const Event& e : events) {
        const TimeMs delay = seed == 0 ? 0 : static_cast<TimeMs>(rng() % static_cast<std::uint32_t>(bound + 1));
        delayed.emplace_back(e.time + delay, e);
    }
    std::stable_sort(delayed.begin(), delayed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Step> steps;
    TimeMs maxSeen = kNoWatermark;
    TimeMs lastWatermark = kNoWatermark;
    for (const auto& [at, e] : delayed) {
        steps.push_back(Step{false, e, 0});
        maxSeen = std::max(maxSeen, e.time);
        if (maxSeen - bound > lastWatermark) {
            lastWatermark = maxSeen - bound;
            steps.push_back(Step{true, {}, lastWatermark});
        }
    }
    steps.push_back(Step{true, {}, kEndOfTime});
    return steps;
}

struct Summary {
    std::uint64_t count = 0;
    double sum = 0, min = 0, max = 0;
    std::uint32_t fireCount = 0;
    bool operator==(const Summary&) const = default;
};
using WindowId = std::tuple<Key, TimeMs, TimeMs>;

std::string line(const WindowResult<Stats>& r, TimeMs eventTime) {
    char buf[400];
    std::snprintf(buf, sizeof buf, "%llu [%lld,%lld) #%u t=%lld n=%llu sum=%.17g min=%.17g max=%.17g sd=%.17g p50=%.17g p95=%.17g p99=%.17g",
                  static_cast<unsigned long long>(r.key), static_cast<long long>(r.windowStart),
                  static_cast<long long>(r.windowEnd), r.fireCount, static_cast<long long>(eventTime),
                  static_cast<unsigned long long>(r.value.count), r.value.sum, r.value.min, r.value.max, r.value.stddev,
                  r.value.p50, r.value.p95, r.value.p99);
    return buf;
}
std::string line(const WindowResult<std::string>& r, TimeMs eventTime) {
    return std::to_string(r.key) + " [" + std::to_string(r.windowStart) + "," + std::to_string(r.windowEnd) + ") #" +
           std::to_string(r.fireCount) + " t=" + std::to_string(eventTime) + " " + r.value;
}

//! Collects results as text lines in emission order.
template <class Out>
class Lines final : public Collector<WindowResult<Out>> {
public:
    void collect(Key, const WindowResult<Out>& r, TimeMs eventTime) override { lines.push_back(line(r, eventTime)); }
    std::vector<std::string> lines;
};

class LateCount final : public Collector<double> {
public:
    void collect(Key, const double&, TimeMs) override { ++count; }
    int count = 0;
};

using StatsOp = WindowOperator<double, StatsAggregate>;

std::map<WindowId, Summary> runStats(const WindowAssigner& assigner, TimeMs lateness, const std::vector<Step>& steps,
                                     std::uint64_t& lateDropped) {
    StatsOp op(assigner, StatsAggregate{}, WindowOptions{lateness, 0});
    VectorCollector<WindowResult<Stats>> out;
    for (const Step& s : steps) {
        if (s.isWatermark) {
            op.onWatermark(s.watermark, out);
        } else {
            op.processElement(s.event.key, s.event.value, s.event.time, out);
        }
    }
    lateDropped = op.counters().lateDropped;
    std::map<WindowId, Summary> results;
    for (const auto& item : out.items) {
        const auto& r = item.value;
        const auto [it, fresh] = results.emplace(WindowId{r.key, r.windowStart, r.windowEnd},
                                                 Summary{r.value.count, r.value.sum, r.value.min, r.value.max, r.fireCount});
        if (!fresh) {
            it->second.fireCount = 1000;  // a window fired twice: must not happen without late data
        }
    }
    return results;
}

auto listFn() {
    return processWindow<double>([](Key, const TimeWindow&, std::span<const double> values) {
        std::vector<double> sorted(values.begin(), values.end());
        std::sort(sorted.begin(), sorted.end());
        std::string s;
        for (double v : sorted) {
            s += std::to_string(static_cast<long long>(v)) + ",";
        }
        return s;
    }, "sorted-list");
}

//! Runs steps [from, to) on op, appending output lines.
template <class Op, class Out>
void feed(Op& op, const std::vector<Step>& steps, std::size_t from, std::size_t to, Lines<Out>& out, LateCount* late = nullptr) {
    op.setLateOutput(late);
    for (std::size_t i = from; i < to; ++i) {
        if (steps[i].isWatermark) {
            op.onWatermark(steps[i].watermark, out);
        } else {
            op.processElement(steps[i].event.key, steps[i].event.value, steps[i].event.time, out);
        }
    }
}

//! Steps with some events held back well past the watermark (late within and beyond lateness).
std::vector<Step> withLateEvents(const std::vector<Event>& events, TimeMs bound) {
    auto steps = arrival(events, bound, 7);
    std::vector<Step> out;
    std::vector<Step> held;
    std::size_t n = 0;
    for (const Step& s : steps) {
        if (!s.isWatermark && ++n % 23 == 0) {
            held.push_back(s);  // delivered up to 240 steps later
            continue;
        }
        out.push_back(s);
        if (!held.empty() && out.size() % 240 == 0) {
            out.insert(out.end() - 1, held.begin(), held.end());
            held.clear();
        }
    }
    out.insert(out.end() - 1, held.begin(), held.end());
    return out;
}

template <class Fn, class Out>
void checkSnapshotRestore(const WindowAssigner& assigner, Fn fn, TimeMs lateness) {
    const auto steps = withLateEvents(makeEvents(3000, 11), 2000);
    const std::size_t cut = steps.size() / 2;
    const WindowOptions options{lateness, 0};

    // Uninterrupted run; remember what it emits after the cut.
    WindowOperator<double, Fn> reference(assigner, fn, options);
    Lines<Out> refOut;
    LateCount refLateBefore;
    LateCount refLateAfter;
    feed(reference, steps, 0, cut, refOut, &refLateBefore);
    const std::size_t refCut = refOut.lines.size();
    feed(reference, steps, cut, steps.size(), refOut, &refLateAfter);
    const std::vector<std::string> expected(refOut.lines.begin() + static_cast<std::ptrdiff_t>(refCut), refOut.lines.end());
    QVERIFY(!expected.empty());
    QVERIFY(reference.counters().lateDropped > 0);  // the held-back events exercise both late paths
    QVERIFY(lateness == 0 || reference.counters().lateAccepted > 0);

    WindowOperator<double, Fn> first(assigner, fn, options);
    Lines<Out> firstOut;
    feed(first, steps, 0, cut, firstOut);
    QCOMPARE(firstOut.lines.size(), refCut);
    StateWriter writer;
    first.snapshot(writer);

    // One restored operator: identical remaining output, in the same order.
    {
        WindowOperator<double, Fn> restored(assigner, fn, options);
        StateReader reader(writer.bytes());
        QVERIFY(restored.restore(reader, KeyFilter{}));
        QVERIFY(reader.atEnd());
        QCOMPARE(restored.windowCount(), first.windowCount());
        Lines<Out> out;
        LateCount late;
        feed(restored, steps, cut, steps.size(), out, &late);
        QCOMPARE(out.lines, expected);
        QCOMPARE(late.count, refLateAfter.count);
    }

    // Split over two key filters: each keeps its keys; together they emit the same results.
    {
        std::vector<std::unique_ptr<WindowOperator<double, Fn>>> parts;
        std::vector<Lines<Out>> outs(2);
        LateCount late;
        for (int p = 0; p < 2; ++p) {
            parts.push_back(std::make_unique<WindowOperator<double, Fn>>(assigner, fn, options));
            StateReader reader(writer.bytes());
            QVERIFY(parts.back()->restore(reader, KeyFilter{p, 2}));
            parts.back()->setLateOutput(&late);
        }
        QCOMPARE(parts[0]->windowCount() + parts[1]->windowCount(), first.windowCount());
        for (std::size_t i = cut; i < steps.size(); ++i) {
            const Step& s = steps[i];
            if (s.isWatermark) {
                parts[0]->onWatermark(s.watermark, outs[0]);
                parts[1]->onWatermark(s.watermark, outs[1]);
            } else {
                const int p = partitionOf(s.event.key, 2);
                parts[static_cast<std::size_t>(p)]->processElement(s.event.key, s.event.value, s.event.time,
                                                                   outs[static_cast<std::size_t>(p)]);
            }
        }
        std::vector<std::string> merged = outs[0].lines;
        merged.insert(merged.end(), outs[1].lines.begin(), outs[1].lines.end());
        std::sort(merged.begin(), merged.end());
        auto sortedExpected = expected;
        std::sort(sortedExpected.begin(), sortedExpected.end());
        QCOMPARE(merged, sortedExpected);
        QCOMPARE(late.count, refLateAfter.count);
    }

    // A truncated snapshot is refused, never read past its end.
    {
        std::vector<std::byte> truncated(writer.bytes().begin(), writer.bytes().begin() + static_cast<std::ptrdiff_t>(writer.bytes().size() / 2));
        WindowOperator<double, Fn> broken(assigner, fn, options);
        StateReader reader(truncated);
        QVERIFY(!broken.restore(reader, KeyFilter{}));
    }
}

}  // namespace

class TestStreamWindows : public QObject {
    Q_OBJECT

private slots:
    void shuffledWithinBoundEqualsInOrder_data();
    void shuffledWithinBoundEqualsInOrder();
    void tumblingMatchesReference();
    void snapshotRestoreTumbling();
    void snapshotRestoreSession();
    void snapshotRestoreSlidingFullWindow();
    void processingTimeTumbling();
    void lateCountedWithoutSideOutput();
    void steadyStateDoesNotAllocate();
    void stateUpdatesDoNotAllocate();
    void namesAndArguments();
};

void TestStreamWindows::shuffledWithinBoundEqualsInOrder_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("lateness");
    QTest::newRow("tumbling") << 0 << qint64{0};
    QTest::newRow("tumbling-lateness") << 0 << qint64{30'000};
    QTest::newRow("sliding") << 1 << qint64{0};
    QTest::newRow("sliding-lateness") << 1 << qint64{30'000};
    QTest::newRow("session") << 2 << qint64{0};
    QTest::newRow("session-lateness") << 2 << qint64{30'000};
}

void TestStreamWindows::shuffledWithinBoundEqualsInOrder() {
    QFETCH(int, kind);
    QFETCH(qint64, lateness);
    const WindowAssigner assigner = kind == 0   ? WindowAssigner::tumbling(60'000)
                                    : kind == 1 ? WindowAssigner::sliding(60'000, 20'000)
                                                : WindowAssigner::session(15'000);
    const TimeMs bound = 5'000;
    const auto events = makeEvents(4000, 42);
    std::uint64_t lateInOrder = 0;
    const auto inOrder = runStats(assigner, lateness, arrival(events, bound, 0), lateInOrder);
    QCOMPARE(lateInOrder, std::uint64_t{0});
    QVERIFY(inOrder.size() > 50);
    std::uint64_t total = 0;
    for (const auto& [id, s] : inOrder) {
        QCOMPARE(s.fireCount, 1u);
        total += s.count;
    }
    QCOMPARE(total, kind == 1 ? 3 * events.size() : events.size());
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        std::uint64_t late = 0;
        const auto shuffled = runStats(assigner, lateness, arrival(events, bound, seed), late);
        QCOMPARE(late, std::uint64_t{0});
        QCOMPARE(shuffled.size(), inOrder.size());
        QVERIFY(shuffled == inOrder);
    }
}

void TestStreamWindows::tumblingMatchesReference() {
    const auto events = makeEvents(3000, 5);
    std::map<WindowId, Summary> expected;
    for (const Event& e : events) {
        const TimeMs start = e.time / 60'000 * 60'000;
        auto [it, fresh] = expected.emplace(WindowId{e.key, start, start + 60'000}, Summary{0, 0, e.value, e.value, 1});
        it->second.count += 1;
        it->second.sum += e.value;
        it->second.min = std::min(it->second.min, e.value);
        it->second.max = std::max(it->second.max, e.value);
    }
    std::uint64_t late = 0;
    const auto actual = runStats(WindowAssigner::tumbling(60'000), 0, arrival(events, 3'000, 9), late);
    QCOMPARE(late, std::uint64_t{0});
    QVERIFY(actual == expected);
}

void TestStreamWindows::snapshotRestoreTumbling() {
    checkSnapshotRestore<StatsAggregate, Stats>(WindowAssigner::tumbling(7'000), StatsAggregate{}, 4'000);
    if (QTest::currentTestFailed()) {
        return;
    }
    checkSnapshotRestore<StatsAggregate, Stats>(WindowAssigner::tumbling(7'000), StatsAggregate{}, 0);
}

void TestStreamWindows::snapshotRestoreSession() {
    checkSnapshotRestore<StatsAggregate, Stats>(WindowAssigner::session(3'000), StatsAggregate{}, 5'000);
}

void TestStreamWindows::snapshotRestoreSlidingFullWindow() {
    checkSnapshotRestore<decltype(listFn()), std::string>(WindowAssigner::sliding(9'000, 3'000), listFn(), 3'000);
}

void TestStreamWindows::processingTimeTumbling() {
    StatsOp op(WindowAssigner::tumblingProcessingTime(1000), StatsAggregate{});
    VectorCollector<WindowResult<Stats>> out;
    op.onProcessingTime(5'200, out);
    op.processElement(1, 1.0, 0, out);           // event time is ignored: window [5000,6000)
    op.processElement(1, 2.0, 99'999'999, out);
    op.processElement(2, 3.0, 0, out);
    op.onWatermark(kEndOfTime, out);             // watermarks do not fire processing-time windows
    QCOMPARE(out.items.size(), std::size_t{0});
    op.onProcessingTime(5'999, out);
    QCOMPARE(out.items.size(), std::size_t{0});
    StateWriter w;
    op.snapshot(w);
    op.onProcessingTime(6'000, out);
    QCOMPARE(out.items.size(), std::size_t{2});
    QCOMPARE(out.items[0].value.windowStart, TimeMs{5000});
    QCOMPARE(out.items[0].value.value.count, std::uint64_t{2});
    QCOMPARE(out.items[1].key, Key{2});
    QCOMPARE(op.windowCount(), std::size_t{0});

    StatsOp restored(WindowAssigner::tumblingProcessingTime(1000), StatsAggregate{});
    StateReader r(w.bytes());
    QVERIFY(restored.restore(r, KeyFilter{}));
    VectorCollector<WindowResult<Stats>> out2;
    restored.processElement(1, 4.0, 0, out2);  // restored clock 5999: same window
    restored.onProcessingTime(7'000, out2);
    QCOMPARE(out2.items.size(), std::size_t{2});
    QCOMPARE(out2.items[0].value.value.count, std::uint64_t{3});
    QCOMPARE(out2.items[0].value.value.sum, 7.0);
}

void TestStreamWindows::lateCountedWithoutSideOutput() {
    StatsOp op(WindowAssigner::tumbling(100), StatsAggregate{});
    VectorCollector<WindowResult<Stats>> out;
    op.processElement(1, 1.0, 10, out);
    op.onWatermark(100, out);
    op.processElement(1, 1.0, 50, out);  // no side output configured: still counted
    op.processElement(1, 1.0, 99, out);
    QCOMPARE(op.counters().lateDropped, std::uint64_t{2});
    QCOMPARE(op.counters().recordsIn, std::uint64_t{3});
    QCOMPARE(op.counters().recordsOut, std::uint64_t{1});
    QCOMPARE(out.items.size(), std::size_t{1});
    QCOMPARE(out.items[0].eventTime, TimeMs{99});
}

void TestStreamWindows::steadyStateDoesNotAllocate() {
    const std::size_t keys = 1000;
    for (int kind = 0; kind < 2; ++kind) {
        const WindowAssigner assigner = kind == 0 ? WindowAssigner::tumbling(10'000) : WindowAssigner::sliding(10'000, 5'000);
        StatsOp op(assigner, StatsAggregate{}, WindowOptions{2'000, keys});
        VectorCollector<WindowResult<Stats>> out;
        out.items.reserve(4 * keys);
        auto runPeriod = [&](TimeMs from) {
            for (TimeMs t = from; t < from + 10'000; t += 1'000) {
                for (Key k = 0; k < keys; ++k) {
                    op.processElement(k, static_cast<double>((k * 7 + static_cast<Key>(t)) % 100), t + static_cast<TimeMs>(k % 1000), out);
                }
                op.onWatermark(t - 1'000, out);
                out.items.clear();
            }
        };
        for (int period = 0; period < 4; ++period) {  // warm-up: tables and queues reach their peak
            runPeriod(period * 10'000);
        }
        g_allocations = 0;
        g_counting = true;
        for (int period = 4; period < 10; ++period) {
            runPeriod(period * 10'000);
        }
        g_counting = false;
        QCOMPARE(g_allocations.load(), std::uint64_t{0});
        QVERIFY(op.counters().recordsOut >= keys * 8);
    }
}

void TestStreamWindows::stateUpdatesDoNotAllocate() {
    ValueState<double> value(TtlConfig{60'000, TtlDomain::ProcessingTime});
    MapState<std::uint32_t, double> map(TtlConfig{60'000, TtlDomain::ProcessingTime});
    value.setTime(0);
    map.setTime(0);
    for (Key k = 0; k < 500; ++k) {
        value.update(k, 1.0);
        map.put(k, static_cast<std::uint32_t>(k % 7), 1.0);
    }
    g_allocations = 0;
    g_counting = true;
    for (int round = 0; round < 20; ++round) {
        value.setTime(round);
        map.setTime(round);
        for (Key k = 0; k < 500; ++k) {
            value.valueFor(k) += 1.0;
            map.valueFor(k, static_cast<std::uint32_t>(k % 7)) += 1.0;
        }
    }
    g_counting = false;
    QCOMPARE(g_allocations.load(), std::uint64_t{0});
    QCOMPARE(*value.get(3), 21.0);
}

void TestStreamWindows::namesAndArguments() {
    StatsOp op(WindowAssigner::tumbling(300'000), StatsAggregate{});
    QCOMPARE(QString::fromStdString(op.name()), QStringLiteral("window(tumbling 5m, stats)"));
    auto mapped = aggregateOf(AvgAggregate{}, [](const Event& e) { return e.value; });
    WindowOperator<Event, decltype(mapped)> avg(WindowAssigner::sliding(600'000, 60'000), mapped);
    QCOMPARE(QString::fromStdString(avg.name()), QStringLiteral("window(sliding 10m/1m, avg)"));
    QCOMPARE(QString::fromStdString(WindowAssigner::session(30'000).describe()), QStringLiteral("session 30s"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowAssigner::tumbling(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowAssigner::sliding(10, -1));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, WindowAssigner::session(0));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, StatsOp(WindowAssigner::tumbling(10), StatsAggregate{}, WindowOptions{-1, 0}));

    // A record type through aggregateOf, and the result's event time.
    VectorCollector<WindowResult<double>> out;
    avg.processElement(4, Event{4, 1000, 3.0}, 1000, out);
    avg.processElement(4, Event{4, 2000, 5.0}, 2000, out);
    avg.onWatermark(60'000, out);
    QCOMPARE(out.items.size(), std::size_t{1});
    QCOMPARE(out.items[0].value.windowStart, TimeMs{-540'000});
    QCOMPARE(out.items[0].value.value, 4.0);
    QCOMPARE(out.items[0].eventTime, TimeMs{59'999});
}

QTEST_GUILESS_MAIN(TestStreamWindows)
#include "test_stream_windows.moc"
