#include "cityops/maps/map_theme.h"

namespace cityops::maps {

MapTheme MapTheme::dark() {
    MapTheme theme;
    theme.background = QColor(0x11, 0x15, 0x1c);
    theme.road = QColor(0x4a, 0x52, 0x60);
    theme.districtOutline = QColor(0x7a, 0x86, 0x99);
    theme.districtLabel = QColor(0xc8, 0xd0, 0xdc);
    theme.labelShadow = theme.background;
    theme.districtFillAlpha = 70;
    return theme;
}

MapTheme MapTheme::light() {
    MapTheme theme;
    theme.background = QColor(0xf2, 0xf0, 0xeb);
    theme.road = QColor(0xa8, 0xad, 0xb5);
    theme.districtOutline = QColor(0x6b, 0x76, 0x85);
    theme.districtLabel = QColor(0x22, 0x2a, 0x35);
    theme.labelShadow = QColor(0xff, 0xff, 0xff);
    theme.districtFillAlpha = 55;
    return theme;
}

}  // namespace cityops::maps
