#include "cityops/connectors/serving/alert_actions.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include "cityops/connectors/audit/audit_log.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

namespace cityops::connectors::serving {

using engine::storage::AlertState;
using engine::storage::StorageErrc;

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

//! The lifecycle as audit text, with the same keys the console writes.
std::string describe(const engine::storage::StoredAlert& a) {
    std::string out = "state=" + std::string(engine::storage::toString(a.state));
    if (!a.acknowledgedBy.empty()) out += "; by=" + a.acknowledgedBy;
    if (!a.assignedService.empty()) out += "; service=" + a.assignedService;
    return out;
}

AlertActionResult fail(int status, std::string error, std::string field = {}) {
    AlertActionResult r;
    r.status = status;
    r.error = std::move(error);
    r.field = std::move(field);
    return r;
}

struct Handler {
    engine::storage::Storage* storage;
    std::filesystem::path path;
    audit::AuditLog* auditLog;
    StorageAlertActionsOptions options;
    std::mutex mutex;  // the handler may be shared by several io threads
    std::unique_ptr<engine::storage::StorageReader> reader;

    std::int64_t now() const {
        if (options.clock) return options.clock();
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    AlertActionResult run(const AlertActionRequest& request) {
        const auto target = targetOfAction(request.action);
        if (!target) {
            return fail(400, "unknown action '" + request.action + "': use acknowledge, assign, dispatch or resolve",
                        "action");
        }
        if (request.operatorName.empty() || request.operatorName.size() > 128) {
            return fail(400, "operator must name who acts (1 to 128 characters)", "operator");
        }
        if (*target == AlertState::Assigned) {
            if (request.service.empty() || (!options.services.empty() && !contains(options.services, request.service))) {
                return fail(400,
                            "assign needs a service" +
                                (options.services.empty() ? std::string() : ": one of " + joined(options.services)),
                            "service");
            }
        }
        if (*target == AlertState::Resolved) {
            if (request.disposition.empty() ||
                (!options.dispositions.empty() && !contains(options.dispositions, request.disposition))) {
                return fail(400,
                            "resolve needs a disposition" +
                                (options.dispositions.empty() ? std::string() : ": one of " + joined(options.dispositions)),
                            "disposition");
            }
        }
        std::lock_guard lock(mutex);
        if (!reader) {
            auto opened = engine::storage::StorageReader::open(path);
            if (!opened) return fail(503, "the alert store cannot be read: " + opened.error().message);
            reader = std::move(*opened);
        }
        auto before = reader->alert(request.alertId);
        if (!before) return fail(503, "the alert store cannot be read: " + before.error().message);
        if (!*before) return fail(404, "alert " + std::to_string(request.alertId) + " does not exist");

        engine::storage::AlertAction action;
        action.alertId = request.alertId;
        action.target = *target;
        action.atMs = now();
        action.actor = *target == AlertState::Assigned ? request.service : request.operatorName;
        std::string note = request.note;
        if (!request.disposition.empty() && *target == AlertState::Resolved) {
            note = "Disposition: " + request.disposition + (note.empty() ? std::string() : "; " + note);
        }
        action.note = note;
        const bool already = (*before)->state == *target;
        if (!already) {
            auto applied = storage->applyAlertAction(action);
            if (!applied) {
                const auto& e = applied.error();
                if (e.code == StorageErrc::InvalidTransition) return fail(409, e.message);
                if (e.code == StorageErrc::InvalidArgument) return fail(404, e.message);
                return fail(503, "the step was not stored: " + e.message);
            }
        }
        AlertActionResult result;
        result.changed = !already;
        auto after = reader->alert(request.alertId);
        if (after && *after) result.alert = **after;
        if (result.changed && auditLog) {
            audit::AuditEntry entry;
            entry.atMs = action.atMs;
            entry.actor = request.operatorName;
            entry.action = request.action;
            entry.subject = "alert:" + std::to_string(request.alertId);
            entry.before = describe(**before);
            entry.after = (result.alert ? describe(*result.alert) : "state=" + std::string(toString(*target))) +
                          "; via=api" + (request.note.empty() ? std::string() : "; note=" + request.note);
            if (auto appended = auditLog->append(entry); !appended) {
                result.error = "the step was stored but the audit log could not record it: " + appended.error();
            }
        }
        if (result.changed && *target == AlertState::Dispatched && options.onDispatched) options.onDispatched();
        return result;
    }
};

}  // namespace

std::optional<AlertState> targetOfAction(const std::string& action) {
    if (action == "acknowledge") return AlertState::Acknowledged;
    if (action == "assign") return AlertState::Assigned;
    if (action == "dispatch") return AlertState::Dispatched;
    if (action == "resolve") return AlertState::Resolved;
    return std::nullopt;
}

AlertActionHandler makeStorageAlertActions(engine::storage::Storage& storage, std::filesystem::path storagePath,
                                           audit::AuditLog* auditLog, StorageAlertActionsOptions options) {
    auto handler = std::make_shared<Handler>();
    handler->storage = &storage;
    handler->path = std::move(storagePath);
    handler->auditLog = auditLog;
    handler->options = std::move(options);
    return [handler](const AlertActionRequest& request) { return handler->run(request); };
}

}  // namespace cityops::connectors::serving
