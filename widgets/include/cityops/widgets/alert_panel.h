#pragma once

#include <QSortFilterProxyModel>
#include <QWidget>
#include <cstdint>
#include <optional>

class QLineEdit;
class QTableView;

namespace cityops::widgets {

class AlertModel;

//! Orders alerts by severity (then time) when sorted on the Severity column, by time (then severity)
//! on the Time column, and by the raw role values on numeric columns; filters on every column's text.
class AlertProxyModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit AlertProxyModel(QObject* parent = nullptr);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

//! The alert list: a filter line over a sortable table; newest and worst alerts on top.
class AlertPanel : public QWidget {
    Q_OBJECT

public:
    explicit AlertPanel(AlertModel& model, QWidget* parent = nullptr);

    AlertModel& model() const { return m_model; }
    AlertProxyModel& proxy() const { return *m_proxy; }
    QTableView& view() const { return *m_view; }
    //! Shows only rows whose text contains filter (case-insensitive).
    void setFilterText(const QString& filter);
    //! Moves the current row by step (+1 = next row down, -1 = up) in the visible order, starting at
    //! the top when nothing is current; returns the sensor of the new current alert, if any.
    std::optional<quint32> stepCurrent(int step);
    //! The sensor of the current (selected) alert, if any.
    std::optional<quint32> currentSensor() const;

signals:
    //! The user clicked or pressed Enter on an alert.
    void alertActivated(quint64 alertId, quint32 sensorId);

private:
    void activate(const QModelIndex& proxyIndex);

    AlertModel& m_model;
    AlertProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTableView* m_view;
};

}  // namespace cityops::widgets
