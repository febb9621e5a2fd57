#pragma once

#include <QAbstractTableModel>

#include "cityops/engine/batch/table.h"

namespace cityops::widgets::workspace {

//! A read-only, virtualised view of a batch Table: cells are formatted on demand from the columns,
//! so millions of rows cost no copy (the Table shares its columns). Nulls show as "null" in grey.
class TableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    //! Role with the cell's typed value (qlonglong, double, bool, QDate, QDateTime, QString) or an
    //! invalid QVariant for null.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit TableModel(QObject* parent = nullptr);

    //! Replaces the table shown (a cheap copy: columns are shared). maxRows > 0 shows only the first rows.
    void setTable(const engine::batch::Table& table, std::size_t maxRows = 0);
    const engine::batch::Table& table() const { return m_table; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    engine::batch::Table m_table;
    int m_rows = 0;
};

}  // namespace cityops::widgets::workspace
