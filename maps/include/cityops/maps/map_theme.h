#pragma once

#include <QColor>

namespace cityops::maps {

//! The colours of the map's base layers, so the map follows the console's dark or light theme. The
//! data colours (sensor ramp, alert severities) are the same in both themes.
struct MapTheme {
    QColor background;
    QColor road;
    QColor districtOutline;
    QColor districtLabel;
    QColor labelShadow;
    int districtFillAlpha = 70;

    //! The control-room default: dark background, light labels.
    static MapTheme dark();
    static MapTheme light();
};

}  // namespace cityops::maps
