#include "batch_command.h"

#include <cstdio>
#include <optional>
#include <string>

#include "cityops/engine/history/history_jobs.h"

namespace cityops::app {

namespace {

namespace history = cityops::engine::history;

constexpr const char* kUsage =
    "Usage: cityops batch <hourly|daily|noise|quality|forecast|reconcile|all> --data-dir DIR\n"
    "                     [--month YYYY-MM] [--json] [--window-minutes N] [--no-correct]\n"
    "Runs the batch jobs over the stored history in DIR (cityops.db and archive/, as written by\n"
    "`cityops --headless --data-dir DIR`) for one month (default: the month of the newest reading):\n"
    "  hourly     per-sensor hourly aggregates into window_aggregates (+ district hours reported)\n"
    "  daily      parking and air-quality reports per district and day\n"
    "  noise      monthly noise statistics per district (docs/BATCH_HISTORY.md)\n"
    "  quality    gaps, stuck sensors, out-of-range values, duplicates\n"
    "  forecast   hour-of-week + trend model of energy (or traffic) with its holdout error\n"
    "  reconcile  recompute windows from the archive, explain and correct differences (data_lineage)\n"
    "--window-minutes: the stored window size reconcile checks (default 60); --no-correct: report only.\n";

void print(std::FILE* to, const std::string& text) {
    std::fputs(text.c_str(), to);
    if (text.empty() || text.back() != '\n') std::fputc('\n', to);
}

}  // namespace

int runBatchCommand(const QStringList& arguments) {
    std::optional<history::BatchJob> job;
    history::BatchRunOptions options;
    bool json = false;
    for (qsizetype i = 2; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        const bool takesValue = arg == QLatin1String("--data-dir") || arg == QLatin1String("--month") ||
                                arg == QLatin1String("--window-minutes");
        if (takesValue && (i + 1 >= arguments.size() || arguments[i + 1].isEmpty())) {
            std::fprintf(stderr, "cityops batch: %s needs a value\n", arg.toLocal8Bit().constData());
            return 2;
        }
        if (arg == QLatin1String("--data-dir")) {
            options.dataDir = arguments[++i].toStdString();
        } else if (arg == QLatin1String("--month")) {
            const std::string text = arguments[++i].toStdString();
            options.month = history::parseYearMonth(text);
            if (!options.month) {
                std::fprintf(stderr, "cityops batch: --month '%s' is not YYYY-MM\n", text.c_str());
                return 2;
            }
        } else if (arg == QLatin1String("--window-minutes")) {
            bool ok = false;
            const int minutes = arguments[++i].toInt(&ok);
            if (!ok || minutes <= 0 || 60 % minutes != 0) {
                std::fprintf(stderr, "cityops batch: --window-minutes must divide 60\n");
                return 2;
            }
            options.reconcileWindowMs = minutes * 60'000LL;
        } else if (arg == QLatin1String("--json")) {
            json = true;
        } else if (arg == QLatin1String("--no-correct")) {
            options.correct = false;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (!job && !arg.startsWith(QLatin1Char('-'))) {
            job = history::parseBatchJob(arg.toStdString());
            if (!job) {
                std::fprintf(stderr, "cityops batch: unknown job '%s'\n%s", arg.toLocal8Bit().constData(), kUsage);
                return 2;
            }
        } else {
            std::fprintf(stderr, "cityops batch: unknown option '%s'\n%s", arg.toLocal8Bit().constData(), kUsage);
            return 2;
        }
    }
    if (!job) {
        std::fprintf(stderr, "cityops batch: no job given\n%s", kUsage);
        return 2;
    }
    if (options.dataDir.empty()) {
        std::fprintf(stderr, "cityops batch: --data-dir is required\n%s", kUsage);
        return 2;
    }
    const history::BatchRunOutput out = history::runBatchJobs(*job, options);
    if (!out.error.empty()) {
        std::fprintf(stderr, "cityops batch: %s", out.error.c_str());
    }
    if (json) {
        if (!out.json.empty()) print(stdout, out.json);
    } else if (!out.text.empty()) {
        print(stdout, out.text);
    }
    return out.exitCode;
}

}  // namespace cityops::app
