#pragma once

// Internals of job.h: the typed pieces a job graph is made of, at build time (specs) and at run time
// (one set of nodes per worker, one on the coordinator). Job authors do not use this header directly.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cityops/engine/stream/operator.h"
#include "cityops/engine/stream/runtime.h"
#include "cityops/engine/stream/sinks.h"

namespace cityops::engine::stream::runtime_detail {

// ------------------------------------------------------------------ payloads

//! A source record routed to a worker: its key and event time computed once at the source.
template <class T>
struct KeyedRecord {
    Key key;
    TimeMs eventTime;
    T value;
};

//! One worker's share of a source batch: one vector per keyBy of the job.
template <class T>
class InputPayload final : public Payload {
public:
    explicit InputPayload(std::size_t count) : streams(count) {}
    void clear() override {
        for (auto& s : streams) {
            s.clear();
        }
    }
    std::size_t records() const override {
        std::size_t n = 0;
        for (const auto& s : streams) {
            n += s.size();
        }
        return n;
    }
    std::vector<std::vector<KeyedRecord<T>>> streams;
};

//! Records of one port (a parallel stream read on the coordinator side).
class PortBuffer {
public:
    virtual ~PortBuffer() = default;
    virtual void clear() = 0;
    virtual std::size_t size() const = 0;
};

template <class T>
class TypedPortBuffer final : public PortBuffer {
public:
    void clear() override { records.clear(); }
    std::size_t size() const override { return records.size(); }
    std::vector<Record<T>> records;
};

//! One worker's outputs of one batch: one buffer per port.
class OutputPayload final : public Payload {
public:
    void clear() override {
        for (auto& p : ports) {
            p->clear();
        }
    }
    std::size_t records() const override {
        std::size_t n = 0;
        for (const auto& p : ports) {
            n += p->size();
        }
        return n;
    }
    std::vector<std::unique_ptr<PortBuffer>> ports;
};

// ------------------------------------------------------------------ run-time nodes

//! Forwards each record to every consumer of a stream (usually one).
template <class T>
class FanOut final : public Collector<T> {
public:
    void collect(Key key, const T& value, TimeMs eventTime) override {
        for (Collector<T>* target : targets) {
            target->collect(key, value, eventTime);
        }
    }
    void prefetch(Key key, const T& value, TimeMs eventTime) override {
        for (Collector<T>* target : prefetchTargets) {
            target->prefetch(key, value, eventTime);
        }
    }
    std::vector<Collector<T>*> targets;
    std::vector<Collector<T>*> prefetchTargets;  //!< the targets that use prefetch (operators)
};

//! An operator instance with its output fan-out.
class NodeBase {
public:
    NodeBase(int id, bool global) : m_id(id), m_global(global) {}
    virtual ~NodeBase() = default;
    int id() const { return m_id; }
    bool global() const { return m_global; }
    virtual void watermark(TimeMs watermark) = 0;
    virtual void processingTime(TimeMs now) = 0;
    virtual void snapshot(StateWriter& writer) const = 0;
    virtual bool restore(StateReader& reader, const KeyFilter& filter) = 0;
    virtual void stats(OperatorMetrics& out) const = 0;
    virtual const std::string& name() const = 0;

private:
    int m_id;
    bool m_global;
};

template <class In, class Out>
class OpNode final : public NodeBase, public Collector<In> {
public:
    OpNode(int id, bool global, std::unique_ptr<KeyedOperator<In, Out>> op)
        : NodeBase(id, global), m_op(std::move(op)), m_name(m_op->name()), m_forwards(m_op->forwardsPrefetch()) {}
    void collect(Key key, const In& value, TimeMs eventTime) override {
        m_op->processElement(key, value, eventTime, out);
    }
    void prefetch(Key key, const In& value, TimeMs eventTime) override {
        m_op->prefetch(key, value, eventTime);
        if constexpr (std::is_same_v<In, Out>) {
            if (m_forwards) {
                out.prefetch(key, value, eventTime);
            }
        }
    }
    void watermark(TimeMs watermark) override { m_op->onWatermark(watermark, out); }
    void processingTime(TimeMs now) override { m_op->onProcessingTime(now, out); }
    void snapshot(StateWriter& writer) const override { m_op->snapshot(writer); }
    bool restore(StateReader& reader, const KeyFilter& filter) override { return m_op->restore(reader, filter); }
    void stats(OperatorMetrics& m) const override {
        m.nodeId = id();
        m.global = global();
        m.name = m_name;
        m.counters = m_op->counters();
        m.stateBytes = m_op->stateBytes();
    }
    const std::string& name() const override { return m_name; }

    FanOut<Out> out;

private:
    std::unique_ptr<KeyedOperator<In, Out>> m_op;
    std::string m_name;
    bool m_forwards;
};

//! Worker side: collects a parallel stream's records for the coordinator.
class PortNodeBase {
public:
    virtual ~PortNodeBase() = default;
    //! Swaps the collected records into the payload's buffer (which must be empty); true if any.
    virtual bool swapInto(PortBuffer& buffer) = 0;
};

template <class T>
class PortNode final : public PortNodeBase, public Collector<T> {
public:
    void collect(Key key, const T& value, TimeMs eventTime) override {
        m_records.push_back(Record<T>{key, value, eventTime});
    }
    bool swapInto(PortBuffer& buffer) override {
        if (m_records.empty()) {
            return false;
        }
        static_cast<TypedPortBuffer<T>&>(buffer).records.swap(m_records);
        return true;
    }

private:
    std::vector<Record<T>> m_records;
};

//! Coordinator side: a global stream's records for its sinks, delivered once per coordinator step.
class SinkBufferBase {
public:
    virtual ~SinkBufferBase() = default;
    virtual std::uint64_t flush(SinkContext& context) = 0;
};

template <class T>
class SinkBuffer final : public SinkBufferBase, public Collector<T> {
public:
    explicit SinkBuffer(std::vector<Sink<T>*> sinks) : m_sinks(std::move(sinks)) {}
    void collect(Key key, const T& value, TimeMs eventTime) override {
        m_records.push_back(Record<T>{key, value, eventTime});
    }
    std::uint64_t flush(SinkContext& context) override {
        if (m_records.empty()) {
            return 0;
        }
        for (Sink<T>* sink : m_sinks) {
            sink->write(m_records, context);
        }
        const std::uint64_t n = m_records.size();
        m_records.clear();
        return n;
    }

private:
    std::vector<Sink<T>*> m_sinks;
    std::vector<Record<T>> m_records;
};

//! Coordinator side: hands one port's records to the stream's sinks and global stages.
class PortConsumerBase {
public:
    virtual ~PortConsumerBase() = default;
    virtual std::uint64_t consume(PortBuffer& buffer, SinkContext& context) = 0;
};

template <class T>
class PortConsumer final : public PortConsumerBase {
public:
    std::uint64_t consume(PortBuffer& buffer, SinkContext& context) override {
        const auto& records = static_cast<TypedPortBuffer<T>&>(buffer).records;
        if (records.empty()) {
            return 0;
        }
        for (Sink<T>* sink : sinks) {
            sink->write(records, context);
        }
        for (const Record<T>& r : records) {
            fan.collect(r.key, r.value, r.eventTime);
        }
        return sinks.empty() ? 0 : records.size();
    }
    std::vector<Sink<T>*> sinks;
    FanOut<T> fan;  //!< global stages fed by this stream
};

//! Everything one graph instance (a worker's or the coordinator's) owns.
struct GraphInstance {
    int worker = 0;
    std::vector<std::unique_ptr<NodeBase>> nodes;  //!< in creation (= topological) order once sorted
    std::vector<std::unique_ptr<PortNodeBase>> ownedPorts;
    std::vector<PortNodeBase*> ports;  //!< by port index (worker side)
    std::vector<std::unique_ptr<PortConsumerBase>> consumers;  //!< by port index (coordinator side)
    std::vector<std::unique_ptr<SinkBufferBase>> sinkBuffers;

    void sortNodes() {
        std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
    }
    //! Frames: per node id u32 | name | state bytes.
    void snapshot(StateWriter& writer) const {
        writer.put<std::uint32_t>(static_cast<std::uint32_t>(nodes.size()));
        for (const auto& node : nodes) {
            StateWriter state;
            node->snapshot(state);
            writer.put<std::uint32_t>(static_cast<std::uint32_t>(node->id()));
            writer.putString(node->name());
            writer.putBytes(state.bytes());
        }
    }
    //! Restores every node from its frame; throws JobError if the graph does not match the checkpoint.
    //! Operators appended to the graph after the checkpoint was written (ids past its last one)
    //! start empty, as new operators do in Flink: a job that gains rules keeps its old checkpoints.
    void restore(std::span<const std::byte> bytes, const KeyFilter& filter) const {
        StateReader reader(bytes);
        const auto count = reader.get<std::uint32_t>();
        if (reader.failed() || count > nodes.size()) {
            throw JobError("checkpoint holds " + std::to_string(count) + " operators where the job has " +
                           std::to_string(nodes.size()) + ": the job graph changed");
        }
        for (const auto& node : nodes) {
            if (static_cast<std::size_t>(&node - nodes.data()) >= count) {
                break;  // appended since the checkpoint: no state yet
            }
            const auto id = reader.get<std::uint32_t>();
            const std::string name = reader.getString();
            const auto state = reader.getBytes();
            if (reader.failed()) {
                throw JobError("checkpoint state of operator " + std::to_string(node->id()) + " is truncated");
            }
            if (static_cast<int>(id) != node->id() || name != node->name()) {
                throw JobError("checkpoint has operator " + std::to_string(id) + " '" + name + "' where the job has " +
                               std::to_string(node->id()) + " '" + node->name() + "'");
            }
            StateReader opReader(state);
            if (!node->restore(opReader, filter) || opReader.failed()) {
                throw JobError("operator " + std::to_string(id) + " '" + name + "' rejected its checkpoint state");
            }
        }
    }
    void stats(std::vector<OperatorMetrics>& out) const {
        out.resize(nodes.size());
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            nodes[i]->stats(out[i]);
        }
    }
};

// ------------------------------------------------------------------ build-time specs

class OpSpecBase {
public:
    virtual ~OpSpecBase() = default;
};

template <class In>
class OpSpecIn : public OpSpecBase {
public:
    virtual void buildWorker(GraphInstance& g, FanOut<In>& upstream) const = 0;
    virtual void buildCoordinator(GraphInstance& g, FanOut<In>& upstream) const = 0;
    bool global = false;
};

class StreamSpecBase {
public:
    virtual ~StreamSpecBase() = default;
    //! Coordinator side of a parallel stream that has a port: its consumer (sinks, global stages).
    virtual void buildPortConsumer(GraphInstance& g) const = 0;
    virtual std::unique_ptr<PortBuffer> makePortBuffer() const = 0;
    virtual bool hasExactlyOnceSink() const = 0;
    virtual bool needsPort() const = 0;
    bool parallel = true;
    int port = -1;
};

template <class T>
class StreamSpec final : public StreamSpecBase {
public:
    void buildWorker(GraphInstance& g, FanOut<T>& fan) const {
        for (const OpSpecIn<T>* child : children) {
            if (!child->global) {
                child->buildWorker(g, fan);
            }
        }
        if (port >= 0) {
            auto node = std::make_unique<PortNode<T>>();
            fan.targets.push_back(node.get());
            g.ports[static_cast<std::size_t>(port)] = node.get();
            g.ownedPorts.push_back(std::move(node));
        }
    }
    //! A global stream: every consumer runs on the coordinator.
    void buildCoordinator(GraphInstance& g, FanOut<T>& fan) const {
        for (const OpSpecIn<T>* child : children) {
            child->buildCoordinator(g, fan);
        }
        if (!sinks.empty()) {
            auto buffer = std::make_unique<SinkBuffer<T>>(sinkPointers());
            fan.targets.push_back(buffer.get());
            g.sinkBuffers.push_back(std::move(buffer));
        }
    }
    void buildPortConsumer(GraphInstance& g) const override {
        auto consumer = std::make_unique<PortConsumer<T>>();
        consumer->sinks = sinkPointers();
        for (const OpSpecIn<T>* child : children) {
            if (child->global) {
                child->buildCoordinator(g, consumer->fan);
            }
        }
        g.consumers[static_cast<std::size_t>(port)] = std::move(consumer);
    }
    std::unique_ptr<PortBuffer> makePortBuffer() const override { return std::make_unique<TypedPortBuffer<T>>(); }
    bool hasExactlyOnceSink() const override {
        return std::any_of(sinks.begin(), sinks.end(), [](const auto& s) { return s->exactlyOnce(); });
    }
    bool needsPort() const override {
        return parallel && (!sinks.empty() || std::any_of(children.begin(), children.end(),
                                                          [](const OpSpecIn<T>* c) { return c->global; }));
    }
    std::vector<Sink<T>*> sinkPointers() const {
        std::vector<Sink<T>*> out;
        for (const auto& s : sinks) {
            out.push_back(s.get());
        }
        return out;
    }

    std::vector<const OpSpecIn<T>*> children;
    std::vector<std::shared_ptr<Sink<T>>> sinks;
};

template <class In, class Out>
class OpSpec final : public OpSpecIn<In> {
public:
    using Factory = std::function<std::unique_ptr<KeyedOperator<In, Out>>(int worker)>;
    OpSpec(int id, bool isGlobal, Factory factory, StreamSpec<Out>* output)
        : m_id(id), m_factory(std::move(factory)), m_output(output) {
        this->global = isGlobal;
    }
    void buildWorker(GraphInstance& g, FanOut<In>& upstream) const override {
        auto node = makeNode(g.worker);
        upstream.targets.push_back(node.get());
        upstream.prefetchTargets.push_back(node.get());
        m_output->buildWorker(g, node->out);
        g.nodes.push_back(std::move(node));
    }
    void buildCoordinator(GraphInstance& g, FanOut<In>& upstream) const override {
        auto node = makeNode(0);
        upstream.targets.push_back(node.get());
        m_output->buildCoordinator(g, node->out);
        g.nodes.push_back(std::move(node));
    }

private:
    std::unique_ptr<OpNode<In, Out>> makeNode(int worker) const {
        auto op = m_factory(worker);
        if (!op) {
            throw JobError("the factory of operator " + std::to_string(m_id) + " returned no operator");
        }
        return std::make_unique<OpNode<In, Out>>(m_id, this->global, std::move(op));
    }
    int m_id;
    Factory m_factory;
    StreamSpec<Out>* m_output;
};

//! Extracts event times of a batch of source records (one virtual call per batch).
template <class T>
class TimestampFn {
public:
    virtual ~TimestampFn() = default;
    virtual void extract(std::span<const T> values, TimeMs* out) const = 0;
};

template <class T, class F>
class TimestampFnImpl final : public TimestampFn<T> {
public:
    explicit TimestampFnImpl(F f) : m_f(std::move(f)) {}
    void extract(std::span<const T> values, TimeMs* out) const override {
        for (std::size_t i = 0; i < values.size(); ++i) {
            out[i] = static_cast<TimeMs>(m_f(values[i]));
        }
    }

private:
    F m_f;
};

//! Routes a batch of source records of one keyBy to the workers that own their keys.
template <class T>
class KeyRoute {
public:
    virtual ~KeyRoute() = default;
    virtual void route(std::span<const T> values, const TimeMs* times, std::span<InputPayload<T>*> fills,
                       std::size_t stream) const = 0;
};

template <class T, class F>
class KeyRouteImpl final : public KeyRoute<T> {
public:
    explicit KeyRouteImpl(F f) : m_f(std::move(f)) {}
    void route(std::span<const T> values, const TimeMs* times, std::span<InputPayload<T>*> fills,
               std::size_t stream) const override {
        const int parts = static_cast<int>(fills.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            const Key key = static_cast<Key>(m_f(values[i]));
            const int w = parts == 1 ? 0 : partitionOf(key, parts);
            fills[static_cast<std::size_t>(w)]->streams[stream].push_back(KeyedRecord<T>{key, times[i], values[i]});
        }
    }

private:
    F m_f;
};

//! The whole job graph at build time, owned by the builder and then by the running job.
template <class T>
struct GraphSpec {
    int nextNodeId = 0;
    std::vector<std::unique_ptr<StreamSpecBase>> streams;
    std::vector<std::unique_ptr<OpSpecBase>> ops;
    std::unique_ptr<TimestampFn<T>> timestamps;
    std::vector<std::unique_ptr<KeyRoute<T>>> routes;
    std::vector<StreamSpec<T>*> roots;  //!< one per keyBy, same order as routes
    int ports = 0;
};

//! One worker's operators.
template <class T>
class TypedWorkerGraph final : public WorkerGraph {
public:
    TypedWorkerGraph(const GraphSpec<T>& spec, int worker) : m_roots(spec.roots.size()) {
        m_g.worker = worker;
        m_g.ports.assign(static_cast<std::size_t>(spec.ports), nullptr);
        for (std::size_t i = 0; i < spec.roots.size(); ++i) {
            spec.roots[i]->buildWorker(m_g, m_roots[i]);
        }
        m_g.sortNodes();
    }
    //! How many records ahead of processing a record's state is prefetched.
    static constexpr std::size_t kPrefetchDistance = 8;

    void process(Payload& input) override {
        auto& in = static_cast<InputPayload<T>&>(input);
        for (std::size_t s = 0; s < m_roots.size(); ++s) {
            FanOut<T>& root = m_roots[s];
            const std::vector<KeyedRecord<T>>& records = in.streams[s];
            const std::size_t n = records.size();
            std::size_t i = 0;
            if (!root.prefetchTargets.empty()) {
                for (; i < std::min(n, kPrefetchDistance); ++i) {
                    root.prefetch(records[i].key, records[i].value, records[i].eventTime);
                }
                i = 0;
                for (; i + kPrefetchDistance < n; ++i) {
                    const KeyedRecord<T>& ahead = records[i + kPrefetchDistance];
                    root.prefetch(ahead.key, ahead.value, ahead.eventTime);
                    root.collect(records[i].key, records[i].value, records[i].eventTime);
                }
            }
            for (; i < n; ++i) {
                root.collect(records[i].key, records[i].value, records[i].eventTime);
            }
        }
    }
    void watermark(TimeMs watermark) override {
        for (const auto& node : m_g.nodes) {
            node->watermark(watermark);
        }
    }
    void processingTime(TimeMs now) override {
        for (const auto& node : m_g.nodes) {
            node->processingTime(now);
        }
    }
    bool takeOutputs(Payload& out) override {
        auto& payload = static_cast<OutputPayload&>(out);
        bool any = false;
        for (std::size_t p = 0; p < m_g.ports.size(); ++p) {
            any = m_g.ports[p]->swapInto(*payload.ports[p]) || any;
        }
        return any;
    }
    void snapshot(StateWriter& writer) const override { m_g.snapshot(writer); }
    void restore(std::span<const std::byte> snapshot, const KeyFilter& filter) override { m_g.restore(snapshot, filter); }
    void stats(std::vector<OperatorMetrics>& out) const override { m_g.stats(out); }

private:
    GraphInstance m_g;
    std::vector<FanOut<T>> m_roots;
};

//! The coordinator's sinks and global stages.
template <class T>
class TypedCoordinatorGraph final : public CoordinatorGraph {
public:
    explicit TypedCoordinatorGraph(const GraphSpec<T>& spec) {
        m_g.consumers.resize(static_cast<std::size_t>(spec.ports));
        for (const auto& stream : spec.streams) {
            if (stream->port >= 0) {
                stream->buildPortConsumer(m_g);
            }
        }
        m_g.sortNodes();
    }
    std::uint64_t consume(Payload& outputs, SinkContext& context) override {
        auto& payload = static_cast<OutputPayload&>(outputs);
        std::uint64_t n = 0;
        for (std::size_t p = 0; p < m_g.consumers.size(); ++p) {
            n += m_g.consumers[p]->consume(*payload.ports[p], context);
        }
        return n + flush(context);
    }
    std::uint64_t watermark(TimeMs watermark, SinkContext& context) override {
        for (const auto& node : m_g.nodes) {
            node->watermark(watermark);
        }
        return flush(context);
    }
    std::uint64_t processingTime(TimeMs now, SinkContext& context) override {
        for (const auto& node : m_g.nodes) {
            node->processingTime(now);
        }
        return flush(context);
    }
    void snapshot(StateWriter& writer) const override { m_g.snapshot(writer); }
    void restore(std::span<const std::byte> snapshot, const KeyFilter& filter) override { m_g.restore(snapshot, filter); }
    void stats(std::vector<OperatorMetrics>& out) const override { m_g.stats(out); }

private:
    std::uint64_t flush(SinkContext& context) {
        std::uint64_t n = 0;
        for (const auto& buffer : m_g.sinkBuffers) {
            n += buffer->flush(context);
        }
        return n;
    }
    GraphInstance m_g;
};

}  // namespace cityops::engine::stream::runtime_detail
