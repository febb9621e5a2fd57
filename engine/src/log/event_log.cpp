#include "cityops/engine/log/event_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "partition_log.h"
#include "record_format.h"

namespace cityops::engine::log {

namespace {

constexpr std::uint32_t kMaxPayloadLimit = 256u << 20;

LogError invalid(std::string message) {
    return {LogErrc::InvalidArgument, std::move(message), {}, 0, 0};
}

Result<void> validate(const LogConfig& config) {
    if (config.directory.empty()) {
        return invalid("event log: no directory configured");
    }
    if (config.topics.empty()) {
        return invalid("event log: no topics configured");
    }
    if (config.indexIntervalBytes == 0 || config.segmentBytes < detail::kHeaderBytes) {
        return invalid("event log: segment size and index interval must be positive");
    }
    if (config.maxPayloadBytes > kMaxPayloadLimit) {
        return invalid("event log: maxPayloadBytes above 256 MiB");
    }
    if (config.syncPolicy == SyncPolicy::Interval && config.syncInterval.count() <= 0) {
        return invalid("event log: sync interval must be positive");
    }
    std::set<std::string> names;
    for (const TopicSpec& topic : config.topics) {
        const bool nameOk = !topic.name.empty() && topic.name != "." && topic.name != ".." &&
                            topic.name.find('/') == std::string::npos && topic.name[0] != '.';
        if (!nameOk || !names.insert(topic.name).second) {
            return invalid("event log: invalid or duplicate topic name '" + topic.name + "'");
        }
        if (topic.partitions < 1 || topic.partitions > 4096 || topic.retentionMs <= 0) {
            return invalid("event log: topic '" + topic.name + "' needs 1..4096 partitions and a positive retention");
        }
    }
    return {};
}

}  // namespace

struct EventLog::Impl {
    struct Topic {
        TopicSpec spec;
        std::vector<std::unique_ptr<detail::PartitionLog>> partitions;
    };

    LogConfig config;
    OpenReport report;
    std::vector<Topic> topics;
    detail::UniqueFd lockFd;

    mutable std::mutex waitMutex;  //!< guards generation changes so waiters never miss a notify
    mutable std::condition_variable appended;
    std::atomic<std::uint64_t> generation{0};

    std::mutex syncMutex;  //!< guards stop and syncError
    std::condition_variable syncWake;
    bool stop = false;
    std::optional<LogError> syncError;
    std::thread syncThread;

    Result<detail::PartitionLog*> find(std::string_view name, int partition) const {
        for (const Topic& topic : topics) {
            if (topic.spec.name == name) {
                if (partition < 0 || partition >= topic.spec.partitions) {
                    return invalid("event log: topic '" + topic.spec.name + "' has no partition " +
                                   std::to_string(partition));
                }
                return topic.partitions[static_cast<std::size_t>(partition)].get();
            }
        }
        return invalid("event log: unknown topic '" + std::string(name) + "'");
    }

    Result<void> syncAll() {
        Result<void> first;
        for (Topic& topic : topics) {
            for (auto& partition : topic.partitions) {
                if (auto r = partition->sync(); !r && first) {
                    first = r;
                }
            }
        }
        return first;
    }

    void syncLoop() {
        std::unique_lock lock(syncMutex);
        while (!stop) {
            syncWake.wait_for(lock, config.syncInterval, [this] { return stop; });
            if (stop) {
                break;
            }
            lock.unlock();
            auto r = syncAll();
            lock.lock();
            if (!r) {
                syncError = r.error();
            }
        }
    }
};

EventLog::EventLog(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

EventLog::~EventLog() {
    if (m_impl->syncThread.joinable()) {
        {
            std::lock_guard lock(m_impl->syncMutex);
            m_impl->stop = true;
        }
        m_impl->syncWake.notify_all();
        m_impl->syncThread.join();
    }
    (void)m_impl->syncAll();
}

Result<std::unique_ptr<EventLog>> EventLog::open(LogConfig config) {
    if (auto r = validate(config); !r) {
        return r.error();
    }
    auto impl = std::make_unique<Impl>();
    impl->config = std::move(config);
    const std::filesystem::path& dir = impl->config.directory;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return detail::ioError("create directory", dir, ec.value());
    }
    const std::filesystem::path lockPath = dir / ".lock";
    impl->lockFd.reset(::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (impl->lockFd.get() < 0) {
        return detail::ioError("open", lockPath, errno);
    }
    if (::flock(impl->lockFd.get(), LOCK_EX | LOCK_NB) != 0) {
        return detail::ioError("lock (is another process using the log?)", lockPath, errno);
    }
    for (const TopicSpec& spec : impl->config.topics) {
        Impl::Topic topic{spec, {}};
        for (int p = 0; p < spec.partitions; ++p) {
            auto partition =
                std::make_unique<detail::PartitionLog>(spec.name, p, dir / spec.name / std::to_string(p), impl->config);
            if (auto r = partition->open(impl->report); !r) {
                return r.error();
            }
            topic.partitions.push_back(std::move(partition));
        }
        impl->topics.push_back(std::move(topic));
    }
    if (impl->config.syncPolicy == SyncPolicy::Interval) {
        impl->syncThread = std::thread([raw = impl.get()] { raw->syncLoop(); });
    }
    return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
}

const LogConfig& EventLog::config() const {
    return m_impl->config;
}

const OpenReport& EventLog::openReport() const {
    return m_impl->report;
}

const TopicSpec* EventLog::topic(std::string_view name) const {
    for (const Impl::Topic& topic : m_impl->topics) {
        if (topic.spec.name == name) {
            return &topic.spec;
        }
    }
    return nullptr;
}

Result<AppendResult> EventLog::append(std::string_view topic, int partition, std::span<const RecordInput> records) {
    auto log = m_impl->find(topic, partition);
    if (!log) {
        return log.error();
    }
    auto result = (*log)->append(records);
    if (result && !records.empty()) {
        {
            std::lock_guard lock(m_impl->waitMutex);
            m_impl->generation.fetch_add(1, std::memory_order_release);
        }
        m_impl->appended.notify_all();
    }
    return result;
}

Result<void> EventLog::sync() {
    return m_impl->syncAll();
}

Result<RetentionReport> EventLog::enforceRetention(std::int64_t nowMs) {
    RetentionReport report;
    for (Impl::Topic& topic : m_impl->topics) {
        const std::int64_t retention = topic.spec.retentionMs;
        const std::int64_t cutoff = nowMs < std::numeric_limits<std::int64_t>::min() + retention
                                        ? std::numeric_limits<std::int64_t>::min()
                                        : nowMs - retention;
        for (auto& partition : topic.partitions) {
            if (auto r = partition->enforceRetention(cutoff, report); !r) {
                return r.error();
            }
        }
    }
    return report;
}

Result<PartitionInfo> EventLog::info(std::string_view topic, int partition) const {
    auto log = m_impl->find(topic, partition);
    if (!log) {
        return log.error();
    }
    return (*log)->info();
}

Result<PartitionReader> EventLog::reader(std::string_view topic, int partition) const {
    auto log = m_impl->find(topic, partition);
    if (!log) {
        return log.error();
    }
    return PartitionReader(*log);
}

std::uint64_t EventLog::appendGeneration() const {
    return m_impl->generation.load(std::memory_order_acquire);
}

std::uint64_t EventLog::waitForAppend(std::uint64_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_impl->waitMutex);
    m_impl->appended.wait_for(lock, timeout, [&] { return m_impl->generation.load() != seen; });
    return m_impl->generation.load();
}

std::optional<LogError> EventLog::backgroundSyncError() const {
    std::lock_guard lock(m_impl->syncMutex);
    return m_impl->syncError;
}

}  // namespace cityops::engine::log
