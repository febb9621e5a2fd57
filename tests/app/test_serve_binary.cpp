//! The shipped binary serving: `cityops --headless --scenario co2-episode --serve` on an ephemeral
//! port, queried with a real HTTP client (Boost.Beast) for alerts and metrics, then stopped by SIGTERM.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "serving_client.h"

class TestServeBinary : public QObject {
    Q_OBJECT

private slots:
    void headlessRunServesAlertsAndMetrics() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcess p;
        p.setProgram(QStringLiteral(CITYOPS_BINARY));
        p.setArguments({QStringLiteral("--headless"), QStringLiteral("--scenario"), QStringLiteral("co2-episode"),
                        QStringLiteral("--serve"), QStringLiteral("--serve-port"), QStringLiteral("0"),
                        QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--speed"), QStringLiteral("600"),
                        QStringLiteral("--duration"), QStringLiteral("40m"), QStringLiteral("--checkpoint-interval"),
                        QStringLiteral("1s"), QStringLiteral("--workers"), QStringLiteral("2")});
        p.start();
        QVERIFY(p.waitForStarted());
        auto stop = qScopeGuard([&p] {
            if (p.state() != QProcess::NotRunning) {
                p.terminate();
                if (!p.waitForFinished(20'000)) p.kill();
            }
        });

        // "serving http://127.0.0.1:<port>/api/v1 (token in <file>; ...)"
        static const QRegularExpression announced(QString::fromUtf8(R"(serving http://127\.0\.0\.1:(\d+)/api/v1)"));
        QString out;
        int port = 0;
        for (int i = 0; i < 600 && port == 0; ++i) {
            p.waitForReadyRead(100);
            out += QString::fromLocal8Bit(p.readAllStandardOutput());
            if (const auto m = announced.match(out); m.hasMatch()) port = m.captured(1).toInt();
            QVERIFY2(p.state() == QProcess::Running, qPrintable(out + QString::fromLocal8Bit(p.readAllStandardError())));
        }
        QVERIFY2(port > 0, qPrintable(out));
        QFile tokenFile(dir.filePath(QStringLiteral("serve-token")));
        QVERIFY(tokenFile.open(QIODevice::ReadOnly));
        QCOMPARE(tokenFile.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFileDevice::Permissions());
        const std::string token = tokenFile.readLine().trimmed().toStdString();

        serving_test::HttpClient anonymous(static_cast<unsigned short>(port), "");
        QCOMPARE(anonymous.get("/api/v1/alerts").status, 401);

        // The CO2 episode starts ten simulated minutes in; alerts are stored with each checkpoint.
        serving_test::HttpClient client(static_cast<unsigned short>(port), token);
        QJsonArray alerts;
        for (int i = 0; i < 240 && alerts.isEmpty(); ++i) {
            const auto reply = client.get("/api/v1/alerts?kind=co2_high&limit=5");
            QCOMPARE(reply.status, 200);
            alerts = QJsonDocument::fromJson(QByteArray::fromStdString(reply.body)).object()[QStringLiteral("alerts")].toArray();
            if (alerts.isEmpty()) QThread::msleep(250);
        }
        QVERIFY2(!alerts.isEmpty(), "no CO2 alert was served");
        QCOMPARE(alerts[0].toObject()[QStringLiteral("rule")].toString(), QStringLiteral("co2_high"));
        QCOMPARE(alerts[0].toObject()[QStringLiteral("district")].toString(), QStringLiteral("Podilskyi"));

        // An operator acknowledges it over the API.
        const std::string id = alerts[0].toObject()[QStringLiteral("id")].toString().toStdString();
        const auto acted = client.post("/api/v1/alerts/" + id + "/actions", R"({"action":"acknowledge","operator":"api-test"})");
        QCOMPARE(acted.status, 200);
        QVERIFY(acted.body.find("\"acknowledged\"") != std::string::npos);

        const auto metrics = anonymous.get("/metrics");
        QCOMPARE(metrics.status, 200);
        static const QRegularExpression eventsIn(QString::fromUtf8(R"(cityops_events_in_total\{[^}]*\} ([0-9.e+]+))"));
        const auto m = eventsIn.match(QString::fromStdString(metrics.body));
        QVERIFY2(m.hasMatch(), metrics.body.c_str());
        QVERIFY(m.captured(1).toDouble() > 0.0);
        QVERIFY(metrics.body.find("cityops_alerts{state=\"acknowledged\"} 1") != std::string::npos);

        p.terminate();
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestServeBinary)
#include "test_serve_binary.moc"
