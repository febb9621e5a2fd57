#include "cityops/widgets/alert_panel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "cityops/widgets/alert_model.h"

namespace cityops::widgets {

namespace {

using Column = AlertModel::Column;

int sortRoleOf(int column) {
    switch (static_cast<Column>(column)) {
        case Column::Time:
            return AlertModel::TimeRole;
        case Column::Severity:
            return AlertModel::SeverityRole;
        case Column::Value:
            return AlertModel::ValueRole;
        default:
            return Qt::DisplayRole;
    }
}

}  // namespace

AlertProxyModel::AlertProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setFilterKeyColumn(-1);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

bool AlertProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const int column = left.column();
    const auto key = [](const QModelIndex& index, int role) { return index.data(role); };
    const qint64 leftTime = key(left, AlertModel::TimeRole).toLongLong();
    const qint64 rightTime = key(right, AlertModel::TimeRole).toLongLong();
    const int leftSeverity = key(left, AlertModel::SeverityRole).toInt();
    const int rightSeverity = key(right, AlertModel::SeverityRole).toInt();
    switch (static_cast<Column>(column)) {
        case Column::Severity:
            if (leftSeverity != rightSeverity) return leftSeverity < rightSeverity;
            return leftTime < rightTime;
        case Column::Time:
            if (leftTime != rightTime) return leftTime < rightTime;
            return leftSeverity < rightSeverity;
        case Column::Value:
            return key(left, AlertModel::ValueRole).toDouble() < key(right, AlertModel::ValueRole).toDouble();
        default: {
            const int order = QString::compare(left.data(sortRoleOf(column)).toString(),
                                               right.data(sortRoleOf(column)).toString(), Qt::CaseInsensitive);
            return order != 0 ? order < 0 : leftTime < rightTime;
        }
    }
}

AlertPanel::AlertPanel(AlertModel& model, QWidget* parent)
    : QWidget(parent),
      m_model(model),
      m_proxy(new AlertProxyModel(this)),
      m_filter(new QLineEdit(this)),
      m_view(new QTableView(this)) {
    m_proxy->setSourceModel(&m_model);

    m_filter->setObjectName(QStringLiteral("alertFilter"));
    m_filter->setPlaceholderText(tr("Filter alerts (district, sensor, severity...)"));
    m_filter->setClearButtonEnabled(true);

    m_view->setObjectName(QStringLiteral("alertTable"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int charWidth = m_view->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_view->setColumnWidth(static_cast<int>(Column::Time), 21 * charWidth);
    m_view->setColumnWidth(static_cast<int>(Column::Severity), 10 * charWidth);
    m_view->setColumnWidth(static_cast<int>(Column::Rule), 11 * charWidth);
    m_view->setColumnWidth(static_cast<int>(Column::District), 16 * charWidth);
    m_view->setColumnWidth(static_cast<int>(Column::Sensor), 20 * charWidth);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(static_cast<int>(Column::Severity), Qt::DescendingOrder);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_filter);
    layout->addWidget(m_view);

    connect(m_filter, &QLineEdit::textChanged, this, &AlertPanel::setFilterText);
    connect(m_view, &QAbstractItemView::clicked, this, &AlertPanel::activate);
    connect(m_view, &QAbstractItemView::activated, this, &AlertPanel::activate);
}

void AlertPanel::setFilterText(const QString& filter) {
    if (m_filter->text() != filter) m_filter->setText(filter);
    m_proxy->setFilterFixedString(filter);
}

std::optional<quint32> AlertPanel::stepCurrent(int step) {
    const int rows = m_proxy->rowCount();
    if (rows == 0) return std::nullopt;
    const QModelIndex current = m_view->currentIndex();
    const int row = current.isValid() ? std::clamp(current.row() + step, 0, rows - 1) : 0;
    const QModelIndex target = m_proxy->index(row, 0);
    m_view->setCurrentIndex(target);
    m_view->scrollTo(target);
    return currentSensor();
}

std::optional<quint32> AlertPanel::currentSensor() const {
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) return std::nullopt;
    return current.siblingAtColumn(0).data(AlertModel::SensorRole).value<quint32>();
}

void AlertPanel::activate(const QModelIndex& proxyIndex) {
    if (!proxyIndex.isValid()) return;
    const QModelIndex index = proxyIndex.siblingAtColumn(0);
    emit alertActivated(index.data(AlertModel::IdRole).value<quint64>(),
                        index.data(AlertModel::SensorRole).value<quint32>());
}

}  // namespace cityops::widgets
