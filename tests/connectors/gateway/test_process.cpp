#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "gateway_cli.h"
#include "gateway_test_support.h"

using namespace cityops::connectors::gateway;
using namespace cityops::connectors::gateway::test;
using cityops::app::GatewayCommand;
using cityops::app::parseGatewayCommand;
using cityops::engine::Reading;

namespace {

constexpr int kWaitMs = 15000;

//! Reads the process's stdout JSON lines until one satisfies accept; returns it (empty on timeout).
QJsonObject waitForLine(QProcess& process, const std::function<bool(const QJsonObject&)>& accept) {
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kWaitMs) {
        while (process.canReadLine()) {
            const QJsonObject line = QJsonDocument::fromJson(process.readLine()).object();
            if (accept(line)) return line;
        }
        if (process.state() == QProcess::NotRunning) break;
        process.waitForReadyRead(100);
    }
    return {};
}

QStringList gatewayArgs(const QTemporaryDir& dir) {
    return {QStringLiteral("--gateway"),        QStringLiteral("1"),
            QStringLiteral("--listen-tcp"),     QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--listen-udp"),     QStringLiteral("off"),
            QStringLiteral("--log-dir"),        dir.filePath(QStringLiteral("log")),
            QStringLiteral("--buffer-dir"),     dir.filePath(QStringLiteral("buffer")),
            QStringLiteral("--stats-interval"), QStringLiteral("0.05"),
            QStringLiteral("--linger-ms"),      QStringLiteral("5")};
}

std::string parse(std::vector<std::string> args, GatewayCommand& command) { return parseGatewayCommand(args, command); }

}  // namespace

//! cityops-gateway as its own process: the command line, and a SIGKILL that loses nothing buffered.
class TestProcess : public QObject {
    Q_OBJECT

private slots:
    void commandLineFillsTheConfig();
    void commandLineErrorsNameTheOption();
    void killedGatewayRestartsAndDrainsItsDiskBuffer();
};

void TestProcess::commandLineFillsTheConfig() {
    GatewayCommand c;
    QCOMPARE(parse({"--gateway", "3", "--log-dir", "/l", "--buffer-dir", "/b", "--buffer-max-mb", "2", "--buffer-full",
                    "drop-oldest", "--listen-udp", "off", "--stats-interval", "0.5", "--payload", "reading",
                    "--no-time-check", "--batch", "100"},
                   c),
             std::string());
    QCOMPARE(c.gateway.gateway, 3);
    QCOMPARE(c.logDir, std::string("/l"));
    QCOMPARE(c.gateway.buffer.directory.string(), std::string("/b"));
    QCOMPARE(c.gateway.buffer.maxBytes, 2u << 20);
    QVERIFY(c.gateway.buffer.fullPolicy == FullPolicy::DropOldest);
    QVERIFY(c.gateway.listenUdp.empty());
    QCOMPARE(c.gateway.listenTcp, std::string("0.0.0.0:9103"));
    QCOMPARE(c.statsInterval.count(), 500);
    QVERIFY(c.gateway.payload == PayloadFormat::Reading);
    QVERIFY(!c.gateway.checkTimestamps);
    QCOMPARE(c.gateway.batchRecords, 100u);
    QVERIFY(c.gateway.compression == cityops::connectors::gateway::Compression::Zlib);  // the default
    QVERIFY(!c.gateway.forwardPacked);
    GatewayCommand plain;
    QCOMPARE(parse({"--log-dir", "/l", "--buffer-dir", "/b", "--compression", "none", "--forward", "packed"}, plain),
             std::string());
    QVERIFY(plain.gateway.compression == cityops::connectors::gateway::Compression::None);
    QVERIFY(plain.gateway.forwardPacked);
    GatewayCommand kafka;
    QCOMPARE(parse({"--kafka", "broker1:9092,broker2:9092", "--buffer-dir", "/b"}, kafka), std::string());
    QCOMPARE(kafka.kafkaBootstrap, std::string("broker1:9092,broker2:9092"));
    QVERIFY(kafka.logDir.empty());
    GatewayCommand help;
    QCOMPARE(parse({"--help"}, help), std::string());
    QVERIFY(help.action == GatewayCommand::Action::Help);
}

void TestProcess::commandLineErrorsNameTheOption() {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--gateway", "4", "--log-dir", "l", "--buffer-dir", "b"}, "--gateway"},
        {{"--gateway", "1", "--buffer-dir", "b"}, "--log-dir"},
        {{"--gateway", "1", "--log-dir", "l"}, "--buffer-dir"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--buffer-max-mb", "lots"}, "--buffer-max-mb"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--listen-tcp", "localhost"}, "--listen-tcp"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--listen-udp", "h:99999"}, "--listen-udp"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--buffer-full", "panic"}, "--buffer-full"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--frobnicate"}, "--frobnicate"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--compression", "lz4"}, "--compression"},
        {{"--log-dir", "l", "--buffer-dir", "b", "--forward", "zipped"}, "--forward"},
        {{"--log-dir"}, "--log-dir needs a value"},
        {{"--log-dir", "l", "--kafka", "h:9092", "--buffer-dir", "b"}, "exclude each other"},
        {{"--kafka"}, "--kafka needs a value"},
    };
    for (const auto& [args, named] : cases) {
        GatewayCommand c;
        const std::string error = parse(args, c);
        QVERIFY2(error.find(named) != std::string::npos, error.c_str());
    }
}

void TestProcess::killedGatewayRestartsAndDrainsItsDiskBuffer() {
    QTemporaryDir dir;
    // A regular file where the log directory should be: the log cannot be opened, the upstream is down.
    { std::ofstream(dir.filePath(QStringLiteral("log")).toStdString()) << "not a directory"; }
    const std::vector<Reading> mine = routedTo(simulatedReadings(300, 10), 1);

    QProcess first;
    first.start(QStringLiteral(CITYOPS_GATEWAY_BIN), gatewayArgs(dir));
    QVERIFY2(first.waitForStarted(), qPrintable(first.errorString()));
    const QJsonObject started = waitForLine(first, [](const QJsonObject& o) { return o[QStringLiteral("event")] == QStringLiteral("started"); });
    QVERIFY2(!started.isEmpty(), first.readAllStandardError().constData());
    auto sender = connectSender(Transport::Tcp, static_cast<std::uint16_t>(started[QStringLiteral("tcp_port")].toInt()));
    QVERIFY(sender);
    QVERIFY(sender->send(mine) && sender->flush());
    const QJsonObject buffered = waitForLine(first, [&](const QJsonObject& o) {
        return o[QStringLiteral("stats")].toObject()[QStringLiteral("buffer_pending")].toInteger() ==
               static_cast<qint64>(mine.size());
    });
    QVERIFY2(!buffered.isEmpty(), "the gateway did not buffer every reading on disk");
    QVERIFY(!buffered[QStringLiteral("stats")].toObject()[QStringLiteral("upstream_up")].toBool());
    sender.reset();
    first.kill();  // SIGKILL: no chance to flush or clean up
    QVERIFY(first.waitForFinished());
    QCOMPARE(first.exitStatus(), QProcess::CrashExit);

    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("log"))));  // the upstream is back
    QProcess second;
    second.start(QStringLiteral(CITYOPS_GATEWAY_BIN), gatewayArgs(dir));
    QVERIFY(second.waitForStarted());
    const QJsonObject restarted = waitForLine(second, [](const QJsonObject& o) { return o[QStringLiteral("event")] == QStringLiteral("started"); });
    QCOMPARE(restarted[QStringLiteral("buffer_recovered")].toInteger(), static_cast<qint64>(mine.size()));
    const QJsonObject drained = waitForLine(second, [&](const QJsonObject& o) {
        return o[QStringLiteral("stats")].toObject()[QStringLiteral("drained")].toInteger() == static_cast<qint64>(mine.size());
    });
    QVERIFY2(!drained.isEmpty(), second.readAllStandardError().constData());
    second.terminate();  // SIGTERM: a clean stop
    const QJsonObject stopped = waitForLine(second, [](const QJsonObject& o) { return o[QStringLiteral("event")] == QStringLiteral("stopped"); });
    QVERIFY(!stopped.isEmpty());
    QVERIFY(second.waitForFinished());
    QCOMPARE(second.exitCode(), 0);
    QCOMPARE(stopped[QStringLiteral("stats")].toObject()[QStringLiteral("buffer_pending")].toInteger(), 0);

    auto log = openLog(dir.filePath(QStringLiteral("log")));
    QVERIFY(log);
    const QString problem = checkExactlyOnceInOrder(readLog(*log), mine);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(TestProcess)
#include "test_process.moc"
