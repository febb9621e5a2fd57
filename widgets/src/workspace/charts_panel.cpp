#include "cityops/widgets/workspace/charts_panel.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QValueAxis>
#include <algorithm>

namespace cityops::widgets::workspace {

namespace {

constexpr int kChartsPerRow = 2;

QChart* buildChart(const ReportChart& chart) {
    auto* set = new QBarSet(chart.valueTitle);
    QStringList categories;
    double maxValue = 0.0;
    for (const auto& [label, value] : chart.bars) {
        *set << value;
        categories << QString::fromStdString(label);
        maxValue = std::max(maxValue, value);
    }
    auto* series = new QBarSeries;
    series->append(set);
    series->setLabelsVisible(true);
    auto* qchart = new QChart;
    qchart->addSeries(series);
    qchart->setTitle(chart.title);
    qchart->legend()->hide();
    auto* axisX = new QBarCategoryAxis;
    axisX->append(categories);
    qchart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    auto* axisY = new QValueAxis;
    axisY->setRange(0.0, maxValue > 0.0 ? maxValue * 1.15 : 1.0);
    axisY->setTitleText(chart.valueTitle);
    qchart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    return qchart;
}

}  // namespace

std::vector<ReportChart> reportCharts(const engine::batch::RetailReport& report) {
    const std::vector<std::string> days{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    const std::vector<std::string> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return {
        {ChartsPanel::tr("3.1 Top 5 categories by units sold"), ChartsPanel::tr("Units"),
         barsFromTable(report.topCategories, "category", "units_sold")},
        {ChartsPanel::tr("3.2 Average total spent by payment method"), ChartsPanel::tr("Average total spent"),
         barsFromTable(report.avgByPayment, "payment_method", "avg_total_spent")},
        {ChartsPanel::tr("3.2 Average total spent by location"), ChartsPanel::tr("Average total spent"),
         barsFromTable(report.avgByLocation, "location", "avg_total_spent")},
        {ChartsPanel::tr("4.1 Transactions by day of week"), ChartsPanel::tr("Transactions"),
         countsByValue(report.withDateParts, "day_of_week", days)},
        {ChartsPanel::tr("4.1 Transactions by month"), ChartsPanel::tr("Transactions"),
         countsByValue(report.withDateParts, "transaction_month", months)},
    };
}

ChartsPanel::ChartsPanel(QWidget* parent) : QWidget(parent) { new QGridLayout(this); }

void ChartsPanel::setReport(const engine::batch::RetailReport& report) {
    m_charts = reportCharts(report);
    auto* grid = static_cast<QGridLayout*>(layout());
    for (QChartView* view : m_views) {
        grid->removeWidget(view);
        delete view;
    }
    m_views.clear();
    for (std::size_t i = 0; i < m_charts.size(); ++i) {
        auto* view = new QChartView(buildChart(m_charts[i]), this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(220);
        view->setObjectName(QStringLiteral("chart%1").arg(i));
        grid->addWidget(view, static_cast<int>(i) / kChartsPerRow, static_cast<int>(i) % kChartsPerRow);
        m_views.push_back(view);
    }
}

}  // namespace cityops::widgets::workspace
