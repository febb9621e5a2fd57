#pragma once

#include <QString>
#include <QStringList>
#include <filesystem>

#include "cityops/crash/crash_reporter.h"

namespace cityops::crash {

//! What main() keeps after installing crash reporting.
struct QtCrashSetup {
    std::filesystem::path directory;  //!< where reports are written and looked for
    InstallResult result = InstallResult::Failed;
};

//! <dataDir>/crashes when a data directory is given, else QStandardPaths::AppLocalDataLocation/crashes.
std::filesystem::path crashDirectory(const QString& dataDir);
//! The value of --data-dir (or --data-dir=) in a command line, empty when absent.
QString dataDirArgument(const QStringList& arguments);

//! For Qt programs: installs a Qt message handler that copies every message into the crash log ring
//! (then hands it to the handler that was installed before, so output is unchanged), and install()s
//! the crash handlers writing into crashDirectory(dataDirArgument(arguments)). Call once in main()
//! after the organisation and application names are set.
QtCrashSetup installForQtApp(const QStringList& arguments, const char* version, const char* commit);

//! Headless start: one line on stderr naming the newest report of a previous crash (then it counts
//! as offered). Returns whether there was one.
bool printPendingReport(const std::filesystem::path& directory);

//! Test-only `--crash-test segv|abort|throw`: logs a few lines (they must appear in the report) and
//! crashes. Returns 2 with a message for an unknown kind.
int runCrashTest(const QString& kind);

}  // namespace cityops::crash
