#include <QtTest>

#include "cli_options.h"

using cityops::app::parseCommandLine;
using cityops::app::parseDuration;

//! The command line is the contract of headless runs and scripts: every option and every error.
class TestCliOptions : public QObject {
    Q_OBJECT

    static QStringList args(std::initializer_list<const char*> list) {
        QStringList out{QStringLiteral("cityops")};
        for (const char* a : list) out << QString::fromLatin1(a);
        return out;
    }

private slots:
    void durations() {
        QCOMPARE(parseDuration(QStringLiteral("10m")).value(), 600'000);
        QCOMPARE(parseDuration(QStringLiteral("90s")).value(), 90'000);
        QCOMPARE(parseDuration(QStringLiteral("1h30m")).value(), 5'400'000);
        QCOMPARE(parseDuration(QStringLiteral("2d")).value(), 172'800'000);
        QCOMPARE(parseDuration(QStringLiteral("250ms")).value(), 250);
        QVERIFY(!parseDuration(QStringLiteral("")));
        QVERIFY(!parseDuration(QStringLiteral("10")));
        QVERIFY(!parseDuration(QStringLiteral("ten minutes")));
        QVERIFY(!parseDuration(QStringLiteral("0s")));
        QVERIFY(!parseDuration(QStringLiteral("10m garbage")));
    }

    void headlessRunOfTheBrief() {
        const auto r = parseCommandLine(
            args({"--headless", "--scenario", "co2-episode", "--duration", "10m", "--speed", "60"}));
        QVERIFY2(r.options.has_value(), qPrintable(r.error));
        QVERIFY(r.options->headless);
        QCOMPARE(r.options->scenario, QStringLiteral("co2-episode"));
        QCOMPARE(r.options->durationMs, 600'000);
        QVERIFY(r.options->durationGiven);
        QCOMPARE(r.options->speed, 60.0);
    }

    void inlineValuesAndOverrides() {
        const auto r = parseCommandLine(args({"--speed=max", "--seed=7", "--sensors", "500", "--workers=2",
                                              "--language", "uk", "--screenshot", "/tmp/x.png"}));
        QVERIFY2(r.options.has_value(), qPrintable(r.error));
        QCOMPARE(r.options->speed, 0.0);
        QCOMPARE(r.options->seed.value(), std::uint64_t{7});
        QCOMPARE(r.options->sensors.value(), std::uint32_t{500});
        QCOMPARE(r.options->workers, 2);
        QCOMPARE(r.options->language, QStringLiteral("uk"));
        QCOMPARE(r.options->screenshotPath, QStringLiteral("/tmp/x.png"));
    }

    void durableJobsRun() {
        const auto r = parseCommandLine(args({"--headless", "--data-dir", "/tmp/city", "--checkpoint-interval", "500ms"}));
        QVERIFY2(r.options.has_value(), qPrintable(r.error));
        QCOMPARE(r.options->dataDir, QStringLiteral("/tmp/city"));
        QCOMPARE(r.options->checkpointIntervalMs, 500);
        const auto defaults = parseCommandLine(args({"--headless"}));
        QVERIFY(defaults.options->dataDir.isEmpty());
        QCOMPARE(defaults.options->checkpointIntervalMs, 30'000);
    }

    void errorsNameTheOption_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown") << args({"--frobnicate"}) << QStringLiteral("unknown option '--frobnicate'");
        QTest::newRow("duration") << args({"--duration", "soon"}) << QStringLiteral("--duration: 'soon'");
        QTest::newRow("missing value") << args({"--scenario"}) << QStringLiteral("--scenario needs");
        QTest::newRow("speed") << args({"--speed", "-3"}) << QStringLiteral("--speed: '-3'");
        QTest::newRow("sensors") << args({"--sensors", "5"}) << QStringLiteral("--sensors needs an integer from 100");
        QTest::newRow("language") << args({"--language", "de"}) << QStringLiteral("--language must be");
        QTest::newRow("data dir") << args({"--data-dir"}) << QStringLiteral("--data-dir needs a directory");
        QTest::newRow("checkpoint interval") << args({"--checkpoint-interval", "often"})
                                             << QStringLiteral("--checkpoint-interval: 'often'");
    }
    void errorsNameTheOption() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const auto r = parseCommandLine(arguments);
        QVERIFY(!r.options.has_value());
        QVERIFY2(r.error.contains(expected), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestCliOptions)
#include "test_cli_options.moc"
