#include "cityops/widgets/workspace/preview_panel.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QTableView>
#include <QVBoxLayout>

#include "cityops/widgets/workspace/table_model.h"

namespace cityops::widgets::workspace {

PreviewPanel::PreviewPanel(QWidget* parent)
    : QWidget(parent),
      m_source(new QComboBox(this)),
      m_rows(new QLabel(this)),
      m_view(new QTableView(this)),
      m_model(new TableModel(this)) {
    m_source->setObjectName(QStringLiteral("previewSource"));
    m_source->addItem(tr("Loaded CSV"), static_cast<int>(Source::Loaded));
    m_source->addItem(tr("Cleaned data with time features"), static_cast<int>(Source::Cleaned));
    m_source->addItem(tr("Rejected values"), static_cast<int>(Source::Rejects));
    m_source->addItem(tr("Item catalogue"), static_cast<int>(Source::Catalogue));
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] { refresh(); });

    m_view->setObjectName(QStringLiteral("previewTable"));
    m_view->setModel(m_model);
    // Fixed row heights keep the view virtual: no per-row size queries over millions of rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setDefaultSectionSize(130);
    m_view->setWordWrap(false);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Table:"), this));
    top->addWidget(m_source);
    top->addStretch(1);
    top->addWidget(m_rows);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
}

void PreviewPanel::setOutcome(std::shared_ptr<const LoadOutcome> outcome) {
    m_outcome = std::move(outcome);
    refresh();
}

void PreviewPanel::showSource(Source source) {
    m_source->setCurrentIndex(m_source->findData(static_cast<int>(source)));
    refresh();
}

void PreviewPanel::refresh() {
    if (!m_outcome) {
        m_model->setTable({});
        m_rows->clear();
        return;
    }
    const auto source = static_cast<Source>(m_source->currentData().toInt());
    const engine::batch::Table* table = &m_outcome->load.table;
    if (source == Source::Cleaned) table = &m_outcome->report.withDateParts;
    if (source == Source::Rejects) table = &m_outcome->report.rejects;
    if (source == Source::Catalogue) table = &m_outcome->report.catalogue;
    m_model->setTable(*table);
    m_rows->setText(tr("%1 rows × %2 columns")
                        .arg(QLocale().toString(static_cast<qulonglong>(table->rowCount())))
                        .arg(table->columnCount()));
}

SchemaPanel::SchemaPanel(QWidget* parent) : QWidget(parent), m_text(new QPlainTextEdit(this)) {
    m_text->setObjectName(QStringLiteral("schemaText"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
}

void SchemaPanel::setOutcome(std::shared_ptr<const LoadOutcome> outcome) {
    if (!outcome) {
        m_text->clear();
        return;
    }
    const engine::batch::CsvLoad& load = outcome->load;
    QString text = tr("File: %1").arg(outcome->path) + QLatin1Char('\n');
    text += tr("%1 records read, %2 rows loaded, %3 rows with rejected values, delimiter '%4', header %5")
                .arg(load.recordsRead)
                .arg(load.rowsLoaded)
                .arg(load.rowsWithErrors)
                .arg(QLatin1Char(load.delimiter == '\t' ? ' ' : load.delimiter))
                .arg(load.hasHeader ? tr("yes") : tr("no")) +
            QLatin1Char('\n');
    for (const std::string& note : load.notes) text += tr("Note: %1").arg(QString::fromStdString(note)) + QLatin1Char('\n');
    text += QLatin1Char('\n') + tr("As loaded (1.1):") + QLatin1Char('\n') +
            QString::fromStdString(load.table.schemaText());
    text += QLatin1Char('\n') + tr("Typed (1.2-1.3):") + QLatin1Char('\n') +
            QString::fromStdString(outcome->report.typed.schemaText());
    text += QLatin1Char('\n') + tr("Final, with time features (4.1):") + QLatin1Char('\n') +
            QString::fromStdString(outcome->report.withDateParts.schemaText());
    m_text->setPlainText(text);
}

QString SchemaPanel::text() const { return m_text->toPlainText(); }

}  // namespace cityops::widgets::workspace
