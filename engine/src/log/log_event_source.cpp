#include <algorithm>
#include <chrono>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/log/topic_spec.h"

namespace cityops::engine::log {

struct LogEventSource::Assigned {
    const TopicSpec* topic = nullptr;
    int partition = 0;
    PartitionReader reader;
};

LogEventSource::LogEventSource(const EventLog& log, std::size_t bufferBytes) : m_log(log), m_buffer(bufferBytes) {}

LogEventSource::~LogEventSource() = default;

Result<std::unique_ptr<LogEventSource>> LogEventSource::create(const EventLog& log,
                                                               const std::vector<std::string>& topics,
                                                               std::size_t bufferBytes) {
    std::unique_ptr<LogEventSource> source(new LogEventSource(log, bufferBytes));
    for (const std::string& name : topics) {
        const TopicSpec* topic = log.topic(name);
        if (topic == nullptr) {
            return LogError{LogErrc::InvalidArgument, "event source: unknown topic '" + name + "'", {}, 0, 0};
        }
        for (int p = 0; p < topic->partitions; ++p) {
            auto reader = log.reader(name, p);
            if (!reader) {
                return reader.error();
            }
            source->m_assigned.push_back({topic, p, std::move(*reader)});
        }
    }
    return source;
}

Result<std::size_t> LogEventSource::pollOnce(std::span<SourceRecord> out) {
    if (m_views.size() < out.size()) {
        m_views.resize(out.size());
    }
    std::size_t count = 0;
    std::size_t used = 0;
    for (std::size_t step = 0; step < m_assigned.size() && count < out.size(); ++step) {
        Assigned& assigned = m_assigned[(m_next + step) % m_assigned.size()];
        if (assigned.reader.position() >= assigned.reader.highWatermark()) {
            continue;
        }
        auto batch = assigned.reader.read(std::span(m_views).subspan(count, out.size() - count),
                                          std::span(m_buffer).subspan(used));
        if (!batch) {
            if (batch.error().code == LogErrc::BufferTooSmall && count > 0) {
                break;  // this poll's buffer is full; the rotation below gives others their turn
            }
            return batch.error();
        }
        for (std::size_t i = 0; i < batch->count; ++i) {
            const RecordView& view = m_views[count + i];
            out[count + i] = {assigned.topic->name, assigned.partition, view};
            used = std::max<std::size_t>(
                used, static_cast<std::size_t>(view.payload.data() + view.payload.size() - m_buffer.data()));
        }
        count += batch->count;
    }
    if (!m_assigned.empty()) {
        m_next = (m_next + 1) % m_assigned.size();
    }
    return count;
}

Result<std::size_t> LogEventSource::poll(std::span<SourceRecord> out, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const std::uint64_t generation = m_log.appendGeneration();
        auto count = pollOnce(out);
        if (!count || *count > 0 || out.empty()) {
            return count;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return std::size_t{0};
        }
        m_log.waitForAppend(generation, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                                            std::chrono::milliseconds(1));
    }
}

std::vector<PartitionOffset> LogEventSource::positions() const {
    std::vector<PartitionOffset> result;
    result.reserve(m_assigned.size());
    for (const Assigned& assigned : m_assigned) {
        result.push_back({assigned.topic->name, assigned.partition, assigned.reader.position()});
    }
    return result;
}

Result<void> LogEventSource::seek(std::span<const PartitionOffset> positions) {
    for (const PartitionOffset& position : positions) {
        auto it = std::find_if(m_assigned.begin(), m_assigned.end(), [&](const Assigned& a) {
            return a.topic->name == position.topic && a.partition == position.partition;
        });
        if (it == m_assigned.end()) {
            return LogError{
                LogErrc::InvalidArgument,
                "event source: " + position.topic + "/" + std::to_string(position.partition) + " is not assigned",
                {},
                0,
                position.offset};
        }
        it->reader.seek(position.offset);
    }
    return {};
}

Result<void> LogEventSource::seekToTimestamp(std::int64_t timestampMs) {
    for (Assigned& assigned : m_assigned) {
        if (auto r = assigned.reader.seekToTimestamp(timestampMs); !r) {
            return r.error();
        }
    }
    return {};
}

LogEventSink::LogEventSink(EventLog& log) : m_log(log) {}

Result<void> LogEventSink::send(std::string_view topic, std::span<const RecordInput> records) {
    const TopicSpec* spec = m_log.topic(topic);
    if (spec == nullptr) {
        return LogError{LogErrc::InvalidArgument, "event sink: unknown topic '" + std::string(topic) + "'", {}, 0, 0};
    }
    if (m_byPartition.size() < static_cast<std::size_t>(spec->partitions)) {
        m_byPartition.resize(static_cast<std::size_t>(spec->partitions));
    }
    for (auto& group : m_byPartition) {
        group.clear();
    }
    for (const RecordInput& record : records) {
        m_byPartition[static_cast<std::size_t>(partitionForKey(record.key, spec->partitions))].push_back(record);
    }
    for (int p = 0; p < spec->partitions; ++p) {
        const auto& group = m_byPartition[static_cast<std::size_t>(p)];
        if (!group.empty()) {
            if (auto r = m_log.append(topic, p, group); !r) {
                return r.error();
            }
        }
    }
    return {};
}

Result<void> LogEventSink::flush() {
    return m_log.sync();
}

}  // namespace cityops::engine::log
