#include "analyze_command.h"

#include <cstdio>
#include <string>

#include "cityops/engine/batch/retail_workflow.h"

namespace cityops::app {

namespace {

void printText(std::FILE* to, const std::string& text) {
    std::fputs(text.c_str(), to);
    if (text.empty() || text.back() != '\n') std::fputc('\n', to);
}

constexpr const char* kUsage =
    "Usage: cityops analyze <file.csv> [--quiet]\n"
    "Runs the retail cleaning workflow (steps 1.1-4.1) on a sales CSV and prints each step.\n";

}  // namespace

int runAnalyzeCommand(const QStringList& arguments) {
    QString csvPath;
    bool quiet = false;
    for (qsizetype i = 2; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg == QLatin1String("--quiet")) {
            quiet = true;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (!arg.startsWith(QLatin1Char('-')) && csvPath.isEmpty()) {
            csvPath = arg;
        } else {
            std::fprintf(stderr, "cityops analyze: unknown option '%s'\n%s", arg.toLocal8Bit().constData(), kUsage);
            return 2;
        }
    }
    if (csvPath.isEmpty()) {
        std::fprintf(stderr, "cityops analyze: no CSV file given\n%s", kUsage);
        return 2;
    }

    const auto result = engine::batch::runRetailWorkflow(csvPath.toStdString());
    if (!result) {
        std::fprintf(stderr, "cityops analyze: %s\n", result.error().c_str());
        return 2;
    }
    const engine::batch::RetailReport& report = result.value();
    for (const engine::batch::RetailStep& step : report.steps) {
        printText(stdout, "== " + step.id + " " + step.title);
        printText(stdout, step.summary);
        if (!quiet && !step.text.empty()) printText(stdout, step.text);
    }
    std::printf("rows_loaded: %zu\nrows_rejected: %zu\nrows_dropped: %zu\nfinal_rows: %zu\n", report.rowsLoaded,
                report.rowsRejected, report.rowsDropped, report.finalRows);
    return 0;
}

}  // namespace cityops::app
