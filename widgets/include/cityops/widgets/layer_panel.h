#pragma once

#include <QAbstractListModel>
#include <QWidget>

#include "cityops/maps/map_layer.h"

class QListView;

namespace cityops::widgets {

class ConsoleSettings;

//! The map layers as a checkable list over ConsoleSettings: checking a row stores the layer's
//! visibility (the window applies it to the map), and a settings change updates the row.
class MapLayerModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        LayerRole = Qt::UserRole + 1,  //!< int(maps::MapLayer)
        LegendRole,                    //!< what the layer's colours mean
    };

    explicit MapLayerModel(ConsoleSettings& settings, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

    QModelIndex indexOf(maps::MapLayer layer) const { return index(static_cast<int>(layer)); }

private:
    ConsoleSettings& m_settings;
};

//! The Layers dock's content: the checkable layer list with a colour swatch per layer and the legends.
class LayerPanel : public QWidget {
    Q_OBJECT

public:
    explicit LayerPanel(ConsoleSettings& settings, QWidget* parent = nullptr);

    MapLayerModel& model() const { return *m_model; }
    QListView& view() const { return *m_view; }

private:
    MapLayerModel* m_model;
    QListView* m_view;
};

}  // namespace cityops::widgets
