#include <QtTest>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream_pipeline.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;

namespace {

// Monday 2026-11-02 00:00 local (UTC+2) = 2026-11-01 22:00 UTC.
constexpr TimeMs kMonday = 1'793'656'800'000;
constexpr TimeMs kMinute = 60'000;

//! Deterministic readings of a small city: CO2 sensors that cross 800 ppm now and then, traffic
//! speed and noise, in 5 districts. Integer values, so sums are exact whatever the order.
std::vector<Reading> cityReadings(int sensors, int minutes, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Reading> out;
    std::vector<std::uint64_t> seq(static_cast<std::size_t>(sensors), 0);
    for (int m = 0; m < minutes; ++m) {
        for (int s = 0; s < sensors; ++s) {
            Reading r;
            r.sensorId = static_cast<std::uint32_t>(s);
            r.locationId = static_cast<std::uint16_t>(s % 5);
            r.eventTimeMs = kMonday + m * kMinute + static_cast<TimeMs>(rng() % 50'000);
            r.seq = ++seq[static_cast<std::size_t>(s)];
            switch (s % 3) {
                case 0:
                    r.kind = SensorKind::AirQuality;
                    r.metric = Metric::Co2;
                    r.value = static_cast<double>(600 + rng() % 300);  // 600..899: crosses 800 often
                    break;
                case 1:
                    r.kind = SensorKind::Traffic;
                    r.metric = Metric::TrafficSpeed;
                    r.value = static_cast<double>(10 + rng() % 60);
                    break;
                default:
                    r.kind = SensorKind::Noise;
                    r.metric = Metric::NoiseDb;
                    r.value = static_cast<double>(40 + rng() % 40);
                    break;
            }
            out.push_back(r);
            if (r.metric == Metric::Co2 && s % 2 == 0) {
                // Air-quality sensors send CO2 and PM2.5 under one sequence number: not duplicates.
                r.metric = Metric::Pm25;
                r.value = static_cast<double>(5 + rng() % 40);
                out.push_back(r);
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const Reading& a, const Reading& b) {
        return std::tie(a.eventTimeMs, a.sensorId, a.metric) < std::tie(b.eventTimeMs, b.sensorId, b.metric);
    });
    return out;
}

//! Moves each reading by up to maxDelay later in the arrival order (event times unchanged).
std::vector<Reading> shuffledWithin(std::vector<Reading> in, TimeMs maxDelay, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::pair<TimeMs, Reading>> keyed;
    for (const Reading& r : in) {
        keyed.emplace_back(r.eventTimeMs + static_cast<TimeMs>(rng() % static_cast<std::uint64_t>(maxDelay)), r);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Reading> out;
    for (const auto& k : keyed) {
        out.push_back(k.second);
    }
    return out;
}

struct CityResults {
    std::vector<std::tuple<std::uint64_t, TimeMs, TimeMs, double, int, std::uint32_t, int>> alerts;
    std::vector<std::tuple<std::uint32_t, int, TimeMs, std::uint64_t, double, double, double>> aggregates;
    std::vector<std::tuple<int, int, TimeMs, std::uint64_t, double, double, double, std::uint32_t>> districts;
    JobMetrics metrics;
    int deliveryAlerts = 0;  //!< duplicate, late, clock-skew, stuck and flood alerts (not compared)
};

//! Sensor health judges how readings arrive (repeats, lateness, bursts): arrival order and batch
//! size change those alerts by design, so the invariance checks leave them out.
bool arrivalDependent(AlertRule rule) {
    return rule == AlertRule::DuplicateReadings || rule == AlertRule::LateReadings || rule == AlertRule::ClockSkew ||
           rule == AlertRule::SensorStuck || rule == AlertRule::DataFlood;
}

CityResults runCity(const std::vector<Reading>& readings, int workers, std::size_t batch,
                    CityJobsConfig config = {}) {
    config.job.workers = workers;
    config.job.maxBatchRecords = std::max<std::size_t>(batch, 1);
    CityJobsOutputs outputs;
    auto job = buildCityJobs(config, outputs);
    for (std::size_t at = 0; at < readings.size(); at += batch) {
        job->push(std::span<const Reading>(readings).subspan(at, std::min(batch, readings.size() - at)));
    }
    job->finish();
    CityResults results;
    results.metrics = job->metrics();
    std::vector<Alert> alerts;
    outputs.alerts->drain(alerts);
    for (const Alert& a : alerts) {
        if (arrivalDependent(a.rule)) {
            ++results.deliveryAlerts;  // the rules that judge the delivery itself, not the event times
            continue;
        }
        results.alerts.emplace_back(a.id, a.firstEventMs, a.eventTimeMs, a.value, a.matchedCount, a.sensorId,
                                    static_cast<int>(a.rule));
    }
    std::vector<WindowResult<Stats>> aggregates;
    outputs.sensorAggregates->drain(aggregates);
    for (const auto& w : aggregates) {
        results.aggregates.emplace_back(sensorOfSeries(w.key), static_cast<int>(metricOfSeries(w.key)), w.windowStart,
                                        w.value.count, w.value.sum, w.value.min, w.value.max);
    }
    std::vector<DistrictAggregate> districts;
    outputs.districtAggregates->drain(districts);
    for (const auto& d : districts) {
        results.districts.emplace_back(d.locationId, static_cast<int>(d.metric), d.windowStart, d.count, d.sum, d.min,
                                       d.max, d.sensors);
    }
    std::sort(results.alerts.begin(), results.alerts.end());
    std::sort(results.aggregates.begin(), results.aggregates.end());
    std::sort(results.districts.begin(), results.districts.end());
    return results;
}

//! Energy meter readings every 15 minutes for `weeks` weeks with a daily curve (integer-ish noise).
std::vector<Reading> meterReadings(std::uint32_t sensor, int weeks, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Reading> out;
    std::uint64_t seq = 0;
    for (TimeMs t = kMonday; t < kMonday + weeks * 7 * 24 * 60 * kMinute; t += 15 * kMinute) {
        const double hour = static_cast<double>(((t - kMonday) / (60 * kMinute)) % 24);
        Reading r;
        r.sensorId = sensor;
        r.locationId = 2;
        r.kind = SensorKind::Energy;
        r.metric = Metric::EnergyKwh;
        r.eventTimeMs = t;
        r.seq = ++seq;
        r.value = 20.0 + 8.0 * std::sin(hour / 24.0 * 2.0 * M_PI) + static_cast<double>(rng() % 7) / 10.0;
        out.push_back(r);
    }
    return out;
}

}  // namespace

//! The design's four jobs and the receipts stream, checked against independent computations.
class TestCityJobs : public QObject {
    Q_OBJECT

private slots:
    //! Alert Detection's CO2 pattern and Real-time Aggregation's windows give exactly what the
    //! first-slice pipeline (a separate, hand-written implementation) gives on the same readings.
    void matchesFirstSlicePipeline() {
        const auto readings = cityReadings(60, 180, 7);
        const CityResults jobs = runCity(readings, 2, 512);

        PipelineConfig config;
        config.workers = 2;
        StreamPipeline pipeline(config);
        pipeline.push(readings);
        pipeline.finish();
        std::vector<Alert> oldAlerts;
        pipeline.drainAlerts(oldAlerts);
        std::vector<WindowAggregate> oldAggregates;
        pipeline.drainAggregates(oldAggregates);

        std::vector<std::tuple<std::uint64_t, TimeMs, TimeMs, double, int, std::uint32_t, int>> expectedAlerts;
        for (const Alert& a : oldAlerts) {
            expectedAlerts.emplace_back(a.id, a.firstEventMs, a.eventTimeMs, a.value, a.matchedCount, a.sensorId,
                                        static_cast<int>(a.rule));
        }
        std::sort(expectedAlerts.begin(), expectedAlerts.end());
        QVERIFY(expectedAlerts.size() > 10);
        QCOMPARE(jobs.alerts.size(), expectedAlerts.size());
        QVERIFY(jobs.alerts == expectedAlerts);

        std::vector<std::tuple<std::uint32_t, int, TimeMs, std::uint64_t, double, double, double>> expectedAggregates;
        for (const WindowAggregate& w : oldAggregates) {
            expectedAggregates.emplace_back(w.sensorId, static_cast<int>(w.metric), w.windowStartMs,
                                            std::uint64_t{w.count}, w.sum, w.min, w.max);
        }
        std::sort(expectedAggregates.begin(), expectedAggregates.end());
        QCOMPARE(jobs.aggregates.size(), expectedAggregates.size());
        QVERIFY(jobs.aggregates == expectedAggregates);
    }

    //! Any arrival order within the watermark bound, any worker count and any batch size give the
    //! same alerts, sensor aggregates and district aggregates.
    void invariantUnderOrderWorkersAndBatches() {
        const auto readings = cityReadings(45, 120, 11);
        const CityResults reference = runCity(readings, 1, 4096);
        QVERIFY(!reference.alerts.empty());
        QVERIFY(!reference.districts.empty());
        const auto shuffled = shuffledWithin(readings, 9'000, 3);
        for (const int workers : {1, 2, 4}) {
            for (const std::size_t batch : {std::size_t{1}, std::size_t{97}, std::size_t{4096}}) {
                if (batch == 1 && workers != 2) {
                    continue;  // batch size 1 is slow under ASan: one worker count is enough
                }
                const CityResults r = runCity(shuffled, workers, batch);
                QVERIFY2(r.alerts == reference.alerts, qPrintable(QStringLiteral("workers %1 batch %2").arg(workers).arg(batch)));
                QVERIFY(r.aggregates == reference.aggregates);
                QVERIFY(r.districts == reference.districts);
                QCOMPARE(r.metrics.lateEvents, std::uint64_t{0});
            }
        }
    }

    //! Per-district rows add up the sensor windows of the district; the city-wide row adds up all.
    void districtAggregatesAddUp() {
        const auto readings = cityReadings(30, 60, 5);
        const CityResults r = runCity(readings, 2, 256);
        std::map<std::tuple<int, int, TimeMs>, std::pair<std::uint64_t, double>> expected;  // (loc, metric, start)
        for (const auto& [sensor, metric, start, count, sum, min, max] : r.aggregates) {
            for (const int loc : {static_cast<int>(sensor % 5), static_cast<int>(kCityWide)}) {
                auto& e = expected[{loc, metric, start}];
                e.first += count;
                e.second += sum;
            }
        }
        QCOMPARE(r.districts.size(), expected.size());
        for (const auto& [loc, metric, start, count, sum, min, max, sensors] : r.districts) {
            const auto& e = expected.at({loc, metric, start});
            QCOMPARE(count, e.first);
            QCOMPARE(sum, e.second);
            QVERIFY(min <= max);
            QVERIFY(sensors > 0);
        }
    }

    //! Duplicate sends (same sensor and seq) change neither alerts nor aggregates.
    void duplicatesAreDropped() {
        const auto readings = cityReadings(30, 60, 9);
        std::vector<Reading> doubled;
        for (const Reading& r : readings) {
            doubled.push_back(r);
            if (r.seq % 3 == 0) {
                doubled.push_back(r);
            }
        }
        const CityResults once = runCity(readings, 2, 512);
        const CityResults twice = runCity(doubled, 2, 512);
        QVERIFY(once.alerts == twice.alerts);
        QCOMPARE(once.deliveryAlerts, 0);
        QVERIFY(twice.deliveryAlerts > 0);  // the repeats themselves are reported (duplicate_readings)
        QVERIFY(once.aggregates == twice.aggregates);
        std::uint64_t duplicates = 0;
        for (const OperatorMetrics& op : twice.metrics.operators) {
            duplicates += op.counters.duplicates;
        }
        QVERIFY(duplicates >= static_cast<std::uint64_t>(doubled.size() - readings.size()));
    }

    //! Pattern Detection: a meter that drops to almost nothing in week 4 raises one Critical alert
    //! per episode; a normal meter raises none.
    void energyAnomalyAgainstHourOfWeekBaseline() {
        auto failing = meterReadings(100, 4, 1);
        auto normal = meterReadings(101, 4, 2);
        const TimeMs dropStart = kMonday + (3 * 7 + 2) * 24 * 60 * kMinute + 14 * 60 * kMinute;  // week 4, Wed 14:00
        const TimeMs dropEnd = dropStart + 3 * 60 * kMinute;
        const TimeMs secondDrop = dropStart + 24 * 60 * kMinute;  // Thursday, one reading
        for (Reading& r : failing) {
            if ((r.eventTimeMs >= dropStart && r.eventTimeMs < dropEnd) || r.eventTimeMs == secondDrop) {
                r.value = 0.3;
            }
        }
        std::vector<Reading> all = failing;
        all.insert(all.end(), normal.begin(), normal.end());
        std::sort(all.begin(), all.end(), [](const Reading& a, const Reading& b) {
            return std::tie(a.eventTimeMs, a.sensorId) < std::tie(b.eventTimeMs, b.sensorId);
        });
        CityJobsConfig config;
        const CityResults r = runCity(all, 2, 1024, config);
        std::vector<std::tuple<std::uint32_t, TimeMs>> energy;
        for (const auto& a : r.alerts) {
            if (std::get<6>(a) == static_cast<int>(AlertRule::EnergyAnomaly)) {
                energy.emplace_back(std::get<5>(a), std::get<1>(a));
            }
        }
        const std::vector<std::tuple<std::uint32_t, TimeMs>> expected{{100, dropStart}, {100, secondDrop}};
        QVERIFY2(energy == expected, qPrintable(QStringLiteral("%1 energy alerts").arg(energy.size())));
    }

    //! Alert Detection's emergency pattern: an emergency event followed by a temperature anomaly at
    //! the same location (another sensor) within 10 minutes raises one Critical alert.
    void emergencyPatternAcrossSensors() {
        std::vector<Reading> readings;
        Reading fire;
        fire.sensorId = 7;
        fire.locationId = 3;
        fire.kind = SensorKind::Emergency;
        fire.metric = Metric::EmergencySeverity;
        fire.value = 4;
        fire.seq = 1;
        fire.eventTimeMs = kMonday + 10 * kMinute;
        Reading hot;
        hot.sensorId = 8;
        hot.locationId = 3;
        hot.kind = SensorKind::Temperature;
        hot.metric = Metric::Temperature;
        hot.value = 61;
        hot.seq = 1;
        hot.eventTimeMs = fire.eventTimeMs + 4 * kMinute;
        Reading elsewhere = hot;  // another district: no match
        elsewhere.sensorId = 9;
        elsewhere.locationId = 4;
        readings = {fire, hot, elsewhere};
        const CityResults r = runCity(readings, 2, 16);
        QCOMPARE(r.alerts.size(), std::size_t{1});
        QCOMPARE(std::get<6>(r.alerts[0]), static_cast<int>(AlertRule::EmergencyConfirmed));
        QCOMPARE(std::get<1>(r.alerts[0]), fire.eventTimeMs);
        QCOMPARE(std::get<2>(r.alerts[0]), hot.eventTimeMs);
    }

    //! With a store, alerts and aggregates reach SQLite with the checkpoints; a run restored from a
    //! checkpoint (the rest replayed from its offsets) ends with the same tables as one run.
    void exactlyOnceIntoStorageAcrossRestart() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto readings = cityReadings(30, 90, 21);
        const auto countRows = [](const std::filesystem::path& path) {
            auto reader = storage::StorageReader::open(path);
            if (!reader) {
                qFatal("reader: %s", reader.error().message.c_str());
            }
            storage::AlertFilter filter;
            filter.limit = 100000;
            auto page = (*reader)->alertHistory(filter);
            std::set<std::uint64_t> ids;
            for (const auto& a : page->alerts) {
                ids.insert(a.record.alert.id);
            }
            return std::make_pair(ids, (*reader)->readingCount().value());
        };
        const auto run = [&](const std::filesystem::path& path, bool crash) {
            auto store = storage::Storage::open(storage::StorageOptions{.path = path});
            QVERIFY(store.ok());
            CityJobsConfig config;
            config.job.workers = 2;
            config.job.storage = store->get();
            config.job.checkpointIntervalMs = 0;
            std::vector<storage::SensorInfo> sensors;
            for (std::uint32_t s = 0; s < 30; ++s) {
                sensors.push_back(storage::SensorInfo{s, static_cast<std::uint16_t>(s % 5), SensorKind::AirQuality,
                                                      50.45 + s * 0.001, 30.52, "S" + std::to_string(s)});
            }
            config.enrichment.registry =
                std::make_shared<Broadcast<SensorRegistry>>(std::make_shared<const SensorRegistry>(sensors));
            config.districtNames = {"Podil", "Obolon", "Pechersk", "Solomianskyi", "Darnytskyi"};
            const std::size_t half = readings.size() / 2;
            {
                CityJobsOutputs outputs;
                auto job = buildCityJobs(config, outputs);
                std::size_t from = 0;
                if (job->restored()) {
                    from = static_cast<std::size_t>(job->restored()->positions.at(0).offset);
                }
                const std::size_t to = crash && from == 0 ? half : readings.size();
                for (std::size_t at = from; at < to; at += 500) {
                    const std::size_t n = std::min<std::size_t>(500, to - at);
                    job->push(std::span<const Reading>(readings).subspan(at, n));
                    job->setSourcePositions({log::PartitionOffset{"readings", 0, at + n}});
                    if (crash && from == 0 && at + n >= half / 2 && at < half / 2) {
                        QVERIFY(job->checkpoint().ok());
                    }
                }
                if (crash && from == 0) {
                    return;  // "killed": what was pushed after the checkpoint is not committed
                }
                job->finish();
            }
        };
        const std::filesystem::path once = std::filesystem::path(dir.path().toStdString()) / "once.db";
        const std::filesystem::path crashed = std::filesystem::path(dir.path().toStdString()) / "crashed.db";
        run(once, false);
        run(crashed, true);
        const auto midway = countRows(crashed);
        QVERIFY(midway.second > 0);
        QVERIFY(midway.second < readings.size());
        run(crashed, true);  // restores and replays the rest
        const auto a = countRows(once);
        const auto b = countRows(crashed);
        QVERIFY(!a.first.empty());
        QVERIFY(a.first == b.first);
        QCOMPARE(a.second, std::uint64_t{readings.size()});
        QCOMPARE(b.second, a.second);
    }

    //! The receipts stream: top 5 stores per 10 s, receipts over 500, popular items per category,
    //! against brute-force answers over the same receipts.
    void receiptsStream() {
        std::mt19937_64 rng(17);
        std::vector<ReceiptEvent> receipts;
        std::vector<ReceiptItemEvent> items;
        for (int i = 0; i < 3000; ++i) {
            ReceiptEvent r;
            r.eventTimeMs = kMonday + i * 100 + static_cast<TimeMs>(rng() % 80);
            r.storeId = static_cast<std::uint32_t>(rng() % 12);
            r.receiptId = receiptIdOf(r.storeId, static_cast<std::uint64_t>(i + 1));
            const int lines = 1 + static_cast<int>(rng() % 4);
            for (int l = 0; l < lines; ++l) {
                ReceiptItemEvent item;
                item.eventTimeMs = r.eventTimeMs;
                item.receiptId = r.receiptId;
                item.storeId = r.storeId;
                item.itemId = static_cast<std::uint32_t>(rng() % 20);
                item.categoryId = static_cast<std::uint16_t>(item.itemId % 4);
                item.quantity = static_cast<std::uint16_t>(1 + rng() % 5);
                item.price = static_cast<double>(5 + rng() % 200);
                r.total += item.price * item.quantity;
                r.units += item.quantity;
                ++r.itemCount;
                items.push_back(item);
            }
            receipts.push_back(r);
        }
        ReceiptJobsConfig config;
        config.job.workers = 2;
        ReceiptJobsOutputs outputs;
        auto jobs = buildReceiptJobs(config, outputs);
        jobs.receipts->push(receipts);
        jobs.items->push(items);
        jobs.receipts->finish();
        jobs.items->finish();

        // Brute force.
        std::map<TimeMs, std::map<std::uint32_t, double>> revenue;
        std::size_t big = 0;
        for (const ReceiptEvent& r : receipts) {
            revenue[r.eventTimeMs - r.eventTimeMs % 10'000][r.storeId] += r.total;
            big += r.total > 500.0 ? 1 : 0;
        }
        std::vector<TopStores> top;
        outputs.topStores->drain(top);
        QCOMPARE(top.size(), revenue.size());
        for (const TopStores& t : top) {
            std::vector<StoreRevenue> all;
            for (const auto& [store, sum] : revenue.at(t.windowStart)) {
                all.push_back({store, sum});
            }
            std::sort(all.begin(), all.end(), [](const StoreRevenue& a, const StoreRevenue& b) {
                return a.revenue != b.revenue ? a.revenue > b.revenue : a.storeId < b.storeId;
            });
            QCOMPARE(t.count, std::uint32_t{5});
            for (std::uint32_t i = 0; i < t.count; ++i) {
                QCOMPARE(t.stores[i].storeId, all[i].storeId);
                QVERIFY(std::abs(t.stores[i].revenue - all[i].revenue) < 1e-6);
            }
        }
        std::vector<ReceiptEvent> bigReceipts;
        outputs.bigReceipts->drain(bigReceipts);
        QVERIFY(big > 0);
        QCOMPARE(bigReceipts.size(), big);

        std::map<std::pair<TimeMs, int>, std::map<std::uint32_t, std::uint32_t>> units;
        for (const ReceiptItemEvent& i : items) {
            units[{i.eventTimeMs - i.eventTimeMs % 10'000, i.categoryId}][i.itemId] += i.quantity;
        }
        std::vector<PopularItems> popular;
        outputs.popularItems->drain(popular);
        QCOMPARE(popular.size(), units.size());
        for (const PopularItems& p : popular) {
            const auto& counts = units.at({p.windowStart, p.categoryId});
            std::vector<ItemUnits> all;
            for (const auto& [item, n] : counts) {
                all.push_back({item, n});
            }
            std::sort(all.begin(), all.end(), [](const ItemUnits& a, const ItemUnits& b) {
                return a.units != b.units ? a.units > b.units : a.itemId < b.itemId;
            });
            QCOMPARE(p.count, static_cast<std::uint32_t>(std::min<std::size_t>(3, all.size())));
            for (std::uint32_t i = 0; i < p.count; ++i) {
                QCOMPARE(p.items[i].itemId, all[i].itemId);
                QCOMPARE(p.items[i].units, all[i].units);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCityJobs)
#include "test_city_jobs.moc"
