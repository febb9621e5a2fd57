#include "cityops/widgets/alert_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "alert_resolve_dialog.h"
#include "cityops/engine/storage/records.h"
#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_workflow.h"

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

void AlertProxyModel::setStateMask(int mask) {
    m_stateMask = mask;
    invalidateFilter();
}

void AlertProxyModel::setMinimumSeverity(int severity) {
    m_minimumSeverity = severity;
    invalidateFilter();
}

bool AlertProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if ((m_stateMask & (1 << index.data(AlertModel::StateRole).toInt())) == 0) return false;
    if (index.data(AlertModel::SeverityRole).toInt() < m_minimumSeverity) return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
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
    m_filter->setPlaceholderText(tr("Search alerts (district, sensor, service...)"));
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

    m_view->setColumnWidth(static_cast<int>(Column::Value), 10 * charWidth);
    m_view->setColumnWidth(static_cast<int>(Column::State), 16 * charWidth);

    m_stateFilter = new QComboBox(this);
    m_stateFilter->setObjectName(QStringLiteral("alertStateFilter"));
    m_stateFilter->addItem(tr("Open"), -1);
    m_stateFilter->addItem(tr("All states"), -2);
    for (int state = 0; state < engine::storage::kAlertStateCount; ++state) {
        m_stateFilter->addItem(AlertModel::stateText(static_cast<engine::storage::AlertState>(state)), state);
    }
    m_severityFilter = new QComboBox(this);
    m_severityFilter->setObjectName(QStringLiteral("alertSeverityFilter"));
    m_severityFilter->addItem(tr("All severities"), 0);
    m_severityFilter->addItem(tr("Warning and worse"), static_cast<int>(engine::Severity::Warning));
    m_severityFilter->addItem(tr("Critical only"), static_cast<int>(engine::Severity::Critical));
    m_mute = new QToolButton(this);
    m_mute->setObjectName(QStringLiteral("alertMute"));
    m_mute->setCheckable(true);
    m_mute->setText(tr("Mute"));
    m_mute->setToolTip(tr("Silence the beep and flash for new critical alerts"));

    auto* filters = new QHBoxLayout;
    filters->setSpacing(2);
    filters->addWidget(m_stateFilter);
    filters->addWidget(m_severityFilter);
    filters->addWidget(m_filter, 1);
    filters->addWidget(m_mute);

    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("alertDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("alertStatus"));
    m_status->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addWidget(buildActions());
    layout->addWidget(m_details);
    layout->addWidget(m_status);

    m_flashTimer = new QTimer(this);
    m_flashTimer->setInterval(250);
    connect(m_flashTimer, &QTimer::timeout, this, [this] {
        --m_flashSteps;
        const bool on = m_flashSteps > 0 && m_flashSteps % 2 == 1;
        m_view->setStyleSheet(on ? QStringLiteral("QTableView { border: 3px solid #e53935; }") : QString());
        if (m_flashSteps <= 0) m_flashTimer->stop();
    });
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        const int state = m_stateFilter->currentData().toInt();
        const int all = (1 << engine::storage::kAlertStateCount) - 1;
        const int resolved = 1 << static_cast<int>(engine::storage::AlertState::Resolved);
        m_proxy->setStateMask(state == -2 ? all : state == -1 ? all & ~resolved : 1 << state);
    });
    connect(m_severityFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_proxy->setMinimumSeverity(m_severityFilter->currentData().toInt()); });
    m_proxy->setStateMask(((1 << engine::storage::kAlertStateCount) - 1) &
                          ~(1 << static_cast<int>(engine::storage::AlertState::Resolved)));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &AlertPanel::updateDetails);
    connect(&m_model, &QAbstractItemModel::dataChanged, this, &AlertPanel::updateDetails);
    setWorkflow(nullptr);

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

std::optional<quint64> AlertPanel::currentAlert() const {
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) return std::nullopt;
    return current.siblingAtColumn(0).data(AlertModel::IdRole).value<quint64>();
}

QWidget* AlertPanel::buildActions() {
    auto* bar = new QWidget(this);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(2);
    m_acknowledge = new QPushButton(tr("&Acknowledge"), bar);
    m_acknowledge->setObjectName(QStringLiteral("alertAcknowledge"));
    m_assign = new QToolButton(bar);
    m_assign->setObjectName(QStringLiteral("alertAssign"));
    m_assign->setText(tr("A&ssign"));
    m_assign->setPopupMode(QToolButton::InstantPopup);
    auto* services = new QMenu(m_assign);
    for (const QString& service : AlertWorkflow::services()) {
        services->addAction(AlertWorkflow::serviceText(service), this, [this, service] { assignCurrent(service); });
    }
    m_assign->setMenu(services);
    m_dispatch = new QPushButton(tr("&Dispatch"), bar);
    m_dispatch->setObjectName(QStringLiteral("alertDispatch"));
    m_resolve = new QPushButton(tr("&Resolve…"), bar);
    m_resolve->setObjectName(QStringLiteral("alertResolve"));
    m_note = new QPushButton(tr("&Note…"), bar);
    m_note->setObjectName(QStringLiteral("alertNote"));
    for (QWidget* w : std::initializer_list<QWidget*>{m_acknowledge, m_assign, m_dispatch, m_resolve, m_note}) {
        row->addWidget(w);
    }
    row->addStretch(1);
    connect(m_acknowledge, &QPushButton::clicked, this, [this] { acknowledgeCurrent(); });
    connect(m_dispatch, &QPushButton::clicked, this, [this] { dispatchCurrent(); });
    connect(m_resolve, &QPushButton::clicked, this, [this] { resolveCurrent(); });
    connect(m_note, &QPushButton::clicked, this, [this] {
        const auto id = currentAlert();
        if (!id || !m_workflow) return;
        bool ok = false;
        const QString note =
            QInputDialog::getMultiLineText(this, tr("Note on alert %1").arg(*id), tr("Note:"), {}, &ok);
        if (ok) report(m_workflow->addNote(*id, note));
    });
    connect(m_mute, &QToolButton::toggled, this, [this](bool muted) {
        if (m_workflow) m_workflow->setMuted(muted);
    });
    return bar;
}

void AlertPanel::setWorkflow(AlertWorkflow* workflow) {
    m_workflow = workflow;
    for (QWidget* w : std::initializer_list<QWidget*>{m_acknowledge, m_assign, m_dispatch, m_resolve, m_note, m_mute}) {
        w->setEnabled(workflow != nullptr);
    }
    if (workflow) {
        m_mute->setChecked(workflow->isMuted());
        connect(workflow, &AlertWorkflow::flashRequested, this, &AlertPanel::flash);
        connect(workflow, &AlertWorkflow::problem, this, [this](const QString& message) { report(message); });
    }
}

void AlertPanel::setStateFilter(int state) {
    const int index = m_stateFilter->findData(state);
    if (index >= 0) m_stateFilter->setCurrentIndex(index);
}

QString AlertPanel::report(const QString& result) {
    m_status->setText(result);
    return result;
}

QString AlertPanel::acknowledgeCurrent() {
    const auto id = currentAlert();
    if (!id || !m_workflow) return report(tr("Select an alert first."));
    return report(m_workflow->acknowledge(*id));
}

QString AlertPanel::assignCurrent(const QString& service) {
    const auto id = currentAlert();
    if (!id || !m_workflow) return report(tr("Select an alert first."));
    return report(m_workflow->assign(*id, service));
}

QString AlertPanel::dispatchCurrent() {
    const auto id = currentAlert();
    if (!id || !m_workflow) return report(tr("Select an alert first."));
    return report(m_workflow->dispatch(*id));
}

QString AlertPanel::resolveCurrent() {
    const auto id = currentAlert();
    if (!id || !m_workflow) return report(tr("Select an alert first."));
    AlertResolveDialog dialog(*id, this);
    if (dialog.exec() != QDialog::Accepted) return report(tr("Not resolved: no disposition was chosen."));
    return report(m_workflow->resolve(*id, dialog.disposition(), dialog.note()));
}

void AlertPanel::flash() {
    m_flashSteps = 6;
    m_view->setStyleSheet(QStringLiteral("QTableView { border: 3px solid #e53935; }"));
    m_flashTimer->start();
}

bool AlertPanel::isFlashing() const {
    return m_flashTimer->isActive();
}

QString AlertPanel::statusText() const {
    return m_status->text();
}

void AlertPanel::updateDetails() {
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const QModelIndex index = current.siblingAtColumn(0);
    QStringList lines;
    lines << tr("Alert %1: %2").arg(index.data(AlertModel::IdRole).value<quint64>())
                 .arg(index.siblingAtColumn(static_cast<int>(Column::State)).data().toString());
    const QString service = index.data(AlertModel::ServiceRole).toString();
    if (!service.isEmpty()) lines << tr("Service: %1").arg(AlertWorkflow::serviceText(service));
    const QString disposition = index.data(AlertModel::DispositionRole).toString();
    if (!disposition.isEmpty()) lines << tr("Disposition: %1").arg(AlertWorkflow::dispositionText(disposition));
    const QString notes = index.data(AlertModel::NotesRole).toString();
    if (!notes.isEmpty()) lines << tr("Notes: %1").arg(notes);
    m_details->setText(lines.join(QLatin1Char('\n')));
}

void AlertPanel::activate(const QModelIndex& proxyIndex) {
    if (!proxyIndex.isValid()) return;
    const QModelIndex index = proxyIndex.siblingAtColumn(0);
    emit alertActivated(index.data(AlertModel::IdRole).value<quint64>(),
                        index.data(AlertModel::SensorRole).value<quint32>());
}

}  // namespace cityops::widgets
