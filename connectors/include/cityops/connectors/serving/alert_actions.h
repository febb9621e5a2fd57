#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/storage/records.h"

namespace cityops::engine::storage {
class Storage;
}
namespace cityops::connectors::audit {
class AuditLog;
}

namespace cityops::connectors::serving {

//! One operator step requested over the API: POST /api/v1/alerts/{id}/actions.
struct AlertActionRequest {
    std::uint64_t alertId = 0;
    std::string action;       //!< acknowledge | assign | dispatch | resolve
    std::string operatorName;  //!< who asks (required)
    std::string service;      //!< assign: the service the alert goes to
    std::string disposition;  //!< resolve: how it ended
    std::string note;
};

//! Outcome of a step: status 200 (applied, or already in that state: changed = false), 400 (field
//! names the bad field), 404 (unknown alert), 409 (the lifecycle does not allow it), 503.
struct AlertActionResult {
    int status = 200;
    bool changed = false;
    std::string error;
    std::string field;
    std::optional<engine::storage::StoredAlert> alert;  //!< the alert after the step, when known
};

//! Carries out a step; called on a server thread, one call at a time.
using AlertActionHandler = std::function<AlertActionResult(const AlertActionRequest&)>;

//! The action names and the lifecycle state each one moves to; nullopt for an unknown name.
std::optional<engine::storage::AlertState> targetOfAction(const std::string& action);

//! The engine-level alert service without a console: the same lifecycle as the console's
//! AlertWorkflow (new → acknowledged → assigned → dispatched → resolved, resolving early from
//! acknowledged or assigned; Storage::applyAlertAction enforces it in one transaction), the same
//! required fields (a known service to assign, a known disposition to resolve) and one audit
//! record per applied step when an audit log is given.
struct StorageAlertActionsOptions {
    std::vector<std::string> services;      //!< accepted services; empty = any non-empty name
    std::vector<std::string> dispositions;  //!< accepted dispositions; empty = any non-empty text
    std::function<std::int64_t()> clock;    //!< ms since the epoch; the system clock when unset
    std::function<void()> onDispatched;     //!< after a Dispatched step (e.g. DispatchWorker::wake)
};

//! Builds the handler over a store (and optionally the audit log, which the handler then owns the
//! only use of: AuditLog is single-threaded). storagePath is read to report the state before a step.
AlertActionHandler makeStorageAlertActions(engine::storage::Storage& storage, std::filesystem::path storagePath,
                                           audit::AuditLog* auditLog, StorageAlertActionsOptions options = {});

}  // namespace cityops::connectors::serving
