#include <QtTest>

#include "cityops/maps/map_viewport.h"
#include "cityops/maps/web_mercator.h"

using namespace cityops::maps;

//! The map camera: screen ↔ world mapping, pan, zoom about an anchor, fit.
class TestMapViewport : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void centreMapsToViewportMiddle() {
        MapViewport viewport;
        viewport.setSize(QSizeF(800, 600));
        viewport.setZoom(12.0);
        const QGeoCoordinate kyiv(50.45, 30.52);
        viewport.setCentre(kyiv);
        const QPointF middle = viewport.geoToScreen(kyiv);
        QVERIFY(std::abs(middle.x() - 400.0) < 1e-6 && std::abs(middle.y() - 300.0) < 1e-6);
        const QGeoCoordinate back = viewport.screenToGeo(QPointF(400.0, 300.0));
        QVERIFY(back.distanceTo(kyiv) < 0.01);
    }

    void panMovesContentWithTheDrag() {
        MapViewport viewport;
        viewport.setSize(QSizeF(800, 600));
        viewport.setZoom(10.0);
        viewport.setCentre(QGeoCoordinate(50.45, 30.52));
        const QGeoCoordinate target(50.46, 30.53);
        const QPointF before = viewport.geoToScreen(target);
        viewport.panBy(QPointF(30.0, -20.0));
        const QPointF after = viewport.geoToScreen(target);
        QVERIFY(std::abs(after.x() - before.x() - 30.0) < 1e-6);
        QVERIFY(std::abs(after.y() - before.y() + 20.0) < 1e-6);
    }

    void zoomAboutKeepsAnchorFixed() {
        MapViewport viewport;
        viewport.setSize(QSizeF(800, 600));
        viewport.setZoom(11.0);
        viewport.setCentre(QGeoCoordinate(50.45, 30.52));
        const QPointF anchor(650.0, 120.0);
        const QGeoCoordinate under = viewport.screenToGeo(anchor);
        viewport.zoomAbout(anchor, 13.25);
        QCOMPARE(viewport.zoom(), 13.25);
        const QPointF again = viewport.geoToScreen(under);
        QVERIFY(std::abs(again.x() - anchor.x()) < 1e-6 && std::abs(again.y() - anchor.y()) < 1e-6);
    }

    void zoomIsClamped() {
        MapViewport viewport;
        viewport.setZoom(100.0);
        QCOMPARE(viewport.zoom(), MapViewport::kMaxZoom);
        viewport.setZoom(-3.0);
        QCOMPARE(viewport.zoom(), MapViewport::kMinZoom);
    }

    void fitShowsTheWholeRectangle() {
        MapViewport viewport;
        viewport.setSize(QSizeF(800, 600));
        const QPointF a = mercator::project(QGeoCoordinate(50.35, 30.35), 0.0);
        const QPointF b = mercator::project(QGeoCoordinate(50.55, 30.75), 0.0);
        viewport.fitWorld(QRectF(a, b), 20.0);
        const QPointF sa = viewport.worldToScreen(a);
        const QPointF sb = viewport.worldToScreen(b);
        QVERIFY(sa.x() >= 19.9 && sa.x() <= 780.1 && sb.x() >= 19.9 && sb.x() <= 780.1);
        QVERIFY(sa.y() >= 19.9 && sa.y() <= 580.1 && sb.y() >= 19.9 && sb.y() <= 580.1);
        // Tight on the limiting side.
        const double usedWidth = std::abs(sb.x() - sa.x());
        const double usedHeight = std::abs(sb.y() - sa.y());
        QVERIFY(std::abs(usedWidth - 760.0) < 1e-6 || std::abs(usedHeight - 560.0) < 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestMapViewport)
#include "test_map_viewport.moc"
