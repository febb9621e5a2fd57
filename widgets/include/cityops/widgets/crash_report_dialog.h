#pragma once

#include <QDialog>
#include <QString>

class QCheckBox;
class QPlainTextEdit;
class QPushButton;

namespace cityops::widgets {

//! Offers the report of a previous crash (written by app/crash): shows it, copies its path, deletes
//! it, and remembers "don't ask again" (QSettings crashReports/offer).
class CrashReportDialog : public QDialog {
    Q_OBJECT

public:
    CrashReportDialog(const QString& reportPath, QWidget* parent = nullptr);

    //! False once the user ticked "don't ask again".
    static bool offersEnabled();
    static void setOffersEnabled(bool enabled);
    //! Opens the dialog window-modal (non-blocking) for reportPath, unless offers are disabled
    //! (then nullptr). The dialog deletes itself when closed.
    static CrashReportDialog* offer(QWidget* parent, const QString& reportPath);

    QString reportPath() const { return m_path; }
    //! Removes the report (and the marker beside it); closes the dialog when it succeeded.
    bool deleteReport();
    void copyPath();

protected:
    void done(int result) override;

private:
    QString m_path;
    QPlainTextEdit* m_text;
    QCheckBox* m_dontAsk;
    QPushButton* m_copy;
    QPushButton* m_delete;
};

}  // namespace cityops::widgets
