#include <sqlite3.h>

#include <string_view>

#include "cityops/engine/storage/outbox.h"
#include "cityops/engine/storage/storage.h"
#include "storage/schema.h"
#include "storage/sqlite_handle.h"

namespace cityops::engine::storage {

using detail::Statement;
using detail::StatementScope;
using detail::StorageException;

namespace {

//! The outbox and the trigger that fills it when an alert goes from Assigned (2) to Dispatched (3).
//! IF NOT EXISTS: installing is idempotent and safe on every open. The payload is the alert as it is
//! at dispatch time; ids are unsigned 64-bit, written as decimal strings (JSON numbers lose them).
constexpr std::string_view kOutboxSchema = R"sql(
CREATE TABLE IF NOT EXISTS dispatch_outbox(
    alert_id INTEGER PRIMARY KEY, service TEXT NOT NULL, payload TEXT NOT NULL, created_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT '',
    status INTEGER NOT NULL DEFAULT 0, finished_ms INTEGER, http_status INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS dispatch_outbox_due ON dispatch_outbox(next_attempt_ms) WHERE status = 0;
CREATE TRIGGER IF NOT EXISTS dispatch_outbox_enqueue AFTER UPDATE OF state ON alerts
WHEN new.state = 3 AND old.state = 2
BEGIN
    INSERT OR IGNORE INTO dispatch_outbox(alert_id, service, payload, created_ms, next_attempt_ms)
    VALUES(new.id, new.assigned_service,
           json_object('alertId', printf('%llu', new.id), 'service', new.assigned_service,
                       'rule', new.rule, 'severity', new.severity, 'sensorId', new.sensor_id,
                       'locationId', new.location_id, 'district', new.district,
                       'eventTimeMs', new.event_time_ms, 'value', new.value, 'title', new.title,
                       'description', new.description, 'acknowledgedBy', new.acknowledged_by,
                       'dispatchedAtMs', new.dispatched_at_ms, 'notes', new.notes),
           coalesce(new.dispatched_at_ms, 0), coalesce(new.dispatched_at_ms, 0));
END;
)sql";

constexpr std::string_view kColumns =
    "alert_id, service, payload, created_ms, attempts, next_attempt_ms, last_error, status, finished_ms, http_status";

std::int64_t asKey(std::uint64_t id) {
    return static_cast<std::int64_t>(id);
}

OutboxMessage readMessage(const Statement& stmt) {
    OutboxMessage m;
    m.alertId = static_cast<std::uint64_t>(stmt.int64(0));
    m.service = stmt.text(1);
    m.payload = stmt.text(2);
    m.createdMs = stmt.int64(3);
    m.attempts = static_cast<int>(stmt.int64(4));
    m.nextAttemptMs = stmt.int64(5);
    m.lastError = stmt.text(6);
    const std::int64_t status = stmt.int64(7);
    m.status = status == 1 ? OutboxStatus::Delivered : status == 2 ? OutboxStatus::Rejected : OutboxStatus::Pending;
    if (!stmt.isNull(8)) m.finishedMs = stmt.int64(8);
    m.httpStatus = static_cast<int>(stmt.int64(9));
    return m;
}

template <class F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const StorageException& e) {
        return e.error();
    }
}

}  // namespace

struct OutboxStore::Impl {
    explicit Impl(detail::Connection connection)
        : db(std::move(connection)),
          due(db.get(), "SELECT " + std::string(kColumns) +
                            " FROM dispatch_outbox WHERE status = 0 AND next_attempt_ms <= ?1"
                            " ORDER BY next_attempt_ms, alert_id LIMIT ?2"),
          nextDue(db.get(), "SELECT min(next_attempt_ms) FROM dispatch_outbox WHERE status = 0"),
          finish(db.get(),
                 "UPDATE dispatch_outbox SET status = ?2, finished_ms = ?3, http_status = ?4, last_error = ?5, "
                 "attempts = attempts + 1 WHERE alert_id = ?1 AND status = 0"),
          retry(db.get(),
                "UPDATE dispatch_outbox SET next_attempt_ms = ?2, http_status = ?3, last_error = ?4, "
                "attempts = attempts + 1 WHERE alert_id = ?1 AND status = 0"),
          one(db.get(), "SELECT " + std::string(kColumns) + " FROM dispatch_outbox WHERE alert_id = ?1"),
          counts(db.get(), "SELECT status, count(*) FROM dispatch_outbox GROUP BY status") {}

    detail::Connection db;
    Statement due;
    Statement nextDue;
    Statement finish;
    Statement retry;
    Statement one;
    Statement counts;
};

Result<std::unique_ptr<OutboxStore>> OutboxStore::open(const std::filesystem::path& dbPath) {
    return guarded([&]() -> Result<std::unique_ptr<OutboxStore>> {
        StorageOptions options;
        options.path = dbPath;
        auto db = detail::openWriterConnection(options);
        db.exec("PRAGMA synchronous = FULL");  // an acknowledgement, once recorded, survives a power loss
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(kOutboxSchema);
            db.exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        return std::unique_ptr<OutboxStore>(new OutboxStore(std::make_unique<Impl>(std::move(db))));
    });
}

OutboxStore::OutboxStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
OutboxStore::~OutboxStore() = default;

Result<std::vector<OutboxMessage>> OutboxStore::due(std::int64_t nowMs, std::size_t limit) {
    return guarded([&]() -> Result<std::vector<OutboxMessage>> {
        std::vector<OutboxMessage> out;
        StatementScope scope(m_impl->due);
        m_impl->due.bind(1, nowMs).bind(2, static_cast<std::int64_t>(limit));
        while (m_impl->due.step()) out.push_back(readMessage(m_impl->due));
        return out;
    });
}

Result<std::optional<std::int64_t>> OutboxStore::nextDueMs() {
    return guarded([&]() -> Result<std::optional<std::int64_t>> {
        StatementScope scope(m_impl->nextDue);
        if (m_impl->nextDue.step() && !m_impl->nextDue.isNull(0)) {
            return std::optional<std::int64_t>(m_impl->nextDue.int64(0));
        }
        return std::optional<std::int64_t>();
    });
}

Result<void> OutboxStore::markDelivered(std::uint64_t alertId, std::int64_t atMs, int httpStatus) {
    return guarded([&]() -> Result<void> {
        m_impl->finish.bind(1, asKey(alertId)).bind(2, std::int64_t{1}).bind(3, atMs);
        m_impl->finish.bind(4, std::int64_t{httpStatus}).bindText(5, "");
        m_impl->finish.run();
        m_impl->finish.reset();
        return {};
    });
}

Result<void> OutboxStore::markRetry(std::uint64_t alertId, std::int64_t nextAttemptMs, int httpStatus,
                                    const std::string& error) {
    return guarded([&]() -> Result<void> {
        m_impl->retry.bind(1, asKey(alertId)).bind(2, nextAttemptMs).bind(3, std::int64_t{httpStatus});
        m_impl->retry.bindText(4, error);
        m_impl->retry.run();
        m_impl->retry.reset();
        return {};
    });
}

Result<void> OutboxStore::markRejected(std::uint64_t alertId, std::int64_t atMs, int httpStatus,
                                       const std::string& error) {
    return guarded([&]() -> Result<void> {
        m_impl->finish.bind(1, asKey(alertId)).bind(2, std::int64_t{2}).bind(3, atMs);
        m_impl->finish.bind(4, std::int64_t{httpStatus}).bindText(5, error);
        m_impl->finish.run();
        m_impl->finish.reset();
        return {};
    });
}

Result<std::optional<OutboxMessage>> OutboxStore::message(std::uint64_t alertId) {
    return guarded([&]() -> Result<std::optional<OutboxMessage>> {
        StatementScope scope(m_impl->one);
        m_impl->one.bind(1, asKey(alertId));
        if (m_impl->one.step()) return std::optional<OutboxMessage>(readMessage(m_impl->one));
        return std::optional<OutboxMessage>();
    });
}

Result<OutboxCounts> OutboxStore::counts() {
    return guarded([&]() -> Result<OutboxCounts> {
        OutboxCounts c;
        StatementScope scope(m_impl->counts);
        while (m_impl->counts.step()) {
            const auto n = static_cast<std::uint64_t>(m_impl->counts.int64(1));
            switch (m_impl->counts.int64(0)) {
                case 0:
                    c.pending = n;
                    break;
                case 1:
                    c.delivered = n;
                    break;
                default:
                    c.rejected += n;
                    break;
            }
        }
        return c;
    });
}

}  // namespace cityops::engine::storage
