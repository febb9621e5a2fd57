#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <random>
#include <set>

#include "storage_test_support.h"

using namespace storage_test;

namespace {

struct Fixture {
    QTemporaryDir dir;
    std::filesystem::path path = dbPath(dir.path());
    std::unique_ptr<Storage> storage;
    std::unique_ptr<StorageReader> reader;

    Fixture() {
        StorageOptions options;
        options.path = path;
        if (auto opened = Storage::open(options)) {
            storage = std::move(*opened);
            if (auto r = StorageReader::open(path)) {
                reader = std::move(*r);
            }
        }
    }
};

bool hasHit(const std::vector<SearchHit>& hits, SearchKind kind, std::uint64_t id) {
    return std::any_of(hits.begin(), hits.end(), [&](const SearchHit& h) { return h.kind == kind && h.id == id; });
}

std::vector<std::uint32_t> ids(const std::vector<SensorHit>& hits) {
    std::vector<std::uint32_t> out;
    for (const auto& h : hits) {
        out.push_back(h.sensor.sensorId);
    }
    return out;
}

}  // namespace

class TestStorageQueries : public QObject {
    Q_OBJECT

private slots:
    void seriesDownsamplesAndKeepsSpikes() {
        Fixture f;
        QVERIFY(f.reader);
        constexpr std::int64_t kDay = 86'400'000;
        WriteBatch batch;
        for (std::int64_t s = 0; s < 86'400; ++s) {
            batch.readings.push_back(reading(1, s * 1000, s == 12'345 ? 5000.0 : 400.0 + static_cast<double>(s % 7)));
            if (s % 100 == 0) {
                batch.readings.push_back(reading(2, s * 1000, 9999.0));
            }
        }
        QVERIFY(f.storage->write(batch).ok());
        auto series = f.reader->sensorSeries(1, Metric::Co2, 0, kDay, 500);
        QVERIFY(series.ok());
        QCOMPARE(series->size(), std::size_t{500});
        std::uint64_t total = 0;
        double highest = 0.0;
        for (std::size_t i = 0; i < series->size(); ++i) {
            const SeriesBucket& b = (*series)[i];
            QCOMPARE(b.startMs, static_cast<std::int64_t>(i) * (kDay / 500));
            QVERIFY(b.min <= b.avg && b.avg <= b.max);
            total += b.count;
            highest = std::max(highest, b.max);
            if (b.startMs <= 12'345'000 && 12'345'000 < b.startMs + kDay / 500) {
                QCOMPARE(b.max, 5000.0);
                QVERIFY(b.min < 410.0);
            }
        }
        QCOMPARE(total, std::uint64_t{86'400});
        QCOMPARE(highest, 5000.0);

        auto narrow = f.reader->sensorSeries(1, Metric::Co2, 10'000, 20'000, 1000);
        QVERIFY(narrow.ok());
        QCOMPARE(narrow->size(), std::size_t{10});  // one bucket per reading, empty buckets omitted
        QCOMPARE(f.reader->sensorSeries(1, Metric::Co2, 10, 10, 5).error().code, StorageErrc::InvalidArgument);
        QVERIFY(f.reader->sensorSeries(1, Metric::Pm25, 0, kDay, 10)->empty());
    }

    void lastNHoursChartUsesTheTargetPointCount() {
        Fixture f;
        QVERIFY(f.reader);
        constexpr std::int64_t kNow = 100 * 3'600'000;
        WriteBatch batch;
        for (std::int64_t t = kNow - 30 * 3'600'000; t <= kNow; t += 10'000) {  // 30 h at 0.1 Hz
            batch.readings.push_back(reading(4, t, t == kNow - 3'600'000 ? -50.0 : 20.0));
        }
        QVERIFY(f.storage->write(batch).ok());
        auto chart = f.reader->sensorSeriesLastHours(4, Metric::Co2, kNow, 6, 120);
        QVERIFY(chart.ok());
        QCOMPARE(chart->size(), std::size_t{120});
        QCOMPARE(chart->front().startMs, kNow - 6 * 3'600'000);
        std::uint64_t points = 0;
        double lowest = 0.0;
        for (const auto& b : *chart) {
            points += b.count;
            lowest = std::min(lowest, b.min);
        }
        QCOMPARE(points, std::uint64_t{6 * 360 + 1});  // both ends: 6 h before now and now itself
        QCOMPARE(lowest, -50.0);                        // the dip survives downsampling
        QCOMPARE(f.reader->sensorSeriesLastHours(4, Metric::Co2, kNow, 0, 10).error().code,
                 StorageErrc::InvalidArgument);
    }

    void districtAggregatesCoverTheRange() {
        Fixture f;
        WriteBatch batch;
        for (std::uint16_t loc = 0; loc < 3; ++loc) {
            for (int w = 0; w < 12; ++w) {
                WindowAggregate a;
                a.sensorId = loc * 10u;
                a.locationId = loc;
                a.metric = Metric::Co2;
                a.windowStartMs = w * 300'000;
                a.windowEndMs = a.windowStartMs + 300'000;
                a.count = 10;
                a.sum = 10.0 * (100 * loc + w);
                a.min = 100.0 * loc + w - 1;
                a.max = 100.0 * loc + w + 1;
                batch.aggregates.push_back(a);
            }
        }
        QVERIFY(f.storage->write(batch).ok());
        auto out = f.reader->districtAggregates(Metric::Co2, 0, 6 * 300'000);
        QVERIFY(out.ok());
        QCOMPARE(out->size(), std::size_t{3});
        for (std::uint16_t loc = 0; loc < 3; ++loc) {
            const DistrictAggregate& d = (*out)[loc];
            QCOMPARE(d.locationId, loc);
            QCOMPARE(d.count, std::uint64_t{60});
            QCOMPARE(d.min, 100.0 * loc - 1);
            QCOMPARE(d.max, 100.0 * loc + 6);
            QCOMPARE(d.avg, 100.0 * loc + 2.5);
        }
    }

    void alertHistoryFiltersAndPages() {
        Fixture f;
        WriteBatch batch;
        const char* districts[] = {"Podil", "Obolon", "Pechersk"};
        for (int i = 0; i < 30; ++i) {
            const auto severity = static_cast<Severity>(i % 3);
            batch.alerts.push_back(alertRecord(static_cast<std::uint64_t>(i), 1000 + (i / 2) * 100, districts[i % 3],
                                               i % 5 == 0 ? "Gas leak" : "CO2 high", severity,
                                               static_cast<std::uint16_t>(i % 3)));
        }
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->applyAlertAction({batch.alerts[3].alert.id, AlertState::Acknowledged, 1, "a", ""}).ok());

        std::set<std::uint64_t> seen;
        std::optional<AlertCursor> cursor;
        std::int64_t lastTime = std::numeric_limits<std::int64_t>::max();
        int pages = 0;
        do {
            AlertFilter filter;
            filter.limit = 7;
            auto page = f.reader->alertHistory(filter, cursor);
            QVERIFY(page.ok());
            for (const auto& a : page->alerts) {
                QVERIFY(a.record.alert.eventTimeMs <= lastTime);
                lastTime = a.record.alert.eventTimeMs;
                QVERIFY(seen.insert(a.record.alert.id).second);
            }
            cursor = page->next;
            ++pages;
        } while (cursor && pages < 20);
        QCOMPARE(seen.size(), std::size_t{30});
        QCOMPARE(pages, 5);

        AlertFilter critical;
        critical.minSeverity = Severity::Critical;
        QCOMPARE(f.reader->alertHistory(critical)->alerts.size(), std::size_t{10});
        AlertFilter acknowledged;
        acknowledged.stateMask = 1u << static_cast<int>(AlertState::Acknowledged);
        auto ack = f.reader->alertHistory(acknowledged);
        QCOMPARE(ack->alerts.size(), std::size_t{1});
        QCOMPARE(ack->alerts.front().record.alert.id, batch.alerts[3].alert.id);
        AlertFilter podilGas;
        podilGas.locationId = 0;
        podilGas.text = "gas";
        auto gas = f.reader->alertHistory(podilGas);
        QCOMPARE(gas->alerts.size(), std::size_t{2});  // i = 0 and 15
        AlertFilter window;
        window.fromMs = 1000;
        window.toMs = 1200;
        QCOMPARE(f.reader->alertHistory(window)->alerts.size(), std::size_t{4});
        AlertFilter bad;
        bad.limit = 0;
        QCOMPARE(f.reader->alertHistory(bad).error().code, StorageErrc::InvalidArgument);

        auto perDistrict = f.reader->alertCounts(AlertGroup::District, 0, 10'000);
        QVERIFY(perDistrict.ok());
        QCOMPARE(perDistrict->size(), std::size_t{3});
        QCOMPARE(perDistrict->front().count, std::uint64_t{10});
        auto perHour = f.reader->alertCounts(AlertGroup::Hour, 0, 10'000);
        QCOMPARE(perHour->size(), std::size_t{1});
        QCOMPARE(perHour->front().count, std::uint64_t{30});
        auto perState = f.reader->alertCounts(AlertGroup::State, 0, 10'000);
        QCOMPARE(perState->front().key, std::string("new"));
        QCOMPARE(perState->front().count, std::uint64_t{29});
        auto perRule = f.reader->alertCounts(AlertGroup::Rule, 0, 10'000);
        QCOMPARE(perRule->front().key, std::string("co2_high"));
    }

    void searchFindsGasLeakInPodil() {
        Fixture f;
        WriteBatch batch;
        batch.districts = {{1, "Podil"}, {2, "Obolon"}};
        const AlertRecord podilGas = alertRecord(1, 1000, "Podil", "Gas leak reported");
        const AlertRecord obolonGas = alertRecord(2, 1000, "Obolon", "Gas leak reported");
        const AlertRecord podilCo2 = alertRecord(3, 1000, "Podil", "CO2 high");
        batch.alerts = {podilGas, obolonGas, podilCo2};
        batch.incidents = {
            IncidentRecord{77, "gas leak", "Podil", 50.465, 30.515, 2000, "Smell of gas near Kontraktova"}};
        batch.readings = {reading(5, 3000, 1.0, Metric::EmergencySeverity, 1), reading(6, 3000, 1.0, Metric::Co2, 2)};
        batch.readingMetadata = {R"({"note":"possible gas leak at the market"})", R"({"note":"gas leak drill"})"};
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->write(batch).ok());

        auto hits = f.reader->search("gas leak Podil", 20);
        QVERIFY2(hits.ok(), hits.ok() ? "" : hits.error().message.c_str());
        QVERIFY(hasHit(*hits, SearchKind::Alert, podilGas.alert.id));
        QVERIFY(hasHit(*hits, SearchKind::Incident, 77));
        QVERIFY(!hasHit(*hits, SearchKind::Alert, obolonGas.alert.id));
        QVERIFY(!hasHit(*hits, SearchKind::Alert, podilCo2.alert.id));
        QCOMPARE(hits->size(), std::size_t{3});  // the alert, the incident and the market event, once each
        QVERIFY(std::is_sorted(hits->begin(), hits->end(),
                               [](const SearchHit& a, const SearchHit& b) { return a.score < b.score; }));
        const auto event =
            std::find_if(hits->begin(), hits->end(), [](const SearchHit& h) { return h.kind == SearchKind::Event; });
        QVERIFY(event != hits->end());
        QCOMPARE(event->district, std::string("Podil"));

        QCOMPARE(f.reader->search("gas podi", 20)->size(), std::size_t{3});
        QVERIFY(f.reader->search("podi gas", 20)->empty());  // only the last word is a prefix
        auto hostile = f.reader->search(R"("gas" OR (leak NEAR* ') -- drop)", 20);
        QVERIFY2(hostile.ok(), hostile.ok() ? "" : hostile.error().message.c_str());
        QVERIFY(f.reader->search("   ", 20)->empty());

        QVERIFY(f.storage
                    ->applyAlertAction({podilCo2.alert.id, AlertState::Acknowledged, 5, "ivan", "smells like gas leak"})
                    .ok());
        QCOMPARE(f.reader->search("gas leak Podil", 20)->size(), std::size_t{4});  // notes are indexed
    }

    void geoQueriesMatchBruteForce() {
        Fixture f;
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> lat(50.35, 50.55);
        std::uniform_real_distribution<double> lon(30.35, 30.70);
        WriteBatch batch;
        for (std::uint32_t i = 0; i < 2000; ++i) {
            batch.sensors.push_back(SensorInfo{i, static_cast<std::uint16_t>(i % 10), SensorKind::AirQuality, lat(rng),
                                               lon(rng), "s" + std::to_string(i)});
        }
        batch.incidents = {IncidentRecord{5, "fire", "Podil", 50.46, 30.52, 0, "fire"}};
        QVERIFY(f.storage->write(batch).ok());
        QVERIFY(f.storage->write(batch).ok());

        auto box = f.reader->sensorsInBox(50.40, 30.45, 50.45, 30.55);
        QVERIFY(box.ok());
        std::vector<std::uint32_t> expectedBox;
        for (const auto& s : batch.sensors) {
            if (s.lat >= 50.40 && s.lat <= 50.45 && s.lon >= 30.45 && s.lon <= 30.55) {
                expectedBox.push_back(s.sensorId);
            }
        }
        QVERIFY(!expectedBox.empty());
        QCOMPARE(ids(*box), expectedBox);

        auto radius = f.reader->sensorsWithinRadius(50.45, 30.52, 2500.0);
        QVERIFY(radius.ok());
        std::vector<std::pair<double, std::uint32_t>> brute;
        for (const auto& s : batch.sensors) {
            brute.emplace_back(haversineMeters(50.45, 30.52, s.lat, s.lon), s.sensorId);
        }
        std::sort(brute.begin(), brute.end());
        std::vector<std::uint32_t> expectedRadius;
        for (const auto& [d, id] : brute) {
            if (d <= 2500.0) {
                expectedRadius.push_back(id);
            }
        }
        QVERIFY(!expectedRadius.empty());
        QCOMPARE(ids(*radius), expectedRadius);

        auto nearest = f.reader->nearestSensors(50.45, 30.52, 5);
        QVERIFY(nearest.ok());
        std::vector<std::uint32_t> expectedNearest;
        for (int i = 0; i < 5; ++i) {
            expectedNearest.push_back(brute[static_cast<std::size_t>(i)].second);
        }
        QCOMPARE(ids(*nearest), expectedNearest);

        auto toIncident = f.reader->nearestSensorsToIncident(5, 3);
        QVERIFY(toIncident.ok());
        QCOMPARE(toIncident->size(), std::size_t{3});
        QVERIFY(toIncident->front().distanceM <= toIncident->back().distanceM);
        QCOMPARE(f.reader->nearestSensorsToIncident(999, 3).error().code, StorageErrc::InvalidArgument);
        QCOMPARE(f.reader->nearestSensors(0.0, 0.0, 2500)->size(), std::size_t{2000});
        QCOMPARE(f.reader->sensorsWithinRadius(50.45, 30.52, -1.0).error().code, StorageErrc::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestStorageQueries)
#include "test_storage_queries.moc"
