#include "cityops/widgets/workspace/table_model.h"

#include <QBrush>
#include <QDate>
#include <QDateTime>
#include <QFont>
#include <QTimeZone>
#include <algorithm>
#include <limits>

namespace cityops::widgets::workspace {

using engine::batch::DataType;

TableModel::TableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TableModel::setTable(const engine::batch::Table& table, std::size_t maxRows) {
    beginResetModel();
    m_table = table;
    std::size_t rows = m_table.rowCount();
    if (maxRows > 0) rows = std::min(rows, maxRows);
    m_rows = static_cast<int>(std::min<std::size_t>(rows, std::numeric_limits<int>::max()));
    endResetModel();
}

int TableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : m_rows; }

int TableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_table.columnCount());
}

QVariant TableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows || index.column() >= columnCount()) return {};
    const engine::batch::Column& column = m_table.column(static_cast<std::size_t>(index.column()));
    const auto row = static_cast<std::size_t>(index.row());
    const bool null = column.isNull(row);
    switch (role) {
        case Qt::DisplayRole:
            return null ? QStringLiteral("null") : QString::fromStdString(column.toText(row));
        case Qt::ForegroundRole:
            return null ? QVariant(QBrush(Qt::gray)) : QVariant();
        case Qt::FontRole: {
            if (!null) return {};
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        case Qt::TextAlignmentRole: {
            const DataType type = column.type();
            const bool numeric = type == DataType::Int64 || type == DataType::Double;
            return QVariant::fromValue(Qt::Alignment((numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
        }
        case ValueRole:
            if (null) return {};
            switch (column.type()) {
                case DataType::Int64:
                    return QVariant::fromValue(static_cast<qlonglong>(column.intAt(row)));
                case DataType::Double:
                    return column.doubleAt(row);
                case DataType::Bool:
                    return column.boolAt(row);
                case DataType::Date:
                    return QDate(1970, 1, 1).addDays(column.intAt(row));
                case DataType::Timestamp:
                    return QDateTime::fromMSecsSinceEpoch(column.intAt(row), QTimeZone::utc());
                case DataType::String:
                    return QString::fromUtf8(column.stringAt(row).data(), static_cast<qsizetype>(column.stringAt(row).size()));
            }
            return {};
        default:
            return {};
    }
}

QVariant TableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Vertical) {
        return role == Qt::DisplayRole ? QVariant(section + 1) : QVariant();
    }
    if (section < 0 || section >= columnCount()) return {};
    const auto c = static_cast<std::size_t>(section);
    if (role == Qt::DisplayRole) return QString::fromStdString(m_table.name(c));
    if (role == Qt::ToolTipRole) {
        return tr("%1: %2, %n null(s)", nullptr, static_cast<int>(m_table.column(c).nullCount()))
            .arg(QString::fromStdString(m_table.name(c)),
                 QString::fromLatin1(engine::batch::typeName(m_table.column(c).type())));
    }
    return {};
}

}  // namespace cityops::widgets::workspace
