// The alert service's durable parts: dispatch outbox deliveries/s over loopback HTTP (Beast sender,
// Beast receiver, one connection and one synchronous=FULL acknowledgement per message), audit log
// appends (one by one and in one transaction) and `audit verify` time.
// Usage: bench_alert_service [alerts=2000] [auditRecords=100000]   Prints one JSON object on stdout.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <unistd.h>

#include "../connectors/dispatch/webhook_receiver.h"
#include "cityops/connectors/audit/audit_log.h"
#include "cityops/connectors/dispatch/http_webhook.h"
#include "cityops/engine/storage/storage.h"

using namespace cityops::engine;
using namespace cityops::engine::storage;
namespace audit = cityops::connectors::audit;
namespace fs = std::filesystem;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

//! Dispatches `alerts` alerts (not timed), then times the sender until all are delivered.
double outboxDeliveriesPerSecond(const fs::path& dir, int alerts) {
    StorageOptions options;
    options.path = dir / "cityops.db";
    auto storage = Storage::open(options);
    auto outbox = OutboxStore::open(options.path);
    if (!storage || !outbox) return -1;
    WriteBatch batch;
    for (int i = 0; i < alerts; ++i) {
        AlertRecord rec;
        rec.alert.id = makeAlertId(AlertRule::EmergencyConfirmed, static_cast<std::uint64_t>(i), i);
        rec.district = "Podil";
        rec.title = "bench";
        batch.alerts.push_back(rec);
    }
    std::vector<std::uint64_t> ids;
    for (const auto& rec : batch.alerts) ids.push_back(rec.alert.id);
    if (!(*storage)->write(std::move(batch))) return -1;
    for (const auto id : ids) {
        if (!(*storage)->applyAlertAction({id, AlertState::Acknowledged, 1, "op", {}}) ||
            !(*storage)->applyAlertAction({id, AlertState::Assigned, 1, "Police", {}}) ||
            !(*storage)->applyAlertAction({id, AlertState::Dispatched, 1, {}, {}})) {
            return -1;
        }
    }
    dispatch_test::WebhookReceiver receiver;
    cityops::connectors::dispatch::HttpWebhookTransport transport;
    OutboxSenderOptions senderOptions;
    senderOptions.serviceUrls["Police"] = receiver.url("/police");
    senderOptions.batchSize = 256;
    OutboxSender sender(**outbox, transport, senderOptions, [] { return std::int64_t{10}; });
    const auto start = std::chrono::steady_clock::now();
    std::size_t delivered = 0;
    while (delivered < ids.size()) {
        const auto pass = sender.runOnce();
        if (!pass || pass->delivered == 0) return -1;
        delivered += pass->delivered;
    }
    const double seconds = secondsSince(start);
    if (receiver.deliveries().size() != ids.size()) return -1;
    return static_cast<double>(delivered) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
    const int alerts = argc > 1 ? std::atoi(argv[1]) : 2000;
    const int records = argc > 2 ? std::atoi(argv[2]) : 100'000;
    const fs::path root = fs::temp_directory_path() / ("cityops_bench_alerts_" + std::to_string(::getpid()));
    fs::create_directories(root / "outbox");
    fs::create_directories(root / "audit");
    const double deliveries = outboxDeliveriesPerSecond(root / "outbox", alerts);

    double singleAppendsPerSecond = -1;
    double bulkSeconds = -1;
    double verifySeconds = -1;
    bool verified = false;
    {
        auto log = audit::AuditLog::open(root / "audit");
        if (log) {
            audit::AuditEntry entry{1'700'000'000'000, "operator", "acknowledge", "alert:42", "state=new",
                                    "state=acknowledged; by=operator; notes=1"};
            constexpr int kSingles = 200;
            auto start = std::chrono::steady_clock::now();
            for (int i = 0; i < kSingles; ++i) (void)(*log)->append(entry);
            singleAppendsPerSecond = kSingles / secondsSince(start);
            std::vector<audit::AuditEntry> entries(static_cast<std::size_t>(records - kSingles), entry);
            start = std::chrono::steady_clock::now();
            const bool appended = static_cast<bool>((*log)->appendAll(entries));
            bulkSeconds = appended ? secondsSince(start) : -1;
        }
        const auto start = std::chrono::steady_clock::now();
        const auto report = audit::AuditLog::verify(root / "audit");
        verifySeconds = secondsSince(start);
        verified = report.ok && report.records == static_cast<std::uint64_t>(records);
    }
    fs::remove_all(root);
    std::printf(
        "{\"outbox_alerts\": %d, \"outbox_deliveries_per_s\": %.0f, \"audit_single_appends_per_s\": %.0f, "
        "\"audit_records\": %d, \"audit_bulk_append_s\": %.3f, \"audit_verify_s\": %.3f, \"audit_verified\": %s}\n",
        alerts, deliveries, singleAppendsPerSecond, records, bulkSeconds, verifySeconds, verified ? "true" : "false");
    return deliveries > 0 && verified ? 0 : 1;
}
