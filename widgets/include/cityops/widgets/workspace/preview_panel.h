#pragma once

#include <QWidget>
#include <memory>

#include "cityops/widgets/workspace/workspace_loader.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTableView;

namespace cityops::widgets::workspace {

class TableModel;

//! Virtualised preview of the workspace's tables (loaded CSV, cleaned data with time features,
//! rejects, item catalogue), one picked at a time.
class PreviewPanel : public QWidget {
    Q_OBJECT

public:
    enum class Source : int { Loaded, Cleaned, Rejects, Catalogue };

    explicit PreviewPanel(QWidget* parent = nullptr);

    void setOutcome(std::shared_ptr<const LoadOutcome> outcome);
    void showSource(Source source);
    TableModel& model() { return *m_model; }
    QTableView& view() { return *m_view; }

private:
    void refresh();

    std::shared_ptr<const LoadOutcome> m_outcome;
    QComboBox* m_source;
    QLabel* m_rows;
    QTableView* m_view;
    TableModel* m_model;
};

//! printSchema-like view of the loaded, typed and final tables, plus the load's notes and counts.
class SchemaPanel : public QWidget {
    Q_OBJECT

public:
    explicit SchemaPanel(QWidget* parent = nullptr);

    void setOutcome(std::shared_ptr<const LoadOutcome> outcome);
    //! The text shown (for tests and copy).
    QString text() const;

private:
    QPlainTextEdit* m_text;
};

}  // namespace cityops::widgets::workspace
