#include "audit_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "cityops/connectors/audit/audit_log.h"

namespace cityops::app {

namespace {

constexpr const char* kUsage =
    "Usage: cityops audit verify --data-dir DIR [--quiet]\n"
    "Checks the audit log of operator actions in DIR (audit.db and audit.head): every record's hash,\n"
    "the chain from each record to the one before, and the head. Exit code 0 when intact, 1 when a\n"
    "record was edited, deleted, reordered or removed from the end (the first bad one is named),\n"
    "2 for bad arguments or an unreadable log.\n";

}  // namespace

int runAuditCommand(const QStringList& arguments) {
    QString dataDir;
    bool quiet = false;
    bool verify = false;
    for (qsizetype i = 2; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg == QLatin1String("verify") && !verify) {
            verify = true;
        } else if (arg == QLatin1String("--data-dir")) {
            if (i + 1 >= arguments.size() || arguments[i + 1].isEmpty()) {
                std::fputs("cityops audit: --data-dir needs a directory\n", stderr);
                return 2;
            }
            dataDir = arguments[++i];
        } else if (arg == QLatin1String("--quiet")) {
            quiet = true;
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            std::fputs(kUsage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "cityops audit: unknown argument '%s'\n%s", arg.toLocal8Bit().constData(), kUsage);
            return 2;
        }
    }
    if (!verify || dataDir.isEmpty()) {
        std::fprintf(stderr, "cityops audit: %s\n%s", verify ? "no --data-dir given" : "no subcommand given", kUsage);
        return 2;
    }
    const std::filesystem::path dir(dataDir.toStdString());
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        std::fprintf(stderr, "cityops audit: '%s' is not a directory\n", dir.c_str());
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    const auto report = connectors::audit::AuditLog::verify(dir);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (report.ok) {
        if (!quiet) {
            std::printf("audit log intact: %llu records verified in %.3f s\n",
                        static_cast<unsigned long long>(report.records), seconds);
        }
        return 0;
    }
    if (!report.firstBadSeq) {
        std::fprintf(stderr, "cityops audit: %s\n", report.problem.c_str());
        return 2;
    }
    std::fprintf(stderr, "audit log TAMPERED: first bad record %lld: %s (%llu records before it are intact)\n",
                 static_cast<long long>(*report.firstBadSeq), report.problem.c_str(),
                 static_cast<unsigned long long>(report.records));
    return 1;
}

}  // namespace cityops::app
