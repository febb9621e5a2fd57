#include "archive/archive_io.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

namespace cityops::engine::archive {

std::int64_t hourStart(std::int64_t eventTimeMs) {
    std::int64_t hour = eventTimeMs / kHourMs;
    if (eventTimeMs % kHourMs < 0) {
        --hour;
    }
    return hour * kHourMs;
}

std::filesystem::path hourDirectory(std::string_view topic, std::int64_t eventTimeMs) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds{hourStart(eventTimeMs)}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const auto hour = duration_cast<hours>(t - day).count();
    char buf[96];
    std::snprintf(buf, sizeof buf, "year=%04d/month=%02u/day=%02u/hour=%02d", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(hour));
    return std::filesystem::path(std::string(topic)) / buf;
}

namespace detail {

std::filesystem::path tempPathOf(const std::filesystem::path& finalPath) {
    return finalPath.parent_path() / ("." + finalPath.filename().string() + std::string(kTempSuffix));
}

bool validTopicName(std::string_view topic) {
    if (topic.empty() || topic.size() > 200 || topic.front() == '.' || topic.front() == '_') {
        return false;
    }
    for (const char c : topic) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string readWholeFile(const std::filesystem::path& path, std::vector<unsigned char>& out) {
    out.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::strerror(errno);
    }
    unsigned char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const std::string error = std::strerror(errno);
            ::close(fd);
            return error;
        }
        if (n == 0) {
            break;
        }
        out.insert(out.end(), buf, buf + n);
    }
    ::close(fd);
    return {};
}

std::uint32_t crc32Of(const unsigned char* data, std::size_t size, std::uint32_t crc) {
    uLong c = crc;
    while (size > 0) {
        const auto chunk = static_cast<uInt>(std::min<std::size_t>(size, std::numeric_limits<uInt>::max()));
        c = ::crc32(c, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return static_cast<std::uint32_t>(c);
}

std::string gunzip(const std::vector<unsigned char>& in, std::string& out, std::size_t maxOut) {
    out.clear();
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK) {
        return "cannot initialise zlib";
    }
    zs.next_in = const_cast<unsigned char*>(in.data());  // zlib's API is not const-correct; it only reads
    zs.avail_in = static_cast<uInt>(in.size());
    std::string problem;
    char buf[1 << 16];
    for (;;) {
        zs.next_out = reinterpret_cast<unsigned char*>(buf);
        zs.avail_out = sizeof buf;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > maxOut) {
            problem = "inflates to more than " + std::to_string(maxOut) + " bytes";
            break;
        }
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) {
                break;
            }
            inflateReset(&zs);  // another gzip member follows
            continue;
        }
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            problem = "gzip stream is truncated";
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            problem = std::string("gzip stream is damaged (") + (zs.msg ? zs.msg : "zlib error") + ")";
            break;
        }
    }
    inflateEnd(&zs);
    return problem;
}

std::string syncDirectory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return std::strerror(errno);
    }
    std::string error;
    if (::fsync(fd) != 0) {
        error = std::strerror(errno);
    }
    ::close(fd);
    return error;
}

log::LogError archiveError(log::LogErrc code, std::string message, const std::filesystem::path& path) {
    log::LogError error;
    error.code = code;
    error.message = std::move(message);
    error.path = path.string();
    return error;
}

}  // namespace detail

}  // namespace cityops::engine::archive

namespace cityops::engine::archive::detail {

log::LogError indexError(const storage::detail::StorageException& e, const std::filesystem::path& root) {
    using storage::StorageErrc;
    const StorageErrc code = e.error().code;
    const log::LogErrc mapped = code == StorageErrc::Corrupt || code == StorageErrc::NewerSchema ? log::LogErrc::Corrupt
                                : code == StorageErrc::InvalidArgument || code == StorageErrc::CantOpen
                                    ? log::LogErrc::InvalidArgument
                                    : log::LogErrc::Io;
    return archiveError(mapped, "archive index: " + e.error().message, root / kIndexFile);
}

}  // namespace cityops::engine::archive::detail
