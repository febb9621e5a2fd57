#include "cli_options.h"

#include <QRegularExpression>

namespace cityops::app {

std::optional<std::int64_t> parseDuration(const QString& text) {
    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)"));
    const QString t = text.trimmed().toLower();
    if (t.isEmpty()) return std::nullopt;
    double total = 0.0;
    qsizetype pos = 0;
    while (pos < t.size()) {
        const auto match = part.match(t, pos, QRegularExpression::NormalMatch,
                                      QRegularExpression::AnchorAtOffsetMatchOption);
        if (!match.hasMatch()) return std::nullopt;
        const double n = match.captured(1).toDouble();
        const QString unit = match.captured(2);
        const double scale = unit == QLatin1String("ms") ? 1.0
                             : unit == QLatin1String("s") ? 1e3
                             : unit == QLatin1String("m") ? 60e3
                             : unit == QLatin1String("h") ? 3600e3
                                                          : 86400e3;
        total += n * scale;
        pos = match.capturedEnd(0);
    }
    if (total <= 0.0 || total > 366.0 * 86400e3) return std::nullopt;
    return static_cast<std::int64_t>(total);
}

QString helpText() {
    return QStringLiteral(
        "Usage: cityops [options]\n"
        "       cityops analyze <file.csv> [--xlsx F] [--html F] [--csv F] [--jsonl F]   retail workflow, headless\n"
        "CityOps operations console with its embedded city simulator and stream engine.\n"
        "\n"
        "Options:\n"
        "  --headless               run the pipeline without a window and print a summary\n"
        "  --scenario <file|name>   scenario file (.json) or built-in name (default: co2-episode)\n"
        "  --list-scenarios         list the built-in scenarios\n"
        "  --duration <time>        simulated time to run headless, e.g. 90s, 10m, 1h (default: 10m)\n"
        "  --speed <x|max>          simulated seconds per real second (default: 60; max = as fast as possible)\n"
        "  --seed <n>               override the scenario's random seed\n"
        "  --sensors <n>            override the number of sensors in the generated city (100..100000)\n"
        "  --workers <n>            engine worker threads (default: number of cores)\n"
        "  --data-dir <dir>         headless: run the design's four jobs from an event log in <dir> into\n"
        "                           <dir>/cityops.db with checkpoints; a killed run resumes exactly once.\n"
        "                           console: store the jobs' results there with checkpoints and resume\n"
        "  --checkpoint-interval <time>  with --data-dir: time between checkpoints (default: 30s)\n"
        "  --serve                  serve the REST/WebSocket API and /metrics (see docs/SERVING.md)\n"
        "  --serve-port <n>         port to serve on (default: 8787; 0 = any free port)\n"
        "  --serve-bind <addr>      address to bind (default: 127.0.0.1)\n"
        "  --serve-token <file>     bearer token file (default: <data-dir>/serve-token, created 0600)\n"
        "  --language <en|uk|ru>    user-interface language\n"
        "  --demo                   self-running offline demo in wall mode (Esc or Ctrl+Q ends it)\n"
        "  --demo-speed <x>         demo: simulated seconds per real second (default: per scenario)\n"
        "  --demo-exit-after <n>    demo: stop after n scenarios (default: loop forever)\n"
        "  --screenshot <file.png>  save a screenshot of the main window and quit\n"
        "  --screenshot-after <s>   seconds to run before the screenshot (default: 8)\n"
        "  --version                print the version\n"
        "  -h, --help               print this help\n"
        "\n"
        "Example: cityops --headless --scenario co2-episode --duration 10m --speed 60\n");
}

namespace {

template <typename T>
bool parseNumber(const QString& text, T& out, T lo, T hi) {
    bool ok = false;
    const qlonglong v = text.toLongLong(&ok);
    if (!ok || v < static_cast<qlonglong>(lo) || v > static_cast<qlonglong>(hi)) return false;
    out = static_cast<T>(v);
    return true;
}

}  // namespace

CliParseResult parseCommandLine(const QStringList& arguments) {
    CliOptions o;
    auto fail = [](const QString& message) { return CliParseResult{std::nullopt, message}; };
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        QString arg = arguments[i];
        QString value;
        bool hasInlineValue = false;
        if (arg.startsWith(QLatin1String("--")) && arg.contains(QLatin1Char('='))) {
            value = arg.section(QLatin1Char('='), 1);
            arg = arg.section(QLatin1Char('='), 0, 0);
            hasInlineValue = true;
        }
        auto takeValue = [&](QString& out) {
            if (hasInlineValue) {
                out = value;
                return true;
            }
            if (i + 1 >= arguments.size()) return false;
            out = arguments[++i];
            return true;
        };
        QString v;
        if (arg == QLatin1String("--headless")) {
            o.headless = true;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            o.showHelp = true;
        } else if (arg == QLatin1String("--version") || arg == QLatin1String("-v")) {
            o.showVersion = true;
        } else if (arg == QLatin1String("--list-scenarios")) {
            o.listScenarios = true;
        } else if (arg == QLatin1String("--scenario")) {
            if (!takeValue(v) || v.isEmpty()) return fail(QStringLiteral("--scenario needs a file or a built-in name"));
            o.scenario = v;
        } else if (arg == QLatin1String("--duration")) {
            if (!takeValue(v)) return fail(QStringLiteral("--duration needs a value such as 10m"));
            const auto ms = parseDuration(v);
            if (!ms) return fail(QStringLiteral("--duration: '%1' is not a duration such as 90s, 10m or 1h30m").arg(v));
            o.durationMs = *ms;
            o.durationGiven = true;
        } else if (arg == QLatin1String("--speed")) {
            if (!takeValue(v)) return fail(QStringLiteral("--speed needs a factor such as 60, or max"));
            if (v == QLatin1String("max")) {
                o.speed = 0.0;
            } else {
                bool ok = false;
                o.speed = v.toDouble(&ok);
                if (!ok || o.speed <= 0.0 || o.speed > 100000.0)
                    return fail(QStringLiteral("--speed: '%1' must be a factor from 0.1 to 100000, or max").arg(v));
            }
        } else if (arg == QLatin1String("--seed")) {
            std::uint64_t seed = 0;
            if (!takeValue(v) || !parseNumber<std::uint64_t>(v, seed, 0, 0x7fffffffffffffffULL))
                return fail(QStringLiteral("--seed needs a non-negative integer"));
            o.seed = seed;
        } else if (arg == QLatin1String("--sensors")) {
            std::uint32_t n = 0;
            if (!takeValue(v) || !parseNumber<std::uint32_t>(v, n, 100, 100000))
                return fail(QStringLiteral("--sensors needs an integer from 100 to 100000"));
            o.sensors = n;
        } else if (arg == QLatin1String("--workers")) {
            if (!takeValue(v) || !parseNumber<int>(v, o.workers, 1, 64))
                return fail(QStringLiteral("--workers needs an integer from 1 to 64"));
        } else if (arg == QLatin1String("--data-dir")) {
            if (!takeValue(v) || v.isEmpty()) return fail(QStringLiteral("--data-dir needs a directory"));
            o.dataDir = v;
        } else if (arg == QLatin1String("--checkpoint-interval")) {
            if (!takeValue(v)) return fail(QStringLiteral("--checkpoint-interval needs a value such as 30s"));
            const auto ms = parseDuration(v);
            if (!ms || *ms <= 0)
                return fail(QStringLiteral("--checkpoint-interval: '%1' is not a positive duration such as 500ms or 30s").arg(v));
            o.checkpointIntervalMs = *ms;
        } else if (arg == QLatin1String("--serve")) {
            o.serve = true;
        } else if (arg == QLatin1String("--serve-port")) {
            if (!takeValue(v) || !parseNumber<int>(v, o.servePort, 0, 65535))
                return fail(QStringLiteral("--serve-port needs a port from 0 to 65535 (0 = any free port)"));
        } else if (arg == QLatin1String("--serve-bind")) {
            if (!takeValue(v) || v.isEmpty()) return fail(QStringLiteral("--serve-bind needs an IP address"));
            o.serveBind = v;
        } else if (arg == QLatin1String("--serve-token")) {
            if (!takeValue(v) || v.isEmpty()) return fail(QStringLiteral("--serve-token needs a file"));
            o.serveTokenFile = v;
        } else if (arg == QLatin1String("--language")) {
            if (!takeValue(v) || !QStringList{QStringLiteral("en"), QStringLiteral("uk"), QStringLiteral("ru")}.contains(v))
                return fail(QStringLiteral("--language must be en, uk or ru"));
            o.language = v;
        } else if (arg == QLatin1String("--demo")) {
            o.demo = true;
        } else if (arg == QLatin1String("--demo-speed")) {
            bool ok = false;
            if (takeValue(v)) o.demoSpeed = v.toDouble(&ok);
            if (!ok || o.demoSpeed < 1.0 || o.demoSpeed > 100000.0)
                return fail(QStringLiteral("--demo-speed needs a factor from 1 to 100000"));
        } else if (arg == QLatin1String("--demo-exit-after")) {
            if (!takeValue(v) || !parseNumber<int>(v, o.demoExitAfter, 1, 1000000))
                return fail(QStringLiteral("--demo-exit-after needs a number of scenarios from 1"));
        } else if (arg == QLatin1String("--crash-test")) {  // test-only, not in --help (app/crash/README.md)
            if (!takeValue(v) || !QStringList{QStringLiteral("segv"), QStringLiteral("abort"), QStringLiteral("throw")}.contains(v))
                return fail(QStringLiteral("--crash-test must be segv, abort or throw"));
            o.crashTest = v;
        } else if (arg == QLatin1String("--screenshot")) {
            if (!takeValue(v) || v.isEmpty()) return fail(QStringLiteral("--screenshot needs a .png path"));
            o.screenshotPath = v;
        } else if (arg == QLatin1String("--screenshot-after")) {
            bool ok = false;
            if (takeValue(v)) o.screenshotAfterSeconds = v.toDouble(&ok);
            if (!ok || o.screenshotAfterSeconds < 0.0 || o.screenshotAfterSeconds > 3600.0)
                return fail(QStringLiteral("--screenshot-after needs seconds from 0 to 3600"));
        } else {
            return fail(QStringLiteral("unknown option '%1' (see --help)").arg(arguments[i]));
        }
    }
    return CliParseResult{o, QString()};
}

}  // namespace cityops::app
