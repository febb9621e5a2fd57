// The worker and coordinator threads of a stream job.

#include <algorithm>
#include <exception>
#include <utility>

#include "runtime_impl.h"

namespace cityops::engine::stream::runtime_detail {

namespace {

//! Operator statistics are copied for metrics() at most this often (they may cost O(state)).
constexpr std::int64_t kStatsIntervalNs = 100'000'000;

std::size_t rowCount(const storage::WriteBatch& b) {
    return b.readings.size() + b.aggregates.size() + b.alerts.size() + b.deadLetters.size() + b.lineage.size() +
           b.sensors.size() + b.incidents.size() + b.districts.size();
}

}  // namespace

void RuntimeCore::Impl::fail(const std::string& what) {
    std::lock_guard lock(statsMutex);
    if (failure.empty()) {
        failure = what;
    }
    failed.store(true, std::memory_order_release);
}

void RuntimeCore::Impl::publishWorkerStats(int worker) {
    thread_local std::vector<OperatorMetrics> local;
    parts.workers[static_cast<std::size_t>(worker)]->stats(local);
    std::lock_guard lock(statsMutex);
    workerStats[static_cast<std::size_t>(worker)] = local;
}

void RuntimeCore::Impl::publishGlobalStats() {
    thread_local std::vector<OperatorMetrics> local;
    parts.coordinator->stats(local);
    std::lock_guard lock(statsMutex);
    globalStats = local;
}

void RuntimeCore::Impl::runWorker(int worker) {
    WorkerGraph& graph = *parts.workers[static_cast<std::size_t>(worker)];
    InputQueue& queue = *queues[static_cast<std::size_t>(worker)];
    const TimeMs tickMs = config.processingTimeTickMs;
    TimeMs watermark = restoredWatermark;
    TimeMs published = restoredWatermark;
    bool ticked = false;
    TimeMs lastTick = 0;
    std::int64_t statsNs = steadyNowNs();
    std::unique_ptr<Payload> spare;

    for (;;) {
        InputMessage in = queue.pop();
        OutputMessage out;
        out.kind = in.kind;
        out.marker = in.marker;
        out.ingestNs = in.ingestNs;
        out.processingTime = in.processingTime;
        bool publish = in.kind != MessageKind::Data;
        if (in.kind == MessageKind::Data) {
            if (!failed.load(std::memory_order_acquire)) {
                try {
                    if (in.payload) {
                        graph.process(*in.payload);
                    }
                    if (tickMs > 0 && (!ticked || in.processingTime - lastTick >= tickMs)) {
                        ticked = true;
                        lastTick = in.processingTime;
                        graph.processingTime(in.processingTime);
                    }
                    if (in.watermark > watermark) {
                        watermark = in.watermark;
                        graph.watermark(watermark);
                    }
                    if (!spare) {
                        spare = inbox->takePayload(worker);
                    }
                    if (graph.takeOutputs(*spare)) {
                        out.payload = std::move(spare);
                        publish = true;
                    }
                } catch (const std::exception& e) {
                    fail("worker " + std::to_string(worker) + ": " + e.what());
                }
            } else {
                watermark = std::max(watermark, in.watermark);
            }
            if (in.payload) {
                queue.recycle(std::move(in.payload));
            }
            if (watermark > published) {
                publish = true;
            }
        } else if (in.kind == MessageKind::Barrier) {
            StateWriter writer;
            try {
                graph.snapshot(writer);
            } catch (const std::exception& e) {
                fail("worker " + std::to_string(worker) + " snapshot: " + e.what());
            }
            out.snapshot = std::move(writer.bytes());
            publishWorkerStats(worker);
            statsNs = steadyNowNs();
        } else if (in.kind == MessageKind::Sync) {
            publishWorkerStats(worker);  // metrics() after sync() shows everything before it
            statsNs = steadyNowNs();
        }
        out.watermark = watermark;
        if (publish) {
            published = watermark;
            const bool stop = in.kind == MessageKind::Stop;
            if (stop) {
                publishWorkerStats(worker);
            }
            inbox->push(worker, std::move(out));
            if (stop) {
                return;
            }
        }
        const std::int64_t now = steadyNowNs();
        if (now - statsNs >= kStatsIntervalNs) {
            statsNs = now;
            publishWorkerStats(worker);
        }
    }
}

void RuntimeCore::Impl::runCoordinator() {
    const auto n = static_cast<std::size_t>(workerCount);
    CoordinatorGraph& graph = *parts.coordinator;
    const TimeMs tickMs = config.processingTimeTickMs;
    std::vector<char> skip(n, 0);
    std::vector<char> stopped(n, 0);
    std::vector<TimeMs> workerWatermark(n, restoredWatermark);
    std::vector<std::vector<std::byte>> snapshots(n);
    TimeMs watermark = restoredWatermark;
    bool ticked = false;
    TimeMs lastTick = 0;
    std::size_t arrived = 0;
    std::size_t stoppedCount = 0;
    storage::WriteBatch staged;
    std::int64_t statsNs = steadyNowNs();

    while (stoppedCount < n) {
        int w = 0;
        OutputMessage message = inbox->pop(skip, w);
        const auto wi = static_cast<std::size_t>(w);
        switch (message.kind) {
            case MessageKind::Data: {
                SinkContext context{staged, watermark, message.processingTime};
                std::uint64_t delivered = 0;
                workerWatermark[wi] = std::max(workerWatermark[wi], message.watermark);
                if (!failed.load(std::memory_order_acquire)) {
                    try {
                        if (message.payload) {
                            delivered += graph.consume(*message.payload, context);
                        }
                        const TimeMs merged = *std::min_element(workerWatermark.begin(), workerWatermark.end());
                        if (merged > watermark) {
                            watermark = merged;
                            context.watermark = merged;
                            processedWatermarkMs.store(merged, std::memory_order_relaxed);
                            delivered += graph.watermark(merged, context);
                        }
                        if (tickMs > 0 && (!ticked || message.processingTime - lastTick >= tickMs)) {
                            ticked = true;
                            lastTick = message.processingTime;
                            delivered += graph.processingTime(message.processingTime, context);
                        }
                    } catch (const std::exception& e) {
                        fail(std::string("coordinator: ") + e.what());
                    }
                }
                if (message.payload) {
                    inbox->recycle(w, std::move(message.payload));
                }
                if (delivered > 0) {
                    recordsOut.fetch_add(delivered, std::memory_order_relaxed);
                    const std::int64_t micros = std::max<std::int64_t>(0, (steadyNowNs() - message.ingestNs) / 1000);
                    latency.record(static_cast<std::uint64_t>(micros), delivered);
                }
                break;
            }
            case MessageKind::Barrier:
            case MessageKind::Sync:
                // Alignment: nothing more from this worker until every worker has reached the marker.
                skip[wi] = 1;
                if (message.kind == MessageKind::Barrier) {
                    snapshots[wi] = std::move(message.snapshot);
                }
                if (++arrived == n - stoppedCount) {
                    if (message.kind == MessageKind::Barrier) {
                        completeCheckpoint(message.marker, snapshots, staged, watermark);
                    } else {
                        publishGlobalStats();
                        std::lock_guard lock(handoffMutex);
                        finishedSync = message.marker;
                    }
                    handoffChanged.notify_all();
                    arrived = 0;
                    skip = stopped;
                }
                break;
            case MessageKind::Stop:
                skip[wi] = 1;
                stopped[wi] = 1;
                ++stoppedCount;
                break;
        }
        const std::int64_t now = steadyNowNs();
        if (now - statsNs >= kStatsIntervalNs) {
            statsNs = now;
            publishGlobalStats();
        }
    }
    publishGlobalStats();
}

void RuntimeCore::Impl::completeCheckpoint(std::uint64_t id, std::vector<std::vector<std::byte>>& snapshots,
                                           storage::WriteBatch& staged, TimeMs watermark) {
    (void)watermark;
    SourceSnapshot source;
    {
        std::lock_guard lock(handoffMutex);
        auto it = std::find_if(sourceSnapshots.begin(), sourceSnapshots.end(),
                               [id](const SourceSnapshot& s) { return s.id == id; });
        if (it != sourceSnapshots.end()) {
            source = std::move(*it);
            sourceSnapshots.erase(it);
        }
    }
    std::string error;
    CheckpointInfo info;
    info.id = id;
    info.createdMs = source.createdMs;
    // Dead letters belong to this checkpoint whether or not it commits: on failure they wait in
    // `staged` for the next one, like the sinks' rows.
    for (storage::DeadLetter& letter : source.deadLetters) {
        staged.deadLetters.push_back(std::move(letter));
    }
    if (source.id != id) {
        error = "checkpoint " + std::to_string(id) + ": the source's part is missing";
    } else if (failed.load(std::memory_order_acquire)) {
        std::lock_guard lock(statsMutex);
        error = "checkpoint " + std::to_string(id) + " refused: the job failed (" + failure + ")";
    } else {
        StateWriter global;
        try {
            parts.coordinator->snapshot(global);
        } catch (const std::exception& e) {
            error = std::string("global snapshot: ") + e.what();
        }
        if (error.empty()) {
            CheckpointImage image;
            image.source = std::move(source.state);
            image.workers = std::move(snapshots);
            image.global = std::move(global.bytes());
            storage::CheckpointRecord record;
            record.jobId = config.jobId;
            record.checkpointId = id;
            record.createdMs = source.createdMs;
            record.offsets = toCheckpointOffsets(source.positions);
            record.stateBlob = image.encode();
            info.stateBytes = record.stateBlob.size();
            info.rows = rowCount(staged);
            // The rows are copied: if the commit fails they stay staged and go with the next checkpoint.
            auto committed = config.storage->commitCheckpoint(std::move(record), staged);
            if (committed) {
                staged = storage::WriteBatch{};
            } else {
                error = "checkpoint " + std::to_string(id) + ": " + committed.error().message;
            }
        }
    }
    snapshots.assign(static_cast<std::size_t>(workerCount), {});
    info.durationMs = static_cast<double>(steadyNowNs() - source.startedNs) / 1e6;
    {
        std::lock_guard lock(statsMutex);
        if (error.empty()) {
            ++checkpointStats.completed;
            checkpointStats.lastId = id;
            checkpointStats.lastDurationMs = info.durationMs;
            checkpointStats.lastSizeBytes = info.stateBytes;
            checkpointStats.lastRows = info.rows;
            checkpointStats.lastCompletedMs = clock->nowMs();
        } else {
            ++checkpointStats.failed;
            checkpointStats.lastError = error;
        }
    }
    publishGlobalStats();
    if (error.empty() && config.onCheckpoint) {
        config.onCheckpoint(info);
    }
    std::lock_guard lock(handoffMutex);
    finishedCheckpoint = id;
    finishedCheckpointError = error;
}

}  // namespace cityops::engine::stream::runtime_detail
