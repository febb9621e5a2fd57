#pragma once

#include <QPalette>
#include <QString>

#include "cityops/maps/map_theme.h"

namespace cityops::widgets {

//! The console's colour themes: a dark control-room theme (the default) and a light one.
enum class Theme { Dark, Light };

//! Stable settings value of a theme ("dark", "light") and back (unknown text gives Dark).
QString themeId(Theme theme);
Theme themeFromId(const QString& id);

//! The whole window's palette for a theme.
QPalette themePalette(Theme theme);
//! The map's base-layer colours for a theme.
maps::MapTheme mapTheme(Theme theme);

}  // namespace cityops::widgets
