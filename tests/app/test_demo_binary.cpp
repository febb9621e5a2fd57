#include <QtTest>

//! `cityops --demo` as a user starts it, offscreen: it plays the playlist at the given speed, names
//! each scenario, stops after --demo-exit-after scenarios with exit code 0 and leaves nothing behind
//! (its temporary data directory is removed and the user's settings are not touched).
class TestDemoBinary : public QObject {
    Q_OBJECT

private slots:
    void demoRunsAndExitsCleanly() {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString tmp = home.path() + QStringLiteral("/tmp");
        QVERIFY(QDir().mkpath(tmp));
        const QString runtime = home.path() + QStringLiteral("/runtime");  // else Qt makes one under TMPDIR
        QVERIFY(QDir().mkpath(runtime));
        QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
        env.insert(QStringLiteral("TMPDIR"), tmp);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path() + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.path() + QStringLiteral("/data"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CITYOPS_BINARY),
                {QStringLiteral("--demo"), QStringLiteral("--demo-speed"), QStringLiteral("20000"),
                 QStringLiteral("--demo-exit-after"), QStringLiteral("2"), QStringLiteral("--workers"), QStringLiteral("2")});
        QVERIFY(p.waitForFinished(240'000));
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("demo: scenario 1/4 fire-podil")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("demo: scenario 2/4 co2-episode")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("demo: scenario fire-podil done:")), qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("demo: finished after 2 scenario(s)")), qPrintable(err));
        QVERIFY2(QDir(tmp).isEmpty(), qPrintable(QDir(tmp).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u' ')));
        QVERIFY(!QFileInfo::exists(home.path() + QStringLiteral("/config/CityOps")));
    }

    void demoWithoutDisplayExplains() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(QString::fromLatin1(name));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CITYOPS_BINARY), {QStringLiteral("--demo")});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 3);
        QVERIFY(QString::fromLocal8Bit(p.readAllStandardError()).contains(QStringLiteral("--demo needs a display")));
    }
};

QTEST_GUILESS_MAIN(TestDemoBinary)
#include "test_demo_binary.moc"
