#include "analyze_command.h"

#include <QGuiApplication>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cityops/connectors/report_export.h"
#include "cityops/engine/batch/retail_workflow.h"
#include "cityops/widgets/workspace/pdf_report.h"

namespace cityops::app {

namespace {

void printText(std::FILE* to, const std::string& text) {
    std::fputs(text.c_str(), to);
    if (text.empty() || text.back() != '\n') std::fputc('\n', to);
}

constexpr const char* kUsage =
    "Usage: cityops analyze <file.csv> [--report F.pdf] [--xlsx F] [--html F] [--csv F] [--jsonl F] [--quiet]\n"
    "Runs the retail cleaning workflow (steps 1.1-4.1) on a sales CSV, prints each step and writes\n"
    "the report (PDF with tables and charts, XLSX with charts, self-contained HTML) and the cleaned\n"
    "data (CSV, JSON Lines).\n";

//! The PDF writer needs a QGuiApplication; a headless command makes one on the offscreen platform
//! unless the caller already runs one (or chose a platform).
std::unique_ptr<QGuiApplication> ensureGuiApplication() {
    if (QCoreApplication::instance() != nullptr) return nullptr;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    static int argc = 1;
    static char name[] = "cityops";
    static char* argv[] = {name, nullptr};
    return std::make_unique<QGuiApplication>(argc, argv);
}

//! One requested export: which writer and where.
struct ExportRequest {
    QString option;
    QString path;
};

}  // namespace

int runAnalyzeCommand(const QStringList& arguments) {
    QString csvPath;
    bool quiet = false;
    std::vector<ExportRequest> exports;
    for (qsizetype i = 2; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg == QLatin1String("--report") || arg == QLatin1String("--xlsx") || arg == QLatin1String("--html") ||
            arg == QLatin1String("--csv") || arg == QLatin1String("--jsonl")) {
            if (i + 1 >= arguments.size() || arguments[i + 1].isEmpty()) {
                std::fprintf(stderr, "cityops analyze: %s needs a file name\n", arg.toLocal8Bit().constData());
                return 2;
            }
            exports.push_back({arg, arguments[++i]});
        } else if (arg == QLatin1String("--quiet")) {
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

    int rc = 0;
    std::unique_ptr<QGuiApplication> gui;
    for (const ExportRequest& e : exports) {
        const std::string path = e.path.toStdString();
        std::string error;
        if (e.option == QLatin1String("--report")) {
            if (!gui) gui = ensureGuiApplication();
            error = widgets::workspace::writeRetailPdf(report, e.path, csvPath).toStdString();
        } else if (e.option == QLatin1String("--xlsx")) {
            error = connectors::writeRetailXlsx(report, path);
        } else if (e.option == QLatin1String("--html")) {
            error = connectors::writeRetailHtml(report, path);
        } else if (e.option == QLatin1String("--csv")) {
            error = connectors::writeTableCsv(report.withDateParts, path);
        } else {
            error = connectors::writeTableJsonLines(report.withDateParts, path);
        }
        if (error.empty()) {
            std::printf("wrote: %s\n", path.c_str());
        } else {
            std::fprintf(stderr, "cityops analyze: %s\n", error.c_str());
            rc = 4;
        }
    }
    return rc;
}

}  // namespace cityops::app
