#pragma once

#include <QWidget>
#include <memory>

#include "cityops/engine/batch/retail_workflow.h"

class QPlainTextEdit;
class QTableView;

namespace cityops::widgets::workspace {

class StepModel;
class TableModel;

//! The workflow's step list (before/after rows, rows fixed) with the selected step's text and
//! demonstration rows.
class StepPanel : public QWidget {
    Q_OBJECT

public:
    explicit StepPanel(QWidget* parent = nullptr);

    void setReport(std::shared_ptr<const engine::batch::RetailReport> report);
    void selectStep(int row);
    StepModel& steps() { return *m_steps; }
    TableModel& sample() { return *m_sample; }

private:
    void showStep(int row);

    StepModel* m_steps;
    TableModel* m_sample;
    QTableView* m_list;
    QPlainTextEdit* m_text;
    QTableView* m_sampleView;
};

}  // namespace cityops::widgets::workspace
