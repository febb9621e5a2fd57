// cityops: command-line parsing and wiring of simulator → engine → console. Nothing else lives here.
#include <QApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <variant>

#include "cityops/simulation/city.h"
#include "cityops/simulation/headless.h"
#include "cityops/simulation/headless_jobs.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/receipt_run.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/main_window.h"
#include "cityops/crash/qt_crash_reporting.h"
#include "cityops/widgets/crash_report_dialog.h"
#include "cityops/widgets/demo_director.h"
#include "analyze_command.h"
#include "batch_command.h"
#include "sql_command.h"
#include "audit_command.h"
#include "cli_options.h"
#include "serve_mode.h"
#include "cityops_version.h"

namespace {

using cityops::app::CliOptions;
namespace sim = cityops::simulation;
namespace engine = cityops::engine;

std::atomic<bool> g_cancel{false};

void onSignal(int) { g_cancel.store(true); }

void printLine(std::FILE* to, const QString& text) {
    std::fputs(text.toLocal8Bit().constData(), to);
    std::fputc('\n', to);
}

bool hasDisplay() {
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

//! The command to run instead, with the program as it was invoked so it can be pasted as is.
QString headlessEquivalent(const QString& program, const CliOptions& o) {
    return QStringLiteral("%1 --headless --scenario %2 --duration 10m --speed %3")
        .arg(program, o.scenario, o.speed == 0.0 ? QStringLiteral("max") : QString::number(o.speed));
}

int runHeadlessMode(const CliOptions& o, const sim::Scenario& scenario) {
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    if (o.serve) return cityops::app::runHeadlessServe(o, scenario, g_cancel);
    const sim::City city = sim::generateDemoCity(scenario.seed, scenario.sensorCount);
    if (!o.dataDir.isEmpty()) {
        sim::JobsRunOptions jobs;
        jobs.dataDir = o.dataDir.toStdString();
        jobs.durationMs = o.durationGiven ? o.durationMs : scenario.defaultDurationMs;
        jobs.workers = o.workers;
        jobs.checkpointIntervalMs = o.checkpointIntervalMs;
        const auto summary = sim::runJobsHeadless(city, scenario, jobs, &g_cancel);
        if (!summary) {
            std::fprintf(stderr, "cityops: %s\n", summary.error().c_str());
            return 1;
        }
        std::fputs(sim::formatJobsSummary(*summary).c_str(), stdout);
        if (sim::hasRetailIncidents(scenario) && !summary->cancelled) {
            const sim::ReceiptsRunSummary receipts =
                sim::runReceiptJobs(city, scenario, jobs.durationMs, o.workers, &g_cancel);
            std::fputs(sim::formatReceiptsSummary(receipts).c_str(), stdout);
        }
        std::fflush(stdout);
        return summary->cancelled ? 130 : 0;
    }
    sim::RunOptions run;
    run.durationMs = o.durationGiven ? o.durationMs : scenario.defaultDurationMs;
    run.speed = o.speed;
    run.workers = o.workers;
    const sim::RunSummary summary = sim::runHeadless(city, scenario, run, &g_cancel);
    std::fputs(sim::formatSummary(summary).c_str(), stdout);
    std::fflush(stdout);
    return summary.cancelled ? 130 : 0;
}

void installTranslator(QApplication& app, const CliOptions& o, QSettings& settings) {
    QString language = o.language;
    if (language.isEmpty()) language = settings.value(QStringLiteral("ui/language")).toString();
    if (language.isEmpty()) language = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    if (language == QLatin1String("en")) return;
    auto* ours = new QTranslator(&app);
    // An installed package's <prefix>/share/cityops/translations wins over the copies built in.
    const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/cityops/translations");
    if (ours->load(QStringLiteral("cityops_%1.qm").arg(language), installed) ||
        ours->load(QStringLiteral(":/i18n/cityops_%1.qm").arg(language))) {
        QApplication::installTranslator(ours);
        QLocale::setDefault(QLocale(language));
    }
    auto* qt = new QTranslator(&app);
    if (qt->load(QStringLiteral("qtbase_%1").arg(language), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

//! `--demo`: the self-running demo (widgets::DemoDirector) until Esc, Ctrl+Q or --demo-exit-after.
int runDemo(int argc, char** argv, const CliOptions& o) {
    QApplication app(argc, argv);
    cityops::widgets::DemoOptions demo;
    demo.speed = o.demoSpeed;
    demo.exitAfterStages = o.demoExitAfter;
    demo.dataDir = o.dataDir;
    demo.workers = o.workers;
    cityops::widgets::DemoDirector director(demo);  // settings isolated in the demo's data directory
    QSettings settings;
    installTranslator(app, o, settings);
    QObject::connect(&director, &cityops::widgets::DemoDirector::finished, &app, [](int rc) { QApplication::exit(rc); });
    if (const QString error = director.start(); !error.isEmpty()) {
        printLine(stderr, QStringLiteral("cityops: %1").arg(error));
        return 1;
    }
    return QApplication::exec();
}

int runConsole(int argc, char** argv, const CliOptions& o, const sim::Scenario& scenario,
               const std::filesystem::path& crashDir) {
    QApplication app(argc, argv);
    QSettings settings;
    installTranslator(app, o, settings);

    const sim::City city = sim::generateDemoCity(scenario.seed, scenario.sensorCount);
    sim::LiveJobsOptions jobsOptions;
    jobsOptions.dataDir = o.dataDir.toStdString();
    jobsOptions.workers = o.workers;
    jobsOptions.checkpointIntervalMs = o.checkpointIntervalMs;
    auto started = sim::LiveJobs::start(city, scenario, jobsOptions);
    if (!started) {
        printLine(stderr, QStringLiteral("cityops: %1").arg(QString::fromStdString(started.error())));
        return 1;
    }
    sim::LiveJobs& jobs = **started;
    sim::LiveRunner runner(city, scenario, jobs);
    runner.setSpeed(o.speed == 0.0 ? 600.0 : o.speed);

    cityops::widgets::MainWindow window(city, scenario, jobs, runner);
    window.show();
    const auto serving = o.serve ? cityops::app::startConsoleServe(o, jobs, window) : nullptr;
    if (o.serve && !serving) return 1;
    runner.start();
    if (const auto report = cityops::crash::takePendingReport(crashDir); report && o.screenshotPath.isEmpty())
        cityops::widgets::CrashReportDialog::offer(&window, QString::fromStdString(report->string()));

    if (!o.screenshotPath.isEmpty()) {
        QTimer::singleShot(static_cast<int>(o.screenshotAfterSeconds * 1000.0), &window, [&window, &o] {
            const bool saved = window.grab().save(o.screenshotPath);
            printLine(saved ? stdout : stderr, saved ? QStringLiteral("screenshot saved to %1").arg(o.screenshotPath)
                                                     : QStringLiteral("cityops: cannot write %1").arg(o.screenshotPath));
            QApplication::exit(saved ? 0 : 1);
        });
    }
    const int rc = QApplication::exec();
    runner.stop();
    if (jobs.durable()) {
        // The next start on this data directory resumes from here.
        if (auto taken = jobs.checkpoint(); !taken) {
            printLine(stderr, QStringLiteral("cityops: last checkpoint failed: %1")
                                  .arg(QString::fromStdString(taken.error())));
        }
    }
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication::setOrganizationName(QStringLiteral("CityOps"));
    QCoreApplication::setApplicationName(QStringLiteral("cityops"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CITYOPS_VERSION));

    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    const auto crash = cityops::crash::installForQtApp(arguments, CITYOPS_VERSION, CITYOPS_COMMIT);
    if (arguments.size() > 1 && arguments[1] == QLatin1String("analyze")) {
        return cityops::app::runAnalyzeCommand(arguments);
    }
    if (arguments.size() > 1 && arguments[1] == QLatin1String("batch")) {
        return cityops::app::runBatchCommand(arguments);
    }
    if (arguments.size() > 1 && arguments[1] == QLatin1String("sql")) {
        return cityops::app::runSqlCommand(arguments);
    }
    if (arguments.size() > 1 && arguments[1] == QLatin1String("audit")) {
        return cityops::app::runAuditCommand(arguments);
    }
    const auto parsed = cityops::app::parseCommandLine(arguments);
    if (!parsed.options) {
        printLine(stderr, QStringLiteral("cityops: %1").arg(parsed.error));
        return 2;
    }
    const CliOptions& o = *parsed.options;
    if (o.showHelp) {
        std::fputs(cityops::app::helpText().toLocal8Bit().constData(), stdout);
        return 0;
    }
    if (o.showVersion) {
        printLine(stdout, QStringLiteral("cityops %1").arg(QStringLiteral(CITYOPS_VERSION)));
        return 0;
    }
    if (!o.crashTest.isEmpty()) return cityops::crash::runCrashTest(o.crashTest);
    if (o.demo) {
        if (hasDisplay()) return runDemo(argc, argv, o);
        printLine(stderr, QStringLiteral("cityops: --demo needs a display (DISPLAY and WAYLAND_DISPLAY are unset)."));
        return 3;
    }
    if (o.listScenarios) {
        for (const auto& name : sim::builtinScenarioNames()) printLine(stdout, QString::fromStdString(name));
        return 0;
    }

    auto loaded = sim::loadScenario(o.scenario.toStdString());
    if (const auto* error = std::get_if<sim::ScenarioError>(&loaded)) {
        const QString where = error->line > 0 ? QStringLiteral(" line %1:").arg(error->line) : QString();
        printLine(stderr, QStringLiteral("cityops: scenario '%1':%2 %3")
                              .arg(o.scenario, where, QString::fromStdString(error->message)));
        return 2;
    }
    auto scenario = std::get<sim::Scenario>(std::move(loaded));
    if (o.seed) scenario.seed = *o.seed;
    if (o.sensors) scenario.sensorCount = *o.sensors;

    if (o.headless) {
        cityops::crash::printPendingReport(crash.directory);
        return runHeadlessMode(o, scenario);
    }
    if (!hasDisplay()) {
        printLine(stderr, QStringLiteral("cityops: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the "
                                         "console cannot open a window.\nRun the same pipeline without a window:\n  %1")
                              .arg(headlessEquivalent(arguments.front(), o)));
        return 3;
    }
    return runConsole(argc, argv, o, scenario, crash.directory);
}
