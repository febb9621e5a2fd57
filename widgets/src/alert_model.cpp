#include "cityops/widgets/alert_model.h"

#include <QColor>
#include <QDateTime>

#include "cityops/engine/reading.h"
#include "cityops/maps/sensor_color_scale.h"

namespace cityops::widgets {

namespace {

QString formatTime(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

//! The metric a rule is evaluated on, for the unit of the value column.
engine::Metric ruleMetric(engine::AlertRule rule) {
    switch (rule) {
        case engine::AlertRule::Co2High:
            return engine::Metric::Co2;
        case engine::AlertRule::EmergencyConfirmed:
            return engine::Metric::EmergencySeverity;
        case engine::AlertRule::EnergyAnomaly:
        case engine::AlertRule::EnergyOutage:
            return engine::Metric::EnergyKwh;
        case engine::AlertRule::TrafficJam:
            return engine::Metric::TrafficSpeed;
        case engine::AlertRule::HeatStress:
            return engine::Metric::Temperature;
        case engine::AlertRule::SensorSilent:
            return engine::Metric::EmergencySeverity;  // no unit: the value is the silence in seconds
        case engine::AlertRule::EmergencyFire:
        case engine::AlertRule::EmergencyGasLeak:
        case engine::AlertRule::EmergencyAccident:
        case engine::AlertRule::EmergencyFlooding:
        case engine::AlertRule::DuplicateReadings:
        case engine::AlertRule::LateReadings:
        case engine::AlertRule::ClockSkew:
        case engine::AlertRule::DataFlood:
        case engine::AlertRule::RetailRush:
            return engine::Metric::EmergencySeverity;  // a severity, count or seconds: no unit
        case engine::AlertRule::SensorStuck:
        case engine::AlertRule::SensorDrift:
            return engine::Metric::Temperature;  // the sensor's own metric; °C is the common case
    }
    return engine::Metric::Co2;
}

}  // namespace

AlertModel::AlertModel(const simulation::City& city, QObject* parent) : QAbstractTableModel(parent), m_city(city) {}

int AlertModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_alerts.size());
}

int AlertModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

QVariant AlertModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const engine::Alert& alert = alertAt(index.row());
    const AlertLifecycle& life = lifecycleAt(index.row());
    switch (role) {
        case IdRole:
            return QVariant::fromValue<quint64>(alert.id);
        case SeverityRole:
            return static_cast<int>(alert.severity);
        case TimeRole:
            return QVariant::fromValue<qint64>(alert.eventTimeMs);
        case RuleRole:
            return static_cast<int>(alert.rule);
        case DistrictRole:
            return districtName(alert.locationId);
        case SensorRole:
            return QVariant::fromValue<quint32>(alert.sensorId);
        case ValueRole:
            return alert.value;
        case StateRole:
            return static_cast<int>(life.state);
        case ServiceRole:
            return life.service;
        case EscalatedRole:
            return life.escalated;
        case NotesRole:
            return life.notes.join(QLatin1Char('\n'));
        case DispositionRole:
            return life.disposition;
        default:
            break;
    }
    const auto column = static_cast<Column>(index.column());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (column) {
            case Column::Time:
                return formatTime(alert.eventTimeMs);
            case Column::Severity:
                return severityText(alert.severity);
            case Column::Rule:
                return ruleText(alert.rule);
            case Column::District:
                return districtName(alert.locationId);
            case Column::Sensor:
                return sensorName(alert.sensorId);
            case Column::Value: {
                const std::string_view unit = engine::unitOf(ruleMetric(alert.rule));
                const QString unitText = QString::fromUtf8(unit.data(), static_cast<qsizetype>(unit.size()));
                return QStringLiteral("%1 %2").arg(alert.value, 0, 'f', 0).arg(unitText);
            }
            case Column::State:
                return life.escalated && life.state == engine::storage::AlertState::New
                           ? tr("%1 (escalated)").arg(stateText(life.state))
                           : stateText(life.state);
            case Column::Service:
                return life.service;
            case Column::Count:
                break;
        }
    }
    if (role == Qt::ForegroundRole && column == Column::Severity) return maps::SensorColorScale::severityColor(alert.severity);
    if (role == Qt::ForegroundRole && column == Column::State && life.escalated &&
        life.state == engine::storage::AlertState::New)
        return maps::SensorColorScale::severityColor(engine::Severity::Critical);
    if (role == Qt::TextAlignmentRole && column == Column::Value)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

QVariant AlertModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
        case Column::Time:
            return tr("Time");
        case Column::Severity:
            return tr("Severity");
        case Column::Rule:
            return tr("Rule");
        case Column::District:
            return tr("District");
        case Column::Sensor:
            return tr("Sensor");
        case Column::Value:
            return tr("Value");
        case Column::State:
            return tr("State");
        case Column::Service:
            return tr("Service");
        case Column::Count:
            break;
    }
    return {};
}

QHash<int, QByteArray> AlertModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(IdRole, "alertId");
    names.insert(SeverityRole, "severity");
    names.insert(TimeRole, "time");
    names.insert(RuleRole, "rule");
    names.insert(DistrictRole, "district");
    names.insert(SensorRole, "sensor");
    names.insert(ValueRole, "value");
    names.insert(StateRole, "state");
    names.insert(ServiceRole, "service");
    names.insert(EscalatedRole, "escalated");
    names.insert(NotesRole, "notes");
    names.insert(DispositionRole, "disposition");
    return names;
}

int AlertModel::appendAlerts(std::span<const engine::Alert> alerts) {
    std::vector<engine::Alert> fresh;
    for (const engine::Alert& alert : alerts) {
        if (m_ids.insert(alert.id).second) fresh.push_back(alert);
    }
    if (fresh.empty()) return 0;
    const int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    m_alerts.insert(m_alerts.end(), fresh.begin(), fresh.end());
    m_lifecycles.resize(m_alerts.size());
    endInsertRows();
    return static_cast<int>(fresh.size());
}

void AlertModel::clear() {
    beginResetModel();
    m_alerts.clear();
    m_lifecycles.clear();
    m_ids.clear();
    endResetModel();
}

int AlertModel::rowOfId(std::uint64_t id) const {
    if (!m_ids.contains(id)) return -1;
    for (std::size_t row = 0; row < m_alerts.size(); ++row) {
        if (m_alerts[row].id == id) return static_cast<int>(row);
    }
    return -1;
}

bool AlertModel::setLifecycle(std::uint64_t id, const AlertLifecycle& lifecycle) {
    const int row = rowOfId(id);
    if (row < 0) return false;
    m_lifecycles[static_cast<std::size_t>(row)] = lifecycle;
    emit dataChanged(index(row, 0), index(row, columnCount() - 1));
    return true;
}

QString AlertModel::stateText(engine::storage::AlertState state) {
    using engine::storage::AlertState;
    switch (state) {
        case AlertState::New:
            return tr("New");
        case AlertState::Acknowledged:
            return tr("Acknowledged");
        case AlertState::Assigned:
            return tr("Assigned");
        case AlertState::Dispatched:
            return tr("Dispatched");
        case AlertState::Resolved:
            return tr("Resolved");
    }
    return {};
}

QString AlertModel::districtName(std::uint16_t districtId) const {
    if (districtId < m_city.districts.size()) return QString::fromStdString(m_city.districts[districtId].name);
    return tr("District %1").arg(districtId);
}

QString AlertModel::sensorName(std::uint32_t sensorId) const {
    if (sensorId < m_city.sensors.size()) return QString::fromStdString(m_city.sensors[sensorId].name);
    return tr("Sensor %1").arg(sensorId);
}

QString AlertModel::severityText(engine::Severity severity) {
    switch (severity) {
        case engine::Severity::Info:
            return tr("Info");
        case engine::Severity::Warning:
            return tr("Warning");
        case engine::Severity::Critical:
            return tr("Critical");
    }
    return {};
}

QString AlertModel::ruleText(engine::AlertRule rule) {
    switch (rule) {
        case engine::AlertRule::Co2High:
            return tr("CO\u2082 high");
        case engine::AlertRule::EmergencyConfirmed:
            return tr("Emergency confirmed");
        case engine::AlertRule::EnergyAnomaly:
            return tr("Energy anomaly");
        case engine::AlertRule::TrafficJam:
            return tr("Traffic jam");
        case engine::AlertRule::HeatStress:
            return tr("Heat stress");
        case engine::AlertRule::EnergyOutage:
            return tr("Energy outage");
        case engine::AlertRule::SensorSilent:
            return tr("Sensor silent");
        case engine::AlertRule::EmergencyFire:
            return tr("Fire reported");
        case engine::AlertRule::EmergencyGasLeak:
            return tr("Gas leak reported");
        case engine::AlertRule::EmergencyAccident:
            return tr("Accident reported");
        case engine::AlertRule::EmergencyFlooding:
            return tr("Flooding reported");
        case engine::AlertRule::SensorStuck:
            return tr("Sensor stuck");
        case engine::AlertRule::SensorDrift:
            return tr("Sensor drift");
        case engine::AlertRule::DuplicateReadings:
            return tr("Duplicate readings");
        case engine::AlertRule::LateReadings:
            return tr("Late readings");
        case engine::AlertRule::ClockSkew:
            return tr("Clock skew");
        case engine::AlertRule::DataFlood:
            return tr("Data flood");
        case engine::AlertRule::RetailRush:
            return tr("Retail rush");
    }
    return {};
}

}  // namespace cityops::widgets
