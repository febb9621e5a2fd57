#include "cityops/engine/archive/archive_writer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "archive/archive_index.h"
#include "archive/archive_io.h"
#include "archive/json_line.h"

namespace cityops::engine::archive {

using detail::archiveError;
using log::LogErrc;
using storage::detail::StorageException;

namespace {

constexpr std::size_t kPendingBytes = 64 << 10;  //!< JSON text gathered per file before it is deflated
constexpr std::size_t kOutBytes = 64 << 10;

std::int64_t systemNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string errnoText(const char* what, const std::filesystem::path& path) {
    const int e = errno;
    std::string text = std::string(what) + " '" + path.string() + "': " + std::strerror(e);
    if (e == ENOSPC || e == EDQUOT) {
        text += " (disk full: the file was dropped, nothing published was lost)";
    }
    return text;
}

//! One hour file being written: a hidden temporary with its deflate stream.
struct OpenFile {
    std::string topic;
    std::int64_t hourMs = 0;
    std::filesystem::path finalPath;
    std::filesystem::path tempPath;
    std::string relPath;
    int fd = -1;
    z_stream zs{};
    bool zInit = false;
    std::string pending;
    std::uint32_t crc = 0;
    std::uint64_t compressed = 0;
    std::uint64_t raw = 0;
    std::uint64_t records = 0;
    std::int64_t minTs = 0;
    std::int64_t maxTs = 0;
    std::int64_t openedMs = 0;
    std::uint64_t lastUse = 0;

    OpenFile() = default;
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile() {
        if (zInit) {
            deflateEnd(&zs);
        }
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

}  // namespace

struct ArchiveWriter::Impl {
    ArchiveOptions options;
    detail::ArchiveIndex index;
    int lockFd = -1;
    std::mutex mutex;
    std::vector<std::unique_ptr<OpenFile>> files;
    OpenFile* last = nullptr;
    std::vector<unsigned char> out = std::vector<unsigned char>(kOutBytes);
    std::uint64_t useCounter = 0;
    std::uint64_t nameSeq = 0;
    std::uint64_t closed = 0;

    Impl(ArchiveOptions opts, detail::ArchiveIndex idx) : options(std::move(opts)), index(std::move(idx)) {}
    ~Impl() {
        if (lockFd >= 0) {
            ::close(lockFd);
        }
    }

    std::int64_t now() const { return options.clock ? options.clock() : systemNowMs(); }

    //! Writes the compressed bytes in out[0, n) to the file.
    Result<void> writeOut(OpenFile& f, std::size_t n) {
        std::size_t done = 0;
        while (done < n) {
            const ssize_t w = ::write(f.fd, out.data() + done, n - done);
            if (w < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return archiveError(LogErrc::Io, errnoText("cannot write", f.tempPath), f.tempPath);
            }
            done += static_cast<std::size_t>(w);
        }
        f.crc = detail::crc32Of(out.data(), n, f.crc);
        f.compressed += n;
        return {};
    }

    Result<void> deflateSome(OpenFile& f, int flush) {
        f.zs.next_in = reinterpret_cast<Bytef*>(f.pending.data());
        f.zs.avail_in = static_cast<uInt>(f.pending.size());
        for (;;) {
            f.zs.next_out = out.data();
            f.zs.avail_out = static_cast<uInt>(out.size());
            const int rc = deflate(&f.zs, flush);
            if (rc == Z_STREAM_ERROR) {
                return archiveError(LogErrc::Io, "zlib deflate failed", f.tempPath);
            }
            if (auto w = writeOut(f, out.size() - f.zs.avail_out); !w) {
                return w;
            }
            if (flush == Z_FINISH ? rc == Z_STREAM_END : (f.zs.avail_in == 0 && f.zs.avail_out != 0)) {
                break;
            }
        }
        f.pending.clear();
        return {};
    }

    //! Drops a file that failed: its temporary goes away, nothing of it was published.
    void discard(OpenFile* f) {
        std::error_code ec;
        std::filesystem::remove(f->tempPath, ec);
        if (last == f) {
            last = nullptr;
        }
        std::erase_if(files, [&](const std::unique_ptr<OpenFile>& p) { return p.get() == f; });
    }

    //! Finishes, syncs, indexes and publishes f, then forgets it.
    Result<void> close(OpenFile* f) {
        Result<void> result = deflateSome(*f, Z_FINISH);
        if (result && options.syncOnClose && ::fdatasync(f->fd) != 0) {
            result = archiveError(LogErrc::Io, errnoText("cannot sync", f->tempPath), f->tempPath);
        }
        if (result && ::close(f->fd) != 0) {
            result = archiveError(LogErrc::Io, errnoText("cannot close", f->tempPath), f->tempPath);
        }
        f->fd = -1;
        if (!result) {
            discard(f);
            return result;
        }
        ArchiveFileInfo info{f->relPath, f->topic,     f->hourMs,      f->records, f->minTs,
                             f->maxTs,   f->compressed, f->crc, now()};
        try {
            index.insert(info);  // indexed first: a crash before the rename is completed by open()
        } catch (const StorageException& e) {
            discard(f);
            return detail::indexError(e, options.root);
        }
        if (::rename(f->tempPath.c_str(), f->finalPath.c_str()) != 0) {
            result = archiveError(LogErrc::Io, errnoText("cannot publish", f->finalPath), f->finalPath);
        } else if (options.syncOnClose) {
            if (const auto e = detail::syncDirectory(f->finalPath.parent_path()); !e.empty()) {
                result = archiveError(LogErrc::Io, "cannot sync directory: " + e, f->finalPath.parent_path());
            }
        }
        ++closed;
        if (last == f) {
            last = nullptr;
        }
        std::erase_if(files, [&](const std::unique_ptr<OpenFile>& p) { return p.get() == f; });
        return result;
    }

    Result<OpenFile*> create(std::string_view topic, std::int64_t ts) {
        if (files.size() >= std::max<std::size_t>(1, options.maxOpenFiles)) {
            auto lru = std::min_element(files.begin(), files.end(),
                                        [](const auto& a, const auto& b) { return a->lastUse < b->lastUse; });
            if (auto r = close(lru->get()); !r) {
                return r.error();
            }
        }
        auto f = std::make_unique<OpenFile>();
        f->topic = std::string(topic);
        f->hourMs = hourStart(ts);
        const auto relDir = hourDirectory(topic, ts);
        const auto dir = options.root / relDir;
        std::error_code ec;
        if (std::filesystem::create_directories(dir, ec) && options.syncOnClose) {
            for (auto d = dir.parent_path(); d != options.root.parent_path() && !d.empty(); d = d.parent_path()) {
                detail::syncDirectory(d);  // make the new folders' entries durable
                if (d == options.root) {
                    break;
                }
            }
        }
        if (ec) {
            return archiveError(LogErrc::Io, "cannot create '" + dir.string() + "': " + ec.message(), dir);
        }
        f->openedMs = now();
        for (;;) {
            char name[64];
            std::snprintf(name, sizeof name, "part-%013lld-%06llu%s", static_cast<long long>(f->openedMs),
                          static_cast<unsigned long long>(nameSeq++), std::string(detail::kFileSuffix).c_str());
            f->finalPath = dir / name;
            f->tempPath = detail::tempPathOf(f->finalPath);
            if (!std::filesystem::exists(f->finalPath, ec)) {
                f->fd = ::open(f->tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                if (f->fd >= 0 || errno != EEXIST) {
                    break;
                }
            }
        }
        if (f->fd < 0) {
            return archiveError(LogErrc::Io, errnoText("cannot create", f->tempPath), f->tempPath);
        }
        f->relPath = (relDir / f->finalPath.filename()).string();
        if (deflateInit2(&f->zs, std::clamp(options.compressionLevel, 1, 9), Z_DEFLATED, 15 + 16, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            ::close(f->fd);
            f->fd = -1;
            std::filesystem::remove(f->tempPath, ec);
            return archiveError(LogErrc::Io, "cannot initialise zlib", f->tempPath);
        }
        f->zInit = true;
        f->pending.reserve(kPendingBytes + 4096);
        files.push_back(std::move(f));
        return files.back().get();
    }

    //! The open file for (topic, hour of ts): the last one used, else a scan of the few open ones.
    Result<OpenFile*> fileFor(std::string_view topic, std::int64_t ts) {
        const std::int64_t hour = hourStart(ts);
        if (last && last->hourMs == hour && last->topic == topic) {
            return last;
        }
        for (const auto& f : files) {
            if (f->hourMs == hour && f->topic == topic) {
                return f.get();
            }
        }
        return create(topic, ts);
    }

    Result<void> append(std::span<const log::SourceRecord> records) {
        for (const auto& r : records) {
            if (!detail::validTopicName(r.topic)) {
                return archiveError(LogErrc::InvalidArgument,
                                    "topic '" + std::string(r.topic) +
                                        "' cannot be an archive folder (1-200 of A-Z a-z 0-9 . _ -, not starting "
                                        "with . or _); nothing of the batch was written");
            }
        }
        for (const auto& r : records) {
            auto found = fileFor(r.topic, r.record.timestampMs);
            if (!found) {
                return found.error();
            }
            OpenFile* f = *found;
            if (f->raw >= options.maxFileBytes && f->records > 0) {
                if (auto c = close(f); !c) {
                    return c;
                }
                found = create(r.topic, r.record.timestampMs);
                if (!found) {
                    return found.error();
                }
                f = *found;
            }
            const std::size_t before = f->pending.size();
            detail::appendLine(f->pending, r.topic, r.partition, r.record);
            f->raw += f->pending.size() - before;
            f->minTs = f->records == 0 ? r.record.timestampMs : std::min(f->minTs, r.record.timestampMs);
            f->maxTs = f->records == 0 ? r.record.timestampMs : std::max(f->maxTs, r.record.timestampMs);
            ++f->records;
            f->lastUse = ++useCounter;
            last = f;
            if (f->pending.size() >= kPendingBytes) {
                if (auto d = deflateSome(*f, Z_NO_FLUSH); !d) {
                    discard(f);
                    return d;
                }
            }
        }
        return rollDue();
    }

    Result<void> rollDue() {
        const std::int64_t t = now();
        Result<void> result;
        for (std::size_t i = files.size(); i-- > 0;) {
            if (t - files[i]->openedMs >= options.maxFileAge.count()) {
                if (auto c = close(files[i].get()); !c && result) {
                    result = c;
                }
            }
        }
        return result;
    }

    Result<void> closeAll() {
        Result<void> result;
        while (!files.empty()) {
            if (auto c = close(files.back().get()); !c && result) {
                result = c;
            }
        }
        return result;
    }

    //! Completes indexed files whose rename a crash interrupted; deletes unindexed temporaries.
    void recover(ArchiveOpenReport& report) {
        std::error_code ec;
        std::vector<std::filesystem::path> temps;
        for (auto it = std::filesystem::recursive_directory_iterator(options.root, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            const auto name = it->path().filename().string();
            if (it->is_regular_file(ec) && name.size() > 5 && name.front() == '.' &&
                name.ends_with(std::string(detail::kFileSuffix) + std::string(detail::kTempSuffix))) {
                temps.push_back(it->path());
            }
        }
        for (const auto& temp : temps) {
            const auto name = temp.filename().string();
            const auto finalPath =
                temp.parent_path() / name.substr(1, name.size() - 1 - detail::kTempSuffix.size());
            const auto rel = std::filesystem::relative(finalPath, options.root, ec).string();
            if (index.contains(rel) && !std::filesystem::exists(finalPath, ec) &&
                ::rename(temp.c_str(), finalPath.c_str()) == 0) {
                ++report.completedRenames;
                detail::syncDirectory(finalPath.parent_path());
            } else if (std::filesystem::remove(temp, ec)) {
                ++report.removedTempFiles;
            }
        }
    }
};

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::open(ArchiveOptions options, ArchiveOpenReport* report) {
    std::error_code ec;
    std::filesystem::create_directories(options.root, ec);
    if (ec) {
        return archiveError(LogErrc::Io, "cannot create the archive folder '" + options.root.string() + "': " +
                                             ec.message(),
                            options.root);
    }
    const auto lockPath = options.root / detail::kLockFile;
    const int lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lockFd < 0) {
        return archiveError(LogErrc::Io, errnoText("cannot open", lockPath), lockPath);
    }
    if (::flock(lockFd, LOCK_EX | LOCK_NB) != 0) {
        ::close(lockFd);
        return archiveError(LogErrc::Io,
                            "the archive '" + options.root.string() + "' is already open for writing by another writer",
                            lockPath);
    }
    const auto root = options.root;
    try {
        auto index = detail::ArchiveIndex::openWriter(root);
        auto impl = std::make_unique<Impl>(std::move(options), std::move(index));
        ArchiveOpenReport local;
        impl->recover(report ? *report : local);
        impl->lockFd = lockFd;  // owned by impl from here on
        return std::unique_ptr<ArchiveWriter>(new ArchiveWriter(std::move(impl)));
    } catch (const StorageException& e) {
        ::close(lockFd);
        return detail::indexError(e, root);
    }
}

ArchiveWriter::ArchiveWriter(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

ArchiveWriter::~ArchiveWriter() {
    std::lock_guard lock(m_impl->mutex);
    [[maybe_unused]] auto ignored = m_impl->closeAll();
}

Result<void> ArchiveWriter::append(std::span<const log::SourceRecord> records) {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->append(records);
}

Result<void> ArchiveWriter::flush() {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->closeAll();
}

Result<void> ArchiveWriter::rollDue() {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->rollDue();
}

Result<ColdRetentionReport> ArchiveWriter::enforceRetention(const std::vector<storage::TopicRetention>& policy,
                                                            std::int64_t nowMs) {
    std::lock_guard lock(m_impl->mutex);
    ColdRetentionReport report;
    for (const auto& entry : policy) {
        ColdRetentionCount count;
        count.topic = entry.topic;
        count.cutoffMs = nowMs - entry.retentionMs;
        // Open files of expired hours are published first, so the pass below removes them too.
        for (std::size_t i = m_impl->files.size(); i-- > 0;) {
            const OpenFile& f = *m_impl->files[i];
            if (f.topic == entry.topic && f.hourMs + kHourMs <= count.cutoffMs) {
                if (auto c = m_impl->close(m_impl->files[i].get()); !c) {
                    return c.error();
                }
            }
        }
        std::vector<ArchiveFileInfo> expired;
        try {
            expired = m_impl->index.expired(entry.topic, count.cutoffMs);
        } catch (const StorageException& e) {
            return detail::indexError(e, m_impl->options.root);
        }
        std::vector<std::string> removed;
        std::vector<std::filesystem::path> dirs;
        for (const auto& file : expired) {
            const auto path = m_impl->options.root / file.path;
            std::error_code ec;
            std::filesystem::remove(path, ec);  // a file already gone (earlier interrupted pass) is fine
            if (ec) {
                return archiveError(LogErrc::Io, "cannot delete '" + path.string() + "': " + ec.message(), path);
            }
            removed.push_back(file.path);
            dirs.push_back(path.parent_path());
            ++count.files;
            count.records += file.records;
            count.bytes += file.bytes;
        }
        try {
            m_impl->index.remove(removed);
        } catch (const StorageException& e) {
            return detail::indexError(e, m_impl->options.root);
        }
        // Empty hour, day, month and year folders go too (never the topic folder or the root).
        const auto topicDir = m_impl->options.root / entry.topic;
        std::sort(dirs.begin(), dirs.end());
        dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
        for (auto dir : dirs) {
            std::error_code ec;
            while (dir != topicDir && dir.string().size() > topicDir.string().size() &&
                   std::filesystem::is_empty(dir, ec) && !ec) {
                std::filesystem::remove(dir, ec);
                dir = dir.parent_path();
            }
        }
        report.topics.push_back(std::move(count));
    }
    return report;
}

const std::filesystem::path& ArchiveWriter::root() const {
    return m_impl->options.root;
}

std::uint64_t ArchiveWriter::filesClosed() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->closed;
}

}  // namespace cityops::engine::archive
