#include "cityops/engine/archive/archive_reader.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_set>

#include "archive/archive_index.h"
#include "archive/archive_io.h"
#include "archive/json_line.h"

namespace cityops::engine::archive {

using detail::archiveError;
using log::LogErrc;
using storage::detail::StorageException;

namespace {

constexpr std::size_t kMaxInflatedBytes = std::size_t{1} << 30;
constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();

//! Reads a file and checks it against its index row; "" or the problem (with its kind).
std::string loadChecked(const std::filesystem::path& root, const ArchiveFileInfo& file,
                        std::vector<unsigned char>& bytes, ProblemKind& kind) {
    const auto path = root / file.path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        kind = ProblemKind::Missing;
        return "indexed file is missing";
    }
    if (auto e = detail::readWholeFile(path, bytes); !e.empty()) {
        kind = ProblemKind::Missing;
        return "cannot read: " + e;
    }
    if (bytes.size() != file.bytes) {
        kind = ProblemKind::SizeMismatch;
        return "size " + std::to_string(bytes.size()) + " bytes, the index says " + std::to_string(file.bytes);
    }
    if (const auto crc = detail::crc32Of(bytes.data(), bytes.size()); crc != file.crc32) {
        kind = ProblemKind::CrcMismatch;
        return "CRC-32 " + std::to_string(crc) + ", the index says " + std::to_string(file.crc32);
    }
    return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------------

struct ArchiveReader::Impl {
    std::filesystem::path root;
    detail::ArchiveIndex index;
    std::vector<unsigned char> bytes;
    std::string text;
    detail::DecodedLine line;
};

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::open(const std::filesystem::path& root) {
    try {
        return std::unique_ptr<ArchiveReader>(
            new ArchiveReader(std::make_unique<Impl>(Impl{root, detail::ArchiveIndex::openReader(root), {}, {}, {}})));
    } catch (const StorageException& e) {
        return detail::indexError(e, root);
    }
}

ArchiveReader::ArchiveReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ArchiveReader::~ArchiveReader() = default;

Result<std::vector<ArchiveFileInfo>> ArchiveReader::files(const std::string& topic, std::int64_t fromMs,
                                                          std::int64_t toMs) {
    try {
        return m_impl->index.list(topic, fromMs, toMs);
    } catch (const StorageException& e) {
        return detail::indexError(e, m_impl->root);
    }
}

Result<std::vector<ArchiveTopicStats>> ArchiveReader::stats() {
    try {
        return m_impl->index.stats();
    } catch (const StorageException& e) {
        return detail::indexError(e, m_impl->root);
    }
}

Result<VerifyReport> ArchiveReader::verify(const std::string& topic) {
    std::vector<ArchiveFileInfo> files;
    try {
        files = m_impl->index.list(topic, kMinTime, kMaxTime);
    } catch (const StorageException& e) {
        return detail::indexError(e, m_impl->root);
    }
    VerifyReport report;
    std::unordered_set<std::string> known;
    std::string error;
    for (const auto& file : files) {
        known.insert(file.path);
        ++report.filesChecked;
        ProblemKind kind = ProblemKind::BadContent;
        if (auto problem = loadChecked(m_impl->root, file, m_impl->bytes, kind); !problem.empty()) {
            report.problems.push_back(ArchiveProblem{kind, file.path, std::move(problem)});
            continue;
        }
        if (auto problem = detail::gunzip(m_impl->bytes, m_impl->text, kMaxInflatedBytes); !problem.empty()) {
            report.problems.push_back(ArchiveProblem{ProblemKind::BadContent, file.path, problem});
            continue;
        }
        std::uint64_t records = 0;
        std::int64_t minTs = kMaxTime;
        std::int64_t maxTs = kMinTime;
        std::string bad;
        std::string_view rest(m_impl->text);
        while (!rest.empty() && bad.empty()) {
            const auto end = rest.find('\n');
            const auto text = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
            if (!detail::decodeLine(text, m_impl->line, error)) {
                bad = "line " + std::to_string(records + 1) + ": " + error;
            } else if (m_impl->line.topic != file.topic || hourStart(m_impl->line.timestampMs) != file.hourMs) {
                bad = "line " + std::to_string(records + 1) + " belongs to another topic or hour";
            }
            ++records;
            minTs = std::min(minTs, m_impl->line.timestampMs);
            maxTs = std::max(maxTs, m_impl->line.timestampMs);
        }
        if (bad.empty() && (records != file.records || minTs != file.minEventMs || maxTs != file.maxEventMs)) {
            bad = std::to_string(records) + " records in [" + std::to_string(minTs) + ", " + std::to_string(maxTs) +
                  "], the index says " + std::to_string(file.records) + " in [" + std::to_string(file.minEventMs) +
                  ", " + std::to_string(file.maxEventMs) + "]";
        }
        report.recordsChecked += records;
        if (!bad.empty()) {
            report.problems.push_back(ArchiveProblem{ProblemKind::BadContent, file.path, std::move(bad)});
        }
    }
    // Published-looking files the index does not know: replay cannot see them, so say so.
    std::error_code ec;
    const auto scanRoot = topic.empty() ? m_impl->root : m_impl->root / topic;
    for (auto it = std::filesystem::recursive_directory_iterator(scanRoot, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!it->is_regular_file(ec) || name.front() == '.' || !name.ends_with(detail::kFileSuffix)) {
            continue;
        }
        const auto rel = std::filesystem::relative(it->path(), m_impl->root, ec).string();
        if (known.count(rel) == 0) {
            report.problems.push_back(
                ArchiveProblem{ProblemKind::Unindexed, rel, "archive file is not in the index (replay skips it)"});
        }
    }
    return report;
}

// ---------------------------------------------------------------------------------------------------------------------

struct ArchiveEventSource::Impl {
    struct Position {
        std::string_view topic;  //!< points into names
        int partition = 0;
        std::uint64_t next = 0;
    };

    std::filesystem::path root;
    detail::ArchiveIndex index;
    std::vector<std::string> topics;
    std::int64_t fromMs = 0;
    std::int64_t toMs = 0;
    std::vector<ArchiveFileInfo> files;
    std::size_t nextFile = 0;
    std::string text;  //!< the current file, inflated
    std::size_t pos = 0;
    std::size_t lineNumber = 0;
    std::vector<unsigned char> bytes;
    std::vector<std::byte> payloads;
    std::deque<std::string> names;  //!< interned topic names: SourceRecord::topic views stay valid
    std::vector<Position> positions;
    std::vector<Position> skipBelow;
    detail::DecodedLine line;
    std::string error;
    std::uint64_t filesRead = 0;

    Impl(std::filesystem::path r, detail::ArchiveIndex idx) : root(std::move(r)), index(std::move(idx)) {}

    std::string_view intern(std::string_view topic) {
        for (const auto& n : names) {
            if (n == topic) {
                return n;
            }
        }
        names.emplace_back(topic);
        return names.back();
    }

    static Position* find(std::vector<Position>& list, std::string_view topic, int partition) {
        for (auto& p : list) {
            if (p.partition == partition && p.topic == topic) {
                return &p;
            }
        }
        return nullptr;
    }

    void restart() {
        nextFile = 0;
        text.clear();
        pos = 0;
        lineNumber = 0;
    }

    Result<void> listFiles() {
        try {
            files.clear();
            if (topics.empty()) {
                files = index.list({}, fromMs, toMs);
            } else {
                for (const auto& t : topics) {
                    auto some = index.list(t, fromMs, toMs);
                    files.insert(files.end(), some.begin(), some.end());
                }
                std::sort(files.begin(), files.end(), [](const ArchiveFileInfo& a, const ArchiveFileInfo& b) {
                    return std::tie(a.hourMs, a.topic, a.createdMs, a.path) <
                           std::tie(b.hourMs, b.topic, b.createdMs, b.path);
                });
            }
        } catch (const StorageException& e) {
            return detail::indexError(e, root);
        }
        restart();
        return {};
    }

    //! Loads the next file after checking its size and CRC against the index; never skips a bad one.
    Result<bool> loadNext() {
        if (nextFile >= files.size()) {
            return false;
        }
        const ArchiveFileInfo& file = files[nextFile];
        ProblemKind kind = ProblemKind::BadContent;
        if (auto problem = loadChecked(root, file, bytes, kind); !problem.empty()) {
            return archiveError(LogErrc::Corrupt, "archive file '" + file.path + "': " + problem, root / file.path);
        }
        if (auto problem = detail::gunzip(bytes, text, kMaxInflatedBytes); !problem.empty()) {
            return archiveError(LogErrc::Corrupt, "archive file '" + file.path + "': " + problem, root / file.path);
        }
        pos = 0;
        lineNumber = 0;
        ++nextFile;
        ++filesRead;
        return true;
    }

    Result<std::size_t> poll(std::span<log::SourceRecord> out) {
        std::size_t count = 0;
        std::size_t used = 0;
        while (count < out.size()) {
            if (pos >= text.size()) {
                auto loaded = loadNext();
                if (!loaded) {
                    if (count > 0) {
                        break;  // deliver what this poll holds; the next poll reports the bad file
                    }
                    return loaded.error();
                }
                if (!*loaded) {
                    break;
                }
                continue;
            }
            const std::size_t start = pos;
            std::size_t end = text.find('\n', pos);
            if (end == std::string::npos) {
                end = text.size();
            }
            if (!detail::decodeLine(std::string_view(text).substr(start, end - start), line, error)) {
                if (count > 0) {
                    break;  // pos still points at the bad line: the next poll reports it
                }
                const auto& file = files[nextFile - 1];
                return archiveError(LogErrc::Corrupt,
                                    "archive file '" + file.path + "' line " + std::to_string(lineNumber + 1) + ": " +
                                        error,
                                    root / file.path);
            }
            if (line.timestampMs < fromMs || line.timestampMs >= toMs) {
                pos = end + 1;
                ++lineNumber;
                continue;
            }
            const std::string_view topic = intern(line.topic);
            if (const Position* skip = find(skipBelow, topic, line.partition); skip && line.offset < skip->next) {
                pos = end + 1;
                ++lineNumber;
                continue;
            }
            if (used + line.payload.size() > payloads.size()) {
                if (count > 0) {
                    break;  // the rest goes to the next poll; views handed out so far stay valid
                }
                payloads.resize(line.payload.size());
            }
            pos = end + 1;
            ++lineNumber;
            std::memcpy(payloads.data() + used, line.payload.data(), line.payload.size());
            log::RecordView view;
            view.offset = line.offset;
            view.timestampMs = line.timestampMs;
            view.key = line.key;
            view.flags = line.flags;
            view.payload = std::span<const std::byte>(payloads.data() + used, line.payload.size());
            used += line.payload.size();
            out[count++] = log::SourceRecord{topic, line.partition, view};
            if (Position* p = find(positions, topic, line.partition)) {
                p->next = std::max(p->next, line.offset + 1);
            } else {
                positions.push_back(Position{topic, line.partition, line.offset + 1});
            }
        }
        return count;
    }
};

Result<std::unique_ptr<ArchiveEventSource>> ArchiveEventSource::create(const std::filesystem::path& root,
                                                                       std::vector<std::string> topics,
                                                                       std::int64_t fromMs, std::int64_t toMs,
                                                                       std::size_t bufferBytes) {
    if (toMs <= fromMs) {
        return archiveError(LogErrc::InvalidArgument, "archive replay needs fromMs < toMs");
    }
    try {
        auto impl = std::make_unique<Impl>(root, detail::ArchiveIndex::openReader(root));
        impl->topics = std::move(topics);
        impl->fromMs = fromMs;
        impl->toMs = toMs;
        impl->payloads.resize(std::max<std::size_t>(bufferBytes, 4096));
        if (auto listed = impl->listFiles(); !listed) {
            return listed.error();
        }
        return std::unique_ptr<ArchiveEventSource>(new ArchiveEventSource(std::move(impl)));
    } catch (const StorageException& e) {
        return detail::indexError(e, root);
    }
}

ArchiveEventSource::ArchiveEventSource(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ArchiveEventSource::~ArchiveEventSource() = default;

Result<std::size_t> ArchiveEventSource::poll(std::span<log::SourceRecord> out, std::chrono::milliseconds) {
    return m_impl->poll(out);
}

std::vector<log::PartitionOffset> ArchiveEventSource::positions() const {
    std::vector<log::PartitionOffset> out;
    for (const auto& p : m_impl->positions) {
        out.push_back(log::PartitionOffset{std::string(p.topic), p.partition, p.next});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.topic, a.partition) < std::tie(b.topic, b.partition);
    });
    return out;
}

Result<void> ArchiveEventSource::seek(std::span<const log::PartitionOffset> positions) {
    for (const auto& p : positions) {
        const std::string_view topic = m_impl->intern(p.topic);
        for (auto* list : {&m_impl->skipBelow, &m_impl->positions}) {
            if (Impl::Position* found = Impl::find(*list, topic, p.partition)) {
                found->next = p.offset;
            } else {
                list->push_back(Impl::Position{topic, p.partition, p.offset});
            }
        }
    }
    m_impl->restart();
    return {};
}

Result<void> ArchiveEventSource::seekToTimestamp(std::int64_t timestampMs) {
    if (timestampMs >= m_impl->toMs) {
        return archiveError(LogErrc::InvalidArgument, "seekToTimestamp beyond the end of the replay range");
    }
    m_impl->fromMs = timestampMs;
    m_impl->skipBelow.clear();
    m_impl->positions.clear();
    return m_impl->listFiles();
}

bool ArchiveEventSource::exhausted() const {
    return m_impl->nextFile >= m_impl->files.size() && m_impl->pos >= m_impl->text.size();
}

std::uint64_t ArchiveEventSource::filesRead() const {
    return m_impl->filesRead;
}

}  // namespace cityops::engine::archive
