#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

#include "cityops/engine/log/event_log.h"
#include "runtime_sqlite_support.h"
#include "runtime_test_support.h"

using namespace runtime_test;
namespace elog = cityops::engine::log;

namespace {

constexpr int kKeys = 16;
constexpr int kPerKey = 1'500;
constexpr int kGarbageEvery = 101;
constexpr int kCheckpointMs = 50;
constexpr int kPaceUs = 5'000;  //!< per poll of 100 records: an uninterrupted run lasts over a second
constexpr int kKillsPerRound = 3;

//! The log the job reads: kKeys × kPerKey events with per-key sequence numbers, in time order per
//! partition, plus an undecodable record every kGarbageEvery records (dead letters).
void fillLog(const QString& dir) {
    elog::LogConfig config;
    config.directory = dir.toStdString();
    config.topics = {{"events", 4, 7 * elog::kDayMs}};
    config.syncPolicy = elog::SyncPolicy::Manual;
    auto eventLog = elog::EventLog::open(config);
    QVERIFY(eventLog.ok());
    const auto events = makeEvents(kKeys, kPerKey, 1'000);
    const char garbage[] = "{\"sensor_id\": \"NaN\"}";
    std::vector<elog::RecordInput> inputs;
    for (std::size_t i = 0; i < events.size(); ++i) {
        inputs.push_back({events[i].time, events[i].key, 7, std::as_bytes(std::span(&events[i], 1))});
        if (i % kGarbageEvery == 0) {
            inputs.push_back({events[i].time, events[i].key, 0, std::as_bytes(std::span(garbage))});
        }
    }
    elog::LogEventSink sink(**eventLog);
    QVERIFY(sink.send("events", inputs).ok());
    QVERIFY((*eventLog)->sync().ok());
}

struct ChildRun {
    bool done = false;
    bool killed = false;
    bool restored = false;
    int checkpoints = 0;
    double firstBatchMs = -1.0;    //!< as the child measured it from main()
    qint64 firstBatchSeenMs = -1;  //!< from QProcess::start to the FIRST line, as the test saw it
    QByteArray errors;
};

//! Runs the job process; with killAfterCheckpoint, SIGKILLs it a random 0–150 ms after the first
//! checkpoint it commits (unless it finishes first).
ChildRun runChild(const QString& logDir, const QString& db, int workers, std::mt19937* killRandom) {
    ChildRun run;
    QProcess process;
    process.setProgram(QStringLiteral(CITYOPS_CRASH_JOB));
    process.setArguments({logDir, db, QString::number(workers), QString::number(kCheckpointMs),
                          QString::number(kPaceUs)});
    QElapsedTimer clock;
    clock.start();
    process.start();
    if (!process.waitForStarted(10'000)) {
        run.errors = "could not start the job process";
        return run;
    }
    qint64 killAt = -1;
    const qint64 deadline = 120'000;
    while (process.state() != QProcess::NotRunning && clock.elapsed() < deadline) {
        const int wait = killAt >= 0 ? static_cast<int>(std::max<qint64>(0, killAt - clock.elapsed())) : 100;
        process.waitForReadyRead(std::min(wait, 100));
        while (process.canReadLine()) {
            const QByteArray line = process.readLine().trimmed();
            if (line.startsWith("CHECKPOINT")) {
                ++run.checkpoints;
                if (killRandom != nullptr && killAt < 0) {
                    killAt = clock.elapsed() + std::uniform_int_distribution<int>(0, 150)(*killRandom);
                }
            } else if (line.startsWith("FIRST")) {
                run.firstBatchMs = line.mid(6).toDouble();
                run.firstBatchSeenMs = clock.elapsed();
            } else if (line.startsWith("RESTORED")) {
                run.restored = true;
            } else if (line.startsWith("DONE")) {
                run.done = true;
            }
        }
        if (killAt >= 0 && clock.elapsed() >= killAt && process.state() != QProcess::NotRunning) {
            process.kill();  // SIGKILL
            run.killed = true;
            break;
        }
    }
    process.waitForFinished(30'000);
    while (process.canReadLine()) {
        if (process.readLine().startsWith("DONE")) {
            run.done = true;
        }
    }
    if (run.killed && run.done) {
        run.killed = false;  // it finished before the signal landed
    }
    if (!run.killed && (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)) {
        run.errors = "exit code " + QByteArray::number(process.exitCode()) + ": " + process.readAllStandardError();
    }
    return run;
}

int trials() {
    const QByteArray env = qgetenv("CITYOPS_CRASH_TRIALS");
    const int n = env.isEmpty() ? kKillsPerRound : env.toInt();
    return std::max(1, n);
}

}  // namespace

//! A real process kill: SIGKILL the job at random moments after a checkpoint, restart it (with
//! varying worker counts), and compare the sink tables with an uninterrupted run.
class TestRuntimeCrash : public QObject {
    Q_OBJECT

private slots:
    void killedAndRestartedRunEqualsUninterruptedRun() {
        QTemporaryDir dir;
        const QString logDir = dir.filePath(QStringLiteral("log"));
        fillLog(logDir);
        if (QTest::currentTestFailed()) {
            return;
        }
        const QString refDb = dir.filePath(QStringLiteral("reference.db"));
        const ChildRun reference = runChild(logDir, refDb, 2, nullptr);
        QVERIFY2(reference.done, reference.errors.constData());
        const std::filesystem::path ref = refDb.toStdString();
        const auto refWindows = dumpRows(ref, kWindowRowsSql);
        const auto refSums = dumpRows(ref, kSumRowsSql);
        const auto refAlerts = dumpRows(ref, kAlertRowsSql);
        const auto refLetters = dumpRows(ref, kDeadLetterRowsSql);
        QCOMPARE(refSums.size(), std::size_t{kKeys * kPerKey});
        QCOMPARE(refLetters.size(), std::size_t{(kKeys * kPerKey + kGarbageEvery - 1) / kGarbageEvery});

        const unsigned seed = std::random_device{}();
        qInfo("crash test: %d kill(s), random seed %u", trials(), seed);
        std::mt19937 random(seed);
        int kills = 0;
        for (int round = 0; kills < trials(); ++round) {
            const QString db = dir.filePath(QStringLiteral("crash-%1.db").arg(round));
            int roundKills = 0;
            for (int attempt = 0; roundKills < kKillsPerRound && kills < trials() && attempt < 3 * kKillsPerRound;
                 ++attempt) {
                const int workers = 1 + (kills % 3);
                const ChildRun run = runChild(logDir, db, workers, &random);
                QVERIFY2(run.errors.isEmpty(), run.errors.constData());
                if (run.restored) {
                    qInfo("restart with %d worker(s): first batch processed %.1f ms after main() (%lld ms after "
                          "spawn)",
                          workers, run.firstBatchMs, static_cast<long long>(run.firstBatchSeenMs));
                }
                if (!run.killed) {
                    break;  // the job got to the end before the kill
                }
                ++kills;
                ++roundKills;
            }
            QVERIFY2(roundKills > 0, "the job finished before any kill: make it run longer");
            const ChildRun last = runChild(logDir, db, 2, nullptr);
            QVERIFY2(last.done, last.errors.constData());
            QVERIFY(last.restored);

            const std::filesystem::path path = db.toStdString();
            QCOMPARE(dumpRows(path, kWindowRowsSql), refWindows);
            QCOMPARE(dumpRows(path, kSumRowsSql), refSums);
            QCOMPARE(dumpRows(path, kAlertRowsSql), refAlerts);
            QCOMPARE(dumpRows(path, kDeadLetterRowsSql), refLetters);
            // No gaps and no repeats, independently of the reference: every key's sequence numbers
            // 0..kPerKey-1 once each, and its windows count every event once.
            const auto perKey = dumpRows(path, "SELECT sensor_id, count(*), min(seq), max(seq), "
                                               "sum(seq) FROM readings GROUP BY 1");
            QCOMPARE(perKey.size(), std::size_t{kKeys});
            const std::string expectedTail = "|" + std::to_string(kPerKey) + "|0|" + std::to_string(kPerKey - 1) +
                                             "|" + std::to_string(std::int64_t{kPerKey} * (kPerKey - 1) / 2);
            for (const std::string& row : perKey) {
                QVERIFY2(row.ends_with(expectedTail), row.c_str());
            }
            for (const std::string& row : dumpRows(path, "SELECT sensor_id, sum(count) FROM window_aggregates "
                                                         "GROUP BY 1")) {
                QVERIFY2(row.ends_with("|" + std::to_string(kPerKey)), row.c_str());
            }
        }
        QVERIFY(kills >= trials());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeCrash)
#include "test_runtime_crash.moc"
