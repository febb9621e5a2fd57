#include "cityops/widgets/crash_report_dialog.h"

#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFile>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace cityops::widgets {

namespace {

const QString kOfferKey = QStringLiteral("crashReports/offer");
constexpr qint64 kMaxShownBytes = 256 * 1024;
//! The marker app/crash writes beside a report once it was offered.
const QString kOfferedSuffix = QStringLiteral(".offered");

}  // namespace

CrashReportDialog::CrashReportDialog(const QString& reportPath, QWidget* parent)
    : QDialog(parent),
      m_path(reportPath),
      m_text(new QPlainTextEdit(this)),
      m_dontAsk(new QCheckBox(tr("Don't ask again about crash reports"), this)),
      m_copy(new QPushButton(tr("Copy path"), this)),
      m_delete(new QPushButton(tr("Delete report"), this)) {
    setObjectName(QStringLiteral("crashReportDialog"));
    setWindowTitle(tr("CityOps crashed last time"));
    auto* intro = new QLabel(
        tr("The previous run of CityOps ended with a crash. A report with the stack trace, the version and the last "
           "log lines was saved to:\n%1\nNothing was sent anywhere; attach the file to a bug report if you like.")
            .arg(reportPath),
        this);
    intro->setWordWrap(true);
    intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setObjectName(QStringLiteral("crashReportText"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    QFile file(reportPath);
    if (file.open(QIODevice::ReadOnly)) {
        m_text->setPlainText(QString::fromUtf8(file.read(kMaxShownBytes)));
    } else {
        m_text->setPlainText(tr("The report cannot be read: %1").arg(file.errorString()));
    }
    m_dontAsk->setObjectName(QStringLiteral("crashReportDontAsk"));
    m_copy->setObjectName(QStringLiteral("crashReportCopy"));
    m_delete->setObjectName(QStringLiteral("crashReportDelete"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_copy, QDialogButtonBox::ActionRole);
    buttons->addButton(m_delete, QDialogButtonBox::DestructiveRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_copy, &QPushButton::clicked, this, &CrashReportDialog::copyPath);
    connect(m_delete, &QPushButton::clicked, this, &CrashReportDialog::deleteReport);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_dontAsk);
    layout->addWidget(buttons);
    resize(760, 520);
}

bool CrashReportDialog::offersEnabled() { return QSettings().value(kOfferKey, true).toBool(); }

void CrashReportDialog::setOffersEnabled(bool enabled) { QSettings().setValue(kOfferKey, enabled); }

CrashReportDialog* CrashReportDialog::offer(QWidget* parent, const QString& reportPath) {
    if (!offersEnabled() || !QFile::exists(reportPath)) return nullptr;
    auto* dialog = new CrashReportDialog(reportPath, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

bool CrashReportDialog::deleteReport() {
    if (!QFile::remove(m_path)) {
        m_text->appendPlainText(tr("\nThe report could not be deleted."));
        return false;
    }
    QFile::remove(m_path + kOfferedSuffix);
    accept();
    return true;
}

void CrashReportDialog::copyPath() {
    if (QClipboard* clipboard = QGuiApplication::clipboard()) clipboard->setText(m_path);
}

void CrashReportDialog::done(int result) {
    if (m_dontAsk->isChecked()) setOffersEnabled(false);
    QDialog::done(result);
}

}  // namespace cityops::widgets
