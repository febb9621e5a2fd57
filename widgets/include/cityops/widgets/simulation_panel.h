#pragma once

#include <QString>
#include <QWidget>
#include <cstdint>
#include <span>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"
#include "cityops/simulation/scoring.h"

class QComboBox;
class QDateTimeEdit;
class QGeoCoordinate;
class QLabel;
class QPushButton;

namespace cityops::widgets {

//! The incidents a trainer can inject from the Simulation panel.
enum class IncidentChoice : std::uint8_t {
    Fire,
    GasLeak,
    Accident,
    Co2Episode,
    HeatWave,
    SubstationFailure,
    GatewayOutage,  //!< gateway 1's kinds (traffic, air quality) drop out in the clicked district
    SensorFailure,  //!< the sensor nearest to the click reports a stuck value
};
inline constexpr int kIncidentChoiceCount = 8;

//! The incidents one choice placed at a point stands for (with their declared alerts, starting now,
//! lasting durationMs); empty with error set when the point does not allow it (outside every district).
std::vector<simulation::Incident> incidentsAt(IncidentChoice choice, const simulation::City& city,
                                              simulation::GeoPoint point, std::int64_t durationMs, QString& error);

//! The trainer's dock: scenario name, simulated clock and speed; run/pause, single step, speed ×1…×3600,
//! jump to a simulated time; "inject incident": pick a kind, then click the map (placeIncidentAt);
//! and the live training score (simulation::scoreRun over the alerts raised and acknowledged so far).
//! Drives the LiveRunner's run control; refresh() is called by the console's frame timer and reads
//! only the runner's atomics, the score is recomputed only when alerts, acknowledgements or
//! incidents changed. UI thread only.
class SimulationPanel : public QWidget {
    Q_OBJECT

public:
    static constexpr double kSpeeds[] = {1.0, 10.0, 60.0, 600.0, 3600.0};
    //! Simulated time one single step carries.
    static constexpr std::int64_t kStepMs = 60'000;
    //! How long an injected incident lasts.
    static constexpr std::int64_t kIncidentDurationMs = 20 * 60'000;

    SimulationPanel(const simulation::City& city, simulation::LiveRunner& runner, QWidget* parent = nullptr);

    // ── What the controls do (also for tests and shortcuts) ─────────────────────────────────────
    void setRunning(bool running);
    bool running() const;
    void stepOnce();
    void setSpeed(double speed);
    //! Jumps to a simulated time (ms since epoch), forward or backward.
    void jumpTo(std::int64_t simTimeMs);
    //! Arms placement: the next placeIncidentAt() injects this kind.
    void beginPlacement(IncidentChoice choice);
    void cancelPlacement();
    bool placing() const { return m_placing; }
    //! Injects the armed incident at a map coordinate (what a map click does while placing). Returns
    //! "" when injected, else the reason (also shown in the panel); ignored ("") when not placing.
    QString placeIncidentAt(const QGeoCoordinate& coordinate);

    //! Raised alerts for the score (the console passes each frame's drained alerts).
    void addAlerts(std::span<const engine::Alert> alerts);
    //! An alert changed state in the queue (AlertWorkflow::stateChanged): acknowledgements are scored.
    void onAlertStateChanged(quint64 alertId, int state);
    //! Updates the clock and speed labels and, when something changed, the score.
    void refresh();

    const simulation::RunScore& score() const { return m_score; }
    //! Incidents injected from this panel so far (indices into the runner's scenario).
    const std::vector<std::size_t>& injected() const { return m_injected; }
    //! The text of the clock label (tests).
    QString clockText() const;

signals:
    void placementChanged(bool placing);
    //! An incident was injected (index into the runner's scenario().incidents).
    void incidentInjected(int index);
    void scoreChanged();

private:
    void buildUi();
    void updateScore();
    void showMessage(const QString& text);
    static QString choiceName(IncidentChoice choice);

    const simulation::City& m_city;
    simulation::LiveRunner& m_runner;
    QLabel* m_scenarioLabel = nullptr;
    QLabel* m_clockLabel = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_stepButton = nullptr;
    QComboBox* m_speedBox = nullptr;
    QDateTimeEdit* m_jumpEdit = nullptr;
    QPushButton* m_jumpButton = nullptr;
    QComboBox* m_incidentBox = nullptr;
    QPushButton* m_placeButton = nullptr;
    QLabel* m_messageLabel = nullptr;
    QLabel* m_scoreLabel = nullptr;

    bool m_placing = false;
    IncidentChoice m_choice = IncidentChoice::Fire;
    bool m_scoreDirty = true;
    std::vector<simulation::RaisedAlert> m_alerts;
    std::vector<simulation::Acknowledgement> m_acks;
    std::vector<std::size_t> m_injected;
    simulation::RunScore m_score;
};

}  // namespace cityops::widgets
