#pragma once

#include <QDialog>
#include <array>

#include "cityops/maps/map_layer.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace cityops::widgets {

class ConsoleSettings;

//! File → Settings…: edits every ConsoleSettings entry. OK and Apply write the form into the settings,
//! which the window applies live (theme, speed, sound, frame rate, layers, wall cycle); the language
//! takes effect at the next start, as the dialog says. Restore Defaults resets the settings at once.
class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    SettingsDialog(ConsoleSettings& settings, QWidget* parent = nullptr);

    //! Writes the form into the settings.
    void apply();
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
};

}  // namespace cityops::widgets
