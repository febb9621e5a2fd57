#include "segment_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "cityops/engine/log/crc32c.h"
#include "record_format.h"

namespace cityops::engine::log::detail {

namespace {

constexpr std::size_t kScanChunk = 1 << 20;
constexpr std::size_t kOffsetDigits = 20;

//! One .idx entry on disk; kind 1 marks the end marker written when the segment is sealed.
struct IndexFileEntry {
    std::uint64_t offset = 0;
    std::uint64_t position = 0;
    std::int64_t timestampMs = 0;
    std::uint32_t kind = 0;
    std::uint32_t crc = 0;
};
static_assert(sizeof(IndexFileEntry) == 32);
constexpr std::size_t kIndexCrcBytes = 28;

IndexFileEntry makeFileEntry(std::uint64_t offset, std::uint64_t position, std::int64_t timestampMs,
                             std::uint32_t kind) {
    IndexFileEntry entry{offset, position, timestampMs, kind, 0};
    entry.crc = crc32c(&entry, kIndexCrcBytes);
    return entry;
}

}  // namespace

void SegmentMeta::noteRecord(std::uint64_t offset, std::uint64_t position, std::int64_t timestampMs,
                             std::uint32_t recordSize, std::uint32_t interval) {
    if (index.empty() || position - lastIndexedPosition >= interval) {
        index.push_back({offset, position, maxTimestampMs});
        lastIndexedPosition = position;
    }
    maxTimestampMs = std::max(maxTimestampMs, timestampMs);
    endOffset = offset + 1;
    size = position + recordSize;
}

std::size_t SegmentMeta::entryFor(std::uint64_t offset) const {
    const auto it = std::upper_bound(index.begin(), index.end(), offset,
                                     [](std::uint64_t value, const IndexEntry& e) { return value < e.offset; });
    return it == index.begin() ? 0 : static_cast<std::size_t>(it - index.begin()) - 1;
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        reset(other.release());
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    reset();
}

int UniqueFd::release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

void UniqueFd::reset(int fd) {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    m_fd = fd;
}

std::filesystem::path segmentPath(const std::filesystem::path& dir, std::uint64_t baseOffset) {
    char name[kOffsetDigits + 8];
    std::snprintf(name, sizeof name, "%020llu.log", static_cast<unsigned long long>(baseOffset));
    return dir / name;
}

std::filesystem::path indexPathOf(const std::filesystem::path& logPath) {
    std::filesystem::path path = logPath;
    return path.replace_extension(".idx");
}

bool parseSegmentName(const std::filesystem::path& path, std::uint64_t& baseOffset) {
    if (path.extension() != ".log") {
        return false;
    }
    const std::string stem = path.stem().string();
    if (stem.size() != kOffsetDigits) {
        return false;
    }
    const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), baseOffset);
    return ec == std::errc() && end == stem.data() + stem.size();
}

LogError ioError(const std::string& what, const std::filesystem::path& path, int err) {
    return {LogErrc::Io, what + " " + path.string() + ": " + std::strerror(err), path.string(), 0, 0};
}

LogError corruptError(const std::string& what, const std::filesystem::path& path, std::uint64_t position,
                      std::uint64_t offset) {
    return {LogErrc::Corrupt,
            what + " in " + path.string() + " at byte " + std::to_string(position) + " (expected offset " +
                std::to_string(offset) + ")",
            path.string(), position, offset};
}

Result<void> writeAll(int fd, const std::byte* data, std::size_t size, std::uint64_t position,
                      const std::filesystem::path& path) {
    while (size > 0) {
        const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(position));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return ioError("write", path, errno);
        }
        data += n;
        size -= static_cast<std::size_t>(n);
        position += static_cast<std::uint64_t>(n);
    }
    return {};
}

Result<std::size_t> readAt(int fd, std::byte* data, std::size_t size, std::uint64_t position,
                           const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, data + done, size - done, static_cast<off_t>(position + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return ioError("read", path, errno);
        }
        if (n == 0) {
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    return done;
}

Result<void> syncFd(int fd, const std::filesystem::path& path) {
    if (::fdatasync(fd) != 0) {
        return ioError("fdatasync", path, errno);
    }
    return {};
}

Result<void> syncDirectory(const std::filesystem::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) {
        return ioError("open directory", dir, errno);
    }
    if (::fsync(fd.get()) != 0) {
        return ioError("fsync directory", dir, errno);
    }
    return {};
}

Result<ScanResult> scanSegment(int fd, const std::filesystem::path& path, std::uint64_t baseOffset,
                               std::uint32_t maxPayloadBytes, std::uint32_t indexInterval) {
    ScanResult result;
    result.meta.path = path;
    result.meta.baseOffset = baseOffset;
    result.meta.endOffset = baseOffset;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return ioError("stat", path, errno);
    }
    result.fileSize = static_cast<std::uint64_t>(st.st_size);

    std::vector<std::byte> buffer(std::max(kScanChunk, kHeaderBytes + maxPayloadBytes));
    std::uint64_t bufferStart = 0;
    std::size_t bufferLength = 0;
    std::uint64_t pos = 0;
    // The bytes from pos that are in the buffer, refilled from pos when fewer than need remain.
    auto window = [&](std::size_t need) -> Result<std::span<const std::byte>> {
        std::uint64_t inBuffer =
            pos >= bufferStart && pos <= bufferStart + bufferLength ? bufferStart + bufferLength - pos : 0;
        if (inBuffer < need && pos + inBuffer < result.fileSize) {
            const auto n =
                readAt(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), result.fileSize - pos), pos, path);
            if (!n) {
                return n.error();
            }
            bufferStart = pos;
            bufferLength = *n;
            inBuffer = bufferLength;
        }
        return std::span<const std::byte>(buffer.data() + (pos - bufferStart), inBuffer);
    };

    while (pos < result.fileSize) {
        auto bytes = window(kHeaderBytes);
        if (!bytes) {
            return bytes.error();
        }
        RecordHeader header;
        Decode decoded = decodeRecord(*bytes, maxPayloadBytes, header);
        if (decoded == Decode::NeedMore && bytes->size() >= kHeaderBytes) {
            bytes = window(header.size);
            if (!bytes) {
                return bytes.error();
            }
            decoded = decodeRecord(*bytes, maxPayloadBytes, header);
        }
        if (decoded != Decode::Ok || header.offset != result.meta.endOffset) {
            result.clean = false;
            break;
        }
        result.meta.noteRecord(header.offset, pos, header.timestampMs, header.size, indexInterval);
        pos += header.size;
    }
    return result;
}

Result<bool> validRecordAfter(int fd, const std::filesystem::path& path, std::uint64_t from, std::uint64_t fileSize,
                              std::uint64_t expectedOffset, std::uint32_t maxPayloadBytes) {
    if (fileSize <= from + 1) {
        return false;
    }
    std::vector<std::byte> tail(fileSize - from - 1);
    const auto n = readAt(fd, tail.data(), tail.size(), from + 1, path);
    if (!n) {
        return n.error();
    }
    tail.resize(*n);
    const std::uint64_t maxOffset = expectedOffset + tail.size() / kHeaderBytes + 1;
    for (std::size_t q = 0; q + kHeaderBytes <= tail.size(); ++q) {
        RecordHeader header;
        std::memcpy(&header, tail.data() + q, kHeaderBytes);
        if (header.offset < expectedOffset || header.offset > maxOffset || header.size > tail.size() - q) {
            continue;
        }
        if (decodeRecord(std::span(tail).subspan(q), maxPayloadBytes, header) == Decode::Ok) {
            return true;
        }
    }
    return false;
}

Result<void> writeIndexFile(const SegmentMeta& meta) {
    std::vector<IndexFileEntry> entries;
    entries.reserve(meta.index.size() + 1);
    for (const IndexEntry& e : meta.index) {
        entries.push_back(makeFileEntry(e.offset, e.position, e.maxTimestampBefore, 0));
    }
    entries.push_back(makeFileEntry(meta.endOffset, meta.size, meta.maxTimestampMs, 1));

    const std::filesystem::path finalPath = indexPathOf(meta.path);
    std::filesystem::path tmpPath = finalPath;
    tmpPath += ".tmp";
    UniqueFd fd(::open(tmpPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
        return ioError("create", tmpPath, errno);
    }
    if (auto r = writeAll(fd.get(), reinterpret_cast<const std::byte*>(entries.data()),
                          entries.size() * sizeof(IndexFileEntry), 0, tmpPath);
        !r) {
        return r;
    }
    if (auto r = syncFd(fd.get(), tmpPath); !r) {
        return r;
    }
    fd.reset();
    if (::rename(tmpPath.c_str(), finalPath.c_str()) != 0) {
        return ioError("rename", tmpPath, errno);
    }
    return {};
}

bool loadIndexFile(SegmentMeta& meta, std::uint64_t fileSize) {
    UniqueFd fd(::open(indexPathOf(meta.path).c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || st.st_size % sizeof(IndexFileEntry) != 0 ||
        st.st_size < static_cast<off_t>(2 * sizeof(IndexFileEntry))) {
        return false;
    }
    std::vector<IndexFileEntry> entries(static_cast<std::size_t>(st.st_size) / sizeof(IndexFileEntry));
    const auto n = readAt(fd.get(), reinterpret_cast<std::byte*>(entries.data()),
                          entries.size() * sizeof(IndexFileEntry), 0, meta.path);
    if (!n || *n != entries.size() * sizeof(IndexFileEntry)) {
        return false;
    }
    const IndexFileEntry& end = entries.back();
    if (end.kind != 1 || end.position != fileSize || entries.front().offset != meta.baseOffset ||
        entries.front().position != 0) {
        return false;
    }
    std::vector<IndexEntry> index;
    index.reserve(entries.size() - 1);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const IndexFileEntry& e = entries[i];
        const bool ordered = i == 0 || (e.offset > entries[i - 1].offset && e.position > entries[i - 1].position);
        if (crc32c(&e, kIndexCrcBytes) != e.crc || !ordered || (e.kind == 1) != (i + 1 == entries.size())) {
            return false;
        }
        if (e.kind == 0) {
            index.push_back({e.offset, e.position, e.timestampMs});
        }
    }
    meta.index = std::move(index);
    meta.endOffset = end.offset;
    meta.size = end.position;
    meta.maxTimestampMs = end.timestampMs;
    meta.lastIndexedPosition = meta.index.back().position;
    return true;
}

}  // namespace cityops::engine::log::detail
