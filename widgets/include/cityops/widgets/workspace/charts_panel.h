#pragma once

#include <QWidget>
#include <vector>

#include "cityops/engine/batch/retail_workflow.h"
#include "cityops/widgets/workspace/report_figures.h"

class QChartView;

namespace cityops::widgets::workspace {

//! One chart of the report: title, value axis title and bars.
struct ReportChart {
    QString title;
    QString valueTitle;
    BarSeries bars;
};

//! The report's charts: 3.1 top-5 categories by units, 3.2 average spend by payment method and by
//! location, and transactions by day_of_week and by transaction_month (4.1). Shared by the charts panel
//! and the PDF report so both show the same figures.
std::vector<ReportChart> reportCharts(const engine::batch::RetailReport& report);

//! Qt Charts bar charts of reportCharts(), two per row.
class ChartsPanel : public QWidget {
    Q_OBJECT

public:
    explicit ChartsPanel(QWidget* parent = nullptr);

    void setReport(const engine::batch::RetailReport& report);
    const std::vector<ReportChart>& charts() const { return m_charts; }

private:
    std::vector<ReportChart> m_charts;
    std::vector<QChartView*> m_views;
};

}  // namespace cityops::widgets::workspace
