#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "cityops/engine/storage/storage_reader.h"
#include "runtime_impl.h"

namespace cityops::engine::stream {

TimeMs SystemClock::nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

TimeMs MonotonicClock::nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

namespace runtime_detail {

namespace {

int resolveWorkers(int configured) {
    if (configured > 0) {
        return configured;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

RuntimeCore::Impl::Impl(JobConfig c, JobParts p)
    : config(std::move(c)),
      clock(config.clock != nullptr ? config.clock : &systemClock),
      monotonic(config.monotonicClock != nullptr ? config.monotonicClock : &monotonicClockDefault),
      workerCount(static_cast<int>(p.workers.size())),
      parts(std::move(p)),
      tracker(WatermarkOptions{config.maxOutOfOrdernessMs, config.idleTimeoutMs}) {
    config.workers = workerCount;
    config.maxBatchRecords = std::max<std::size_t>(config.maxBatchRecords, 1);
}

TimeMs RuntimeCore::Impl::processingNow() {
    constexpr TimeMs kStepBackMs = 1'000;
    constexpr TimeMs kJumpAheadMs = 60'000;
    const TimeMs wall = clock->nowMs();
    const TimeMs mono = monotonic->nowMs();
    if (processingMs == kNoWatermark) {
        processingMs = wall;
    } else {
        const TimeMs elapsed = std::max<TimeMs>(0, mono - lastMonotonicMs);
        const TimeMs expectedWall = lastWallMs + elapsed;  // where the wall clock should be without a step
        if (wall + kStepBackMs < expectedWall) {
            clockStepsBack.fetch_add(1, std::memory_order_relaxed);
        } else if (wall > expectedWall + kJumpAheadMs) {
            clockStepsForward.fetch_add(1, std::memory_order_relaxed);
        }
        // Forward (also a jump ahead: the timers due fire) follows the wall clock; while the wall
        // clock is behind, processing time advances by the elapsed time until the wall clock catches up.
        processingMs = wall >= processingMs ? wall : processingMs + elapsed;
    }
    lastMonotonicMs = mono;
    lastWallMs = wall;
    processingMsShared.store(processingMs, std::memory_order_relaxed);
    return processingMs;
}

// ---------------------------------------------------------------- lifecycle

RuntimeCore::RuntimeCore(JobConfig config, JobParts parts) {
    const int workers = resolveWorkers(config.workers);
    if (static_cast<int>(parts.workers.size()) != workers || !parts.coordinator || !parts.makeInput ||
        !parts.makeOutput) {
        throw JobError("stream runtime: job parts do not match the configured worker count");
    }
    m_impl = std::make_unique<Impl>(std::move(config), std::move(parts));
    Impl& d = *m_impl;
    const TimeMs now = d.processingNow();
    d.tracker.ensurePartitions(std::max(1, d.config.sourcePartitions), now);
    d.lastCheckpointStartMs = now;
    d.restoreFromStore();  // throws JobError before any thread starts

    const auto n = static_cast<std::size_t>(d.workerCount);
    d.sentWatermark.assign(n, d.restoredWatermark);
    d.sentTimeMs.assign(n, now);
    d.batchWatermark = d.tracker.current();
    d.watermarkMs.store(d.tracker.current(), std::memory_order_relaxed);
    d.processedWatermarkMs.store(d.restoredWatermark, std::memory_order_relaxed);
    d.workerStats.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        d.queues.push_back(std::make_unique<InputQueue>(d.config.queueCapacity, d.parts.makeInput));
        d.parts.workers[i]->stats(d.workerStats[i]);
    }
    d.parts.coordinator->stats(d.globalStats);
    d.fill.resize(n);
    d.inbox = std::make_unique<Inbox>(d.workerCount, d.config.queueCapacity, d.parts.makeOutput);
    try {
        for (int i = 0; i < d.workerCount; ++i) {
            d.workerThreads.emplace_back([&d, i] { d.runWorker(i); });
        }
        d.coordinatorThread = std::thread([&d] { d.runCoordinator(); });
    } catch (...) {
        d.stopThreads();
        throw;
    }
}

RuntimeCore::~RuntimeCore() {
    m_impl->stopThreads();
}

void RuntimeCore::Impl::stopThreads() {
    for (std::size_t i = 0; i < workerThreads.size(); ++i) {
        InputMessage stop;
        stop.kind = MessageKind::Stop;
        queues[i]->push(std::move(stop));
    }
    for (std::thread& t : workerThreads) {
        t.join();
    }
    if (coordinatorThread.joinable()) {
        coordinatorThread.join();
    }
    workerThreads.clear();
}

void RuntimeCore::Impl::restoreFromStore() {
    if (config.storage == nullptr) {
        return;
    }
    auto reader = storage::StorageReader::open(config.storage->path());
    if (!reader) {
        throw JobError("job '" + config.jobId + "': cannot read checkpoints: " + reader.error().message);
    }
    auto latest = (*reader)->latestCheckpoint(config.jobId);
    if (!latest) {
        throw JobError("job '" + config.jobId + "': cannot read checkpoints: " + latest.error().message);
    }
    if (!latest->has_value()) {
        return;
    }
    const storage::CheckpointRecord& record = **latest;
    nextCheckpointId = record.checkpointId + 1;  // continue the numbering even without restoring
    if (!config.restoreFromCheckpoint) {
        return;
    }
    auto image = CheckpointImage::decode(record.stateBlob);
    if (!image) {
        throw JobError("job '" + config.jobId + "', checkpoint " + std::to_string(record.checkpointId) + ": " +
                       image.error());
    }
    const TimeMs now = processingNow();
    StateReader source(image->source);
    if (!tracker.restore(source, now)) {
        throw JobError("job '" + config.jobId + "', checkpoint " + std::to_string(record.checkpointId) +
                       ": malformed source state");
    }
    restoredWatermark = source.get<TimeMs>();
    if (source.failed()) {
        throw JobError("job '" + config.jobId + "': malformed source state in checkpoint");
    }
    for (int w = 0; w < workerCount; ++w) {
        const KeyFilter filter{w, workerCount};
        for (const auto& saved : image->workers) {
            parts.workers[static_cast<std::size_t>(w)]->restore(saved, filter);
        }
    }
    parts.coordinator->restore(image->global, KeyFilter{0, 1});
    restoreInfo = RestoreInfo{record.checkpointId, toPartitionOffsets(record.offsets),
                              static_cast<int>(image->workers.size())};
    checkpointStats.lastId = record.checkpointId;
    checkpointStats.lastCompletedMs = record.createdMs;
}

int RuntimeCore::workers() const {
    return m_impl->workerCount;
}

const JobConfig& RuntimeCore::config() const {
    return m_impl->config;
}

const std::optional<RestoreInfo>& RuntimeCore::restored() const {
    return m_impl->restoreInfo;
}

// ---------------------------------------------------------------- source thread

void RuntimeCore::Impl::send(int worker, InputMessage&& message) {
    const std::int64_t waited = queues[static_cast<std::size_t>(worker)]->push(std::move(message));
    if (waited > 0) {
        backpressureNs.fetch_add(waited, std::memory_order_relaxed);
    }
}

void RuntimeCore::Impl::sendToAll(MessageKind kind, std::uint64_t marker) {
    for (int w = 0; w < workerCount; ++w) {
        InputMessage message;
        message.kind = kind;
        message.marker = marker;
        message.ingestNs = steadyNowNs();
        message.processingTime = processingNow();
        send(w, std::move(message));
    }
}

bool RuntimeCore::Impl::checkpointInFlight() const {
    return lastInjectedCheckpoint != 0 && lastInjectedCheckpoint > finishedCheckpoint;
}

std::uint64_t RuntimeCore::Impl::injectBarrier() {
    SourceSnapshot snapshot;
    snapshot.id = nextCheckpointId++;
    snapshot.createdMs = processingNow();
    snapshot.startedNs = steadyNowNs();
    snapshot.positions = positionProvider ? positionProvider() : positions;
    StateWriter state;
    tracker.snapshot(state);
    state.put<TimeMs>(*std::min_element(sentWatermark.begin(), sentWatermark.end()));
    snapshot.state = std::move(state.bytes());
    snapshot.deadLetters = std::move(pendingDeadLetters);
    pendingDeadLetters.clear();
    const std::uint64_t id = snapshot.id;
    {
        std::lock_guard lock(handoffMutex);
        sourceSnapshots.push_back(std::move(snapshot));
    }
    lastInjectedCheckpoint = id;
    lastCheckpointStartMs = processingNow();
    sendToAll(MessageKind::Barrier, id);
    return id;
}

void RuntimeCore::Impl::waitCheckpoint(std::uint64_t id) {
    std::unique_lock lock(handoffMutex);
    handoffChanged.wait(lock, [&] { return finishedCheckpoint >= id; });
}

void RuntimeCore::service() {
    Impl& d = *m_impl;
    if (d.config.storage == nullptr || d.isFinished) {
        return;
    }
    bool inFlight = false;
    {
        std::lock_guard lock(d.handoffMutex);
        inFlight = d.checkpointInFlight();
    }
    if (inFlight) {
        return;
    }
    const bool requested = d.checkpointRequested.exchange(false, std::memory_order_acq_rel);
    const bool due = d.config.checkpointIntervalMs > 0 &&
                     d.processingNow() - d.lastCheckpointStartMs >= d.config.checkpointIntervalMs;
    if (requested || due) {
        d.injectBarrier();
    }
}

void RuntimeCore::beginBatch() {
    Impl& d = *m_impl;
    if (d.isFinished) {
        throw std::logic_error("stream job '" + d.config.jobId + "': records pushed after finish()");
    }
    d.batchIngestNs = steadyNowNs();
    d.batchWatermark = d.tracker.current();
    for (int w = 0; w < d.workerCount; ++w) {
        auto& f = d.fill[static_cast<std::size_t>(w)];
        if (!f) {
            f = d.queues[static_cast<std::size_t>(w)]->takePayload();
        }
    }
}

Payload& RuntimeCore::fill(int worker) {
    return *m_impl->fill[static_cast<std::size_t>(worker)];
}

WatermarkTracker& RuntimeCore::tracker() {
    return m_impl->tracker;
}

void RuntimeCore::ensurePartitions(int count) {
    Impl& d = *m_impl;
    if (count > d.tracker.partitions()) {
        d.tracker.ensurePartitions(count, d.processingNow());
    }
}

TimeMs RuntimeCore::watermark() const {
    return m_impl->batchWatermark;
}

void RuntimeCore::endBatch(std::uint64_t records, std::uint64_t late) {
    Impl& d = *m_impl;
    if (records > 0) {
        d.eventsIn.fetch_add(records, std::memory_order_relaxed);
    }
    if (late > 0) {
        d.lateEvents.fetch_add(late, std::memory_order_relaxed);
    }
    const TimeMs now = d.processingNow();
    const TimeMs wm = d.tracker.advance(now);
    d.watermarkMs.store(wm, std::memory_order_relaxed);
    d.maxEventTimeMs.store(d.tracker.maxEventTime(), std::memory_order_relaxed);
    d.partitionCount.store(d.tracker.partitions(), std::memory_order_relaxed);
    d.idlePartitionCount.store(d.tracker.idlePartitions(), std::memory_order_relaxed);
    if (d.deadLettersDirty) {
        std::lock_guard lock(d.statsMutex);
        d.deadLetterSnapshot.clear();
        for (const auto& [reason, count] : d.deadLetterCounts) {
            d.deadLetterSnapshot.push_back({reason, count});
        }
        d.deadLettersDirty = false;
    }
    const TimeMs tickMs = d.config.processingTimeTickMs;
    for (int w = 0; w < d.workerCount; ++w) {
        const auto i = static_cast<std::size_t>(w);
        const bool hasData = d.fill[i] && d.fill[i]->records() > 0;
        const bool advanced = wm > d.sentWatermark[i];
        const bool tick = tickMs > 0 && now - d.sentTimeMs[i] >= tickMs;
        if (!hasData && !advanced && !tick) {
            continue;
        }
        InputMessage message;
        message.kind = MessageKind::Data;
        message.watermark = wm;
        message.processingTime = now;
        message.ingestNs = d.batchIngestNs;
        if (hasData) {
            message.payload = std::move(d.fill[i]);
        }
        d.sentWatermark[i] = std::max(d.sentWatermark[i], wm);
        d.sentTimeMs[i] = now;
        d.send(w, std::move(message));
    }
    d.batchWatermark = wm;
}

void RuntimeCore::tick() {
    Impl& d = *m_impl;
    if (d.isFinished) {
        return;
    }
    service();
    d.batchIngestNs = steadyNowNs();
    endBatch(0, 0);
}

Expected<std::uint64_t, std::string> RuntimeCore::checkpoint() {
    Impl& d = *m_impl;
    if (d.config.storage == nullptr) {
        return std::string("job '" + d.config.jobId + "' has no storage for checkpoints");
    }
    {
        std::unique_lock lock(d.handoffMutex);
        d.handoffChanged.wait(lock, [&d] { return !d.checkpointInFlight(); });
    }
    const std::uint64_t id = d.injectBarrier();
    d.waitCheckpoint(id);
    std::lock_guard lock(d.handoffMutex);
    if (!d.finishedCheckpointError.empty()) {
        return d.finishedCheckpointError;
    }
    return id;
}

void RuntimeCore::sync() {
    Impl& d = *m_impl;
    const std::uint64_t id = d.nextSyncId++;
    d.sendToAll(MessageKind::Sync, id);
    std::unique_lock lock(d.handoffMutex);
    d.handoffChanged.wait(lock, [&] { return d.finishedSync >= id; });
}

void RuntimeCore::finish() {
    Impl& d = *m_impl;
    if (d.isFinished) {
        return;
    }
    d.batchIngestNs = steadyNowNs();
    const TimeMs now = d.processingNow();
    for (int w = 0; w < d.workerCount; ++w) {
        const auto i = static_cast<std::size_t>(w);
        if (d.sentWatermark[i] == kEndOfTime) {
            continue;
        }
        InputMessage message;
        message.watermark = kEndOfTime;
        message.processingTime = now;
        message.ingestNs = d.batchIngestNs;
        d.sentWatermark[i] = kEndOfTime;
        d.send(w, std::move(message));
    }
    d.watermarkMs.store(kEndOfTime, std::memory_order_relaxed);
    if (d.config.storage != nullptr) {
        (void)checkpoint();  // commits the last rows; a failure is in the metrics
    } else {
        sync();
    }
    d.isFinished = true;
}

bool RuntimeCore::finished() const {
    return m_impl->isFinished;
}

void RuntimeCore::setPositionProvider(std::function<std::vector<log::PartitionOffset>()> provider) {
    m_impl->positionProvider = std::move(provider);
}

void RuntimeCore::setPositions(std::vector<log::PartitionOffset> positions) {
    m_impl->positions = std::move(positions);
}

void RuntimeCore::reportDeadLetter(storage::DeadLetter letter) {
    Impl& d = *m_impl;
    d.deadLetterTotal.fetch_add(1, std::memory_order_relaxed);
    auto it = d.deadLetterCounts.find(letter.reason);
    if (it == d.deadLetterCounts.end()) {
        it = d.deadLetterCounts.emplace(letter.reason, 0).first;
    }
    ++it->second;
    d.deadLettersDirty = true;
    if (d.config.storage != nullptr) {
        d.pendingDeadLetters.push_back(std::move(letter));
    }
}

void RuntimeCore::requestCheckpoint() {
    m_impl->checkpointRequested.store(true, std::memory_order_release);
}

// ---------------------------------------------------------------- metrics (any thread)

JobMetrics RuntimeCore::metrics() const {
    const Impl& d = *m_impl;
    JobMetrics m;
    m.jobId = d.config.jobId;
    m.workers = d.workerCount;
    m.eventsIn = d.eventsIn.load(std::memory_order_relaxed);
    m.recordsOut = d.recordsOut.load(std::memory_order_relaxed);
    m.lateEvents = d.lateEvents.load(std::memory_order_relaxed);
    m.deadLetters = d.deadLetterTotal.load(std::memory_order_relaxed);
    m.watermarkMs = d.watermarkMs.load(std::memory_order_relaxed);
    m.processedWatermarkMs = d.processedWatermarkMs.load(std::memory_order_relaxed);
    m.maxEventTimeMs = d.maxEventTimeMs.load(std::memory_order_relaxed);
    const TimeMs now = std::max(d.clock->nowMs(), d.processingMsShared.load(std::memory_order_relaxed));
    if (m.watermarkMs != kNoWatermark && m.watermarkMs != kEndOfTime) {
        if (m.maxEventTimeMs != kNoWatermark) {
            m.eventTimeLagMs = m.maxEventTimeMs - m.watermarkMs;
        }
        m.processingTimeLagMs = now - m.watermarkMs;
    }
    m.sourcePartitions = d.partitionCount.load(std::memory_order_relaxed);
    m.idlePartitions = d.idlePartitionCount.load(std::memory_order_relaxed);
    m.clockStepsBack = d.clockStepsBack.load(std::memory_order_relaxed);
    m.clockStepsForward = d.clockStepsForward.load(std::memory_order_relaxed);
    m.latency = d.latency.summary();
    for (const auto& q : d.queues) {
        m.queuedBatches += q->size();
        m.inputBuffersAllocated += q->allocated();
    }
    m.outputBuffersAllocated = d.inbox ? d.inbox->allocated() : 0;

    const std::int64_t nowNs = steadyNowNs();
    const std::int64_t waited = d.backpressureNs.load(std::memory_order_relaxed);
    m.backpressureRatio = nowNs > d.startNs ? static_cast<double>(waited) / static_cast<double>(nowNs - d.startNs) : 0.0;
    {
        std::lock_guard lock(d.rateMutex);
        if (d.rateSampleNs == 0) {
            d.rateSampleNs = d.startNs;
        }
        const std::int64_t elapsed = nowNs - d.rateSampleNs;
        if (elapsed >= 500'000'000) {
            d.rate = static_cast<double>(m.eventsIn - d.rateSampleEvents) * 1e9 / static_cast<double>(elapsed);
            d.backpressureRecent =
                static_cast<double>(waited - d.rateSampleBackpressureNs) / static_cast<double>(elapsed);
            d.rateSampleNs = nowNs;
            d.rateSampleEvents = m.eventsIn;
            d.rateSampleBackpressureNs = waited;
        }
        m.eventsPerSecond = d.rate;
        m.backpressureRecent = d.backpressureRecent;
    }

    std::lock_guard lock(d.statsMutex);
    m.checkpoints = d.checkpointStats;
    if (m.checkpoints.lastCompletedMs != kNoWatermark) {
        m.checkpoints.ageMs = now - m.checkpoints.lastCompletedMs;
    }
    m.deadLettersByReason = d.deadLetterSnapshot;
    m.failure = d.failure;
    // Sum each operator over the workers (every worker runs the same graph), then the global ones.
    if (!d.workerStats.empty()) {
        m.operators = d.workerStats.front();
        for (std::size_t w = 1; w < d.workerStats.size(); ++w) {
            for (std::size_t i = 0; i < m.operators.size() && i < d.workerStats[w].size(); ++i) {
                const OperatorMetrics& s = d.workerStats[w][i];
                OperatorCounters& c = m.operators[i].counters;
                c.recordsIn += s.counters.recordsIn;
                c.recordsOut += s.counters.recordsOut;
                c.lateDropped += s.counters.lateDropped;
                c.lateAccepted += s.counters.lateAccepted;
                c.duplicates += s.counters.duplicates;
                c.timersFired += s.counters.timersFired;
                m.operators[i].stateBytes += s.stateBytes;
            }
        }
    }
    m.operators.insert(m.operators.end(), d.globalStats.begin(), d.globalStats.end());
    std::sort(m.operators.begin(), m.operators.end(),
              [](const OperatorMetrics& a, const OperatorMetrics& b) { return a.nodeId < b.nodeId; });
    for (const OperatorMetrics& op : m.operators) {
        m.stateBytes += op.stateBytes;
    }
    return m;
}

}  // namespace runtime_detail
}  // namespace cityops::engine::stream
