#include "cityops/engine/batch/csv_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "csv_columns.h"
#include "csv_tokenizer.h"
#include "parallel.h"

namespace cityops::engine::batch {

namespace {

using detail::CellReject;
using detail::ColumnPlan;
using detail::CsvTokenizer;
using detail::RecordBatch;
using detail::RowSource;
using detail::ScanPosition;

constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);
constexpr std::size_t kSniffRecords = 20;
//! Rows whose values type an undeclared column before every value proves it (see planColumns).
constexpr std::size_t kSampleRows = 4096;
//! Rows per conversion task of a non-string column (a multiple of 64: tasks own whole validity words).
constexpr std::size_t kConvertBlockRows = std::size_t{1} << 16;

//! One rejects-table entry before sorting; seq orders entries by position in the input.
struct RejectEntry {
    std::size_t seq = 0;
    std::int64_t line = 0;
    std::int64_t offset = 0;
    std::size_t column = kNoColumn;
    std::string reason;
    std::string value;
};

char detectDelimiter(std::string_view text, ScanPosition start, std::size_t maxFieldBytes) {
    char best = ',';
    std::size_t bestScore = 0;
    for (const char candidate : {',', ';', '\t', '|'}) {
        RecordBatch batch;
        CsvTokenizer(text, candidate, maxFieldBytes).parse(start, text.size(), batch, kSniffRecords);
        if (batch.records.empty() || batch.records.front().fieldCount <= 1) continue;
        const std::uint32_t width = batch.records.front().fieldCount;
        const auto consistent = static_cast<std::size_t>(std::count_if(
            batch.records.begin(), batch.records.end(), [width](const auto& r) { return r.fieldCount == width; }));
        const std::size_t score = consistent * 1000 + width;
        if (score > bestScore) {
            bestScore = score;
            best = candidate;
        }
    }
    return best;
}

bool looksEmpty(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; });
}

std::vector<std::string> columnNames(const RowSource* header, std::size_t width, const CsvOptions& options) {
    std::vector<std::string> names;
    std::set<std::string> used;
    for (std::size_t c = 0; c < width; ++c) {
        std::string name;
        if (c < options.schema.size()) name = options.schema[c].first;
        std::string_view text;
        if (name.empty() && header != nullptr && detail::fieldAt(*header, c, text)) name = std::string(text);
        if (name.empty()) name = "column_" + std::to_string(c + 1);
        std::string unique = name;
        for (int k = 2; used.count(unique) != 0; ++k) unique = name + "_" + std::to_string(k);
        used.insert(unique);
        names.push_back(unique);
    }
    return names;
}

//! Header when a typed column's first value does not fit the type the rest of the data has, or (all
//! columns text) when the first row is non-empty, distinct names.
bool detectHeader(const std::vector<RowSource>& all, std::size_t width, const std::vector<ColumnPlan>& restPlans,
                  const CsvOptions& options) {
    const RowSource& first = all.front();
    std::string_view text;
    bool anyTyped = false;
    for (std::size_t c = 0; c < width; ++c) {
        if (restPlans[c].type == DataType::String) continue;
        anyTyped = true;
        if (detail::fieldAt(first, c, text) && !detail::isNullToken(text, options.nullTokens) &&
            !detail::fitsPlan(text, restPlans[c])) {
            return true;
        }
    }
    if (anyTyped) return false;
    std::set<std::string_view> seen;
    for (std::size_t c = 0; c < width; ++c) {
        if (!detail::fieldAt(first, c, text) || text.empty() || !seen.insert(text).second) return false;
        if (c < options.schema.size() && options.schema[c].first != text) return false;
    }
    return true;
}

//! Plans of the columns over rows[begin..]. With `inferred`, undeclared columns are typed from a sample
//! of rows where that is not conclusive, flagged there, and must be proven by converting every value.
std::vector<ColumnPlan> planColumns(const std::vector<RowSource>& rows, std::size_t begin, std::size_t width,
                                    const CsvOptions& options, unsigned threads, std::vector<bool>* inferred) {
    std::vector<ColumnPlan> plans(width);
    std::vector<char> flags(width, 0);  // per column, written by its own task (vector<bool> shares bytes)
    detail::parallelFor(width, threads, [&](std::size_t c) {
        if (c < options.schema.size()) {
            plans[c].type = options.schema[c].second;
            plans[c].boolDigits = true;
            if (plans[c].type == DataType::Date)
                plans[c].dateFormat = detail::detectDateFormat(rows, c, options.nullTokens);
        } else if (inferred != nullptr) {
            bool conclusive = true;
            plans[c] = detail::inferColumnFromSample(rows, begin, c, options.nullTokens, kSampleRows, conclusive);
            flags[c] = conclusive ? 0 : 1;
        } else {
            plans[c] = detail::inferColumn(rows, begin, c, options.nullTokens);
        }
    });
    if (inferred != nullptr) {
        for (std::size_t c = 0; c < width; ++c) (*inferred)[c] = flags[c] != 0;
    }
    return plans;
}

//! The name of column c; a field past the header's width (a long row with a bad field) is named by
//! its position like an unnamed column.
std::string columnLabel(const std::vector<std::string>& names, std::size_t c) {
    return c < names.size() ? names[c] : "column_" + std::to_string(c + 1);
}

Table buildRejects(const std::vector<RejectEntry>& entries, const std::vector<std::string>& names) {
    Column line(DataType::Int64);
    Column offset(DataType::Int64);
    Column column(DataType::String);
    Column reason(DataType::String);
    Column value(DataType::String);
    for (const RejectEntry& e : entries) {
        line.appendInt(e.line);
        offset.appendInt(e.offset);
        if (e.column == kNoColumn)
            column.appendNull();
        else
            column.appendString(columnLabel(names, e.column));
        reason.appendString(e.reason);
        value.appendString(e.value);
    }
    Table rejects;
    rejects.setColumn("line", std::move(line));
    rejects.setColumn("byte_offset", std::move(offset));
    rejects.setColumn("column", std::move(column));
    rejects.setColumn("reason", std::move(reason));
    rejects.setColumn("value", std::move(value));
    return rejects;
}

//! Maps the phases of a load onto [base, base + span] of CsvOptions::progress and remembers a cancel.
class LoadProgress {
public:
    LoadProgress(const std::function<bool(double)>& fn, double base, double span)
        : m_fn(fn), m_base(base), m_span(span) {}

    bool enabled() const { return static_cast<bool>(m_fn); }
    //! Reports fraction f of this phase range; false once the callback asked to stop.
    bool report(double f) {
        if (m_cancelled.load(std::memory_order_relaxed)) return false;
        if (m_fn && !m_fn(m_base + m_span * std::clamp(f, 0.0, 1.0))) m_cancelled.store(true);
        return !m_cancelled.load(std::memory_order_relaxed);
    }
    bool cancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    const std::function<bool(double)>& m_fn;
    double m_base;
    double m_span;
    std::atomic<bool> m_cancelled{false};
};

Result<CsvLoad> readCsvWithProgress(std::string_view text, const CsvOptions& options, LoadProgress& progress);
//! Header decision, column plans, conversion and rejects for the records found; empty when sampled and
//! the sampled plans were disproved (then call again with sampled false).
std::optional<Result<CsvLoad>> assembleLoad(const std::vector<RowSource>& all, std::size_t width, char delimiter,
                                            const CsvOptions& options, unsigned threads, LoadProgress& progress,
                                            bool sampled);

std::string describe(const RejectEntry& e, const std::vector<std::string>& names) {
    std::string text = "line " + std::to_string(e.line) + " (byte " + std::to_string(e.offset) + ")";
    if (e.column != kNoColumn) text += ", column '" + columnLabel(names, e.column) + "'";
    text += ": " + e.reason;
    if (!e.value.empty()) text += " ('" + e.value + "')";
    return text;
}

}  // namespace

Result<CsvLoad> readCsvText(std::string_view text, const CsvOptions& options) {
    LoadProgress progress(options.progress, 0.0, 1.0);
    return readCsvWithProgress(text, options, progress);
}

namespace {

Result<CsvLoad> readCsvWithProgress(std::string_view text, const CsvOptions& options, LoadProgress& progress) {
    const auto cancelled = [] { return Result<CsvLoad>::failure(kCsvCancelled); };
    if (!progress.report(0.0)) return cancelled();
    ScanPosition start;
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") start.offset = 3;
    if (looksEmpty(text.substr(start.offset))) return Result<CsvLoad>::failure("empty file: no header and no data");
    const unsigned threads = options.threads != 0 ? options.threads : detail::defaultThreads();

    CsvLoad load;
    load.delimiter = options.delimiter.value_or(detectDelimiter(text, start, options.maxFieldBytes));
    const CsvTokenizer tokenizer(text, load.delimiter, options.maxFieldBytes);
    const bool parallel = text.size() - start.offset >= options.parallelThresholdBytes;
    // With a progress callback the text is cut finer, so that progress and a cancel come per chunk.
    // Chunks stay under 1 GiB: field offsets within a chunk are 31-bit (detail::FieldRef).
    const std::size_t parts = std::max<std::size_t>((text.size() >> 30) + 1, !parallel         ? 1
                                                                             : progress.enabled() ? std::size_t{threads} * 16
                                                                                                  : threads);
    std::vector<ScanPosition> points = tokenizer.splitPoints(start, parts);
    if (!progress.report(0.1)) return cancelled();
    std::vector<RecordBatch> batches;
    for (bool exact = points.size() == 1;; exact = true) {
        batches.assign(points.size(), RecordBatch{});
        std::vector<ScanPosition> ends(points.size());
        std::atomic<std::size_t> parsed{0};
        detail::parallelFor(points.size(), threads, [&](std::size_t k) {
            if (progress.cancelled()) return;
            ends[k] =
                tokenizer.parse(points[k], k + 1 < points.size() ? points[k + 1].offset : text.size(), batches[k]);
            progress.report(0.1 +
                            0.4 * static_cast<double>(parsed.fetch_add(1) + 1) / static_cast<double>(points.size()));
        });
        if (progress.cancelled()) return cancelled();
        // The guessed split points hold when every chunk ended exactly where the next one began.
        bool consistent = true;
        for (std::size_t k = 0; k + 1 < points.size(); ++k) {
            consistent = consistent && ends[k].offset == points[k + 1].offset && ends[k].line == points[k + 1].line;
        }
        if (consistent || exact) break;
        points = tokenizer.exactSplitPoints(start, parts);
    }

    std::vector<RowSource> all;
    for (const RecordBatch& batch : batches) {
        for (const detail::RawRecord& record : batch.records) all.push_back(RowSource{&record, &batch});
    }
    const std::size_t width = options.schema.empty() ? all.front().record->fieldCount : options.schema.size();
    const char delimiter = load.delimiter;
    // First with column types inferred from a sample of rows and proven on the way: every value of an
    // inferred column converts, and the header decision and data rows are those the exact types give.
    // Otherwise (rare: a type change deep in the file, a short or broken record) again with types
    // inferred over every row. Both give the same load whenever the first succeeds.
    for (const bool sampled : {true, false}) {
        std::optional<Result<CsvLoad>> done = assembleLoad(all, width, delimiter, options, threads, progress, sampled);
        if (done) return std::move(*done);
    }
    return Result<CsvLoad>::failure("internal error: CSV load did not finish");
}

std::optional<Result<CsvLoad>> assembleLoad(const std::vector<RowSource>& all, std::size_t width, char delimiter,
                                            const CsvOptions& options, unsigned threads, LoadProgress& progress,
                                            bool sampled) {
    const auto cancelled = [] { return Result<CsvLoad>::failure(kCsvCancelled); };
    CsvLoad load;
    load.delimiter = delimiter;
    std::vector<ColumnPlan> restPlans;  // plans of records 2..n, when header detection computed them
    std::vector<bool> inferred(width, false);  // plan from a sample, to be proven by the conversion
    if (options.hasHeader) {
        load.hasHeader = *options.hasHeader;
    } else {
        restPlans = planColumns(all, 1, width, options, threads, sampled ? &inferred : nullptr);
        load.hasHeader = all.size() == 1 || detectHeader(all, width, restPlans, options);
    }
    const std::size_t firstData = load.hasHeader ? 1 : 0;
    const std::vector<std::string> names = columnNames(load.hasHeader ? &all.front() : nullptr, width, options);
    load.recordsRead = all.size() - firstData;
    if (load.recordsRead == 0) load.notes.push_back("header only: no data rows");

    std::vector<RejectEntry> rejects;
    std::vector<RowSource> rows;
    std::vector<std::size_t> rowSeq;
    rows.reserve(load.recordsRead);
    for (std::size_t r = firstData; r < all.size(); ++r) {
        const detail::RawRecord& record = *all[r].record;
        const bool structural = !record.error.empty() && record.errorField < 0;
        if (!record.error.empty()) {
            rejects.push_back(RejectEntry{r,
                                          record.line,
                                          record.offset,
                                          structural ? kNoColumn : static_cast<std::size_t>(record.errorField),
                                          record.error,
                                          {}});
        }
        if (!structural && record.fieldCount != width) {
            rejects.push_back(
                RejectEntry{r,
                            record.line,
                            record.offset,
                            kNoColumn,
                            "expected " + std::to_string(width) + " fields, found " + std::to_string(record.fieldCount),
                            {}});
        }
        if (structural) continue;
        rows.push_back(all[r]);
        rowSeq.push_back(r);
    }

    if (!progress.report(0.55)) return cancelled();
    // With a header and no record left out, the data rows are records 2..n: their plans are known.
    const bool plansKnown = load.hasHeader && !restPlans.empty() && rows.size() + 1 == all.size();
    // Sampled header plans decide the header only when they are proven, i.e. when they are the data's plans.
    if (sampled && !options.hasHeader && !plansKnown) return std::nullopt;
    const std::vector<ColumnPlan> plans =
        plansKnown ? restPlans : planColumns(rows, 0, width, options, threads, sampled ? &inferred : nullptr);
    if (!progress.report(0.6)) return cancelled();
    for (std::size_t c = 0; c < width; ++c) {
        if (plans[c].ambiguousDate) {
            load.notes.push_back("column '" + names[c] + "': dates fit both DD/MM/YYYY and MM/DD/YYYY; kept as string");
        }
    }
    // Tasks: a string column whole (one dictionary), other columns in blocks of rows (both cores busy
    // even with few columns); string columns first, as they take longest.
    struct Task {
        std::size_t column;
        std::size_t begin;
        std::size_t end;
    };
    std::vector<Task> tasks;
    std::vector<Column> columns(width);
    for (std::size_t c = 0; c < width; ++c) {
        if (plans[c].type == DataType::String) tasks.push_back(Task{c, 0, rows.size()});
    }
    for (std::size_t c = 0; c < width; ++c) {
        if (plans[c].type == DataType::String) continue;
        columns[c] = detail::sizedColumn(plans[c].type, rows.size());
        for (std::size_t b = 0; b == 0 || b < rows.size(); b += kConvertBlockRows)
            tasks.push_back(Task{c, b, std::min(rows.size(), b + kConvertBlockRows)});
    }
    std::vector<std::vector<CellReject>> taskRejects(tasks.size());
    std::atomic<std::size_t> converted{0};
    detail::parallelFor(tasks.size(), threads, [&](std::size_t t) {
        if (progress.cancelled()) return;
        const Task& task = tasks[t];
        if (plans[task.column].type == DataType::String)
            columns[task.column] = detail::convertColumn(rows, task.column, plans[task.column], options.nullTokens,
                                                         taskRejects[t]);
        else
            detail::convertRange(rows, task.begin, task.end, task.column, plans[task.column], options.nullTokens,
                                 columns[task.column], taskRejects[t]);
        progress.report(0.6 +
                        0.35 * static_cast<double>(converted.fetch_add(1) + 1) / static_cast<double>(tasks.size()));
    });
    if (progress.cancelled()) return cancelled();
    for (std::size_t t = 0; t < tasks.size(); ++t) {
        if (inferred[tasks[t].column] && !taskRejects[t].empty()) return std::nullopt;  // sampled plan disproved
    }
    for (const auto& list : taskRejects) {
        for (const CellReject& cell : list) {
            const detail::RawRecord& record = *rows[cell.row].record;
            rejects.push_back(
                RejectEntry{rowSeq[cell.row], record.line, record.offset, cell.column, cell.reason, cell.value});
        }
    }
    std::stable_sort(rejects.begin(), rejects.end(), [](const RejectEntry& a, const RejectEntry& b) {
        return a.seq != b.seq ? a.seq < b.seq : (a.column + 1) < (b.column + 1);
    });
    if (options.mode == CsvMode::FailFast && !rejects.empty()) {
        return Result<CsvLoad>::failure("CSV rejected at " + describe(rejects.front(), names));
    }

    std::set<std::size_t> badSeq;
    for (const RejectEntry& e : rejects) badSeq.insert(e.seq);
    load.rowsWithErrors = badSeq.size();
    for (std::size_t c = 0; c < width; ++c) load.table.setColumn(names[c], std::move(columns[c]));
    if (options.mode == CsvMode::Drop && !badSeq.empty()) {
        std::vector<std::size_t> keep;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (badSeq.count(rowSeq[r]) == 0) keep.push_back(r);
        }
        load.table = load.table.take(keep);
    }
    load.rowsLoaded = load.table.rowCount();
    load.rowsDropped = load.recordsRead - load.rowsLoaded;
    load.rejects = buildRejects(rejects, names);
    progress.report(1.0);
    return Result<CsvLoad>(std::move(load));
}

}  // namespace

namespace {

//! A regular file mapped read-only (no copy into the heap, no zero-fill of a buffer first); empty when
//! the file cannot be mapped (not a regular file, empty, mmap refused): then it is read into a string.
class MappedFile {
public:
    explicit MappedFile(const std::string& path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
            const auto size = static_cast<std::size_t>(st.st_size);
            void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
            if (data != MAP_FAILED) {
                ::madvise(data, size, MADV_SEQUENTIAL);
                m_data = static_cast<const char*>(data);
                m_size = size;
            }
        }
        ::close(fd);
    }
    ~MappedFile() {
        if (m_data != nullptr) ::munmap(const_cast<char*>(m_data), m_size);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    bool mapped() const { return m_data != nullptr; }
    std::string_view text() const { return {m_data, m_size}; }

private:
    const char* m_data = nullptr;
    std::size_t m_size = 0;
};

}  // namespace

Result<CsvLoad> readCsvFile(const std::string& path, const CsvOptions& options) {
    // The loaded table owns copies of everything it keeps (dictionary strings, reject values), so the
    // mapping can go when the parse returns.
    if (const MappedFile file(path); file.mapped()) {
        LoadProgress reading(options.progress, 0.0, 0.2);
        if (!reading.report(1.0)) return Result<CsvLoad>::failure(kCsvCancelled);
        LoadProgress parsing(options.progress, 0.2, 0.8);
        return readCsvWithProgress(file.text(), options, parsing);
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return Result<CsvLoad>::failure("cannot open '" + path + "'");
    if (!options.progress) {
        // One read into a buffer of the file's size (a stream copy would hold the text two or three times).
        in.seekg(0, std::ios::end);
        const std::streamoff end = in.tellg();
        in.seekg(0, std::ios::beg);
        std::string text;
        if (end > 0) {
            text.resize(static_cast<std::size_t>(end));
            in.read(text.data(), end);
            text.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
        } else {  // not seekable (a pipe): stream it
            std::ostringstream buffer;
            buffer << in.rdbuf();
            text = std::move(buffer).str();
        }
        if (in.bad()) return Result<CsvLoad>::failure("cannot read '" + path + "'");
        return readCsvText(text, options);
    }
    // Read in chunks so that the first fifth of the progress range follows the disk and a cancel
    // stops the read.
    constexpr std::size_t kChunk = std::size_t{4} << 20;
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg()));
    in.seekg(0, std::ios::beg);
    LoadProgress reading(options.progress, 0.0, 0.2);
    std::string text;
    text.reserve(size);
    std::vector<char> chunk(kChunk);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (!reading.report(size == 0 ? 1.0 : static_cast<double>(text.size()) / static_cast<double>(size)))
            return Result<CsvLoad>::failure(kCsvCancelled);
    }
    if (in.bad()) return Result<CsvLoad>::failure("cannot read '" + path + "'");
    LoadProgress parsing(options.progress, 0.2, 0.8);
    return readCsvWithProgress(text, options, parsing);
}

}  // namespace cityops::engine::batch
