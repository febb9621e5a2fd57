#include "cityops/widgets/workspace/step_panel.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "cityops/widgets/workspace/step_model.h"
#include "cityops/widgets/workspace/table_model.h"

namespace cityops::widgets::workspace {

StepPanel::StepPanel(QWidget* parent)
    : QWidget(parent),
      m_steps(new StepModel(this)),
      m_sample(new TableModel(this)),
      m_list(new QTableView(this)),
      m_text(new QPlainTextEdit(this)),
      m_sampleView(new QTableView(this)) {
    m_list->setObjectName(QStringLiteral("stepList"));
    m_list->setModel(m_steps);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->verticalHeader()->hide();
    m_list->horizontalHeader()->setStretchLastSection(true);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showStep(current.row()); });

    m_text->setObjectName(QStringLiteral("stepText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sampleView->setObjectName(QStringLiteral("stepSample"));
    m_sampleView->setModel(m_sample);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_list);
    split->addWidget(m_sampleView);
    split->addWidget(m_text);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);
}

void StepPanel::setReport(std::shared_ptr<const engine::batch::RetailReport> report) {
    m_steps->setReport(std::move(report));
    m_list->resizeColumnsToContents();
    selectStep(m_steps->rowCount() > 0 ? 0 : -1);
}

void StepPanel::selectStep(int row) {
    if (row < 0 || row >= m_steps->rowCount()) {
        showStep(-1);
        return;
    }
    m_list->setCurrentIndex(m_steps->index(row, 0));
    showStep(row);
}

void StepPanel::showStep(int row) {
    if (row < 0 || row >= m_steps->rowCount()) {
        m_text->clear();
        m_sample->setTable({});
        return;
    }
    const StepFigures& f = m_steps->figures(row);
    m_text->setPlainText(QString::fromStdString(f.step->summary) + QStringLiteral("\n\n") +
                         QString::fromStdString(f.step->text));
    if (f.sample != nullptr)
        m_sample->setTable(*f.sample, f.sampleRows);
    else
        m_sample->setTable({});
}

}  // namespace cityops::widgets::workspace
