#pragma once

#include <QSortFilterProxyModel>
#include <QWidget>
#include <cstdint>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTimer;
class QToolButton;

namespace cityops::widgets {

class AlertModel;
class AlertWorkflow;

//! Orders alerts by severity (then time) when sorted on the Severity column, by time (then severity)
//! on the Time column, and by the raw role values on numeric columns; filters on every column's text.
class AlertProxyModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit AlertProxyModel(QObject* parent = nullptr);

    //! Shows only alerts whose state bit (1 << AlertState) is set; 0x1f shows all.
    void setStateMask(int mask);
    int stateMask() const { return m_stateMask; }
    //! Shows only alerts at least this severe (engine::Severity as int).
    void setMinimumSeverity(int severity);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    int m_stateMask = 0x1f;
    int m_minimumSeverity = 0;
};

//! The alert queue: state and severity filters, a search line, a sortable table (worst and newest on
//! top), the lifecycle buttons (with an AlertWorkflow), a mute toggle, the current alert's details,
//! and a flash of the frame when critical alerts arrive.
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
    //! The id of the current alert, if any.
    std::optional<quint64> currentAlert() const;

    //! Enables the lifecycle buttons on this workflow (not owned); nullptr disables them.
    void setWorkflow(AlertWorkflow* workflow);
    //! Selects a state filter entry: -1 open (not resolved), -2 all, else one engine::storage::AlertState.
    void setStateFilter(int state);
    //! The lifecycle steps on the current alert, as the buttons do; return "" or the refusal shown.
    QString acknowledgeCurrent();
    QString assignCurrent(const QString& service);
    QString dispatchCurrent();
    //! Asks for the disposition (required) and a note, then resolves.
    QString resolveCurrent();
    //! Flashes the panel's frame a few times (new critical alerts).
    void flash();
    bool isFlashing() const;
    //! The last refusal or problem shown under the buttons.
    QString statusText() const;

signals:
    //! The user clicked or pressed Enter on an alert.
    void alertActivated(quint64 alertId, quint32 sensorId);

private:
    void activate(const QModelIndex& proxyIndex);
    QWidget* buildActions();
    void updateDetails();
    QString report(const QString& result);

    AlertModel& m_model;
    AlertProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTableView* m_view;
    AlertWorkflow* m_workflow = nullptr;
    QComboBox* m_stateFilter = nullptr;
    QComboBox* m_severityFilter = nullptr;
    QToolButton* m_mute = nullptr;
    QPushButton* m_acknowledge = nullptr;
    QToolButton* m_assign = nullptr;
    QPushButton* m_dispatch = nullptr;
    QPushButton* m_resolve = nullptr;
    QPushButton* m_note = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_status = nullptr;
    QTimer* m_flashTimer = nullptr;
    int m_flashSteps = 0;
};

}  // namespace cityops::widgets
