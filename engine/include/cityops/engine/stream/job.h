#pragma once

// The stream-job API: source → keyBy → process / global → sink, built once and run multi-threaded.
//
//   JobBuilder<Reading> job(JobConfig{.jobId = "alert-detection", .workers = 2, .storage = &store});
//   auto keyed = job.keyBy([](const Reading& r) { return Key{r.sensorId}; },
//                          [](const Reading& r) { return r.eventTimeMs; });
//   auto windows = keyed.process([](int) { return std::make_unique<AvgWindow>(...); });
//   windows.sink(std::make_shared<SqliteSink<WindowResult>>(toAggregateRows));
//   keyed.process([](int) { return std::make_unique<Co2Pattern>(...); }).sink(alertQueue);
//   windows.global([] { return std::make_unique<TopN>(5); }).sink(topQueue);
//   auto running = job.build();
//   running->run(source, decode, {.stopAtEnd = true});   // or push(span) ... finish()
//
// Threads: the caller's (source) thread runs push()/run(); N worker threads run the keyed operators of
// the keys they own (partitionOf(key, N)); one coordinator thread runs the global stages, the sinks
// and the checkpoint commits. See engine/src/stream/runtime/README.md.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "cityops/engine/log/event_source.h"
#include "cityops/engine/stream/job_nodes.h"
#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/runtime.h"
#include "cityops/engine/stream/sinks.h"

namespace cityops::engine::stream {

template <class T>
class JobBuilder;

//! A stream of records inside a job graph (a build-time handle; cheap to copy). Parallel streams
//! (from keyBy and process) run in the workers, each record in the worker that owns its key; global
//! streams (from global) run on the coordinator thread.
template <class T>
class DataStream {
public:
    //! A keyed operator per worker, chained in the worker after this stream (fan-out: call process()
    //! or sink() several times on one stream). The factory is called once per worker with the worker
    //! index and returns std::unique_ptr<SomeOperator>, SomeOperator a KeyedOperator<T, Out>; Out is
    //! deduced (or given: process<Out>(...)). The operator must emit records under keys its worker
    //! owns (normally the input key); re-keying goes through global(). On a global stream, process()
    //! is the same as global().
    template <class Out = void, class Factory>
    auto process(Factory factory) {
        using Op = typename std::invoke_result_t<Factory&, int>::element_type;
        using O = std::conditional_t<std::is_void_v<Out>, typename Op::OutputType, Out>;
        return add<O>(std::function<std::unique_ptr<KeyedOperator<T, O>>(int)>(
                          [f = std::move(factory)](int worker) mutable -> std::unique_ptr<KeyedOperator<T, O>> {
                              return f(worker);
                          }),
                      !m_spec->parallel);
    }

    //! A parallelism-1 stage on the coordinator thread fed every worker's records of this stream in
    //! batches, with the watermark all workers have processed (top-N over all keys, merging per-worker
    //! partial aggregates). The factory takes no arguments. The stage sees the workers' batches in
    //! arrival order: its results must not depend on the order within one watermark step.
    template <class Out = void, class Factory>
    auto global(Factory factory) {
        using Op = typename std::invoke_result_t<Factory&>::element_type;
        using O = std::conditional_t<std::is_void_v<Out>, typename Op::OutputType, Out>;
        return add<O>(std::function<std::unique_ptr<KeyedOperator<T, O>>(int)>(
                          [f = std::move(factory)](int) mutable -> std::unique_ptr<KeyedOperator<T, O>> { return f(); }),
                      true);
    }

    //! Sends the stream's records to a sink (on the coordinator thread, in batches). Several sinks
    //! may read one stream. The sink is shared: the caller may keep it to drain (QueueSink).
    DataStream& sink(std::shared_ptr<Sink<T>> sink) {
        m_spec->sinks.push_back(std::move(sink));
        return *this;
    }

    bool parallel() const { return m_spec->parallel; }

private:
    template <class>
    friend class DataStream;
    template <class>
    friend class JobBuilder;

    using Spec = runtime_detail::StreamSpec<T>;
    template <class Src>
    DataStream(runtime_detail::GraphSpec<Src>& graph, Spec* spec)
        : m_nextId(&graph.nextNodeId), m_streams(&graph.streams), m_ops(&graph.ops), m_spec(spec) {}
    DataStream(int* nextId, std::vector<std::unique_ptr<runtime_detail::StreamSpecBase>>* streams,
               std::vector<std::unique_ptr<runtime_detail::OpSpecBase>>* ops, Spec* spec)
        : m_nextId(nextId), m_streams(streams), m_ops(ops), m_spec(spec) {}

    template <class O>
    DataStream<O> add(std::function<std::unique_ptr<KeyedOperator<T, O>>(int)> factory, bool global) {
        auto out = std::make_unique<runtime_detail::StreamSpec<O>>();
        out->parallel = !global;
        auto op = std::make_unique<runtime_detail::OpSpec<T, O>>((*m_nextId)++, global, std::move(factory), out.get());
        m_spec->children.push_back(op.get());
        DataStream<O> result(m_nextId, m_streams, m_ops, out.get());
        m_streams->push_back(std::move(out));
        m_ops->push_back(std::move(op));
        return result;
    }

    int* m_nextId;
    std::vector<std::unique_ptr<runtime_detail::StreamSpecBase>>* m_streams;
    std::vector<std::unique_ptr<runtime_detail::OpSpecBase>>* m_ops;
    Spec* m_spec;
};

//! What a source decoder returns: accepted, or the reason the record was rejected (a string that
//! outlives the call, e.g. toString(DecodeError)). Rejected records become dead letters.
struct DecodeResult {
    std::string_view reason;
    bool ok() const { return reason.empty(); }
    static DecodeResult accept() { return {}; }
    static DecodeResult reject(std::string_view why) { return {why}; }
};

//! How run() reads an EventSource.
struct RunOptions {
    std::size_t pollRecords = 4096;
    std::chrono::milliseconds pollTimeout{100};
    const std::atomic<bool>* stop = nullptr;  //!< run() returns soon after it becomes true (no finish())
    bool stopAtEnd = false;                   //!< return when a poll finds nothing (a pre-filled log is read)
    bool finishAtEnd = true;                  //!< with stopAtEnd: finish() before returning
    //! Called on the source thread after each polled batch was handed to the workers.
    std::function<void(std::uint64_t recordsRead)> onBatch;
};

//! A built job: its threads run until it is destroyed. Source-thread functions (push, run, tick,
//! checkpoint, sync, finish, setSourcePositions) must be called from one thread at a time;
//! metrics(), requestCheckpoint() and restored() from any thread.
template <class T>
class RunningJob {
public:
    using Decoder = std::function<DecodeResult(const log::SourceRecord&, T&)>;

    //! Hands records of source partition `partition` to the workers, cut into batches of at most
    //! JobConfig::maxBatchRecords. Blocks while a worker queue is full (backpressure). A due
    //! checkpoint is taken before the records (with the positions of setSourcePositions()).
    void push(std::span<const T> values, int partition = 0) {
        m_core->service();
        if (partition >= m_core->tracker().partitions()) {
            m_core->ensurePartitions(partition + 1);
        }
        const std::size_t max = m_core->config().maxBatchRecords;
        for (std::size_t at = 0; at < values.size(); at += max) {
            ingest(values.subspan(at, std::min(max, values.size() - at)), nullptr, partition);
        }
        if (values.empty()) {
            m_core->tick();
        }
    }

    //! Reads `source` until options.stop is set (or, with stopAtEnd, until a poll finds nothing),
    //! decoding each record with `decode`; rejected records are counted per reason and, with
    //! storage, committed to dead_letters with the next checkpoint. After a restore the source first
    //! seeks to the checkpoint's offsets. Checkpoints are taken between polls with source.positions().
    log::Result<std::uint64_t> run(log::EventSource& source, Decoder decode, RunOptions options = {}) {
        if (const auto& restored = m_core->restored(); restored && !m_seeked) {
            if (auto sought = source.seek(restored->positions); !sought) {
                return sought.error();
            }
        }
        m_seeked = true;
        m_core->setPositionProvider([&source] { return source.positions(); });
        struct ClearProvider {
            runtime_detail::RuntimeCore* core;
            ~ClearProvider() { core->setPositionProvider({}); }
        } clearProvider{m_core.get()};

        std::vector<std::pair<std::string, int>> known;
        for (const auto& p : source.positions()) {
            known.emplace_back(p.topic, p.partition);
        }
        m_core->ensurePartitions(static_cast<int>(known.size()));
        std::vector<log::SourceRecord> records(std::max<std::size_t>(options.pollRecords, 1));
        std::uint64_t total = 0;
        const char* lastTopic = nullptr;
        int lastPartition = -1;
        int lastIndex = 0;
        for (;;) {
            if (options.stop != nullptr && options.stop->load(std::memory_order_acquire)) {
                return total;
            }
            m_core->service();
            auto polled = source.poll(records, options.pollTimeout);
            if (!polled) {
                return polled.error();
            }
            if (*polled == 0) {
                if (options.stopAtEnd) {
                    if (options.finishAtEnd) {
                        m_core->finish();
                    }
                    return total;
                }
                m_core->tick();
                continue;
            }
            m_values.clear();
            m_partitions.clear();
            for (std::size_t i = 0; i < *polled; ++i) {
                const log::SourceRecord& rec = records[i];
                if (rec.topic.data() != lastTopic || rec.partition != lastPartition) {
                    lastTopic = rec.topic.data();
                    lastPartition = rec.partition;
                    lastIndex = partitionIndex(known, rec.topic, rec.partition);
                }
                T value{};
                const DecodeResult result = decode(rec, value);
                if (result.ok()) {
                    m_values.push_back(value);
                    m_partitions.push_back(lastIndex);
                } else {
                    storage::DeadLetter letter;
                    letter.source = std::string(rec.topic);
                    letter.sourceRef = letter.source + "/" + std::to_string(rec.partition) + "/" +
                                       std::to_string(rec.record.offset);
                    letter.reason = std::string(result.reason);
                    letter.payload.assign(reinterpret_cast<const char*>(rec.record.payload.data()),
                                          rec.record.payload.size());
                    letter.receivedMs = m_clock->nowMs();
                    m_core->reportDeadLetter(std::move(letter));
                }
            }
            const std::size_t max = m_core->config().maxBatchRecords;
            const std::span<const T> values(m_values);
            for (std::size_t at = 0; at < values.size(); at += max) {
                const std::size_t n = std::min(max, values.size() - at);
                ingest(values.subspan(at, n), m_partitions.data() + at, 0);
            }
            if (values.empty()) {
                m_core->tick();
            }
            total += *polled;
            if (options.onBatch) {
                options.onBatch(total);
            }
        }
    }

    //! No records for a while: lets idle partitions, processing-time ticks and checkpoints progress.
    void tick() { m_core->tick(); }
    //! Takes a checkpoint now and waits for its commit (needs JobConfig::storage).
    Expected<std::uint64_t, std::string> checkpoint() { return m_core->checkpoint(); }
    //! Waits until everything pushed so far has been processed and handed to the sinks.
    void sync() { m_core->sync(); }
    //! End of input: the watermark jumps to kEndOfTime (every window fires, every event-time timer
    //! runs), then a final checkpoint commits the last rows (with storage) or sync(). Pushing afterwards throws.
    void finish() { m_core->finish(); }
    //! push() mode: the source positions a checkpoint records (the next offsets after what was pushed).
    void setSourcePositions(std::vector<log::PartitionOffset> positions) { m_core->setPositions(std::move(positions)); }
    //! push() mode: a record the caller could not decode (counted, staged for dead_letters).
    void reportDeadLetter(storage::DeadLetter letter) { m_core->reportDeadLetter(std::move(letter)); }

    void requestCheckpoint() { m_core->requestCheckpoint(); }
    //! The checkpoint this run resumed from (its offsets: where push() callers continue).
    const std::optional<RestoreInfo>& restored() const { return m_core->restored(); }
    JobMetrics metrics() const { return m_core->metrics(); }
    int workers() const { return m_core->workers(); }

private:
    friend class JobBuilder<T>;
    RunningJob(std::unique_ptr<runtime_detail::GraphSpec<T>> graph, JobConfig config)
        : m_graph(std::move(graph)), m_fills(0) {
        m_clock = config.clock != nullptr ? config.clock : &m_systemClock;
        const int workers = config.workers > 0 ? config.workers
                                               : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        config.workers = workers;
        runtime_detail::JobParts parts;
        for (int w = 0; w < workers; ++w) {
            parts.workers.push_back(std::make_unique<runtime_detail::TypedWorkerGraph<T>>(*m_graph, w));
        }
        parts.coordinator = std::make_unique<runtime_detail::TypedCoordinatorGraph<T>>(*m_graph);
        const std::size_t streams = m_graph->routes.size();
        parts.makeInput = [streams] { return std::make_unique<runtime_detail::InputPayload<T>>(streams); };
        parts.makeOutput = [graph = m_graph.get()] {
            auto payload = std::make_unique<runtime_detail::OutputPayload>();
            payload->ports.resize(static_cast<std::size_t>(graph->ports));
            for (const auto& stream : graph->streams) {
                if (stream->port >= 0) {
                    payload->ports[static_cast<std::size_t>(stream->port)] = stream->makePortBuffer();
                }
            }
            return payload;
        };
        m_core = std::make_unique<runtime_detail::RuntimeCore>(std::move(config), std::move(parts));
        m_fills.resize(static_cast<std::size_t>(workers));
    }

    static int partitionIndex(std::vector<std::pair<std::string, int>>& known, std::string_view topic, int partition) {
        for (std::size_t i = 0; i < known.size(); ++i) {
            if (known[i].second == partition && known[i].first == topic) {
                return static_cast<int>(i);
            }
        }
        known.emplace_back(std::string(topic), partition);
        return static_cast<int>(known.size() - 1);
    }

    //! One batch: event times, watermark bookkeeping, routing. `partitions` (per record) or `partition`.
    void ingest(std::span<const T> values, const int* partitions, int partition) {
        runtime_detail::RuntimeCore& core = *m_core;
        if (partitions != nullptr) {
            const int maxIndex = *std::max_element(partitions, partitions + values.size());
            core.ensurePartitions(maxIndex + 1);
        }
        core.beginBatch();
        for (std::size_t w = 0; w < m_fills.size(); ++w) {
            m_fills[w] = static_cast<runtime_detail::InputPayload<T>*>(&core.fill(static_cast<int>(w)));
        }
        m_times.resize(values.size());
        m_graph->timestamps->extract(values, m_times.data());
        const TimeMs watermark = core.watermark();
        WatermarkTracker& tracker = core.tracker();
        std::uint64_t late = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            tracker.observe(partitions != nullptr ? partitions[i] : partition, m_times[i]);
            late += m_times[i] <= watermark ? 1 : 0;
        }
        for (std::size_t s = 0; s < m_graph->routes.size(); ++s) {
            m_graph->routes[s]->route(values, m_times.data(), m_fills, s);
        }
        core.endBatch(values.size(), late);
    }

    std::unique_ptr<runtime_detail::GraphSpec<T>> m_graph;
    std::unique_ptr<runtime_detail::RuntimeCore> m_core;
    std::vector<runtime_detail::InputPayload<T>*> m_fills;
    std::vector<TimeMs> m_times;
    std::vector<T> m_values;
    std::vector<int> m_partitions;
    SystemClock m_systemClock;
    const Clock* m_clock = nullptr;
    bool m_seeked = false;
};

//! Describes a job: its source type T, event time, keyBys, operators and sinks; build() starts it.
template <class T>
class JobBuilder {
public:
    explicit JobBuilder(JobConfig config)
        : m_config(std::move(config)), m_graph(std::make_unique<runtime_detail::GraphSpec<T>>()) {}

    //! Event time of a source record: drives the per-partition watermarks (required once per job).
    template <class TimestampFn>
    JobBuilder& timestamps(TimestampFn fn) {
        m_graph->timestamps = std::make_unique<runtime_detail::TimestampFnImpl<T, TimestampFn>>(std::move(fn));
        return *this;
    }

    //! A keyed stream of the source records: each record goes to the worker owning keyFn(record).
    //! Several keyBys of one job each receive every record (e.g. per sensor and per location).
    template <class KeyFn>
    DataStream<T> keyBy(KeyFn keyFn) {
        m_graph->routes.push_back(std::make_unique<runtime_detail::KeyRouteImpl<T, KeyFn>>(std::move(keyFn)));
        auto root = std::make_unique<runtime_detail::StreamSpec<T>>();
        root->parallel = true;
        DataStream<T> stream(*m_graph, root.get());
        m_graph->roots.push_back(root.get());
        m_graph->streams.push_back(std::move(root));
        return stream;
    }
    //! keyBy(keyFn) with the job's event time given here (same as timestamps(timestampFn)).
    template <class KeyFn, class TimestampFn>
    DataStream<T> keyBy(KeyFn keyFn, TimestampFn timestampFn) {
        timestamps(std::move(timestampFn));
        return keyBy(std::move(keyFn));
    }

    //! Creates the operators (factories run here), restores the latest checkpoint when configured
    //! and starts the threads. Throws JobError for a graph without timestamps or keyBy, an
    //! exactly-once sink without JobConfig::storage, or a checkpoint that does not fit the graph.
    //! The builder is spent afterwards.
    std::unique_ptr<RunningJob<T>> build() {
        if (!m_graph) {
            throw JobError("job '" + m_config.jobId + "': build() called twice");
        }
        if (!m_graph->timestamps) {
            throw JobError("job '" + m_config.jobId + "': no event time (call timestamps() or keyBy(key, time))");
        }
        if (m_graph->roots.empty()) {
            throw JobError("job '" + m_config.jobId + "': no keyBy");
        }
        for (const auto& stream : m_graph->streams) {
            if (stream->hasExactlyOnceSink() && m_config.storage == nullptr) {
                throw JobError("job '" + m_config.jobId + "': an exactly-once sink needs JobConfig::storage");
            }
            if (stream->needsPort()) {
                stream->port = m_graph->ports++;
            }
        }
        return std::unique_ptr<RunningJob<T>>(new RunningJob<T>(std::move(m_graph), m_config));
    }

private:
    JobConfig m_config;
    std::unique_ptr<runtime_detail::GraphSpec<T>> m_graph;
};

}  // namespace cityops::engine::stream
