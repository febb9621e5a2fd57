#include "partition_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "record_format.h"

namespace cityops::engine::log::detail {

PartitionLog::PartitionLog(std::string topic, int partition, std::filesystem::path dir, const LogConfig& config)
    : m_topic(std::move(topic)), m_partition(partition), m_dir(std::move(dir)), m_config(config) {}

Result<void> PartitionLog::open(OpenReport& report) {
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    if (ec) {
        return ioError("create directory", m_dir, ec.value());
    }
    std::vector<std::uint64_t> bases;
    for (const auto& entry : std::filesystem::directory_iterator(m_dir, ec)) {
        std::uint64_t base = 0;
        if (parseSegmentName(entry.path(), base)) {
            bases.push_back(base);
        } else if (entry.path().extension() == ".tmp") {
            std::error_code ignored;
            std::filesystem::remove(entry.path(), ignored);  // an index write cut short by a crash
        }
    }
    if (ec) {
        return ioError("list directory", m_dir, ec.value());
    }
    std::sort(bases.begin(), bases.end());

    std::lock_guard lock(m_mutex);
    m_segments.clear();
    if (bases.empty()) {
        SegmentMeta meta;
        meta.path = segmentPath(m_dir, 0);
        m_fd.reset(::open(meta.path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (m_fd.get() < 0) {
            return ioError("create", meta.path, errno);
        }
        if (auto r = syncDirectory(m_dir); !r) {
            return r;
        }
        m_segments.push_back(std::move(meta));
        report.segments += 1;
        return {};
    }
    for (std::size_t i = 0; i < bases.size(); ++i) {
        SegmentMeta meta;
        meta.path = segmentPath(m_dir, bases[i]);
        meta.baseOffset = bases[i];
        meta.endOffset = bases[i];
        if (!m_segments.empty() && m_segments.back().endOffset != meta.baseOffset) {
            return corruptError("offset gap before segment", meta.path, 0, m_segments.back().endOffset);
        }
        auto r = i + 1 < bases.size() ? loadSealed(meta, report) : recoverActive(meta, report);
        if (!r) {
            return r;
        }
        m_segments.push_back(std::move(meta));
    }
    report.segments += m_segments.size();
    m_highWatermark.store(m_segments.back().endOffset, std::memory_order_release);
    m_durableOffset.store(m_segments.back().endOffset, std::memory_order_release);
    return {};
}

Result<void> PartitionLog::loadSealed(SegmentMeta& meta, OpenReport& report) {
    struct stat st {};
    if (::stat(meta.path.c_str(), &st) != 0) {
        return ioError("stat", meta.path, errno);
    }
    if (loadIndexFile(meta, static_cast<std::uint64_t>(st.st_size))) {
        return {};
    }
    UniqueFd fd(::open(meta.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return ioError("open", meta.path, errno);
    }
    auto scan =
        scanSegment(fd.get(), meta.path, meta.baseOffset, m_config.maxPayloadBytes, m_config.indexIntervalBytes);
    if (!scan) {
        return scan.error();
    }
    if (!scan->clean) {
        return corruptError("corrupt record in sealed segment", meta.path, scan->meta.size, scan->meta.endOffset);
    }
    meta = std::move(scan->meta);
    if (meta.size > 0) {
        if (auto r = writeIndexFile(meta); !r) {
            return r;
        }
    }
    report.rebuiltIndexes += 1;
    return {};
}

Result<void> PartitionLog::recoverActive(SegmentMeta& meta, OpenReport& report) {
    UniqueFd fd(::open(meta.path.c_str(), O_RDWR | O_CLOEXEC));
    if (fd.get() < 0) {
        return ioError("open", meta.path, errno);
    }
    auto scan =
        scanSegment(fd.get(), meta.path, meta.baseOffset, m_config.maxPayloadBytes, m_config.indexIntervalBytes);
    if (!scan) {
        return scan.error();
    }
    if (!scan->clean) {
        const std::uint64_t validEnd = scan->meta.size;
        auto after = validRecordAfter(fd.get(), meta.path, validEnd, scan->fileSize, scan->meta.endOffset,
                                      m_config.maxPayloadBytes);
        if (!after) {
            return after.error();
        }
        if (*after) {
            return corruptError("corrupt record followed by valid records", meta.path, validEnd, scan->meta.endOffset);
        }
        if (::ftruncate(fd.get(), static_cast<off_t>(validEnd)) != 0) {
            return ioError("truncate", meta.path, errno);
        }
        const std::uint64_t cut = scan->fileSize - validEnd;
        report.truncated.push_back({m_topic, m_partition, meta.path.string(), validEnd, cut});
        report.truncatedBytes += cut;
    }
    // What survived a crash is in the page cache; make it durable before calling it so.
    if (auto r = syncFd(fd.get(), meta.path); !r) {
        return r;
    }
    meta = std::move(scan->meta);
    m_fd = std::move(fd);
    return {};
}

Result<AppendResult> PartitionLog::append(std::span<const RecordInput> records) {
    for (const RecordInput& record : records) {
        if (record.payload.size() > m_config.maxPayloadBytes) {
            return LogError{LogErrc::InvalidArgument,
                            "payload of " + std::to_string(record.payload.size()) + " bytes exceeds the limit",
                            {},
                            0,
                            0};
        }
    }
    std::lock_guard lock(m_mutex);
    AppendResult result;
    result.firstOffset = m_segments.back().endOffset;
    std::size_t i = 0;
    while (i < records.size()) {
        const std::uint64_t size = m_segments.back().size;
        if (size > 0 && size + recordBytes(records[i]) > m_config.segmentBytes) {
            if (auto r = roll(); !r) {
                return r.error();
            }
        }
        std::uint64_t bytes = m_segments.back().size;
        std::size_t j = i;
        while (j < records.size() && (j == i || bytes + recordBytes(records[j]) <= m_config.segmentBytes)) {
            bytes += recordBytes(records[j]);
            ++j;
        }
        if (auto r = writeChunk(records.subspan(i, j - i)); !r) {
            return r.error();
        }
        i = j;
    }
    result.nextOffset = m_segments.back().endOffset;
    if (m_config.syncPolicy == SyncPolicy::EveryAppend && !records.empty()) {
        if (auto r = syncFd(m_fd.get(), m_segments.back().path); !r) {
            return r.error();
        }
        m_dirty = false;
        m_durableOffset.store(result.nextOffset, std::memory_order_release);
    }
    return result;
}

Result<void> PartitionLog::writeChunk(std::span<const RecordInput> records) {
    SegmentMeta& active = m_segments.back();
    const SegmentMeta before{
        {}, active.baseOffset, active.endOffset, active.size, active.maxTimestampMs, active.lastIndexedPosition, {}};
    const std::size_t indexSize = active.index.size();

    std::size_t bytes = 0;
    for (const RecordInput& record : records) {
        bytes += recordBytes(record);
    }
    m_buffer.resize(bytes);
    std::size_t at = 0;
    for (const RecordInput& record : records) {
        const std::uint64_t offset = active.endOffset;
        encodeRecord(m_buffer.data() + at, offset, record);
        active.noteRecord(offset, before.size + at, record.timestampMs, static_cast<std::uint32_t>(recordBytes(record)),
                          m_config.indexIntervalBytes);
        at += recordBytes(record);
    }
    if (auto r = writeAll(m_fd.get(), m_buffer.data(), bytes, before.size, active.path); !r) {
        // Leave the file as it was so the next append does not sit behind a partial batch.
        if (::ftruncate(m_fd.get(), static_cast<off_t>(before.size)) != 0) {
            return ioError("truncate after failed write", active.path, errno);
        }
        active.endOffset = before.endOffset;
        active.size = before.size;
        active.maxTimestampMs = before.maxTimestampMs;
        active.lastIndexedPosition = before.lastIndexedPosition;
        active.index.resize(indexSize);
        return r;
    }
    m_dirty = true;
    m_highWatermark.store(active.endOffset, std::memory_order_release);
    return {};
}

Result<void> PartitionLog::roll() {
    SegmentMeta& active = m_segments.back();
    SegmentMeta next;
    next.baseOffset = active.endOffset;
    next.endOffset = active.endOffset;
    next.path = segmentPath(m_dir, next.baseOffset);
    UniqueFd fd(::open(next.path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
        return ioError("create", next.path, errno);
    }
    Result<void> sealed = syncFd(m_fd.get(), active.path);
    if (sealed) {
        sealed = writeIndexFile(active);
    }
    if (sealed) {
        sealed = syncDirectory(m_dir);
    }
    if (!sealed) {
        fd.reset();
        ::unlink(next.path.c_str());
        return sealed;
    }
    m_durableOffset.store(active.endOffset, std::memory_order_release);
    m_fd = std::move(fd);
    m_segments.push_back(std::move(next));
    return {};
}

Result<void> PartitionLog::sync() {
    std::lock_guard lock(m_mutex);
    if (!m_dirty) {
        return {};
    }
    if (auto r = syncFd(m_fd.get(), m_segments.back().path); !r) {
        return r;
    }
    m_dirty = false;
    m_durableOffset.store(m_segments.back().endOffset, std::memory_order_release);
    return {};
}

Result<void> PartitionLog::enforceRetention(std::int64_t cutoffMs, RetentionReport& report) {
    std::lock_guard lock(m_mutex);
    while (m_segments.size() > 1 && m_segments.front().maxTimestampMs < cutoffMs) {
        const SegmentMeta& old = m_segments.front();
        if (::unlink(old.path.c_str()) != 0 && errno != ENOENT) {
            return ioError("delete", old.path, errno);
        }
        ::unlink(indexPathOf(old.path).c_str());
        report.deleted.push_back(
            {m_topic, m_partition, old.path.string(), old.baseOffset, old.endOffset, old.maxTimestampMs});
        m_segments.pop_front();
    }
    return {};
}

PartitionInfo PartitionLog::info() const {
    std::lock_guard lock(m_mutex);
    return {m_segments.front().baseOffset, highWatermark(), m_durableOffset.load(std::memory_order_acquire),
            m_segments.size()};
}

std::uint64_t PartitionLog::startOffset() const {
    std::lock_guard lock(m_mutex);
    return m_segments.front().baseOffset;
}

SegmentLocation PartitionLog::locationOf(const SegmentMeta& meta, std::size_t entry, bool active) const {
    SegmentLocation location{meta.path, meta.baseOffset, meta.endOffset, meta.size, meta.baseOffset, 0, active};
    if (entry < meta.index.size()) {
        location.entryOffset = meta.index[entry].offset;
        location.entryPosition = meta.index[entry].position;
    }
    return location;
}

std::optional<SegmentLocation> PartitionLog::locate(std::uint64_t offset) const {
    std::lock_guard lock(m_mutex);
    if (offset < m_segments.front().baseOffset) {
        return std::nullopt;
    }
    auto it = std::upper_bound(m_segments.begin(), m_segments.end(), offset,
                               [](std::uint64_t value, const SegmentMeta& s) { return value < s.baseOffset; });
    --it;
    // An offset at a segment's end belongs to the next one (or is the active segment's end).
    while (offset >= it->endOffset && std::next(it) != m_segments.end()) {
        ++it;
    }
    return locationOf(*it, it->entryFor(offset), std::next(it) == m_segments.end());
}

std::optional<SegmentLocation> PartitionLog::locateTimestamp(std::int64_t timestampMs) const {
    std::lock_guard lock(m_mutex);
    for (auto it = m_segments.begin(); it != m_segments.end(); ++it) {
        if (it->endOffset == it->baseOffset || it->maxTimestampMs < timestampMs) {
            continue;
        }
        const auto& index = it->index;
        const auto below = std::partition_point(index.begin(), index.end(), [timestampMs](const IndexEntry& e) {
            return e.maxTimestampBefore < timestampMs;
        });
        const std::size_t entry = below == index.begin() ? 0 : static_cast<std::size_t>(below - index.begin()) - 1;
        return locationOf(*it, entry, std::next(it) == m_segments.end());
    }
    return std::nullopt;
}

bool PartitionLog::segmentBounds(std::uint64_t baseOffset, SegmentLocation& location) const {
    std::lock_guard lock(m_mutex);
    const auto it = std::lower_bound(m_segments.begin(), m_segments.end(), baseOffset,
                                     [](const SegmentMeta& s, std::uint64_t value) { return s.baseOffset < value; });
    if (it == m_segments.end() || it->baseOffset != baseOffset) {
        return false;
    }
    location.endOffset = it->endOffset;
    location.endPosition = it->size;
    location.active = std::next(it) == m_segments.end();
    return true;
}

}  // namespace cityops::engine::log::detail
