// Counts heap allocations around the CEP operator's hot path: once warm, events that match nothing
// must not allocate (the operator pools nodes and partial matches and reuses its buffers).

#include <QtTest>
#include <atomic>
#include <cstdlib>
#include <new>

#include "cityops/engine/stream/cep.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    if (g_counting.load(std::memory_order_relaxed)) {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace cityops::engine;
using namespace cityops::engine::stream;

class TestCepAlloc : public QObject {
    Q_OBJECT

private slots:
    void nonMatchingEventsDoNotAllocate();
};

void TestCepAlloc::nonMatchingEventsDoNotAllocate() {
    // The CO2 pattern without the prefilter, so every reading goes through the heap and the NFA.
    CepOptions<Reading> options;
    options.tieLess = readingTieLess;
    CepOperator<Reading, Alert> op(
        co2RulePattern(), [](const Match<Reading>& m) { return co2RuleAlert(Co2RuleConfig{}, m); }, options);
    VectorCollector<Alert> out;
    out.items.reserve(100'000);
    constexpr std::uint32_t kKeys = 1000;
    TimeMs t = 0;
    auto round = [&](bool matching, int rounds) {
        for (int r = 0; r < rounds; ++r) {
            t += 20'000;
            for (std::uint32_t k = 0; k < kKeys; ++k) {
                Reading reading;
                reading.sensorId = k;
                reading.metric = Metric::Co2;
                reading.kind = SensorKind::AirQuality;
                reading.eventTimeMs = t + k;
                reading.value = matching && (k + static_cast<std::uint32_t>(r)) % 3 != 0 ? 900.0 : 400.0;
                op.processElement(k, reading, reading.eventTimeMs, out);
            }
            op.onWatermark(t - 10'000, out);
        }
    };
    round(true, 40);   // keys get partial matches, alerts, timers; buffers reach their peak
    round(false, 20);  // everything drains
    round(true, 40);
    round(false, 1);  // evaluates the last matching round's readings (they waited for the watermark)
    const std::size_t alertsBefore = out.items.size();
    QVERIFY(alertsBefore > 1000);
    QVERIFY(op.partialMatchCount() > 0);
    g_allocations = 0;
    g_counting = true;
    round(false, 30);  // non-matching readings for keys that hold partial matches, then none
    g_counting = false;
    QCOMPARE(g_allocations.load(), std::uint64_t{0});
    QCOMPARE(out.items.size(), alertsBefore);
    QCOMPARE(op.partialMatchCount(), std::size_t{0});  // all pruned by within()
}

QTEST_GUILESS_MAIN(TestCepAlloc)
#include "test_cep_alloc.moc"
