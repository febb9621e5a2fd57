#include "alert_resolve_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPlainTextEdit>
#include <QPushButton>

#include "cityops/widgets/alert_workflow.h"

namespace cityops::widgets {

AlertResolveDialog::AlertResolveDialog(quint64 alertId, QWidget* parent)
    : QDialog(parent),
      m_disposition(new QComboBox(this)),
      m_note(new QPlainTextEdit(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setWindowTitle(tr("Resolve alert %1").arg(alertId));
    m_disposition->setObjectName(QStringLiteral("disposition"));
    m_disposition->addItem(tr("Choose a disposition\u2026"), QString());
    for (const QString& key : AlertWorkflow::dispositions()) {
        m_disposition->addItem(AlertWorkflow::dispositionText(key), key);
    }
    m_note->setObjectName(QStringLiteral("resolveNote"));
    m_note->setPlaceholderText(tr("What was done (optional)"));
    auto* layout = new QFormLayout(this);
    layout->addRow(tr("Disposition:"), m_disposition);
    layout->addRow(tr("Note:"), m_note);
    layout->addRow(m_buttons);
    QPushButton* ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setText(tr("Resolve"));
    ok->setEnabled(false);
    connect(m_disposition, &QComboBox::currentIndexChanged, this,
            [this, ok] { ok->setEnabled(!disposition().isEmpty()); });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString AlertResolveDialog::disposition() const {
    return m_disposition->currentData().toString();
}

QString AlertResolveDialog::note() const {
    return m_note->toPlainText().trimmed();
}

}  // namespace cityops::widgets
