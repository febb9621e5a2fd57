#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <map>
#include <thread>

#include "cityops/engine/log/event_log.h"
#include "runtime_test_support.h"

using namespace runtime_test;
namespace elog = cityops::engine::log;

namespace {

constexpr TimeMs kWindow = 10'000;

//! Emits every watermark and processing-time tick it sees, keyed by its worker index.
struct Probe {
    std::uint64_t worker = 0;
    TimeMs value = 0;
    bool tick = false;
};

class ProbeOperator final : public KeyedOperator<Event, Probe> {
public:
    explicit ProbeOperator(int worker) : m_worker(static_cast<std::uint64_t>(worker)) {}
    void processElement(Key, const Event&, TimeMs, Collector<Probe>&) override {}
    void onWatermark(TimeMs wm, Collector<Probe>& out) override { out.collect(m_worker, Probe{m_worker, wm, false}, 0); }
    void onProcessingTime(TimeMs now, Collector<Probe>& out) override {
        out.collect(m_worker, Probe{m_worker, now, true}, 0);
    }
    std::string name() const override { return "probe"; }

private:
    std::uint64_t m_worker;
};

struct Outputs {
    std::vector<WindowCount> windows;
    std::vector<WindowCount> doubled;
    std::vector<RunningTotal> sums;
    std::vector<TopEntry> top;
    JobMetrics metrics;
};

JobConfig plainConfig(int workers) {
    return JobConfig{.jobId = "test",
                     .workers = workers,
                     .queueCapacity = 8,
                     .maxOutOfOrdernessMs = 5'000,
                     .idleTimeoutMs = 0,
                     .checkpointIntervalMs = 0,
                     .processingTimeTickMs = 0};
}

//! The test graph: keyBy(key) → counter → sink / doubler → sink / top-3 (global) → sink, and
//! keyBy(key) → running sum → sink (fan-out of the keyed stream).
Outputs runGraph(const std::vector<Event>& events, int workers, std::size_t batch) {
    auto windows = std::make_shared<QueueSink<WindowCount>>();
    auto doubled = std::make_shared<QueueSink<WindowCount>>();
    auto sums = std::make_shared<QueueSink<RunningTotal>>();
    auto top = std::make_shared<QueueSink<TopEntry>>();
    JobBuilder<Event> job(plainConfig(workers));
    auto keyed = job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; });
    auto counts = keyed.process([](int) { return std::make_unique<EventTimeCounter>(kWindow); });
    counts.sink(windows);
    counts.process([](int) { return std::make_unique<Doubler>(); }).sink(doubled);
    counts.global([] { return std::make_unique<TopN>(3, kWindow); }).sink(top);
    keyed.process([](int) { return std::make_unique<RunningSum>(); }).sink(sums);
    auto running = job.build();
    const std::span<const Event> all(events);
    for (std::size_t at = 0; at < all.size(); at += batch) {
        running->push(all.subspan(at, std::min(batch, all.size() - at)));
    }
    running->finish();
    Outputs out;
    windows->drain(out.windows);
    doubled->drain(out.doubled);
    sums->drain(out.sums);
    top->drain(out.top);
    std::sort(out.windows.begin(), out.windows.end());
    std::sort(out.doubled.begin(), out.doubled.end());
    std::sort(out.sums.begin(), out.sums.end());
    std::sort(out.top.begin(), out.top.end());
    out.metrics = running->metrics();
    return out;
}

//! The windows computed directly, with no engine.
std::vector<WindowCount> expectedWindows(const std::vector<Event>& events) {
    std::map<std::pair<std::uint64_t, TimeMs>, WindowCount> acc;
    for (const Event& e : events) {
        const TimeMs start = e.time - e.time % kWindow;
        auto [it, inserted] = acc.try_emplace({e.key, start}, WindowCount{e.key, start, 0, 0, e.seq, e.seq});
        ++it->second.count;
        it->second.sum += e.value;
        it->second.minSeq = std::min(it->second.minSeq, e.seq);
        it->second.maxSeq = std::max(it->second.maxSeq, e.seq);
    }
    std::vector<WindowCount> out;
    for (const auto& [k, v] : acc) {
        out.push_back(v);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

//! The job runtime: watermarks and idleness, processing time, invariance over workers and batch
//! sizes, fan-out, chaining, the global stage, backpressure, dead letters and metrics.
class TestRuntimeJob : public QObject {
    Q_OBJECT

private slots:
    void watermarkTrackerMergesAndIdles() {
        WatermarkTracker t(WatermarkOptions{1'000, 5'000});
        t.ensurePartitions(2, 0);
        t.observe(0, 10'000);
        QCOMPARE(t.advance(0), kNoWatermark);  // partition 1 has no data and is not idle yet
        t.observe(1, 7'000);
        QCOMPARE(t.advance(100), TimeMs{6'000});  // min(9000, 6000)
        t.observe(0, 20'000);
        QCOMPARE(t.advance(4'000), TimeMs{6'000});
        QCOMPARE(t.advance(5'100), TimeMs{19'000});  // partition 1 quiet for 5 s: idle, left out
        QVERIFY(t.isIdle(1));
        QCOMPARE(t.idlePartitions(), 1);
        t.observe(1, 8'000);  // back, behind the merged watermark: not aligned yet, never decreases
        QCOMPARE(t.advance(5'200), TimeMs{19'000});
        QVERIFY(!t.isIdle(1));
        t.observe(0, 30'000);
        QCOMPARE(t.advance(5'300), TimeMs{29'000});  // partition 1 still behind: excluded until it catches up
        t.observe(1, 25'000);
        QCOMPARE(t.advance(5'400), TimeMs{29'000});
        t.observe(1, 40'000);
        t.observe(0, 35'000);
        QCOMPARE(t.advance(5'500), TimeMs{34'000});  // aligned again: the minimum of both
        QCOMPARE(t.advance(20'000), TimeMs{39'000});  // every partition idle: the largest watermark
        QCOMPARE(t.maxEventTime(), TimeMs{40'000});

        StateWriter w;
        t.snapshot(w);
        WatermarkTracker r(WatermarkOptions{1'000, 5'000});
        StateReader reader(w.bytes());
        QVERIFY(r.restore(reader, 0));
        QCOMPARE(r.current(), TimeMs{39'000});
        QCOMPARE(r.partitions(), 2);

        WatermarkTracker extreme(WatermarkOptions{10'000, 0});
        extreme.ensurePartitions(1, 0);
        extreme.observe(0, kNoWatermark + 5);  // no overflow near the minimum
        QCOMPARE(extreme.advance(0), kNoWatermark);
    }

    void idlePartitionDoesNotStallWindows() {
        ManualClock clock(0);
        auto windows = std::make_shared<QueueSink<WindowCount>>();
        JobConfig config = plainConfig(2);
        config.idleTimeoutMs = 5'000;
        config.sourcePartitions = 2;
        config.clock = &clock;
        JobBuilder<Event> job(config);
        job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int) { return std::make_unique<EventTimeCounter>(kWindow); })
            .sink(windows);
        auto running = job.build();
        const auto events = makeEvents(4, 60);  // 60 s of data on partition 0 only
        const std::span<const Event> all(events);
        running->push(all.first(all.size() / 2), 0);
        running->sync();
        std::vector<WindowCount> out;
        windows->drain(out);
        QVERIFY2(out.empty(), "the quiet partition holds the watermark back before its idle timeout");
        QCOMPARE(running->metrics().watermarkMs, kNoWatermark);

        clock.advance(5'000);
        running->push(all.subspan(all.size() / 2), 0);  // partition 1 has been quiet for 5 s: idle
        running->sync();
        windows->drain(out);
        QCOMPARE(out.size(), std::size_t{4 * 5});  // windows ending ≤ max − 5 s = 1 054 000 fired
        QCOMPARE(running->metrics().idlePartitions, 1);

        // Partition 1 wakes up far behind: its records are late, the watermark does not go back.
        const Event late{1'000'500, 1, 7, 999};
        running->push(std::span(&late, 1), 1);
        running->sync();
        const JobMetrics m = running->metrics();
        QCOMPARE(m.lateEvents, std::uint64_t{1});
        QCOMPARE(m.watermarkMs, TimeMs{1'054'000});
        QCOMPARE(m.idlePartitions, 0);
        QCOMPARE(m.operators.at(0).counters.lateDropped, std::uint64_t{1});
        running->finish();
        windows->drain(out);
        QCOMPARE(out.size(), std::size_t{4 * 6});
        QVERIFY2(running->metrics().failure.empty(), running->metrics().failure.c_str());
    }

    void watermarksAndTicksReachEveryWorker() {
        ManualClock clock(0);
        auto probes = std::make_shared<QueueSink<Probe>>();
        JobConfig config = plainConfig(2);
        config.processingTimeTickMs = 1'000;
        config.clock = &clock;
        JobBuilder<Event> job(config);
        job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int worker) { return std::make_unique<ProbeOperator>(worker); })
            .sink(probes);
        auto running = job.build();
        const auto events = makeEvents(8, 30);
        for (std::size_t at = 0; at < events.size(); at += 16) {
            running->push(std::span(events).subspan(at, 16));
        }
        clock.advance(1'000);
        running->tick();
        clock.advance(500);
        running->tick();
        clock.advance(600);
        running->tick();
        running->finish();
        std::vector<Probe> out;
        probes->drain(out);
        std::map<std::uint64_t, std::vector<TimeMs>> watermarks;
        std::map<std::uint64_t, std::vector<TimeMs>> ticks;
        for (const Probe& p : out) {
            (p.tick ? ticks : watermarks)[p.worker].push_back(p.value);
        }
        QCOMPARE(watermarks.size(), std::size_t{2});
        for (const auto& [worker, list] : watermarks) {
            QVERIFY(list.size() >= 2);
            for (std::size_t i = 1; i < list.size(); ++i) {
                QVERIFY2(list[i] > list[i - 1], "watermarks reach a worker strictly increasing");
            }
            QCOMPARE(list.back(), kEndOfTime);
            QCOMPARE(list[list.size() - 2], events.back().time - 5'000);
            QCOMPARE(ticks[worker], (std::vector<TimeMs>{0, 1'000, 2'100}));
        }
    }

    //! Wall-clock steps (issue #9): stepped back an hour, processing time keeps pace with elapsed
    //! time, so ticks and idle detection go on instead of stalling for an hour; a jump ahead fires the
    //! ticks due. Both steps are counted in the metrics.
    void wallClockStepsDoNotStallTicksOrIdleness() {
        ManualClock wall(10'000'000);
        ManualClock elapsed(0);
        auto probes = std::make_shared<QueueSink<Probe>>();
        JobConfig config = plainConfig(2);
        config.processingTimeTickMs = 1'000;
        config.clock = &wall;
        config.monotonicClock = &elapsed;
        JobBuilder<Event> job(config);
        job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int worker) { return std::make_unique<ProbeOperator>(worker); })
            .sink(probes);
        auto running = job.build();
        auto step = [&](TimeMs wallTo, TimeMs elapsedBy) {
            wall.set(wallTo);
            elapsed.advance(elapsedBy);
            running->tick();
        };
        running->tick();
        step(10'001'000, 1'000);
        step(10'001'000 - 3'600'000, 1'000);  // stepped back an hour
        step(10'001'000 - 3'600'000 + 1'000, 1'000);
        QCOMPARE(running->metrics().clockStepsBack, std::uint64_t{1});
        step(20'000'000, 1'000);  // jumped ahead
        running->finish();
        const JobMetrics m = running->metrics();
        QCOMPARE(m.clockStepsBack, std::uint64_t{1});
        QCOMPARE(m.clockStepsForward, std::uint64_t{1});
        std::vector<Probe> out;
        probes->drain(out);
        std::map<std::uint64_t, std::vector<TimeMs>> ticks;
        for (const Probe& p : out) {
            if (p.tick) {
                ticks[p.worker].push_back(p.value);
            }
        }
        QCOMPARE(ticks.size(), std::size_t{2});
        for (const auto& [worker, list] : ticks) {
            QCOMPARE(list, (std::vector<TimeMs>{10'001'000, 10'002'000, 10'003'000, 20'000'000}));
        }

        // Idle detection across a step back: the quiet partition still goes idle after 5 s of elapsed
        // time, so the windows of the busy one fire.
        ManualClock wall2(50'000'000);
        ManualClock elapsed2(0);
        auto windows = std::make_shared<QueueSink<WindowCount>>();
        JobConfig idle = plainConfig(2);
        idle.idleTimeoutMs = 5'000;
        idle.sourcePartitions = 2;
        idle.clock = &wall2;
        idle.monotonicClock = &elapsed2;
        JobBuilder<Event> job2(idle);
        job2.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int) { return std::make_unique<EventTimeCounter>(kWindow); })
            .sink(windows);
        auto second = job2.build();
        const auto events = makeEvents(4, 60);
        const std::span<const Event> all(events);
        second->push(all.first(all.size() / 2), 0);
        second->sync();
        wall2.set(50'000'000 - 7'200'000);
        elapsed2.advance(5'000);
        second->push(all.subspan(all.size() / 2), 0);
        second->sync();
        std::vector<WindowCount> fired;
        windows->drain(fired);
        QCOMPARE(second->metrics().idlePartitions, 1);
        QCOMPARE(fired.size(), std::size_t{4 * 5});
        second->finish();
    }

    void invariance_data() {
        QTest::addColumn<int>("workers");
        QTest::addColumn<int>("batch");
        for (int workers : {1, 2, 4}) {
            for (int batch : {1, 7, 1024}) {
                QTest::addRow("workers=%d batch=%d", workers, batch) << workers << batch;
            }
        }
    }
    void invariance() {
        QFETCH(int, workers);
        QFETCH(int, batch);
        // 40 keys × 120 s, arrival shuffled within 3 s (< the 5 s bound): nothing is late.
        const auto events = makeEvents(40, 120, 3'000);
        static const Outputs reference = runGraph(events, 1, 64);
        const Outputs out = runGraph(events, workers, static_cast<std::size_t>(batch));
        QVERIFY2(out.metrics.failure.empty(), out.metrics.failure.c_str());
        QCOMPARE(out.windows, expectedWindows(events));
        QCOMPARE(out.windows, reference.windows);
        QCOMPARE(out.doubled, reference.doubled);
        QCOMPARE(out.sums, reference.sums);
        QCOMPARE(out.top, reference.top);
        QCOMPARE(out.sums.size(), events.size());
        QCOMPARE(out.top.size(), std::size_t{3 * 13});  // 13 windows × top 3
        QCOMPARE(out.metrics.lateEvents, std::uint64_t{0});
        QCOMPARE(out.metrics.eventsIn, events.size());
    }

    void fanOutChainGlobalAndMetrics() {
        const auto events = makeEvents(10, 50);
        const Outputs out = runGraph(events, 2, 100);
        QCOMPARE(out.doubled.size(), out.windows.size());
        for (std::size_t i = 0; i < out.windows.size(); ++i) {
            QCOMPARE(out.doubled[i].count, out.windows[i].count * 2);
        }
        // Top-3 of window 0: all keys have the same count, so the three smallest keys.
        QCOMPARE(out.top.at(0).rank, 1);
        QCOMPARE(out.top.at(0).key, std::uint64_t{0});
        const JobMetrics& m = out.metrics;
        QCOMPARE(m.workers, 2);
        QCOMPARE(m.operators.size(), std::size_t{4});  // counter, doubler, top3 (global), running-sum
        QCOMPARE(m.operators[0].name, std::string("counter(tumbling 10000)"));
        QCOMPARE(m.operators[0].counters.recordsIn, events.size());  // summed over both workers
        QCOMPARE(m.operators[0].counters.recordsOut, out.windows.size());
        QVERIFY(m.operators[2].global);
        QCOMPARE(m.operators[2].counters.recordsIn, out.windows.size());
        QCOMPARE(m.operators[3].counters.recordsIn, events.size());
        QCOMPARE(m.recordsOut, out.windows.size() * 2 + out.sums.size() + out.top.size());
        QVERIFY(m.latency.samples >= m.recordsOut);
        QVERIFY(m.latency.p99Ms >= m.latency.p50Ms);
        QCOMPARE(m.watermarkMs, kEndOfTime);
        QCOMPARE(m.processedWatermarkMs, kEndOfTime);
    }

    void backpressureKeepsMemoryBounded() {
        constexpr int kWorkers = 2;
        constexpr std::size_t kCapacity = 4;
        std::uint64_t delivered = 0;
        auto slow = std::make_shared<CallbackSink<RunningTotal>>([&delivered](std::span<const Record<RunningTotal>> r) {
            delivered += r.size();
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        });
        JobConfig config = plainConfig(kWorkers);
        config.queueCapacity = kCapacity;
        JobBuilder<Event> job(config);
        job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int) { return std::make_unique<RunningSum>(); })
            .sink(slow);
        auto running = job.build();
        const auto events = makeEvents(64, 300);
        std::size_t maxQueued = 0;
        for (std::size_t at = 0; at < events.size(); at += 32) {
            running->push(std::span(events).subspan(at, 32));
            maxQueued = std::max(maxQueued, running->metrics().queuedBatches);
        }
        running->finish();
        const JobMetrics m = running->metrics();
        QCOMPARE(delivered, events.size());
        QVERIFY(maxQueued <= kWorkers * kCapacity);
        // Buffers are recycled: their number depends on the queue sizes, not on the input size.
        QVERIFY2(m.inputBuffersAllocated <= kWorkers * (kCapacity + 2), std::to_string(m.inputBuffersAllocated).c_str());
        QVERIFY2(m.outputBuffersAllocated <= kWorkers * (kCapacity + 2),
                 std::to_string(m.outputBuffersAllocated).c_str());
        QVERIFY2(m.backpressureRatio > 0.0, "the source waited on full queues");
    }

    void runDecodesAndCountsDeadLetters() {
        QTemporaryDir dir;
        elog::LogConfig logConfig;
        logConfig.directory = dir.path().toStdString();
        logConfig.topics = {{"events", 3, 7 * elog::kDayMs}};
        logConfig.syncPolicy = elog::SyncPolicy::Manual;
        auto opened = elog::EventLog::open(logConfig);
        QVERIFY(opened.ok());
        elog::EventLog& eventLog = **opened;
        const auto events = makeEvents(12, 40);
        {
            elog::LogEventSink sink(eventLog);
            std::vector<elog::RecordInput> inputs;
            const char garbage[] = "not an event";
            int bad = 0;
            for (std::size_t i = 0; i < events.size(); ++i) {
                const Event& e = events[i];
                inputs.push_back({e.time, e.key, 7, std::as_bytes(std::span(&e, 1))});
                if (i % 50 == 0) {
                    inputs.push_back({e.time, e.key, 0, std::as_bytes(std::span(garbage))});
                    ++bad;
                }
            }
            QVERIFY(sink.send("events", inputs).ok());
            QCOMPARE(bad, 10);
        }
        auto source = elog::LogEventSource::create(eventLog, {"events"}, 1 << 16);
        QVERIFY(source.ok());
        auto windows = std::make_shared<QueueSink<WindowCount>>();
        JobBuilder<Event> job(plainConfig(2));
        job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
            .process([](int) { return std::make_unique<EventTimeCounter>(kWindow); })
            .sink(windows);
        auto running = job.build();
        auto decode = [](const elog::SourceRecord& rec, Event& out) {
            if (rec.record.flags != 7 || rec.record.payload.size() != sizeof(Event)) {
                return DecodeResult::reject("not_an_event");
            }
            std::memcpy(&out, rec.record.payload.data(), sizeof(Event));
            return DecodeResult::accept();
        };
        auto read = running->run(**source, decode, RunOptions{.pollRecords = 100, .stopAtEnd = true});
        QVERIFY(read.ok());
        QCOMPARE(*read, std::uint64_t{events.size() + 10});
        const JobMetrics m = running->metrics();
        QCOMPARE(m.eventsIn, events.size());
        QCOMPARE(m.deadLetters, std::uint64_t{10});
        QCOMPARE(m.deadLettersByReason.size(), std::size_t{1});
        QCOMPARE(m.deadLettersByReason[0].reason, std::string("not_an_event"));
        QCOMPARE(m.sourcePartitions, 3);
        std::vector<WindowCount> out;
        windows->drain(out);
        std::sort(out.begin(), out.end());
        QCOMPARE(out, expectedWindows(events));
    }

    void buildRejectsBadGraphs() {
        {
            JobBuilder<Event> job(plainConfig(1));
            QVERIFY_THROWS_EXCEPTION(JobError, job.build());
        }
        {
            JobBuilder<Event> job(plainConfig(1));
            job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; })
                .process([](int) { return std::make_unique<RunningSum>(); })
                .sink(std::make_shared<SqliteSink<RunningTotal>>([](const auto&, auto&) {}));
            QVERIFY_THROWS_EXCEPTION(JobError, job.build());  // exactly-once needs storage
        }
        {
            JobBuilder<Event> job(plainConfig(1));
            job.keyBy([](const Event& e) { return e.key; }, [](const Event& e) { return e.time; });
            auto running = job.build();
            running->finish();
            const Event e{};
            QVERIFY_THROWS_EXCEPTION(std::logic_error, running->push(std::span(&e, 1)));
        }
    }

    void latencyHistogramBuckets() {
        for (std::uint64_t v : {0ull, 1ull, 15ull, 16ull, 17ull, 1000ull, 123456ull, 1ull << 40}) {
            const int i = LatencyHistogram::indexOf(v);
            QVERIFY(LatencyHistogram::upperBound(i) >= v);
            QVERIFY(i == 0 || LatencyHistogram::upperBound(i - 1) < v);
        }
        LatencyHistogram h;
        h.record(100, 98);
        h.record(10'000, 2);
        const auto s = h.summary();
        QCOMPARE(s.samples, std::uint64_t{100});
        QVERIFY(s.p50Ms >= 0.1 && s.p50Ms < 0.113);
        QVERIFY(s.p99Ms >= 10.0 && s.p99Ms < 11.3);
        QCOMPARE(s.maxMs, 10.0);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeJob)
#include "test_runtime_job.moc"
