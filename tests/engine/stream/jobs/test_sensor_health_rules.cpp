#include <QtTest>
#include <algorithm>
#include <cmath>
#include <vector>

#include "cityops/engine/emergency_code.h"
#include "cityops/engine/stream/city_jobs.h"
#include "rule_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;
using namespace cityops::engine::stream::ruletest;

namespace {

constexpr TimeMs kSpan = 2 * 60 * kMinute;

//! One emission on its way: delivered at `delivery` (faults move it), ordered by delivery.
struct Delivery {
    TimeMs delivery = 0;
    Reading reading;
};

double noise(std::uint64_t a, std::uint64_t b) {  // deterministic, in [-1, 1)
    std::uint64_t x = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);
    x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 29;
    return static_cast<double>(x % 2'000'001) / 1'000'000.0 - 1.0;
}

struct Sensor {
    std::uint32_t id;
    std::uint16_t district;
    SensorKind kind;
    Metric metric;
    TimeMs interval;
    double base;
    double spread;
};

//! A small district (id 3) of every kind: five thermometers, noise, traffic, parking and emergency sensors.
std::vector<Sensor> sensors() {
    std::vector<Sensor> out;
    for (std::uint32_t i = 0; i < 5; ++i) {
        out.push_back({10 + i, 3, SensorKind::Temperature, Metric::Temperature, 60 * kSecond, 18.0 + i * 0.7, 0.2});
    }
    out.push_back({20, 3, SensorKind::Noise, Metric::NoiseDb, 30 * kSecond, 62.0, 3.0});
    out.push_back({21, 3, SensorKind::Noise, Metric::NoiseDb, 30 * kSecond, 58.0, 3.0});
    out.push_back({5, 3, SensorKind::Traffic, Metric::TrafficSpeed, 10 * kSecond, 40.0, 8.0});
    out.push_back({6, 3, SensorKind::Traffic, Metric::TrafficSpeed, 10 * kSecond, 35.0, 8.0});
    out.push_back({30, 3, SensorKind::Emergency, Metric::EmergencySeverity, 60 * kSecond, 0.0, 0.0});
    out.push_back({40, 3, SensorKind::Parking, Metric::ParkingOccupancy, 30 * kSecond, 0.5, 0.0});
    out.push_back({50, 3, SensorKind::Emergency, Metric::EmergencySeverity, 60 * kSecond, 0.0, 0.0});
    return out;
}

//! Two hours of normal readings (a slow common trend plus per-sensor noise), in delivery order.
std::vector<Delivery> normalDeliveries() {
    std::vector<Delivery> out;
    for (const Sensor& s : sensors()) {
        std::uint64_t seq = 0;
        for (TimeMs t = kStart + static_cast<TimeMs>(s.id) * 977 % s.interval; t < kStart + kSpan; t += s.interval) {
            const double trend = 2.0 * std::sin(static_cast<double>(t - kStart) / (4.0 * 3'600'000.0));
            double value = s.base + s.spread * noise(s.id, seq);
            if (s.kind == SensorKind::Temperature) {
                value += trend;
            } else if (s.kind == SensorKind::Parking) {
                value = std::round((0.5 + 0.1 * trend) * 100.0) / 100.0;  // coarse: often repeats
            }
            out.push_back({t, reading(s.id, s.district, s.kind, s.metric, t, ++seq, value)});
        }
    }
    return out;
}

std::vector<Reading> delivered(std::vector<Delivery> deliveries) {
    std::stable_sort(deliveries.begin(), deliveries.end(), [](const Delivery& a, const Delivery& b) {
        return std::tie(a.delivery, a.reading.sensorId) < std::tie(b.delivery, b.reading.sensorId);
    });
    std::vector<Reading> out;
    for (const Delivery& d : deliveries) {
        out.push_back(d.reading);
    }
    return out;
}

bool during(const Delivery& d, std::uint32_t sensor, TimeMs from, TimeMs to) {
    return d.reading.sensorId == sensor && d.reading.eventTimeMs >= kStart + from && d.reading.eventTimeMs < kStart + to;
}

//! Every fault of the sensor-faults scenario once, on its own sensor.
std::vector<Reading> faultyReadings() {
    std::vector<Delivery> in = normalDeliveries();
    std::vector<Delivery> extra;
    for (Delivery& d : in) {
        Reading& r = d.reading;
        if (during(d, 20, 10 * kMinute, 50 * kMinute)) {
            r.value = 61.25;  // stuck
        }
        if (during(d, 12, 0, kSpan)) {
            r.value += 3.0 * static_cast<double>(r.eventTimeMs - kStart) / 3'600'000.0;  // drift, 3 °C per hour
        }
        if (during(d, 21, 30 * kMinute, 60 * kMinute) && r.seq % 3 == 0) {
            extra.push_back(d);  // sent twice
        }
        if (during(d, 5, 45 * kMinute, 75 * kMinute) && r.seq % 3 == 0) {
            d.delivery += 1 + static_cast<TimeMs>(r.seq % 8) * kSecond;  // out of order, up to 8 s
        }
        if (during(d, 30, 60 * kMinute, 90 * kMinute)) {
            r.eventTimeMs -= 2 * kMinute;  // its clock is two minutes slow
        }
        if (during(d, 40, 80 * kMinute, 90 * kMinute)) {
            for (int k = 1; k < 10; ++k) {  // ten emissions per interval
                Delivery more = d;
                more.delivery += k * 3 * kSecond;
                more.reading.eventTimeMs += k * 3 * kSecond;
                extra.push_back(more);
            }
        }
    }
    in.insert(in.end(), extra.begin(), extra.end());
    std::vector<Reading> out = delivered(in);
    // The flood's extra emissions need sequence numbers of their own (the sensor counts every send).
    std::uint64_t seq = 0;
    for (Reading& r : out) {
        if (r.sensorId == 40) {
            r.seq = ++seq;
        }
    }
    return out;
}

std::vector<Alert> ofRule(const std::vector<Alert>& alerts, AlertRule rule) {
    std::vector<Alert> out;
    std::copy_if(alerts.begin(), alerts.end(), std::back_inserter(out), [rule](const Alert& a) { return a.rule == rule; });
    return out;
}

}  // namespace

//! The emergency kinds, the per-sensor health rule and the per-district drift rule: each fires on
//! its fault (on the faulty sensor, after the fault starts), stays quiet on the same data without
//! faults, and round-trips its state through a checkpoint.
class TestSensorHealthRules : public QObject {
    Q_OBJECT

private slots:
    void quietOnNormalData();
    void healthFaultsAreRaised();
    void alertTimeIsTheStreamsNotTheSkewedClock();
    void driftIsRaisedForTheDriftingSensorOnly();
    void emergencyKinds();
    void emergencyCode();
    void checkpointRoundTrips();
    void retailRush();
};

void TestSensorHealthRules::quietOnNormalData() {
    const std::vector<Reading> normal = delivered(normalDeliveries());
    auto health = makeSensorHealthOperator();
    auto drift = makeSensorDriftOperator();
    auto kinds = makeEmergencyKindOperator();
    QVERIFY(runAll(*health, bySensor, normal).empty());
    QVERIFY(runAll(*drift, byLocation, normal).empty());
    QVERIFY(runAll(*kinds, bySensor, normal).empty());
}

void TestSensorHealthRules::healthFaultsAreRaised() {
    auto health = makeSensorHealthOperator();
    const std::vector<Alert> alerts = runAll(*health, bySensor, faultyReadings());
    const auto expectOne = [&](AlertRule rule, std::uint32_t sensor, TimeMs faultStart) {
        const std::vector<Alert> raised = ofRule(alerts, rule);
        QVERIFY2(raised.size() == 1, toString(rule).data());
        QCOMPARE(raised[0].sensorId, sensor);
        QCOMPARE(raised[0].locationId, std::uint16_t{3});
        QVERIFY2(raised[0].eventTimeMs >= kStart + faultStart, toString(rule).data());
        QVERIFY2(raised[0].eventTimeMs < kStart + faultStart + 15 * kMinute, toString(rule).data());
    };
    expectOne(AlertRule::SensorStuck, 20, 10 * kMinute);
    expectOne(AlertRule::DuplicateReadings, 21, 30 * kMinute);
    expectOne(AlertRule::LateReadings, 5, 45 * kMinute);
    expectOne(AlertRule::ClockSkew, 30, 60 * kMinute);
    expectOne(AlertRule::DataFlood, 40, 80 * kMinute);
    QCOMPARE(alerts.size(), std::size_t{5});  // nothing else: the drifting thermometer is not "stuck"
}

void TestSensorHealthRules::alertTimeIsTheStreamsNotTheSkewedClock() {
    auto health = makeSensorHealthOperator();
    const std::vector<Alert> skew = ofRule(runAll(*health, bySensor, faultyReadings()), AlertRule::ClockSkew);
    QCOMPARE(skew.size(), std::size_t{1});
    QVERIFY(skew[0].value <= -110.0 && skew[0].value >= -130.0);  // seconds behind
    QVERIFY(skew[0].firstEventMs >= kStart + 60 * kMinute);
}

void TestSensorHealthRules::driftIsRaisedForTheDriftingSensorOnly() {
    auto drift = makeSensorDriftOperator();
    const std::vector<Alert> alerts = runAll(*drift, byLocation, faultyReadings());
    QCOMPARE(alerts.size(), std::size_t{1});
    QVERIFY(alerts[0].rule == AlertRule::SensorDrift);
    QCOMPARE(alerts[0].sensorId, 12u);
    QVERIFY(alerts[0].value > 2.0);
    QVERIFY(alerts[0].eventTimeMs < kStart + kSpan);
}

void TestSensorHealthRules::emergencyKinds() {
    std::vector<Reading> readings;
    std::uint64_t seq = 0;
    const auto add = [&](std::uint32_t sensor, TimeMs t, double value) {
        readings.push_back(reading(sensor, 2, SensorKind::Emergency, Metric::EmergencySeverity, t, ++seq, value));
    };
    for (int m = 0; m < 60; ++m) {
        const TimeMs t = kStart + m * kMinute;
        add(1, t, m >= 10 && m < 20   ? encodeEmergency(4, EmergencyCode::Fire)
                   : m >= 30 && m < 35 ? encodeEmergency(5, EmergencyCode::GasLeak)
                                       : 0.0);  // a fire, later a gas leak
        add(5, t + kSecond, 0.0);  // a quiet neighbour
        add(2, t, m >= 5 ? encodeEmergency(2, EmergencyCode::AirQuality) : 0.0);  // air quality: not a kind
        add(3, t, m >= 5 ? 3.0 : 0.0);  // a plain integer severity: no type, nothing to raise
        add(4, t, m >= 40 ? encodeEmergency(3, EmergencyCode::Accident) : 0.0);
    }
    sortByTime(readings);
    auto op = makeEmergencyKindOperator();
    const std::vector<Alert> alerts = runAll(*op, bySensor, readings);
    QCOMPARE(alerts.size(), std::size_t{3});
    QVERIFY(alerts[0].rule == AlertRule::EmergencyFire && alerts[0].sensorId == 1);
    QCOMPARE(alerts[0].eventTimeMs, kStart + 10 * kMinute);
    QCOMPARE(alerts[0].value, 4.0);
    QVERIFY(alerts[0].severity == Severity::Critical);
    QVERIFY(alerts[1].rule == AlertRule::EmergencyGasLeak && alerts[1].sensorId == 1);
    QVERIFY(alerts[2].rule == AlertRule::EmergencyAccident && alerts[2].sensorId == 4);
    QVERIFY(alerts[2].severity == Severity::Warning);
    // Repeated sends of an event report do not raise it again; the all-clear re-arms.
    checkRoundTrip([] { return makeEmergencyKindOperator(); }, bySensor, readings, alerts);
}

void TestSensorHealthRules::emergencyCode() {
    for (int severity = 1; severity <= 5; ++severity) {
        for (const EmergencyCode code : {EmergencyCode::Fire, EmergencyCode::GasLeak, EmergencyCode::Accident,
                                         EmergencyCode::Flooding, EmergencyCode::AirQuality}) {
            const double value = encodeEmergency(severity, code);
            QCOMPARE(emergencySeverity(value), severity);
            QVERIFY(emergencyCodeOf(value) == code);
            QVERIFY(value >= severity);  // rules comparing with a severity keep working
        }
    }
    QCOMPARE(encodeEmergency(0, EmergencyCode::Fire), 0.0);
    QVERIFY(emergencyCodeOf(0.0) == EmergencyCode::None);
    QVERIFY(emergencyCodeOf(4.0) == EmergencyCode::None);
    QVERIFY(emergencyCodeOf(std::nan("")) == EmergencyCode::None);
    QCOMPARE(emergencySeverity(-1.0), 0);
}

void TestSensorHealthRules::checkpointRoundTrips() {
    const std::vector<Reading> faulty = faultyReadings();
    auto health = makeSensorHealthOperator();
    const std::vector<Alert> healthAlerts = runAll(*health, bySensor, faulty);
    QVERIFY(!healthAlerts.empty());
    checkRoundTrip([] { return makeSensorHealthOperator(); }, bySensor, faulty, healthAlerts);
    auto drift = makeSensorDriftOperator();
    const std::vector<Alert> driftAlerts = runAll(*drift, byLocation, faulty);
    QVERIFY(!driftAlerts.empty());
    checkRoundTrip([] { return makeSensorDriftOperator(); }, byLocation, faulty, driftAlerts);
}

//! Ten stores, receipts every 30 s to 2 min (by store), deterministic; store 3 has four times its
//! customers from minute 40 to 70, every store 1.6 times from minute 90: one alert for store 3, one
//! city-wide alert; the same receipts without the rushes raise nothing.
void TestSensorHealthRules::retailRush() {
    const auto receipts = [](bool rushes) {
        std::vector<ReceiptEvent> out;
        for (std::uint32_t store = 0; store < 10; ++store) {
            const double perMinute = 1.0 + 0.2 * store;
            std::uint64_t number = 0;
            double due = 0.0;
            for (TimeMs m = 0; m < 120; ++m) {
                double rate = perMinute;
                if (rushes && store == 3 && m >= 40 && m < 70) {
                    rate *= 4.0;
                }
                if (rushes && m >= 90) {
                    rate *= 1.6;
                }
                due += rate * (1.0 + 0.3 * noise(store, static_cast<std::uint64_t>(m)));
                for (; due >= 1.0; due -= 1.0) {
                    ReceiptEvent r;
                    r.eventTimeMs = kStart + m * kMinute + static_cast<TimeMs>(number * 7'919 % 60'000);
                    r.storeId = store;
                    r.districtId = static_cast<std::uint16_t>(store / 3);
                    r.receiptId = receiptIdOf(store, ++number);
                    r.total = 100.0;
                    out.push_back(r);
                }
            }
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const ReceiptEvent& a, const ReceiptEvent& b) { return a.eventTimeMs < b.eventTimeMs; });
        return out;
    };
    const auto run = [](const std::vector<ReceiptEvent>& events) {
        ReceiptJobsConfig config;
        config.job.workers = 2;
        config.job.checkpointIntervalMs = 0;
        ReceiptJobsOutputs outputs;
        ReceiptJobs jobs = buildReceiptJobs(config, outputs);
        for (std::size_t i = 0; i < events.size(); i += 50) {
            jobs.receipts->push(std::span<const ReceiptEvent>(events).subspan(i, std::min<std::size_t>(50, events.size() - i)));
        }
        jobs.receipts->finish();
        jobs.items->finish();
        std::vector<Alert> alerts;
        outputs.alerts->drain(alerts);
        std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) { return a.eventTimeMs < b.eventTimeMs; });
        return alerts;
    };
    QVERIFY(run(receipts(false)).empty());
    const std::vector<Alert> alerts = run(receipts(true));
    QCOMPARE(alerts.size(), std::size_t{2});
    QVERIFY(alerts[0].rule == AlertRule::RetailRush);
    QCOMPARE(alerts[0].sensorId, 3u);
    QCOMPARE(alerts[0].locationId, std::uint16_t{1});
    QVERIFY(alerts[0].eventTimeMs >= kStart + 40 * kMinute && alerts[0].eventTimeMs <= kStart + 60 * kMinute);
    QVERIFY(alerts[1].rule == AlertRule::RetailRush);
    QVERIFY(alerts[1].eventTimeMs >= kStart + 90 * kMinute && alerts[1].eventTimeMs <= kStart + 110 * kMinute);
    QVERIFY(alerts[1].id != alerts[0].id);
}

QTEST_GUILESS_MAIN(TestSensorHealthRules)
#include "test_sensor_health_rules.moc"
