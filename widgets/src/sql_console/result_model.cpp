#include "cityops/widgets/sql_console/result_model.h"

#include <QBrush>
#include <QPalette>
#include <limits>

namespace cityops::widgets::sql_console {

namespace {

constexpr quintptr kTableLevel = std::numeric_limits<quintptr>::max();  //!< internalId of top-level rows

bool isNumeric(engine::batch::DataType type) {
    return type == engine::batch::DataType::Int64 || type == engine::batch::DataType::Double;
}

}  // namespace

ResultModel::ResultModel(QObject* parent) : QAbstractTableModel(parent) {}

void ResultModel::setOutcome(std::shared_ptr<const SqlOutcome> outcome) {
    beginResetModel();
    m_outcome = std::move(outcome);
    endResetModel();
}

int ResultModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !m_outcome) return 0;
    const std::size_t rows = m_outcome->result.table.rowCount();
    return static_cast<int>(std::min<std::size_t>(rows, std::numeric_limits<int>::max()));
}

int ResultModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid() || !m_outcome) return 0;
    return static_cast<int>(m_outcome->result.table.columnCount());
}

QVariant ResultModel::data(const QModelIndex& index, int role) const {
    if (!m_outcome || !index.isValid()) return {};
    const auto& column = m_outcome->result.table.column(static_cast<std::size_t>(index.column()));
    const auto row = static_cast<std::size_t>(index.row());
    switch (role) {
        case Qt::DisplayRole:
            if (column.isNull(row)) return QStringLiteral("NULL");
            return QString::fromStdString(column.toText(row));
        case Qt::TextAlignmentRole:
            return isNumeric(column.type()) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                            : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        case Qt::ForegroundRole:
            if (column.isNull(row)) return QBrush(QPalette().color(QPalette::Disabled, QPalette::Text));
            return {};
        case IsNullRole:
            return column.isNull(row);
        default:
            return {};
    }
}

QVariant ResultModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    }
    if (!m_outcome || section < 0 || section >= columnCount()) return {};
    const auto index = static_cast<std::size_t>(section);
    const QString type = QString::fromUtf8(engine::batch::typeName(m_outcome->result.table.column(index).type()));
    if (role == Qt::DisplayRole) {
        return QStringLiteral("%1\n%2").arg(QString::fromStdString(m_outcome->result.names[index]), type);
    }
    if (role == TypeRole) return type;
    if (role == Qt::ToolTipRole) return QString::fromStdString(m_outcome->result.names[index]) + QStringLiteral(" : ") + type;
    return {};
}

engine::batch::Table ResultModel::displayTable() const {
    if (!m_outcome) return {};
    engine::batch::Table table = m_outcome->result.table;
    for (std::size_t i = 0; i < table.columnCount() && i < m_outcome->result.names.size(); ++i) {
        table.renameColumn(i, m_outcome->result.names[i]);
    }
    return table;
}

CatalogModel::CatalogModel(const SqlRunner& runner, QObject* parent) : QAbstractItemModel(parent), m_runner(runner) {
    refresh();
}

void CatalogModel::refresh() {
    beginResetModel();
    m_tables = m_runner.schema();
    endResetModel();
}

QModelIndex CatalogModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= 2) return {};
    if (!parent.isValid()) {
        return row < static_cast<int>(m_tables.size()) ? createIndex(row, column, kTableLevel) : QModelIndex();
    }
    if (parent.internalId() != kTableLevel) return {};
    const auto& table = m_tables[static_cast<std::size_t>(parent.row())];
    if (row >= static_cast<int>(table.columns.size())) return {};
    return createIndex(row, column, static_cast<quintptr>(parent.row()));
}

QModelIndex CatalogModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == kTableLevel) return {};
    return createIndex(static_cast<int>(child.internalId()), 0, kTableLevel);
}

int CatalogModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return static_cast<int>(m_tables.size());
    if (parent.internalId() != kTableLevel || parent.column() != 0) return 0;
    return static_cast<int>(m_tables[static_cast<std::size_t>(parent.row())].columns.size());
}

int CatalogModel::columnCount(const QModelIndex&) const { return 2; }

QVariant CatalogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    if (index.internalId() == kTableLevel) {
        const auto& table = m_tables[static_cast<std::size_t>(index.row())];
        if (role == Qt::DisplayRole) {
            if (index.column() == 0) return table.name;
            if (!table.error.isEmpty()) return tr("error");
            return table.rows < 0 ? tr("loading…") : tr("%n row(s)", nullptr, static_cast<int>(table.rows));
        }
        if (role == Qt::ToolTipRole && !table.error.isEmpty()) return table.error;
        return {};
    }
    const auto& table = m_tables[static_cast<std::size_t>(index.internalId())];
    const auto& column = table.columns[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole) return index.column() == 0 ? column.name : column.type;
    return {};
}

QVariant CatalogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    return section == 0 ? tr("Name") : tr("Type / rows");
}

}  // namespace cityops::widgets::sql_console
