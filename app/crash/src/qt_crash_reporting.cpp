#include "cityops/crash/qt_crash_reporting.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QtGlobal>
#include <cstdio>

namespace cityops::crash {

namespace {

Q_LOGGING_CATEGORY(lcCrash, "cityops.crash")

QtMessageHandler g_previous = nullptr;

char typeLetter(QtMsgType type) {
    switch (type) {
        case QtDebugMsg: return 'D';
        case QtInfoMsg: return 'I';
        case QtWarningMsg: return 'W';
        case QtCriticalMsg: return 'C';
        case QtFatalMsg: return 'F';
    }
    return '?';
}

//! Formats outside any signal context (allocation is fine here) and stores the line lock-free.
void onMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss.zzz")).toUtf8() + ' ' +
                            typeLetter(type) + ' ' + QByteArray(context.category ? context.category : "default") +
                            ": " + message.toUtf8();
    recordLogLine(std::string_view(line.constData(), static_cast<std::size_t>(line.size())));
    if (g_previous) g_previous(type, context, message);
}

}  // namespace

std::filesystem::path crashDirectory(const QString& dataDir) {
    const QString base =
        dataDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) : dataDir;
    return std::filesystem::path(base.toStdString()) / "crashes";
}

QString dataDirArgument(const QStringList& arguments) {
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == QLatin1String("--data-dir") && i + 1 < arguments.size()) return arguments[i + 1];
        if (arguments[i].startsWith(QLatin1String("--data-dir="))) return arguments[i].section(QLatin1Char('='), 1);
    }
    return {};
}

QtCrashSetup installForQtApp(const QStringList& arguments, const char* version, const char* commit) {
    g_previous = qInstallMessageHandler(onMessage);
    QtCrashSetup setup;
    setup.directory = crashDirectory(dataDirArgument(arguments));
    CrashConfig config;
    config.directory = setup.directory;
    config.program = QCoreApplication::applicationName().toStdString();
    config.version = version;
    config.commit = commit;
    std::string error;
    setup.result = install(config, &error);
    if (setup.result == InstallResult::Failed) qCWarning(lcCrash, "crash reports disabled: %s", error.c_str());
    return setup;
}

bool printPendingReport(const std::filesystem::path& directory) {
    const auto report = takePendingReport(directory);
    if (!report) return false;
    std::fprintf(stderr, "cityops: the previous run crashed; its report is %s\n", report->string().c_str());
    return true;
}

int runCrashTest(const QString& kind) {
    qCInfo(lcCrash, "crash test requested: %s", qPrintable(kind));
    qCWarning(lcCrash, "crash test: the next line is the last before the crash");
    qCInfo(lcCrash, "crash test: crashing now");
    crashForTest(kind.toStdString());
    std::fprintf(stderr, "cityops: --crash-test takes segv, abort or throw\n");
    return 2;
}

}  // namespace cityops::crash
