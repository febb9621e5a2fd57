#include <QtTest>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <csignal>
#include <vector>

#include "cityops/crash/crash_reporter.h"

extern char** environ;

//! Crash reports of the real binary: `cityops --crash-test segv|abort|throw` dies by the signal and
//! leaves exactly one report (signal, version, commit, backtrace, last log lines) in the data
//! location; the next headless start names it on stderr once. Plus the log ring and report listing.
class TestCrashReport : public QObject {
    Q_OBJECT

    struct Outcome {
        bool signalled = false;
        int signal = 0;
        int exitCode = -1;
        QString err;
    };

    //! Runs cityops with XDG_DATA_HOME/XDG_CONFIG_HOME inside home; waitpid tells the signal.
    static Outcome run(const QStringList& arguments, const QString& home) {
        QStringList env = QProcessEnvironment::systemEnvironment().toStringList();
        env << QStringLiteral("XDG_DATA_HOME=%1/data").arg(home) << QStringLiteral("XDG_CONFIG_HOME=%1/config").arg(home)
            << QStringLiteral("QT_QPA_PLATFORM=offscreen");
        std::vector<QByteArray> storage;
        for (const QString& e : env) storage.push_back(e.toLocal8Bit());
        std::vector<char*> envp;
        for (QByteArray& e : storage) envp.push_back(e.data());
        envp.push_back(nullptr);
        std::vector<QByteArray> argStorage{QByteArray(CITYOPS_BINARY)};
        for (const QString& a : arguments) argStorage.push_back(a.toLocal8Bit());
        std::vector<char*> argv;
        for (QByteArray& a : argStorage) argv.push_back(a.data());
        argv.push_back(nullptr);

        const QByteArray errPath = (home + QStringLiteral("/stderr.txt")).toLocal8Bit();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        Outcome out;
        const int spawned = posix_spawn(&pid, CITYOPS_BINARY, &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) return out;
        int status = 0;
        waitpid(pid, &status, 0);
        out.signalled = WIFSIGNALED(status);
        out.signal = out.signalled ? WTERMSIG(status) : 0;
        out.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        QFile err(QString::fromLocal8Bit(errPath));
        if (err.open(QIODevice::ReadOnly)) out.err = QString::fromLocal8Bit(err.readAll());
        return out;
    }

    static QStringList reportsIn(const QString& dir) {
        QStringList found;
        for (const QString& name : QDir(dir).entryList({QStringLiteral("crash-*.txt")}, QDir::Files))
            found << dir + QLatin1Char('/') + name;
        return found;
    }

private slots:
    void initTestCase() {
        const rlimit noCore{0, 0};
        setrlimit(RLIMIT_CORE, &noCore);  // inherited: the crashes below leave no core files
    }

    void crashWritesReport_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("signalName");
        QTest::newRow("segv") << QStringLiteral("segv") << int(SIGSEGV) << QStringLiteral("SIGSEGV");
        QTest::newRow("abort") << QStringLiteral("abort") << int(SIGABRT) << QStringLiteral("SIGABRT");
        QTest::newRow("throw") << QStringLiteral("throw") << int(SIGABRT) << QStringLiteral("SIGABRT");
    }

    void crashWritesReport() {
        if (cityops::crash::sanitizerBuild()) QSKIP("sanitizer build: ASan/UBSan report crashes, our handler is not installed");
        QFETCH(QString, kind);
        QFETCH(int, signal);
        QFETCH(QString, signalName);
        QTemporaryDir home;
        QVERIFY(home.isValid());

        const Outcome crashed = run({QStringLiteral("--crash-test"), kind}, home.path());
        QVERIFY2(crashed.signalled, qPrintable(QStringLiteral("exit %1, stderr: %2").arg(crashed.exitCode).arg(crashed.err)));
        QCOMPARE(crashed.signal, signal);

        const QString crashDir = home.path() + QStringLiteral("/data/CityOps/cityops/crashes");
        const QStringList reports = reportsIn(crashDir);
        QCOMPARE(reports.size(), 1);
        QVERIFY2(crashed.err.contains(reports.front()), qPrintable(crashed.err));
        QFile file(reports.front());
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString report = QString::fromUtf8(file.readAll());
        QVERIFY2(report.contains(QStringLiteral("signal: %1 (%2)").arg(signalName).arg(signal)), qPrintable(report));
        QVERIFY(report.contains(QRegularExpression(QStringLiteral("^version: \\d+\\.\\d+"),
                                                   QRegularExpression::MultilineOption)));
        QVERIFY(report.contains(QRegularExpression(QStringLiteral("^commit: \\S+"), QRegularExpression::MultilineOption)));
        QVERIFY(report.contains(QRegularExpression(QStringLiteral("^time: \\d{4}-\\d\\d-\\d\\dT"),
                                                   QRegularExpression::MultilineOption)));
        const qsizetype traceStart = report.indexOf(QStringLiteral("backtrace:\n"));
        const qsizetype logStart = report.indexOf(QStringLiteral("last log lines:\n"));
        QVERIFY(traceStart > 0 && logStart > traceStart);
        const QStringList frames = report.mid(traceStart + 11, logStart - traceStart - 11).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(frames.size() >= 3, qPrintable(report));
        const QString log = report.mid(logStart);
        QVERIFY2(log.contains(QStringLiteral("crash test requested: %1").arg(kind)), qPrintable(log));
        QVERIFY(log.contains(QStringLiteral("crash test: crashing now")));
        if (kind == QLatin1String("throw")) {
            QVERIFY2(report.contains(QStringLiteral("exception: uncaught std::runtime_error: crash test")), qPrintable(report));
        }

        // The next start names the report once, on stderr; the one after stays quiet.
        const QStringList headless{QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("quiet-day"),
                                   QStringLiteral("--duration"), QStringLiteral("2m"), QStringLiteral("--speed"),
                                   QStringLiteral("max")};
        const Outcome next = run(headless, home.path());
        QCOMPARE(next.exitCode, 0);
        QVERIFY2(next.err.contains(QStringLiteral("previous run crashed")) && next.err.contains(reports.front()),
                 qPrintable(next.err));
        const Outcome after = run(headless, home.path());
        QCOMPARE(after.exitCode, 0);
        QVERIFY2(!after.err.contains(reports.front()), qPrintable(after.err));
        QCOMPARE(reportsIn(crashDir).size(), 1);  // offered, not deleted
    }

    void dataDirHoldsTheReports() {
        if (cityops::crash::sanitizerBuild()) QSKIP("sanitizer build: our handler is not installed");
        QTemporaryDir home;
        const QString dataDir = home.path() + QStringLiteral("/city");
        const Outcome crashed = run({QStringLiteral("--crash-test"), QStringLiteral("abort"), QStringLiteral("--data-dir"), dataDir},
                                    home.path());
        QVERIFY(crashed.signalled);
        QCOMPARE(reportsIn(dataDir + QStringLiteral("/crashes")).size(), 1);
        QVERIFY(reportsIn(home.path() + QStringLiteral("/data/CityOps/cityops/crashes")).isEmpty());
    }

    void logRingKeepsTheLastLines() {
        for (int i = 0; i < 200; ++i) cityops::crash::recordLogLine(std::string("line ") + std::to_string(i));
        cityops::crash::recordLogLine(std::string(1000, 'x'));
        const std::vector<std::string> lines = cityops::crash::recentLogLines();
        QCOMPARE(lines.size(), std::size_t{64});
        QCOMPARE(QString::fromStdString(lines.front()), QStringLiteral("line 137"));
        QVERIFY(lines.back().size() < 1000);  // cut to the slot, not lost
    }

    void pendingReportsNewestFirstAndOfferedOnce() {
        QTemporaryDir dir;
        for (const char* name : {"crash-20261101T100000Z-1.txt", "crash-20261102T100000Z-2.txt", "other.txt"}) {
            QFile f(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        const auto pending = cityops::crash::pendingReports(dir.path().toStdString());
        QCOMPARE(pending.size(), std::size_t{2});
        QCOMPARE(QString::fromStdString(pending.front().filename().string()), QStringLiteral("crash-20261102T100000Z-2.txt"));
        const auto taken = cityops::crash::takePendingReport(dir.path().toStdString());
        QVERIFY(taken && *taken == pending.front());
        QVERIFY(cityops::crash::pendingReports(dir.path().toStdString()).empty());
        QVERIFY(cityops::crash::removeReport(*taken));
        QVERIFY(!QFile::exists(QString::fromStdString(taken->string())));
        QVERIFY(!QFile::exists(QString::fromStdString(taken->string()) + QStringLiteral(".offered")));
    }
};

QTEST_GUILESS_MAIN(TestCrashReport)
#include "test_crash_report.moc"
