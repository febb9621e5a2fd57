#include "cityops/widgets/simulation_panel.h"

#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QGeoCoordinate>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "cityops/engine/storage/records.h"

namespace cityops::widgets {

namespace {

using simulation::Incident;
using simulation::IncidentKind;

double distanceM(simulation::GeoPoint a, simulation::GeoPoint b) {
    constexpr double kEarthM = 6'371'000.0;
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    const double x = (b.lon - a.lon) * kRad * std::cos((a.lat + b.lat) * 0.5 * kRad);
    const double y = (b.lat - a.lat) * kRad;
    return std::sqrt(x * x + y * y) * kEarthM;
}

Incident baseIncident(IncidentKind kind, std::int64_t durationMs, std::vector<std::string> expected) {
    Incident incident;
    incident.kind = kind;
    incident.startOffsetMs = 0;  // now
    incident.durationMs = durationMs;
    incident.expectedAlerts = std::move(expected);
    return incident;
}

Incident pointIncident(IncidentKind kind, simulation::GeoPoint point, std::int64_t durationMs,
                       std::vector<std::string> expected) {
    Incident incident = baseIncident(kind, durationMs, std::move(expected));
    incident.hasPoint = true;
    incident.lat = point.lat;
    incident.lon = point.lon;
    incident.radiusM = 500.0;
    incident.severity = 4;
    return incident;
}

QString formatSimTime(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

}  // namespace

std::vector<Incident> incidentsAt(IncidentChoice choice, const simulation::City& city, simulation::GeoPoint point,
                                  std::int64_t durationMs, QString& error) {
    const int district = simulation::districtAt(city, point);
    const std::string districtName =
        district >= 0 ? city.districts[static_cast<std::size_t>(district)].name : std::string();
    const bool needsDistrict = choice == IncidentChoice::Co2Episode || choice == IncidentChoice::SubstationFailure ||
                               choice == IncidentChoice::GatewayOutage;
    if (needsDistrict && districtName.empty()) {
        error = SimulationPanel::tr("Click inside a district to place this incident.");
        return {};
    }
    std::vector<Incident> out;
    switch (choice) {
        case IncidentChoice::Fire:
            out.push_back(pointIncident(IncidentKind::Fire, point, durationMs,
                                        {"co2_high", "emergency_confirmed", "emergency_fire"}));
            break;
        case IncidentChoice::GasLeak:
            out.push_back(pointIncident(IncidentKind::GasLeak, point, durationMs, {"emergency_gas_leak"}));
            break;
        case IncidentChoice::Accident:
            out.push_back(pointIncident(IncidentKind::Accident, point, durationMs, {"traffic_jam", "emergency_accident"}));
            break;
        case IncidentChoice::Co2Episode: {
            Incident incident = baseIncident(IncidentKind::Co2Episode, durationMs, {"co2_high"});
            incident.district = districtName;
            incident.peakPpm = 1500.0;
            out.push_back(incident);
            break;
        }
        case IncidentChoice::HeatWave: {
            Incident incident = baseIncident(IncidentKind::HeatWave, durationMs, {"heat_stress"});
            incident.district = districtName;  // outside every district: city-wide
            out.push_back(incident);
            break;
        }
        case IncidentChoice::SubstationFailure: {
            Incident incident = baseIncident(IncidentKind::SubstationFailure, durationMs, {"energy_outage"});
            incident.district = districtName;
            out.push_back(incident);
            break;
        }
        case IncidentChoice::GatewayOutage:
            // Gateway 1 (central) carries traffic and air quality: both fall silent in the district.
            for (engine::SensorKind kind : {engine::SensorKind::Traffic, engine::SensorKind::AirQuality}) {
                Incident incident = baseIncident(IncidentKind::SensorFailure, durationMs, {"sensor_silent"});
                incident.district = districtName;
                incident.sensorKind = kind;
                incident.fault.mode = simulation::FaultMode::Dropout;
                incident.fault.rate = 1.0;
                out.push_back(incident);
            }
            break;
        case IncidentChoice::SensorFailure: {
            std::uint32_t nearest = 0;
            double best = std::numeric_limits<double>::infinity();
            for (const simulation::Sensor& sensor : city.sensors) {
                const double d = distanceM(point, sensor.position);
                if (d < best) {
                    best = d;
                    nearest = sensor.id;
                }
            }
            if (city.sensors.empty()) {
                error = SimulationPanel::tr("The city has no sensors.");
                return {};
            }
            Incident incident = baseIncident(IncidentKind::SensorFailure, durationMs, {"sensor_stuck"});
            incident.sensorIds = {nearest};
            incident.fault.mode = simulation::FaultMode::Stuck;
            out.push_back(incident);
            break;
        }
    }
    return out;
}

SimulationPanel::SimulationPanel(const simulation::City& city, simulation::LiveRunner& runner, QWidget* parent)
    : QWidget(parent), m_city(city), m_runner(runner) {
    setObjectName(QStringLiteral("simulationPanel"));
    buildUi();
    refresh();
}

QString SimulationPanel::choiceName(IncidentChoice choice) {
    switch (choice) {
        case IncidentChoice::Fire: return tr("Fire");
        case IncidentChoice::GasLeak: return tr("Gas leak");
        case IncidentChoice::Accident: return tr("Accident");
        case IncidentChoice::Co2Episode: return tr("CO₂ episode");
        case IncidentChoice::HeatWave: return tr("Heat wave");
        case IncidentChoice::SubstationFailure: return tr("Substation failure");
        case IncidentChoice::GatewayOutage: return tr("Gateway outage");
        case IncidentChoice::SensorFailure: return tr("Sensor failure");
    }
    return {};
}

void SimulationPanel::buildUi() {
    auto* layout = new QVBoxLayout(this);

    auto* runBox = new QGroupBox(tr("Run"), this);
    auto* form = new QFormLayout(runBox);
    m_scenarioLabel = new QLabel(QString::fromStdString(m_runner.scenario().name), runBox);
    m_scenarioLabel->setObjectName(QStringLiteral("scenarioLabel"));
    form->addRow(tr("Scenario:"), m_scenarioLabel);
    m_clockLabel = new QLabel(runBox);
    m_clockLabel->setObjectName(QStringLiteral("clockLabel"));
    form->addRow(tr("Simulated time:"), m_clockLabel);

    auto* buttons = new QHBoxLayout;
    m_runButton = new QPushButton(runBox);
    m_runButton->setObjectName(QStringLiteral("runButton"));
    connect(m_runButton, &QPushButton::clicked, this, [this] { setRunning(!running()); });
    m_stepButton = new QPushButton(tr("Step +1 min"), runBox);
    m_stepButton->setObjectName(QStringLiteral("stepButton"));
    m_stepButton->setToolTip(tr("Advance the simulation by one minute, also while paused"));
    connect(m_stepButton, &QPushButton::clicked, this, &SimulationPanel::stepOnce);
    m_speedBox = new QComboBox(runBox);
    m_speedBox->setObjectName(QStringLiteral("speedBox"));
    for (double speed : kSpeeds) m_speedBox->addItem(tr("×%1").arg(speed), speed);
    connect(m_speedBox, &QComboBox::activated, this,
            [this](int index) { setSpeed(m_speedBox->itemData(index).toDouble()); });
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_stepButton);
    buttons->addWidget(m_speedBox);
    form->addRow(buttons);

    auto* jump = new QHBoxLayout;
    m_jumpEdit = new QDateTimeEdit(runBox);
    m_jumpEdit->setObjectName(QStringLiteral("jumpEdit"));
    m_jumpEdit->setTimeSpec(Qt::UTC);
    m_jumpEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    m_jumpEdit->setDateTime(QDateTime::fromMSecsSinceEpoch(m_runner.simTimeMs(), QTimeZone::utc()));
    m_jumpButton = new QPushButton(tr("Jump"), runBox);
    m_jumpButton->setObjectName(QStringLiteral("jumpButton"));
    m_jumpButton->setToolTip(tr("Move the simulated clock to this time (UTC), forward or backward"));
    connect(m_jumpButton, &QPushButton::clicked, this,
            [this] { jumpTo(m_jumpEdit->dateTime().toMSecsSinceEpoch()); });
    jump->addWidget(m_jumpEdit, 1);
    jump->addWidget(m_jumpButton);
    form->addRow(tr("Jump to:"), jump);
    layout->addWidget(runBox);

    auto* injectBox = new QGroupBox(tr("Inject incident"), this);
    auto* inject = new QHBoxLayout(injectBox);
    m_incidentBox = new QComboBox(injectBox);
    m_incidentBox->setObjectName(QStringLiteral("incidentBox"));
    for (int i = 0; i < kIncidentChoiceCount; ++i) {
        m_incidentBox->addItem(choiceName(static_cast<IncidentChoice>(i)), i);
    }
    m_placeButton = new QPushButton(tr("Place on map"), injectBox);
    m_placeButton->setObjectName(QStringLiteral("placeButton"));
    m_placeButton->setCheckable(true);
    m_placeButton->setToolTip(tr("Then click the map where the incident happens"));
    connect(m_placeButton, &QPushButton::toggled, this, [this](bool on) {
        if (on && !m_placing) {
            beginPlacement(static_cast<IncidentChoice>(m_incidentBox->currentData().toInt()));
        } else if (!on && m_placing) {
            cancelPlacement();
        }
    });
    inject->addWidget(m_incidentBox, 1);
    inject->addWidget(m_placeButton);
    layout->addWidget(injectBox);

    m_messageLabel = new QLabel(this);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    layout->addWidget(m_messageLabel);

    auto* scoreBox = new QGroupBox(tr("Training score"), this);
    auto* scoreLayout = new QVBoxLayout(scoreBox);
    m_scoreLabel = new QLabel(scoreBox);
    m_scoreLabel->setObjectName(QStringLiteral("scoreLabel"));
    m_scoreLabel->setWordWrap(true);
    m_scoreLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    scoreLayout->addWidget(m_scoreLabel);
    layout->addWidget(scoreBox);
    layout->addStretch(1);
}

void SimulationPanel::setRunning(bool running) {
    m_runner.setPaused(!running);
    refresh();
}

bool SimulationPanel::running() const { return !m_runner.paused(); }

void SimulationPanel::stepOnce() {
    m_runner.step(kStepMs);
    showMessage(tr("Stepping one simulated minute."));
}

void SimulationPanel::setSpeed(double speed) {
    m_runner.setSpeed(speed);
    refresh();
}

void SimulationPanel::jumpTo(std::int64_t simTimeMs) {
    const std::int64_t start = m_runner.scenario().startTimeMs;
    if (simTimeMs < start) {
        showMessage(tr("Cannot jump before the scenario start (%1 UTC).").arg(formatSimTime(start)));
        return;
    }
    m_runner.jumpTo(simTimeMs);
    showMessage(tr("Jumping to %1 UTC.").arg(formatSimTime(simTimeMs)));
}

void SimulationPanel::beginPlacement(IncidentChoice choice) {
    m_choice = choice;
    m_placing = true;
    m_incidentBox->setCurrentIndex(static_cast<int>(choice));
    {
        const QSignalBlocker block(m_placeButton);
        m_placeButton->setChecked(true);
    }
    showMessage(tr("Click the map to place: %1.").arg(choiceName(choice)));
    emit placementChanged(true);
}

void SimulationPanel::cancelPlacement() {
    if (!m_placing) return;
    m_placing = false;
    {
        const QSignalBlocker block(m_placeButton);
        m_placeButton->setChecked(false);
    }
    emit placementChanged(false);
}

QString SimulationPanel::placeIncidentAt(const QGeoCoordinate& coordinate) {
    if (!m_placing) return {};
    QString error;
    const simulation::GeoPoint point{coordinate.latitude(), coordinate.longitude()};
    const std::vector<Incident> incidents = incidentsAt(m_choice, m_city, point, kIncidentDurationMs, error);
    for (const Incident& incident : incidents) {
        auto index = m_runner.inject(incident);
        if (!index) {
            error = tr("Cannot inject: %1").arg(QString::fromStdString(index.error()));
            break;
        }
        m_injected.push_back(*index);
        m_scoreDirty = true;
        emit incidentInjected(static_cast<int>(*index));
    }
    cancelPlacement();
    if (!error.isEmpty()) {
        showMessage(error);
        return error;
    }
    showMessage(tr("%1 injected at %2, %3 (simulated %4 UTC).")
                    .arg(choiceName(m_choice))
                    .arg(coordinate.latitude(), 0, 'f', 5)
                    .arg(coordinate.longitude(), 0, 'f', 5)
                    .arg(formatSimTime(m_runner.simTimeMs())));
    updateScore();
    return {};
}

void SimulationPanel::addAlerts(std::span<const engine::Alert> alerts) {
    if (alerts.empty()) return;
    for (const engine::Alert& alert : alerts) m_alerts.push_back(simulation::toRaisedAlert(alert));
    m_scoreDirty = true;
}

void SimulationPanel::onAlertStateChanged(quint64 alertId, int state) {
    if (state != static_cast<int>(engine::storage::AlertState::Acknowledged)) return;
    m_acks.push_back({alertId, m_runner.simTimeMs()});
    m_scoreDirty = true;
}

QString SimulationPanel::clockText() const { return m_clockLabel->text(); }

void SimulationPanel::refresh() {
    const QString clock =
        tr("%1 UTC · ×%2%3")
            .arg(formatSimTime(m_runner.simTimeMs()))
            .arg(m_runner.speed())
            .arg(m_runner.paused() ? tr(" · paused") : QString());
    if (m_clockLabel->text() != clock) m_clockLabel->setText(clock);
    const QString runText = m_runner.paused() ? tr("Run") : tr("Pause");
    if (m_runButton->text() != runText) m_runButton->setText(runText);
    for (int i = 0; i < m_speedBox->count(); ++i) {
        if (std::abs(m_speedBox->itemData(i).toDouble() - m_runner.speed()) < 1e-9 && m_speedBox->currentIndex() != i) {
            m_speedBox->setCurrentIndex(i);
        }
    }
    if (m_scoreDirty) updateScore();
}

void SimulationPanel::updateScore() {
    m_scoreDirty = false;
    const simulation::Scenario scenario = m_runner.scenario();
    m_score = simulation::scoreRun(m_city, scenario, m_alerts, m_acks);
    double sumMs = 0.0;
    for (const simulation::IncidentScore& incident : m_score.incidents) {
        for (const simulation::ExpectedAlertScore& expected : incident.expected) {
            if (expected.raised) sumMs += static_cast<double>(expected.toRaisedMs);
        }
    }
    QString text = tr("Alerts raised: %1 of %2 expected (%3 not raised yet, %4 without an engine rule)")
                       .arg(m_score.raised)
                       .arg(m_score.raised + m_score.missed)
                       .arg(m_score.missed)
                       .arg(m_score.unscorable);
    text += QLatin1Char('\n') + tr("False alerts: %1 · acknowledged: %2").arg(m_score.falseAlerts.size()).arg(m_score.acknowledged);
    if (m_score.raised > 0) {
        text += QLatin1Char('\n') +
                tr("Mean time to alert: %1 min").arg(sumMs / m_score.raised / 60'000.0, 0, 'f', 1);
    }
    text += QLatin1Char('\n') + tr("Incidents: %1 (%2 injected here)").arg(m_score.incidents.size()).arg(m_injected.size());
    m_scoreLabel->setText(text);
    emit scoreChanged();
}

void SimulationPanel::showMessage(const QString& text) { m_messageLabel->setText(text); }

}  // namespace cityops::widgets
