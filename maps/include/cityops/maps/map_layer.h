#pragma once

#include <QString>
#include <array>

namespace cityops::maps {

//! A toggleable layer of the MapView, listed bottom to top in painting order.
enum class MapLayer {
    Districts,  //!< choropleth of the latest 5-minute CO2 average per district
    Traffic,    //!< road segments coloured by their traffic sensors' latest speed
    HeatMap,    //!< blurred CO2 intensity field
    Sensors,    //!< sensors coloured by value, clustered at low zoom
    Alerts,     //!< alert rings
};

inline constexpr int kMapLayerCount = 5;
inline constexpr std::array<MapLayer, kMapLayerCount> kAllMapLayers{
    MapLayer::Districts, MapLayer::Traffic, MapLayer::HeatMap, MapLayer::Sensors, MapLayer::Alerts};

//! Stable, untranslated identifier of a layer (settings keys, object names): "districts", "traffic", ...
QString layerId(MapLayer layer);
//! The translated name shown in the layer panel.
QString layerTitle(MapLayer layer);
//! A translated one-line legend of what the layer's colours mean.
QString layerLegend(MapLayer layer);

}  // namespace cityops::maps
