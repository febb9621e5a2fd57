#include <sqlite3.h>

#include <algorithm>
#include <map>

#include "cityops/engine/storage/retention.h"
#include "cityops/engine/storage/storage_reader.h"
#include "storage/reader_impl.h"

namespace cityops::engine::storage {

using detail::Statement;

namespace {

//! A table and its time column ("" when it has none).
struct TimedTable {
    std::string_view name;
    std::string_view timeColumn;
};

constexpr TimedTable kTables[] = {
    {"readings", "ts_ms"},          {"events", "ts_ms"},
    {"window_aggregates", "window_start_ms"}, {"alerts", "event_time_ms"},
    {"incidents", "started_ms"},    {"dead_letters", "received_ms"},
    {"data_lineage", "processing_time_ms"},   {"checkpoints", "created_ms"},
    {"checkpoint_offsets", ""},     {"sensors", ""},
    {"districts", ""},              {"schema_version", "applied_ms"},
};

//! The tables whose rows belong to a topic through their metric column.
constexpr std::string_view kTopicTables[] = {"readings", "events", "window_aggregates"};

void widen(std::optional<std::int64_t>& oldest, std::optional<std::int64_t>& newest, const Statement& stmt,
           int minColumn) {
    if (stmt.isNull(minColumn)) {
        return;
    }
    const std::int64_t lo = stmt.int64(minColumn);
    const std::int64_t hi = stmt.int64(minColumn + 1);
    oldest = oldest ? std::min(*oldest, lo) : lo;
    newest = newest ? std::max(*newest, hi) : hi;
}

}  // namespace

Result<StorageStats> StorageReader::stats() {
    return m_impl->guarded<StorageStats>([&] {
        auto& db = m_impl->db;
        db.exec("BEGIN");
        try {
            StorageStats out;
            out.pageSize = static_cast<std::uint64_t>(db.queryInt("PRAGMA page_size"));
            out.pageCount = static_cast<std::uint64_t>(db.queryInt("PRAGMA page_count"));
            out.freePages = static_cast<std::uint64_t>(db.queryInt("PRAGMA freelist_count"));
            out.fileBytes = out.pageSize * out.pageCount;
            out.schemaVersion = static_cast<int>(db.queryInt("PRAGMA user_version"));
            if (const char* file = sqlite3_db_filename(db.get(), "main"); file && *file) {
                std::error_code ec;
                const auto wal = std::filesystem::file_size(std::string(file) + "-wal", ec);
                out.walBytes = ec ? 0 : static_cast<std::uint64_t>(wal);
            }
            std::map<std::string, TopicStats, std::less<>> topics;
            for (const auto& table : kTables) {
                TableStats t;
                t.table = std::string(table.name);
                const bool byTopic = std::find(std::begin(kTopicTables), std::end(kTopicTables), table.name) !=
                                     std::end(kTopicTables);
                if (byTopic) {
                    // One scan per table gives the per-metric counts and spans; the table's are their sums.
                    const std::string column(table.timeColumn);
                    Statement stmt(db.get(),
                                   "SELECT metric, count(*), min(" + column + "), max(" + column + ") FROM " +
                                       std::string(table.name) + " GROUP BY metric",
                                   false);
                    while (stmt.step()) {
                        const auto rows = static_cast<std::uint64_t>(stmt.int64(1));
                        t.rows += rows;
                        widen(t.oldestMs, t.newestMs, stmt, 2);
                        const std::int64_t metric = stmt.int64(0);
                        const std::string topic = metric >= 0 && metric < kMetricCount
                                                      ? std::string(topicOf(static_cast<Metric>(metric)))
                                                      : "unknown-metric-" + std::to_string(metric);
                        TopicStats& ts = topics[topic];
                        ts.topic = topic;
                        (table.name == "readings" ? ts.readings : table.name == "events" ? ts.events : ts.aggregates) +=
                            rows;
                        widen(ts.oldestMs, ts.newestMs, stmt, 2);
                    }
                } else if (!table.timeColumn.empty()) {
                    const std::string column(table.timeColumn);
                    Statement stmt(db.get(),
                                   "SELECT count(*), min(" + column + "), max(" + column + ") FROM " +
                                       std::string(table.name),
                                   false);
                    if (stmt.step()) {
                        t.rows = static_cast<std::uint64_t>(stmt.int64(0));
                        widen(t.oldestMs, t.newestMs, stmt, 1);
                    }
                } else {
                    t.rows = static_cast<std::uint64_t>(db.queryInt("SELECT count(*) FROM " + std::string(table.name)));
                }
                out.tables.push_back(std::move(t));
            }
            for (auto& [name, ts] : topics) {
                out.topics.push_back(std::move(ts));
            }
            db.exec("COMMIT");
            return out;
        } catch (...) {
            try {
                db.exec("ROLLBACK");
            } catch (const detail::StorageException&) {
            }
            throw;
        }
    });
}

}  // namespace cityops::engine::storage
