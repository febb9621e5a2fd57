#pragma once

#include <QAbstractTableModel>
#include <memory>
#include <vector>

#include "cityops/widgets/workspace/report_figures.h"

namespace cityops::widgets::workspace {

//! The workflow's steps as a table: id, title, rows before and after, rows fixed, summary. Holds the
//! report it points into.
class StepModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum class Column : int { Step, Title, RowsBefore, RowsAfter, RowsFixed, Summary, Count };

    explicit StepModel(QObject* parent = nullptr);

    void setReport(std::shared_ptr<const engine::batch::RetailReport> report);
    //! Figures of row (see stepFigures); row must be valid.
    const StepFigures& figures(int row) const { return m_figures[static_cast<std::size_t>(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const engine::batch::RetailReport> m_report;
    std::vector<StepFigures> m_figures;
};

}  // namespace cityops::widgets::workspace
