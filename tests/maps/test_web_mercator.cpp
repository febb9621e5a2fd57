#include <QtTest>

#include "cityops/maps/web_mercator.h"

using namespace cityops::maps;

//! Web-Mercator projection: known values, inverse, clamping and ground resolution.
class TestWebMercator : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void originAtZoomZeroIsWorldCentre() {
        const QPointF p = mercator::project(QGeoCoordinate(0.0, 0.0), 0.0);
        QCOMPARE(p.x(), 128.0);
        QVERIFY(std::abs(p.y() - 128.0) < 1e-9);
    }

    void knownValues() {
        QCOMPARE(mercator::worldSize(0.0), 256.0);
        QCOMPARE(mercator::worldSize(3.0), 2048.0);
        QVERIFY(std::abs(mercator::worldSize(1.5) - 256.0 * std::sqrt(8.0)) < 1e-9);
        // West edge, east edge, north clamp.
        QCOMPARE(mercator::project(QGeoCoordinate(0.0, -180.0), 1.0).x(), 0.0);
        QCOMPARE(mercator::project(QGeoCoordinate(0.0, 180.0), 1.0).x(), 512.0);
        QVERIFY(std::abs(mercator::project(QGeoCoordinate(mercator::kMaxLatitude, 0.0), 0.0).y()) < 1e-6);
        QVERIFY(std::abs(mercator::project(QGeoCoordinate(-mercator::kMaxLatitude, 0.0), 0.0).y() - 256.0) < 1e-6);
        // Kyiv (50.45 N, 30.52 E) lies in the slippy tile x=4790, y=2762 at zoom 13.
        const QPointF kyiv = mercator::project(QGeoCoordinate(50.45, 30.52), 13.0);
        QCOMPARE(static_cast<int>(kyiv.x() / mercator::kTileSize), 4790);
        QCOMPARE(static_cast<int>(kyiv.y() / mercator::kTileSize), 2762);
    }

    void latitudeIsClamped() {
        QCOMPARE(mercator::clampLatitude(89.9), mercator::kMaxLatitude);
        QCOMPARE(mercator::clampLatitude(-90.0), -mercator::kMaxLatitude);
        QCOMPARE(mercator::project(QGeoCoordinate(89.0, 10.0), 4.0),
                 mercator::project(QGeoCoordinate(85.06, 10.0), 4.0));
        QCOMPARE(mercator::unproject(QPointF(10.0, -500.0), 0.0).latitude(), mercator::kMaxLatitude);
    }

    void roundTrip_data() {
        QTest::addColumn<double>("lat");
        QTest::addColumn<double>("lon");
        QTest::addColumn<double>("zoom");
        QTest::newRow("kyiv z12.3") << 50.4501 << 30.5234 << 12.3;
        QTest::newRow("south west z0") << -33.8688 << 151.2093 << 0.0;
        QTest::newRow("near pole z5") << 84.9 << -179.5 << 5.0;
        QTest::newRow("equator z19.7") << 0.0001 << -0.0001 << 19.7;
    }

    void roundTrip() {
        QFETCH(double, lat);
        QFETCH(double, lon);
        QFETCH(double, zoom);
        const QGeoCoordinate back = mercator::unproject(mercator::project(QGeoCoordinate(lat, lon), zoom), zoom);
        QVERIFY2(std::abs(back.latitude() - lat) < 1e-9, qPrintable(QString::number(back.latitude(), 'f', 12)));
        QVERIFY2(std::abs(back.longitude() - lon) < 1e-9, qPrintable(QString::number(back.longitude(), 'f', 12)));
    }

    void metresPerPixel() {
        // 2πR / 256 at the equator and zoom 0; halves per zoom level and with cos(latitude).
        QVERIFY(std::abs(mercator::metresPerPixel(0.0, 0.0) - 156543.03392804097) < 1e-6);
        QVERIFY(std::abs(mercator::metresPerPixel(0.0, 1.0) - 156543.03392804097 / 2.0) < 1e-6);
        QVERIFY(std::abs(mercator::metresPerPixel(60.0, 0.0) - 156543.03392804097 / 2.0) < 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestWebMercator)
#include "test_web_mercator.moc"
