#pragma once

#include <QAbstractTableModel>
#include <QStringList>
#include <cstdint>
#include <span>
#include <unordered_set>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/storage/records.h"
#include "cityops/simulation/city.h"

namespace cityops::widgets {

//! Where an alert stands in the operations room (see AlertWorkflow, which moves it).
struct AlertLifecycle {
    engine::storage::AlertState state = engine::storage::AlertState::New;
    qint64 arrivedAtMs = 0;  //!< when the queue received it (workflow clock), the escalation timer's start
    QString acknowledgedBy;
    QString service;      //!< assigned service, empty until Assigned
    QString disposition;  //!< set on Resolved
    QStringList notes;
    bool escalated = false;  //!< critical and not acknowledged within the escalation time
};

//! The alert queue as a table: one row per distinct alert id, appended in batches by the frame timer.
//! Needs the City to show district and sensor names.
class AlertModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum class Column : int { Time, Severity, Rule, District, Sensor, Value, State, Service, Count };
    enum Role : int {
        IdRole = Qt::UserRole + 1,  //!< quint64 alert id
        SeverityRole,               //!< int, engine::Severity (higher is worse)
        TimeRole,                   //!< qint64 event time of the completing reading, ms since epoch
        RuleRole,                   //!< int, engine::AlertRule
        DistrictRole,               //!< QString district name
        SensorRole,                 //!< quint32 sensor id
        ValueRole,                  //!< double, the largest matched value
        StateRole,                  //!< int, engine::storage::AlertState
        ServiceRole,                //!< QString assigned service
        EscalatedRole,              //!< bool
        NotesRole,                  //!< QString, the notes one per line
        DispositionRole,            //!< QString, set when resolved
    };

    explicit AlertModel(const simulation::City& city, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    //! Appends the alerts whose id is new (one beginInsertRows per batch); returns how many were added.
    int appendAlerts(std::span<const engine::Alert> alerts);
    void clear();
    const engine::Alert& alertAt(int row) const { return m_alerts[static_cast<std::size_t>(row)]; }
    //! Row of an alert id, or -1.
    int rowOfId(std::uint64_t id) const;
    const AlertLifecycle& lifecycleAt(int row) const { return m_lifecycles[static_cast<std::size_t>(row)]; }
    //! Replaces the lifecycle of an alert (emits dataChanged for its row); false for an unknown id.
    bool setLifecycle(std::uint64_t id, const AlertLifecycle& lifecycle);
    static QString stateText(engine::storage::AlertState state);

    QString districtName(std::uint16_t districtId) const;
    QString sensorName(std::uint32_t sensorId) const;
    static QString severityText(engine::Severity severity);
    static QString ruleText(engine::AlertRule rule);

private:
    const simulation::City& m_city;
    std::vector<engine::Alert> m_alerts;
    std::vector<AlertLifecycle> m_lifecycles;  //!< parallel to m_alerts
    std::unordered_set<std::uint64_t> m_ids;
};

}  // namespace cityops::widgets
