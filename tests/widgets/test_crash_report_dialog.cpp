#include <QCheckBox>
#include <QClipboard>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QtTest>

#include "cityops/widgets/crash_report_dialog.h"

using cityops::widgets::CrashReportDialog;

//! The offer of a previous crash's report (offscreen): shown when a report exists, shows its text,
//! deletes it (and its offered marker), and "don't ask again" is remembered.
class TestCrashReportDialog : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeReport(const QString& name) {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly)) f.write("CityOps crash report\nsignal: SIGSEGV (11)\n");
        QFile marker(path + QStringLiteral(".offered"));
        if (marker.open(QIODevice::WriteOnly)) marker.close();
        return path;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void offersAnExistingReport() {
        QWidget parent;
        QVERIFY(CrashReportDialog::offersEnabled());
        QVERIFY(!CrashReportDialog::offer(&parent, m_dir.filePath(QStringLiteral("missing.txt"))));
        const QString path = writeReport(QStringLiteral("crash-1.txt"));
        QPointer<CrashReportDialog> dialog = CrashReportDialog::offer(&parent, path);
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        auto* text = dialog->findChild<QPlainTextEdit*>(QStringLiteral("crashReportText"));
        QVERIFY(text && text->toPlainText().contains(QStringLiteral("signal: SIGSEGV")));
        dialog->copyPath();
        QCOMPARE(QGuiApplication::clipboard()->text(), path);
        dialog->reject();
        QTRY_VERIFY(dialog.isNull());  // deletes itself on close
        QVERIFY(QFile::exists(path));  // closing keeps the report
        QVERIFY(CrashReportDialog::offersEnabled());
    }

    void deleteRemovesTheReport() {
        QWidget parent;
        const QString path = writeReport(QStringLiteral("crash-2.txt"));
        QPointer<CrashReportDialog> dialog = CrashReportDialog::offer(&parent, path);
        QVERIFY(dialog);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("crashReportDelete")), Qt::LeftButton);
        QVERIFY(!QFile::exists(path));
        QVERIFY(!QFile::exists(path + QStringLiteral(".offered")));
        QTRY_VERIFY(dialog.isNull());
    }

    void dontAskAgainIsRemembered() {
        QWidget parent;
        const QString path = writeReport(QStringLiteral("crash-3.txt"));
        QPointer<CrashReportDialog> dialog = CrashReportDialog::offer(&parent, path);
        QVERIFY(dialog);
        dialog->findChild<QCheckBox*>(QStringLiteral("crashReportDontAsk"))->setChecked(true);
        dialog->reject();
        QVERIFY(!CrashReportDialog::offersEnabled());
        QVERIFY(!QSettings().value(QStringLiteral("crashReports/offer"), true).toBool());
        QVERIFY(!CrashReportDialog::offer(&parent, path));
        CrashReportDialog::setOffersEnabled(true);
    }
};

QTEST_MAIN(TestCrashReportDialog)
#include "test_crash_report_dialog.moc"
