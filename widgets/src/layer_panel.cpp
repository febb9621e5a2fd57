#include "cityops/widgets/layer_panel.h"

#include <QLabel>
#include <QLinearGradient>
#include <QListView>
#include <QPainter>
#include <QPixmap>
#include <QVBoxLayout>

#include "cityops/maps/sensor_color_scale.h"
#include "cityops/widgets/console_settings.h"

namespace cityops::widgets {

namespace {

//! A small picture of a layer's colours: the green → red ramp, or the three alert ring colours.
QPixmap swatch(maps::MapLayer layer) {
    QPixmap pixmap(36, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing, true);
    if (layer == maps::MapLayer::Alerts) {
        const QColor colours[] = {QColor(0x5a, 0xb4, 0xff), QColor(0xff, 0x9f, 0x1a), QColor(0xff, 0x2d, 0x55)};
        for (int i = 0; i < 3; ++i) {
            painter.setPen(QPen(colours[i], 1.8));
            painter.drawEllipse(QPointF(6.0 + 12.0 * i, 7.0), 4.5, 4.5);
        }
        return pixmap;
    }
    QLinearGradient gradient(0.0, 0.0, 36.0, 0.0);
    gradient.setColorAt(0.0, maps::SensorColorScale::rampColor(0.0));
    gradient.setColorAt(0.5, maps::SensorColorScale::rampColor(1.0));
    gradient.setColorAt(1.0, maps::SensorColorScale::rampColor(2.0));
    painter.setPen(Qt::NoPen);
    painter.setBrush(gradient);
    if (layer == maps::MapLayer::Traffic) {
        painter.drawRect(QRectF(0.0, 5.0, 36.0, 4.0));
    } else {
        painter.drawRoundedRect(QRectF(0.0, 1.0, 36.0, 12.0), 3.0, 3.0);
    }
    return pixmap;
}

}  // namespace

MapLayerModel::MapLayerModel(ConsoleSettings& settings, QObject* parent)
    : QAbstractListModel(parent), m_settings(settings) {
    connect(&m_settings, &ConsoleSettings::changed, this, [this](ConsoleSettings::Key key) {
        for (maps::MapLayer layer : maps::kAllMapLayers) {
            if (ConsoleSettings::layerKey(layer) != key) continue;
            const QModelIndex row = indexOf(layer);
            emit dataChanged(row, row, {Qt::CheckStateRole});
        }
    });
}

int MapLayerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : maps::kMapLayerCount;
}

QVariant MapLayerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const maps::MapLayer layer = maps::kAllMapLayers[static_cast<std::size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return maps::layerTitle(layer);
        case Qt::ToolTipRole:
        case LegendRole:
            return maps::layerLegend(layer);
        case Qt::CheckStateRole:
            return m_settings.layerVisible(layer) ? Qt::Checked : Qt::Unchecked;
        case Qt::DecorationRole:
            return swatch(layer);
        case LayerRole:
            return static_cast<int>(layer);
        default:
            return {};
    }
}

bool MapLayerModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::CheckStateRole || !checkIndex(index, CheckIndexOption::IndexIsValid)) return false;
    const maps::MapLayer layer = maps::kAllMapLayers[static_cast<std::size_t>(index.row())];
    m_settings.setLayerVisible(layer, value.value<Qt::CheckState>() == Qt::Checked);
    return true;
}

Qt::ItemFlags MapLayerModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
}

QHash<int, QByteArray> MapLayerModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(LayerRole, "layer");
    names.insert(LegendRole, "legend");
    return names;
}

LayerPanel::LayerPanel(ConsoleSettings& settings, QWidget* parent)
    : QWidget(parent), m_model(new MapLayerModel(settings, this)), m_view(new QListView) {
    m_view->setObjectName(QStringLiteral("layerList"));
    m_view->setModel(m_model);
    m_view->setIconSize(QSize(36, 14));
    m_view->setUniformItemSizes(true);
    m_view->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);

    QString legends;
    for (maps::MapLayer layer : maps::kAllMapLayers)
        legends += QStringLiteral("<p><b>%1</b><br>%2</p>")
                       .arg(maps::layerTitle(layer).toHtmlEscaped(), maps::layerLegend(layer).toHtmlEscaped());
    auto* legend = new QLabel(legends);
    legend->setObjectName(QStringLiteral("layerLegends"));
    legend->setWordWrap(true);
    legend->setTextFormat(Qt::RichText);
    legend->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_view);
    layout->addWidget(legend, 1);
}

}  // namespace cityops::widgets
