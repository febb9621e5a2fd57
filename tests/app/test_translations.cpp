#include <QtTest>

//! Ukrainian and Russian: the catalogues compiled by the build load, translate the console's
//! strings, and no entry of the .ts sources is left unfinished.
class TestTranslations : public QObject {
    Q_OBJECT

private slots:
    void catalogueTranslates_data() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("context");
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expected");
        QTest::newRow("uk alerts dock") << QStringLiteral("uk") << QStringLiteral("cityops::widgets::MainWindow")
                                        << QStringLiteral("Alerts") << QStringLiteral("Тривоги");
        QTest::newRow("ru alerts dock") << QStringLiteral("ru") << QStringLiteral("cityops::widgets::MainWindow")
                                        << QStringLiteral("Alerts") << QStringLiteral("Тревоги");
        QTest::newRow("uk severity") << QStringLiteral("uk") << QStringLiteral("cityops::widgets::AlertModel")
                                     << QStringLiteral("Critical") << QStringLiteral("Критично");
        QTest::newRow("ru map legend") << QStringLiteral("ru") << QStringLiteral("cityops::maps::MapView")
                                       << QStringLiteral("no value yet") << QStringLiteral("ещё нет значения");
    }
    void catalogueTranslates() {
        QFETCH(QString, language);
        QFETCH(QString, context);
        QFETCH(QString, source);
        QFETCH(QString, expected);
        QTranslator translator;
        QVERIFY(translator.load(QStringLiteral(CITYOPS_QM_DIR "/cityops_%1.qm").arg(language)));
        QCOMPARE(translator.translate(context.toUtf8().constData(), source.toUtf8().constData()), expected);
    }

    void noUnfinishedEntries_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("uk") << QStringLiteral(CITYOPS_TS_DIR "/cityops_uk.ts");
        QTest::newRow("ru") << QStringLiteral(CITYOPS_TS_DIR "/cityops_ru.ts");
    }
    void noUnfinishedEntries() {
        QFETCH(QString, file);
        QFile ts(file);
        QVERIFY(ts.open(QIODevice::ReadOnly));
        const QByteArray text = ts.readAll();
        QVERIFY(text.count("<message>") > 40);
        QCOMPARE(text.count("type=\"unfinished\""), qsizetype{0});
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "test_translations.moc"
