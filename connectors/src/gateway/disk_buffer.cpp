#include "cityops/connectors/gateway/disk_buffer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "cityops/engine/log/crc32c.h"

namespace cityops::connectors::gateway {

namespace {

using engine::Expected;
using engine::log::crc32c;

constexpr std::size_t kCursorBytes = 24;            // segment id, position, crc32c, padding

template <class T>
T get(const std::byte* data) {
    T value;
    std::memcpy(&value, data, sizeof(T));
    return value;
}

std::string errnoText(const std::string& what, const std::filesystem::path& path) {
    return what + " " + path.string() + ": " + std::strerror(errno);
}

bool writeAll(int fd, const std::byte* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool preadAll(int fd, std::byte* data, std::size_t size, std::uint64_t at) {
    while (size > 0) {
        const ssize_t n = ::pread(fd, data, size, static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
        at += static_cast<std::uint64_t>(n);
    }
    return true;
}

}  // namespace

DiskBuffer::DiskBuffer(DiskBufferConfig config)
    : m_config(std::move(config)), m_codec(m_config.compression, m_config.compressionLevel) {
    if (m_config.segmentBytes == 0) {
        m_config.segmentBytes = std::clamp<std::uint64_t>(m_config.maxBytes / 8, 64ULL << 10, 16ULL << 20);
    }
}

DiskBuffer::~DiskBuffer() {
    for (int fd : {m_writeFd, m_readFd, m_cursorFd, m_lockFd}) {
        if (fd >= 0) ::close(fd);
    }
}

std::filesystem::path DiskBuffer::segmentPath(std::uint64_t id) const {
    std::string name = std::to_string(id);
    name.insert(0, 20 - std::min<std::size_t>(20, name.size()), '0');
    return m_config.directory / (name + ".seg");
}

Expected<std::unique_ptr<DiskBuffer>, std::string> DiskBuffer::open(DiskBufferConfig config) {
    if (config.directory.empty()) {
        return std::string("disk buffer: no directory given");
    }
    if (config.maxBytes < 4096) {
        return std::string("disk buffer: maxBytes must be at least 4096");
    }
    std::unique_ptr<DiskBuffer> buffer(new DiskBuffer(std::move(config)));
    if (auto r = buffer->recover(); !r) {
        return r.error();
    }
    return buffer;
}

Expected<void, std::string> DiskBuffer::recover() {
    std::error_code ec;
    std::filesystem::create_directories(m_config.directory, ec);
    if (ec || !std::filesystem::is_directory(m_config.directory)) {
        return "disk buffer: cannot create directory " + m_config.directory.string() + ": " +
               (ec ? ec.message() : std::string("not a directory"));
    }
    // One owner per directory: a second gateway on the same buffer would interleave its frames.
    const auto lockPath = m_config.directory / "lock";
    m_lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lockFd < 0) {
        return errnoText("disk buffer: cannot open", lockPath);
    }
    if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
        return "disk buffer: " + m_config.directory.string() + " is in use by another gateway";
    }
    std::vector<std::uint64_t> ids;
    for (const auto& entry : std::filesystem::directory_iterator(m_config.directory, ec)) {
        const auto name = entry.path().filename().string();
        if (name.size() == 24 && name.ends_with(".seg") &&
            std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; })) {
            ids.push_back(std::stoull(name.substr(0, 20)));
        }
    }
    if (ec) {
        return "disk buffer: cannot list " + m_config.directory.string() + ": " + ec.message();
    }
    std::sort(ids.begin(), ids.end());

    const auto cursorPath = m_config.directory / "cursor";
    m_cursorFd = ::open(cursorPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_cursorFd < 0) {
        return errnoText("disk buffer: cannot open", cursorPath);
    }
    std::uint64_t cursorSegment = 0;
    std::uint64_t cursorPos = 0;
    std::uint64_t frontStart = 0;
    std::byte cursor[kCursorBytes];
    if (preadAll(m_cursorFd, cursor, kCursorBytes, 0) && get<std::uint32_t>(cursor + 16) == crc32c(cursor, 16)) {
        cursorSegment = get<std::uint64_t>(cursor);
        cursorPos = get<std::uint64_t>(cursor + 8);
    }

    for (std::size_t i = 0; i < ids.size(); ++i) {
        m_nextId = ids[i] + 1;
        if (ids[i] < cursorSegment) {
            std::filesystem::remove(segmentPath(ids[i]), ec);  // fully drained before the restart
            continue;
        }
        Segment segment{ids[i], 0, 0, 0};
        m_readPos = ids[i] == cursorSegment ? cursorPos : 0;
        if (auto r = scanSegment(segment); !r) {
            return r.error();
        }
        m_stats.bytes += segment.bytes;
        if (segment.batches == 0) {
            std::filesystem::remove(segmentPath(ids[i]), ec);
            m_stats.bytes -= segment.bytes;
            continue;
        }
        if (m_segments.empty()) {
            frontStart = m_readPos;
        }
        m_segments.push_back(segment);
        m_stats.pendingRecords += segment.records;
        m_stats.pendingBatches += segment.batches;
    }
    m_stats.recoveredRecords = m_stats.pendingRecords;
    m_stats.segments = m_segments.size();
    m_readPos = m_segments.empty() ? 0 : frontStart;
    m_nextId = std::max(m_nextId, cursorSegment);
    return writeCursor();
}

Expected<void, std::string> DiskBuffer::scanSegment(Segment& segment) {
    const auto path = segmentPath(segment.id);
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return errnoText("disk buffer: cannot open", path);
    }
    const off_t size = ::lseek(fd, 0, SEEK_END);
    std::uint64_t pos = 0;
    std::uint64_t firstPending = 0;
    bool seenPending = false;
    std::byte header[kFrameHeaderV2];
    while (pos + kFrameHeaderV1 <= static_cast<std::uint64_t>(size)) {
        // Only the header is checked here: a damaged body with a sound header is skipped (and counted)
        // when it is drained, so the frames after it survive. Bodies are verified by front().
        const std::size_t available = static_cast<std::size_t>(
            std::min<std::uint64_t>(kFrameHeaderV2, static_cast<std::uint64_t>(size) - pos));
        FrameHeader parsed;
        if (!preadAll(fd, header, available, pos) ||
            !parseFrameHeader(std::span<const std::byte>(header, available), parsed)) {
            break;
        }
        if (pos + parsed.frameBytes() > static_cast<std::uint64_t>(size)) break;
        if (pos >= m_readPos) {
            if (!seenPending) firstPending = pos;
            seenPending = true;
            segment.records += parsed.records;
            ++segment.batches;
        }
        pos += parsed.frameBytes();
    }
    if (pos < static_cast<std::uint64_t>(size)) {
        // A torn write (crash mid-append) or damage: keep the valid prefix, count what was cut.
        m_stats.truncatedBytes += static_cast<std::uint64_t>(size) - pos;
        if (::ftruncate(fd, static_cast<off_t>(pos)) != 0) {
            const auto message = errnoText("disk buffer: cannot truncate", path);
            ::close(fd);
            return message;
        }
    }
    ::close(fd);
    segment.bytes = pos;
    m_readPos = seenPending ? firstPending : pos;
    return {};
}

Expected<void, std::string> DiskBuffer::writeCursor() {
    std::byte cursor[kCursorBytes]{};
    const std::uint64_t segment = m_segments.empty() ? m_nextId : m_segments.front().id;
    const std::uint64_t pos = m_segments.empty() ? 0 : m_readPos;
    std::memcpy(cursor, &segment, 8);
    std::memcpy(cursor + 8, &pos, 8);
    const std::uint32_t crc = crc32c(cursor, 16);
    std::memcpy(cursor + 16, &crc, 4);
    if (::pwrite(m_cursorFd, cursor, kCursorBytes, 0) != static_cast<ssize_t>(kCursorBytes)) {
        return errnoText("disk buffer: cannot write", m_config.directory / "cursor");
    }
    if (m_config.syncEveryWrite) {
        ::fdatasync(m_cursorFd);
    }
    return {};
}

Expected<void, std::string> DiskBuffer::openWriter() {
    const std::uint64_t id = m_nextId++;
    const auto path = segmentPath(id);
    m_writeFd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_writeFd < 0) {
        return errnoText("disk buffer: cannot create", path);
    }
    if (m_config.syncEveryWrite) {
        const int dir = ::open(m_config.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
    }
    if (m_segments.empty()) {
        m_readPos = 0;
    }
    m_segments.push_back({id, 0, 0, 0});
    m_stats.segments = m_segments.size();
    return {};
}

Expected<void, std::string> DiskBuffer::removeFront() {
    const Segment segment = m_segments.front();
    if (m_readFd >= 0) {
        ::close(m_readFd);
        m_readFd = -1;
    }
    if (m_segments.size() == 1 && m_writeFd >= 0) {
        ::close(m_writeFd);
        m_writeFd = -1;
    }
    m_segments.pop_front();
    m_stats.bytes -= segment.bytes;
    m_stats.pendingRecords -= segment.records;
    m_stats.pendingBatches -= segment.batches;
    m_stats.segments = m_segments.size();
    m_readPos = 0;
    m_frontBytes = 0;
    m_frontRecords = 0;
    m_frontCorrupt = false;
    std::error_code ec;
    std::filesystem::remove(segmentPath(segment.id), ec);
    if (ec) {
        return "disk buffer: cannot delete " + segmentPath(segment.id).string() + ": " + ec.message();
    }
    return {};
}

Expected<StoreResult, std::string> DiskBuffer::append(const ForwardBatch& batch) {
    m_codec.encode(batch, m_frame);
    const std::uint64_t frameBytes = m_frame.size();

    if (frameBytes > m_config.maxBytes) {
        m_stats.refusedRecords += batch.size();
        return StoreResult::Refused;
    }
    while (m_stats.bytes + frameBytes > m_config.maxBytes) {
        if (m_config.fullPolicy == FullPolicy::RefuseNew || m_segments.empty()) {
            m_stats.refusedRecords += batch.size();
            return StoreResult::Refused;
        }
        m_stats.droppedRecords += m_segments.front().records;
        if (auto r = removeFront(); !r) {
            return r.error();
        }
        if (auto r = writeCursor(); !r) {
            return r.error();
        }
    }
    if (m_writeFd >= 0 && m_segments.back().bytes > 0 && m_segments.back().bytes + frameBytes > m_config.segmentBytes) {
        ::close(m_writeFd);  // sealed: the next frame opens a new segment
        m_writeFd = -1;
    }
    if (m_writeFd < 0) {
        if (auto r = openWriter(); !r) {
            return r.error();
        }
    }
    Segment& segment = m_segments.back();
    if (!writeAll(m_writeFd, m_frame.data(), m_frame.size())) {
        const auto message = errnoText("disk buffer: cannot write", segmentPath(segment.id));
        if (::ftruncate(m_writeFd, static_cast<off_t>(segment.bytes)) != 0 ||
            ::lseek(m_writeFd, static_cast<off_t>(segment.bytes), SEEK_SET) < 0) {
            ::close(m_writeFd);  // cannot restore the position: the next append starts a new segment
            m_writeFd = -1;
        }
        return message;
    }
    if (m_config.syncEveryWrite && ::fdatasync(m_writeFd) != 0) {
        return errnoText("disk buffer: cannot sync", segmentPath(segment.id));
    }
    segment.bytes += frameBytes;
    segment.records += batch.size();
    ++segment.batches;
    m_stats.bytes += frameBytes;
    m_stats.pendingRecords += batch.size();
    ++m_stats.pendingBatches;
    m_stats.storedRecords += batch.size();
    m_stats.rawBytes += m_codec.lastRawBytes();
    m_stats.storedBytes += frameBytes;
    return StoreResult::Stored;
}

Expected<bool, std::string> DiskBuffer::front(ForwardBatch& out) {
    if (m_segments.empty()) {
        return false;
    }
    const Segment& segment = m_segments.front();
    const auto path = segmentPath(segment.id);
    if (m_readFd < 0) {
        m_readFd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_readFd < 0) {
            return errnoText("disk buffer: cannot open", path);
        }
    }
    std::byte header[kFrameHeaderV2];
    const std::size_t available = static_cast<std::size_t>(
        std::min<std::uint64_t>(kFrameHeaderV2, segment.bytes - std::min(segment.bytes, m_readPos)));
    FrameHeader parsed;
    if (!preadAll(m_readFd, header, available, m_readPos) ||
        !parseFrameHeader(std::span<const std::byte>(header, available), parsed) ||
        m_readPos + parsed.frameBytes() > segment.bytes) {
        return "disk buffer: bad frame header in " + path.string() + " at " + std::to_string(m_readPos);
    }
    m_frame.resize(parsed.frameBytes());
    std::string error;
    m_frontBytes = parsed.frameBytes();
    m_frontRecords = parsed.records;
    if (!preadAll(m_readFd, m_frame.data(), m_frame.size(), m_readPos)) {
        error = std::strerror(errno);
    } else if (m_codec.decode(m_frame, out, error)) {
        m_frontCorrupt = false;
        return true;
    }
    m_frontCorrupt = true;
    return "disk buffer: corrupt frame in " + path.string() + " at " + std::to_string(m_readPos) + " (" +
           std::to_string(parsed.records) + " records): " + error;
}

bool DiskBuffer::frontEndsSegment() const {
    return !m_segments.empty() && m_segments.front().batches == 1;
}

Expected<void, std::string> DiskBuffer::popFront() {
    if (m_segments.empty()) {
        return {};
    }
    if (m_frontBytes == 0) {
        ForwardBatch scratch;
        if (auto r = front(scratch); !r && !m_frontCorrupt) {
            // Not even the header is readable (the file changed since open()): the rest of this segment
            // cannot be framed, so it is given up (counted) rather than blocking every later segment.
            ++m_stats.corruptFrames;
            m_stats.corruptRecords += m_segments.front().records;
            m_stats.poppedRecords += m_segments.front().records;
            if (auto removed = removeFront(); !removed) {
                return removed.error();
            }
            return writeCursor();
        }
    }
    if (m_frontCorrupt) {
        ++m_stats.corruptFrames;
        m_stats.corruptRecords += m_frontRecords;
        m_frontCorrupt = false;
    }
    Segment& segment = m_segments.front();
    m_readPos += m_frontBytes;
    segment.records -= m_frontRecords;
    --segment.batches;
    m_stats.pendingRecords -= m_frontRecords;
    --m_stats.pendingBatches;
    m_stats.poppedRecords += m_frontRecords;
    m_frontBytes = 0;
    m_frontRecords = 0;
    if (segment.batches == 0) {
        if (auto r = removeFront(); !r) {
            return r.error();
        }
    }
    return writeCursor();
}

}  // namespace cityops::connectors::gateway
