#pragma once

#include <QDialog>
#include <array>

#include "cityops/maps/map_layer.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cityops::widgets {

class ConsoleSettings;

//! File → Settings…: edits every ConsoleSettings entry. OK and Apply write the form into the settings,
//! which the window applies live (theme, speed, sound, frame rate, layers, wall cycle); the language
//! takes effect at the next start, as the dialog says. Restore Defaults resets the settings at once.
//! The alert service group sets the escalation time and each service's dispatch webhook.
class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    SettingsDialog(ConsoleSettings& settings, QWidget* parent = nullptr);

    //! Writes the form into the settings. A webhook that is not an http:// URL is refused: nothing is
    //! written, the error names the service and the problem, and false is returned (OK keeps the
    //! dialog open).
    bool apply();
    //! Refills the form from the settings.
    void load();

private:
    ConsoleSettings& m_settings;
    QComboBox* m_theme;
    QComboBox* m_language;
    QDoubleSpinBox* m_speed;
    QCheckBox* m_sound;
    QSpinBox* m_frameRate;
    QSpinBox* m_wallCycle;
    std::array<QCheckBox*, maps::kMapLayerCount> m_layers{};
    QSpinBox* m_escalation;
    std::array<QLineEdit*, 4> m_webhooks{};  //!< in AlertWorkflow::services() order
    QLabel* m_webhookError;
};

}  // namespace cityops::widgets
