#pragma once

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QPlainTextEdit;

namespace cityops::widgets {

//! Asks for the disposition (required: OK stays disabled until one is chosen) and an optional note.
class AlertResolveDialog : public QDialog {
    Q_OBJECT

public:
    explicit AlertResolveDialog(quint64 alertId, QWidget* parent = nullptr);
    //! The chosen disposition's key (AlertWorkflow::dispositions()), empty if none.
    QString disposition() const;
    QString note() const;
    QComboBox& dispositionBox() const { return *m_disposition; }
    QDialogButtonBox& buttons() const { return *m_buttons; }

private:
    QComboBox* m_disposition;
    QPlainTextEdit* m_note;
    QDialogButtonBox* m_buttons;
};

}  // namespace cityops::widgets
