#pragma once

#include <functional>

#include "cityops/engine/storage/storage_reader.h"
#include "storage/sqlite_handle.h"

namespace cityops::engine::storage {

//! The reader's connection; statements are prepared on first use and cached.
struct StorageReader::Impl {
    detail::Connection db;
    detail::Statement series;
    detail::Statement alertPage;
    detail::Statement alertById;
    detail::Statement box;
    detail::Statement incidentPos;

    //! Runs fn, turning a StorageException into an error result.
    template <class T>
    Result<T> guarded(const std::function<T()>& fn) {
        try {
            return fn();
        } catch (const detail::StorageException& e) {
            return e.error();
        }
    }
};

namespace detail {

//! Column list read by readAlert(), in order.
inline constexpr std::string_view kAlertColumns =
    "id, rule, severity, sensor_id, location_id, district, first_event_ms, event_time_ms, value, matched_count, "
    "title, description, state, acknowledged_by, acknowledged_at_ms, assigned_service, assigned_at_ms, "
    "dispatched_at_ms, resolved_at_ms, notes";

StoredAlert readAlert(const Statement& stmt);
//! Turns operator input into an FTS5 query: each word quoted (no syntax injection), all required; the last
//! word, unless followed by a space, matches as a prefix (search as you type).
std::string ftsQuery(std::string_view text);

}  // namespace detail

}  // namespace cityops::engine::storage
