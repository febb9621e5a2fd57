#include "cityops/maps/map_layer.h"

#include <QCoreApplication>

namespace cityops::maps {

QString layerId(MapLayer layer) {
    switch (layer) {
        case MapLayer::Districts:
            return QStringLiteral("districts");
        case MapLayer::Traffic:
            return QStringLiteral("traffic");
        case MapLayer::HeatMap:
            return QStringLiteral("heatMap");
        case MapLayer::Sensors:
            return QStringLiteral("sensors");
        case MapLayer::Alerts:
            return QStringLiteral("alerts");
    }
    return QString();
}

QString layerTitle(MapLayer layer) {
    switch (layer) {
        case MapLayer::Districts:
            return QCoreApplication::translate("cityops::maps::MapLayer", "District CO\u2082 (5-min mean)");
        case MapLayer::Traffic:
            return QCoreApplication::translate("cityops::maps::MapLayer", "Traffic speed on roads");
        case MapLayer::HeatMap:
            return QCoreApplication::translate("cityops::maps::MapLayer", "Air-quality heat map");
        case MapLayer::Sensors:
            return QCoreApplication::translate("cityops::maps::MapLayer", "Sensors");
        case MapLayer::Alerts:
            return QCoreApplication::translate("cityops::maps::MapLayer", "Alert markers");
    }
    return QString();
}

QString layerLegend(MapLayer layer) {
    switch (layer) {
        case MapLayer::Districts:
            return QCoreApplication::translate("cityops::maps::MapLayer",
                                               "Fill: mean CO\u2082 of the last 5-minute window, green ≤ 600, "
                                               "red ≥ 1000 ppm");
        case MapLayer::Traffic:
            return QCoreApplication::translate("cityops::maps::MapLayer",
                                               "Green ≥ 50 km/h, yellow 30 km/h, red ≤ 15 km/h, grey = no data");
        case MapLayer::HeatMap:
            return QCoreApplication::translate("cityops::maps::MapLayer",
                                               "Glow where CO\u2082 exceeds 600 ppm, red at 1000 ppm and above");
        case MapLayer::Sensors:
            return QCoreApplication::translate("cityops::maps::MapLayer",
                                               "Dots by latest value; at low zoom, numbered clusters take the "
                                               "worst member's colour");
        case MapLayer::Alerts:
            return QCoreApplication::translate("cityops::maps::MapLayer",
                                               "Rings: blue info, orange warning, red critical");
    }
    return QString();
}

}  // namespace cityops::maps
