#pragma once

#include <QByteArray>
#include <QMainWindow>
#include <cstdint>
#include <optional>
#include <vector>

#include "cityops/engine/alert.h"
#include "cityops/engine/reading.h"
#include "cityops/engine/stream_pipeline.h"
#include "cityops/engine/window_aggregate.h"
#include "cityops/simulation/city.h"
#include "cityops/simulation/live_runner.h"
#include "cityops/simulation/scenario.h"

class QActionGroup;
class QDockWidget;
class QTimer;

namespace cityops::maps {
class MapView;
}

namespace cityops::widgets {

class AlertModel;
class AlertPanel;
class LiveChartPanel;
class StatusIndicators;

//! The console window: the map in the centre, the live chart and the alert list in docks, and a
//! frame timer (~30 Hz) that drains the pipeline's result queues into them in batches.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    static constexpr int kFrameIntervalMs = 33;
    //! Simulation speed choices offered in the Simulation menu.
    static constexpr double kSpeeds[] = {1.0, 10.0, 60.0, 600.0};

    MainWindow(const simulation::City& city, const simulation::Scenario& scenario, engine::StreamPipeline& pipeline,
               simulation::LiveRunner& runner, QWidget* parent = nullptr);
    ~MainWindow() override;

    //! Watches a sensor: chart reset, map highlight, pipeline.watchSensor().
    void selectSensor(std::uint32_t sensorId);
    std::optional<std::uint32_t> selectedSensor() const { return m_selected; }
    //! The sensor selected at start: the first air-quality sensor of the scenario's incident district
    //! (its first CO2 episode's, else its first district-bound incident's), else the first one.
    std::optional<std::uint32_t> initialSensor() const;

    maps::MapView& mapView() const { return *m_map; }
    AlertModel& alertModel() const { return *m_alertModel; }
    AlertPanel& alertPanel() const { return *m_alertPanel; }
    LiveChartPanel& chartPanel() const { return *m_chart; }
    QDockWidget& chartDock() const { return *m_chartDock; }
    QDockWidget& alertDock() const { return *m_alertDock; }

    //! Drains the pipeline once and refreshes every view (what the frame timer calls).
    void processFrame();
    void resetLayout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createDocks();
    void createMenus();
    void restoreSettings();
    void saveSettings() const;
    void onAlertActivated(quint64 alertId, quint32 sensorId);

    const simulation::City& m_city;
    const simulation::Scenario& m_scenario;
    engine::StreamPipeline& m_pipeline;
    simulation::LiveRunner& m_runner;

    maps::MapView* m_map;
    AlertModel* m_alertModel;
    AlertPanel* m_alertPanel;
    LiveChartPanel* m_chart;
    QDockWidget* m_chartDock = nullptr;
    QDockWidget* m_alertDock = nullptr;
    StatusIndicators* m_status = nullptr;
    QTimer* m_frameTimer;
    QByteArray m_defaultState;
    std::optional<std::uint32_t> m_selected;

    std::vector<engine::Alert> m_alertBuffer;
    std::vector<engine::WindowAggregate> m_aggregateBuffer;
    std::vector<engine::Reading> m_watchedBuffer;
};

}  // namespace cityops::widgets
