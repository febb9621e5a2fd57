#include <QtTest>

#include <algorithm>
#include <map>

#include "cityops/simulation/scenario.h"
#include "cityops/simulation/simulator.h"

using namespace cityops::simulation;
using cityops::engine::Metric;
using cityops::engine::Reading;
using cityops::engine::SensorKind;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

Scenario builtin(const char* name) {
    const ScenarioResult result = loadScenario(name);
    return std::holds_alternative<Scenario>(result) ? std::get<Scenario>(result) : Scenario{};
}

std::vector<Reading> run(const City& city, const Scenario& scenario, std::int64_t durationMs, std::int64_t stepMs) {
    Simulator simulator(city, scenario);
    std::vector<Reading> out;
    for (std::int64_t t = scenario.startTimeMs; t < scenario.startTimeMs + durationMs;) {
        t = std::min(t + stepMs, scenario.startTimeMs + durationMs);
        simulator.advanceTo(t, out);
    }
    return out;
}

//! FNV-1a over every field of every reading, in stream order: a hash of the byte stream.
std::uint64_t streamHash(const std::vector<Reading>& readings) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto add = [&h](const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            h = (h ^ bytes[i]) * 0x100000001b3ULL;
        }
    };
    for (const Reading& r : readings) {
        add(&r.eventTimeMs, sizeof r.eventTimeMs);
        add(&r.seq, sizeof r.seq);
        add(&r.value, sizeof r.value);
        add(&r.sensorId, sizeof r.sensorId);
        add(&r.locationId, sizeof r.locationId);
        add(&r.kind, sizeof r.kind);
        add(&r.metric, sizeof r.metric);
    }
    return h;
}

double meanOf(const std::vector<Reading>& readings, Metric metric, std::int64_t from, std::int64_t to) {
    double sum = 0.0;
    int n = 0;
    for (const Reading& r : readings) {
        if (r.metric == metric && r.eventTimeMs >= from && r.eventTimeMs < to) {
            sum += r.value;
            ++n;
        }
    }
    return n == 0 ? 0.0 : sum / n;
}

}  // namespace

class TestSimulator : public QObject {
    Q_OBJECT

private slots:
    void streamIsDeterministic();
    void stepSizeDoesNotChangeTheStream();
    void readingsAreOrderedAndWellFormed();
    void reportingIntervalsAndSequenceNumbers();
    void advanceBackwardsIsANoOp();
    void quietDayCo2StaysFarBelowTheThreshold();
    void co2EpisodeRaisesPodilskyiOnly();
    void dynamicsFollowTheClock();
};

void TestSimulator::streamIsDeterministic() {
    Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Reading> a = run(city, scenario, kHour, 1'000);
    const std::vector<Reading> b = run(generateDemoCity(scenario.seed, scenario.sensorCount), scenario, kHour, 1'000);
    QVERIFY(a.size() > 50'000);
    QCOMPARE(streamHash(a), streamHash(b));

    Scenario other = scenario;
    other.seed = scenario.seed + 1;
    const std::vector<Reading> c = run(generateDemoCity(other.seed, other.sensorCount), other, kHour, 1'000);
    QVERIFY(streamHash(a) != streamHash(c));
    const std::vector<Reading> d = run(city, other, kHour, 1'000);  // same city, other stream seed
    QVERIFY(streamHash(a) != streamHash(d));
}

void TestSimulator::stepSizeDoesNotChangeTheStream() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Reading> oneStep = run(city, scenario, 20 * kMinute, 20 * kMinute);
    const std::vector<Reading> oddSteps = run(city, scenario, 20 * kMinute, 777);
    const std::vector<Reading> tinySteps = run(city, scenario, 20 * kMinute, 50);
    QCOMPARE(streamHash(oneStep), streamHash(oddSteps));
    QCOMPARE(streamHash(oneStep), streamHash(tinySteps));
}

void TestSimulator::readingsAreOrderedAndWellFormed() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Reading> readings = run(city, scenario, kHour, 5'000);
    for (std::size_t i = 0; i < readings.size(); ++i) {
        const Reading& r = readings[i];
        QVERIFY(r.eventTimeMs >= scenario.startTimeMs && r.eventTimeMs < scenario.startTimeMs + kHour);
        if (i > 0) {
            const Reading& p = readings[i - 1];
            QVERIFY(p.eventTimeMs <= r.eventTimeMs);
            if (p.eventTimeMs == r.eventTimeMs && p.sensorId != r.sensorId) {
                QVERIFY(p.sensorId < r.sensorId);  // stable tie order
            }
        }
        const Sensor& sensor = city.sensors[r.sensorId];
        QVERIFY(r.kind == sensor.kind);
        QCOMPARE(r.locationId, sensor.districtId);
        QVERIFY(std::isfinite(r.value));
    }
}

void TestSimulator::reportingIntervalsAndSequenceNumbers() {
    const Scenario scenario = builtin("quiet-day");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Reading> readings = run(city, scenario, kHour, 10'000);
    std::vector<std::uint64_t> lastSeq(city.sensors.size(), 0);
    std::vector<std::int64_t> lastTime(city.sensors.size(), -1);
    std::vector<int> emissions(city.sensors.size(), 0);
    const std::map<SensorKind, std::pair<std::int64_t, std::vector<Metric>>> expected{
        {SensorKind::Traffic, {10'000, {Metric::TrafficSpeed, Metric::VehicleCount}}},
        {SensorKind::AirQuality, {30'000, {Metric::Co2, Metric::Pm25, Metric::O3, Metric::No2}}},
        {SensorKind::Temperature, {60'000, {Metric::Temperature, Metric::Humidity}}},
        {SensorKind::Parking, {30'000, {Metric::ParkingOccupancy}}},
        {SensorKind::Emergency, {60'000, {Metric::EmergencySeverity}}},
        {SensorKind::Energy, {60'000, {Metric::EnergyKwh}}},
        {SensorKind::Noise, {30'000, {Metric::NoiseDb}}}};
    for (std::size_t i = 0; i < readings.size();) {
        const Reading& first = readings[i];
        const auto& [interval, metrics] = expected.at(first.kind);
        for (std::size_t m = 0; m < metrics.size(); ++m) {
            QVERIFY(i + m < readings.size());
            const Reading& r = readings[i + m];
            QCOMPARE(r.sensorId, first.sensorId);
            QVERIFY(r.metric == metrics[m]);
            QCOMPARE(r.seq, first.seq);
            QCOMPARE(r.eventTimeMs, first.eventTimeMs);
        }
        QCOMPARE(first.seq, lastSeq[first.sensorId] + 1);
        if (lastTime[first.sensorId] >= 0) {
            QCOMPARE(first.eventTimeMs - lastTime[first.sensorId], interval);
        }
        lastSeq[first.sensorId] = first.seq;
        lastTime[first.sensorId] = first.eventTimeMs;
        ++emissions[first.sensorId];
        i += metrics.size();
    }
    for (const Sensor& sensor : city.sensors) {
        QCOMPARE(static_cast<std::int64_t>(emissions[sensor.id]), kHour / expected.at(sensor.kind).first);
    }
    const auto emergency = std::find_if(readings.begin(), readings.end(),
                                        [](const Reading& r) { return r.metric == Metric::EmergencySeverity; });
    QVERIFY(emergency != readings.end());
    QCOMPARE(emergency->value, 0.0);
}

void TestSimulator::advanceBackwardsIsANoOp() {
    const Scenario scenario = builtin("quiet-day");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    Simulator simulator(city, scenario);
    QCOMPARE(simulator.now(), scenario.startTimeMs);
    std::vector<Reading> out;
    simulator.advanceTo(scenario.startTimeMs + kMinute, out);
    const std::size_t n = out.size();
    QVERIFY(n > 0);
    simulator.advanceTo(scenario.startTimeMs, out);
    simulator.advanceTo(scenario.startTimeMs + kMinute, out);
    QCOMPARE(out.size(), n);
    QCOMPARE(simulator.now(), scenario.startTimeMs + kMinute);
}

void TestSimulator::quietDayCo2StaysFarBelowTheThreshold() {
    const Scenario scenario = builtin("quiet-day");
    struct Run {
        std::uint64_t seed;
        std::uint32_t sensors;
        int days;
    };
    // The scenario's own city over a whole week (weekday and weekend profiles), and a larger city.
    for (const Run run : {Run{scenario.seed, scenario.sensorCount, 7}, Run{2024, 1000, 1}}) {
        Scenario s = scenario;
        s.seed = run.seed;
        const City city = generateDemoCity(run.seed, run.sensors);
        Simulator simulator(city, s);
        std::vector<Reading> out;
        double maxCo2 = 0.0;
        int co2Readings = 0;
        for (std::int64_t t = s.startTimeMs; t < s.startTimeMs + run.days * 24 * kHour; t += kHour) {
            out.clear();
            simulator.advanceTo(t + kHour, out);
            for (const Reading& r : out) {
                if (r.metric == Metric::Co2) {
                    maxCo2 = std::max(maxCo2, r.value);
                    ++co2Readings;
                    QVERIFY(r.value > 380.0);
                }
            }
        }
        QVERIFY(co2Readings > 50'000);
        QVERIFY2(maxCo2 < 700.0, qPrintable(QString::number(maxCo2)));
    }
}

void TestSimulator::co2EpisodeRaisesPodilskyiOnly() {
    const Scenario scenario = builtin("co2-episode");
    const City city = generateDemoCity(scenario.seed, scenario.sensorCount);
    const std::vector<Reading> readings = run(city, scenario, kHour, 1'000);
    const Incident& incident = scenario.incidents.front();
    const std::int64_t from = scenario.startTimeMs + incident.startOffsetMs;
    const std::int64_t to = from + incident.durationMs;
    std::map<std::uint32_t, std::vector<std::int64_t>> above;
    double maxCo2 = 0.0;
    for (const Reading& r : readings) {
        if (r.metric != Metric::Co2) {
            continue;
        }
        const bool inEpisode = city.districts[r.locationId].name == "Podilskyi" && r.eventTimeMs >= from &&
                               r.eventTimeMs < to;
        if (!inEpisode) {
            QVERIFY2(r.value < 700.0, qPrintable(QString::number(r.value)));
        } else if (r.value > 800.0) {
            above[r.sensorId].push_back(r.eventTimeMs);
            maxCo2 = std::max(maxCo2, r.value);
        }
    }
    // The engine's rule: > 800 ppm at least 3 times within 5 minutes. Several sensors must match it.
    int matching = 0;
    for (const auto& [sensor, times] : above) {
        for (std::size_t i = 2; i < times.size(); ++i) {
            if (times[i] - times[i - 2] <= 5 * kMinute) {
                ++matching;
                break;
            }
        }
    }
    QVERIFY2(matching >= 2, qPrintable(QString::number(matching)));
    QVERIFY(maxCo2 > 1200.0 && maxCo2 < 1700.0);
}

void TestSimulator::dynamicsFollowTheClock() {
    Scenario scenario = builtin("quiet-day");  // starts Monday 2026-03-02 00:00 UTC = 02:00 local
    const City city = generateDemoCity(scenario.seed, 1000);
    const std::vector<Reading> day = run(city, scenario, 24 * kHour, kHour);
    const std::int64_t local0 = scenario.startTimeMs - 2 * kHour;  // local midnight
    auto at = [&](Metric metric, int hourFrom, int hourTo) {
        return meanOf(day, metric, local0 + hourFrom * kHour, local0 + hourTo * kHour);
    };
    QVERIFY(at(Metric::TrafficSpeed, 8, 9) < at(Metric::TrafficSpeed, 3, 4) - 5.0);
    QVERIFY(at(Metric::VehicleCount, 17, 19) > 3.0 * at(Metric::VehicleCount, 3, 4));
    QVERIFY(at(Metric::NoiseDb, 8, 9) > at(Metric::NoiseDb, 3, 4) + 5.0);
    QVERIFY(at(Metric::Temperature, 14, 16) > at(Metric::Temperature, 4, 6) + 4.0);
    QVERIFY(at(Metric::Temperature, 4, 6) > -15.0 && at(Metric::Temperature, 14, 16) < 15.0);  // early March
    QVERIFY(at(Metric::Humidity, 14, 16) < at(Metric::Humidity, 4, 6));
    QVERIFY(at(Metric::EnergyKwh, 18, 20) > at(Metric::EnergyKwh, 2, 4));
    QVERIFY(at(Metric::Co2, 8, 9) > at(Metric::Co2, 3, 4) + 30.0);
    QVERIFY(at(Metric::Pm25, 8, 9) > at(Metric::Pm25, 3, 4));
    for (const Reading& r : day) {
        if (r.metric == Metric::ParkingOccupancy) {
            QVERIFY(r.value >= 0.0 && r.value <= 1.0);
        }
        if (r.metric == Metric::TrafficSpeed) {
            QVERIFY(r.value >= 2.0 && r.value <= 95.0);
        }
    }
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "test_simulator.moc"
