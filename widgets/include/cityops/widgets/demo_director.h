#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <functional>
#include <memory>

class QTemporaryDir;
class QTimer;

namespace cityops::simulation {
struct Scenario;
}
namespace cityops::connectors::audit {
class AuditLog;
}

namespace cityops::widgets {

class MainWindow;

//! The views the demo shows in turn on the wall.
enum class DemoView { CityMap, IncidentMap, Chart, Alerts };

//! How `cityops --demo` runs. The defaults are what the command line gives.
struct DemoOptions {
    QStringList playlist;        //!< scenario names or files, played in order and looped; empty = defaultPlaylist()
    double speed = 0.0;          //!< simulated seconds per real second; 0 = per scenario, see stageSeconds
    double stageSeconds = 120.0;  //!< wall time one scenario takes at the automatic speed
    int viewSeconds = 10;         //!< time each view stays on the wall
    QString dataDir;              //!< audit log and settings; empty = a temporary directory removed at the end
    int exitAfterStages = 0;      //!< stop after this many scenarios (0 = loop until Esc or Ctrl+Q)
    int workers = 0;              //!< engine worker threads per scenario; 0 = number of cores
    //! Points QSettings at <dataDir>/settings, so the demo neither reads nor changes the user's settings.
    bool isolateSettings = true;
    //! Drive tick() and nextView() by timers; tests turn this off and call them themselves.
    bool timers = true;
    // Wall time (the director's clock) after an alert's arrival at which the demo operator takes
    // the next step of its lifecycle.
    qint64 acknowledgeAfterMs = 6'000;
    qint64 assignAfterMs = 12'000;
    qint64 dispatchAfterMs = 18'000;
    qint64 resolveAfterMs = 30'000;
};

//! Runs the offline demo: one shipped scenario after another, each in a console window in wall
//! (kiosk) mode on its own city, live jobs and runner, at an accelerated clock so that incidents show
//! up every minute or two; cycles the views (city map, incident district, live chart, alert queue),
//! moves alerts along their lifecycle as the demo operator (audited), shows a discreet DEMO banner,
//! loops the playlist and finishes on Esc, Ctrl+Q or closing the window. Needs no network and no
//! setup. Lives on the UI thread; the clock is injected for tests.
class DemoDirector : public QObject {
    Q_OBJECT

public:
    //! The audit actor of every step the demo takes.
    static constexpr const char* kOperator = "demo-operator";

    explicit DemoDirector(DemoOptions options, QObject* parent = nullptr);
    ~DemoDirector() override;

    //! fire-podil, co2-episode, rush-hour-accident, heat-wave-substation.
    static QStringList defaultPlaylist();
    //! The simulated time a scenario is shown: up to the end of its last incident plus 5 minutes,
    //! within its default duration (30 minutes for a scenario without incidents).
    static std::int64_t stageSpanMs(const simulation::Scenario& scenario);
    //! The speed at which stageSpanMs(scenario) takes stageSeconds of wall time.
    static double automaticSpeed(const simulation::Scenario& scenario, double stageSeconds);

    //! Opens the audit log and starts the first scenario; an error message, empty on success.
    QString start();
    //! Stops the timers and the runner and emits finished(exitCode) once. The window stays until the
    //! director is destroyed (it may be the sender of what called stop()).
    void stop(int exitCode = 0);
    bool isRunning() const { return m_running; }

    //! Milliseconds; a monotonic wall clock unless a test injects one.
    void setClock(std::function<qint64()> clock);

    //! One step of the timers: advanceAlerts() then checkStageEnd().
    void tick();
    //! Moves due alerts one step along their lifecycle (at most a few per call, so the queue
    //! visibly moves); returns how many steps were taken.
    int advanceAlerts();
    //! Starts the next scenario when the current one has run its span; returns whether it did.
    bool checkStageEnd();
    //! The next scenario of the playlist (the first after the last).
    void nextStage();
    //! The next view of the cycle (the incident district only when the scenario has one).
    void nextView();
    void showView(DemoView view);

    DemoView currentView() const { return m_view; }
    int stageIndex() const { return m_stageIndex; }
    //! Scenarios finished so far (the current one not counted).
    int stagesPlayed() const { return m_stagesPlayed; }
    QString scenarioName() const;
    double stageSpeed() const { return m_speed; }
    MainWindow* window() const;
    QString dataDir() const { return m_dataDir; }
    const DemoOptions& options() const { return m_options; }

signals:
    void stageStarted(int index, const QString& scenario);
    void viewChanged(cityops::widgets::DemoView view);
    void finished(int exitCode);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Stage;
    QString startStage(int index);
    void decorate(Stage& stage);
    void placeBanner();
    qint64 now() const;

    DemoOptions m_options;
    std::unique_ptr<QTemporaryDir> m_tempDir;
    QString m_dataDir;
    std::unique_ptr<connectors::audit::AuditLog> m_audit;
    std::unique_ptr<Stage> m_stage;
    std::function<qint64()> m_clock;
    QTimer* m_tickTimer;
    QTimer* m_viewTimer;
    int m_stageIndex = -1;
    int m_stagesPlayed = 0;
    double m_speed = 0.0;
    DemoView m_view = DemoView::CityMap;
    bool m_running = false;
    bool m_finished = false;
};

}  // namespace cityops::widgets
