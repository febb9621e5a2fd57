#pragma once

#include <QAbstractTableModel>
#include <memory>

#include "cityops/widgets/sql_console/sql_runner.h"

namespace cityops::widgets::sql_console {

//! A query result as a table model. Virtual: cells are formatted only when a view asks for them, so a
//! result of millions of rows costs nothing beyond the engine's columns. Headers show "name" and the
//! column type on a second line; nulls show as "NULL" (greyed), numbers right-aligned.
class ResultModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Role {
        TypeRole = Qt::UserRole + 1,  //!< header: the column's batch type name
        IsNullRole,                   //!< cell: true when the value is null
    };

    explicit ResultModel(QObject* parent = nullptr);

    //! Shows outcome (null clears the grid).
    void setOutcome(std::shared_ptr<const SqlOutcome> outcome);
    const std::shared_ptr<const SqlOutcome>& outcome() const { return m_outcome; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    //! The result as a table whose column names are the display names (no data copied).
    engine::batch::Table displayTable() const;

private:
    std::shared_ptr<const SqlOutcome> m_outcome;
};

//! The catalog as a two-level tree model: tables (with their row count) and their columns (with types).
class CatalogModel : public QAbstractItemModel {
    Q_OBJECT

public:
    explicit CatalogModel(const SqlRunner& runner, QObject* parent = nullptr);

    //! Re-reads the runner's schema (connected to SqlRunner::schemaChanged).
    void refresh();

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const SqlRunner& m_runner;
    std::vector<SqlTableInfo> m_tables;
};

}  // namespace cityops::widgets::sql_console
