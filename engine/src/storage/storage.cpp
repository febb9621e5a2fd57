#include "cityops/engine/storage/storage.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/batch_writer.h"
#include "storage/schema.h"

namespace cityops::engine::storage {

using detail::BatchWriter;
using detail::StorageException;

std::string_view toString(AlertState state) {
    switch (state) {
        case AlertState::New:
            return "new";
        case AlertState::Acknowledged:
            return "acknowledged";
        case AlertState::Assigned:
            return "assigned";
        case AlertState::Dispatched:
            return "dispatched";
        case AlertState::Resolved:
            return "resolved";
    }
    return "unknown";
}

bool WriteBatch::empty() const {
    return readings.empty() && aggregates.empty() && deletedAggregates.empty() && alerts.empty() && deadLetters.empty() && lineage.empty() &&
           sensors.empty() && incidents.empty() && districts.empty();
}

//! The writer thread and its queue. m_mutex guards m_queue and m_stopping; the BatchWriter and its
//! connection are used by the writer thread only.
struct Storage::Impl {
    struct Job {
        std::function<void(BatchWriter&)> work;
        std::promise<Result<void>> done;
    };

    Impl(StorageOptions opts, detail::Connection db) : options(std::move(opts)), writer(std::move(db)) {}

    void run() {
        for (;;) {
            Job job;
            {
                std::unique_lock lock(mutex);
                wake.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) {
                    return;
                }
                job = std::move(queue.front());
                queue.pop_front();
            }
            space.notify_one();
            try {
                job.work(writer);
                committed.fetch_add(1, std::memory_order_relaxed);
                job.done.set_value(Result<void>());
            } catch (const StorageException& e) {
                job.done.set_value(e.error());
            } catch (const std::exception& e) {
                job.done.set_value(StorageError{StorageErrc::Sql, e.what(), 0});
            }
        }
    }

    std::future<Result<void>> enqueue(std::function<void(BatchWriter&)> work) {
        Job job{std::move(work), {}};
        auto future = job.done.get_future();
        std::unique_lock lock(mutex);
        space.wait(lock, [&] { return stopping || queue.size() < options.queueCapacity; });
        if (stopping) {
            job.done.set_value(StorageError{StorageErrc::Closed, "storage is closing", 0});
            return future;
        }
        queue.push_back(std::move(job));
        lock.unlock();
        wake.notify_one();
        return future;
    }

    StorageOptions options;
    BatchWriter writer;
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable space;
    std::deque<Job> queue;
    bool stopping = false;
    std::atomic<std::uint64_t> committed{0};
    std::thread thread;
};

Result<std::unique_ptr<Storage>> Storage::open(StorageOptions options) {
    try {
        if (options.queueCapacity == 0) {
            options.queueCapacity = 1;
        }
        auto db = detail::openWriterConnection(options);
        auto impl = std::make_unique<Impl>(std::move(options), std::move(db));
        impl->thread = std::thread([raw = impl.get()] { raw->run(); });
        return std::unique_ptr<Storage>(new Storage(std::move(impl)));
    } catch (const StorageException& e) {
        return e.error();
    }
}

Storage::Storage(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Storage::~Storage() {
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->stopping = true;
    }
    m_impl->wake.notify_all();
    m_impl->space.notify_all();
    m_impl->thread.join();
}

std::future<Result<void>> Storage::submit(WriteBatch batch) {
    return m_impl->enqueue([b = std::move(batch)](BatchWriter& writer) { writer.writeBatch(b); });
}

Result<void> Storage::write(WriteBatch batch) {
    return submit(std::move(batch)).get();
}

Result<void> Storage::commitCheckpoint(CheckpointRecord checkpoint, WriteBatch pending) {
    return m_impl
        ->enqueue(
            [c = std::move(checkpoint), p = std::move(pending)](BatchWriter& writer) { writer.commitCheckpoint(c, p); })
        .get();
}

Result<void> Storage::applyAlertAction(AlertAction action) {
    return m_impl->enqueue([a = std::move(action)](BatchWriter& writer) { writer.applyAlertAction(a); }).get();
}

Result<HotRetentionReport> Storage::enforceRetention(const std::vector<TopicRetention>& policy, std::int64_t nowMs) {
    detail::MetricCutoffs cutoffs;
    for (int m = 0; m < kMetricCount; ++m) {
        if (const auto limit = retentionOf(policy, topicOf(static_cast<Metric>(m)))) {
            if (*limit < 0) {
                return StorageError{StorageErrc::InvalidArgument,
                                    "retention of topic '" + std::string(topicOf(static_cast<Metric>(m))) +
                                        "' is negative",
                                    0};
            }
            cutoffs[static_cast<std::size_t>(m)] = nowMs - *limit;
        }
    }
    std::array<std::array<std::uint64_t, kMetricCount>, detail::kRetentionTableCount> deleted{};
    for (int t = 0; t < detail::kRetentionTableCount; ++t) {
        const auto table = static_cast<detail::RetentionTable>(t);
        detail::RetentionCursor cursor;
        while (!cursor.done) {
            // The job refers to locals: safe, because this thread waits for it before they go away.
            auto step = m_impl
                            ->enqueue([&](BatchWriter& writer) {
                                writer.retentionStep(table, cutoffs, cursor, deleted[static_cast<std::size_t>(t)]);
                            })
                            .get();
            if (!step) {
                return step.error();
            }
        }
    }
    HotRetentionReport report;
    for (const auto& entry : policy) {
        HotRetentionCount count;
        count.topic = entry.topic;
        count.cutoffMs = nowMs - entry.retentionMs;
        for (int m = 0; m < kMetricCount; ++m) {
            if (topicOf(static_cast<Metric>(m)) != entry.topic) {
                continue;
            }
            count.readings += deleted[0][static_cast<std::size_t>(m)];
            count.events += deleted[1][static_cast<std::size_t>(m)];
            count.aggregates += deleted[2][static_cast<std::size_t>(m)];
        }
        report.topics.push_back(std::move(count));
    }
    return report;
}

const std::filesystem::path& Storage::path() const {
    return m_impl->options.path;
}

std::uint64_t Storage::committedBatches() const {
    return m_impl->committed.load(std::memory_order_relaxed);
}

}  // namespace cityops::engine::storage
