#include <QLineEdit>
#include <QTableView>
#include <QtTest>

#include "cityops/widgets/alert_model.h"
#include "cityops/widgets/alert_panel.h"

using namespace cityops;
using widgets::AlertModel;
using widgets::AlertPanel;

namespace {

simulation::City smallCity() {
    simulation::City city;
    city.name = "Testgrad";
    city.districts.push_back({"Podilskyi", {}, {50.47, 30.51}});
    city.districts.push_back({"Obolonskyi", {}, {50.50, 30.49}});
    for (std::uint32_t i = 0; i < 6; ++i) {
        simulation::Sensor sensor;
        sensor.id = i;
        sensor.kind = engine::SensorKind::AirQuality;
        sensor.districtId = static_cast<std::uint16_t>(i % 2);
        sensor.name = "AQ-" + city.districts[i % 2].name + "-00" + std::to_string(i);
        city.sensors.push_back(sensor);
    }
    return city;
}

engine::Alert alert(std::uint64_t id, engine::Severity severity, std::int64_t timeMs, std::uint32_t sensor) {
    engine::Alert a;
    a.id = id;
    a.severity = severity;
    a.firstEventMs = timeMs - 60'000;
    a.eventTimeMs = timeMs;
    a.sensorId = sensor;
    a.locationId = static_cast<std::uint16_t>(sensor % 2);
    a.value = 900.0 + static_cast<double>(id);
    a.matchedCount = 3;
    return a;
}

}  // namespace

//! AlertModel batches and dedup; AlertProxyModel ordering and filtering; AlertPanel activation.
class TestAlertModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("CityOpsTest"));
    }

    void appendsABatchWithOneInsert() {
        const simulation::City city = smallCity();
        AlertModel model(city);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const std::vector<engine::Alert> batch{alert(1, engine::Severity::Warning, 1'000, 0),
                                               alert(2, engine::Severity::Critical, 2'000, 1),
                                               alert(3, engine::Severity::Warning, 3'000, 2)};
        QCOMPARE(model.appendAlerts(batch), 3);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 2);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), static_cast<int>(AlertModel::Column::Count));

        const QModelIndex row1 = model.index(1, 0);
        QCOMPARE(row1.data(AlertModel::IdRole).value<quint64>(), quint64{2});
        QCOMPARE(row1.data(AlertModel::SeverityRole).toInt(), static_cast<int>(engine::Severity::Critical));
        QCOMPARE(row1.data(AlertModel::TimeRole).toLongLong(), qint64{2'000});
        QCOMPARE(row1.data(AlertModel::SensorRole).value<quint32>(), 1u);
        QCOMPARE(row1.data(AlertModel::DistrictRole).toString(), QStringLiteral("Obolonskyi"));
        QCOMPARE(row1.data(AlertModel::ValueRole).toDouble(), 902.0);
        const auto column = [&](AlertModel::Column c) { return model.index(1, static_cast<int>(c)).data().toString(); };
        QCOMPARE(column(AlertModel::Column::Sensor), QStringLiteral("AQ-Obolonskyi-001"));
        QCOMPARE(column(AlertModel::Column::District), QStringLiteral("Obolonskyi"));
        QCOMPARE(column(AlertModel::Column::Severity), AlertModel::severityText(engine::Severity::Critical));
        QCOMPARE(column(AlertModel::Column::Time), QStringLiteral("1970-01-01 00:00:02"));
        QVERIFY(column(AlertModel::Column::Value).startsWith(QStringLiteral("902")));
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Time"));
    }

    void deduplicatesById() {
        const simulation::City city = smallCity();
        AlertModel model(city);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const std::vector<engine::Alert> first{alert(7, engine::Severity::Warning, 1'000, 0),
                                               alert(7, engine::Severity::Warning, 1'000, 0)};
        QCOMPARE(model.appendAlerts(first), 1);
        const std::vector<engine::Alert> again{alert(7, engine::Severity::Warning, 1'000, 0)};
        QCOMPARE(model.appendAlerts(again), 0);
        QCOMPARE(inserted.count(), 1);
        const std::vector<engine::Alert> mixed{alert(7, engine::Severity::Warning, 1'000, 0),
                                               alert(8, engine::Severity::Warning, 2'000, 0)};
        QCOMPARE(model.appendAlerts(mixed), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOfId(8), 1);
        QCOMPARE(model.rowOfId(99), -1);
        QCOMPARE(inserted.count(), 2);
    }

    void proxySortsBySeverityThenTime() {
        const simulation::City city = smallCity();
        AlertModel model(city);
        AlertPanel panel(model);
        model.appendAlerts(std::vector<engine::Alert>{alert(1, engine::Severity::Warning, 1'000, 0),
                                                      alert(2, engine::Severity::Critical, 2'000, 1),
                                                      alert(3, engine::Severity::Warning, 5'000, 2)});
        model.appendAlerts(std::vector<engine::Alert>{alert(4, engine::Severity::Critical, 4'000, 3),
                                                      alert(5, engine::Severity::Info, 9'000, 4)});
        const QSortFilterProxyModel& proxy = panel.proxy();
        QCOMPARE(proxy.rowCount(), 5);
        std::vector<quint64> order;
        for (int row = 0; row < proxy.rowCount(); ++row)
            order.push_back(proxy.index(row, 0).data(AlertModel::IdRole).value<quint64>());
        QCOMPARE(order, (std::vector<quint64>{4, 2, 3, 1, 5}));
    }

    void proxyFilters() {
        const simulation::City city = smallCity();
        AlertModel model(city);
        AlertPanel panel(model);
        model.appendAlerts(std::vector<engine::Alert>{alert(1, engine::Severity::Warning, 1'000, 0),
                                                      alert(2, engine::Severity::Critical, 2'000, 1),
                                                      alert(3, engine::Severity::Warning, 5'000, 2)});
        auto* filter = panel.findChild<QLineEdit*>(QStringLiteral("alertFilter"));
        QVERIFY(filter);
        QTest::keyClicks(filter, QStringLiteral("podil"));
        QCOMPARE(panel.proxy().rowCount(), 2);  // sensors 0 and 2 are in Podilskyi
        panel.setFilterText(AlertModel::severityText(engine::Severity::Critical));
        QCOMPARE(panel.proxy().rowCount(), 1);
        QCOMPARE(filter->text(), AlertModel::severityText(engine::Severity::Critical));
        panel.setFilterText(QString());
        QCOMPARE(panel.proxy().rowCount(), 3);
        // New rows that do not match stay hidden; matching ones show up.
        panel.setFilterText(QStringLiteral("obolon"));
        model.appendAlerts(std::vector<engine::Alert>{alert(9, engine::Severity::Warning, 7'000, 3),
                                                      alert(10, engine::Severity::Warning, 8'000, 4)});
        QCOMPARE(panel.proxy().rowCount(), 2);
    }

    void panelEmitsActivation() {
        const simulation::City city = smallCity();
        AlertModel model(city);
        AlertPanel panel(model);
        panel.resize(800, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        model.appendAlerts(std::vector<engine::Alert>{alert(11, engine::Severity::Warning, 1'000, 3),
                                                      alert(12, engine::Severity::Critical, 2'000, 5)});
        QSignalSpy activated(&panel, &AlertPanel::alertActivated);
        QTableView& view = panel.view();
        const QRect top = view.visualRect(panel.proxy().index(0, 1));
        QTest::mouseClick(view.viewport(), Qt::LeftButton, Qt::NoModifier, top.center());
        QVERIFY(activated.count() >= 1);
        QCOMPARE(activated.last().at(0).value<quint64>(), quint64{12});
        QCOMPARE(activated.last().at(1).value<quint32>(), 5u);

        activated.clear();
        view.setFocus();
        view.setCurrentIndex(panel.proxy().index(1, 0));
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.first().at(0).value<quint64>(), quint64{11});
        QCOMPARE(activated.first().at(1).value<quint32>(), 3u);
    }
};

QTEST_MAIN(TestAlertModel)
#include "test_alert_model.moc"
