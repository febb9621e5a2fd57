#include "cityops/widgets/workspace/step_model.h"

namespace cityops::widgets::workspace {

StepModel::StepModel(QObject* parent) : QAbstractTableModel(parent) {}

void StepModel::setReport(std::shared_ptr<const engine::batch::RetailReport> report) {
    beginResetModel();
    m_report = std::move(report);
    m_figures = m_report ? stepFigures(*m_report) : std::vector<StepFigures>{};
    endResetModel();
}

int StepModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_figures.size());
}

int StepModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

QVariant StepModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const StepFigures& f = figures(index.row());
    const auto column = static_cast<Column>(index.column());
    if (role == Qt::TextAlignmentRole) {
        const bool numeric = column == Column::RowsBefore || column == Column::RowsAfter || column == Column::RowsFixed;
        return QVariant::fromValue(Qt::Alignment((numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter));
    }
    if (role == Qt::ToolTipRole && column == Column::Summary) return QString::fromStdString(f.step->summary);
    if (role != Qt::DisplayRole && role != Qt::EditRole) return {};
    switch (column) {
        case Column::Step:
            return QString::fromStdString(f.step->id);
        case Column::Title:
            return QString::fromStdString(f.step->title);
        case Column::RowsBefore:
            return QVariant::fromValue(static_cast<qulonglong>(f.rowsBefore));
        case Column::RowsAfter:
            return QVariant::fromValue(static_cast<qulonglong>(f.rowsAfter));
        case Column::RowsFixed:
            return QVariant::fromValue(static_cast<qulonglong>(f.rowsFixed));
        case Column::Summary:
            return QString::fromStdString(f.step->summary);
        case Column::Count:
            break;
    }
    return {};
}

QVariant StepModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (static_cast<Column>(section)) {
        case Column::Step:
            return tr("Step");
        case Column::Title:
            return tr("Title");
        case Column::RowsBefore:
            return tr("Rows before");
        case Column::RowsAfter:
            return tr("Rows after");
        case Column::RowsFixed:
            return tr("Fixed");
        case Column::Summary:
            return tr("Summary");
        case Column::Count:
            break;
    }
    return {};
}

}  // namespace cityops::widgets::workspace
