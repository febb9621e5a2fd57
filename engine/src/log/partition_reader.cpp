#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "cityops/engine/log/event_log.h"
#include "partition_log.h"
#include "record_format.h"

namespace cityops::engine::log {

namespace {

constexpr std::size_t kScanBytes = 64 << 10;

struct Cursor {
    std::uint64_t offset = 0;
    std::uint64_t position = 0;
};

//! Walks record headers from (offset, position) up to endPosition until stop(header) holds, checking
//! framing and the offset chain (CRCs are checked when the records are read).
template <class Stop>
Result<Cursor> walkRecords(int fd, const std::string& path, std::vector<std::byte>& scan, Cursor cursor,
                           std::uint64_t endPosition, Stop stop) {
    scan.resize(kScanBytes);
    std::uint64_t bufferStart = cursor.position;
    std::size_t bufferLength = 0;
    while (cursor.position < endPosition) {
        if (cursor.position + detail::kHeaderBytes > bufferStart + bufferLength) {
            const auto n =
                detail::readAt(fd, scan.data(), std::min<std::uint64_t>(scan.size(), endPosition - cursor.position),
                               cursor.position, path);
            if (!n) {
                return n.error();
            }
            bufferStart = cursor.position;
            bufferLength = *n;
            if (bufferLength < detail::kHeaderBytes) {
                return detail::corruptError("truncated record header", path, cursor.position, cursor.offset);
            }
        }
        detail::RecordHeader header;
        std::memcpy(&header, scan.data() + (cursor.position - bufferStart), detail::kHeaderBytes);
        if (header.offset != cursor.offset || header.size < detail::kHeaderBytes ||
            header.payloadSize != header.size - detail::kHeaderBytes || cursor.position + header.size > endPosition) {
            return detail::corruptError("bad record framing", path, cursor.position, cursor.offset);
        }
        if (stop(header)) {
            break;
        }
        cursor.position += header.size;
        ++cursor.offset;
    }
    return cursor;
}

}  // namespace

PartitionReader::PartitionReader(const detail::PartitionLog* log) : m_log(log), m_position(log->startOffset()) {}

PartitionReader::PartitionReader(PartitionReader&& other) noexcept {
    *this = std::move(other);
}

PartitionReader& PartitionReader::operator=(PartitionReader&& other) noexcept {
    if (this != &other) {
        closeSegment();
        m_log = other.m_log;
        m_position = other.m_position;
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
        m_segmentBase = other.m_segmentBase;
        m_filePos = other.m_filePos;
        m_segmentEnd = other.m_segmentEnd;
        m_segmentActive = other.m_segmentActive;
        m_cursorValid = std::exchange(other.m_cursorValid, false);
        m_scan = std::move(other.m_scan);
    }
    return *this;
}

PartitionReader::~PartitionReader() {
    closeSegment();
}

void PartitionReader::closeSegment() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    m_fd = -1;
    m_cursorValid = false;
}

std::uint64_t PartitionReader::highWatermark() const {
    return m_log->highWatermark();
}

std::uint64_t PartitionReader::seek(std::uint64_t offset) {
    const std::uint64_t start = m_log->startOffset();
    m_position = std::clamp(offset, start, std::max(start, m_log->highWatermark()));
    m_cursorValid = false;
    return m_position;
}

Result<bool> PartitionReader::openSegment(const std::string& path, std::uint64_t baseOffset) {
    if (m_fd >= 0 && m_segmentBase == baseOffset) {
        return true;
    }
    closeSegment();
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) {
        if (errno == ENOENT) {
            return false;
        }
        return detail::ioError("open", path, errno);
    }
    m_path = path;
    m_segmentBase = baseOffset;
    return true;
}

Result<std::uint64_t> PartitionReader::seekToTimestamp(std::int64_t timestampMs) {
    for (;;) {
        const std::uint64_t end = m_log->highWatermark();
        const auto location = m_log->locateTimestamp(timestampMs);
        m_cursorValid = false;
        if (!location) {
            m_position = end;
            return m_position;
        }
        auto opened = openSegment(location->path.string(), location->baseOffset);
        if (!opened) {
            return opened.error();
        }
        if (!*opened) {
            continue;  // deleted by retention after the lookup
        }
        auto cursor =
            walkRecords(m_fd, m_path, m_scan, {location->entryOffset, location->entryPosition}, location->endPosition,
                        [timestampMs](const detail::RecordHeader& h) { return h.timestampMs >= timestampMs; });
        if (!cursor) {
            return cursor.error();
        }
        m_position = cursor->offset;
        m_filePos = cursor->position;
        m_segmentEnd = location->endPosition;
        m_segmentActive = location->active;
        m_cursorValid = true;
        return m_position;
    }
}

Result<bool> PartitionReader::positionCursor(ReadBatch& batch) {
    for (;;) {
        if (m_cursorValid) {
            if (m_segmentActive) {
                detail::SegmentLocation bounds;
                if (!m_log->segmentBounds(m_segmentBase, bounds)) {
                    m_cursorValid = false;
                    continue;
                }
                m_segmentEnd = bounds.endPosition;
                m_segmentActive = bounds.active;
            }
            if (m_filePos < m_segmentEnd) {
                return true;
            }
            if (m_segmentActive) {
                return false;
            }
            m_cursorValid = false;  // sealed segment consumed: m_position is the next segment's base
            continue;
        }
        if (m_position >= m_log->highWatermark()) {
            return false;
        }
        const auto location = m_log->locate(m_position);
        if (!location) {
            const std::uint64_t start = m_log->startOffset();
            if (start > m_position) {
                batch.skipped += start - m_position;
                m_position = start;
            }
            continue;
        }
        auto opened = openSegment(location->path.string(), location->baseOffset);
        if (!opened) {
            return opened.error();
        }
        if (!*opened) {
            continue;
        }
        const std::uint64_t target = m_position;
        auto cursor =
            walkRecords(m_fd, m_path, m_scan, {location->entryOffset, location->entryPosition}, location->endPosition,
                        [target](const detail::RecordHeader& h) { return h.offset >= target; });
        if (!cursor) {
            return cursor.error();
        }
        if (cursor->offset != m_position) {
            return detail::corruptError("offset missing from segment", m_path, cursor->position, m_position);
        }
        m_filePos = cursor->position;
        m_segmentEnd = location->endPosition;
        m_segmentActive = location->active;
        m_cursorValid = true;
    }
}

Result<ReadBatch> PartitionReader::read(std::span<RecordView> records, std::span<std::byte> buffer) {
    ReadBatch batch;
    std::size_t used = 0;
    std::optional<LogError> failure;
    while (batch.count < records.size() && !failure) {
        auto ready = positionCursor(batch);
        if (!ready) {
            failure = ready.error();
            break;
        }
        if (!*ready) {
            break;
        }
        const std::uint64_t remaining = m_segmentEnd - m_filePos;
        if (remaining < detail::kHeaderBytes) {
            failure = detail::corruptError("truncated record", m_path, m_filePos, m_position);
            break;
        }
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size() - used, remaining));
        std::size_t needed = detail::kHeaderBytes;
        std::size_t p = 0;
        if (want >= detail::kHeaderBytes) {
            const auto n = detail::readAt(m_fd, buffer.data() + used, want, m_filePos, m_path);
            if (!n) {
                failure = n.error();
                break;
            }
            if (*n < want) {
                failure = detail::corruptError("segment shorter than its accepted records", m_path, m_filePos + *n,
                                               m_position);
                break;
            }
            std::byte* base = buffer.data() + used;
            while (batch.count < records.size() && p + detail::kHeaderBytes <= want) {
                detail::RecordHeader header;
                const auto decoded = detail::decodeRecord(std::span<const std::byte>(base + p, want - p),
                                                          m_log->maxPayloadBytes(), header);
                if (decoded == detail::Decode::Invalid ||
                    (decoded == detail::Decode::Ok && header.offset != m_position)) {
                    failure = detail::corruptError("corrupt record", m_path, m_filePos + p, m_position);
                    break;
                }
                if (decoded == detail::Decode::NeedMore) {
                    if (m_filePos + p + header.size > m_segmentEnd) {
                        failure =
                            detail::corruptError("record crosses the segment end", m_path, m_filePos + p, m_position);
                    }
                    needed = header.size;
                    break;
                }
                records[batch.count++] = detail::viewOf(header, base + p);
                p += header.size;
                ++m_position;
            }
        }
        m_filePos += p;
        used += p;
        if (p == 0 && !failure) {
            if (batch.count == 0) {
                failure = LogError{LogErrc::BufferTooSmall,
                                   "read buffer of " + std::to_string(buffer.size()) +
                                       " bytes cannot hold a record of " + std::to_string(needed),
                                   m_path, needed, m_position};
            }
            break;
        }
    }
    // Records read before a failure are delivered; the cursor stays at the failing record, so the
    // next read reports the failure.
    if (failure && batch.count == 0) {
        return std::move(*failure);
    }
    batch.nextOffset = m_position;
    batch.highWatermark = std::max(m_position, m_log->highWatermark());
    return batch;
}

}  // namespace cityops::engine::log
