#include "serve_mode.h"

#include <QMetaObject>
#include <QStandardPaths>
#include <QTimer>

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "cityops/connectors/audit/audit_log.h"
#include "cityops/connectors/serving/server.h"
#include "cityops/connectors/serving/serving_token.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_workflow.h"
#include "cityops/widgets/frame_probe.h"
#include "cityops/widgets/main_window.h"

namespace cityops::app {

namespace serving = connectors::serving;
namespace sim = simulation;
using engine::storage::AlertState;

namespace {

std::vector<std::string> utf8List(const QStringList& list) {
    std::vector<std::string> out;
    for (const QString& s : list) out.push_back(s.toStdString());
    return out;
}

//! Server options from the command line; the token from --serve-token or the data directory.
engine::Expected<serving::ServerOptions, std::string> serverOptions(const CliOptions& o,
                                                                    const std::filesystem::path& dataDir) {
    serving::ServerOptions options;
    options.bindAddress = o.serveBind.toStdString();
    options.port = static_cast<std::uint16_t>(o.servePort);
    options.storagePath = dataDir / "cityops.db";
    auto token = o.serveTokenFile.isEmpty() ? serving::loadOrCreateToken(dataDir)
                                            : serving::readTokenFile(o.serveTokenFile.toStdString());
    if (!token) return token.error().message;
    options.token = *token;
    return options;
}

void announce(const serving::Server& server, const serving::ServerOptions& options, const CliOptions& o,
              const std::filesystem::path& dataDir) {
    const std::string tokenFile =
        o.serveTokenFile.isEmpty() ? (dataDir / serving::kTokenFileName).string() : o.serveTokenFile.toStdString();
    std::printf("serving http://%s:%u/api/v1 (token in %s; metrics at /metrics)\n", options.bindAddress.c_str(),
                static_cast<unsigned>(server.port()), tokenFile.c_str());
    std::fflush(stdout);
}

}  // namespace

int runHeadlessServe(const CliOptions& o, const sim::Scenario& scenario, const std::atomic<bool>& cancel) {
    std::filesystem::path dataDir = o.dataDir.toStdString();
    if (dataDir.empty()) {
        dataDir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation).toStdString();
        std::filesystem::create_directories(dataDir);
    }
    const sim::City city = sim::generateDemoCity(scenario.seed, scenario.sensorCount);
    sim::LiveJobsOptions jobsOptions;
    jobsOptions.dataDir = dataDir;
    jobsOptions.workers = o.workers;
    jobsOptions.checkpointIntervalMs = o.checkpointIntervalMs;
    auto started = sim::LiveJobs::start(city, scenario, jobsOptions);
    if (!started) {
        std::fprintf(stderr, "cityops: %s\n", started.error().c_str());
        return 1;
    }
    sim::LiveJobs& jobs = **started;
    auto options = serverOptions(o, dataDir);
    if (!options) {
        std::fprintf(stderr, "cityops: %s\n", options.error().c_str());
        return 1;
    }
    engine::storage::StorageOptions storageOptions;
    storageOptions.path = options->storagePath;
    auto storage = engine::storage::Storage::open(storageOptions);
    if (!storage) {
        std::fprintf(stderr, "cityops: %s\n", storage.error().message.c_str());
        return 1;
    }
    auto audit = connectors::audit::AuditLog::open(dataDir);
    if (!audit) std::fprintf(stderr, "cityops: alert actions are not audited: %s\n", audit.error().c_str());
    serving::StorageAlertActionsOptions actions;
    actions.services = utf8List(widgets::AlertWorkflow::services());
    actions.dispositions = utf8List(widgets::AlertWorkflow::dispositions());
    serving::ServingHooks hooks;
    hooks.latest = &jobs.latest();
    hooks.jobMetrics = [&jobs]() -> std::optional<engine::stream::JobMetrics> { return jobs.metrics(); };
    hooks.alertActions = serving::makeStorageAlertActions(**storage, options->storagePath,
                                                          audit ? audit->get() : nullptr, actions);
    auto server = serving::Server::start(*options, hooks);
    if (!server) {
        std::fprintf(stderr, "cityops: %s\n", server.error().c_str());
        return 1;
    }
    sim::LiveRunner runner(city, scenario, jobs);
    runner.setSpeed(o.speed == 0.0 ? 600.0 : o.speed);
    runner.start();
    announce(**server, *options, o, dataDir);

    const std::int64_t startMs = runner.simTimeMs();
    bool running = true;
    std::vector<engine::Alert> alerts;
    std::vector<engine::WindowAggregate> aggregates;
    std::vector<engine::stream::DistrictAggregate> districts;
    while (!cancel.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        alerts.clear();
        jobs.drainAlerts(alerts);
        (*server)->publishAlerts(alerts);
        aggregates.clear();
        jobs.drainAggregates(aggregates);  // stored by the jobs; drained so the queues stay short
        districts.clear();
        jobs.drainDistrictAggregates(districts);
        if (running && o.durationGiven && runner.simTimeMs() - startMs >= o.durationMs) {
            runner.stop();
            running = false;
            if (auto taken = jobs.checkpoint(); !taken) std::fprintf(stderr, "cityops: checkpoint failed: %s\n", taken.error().c_str());
            std::printf("simulated %lld s; still serving until interrupted\n",
                        static_cast<long long>((runner.simTimeMs() - startMs) / 1000));
            std::fflush(stdout);
        }
    }
    server->reset();
    if (running) {
        runner.stop();
        if (auto taken = jobs.checkpoint(); !taken) std::fprintf(stderr, "cityops: last checkpoint failed: %s\n", taken.error().c_str());
    }
    return 0;
}

std::shared_ptr<void> startConsoleServe(const CliOptions& o, sim::LiveJobs& jobs, widgets::MainWindow& window) {
    if (!jobs.durable()) {
        std::fprintf(stderr, "cityops: --serve needs --data-dir (the API reads the store there)\n");
        return nullptr;
    }
    auto options = serverOptions(o, jobs.dataDir());
    if (!options) {
        std::fprintf(stderr, "cityops: %s\n", options.error().c_str());
        return nullptr;
    }
    serving::ServingHooks hooks;
    hooks.latest = &jobs.latest();
    hooks.jobMetrics = [&jobs]() -> std::optional<engine::stream::JobMetrics> { return jobs.metrics(); };
    // Actions run on the UI thread through the console's AlertWorkflow, so the queue, the store and
    // the audit log stay one story; the server thread waits at most 5 s for the UI.
    hooks.alertActions = [&window](const serving::AlertActionRequest& request) {
        auto promise = std::make_shared<std::promise<serving::AlertActionResult>>();
        auto future = promise->get_future();
        QMetaObject::invokeMethod(
            &window,
            [&window, request, promise] {
                serving::AlertActionResult result;
                const auto target = serving::targetOfAction(request.action);
                widgets::AlertModel& model = window.alertModel();
                const int row = model.rowOfId(request.alertId);
                if (!target) {
                    result = {400, false, "unknown action '" + request.action + "'", "action", {}};
                } else if (row < 0) {
                    result = {404, false, "alert " + std::to_string(request.alertId) + " is not in the queue", {}, {}};
                } else if (model.lifecycleAt(row).state == *target) {
                    result.changed = false;
                } else {
                    const QString note = QStringLiteral("via API by %1%2")
                                             .arg(QString::fromStdString(request.operatorName),
                                                  request.note.empty() ? QString()
                                                                       : QStringLiteral(": ") + QString::fromStdString(request.note));
                    widgets::AlertWorkflow& flow = window.alertWorkflow();
                    QString error;
                    switch (*target) {
                        case AlertState::Acknowledged: error = flow.acknowledge(request.alertId, note); break;
                        case AlertState::Assigned:
                            error = flow.assign(request.alertId, QString::fromStdString(request.service), note);
                            break;
                        case AlertState::Dispatched: error = flow.dispatch(request.alertId, note); break;
                        case AlertState::Resolved:
                            error = flow.resolve(request.alertId, QString::fromStdString(request.disposition), note);
                            break;
                        case AlertState::New: break;
                    }
                    result.changed = error.isEmpty();
                    if (!error.isEmpty()) result = {409, false, error.toStdString(), {}, {}};
                }
                promise->set_value(std::move(result));
            },
            Qt::QueuedConnection);
        if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
            return serving::AlertActionResult{503, false, "the console did not answer in time", {}, {}};
        }
        return future.get();
    };
    auto server = serving::Server::start(*options, hooks);
    if (!server) {
        std::fprintf(stderr, "cityops: %s\n", server.error().c_str());
        return nullptr;
    }
    std::shared_ptr<serving::Server> owner(std::move(*server));
    announce(*owner, *options, o, jobs.dataDir());
    const std::weak_ptr<serving::Server> weak = owner;
    // New rows of the alert queue go to the stream (one call per frame's batch).
    widgets::AlertModel& model = window.alertModel();
    QObject::connect(&model, &QAbstractItemModel::rowsInserted, &window, [weak, &model](const QModelIndex&, int first, int last) {
        const auto raw = weak.lock();
        if (!raw) return;
        std::vector<engine::Alert> alerts;
        for (int row = first; row <= last; ++row) alerts.push_back(model.alertAt(row));
        raw->publishAlerts(alerts);
    });
    auto* timer = new QTimer(&window);
    QObject::connect(timer, &QTimer::timeout, &window, [weak, &window] {
        const auto raw = weak.lock();
        if (!raw) return;
        const widgets::FrameProbe& probe = window.frameProbe();
        serving::UiSample sample;
        const auto stalls = probe.stallStats();
        sample.stallP50Ms = stalls.p50Ms;
        sample.stallP99Ms = stalls.p99Ms;
        sample.stallMaxMs = stalls.maxMs;
        sample.frameP99Ms = probe.frameStats().p99Ms;
        sample.heartbeats = probe.heartbeatCount();
        sample.frames = probe.frameCount();
        raw->setUiSample(sample);
    });
    timer->start(1000);
    return owner;
}

}  // namespace cityops::app
