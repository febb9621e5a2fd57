#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <filesystem>
#include <functional>
#include <tuple>
#include <vector>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/stream/city_jobs.h"
#include "rule_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;
using namespace cityops::engine::stream::ruletest;

namespace {

//! Traffic sensors every 10 s for 30 minutes: sensor 1 normal, sensor 2 jammed (4 km/h, 14 cars)
//! from minute 10 to 20, sensor 3 slow on an empty road (no queue).
std::vector<Reading> trafficReadings() {
    std::vector<Reading> out;
    std::uint64_t seq = 0;
    for (TimeMs t = kStart; t < kStart + 30 * kMinute; t += 10 * kSecond) {
        ++seq;
        const bool jam = t >= kStart + 10 * kMinute && t < kStart + 20 * kMinute;
        const double wobble = static_cast<double>(seq % 5);
        for (const auto& [sensor, speed, cars] : {std::tuple{1u, 38.0 + wobble, 8.0}, std::tuple{2u, jam ? 4.0 : 35.0, jam ? 14.0 : 7.0},
                                                  std::tuple{3u, 6.0, 0.0}}) {
            out.push_back(reading(sensor, 4, SensorKind::Traffic, Metric::TrafficSpeed, t, seq, speed));
            out.push_back(reading(sensor, 4, SensorKind::Traffic, Metric::VehicleCount, t, seq, cars));
        }
    }
    return out;
}

//! Thermometers every minute for 90 minutes. District 1: three at 37 °C / 40 % (heat wave).
//! District 2: one next to a fire at 60 °C, two at 20 °C. District 3: three at 24 °C / 60 %.
std::vector<Reading> thermometerReadings() {
    std::vector<Reading> out;
    std::uint64_t seq = 0;
    for (TimeMs t = kStart; t < kStart + 90 * kMinute; t += kMinute) {
        ++seq;
        const auto add = [&](std::uint32_t sensor, std::uint16_t district, double c, double rh) {
            out.push_back(reading(sensor, district, SensorKind::Temperature, Metric::Temperature, t + sensor * kSecond,
                                  seq, c));
            out.push_back(reading(sensor, district, SensorKind::Temperature, Metric::Humidity, t + sensor * kSecond,
                                  seq, rh));
        };
        for (std::uint32_t s = 10; s < 13; ++s) {
            add(s, 1, 37.0 + 0.1 * static_cast<double>(s - 10), 40.0);
        }
        add(20, 2, 60.0, 15.0);
        add(21, 2, 20.0, 60.0);
        add(22, 2, 20.5, 60.0);
        for (std::uint32_t s = 30; s < 33; ++s) {
            add(s, 3, 24.0, 60.0);
        }
    }
    sortByTime(out);
    return out;
}

//! Meters every minute for 2 hours: 40 fails (≈ 0.4 % of its load) from minute 60 to 80; 41 drops
//! to 60 % (a heat wave's end, not an outage); 42 is a normal meter.
std::vector<Reading> meterReadings() {
    std::vector<Reading> out;
    std::uint64_t seq = 0;
    for (TimeMs t = kStart; t < kStart + 120 * kMinute; t += kMinute) {
        ++seq;
        const bool down = t >= kStart + 60 * kMinute && t < kStart + 80 * kMinute;
        const double load = 10.0 + static_cast<double>(seq % 7) * 0.3;
        out.push_back(reading(40, 6, SensorKind::Energy, Metric::EnergyKwh, t, seq, down ? 0.04 : load));
        out.push_back(reading(41, 6, SensorKind::Energy, Metric::EnergyKwh, t + kSecond, seq,
                              t >= kStart + 60 * kMinute ? 0.6 * load : load));
        out.push_back(reading(42, 6, SensorKind::Energy, Metric::EnergyKwh, t + 2 * kSecond, seq, load));
    }
    return out;
}

//! Sensors every 10 s for 30 minutes in district 5: 50 stops after minute 5; 51 sends once and
//! never again; 52–54 (one gateway) stop from minute 12 to 20 and come back; 55 keeps reporting.
std::vector<Reading> silenceReadings() {
    std::vector<Reading> out;
    std::uint64_t seq = 0;
    out.push_back(reading(51, 5, SensorKind::Parking, Metric::ParkingOccupancy, kStart, 1, 0.5));
    for (TimeMs t = kStart; t < kStart + 30 * kMinute; t += 10 * kSecond) {
        ++seq;
        const bool gatewayDown = t >= kStart + 12 * kMinute && t < kStart + 20 * kMinute;
        for (std::uint32_t s : {50u, 52u, 53u, 54u, 55u}) {
            if ((s == 50 && t >= kStart + 5 * kMinute) || (s >= 52 && s <= 54 && gatewayDown)) {
                continue;
            }
            out.push_back(reading(s, 5, SensorKind::Traffic, Metric::TrafficSpeed, t + s * 10, seq, 40.0));
            out.push_back(reading(s, 5, SensorKind::Traffic, Metric::VehicleCount, t + s * 10, seq, 5.0));
        }
    }
    sortByTime(out);
    return out;
}

}  // namespace

//! The situation rules of the city jobs (engine/src/stream/jobs/situation_rules.cpp): each fires on
//! its condition, stays quiet on normal data, and round-trips its state through a checkpoint.
class TestSituationRules : public QObject {
    Q_OBJECT

private slots:
    void trafficJam() {
        const auto readings = trafficReadings();
        auto op = makeTrafficJamOperator();
        const std::vector<Alert> alerts = runAll(*op, bySensor, readings);
        QCOMPARE(alerts.size(), std::size_t{1});
        const Alert& a = alerts[0];
        QVERIFY(a.rule == AlertRule::TrafficJam);
        QCOMPARE(a.sensorId, 2u);
        QCOMPARE(a.locationId, std::uint16_t{4});
        // Minute 10's window (6..10) averages 35 km/h × 4 + 4 km/h: the first jammed window is the one
        // with at most one normal minute; it is judged at the end of its last minute.
        QVERIFY(a.eventTimeMs > kStart + 10 * kMinute && a.eventTimeMs <= kStart + 15 * kMinute);
        QCOMPARE(a.firstEventMs, a.eventTimeMs + 1 - 5 * kMinute);
        QCOMPARE(a.id, makeAlertId(AlertRule::TrafficJam, 2, a.firstEventMs));
        QVERIFY(a.value < 10.0);
        checkRoundTrip([] { return makeTrafficJamOperator(); }, bySensor, readings, alerts);
    }

    void heatStress() {
        QVERIFY(std::abs(heatIndexC(35.0, 40.0) - 37.8) < 1.0);  // NWS table: 95 °F, 40 % → 101 °F
        QVERIFY(std::abs(heatIndexC(20.0, 50.0) - 20.0) < 1.0);
        QCOMPARE(heatIndexC(30.0, std::nan("")), 30.0);
        const auto readings = thermometerReadings();
        auto op = makeHeatStressOperator();
        const std::vector<Alert> alerts = runAll(*op, byLocation, readings);
        QCOMPARE(alerts.size(), std::size_t{1});
        const Alert& a = alerts[0];
        QVERIFY(a.rule == AlertRule::HeatStress);
        QCOMPARE(a.locationId, std::uint16_t{1});
        QCOMPARE(a.sensorId, 12u);  // the hottest thermometer of the district
        QCOMPARE(a.firstEventMs, TimeMs{kStart - kStart % (10 * kMinute)});
        QCOMPARE(a.eventTimeMs, a.firstEventMs + 30 * kMinute - 1);  // three 10-minute buckets
        QCOMPARE(a.id, makeAlertId(AlertRule::HeatStress, 1, a.firstEventMs));
        QVERIFY(a.value > 38.0);
        checkRoundTrip([] { return makeHeatStressOperator(); }, byLocation, readings, alerts);
    }

    void energyOutage() {
        const auto readings = meterReadings();
        auto op = makeEnergyOutageOperator();
        const std::vector<Alert> alerts = runAll(*op, bySensor, readings);
        QCOMPARE(alerts.size(), std::size_t{1});
        const Alert& a = alerts[0];
        QVERIFY(a.rule == AlertRule::EnergyOutage);
        QCOMPARE(a.sensorId, 40u);
        QVERIFY(a.severity == Severity::Critical);
        QCOMPARE(a.firstEventMs, kStart + 60 * kMinute);
        QCOMPARE(a.eventTimeMs, kStart + 62 * kMinute);  // the third low reading
        QCOMPARE(a.id, makeAlertId(AlertRule::EnergyOutage, 40, a.firstEventMs));
        checkRoundTrip([] { return makeEnergyOutageOperator(); }, bySensor, readings, alerts);

        // A meter that is low from its first reading has no normal level to fall from.
        std::vector<Reading> idle;
        for (int i = 0; i < 30; ++i) {
            idle.push_back(reading(43, 6, SensorKind::Energy, Metric::EnergyKwh, kStart + i * kMinute,
                                   static_cast<std::uint64_t>(i + 1), 0.01));
        }
        auto fresh = makeEnergyOutageOperator();
        QVERIFY(runAll(*fresh, bySensor, idle).empty());
    }

    void sensorSilent() {
        const auto readings = silenceReadings();
        auto op = makeSensorSilenceOperator();
        const std::vector<Alert> emitted = runAll(*op, bySensor, readings);
        std::vector<Alert> alerts = emitted;
        std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) { return a.sensorId < b.sensorId; });
        // 50 (stopped), and each of the gateway's three sensors; not 51 (seen once), not 55, and
        // nothing at the end of input.
        QCOMPARE(alerts.size(), std::size_t{4});
        QCOMPARE(alerts[0].sensorId, 50u);
        const TimeMs last50 = kStart + 5 * kMinute - 10 * kSecond + 500;
        QCOMPARE(alerts[0].firstEventMs, last50);
        QCOMPARE(alerts[0].eventTimeMs, last50 + 120'000);  // 5 × 10 s is under the 2-minute floor
        QCOMPARE(alerts[0].id, makeAlertId(AlertRule::SensorSilent, 50, last50));
        for (std::size_t i = 1; i < 4; ++i) {
            QCOMPARE(alerts[i].sensorId, static_cast<std::uint32_t>(51 + i));
            QVERIFY(alerts[i].rule == AlertRule::SensorSilent);
            QVERIFY(alerts[i].eventTimeMs > kStart + 12 * kMinute && alerts[i].eventTimeMs < kStart + 15 * kMinute);
            QCOMPARE(alerts[i].locationId, std::uint16_t{5});
        }
        checkRoundTrip([] { return makeSensorSilenceOperator(); }, bySensor, readings, emitted);
    }

    //! No data at all, or one reading per sensor, raises nothing however far the watermark goes.
    void sensorSilentQuietStart() {
        auto op = makeSensorSilenceOperator();
        VectorCollector<Alert> out;
        op->onWatermark(kStart, out);
        const Reading once = reading(1, 0, SensorKind::Noise, Metric::NoiseDb, kStart + kSecond, 1, 40.0);
        op->processElement(1, once, once.eventTimeMs, out);
        op->onWatermark(kStart + 24 * 60 * kMinute, out);
        op->onWatermark(kEndOfTime, out);
        QVERIFY(out.items.empty());
    }

    //! buildCityJobs raises the situation alerts end to end (traffic jam, silent sensor), and a
    //! checkpoint written by a graph without the situation rules (the four jobs only) restores.
    void cityJobsRaiseAndOldCheckpointsRestore() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "city.db";
        auto readings = trafficReadings();
        const auto silent = silenceReadings();
        readings.insert(readings.end(), silent.begin(), silent.end());
        sortByTime(readings);
        {
            auto store = storage::Storage::open(storage::StorageOptions{.path = path});
            QVERIFY(store.ok());
            CityJobsConfig config;
            config.job.jobId = "city-jobs";
            config.job.workers = 2;
            config.job.storage = store->get();
            config.job.checkpointIntervalMs = 0;
            CityJobsOutputs outputs;
            JobBuilder<Reading> old(config.job);  // the graph before the situation rules
            old.timestamps([](const Reading& r) { return r.eventTimeMs; });
            addAlertDetection(old, config, outputs);
            addRealtimeAggregation(old, config, outputs);
            addDataEnrichment(old, config, outputs);
            addPatternDetection(old, config, outputs);
            auto job = old.build();
            job->push(std::span<const Reading>(readings).subspan(0, 100));
            job->setSourcePositions({log::PartitionOffset{"readings", 0, 100}});
            QVERIFY(job->checkpoint().ok());
        }
        auto store = storage::Storage::open(storage::StorageOptions{.path = path});
        QVERIFY(store.ok());
        CityJobsConfig config;
        config.job.jobId = "city-jobs";
        config.job.workers = 2;
        config.job.storage = store->get();
        config.job.checkpointIntervalMs = 0;
        CityJobsOutputs outputs;
        auto job = buildCityJobs(config, outputs);  // must not throw "the job graph changed"
        QVERIFY(job->restored().has_value());
        const auto from = static_cast<std::size_t>(job->restored()->positions.at(0).offset);
        QCOMPARE(from, std::size_t{100});
        job->push(std::span<const Reading>(readings).subspan(from));
        job->finish();
        std::vector<Alert> alerts;
        outputs.alerts->drain(alerts);
        int jams = 0;
        int silences = 0;
        for (const Alert& a : alerts) {
            jams += a.rule == AlertRule::TrafficJam && a.sensorId == 2 ? 1 : 0;
            silences += a.rule == AlertRule::SensorSilent ? 1 : 0;
            // The synthetic speeds are constant for many minutes: sensor health rightly calls them stuck.
            QVERIFY2(a.rule == AlertRule::TrafficJam || a.rule == AlertRule::SensorSilent ||
                         a.rule == AlertRule::SensorStuck,
                     toString(a.rule).data());
        }
        QCOMPARE(jams, 1);
        QCOMPARE(silences, 4);
    }
};

QTEST_GUILESS_MAIN(TestSituationRules)
#include "test_situation_rules.moc"
