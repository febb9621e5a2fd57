#pragma once

#include <QByteArray>
#include <QMainWindow>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/window_aggregate.h"
#include "cityops/maps/district_averages.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_jobs.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"
#include "cityops/widgets/console_settings.h"
#include "cityops/widgets/theme.h"

class QActionGroup;
class QDialog;
class QDockWidget;
class QMenu;
class QTimer;

namespace cityops::maps {
class MapView;
}

namespace cityops::engine::storage {
class Storage;
}
namespace cityops::connectors::audit {
class AuditLog;
}

namespace cityops::widgets {

class AlertDispatch;
class AlertModel;
class AlertPanel;
class AlertWorkflow;
class FrameProbe;
class LayerPanel;
class LiveChartPanel;
class SimulationPanel;
class StatusIndicators;
class WallMode;

//! The console window: the map in the centre, the live chart, the alert list and the map layers in
//! docks, and a frame timer (ConsoleSettings frame rate, 30 Hz by default) that drains the city
//! jobs' result queues (LiveJobs: the general stream runtime) into them in batches, never per event. Settings (theme, layers, frame rate, ...) are applied live as
//! they change; wall mode (F11) shows the views full screen in turn.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    //! Simulation speed choices offered in the Simulation menu.
    static constexpr double kSpeeds[] = {1.0, 10.0, 60.0, 600.0};

    MainWindow(const simulation::City& city, const simulation::Scenario& scenario, simulation::LiveJobs& jobs,
               simulation::LiveRunner& runner, QWidget* parent = nullptr);
    ~MainWindow() override;

    //! Watches a sensor: chart reset, map highlight, jobs.watchSensor().
    void selectSensor(std::uint32_t sensorId);
    std::optional<std::uint32_t> selectedSensor() const { return m_selected; }
    //! The sensor selected at start: the first air-quality sensor of the scenario's incident district
    //! (its first CO2 episode's, else its first district-bound incident's), else the first one.
    std::optional<std::uint32_t> initialSensor() const;

    maps::MapView& mapView() const { return *m_map; }
    AlertModel& alertModel() const { return *m_alertModel; }
    AlertPanel& alertPanel() const { return *m_alertPanel; }
    AlertWorkflow& alertWorkflow() const { return *m_workflow; }
    LiveChartPanel& chartPanel() const { return *m_chart; }
    QDockWidget& chartDock() const { return *m_chartDock; }
    QDockWidget& alertDock() const { return *m_alertDock; }
    QDockWidget& layerDock() const { return *m_layerDock; }
    LayerPanel& layerPanel() const { return *m_layerPanel; }
    ConsoleSettings& settings() const { return *m_settings; }
    //! Frame time and event-loop stall statistics (status bar tool tip, benchmarks).
    FrameProbe& frameProbe() const { return *m_probe; }
    WallMode& wallMode() const { return *m_wallMode; }
    StatusIndicators& statusIndicators() const { return *m_status; }
    //! The district of the scenario's first CO2 episode, else of its first district-bound incident.
    std::optional<std::size_t> incidentDistrict() const;

    //! Recolours the window, the chart and the map (what a change of the Theme setting does).
    void applyTheme(Theme theme);
    Theme appliedTheme() const { return m_theme; }
    //! Opens File → Settings… (window-modal, non-blocking) and returns the dialog.
    QDialog* openSettingsDialog();

    //! Drains the jobs' outputs once and refreshes every view (what the frame timer calls).
    void processFrame();
    void resetLayout();

signals:
    //! A setting was applied to the window (after a change, and once per setting at construction).
    void settingApplied(cityops::widgets::ConsoleSettings::Key key);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void createViewMenu();
    void createNavigationActions(QMenu& menu);
    void applySetting(ConsoleSettings::Key key);
    void stepAlert(int step);
    void centreOnCurrentAlert();
    void restoreSettings();
    void saveSettings() const;
    void onAlertActivated(quint64 alertId, quint32 sensorId);
    void openAlertStores();

    const simulation::City& m_city;
    const simulation::Scenario& m_scenario;
    simulation::LiveJobs& m_jobs;
    simulation::LiveRunner& m_runner;

    maps::MapView* m_map;
    AlertModel* m_alertModel;
    AlertPanel* m_alertPanel;
    AlertWorkflow* m_workflow;
    //! With a data directory: operator actions persist to cityops.db and audit.db (else in memory only).
    std::unique_ptr<engine::storage::Storage> m_alertStorage;
    std::unique_ptr<connectors::audit::AuditLog> m_auditLog;
    AlertDispatch* m_dispatch = nullptr;  //!< the outbox sender, with a data directory only
    LiveChartPanel* m_chart;
    QDockWidget* m_chartDock = nullptr;
    QDockWidget* m_alertDock = nullptr;
    QDockWidget* m_layerDock = nullptr;
    SimulationPanel* m_simulationPanel = nullptr;  //!< trainer's run control and score (dock "simulationDock")
    ConsoleSettings* m_settings;
    LayerPanel* m_layerPanel;
    StatusIndicators* m_status = nullptr;
    FrameProbe* m_probe;
    WallMode* m_wallMode = nullptr;
    QTimer* m_frameTimer;
    Theme m_theme = Theme::Dark;
    maps::DistrictAverages m_districtAverages;
    std::uint64_t m_mapPaintsSeen = 0;
    std::uint64_t m_frames = 0;
    QByteArray m_defaultState;
    std::optional<std::uint32_t> m_selected;

    std::vector<engine::Alert> m_alertBuffer;
    std::vector<engine::WindowAggregate> m_aggregateBuffer;
    std::vector<engine::Reading> m_watchedBuffer;
};

}  // namespace cityops::widgets
