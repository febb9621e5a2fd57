// Hourly aggregation, daily service reports and the monthly noise statistics, each checked against a
// brute-force computation written independently here (nested loops over a [district][day][hour] grid).
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <vector>

#include "cityops/engine/history/daily_reports.h"
#include "cityops/engine/history/hourly.h"
#include "cityops/engine/history/noise_stats.h"

using namespace cityops::engine;
using namespace cityops::engine::history;

namespace {

constexpr std::int64_t kNov2026 = 1'793'491'200'000;  // 2026-11-01 00:00:00 UTC (a Sunday)
constexpr std::int64_t kMinute = 60'000;

Reading make(std::uint32_t sensor, std::uint16_t location, Metric metric, std::int64_t ts, double value) {
    Reading r;
    r.sensorId = sensor;
    r.locationId = location;
    r.metric = metric;
    r.eventTimeMs = ts;
    r.value = value;
    r.seq = static_cast<std::uint64_t>(ts / 1000);
    return r;
}

bool close(double a, double b, double eps = 1e-9) { return std::fabs(a - b) <= eps * std::max(1.0, std::fabs(b)); }

// --- noise grid -------------------------------------------------------------------------------------

constexpr int kDistricts = 3;
constexpr int kDays = 30;
constexpr double kBase[kDistricts] = {70.0, 55.0, 40.0};

bool dayTime(int hour) { return hour >= 7 && hour < 23; }

//! The district's value pattern: base ± 3 on even/odd days, +6 by day and −12 at night (mean 0 over a day).
double noiseValue(int district, int day, int hour, int sensor, int k) {
    return kBase[district] + (day % 2 == 0 ? 3.0 : -3.0) + (dayTime(hour) ? 6.0 : -12.0) + sensor * 0.5 + k * 0.25 +
           0.01 * ((day * 7 + hour * 3) % 11);  // breaks ties so the percentile is meaningful
}

//! District 3 (index 2) reports nothing on days 10..12; district 1 misses hour 5 of day 3.
bool hasData(int district, int day, int hour) {
    if (district == 2 && day >= 10 && day <= 12) return false;
    if (district == 0 && day == 3 && hour == 5) return false;
    return true;
}

std::vector<Reading> noiseMonth() {
    std::vector<Reading> out;
    for (int d = 0; d < kDistricts; ++d) {
        for (int day = 0; day < kDays; ++day) {
            for (int hour = 0; hour < 24; ++hour) {
                if (!hasData(d, day, hour)) continue;
                for (int sensor = 0; sensor < 2; ++sensor) {
                    for (int k = 0; k < 4; ++k) {
                        const std::int64_t ts = kNov2026 + day * kDayMs + hour * kHourMs + k * 15 * kMinute + sensor * 1000;
                        out.push_back(make(static_cast<std::uint32_t>(d * 10 + sensor), static_cast<std::uint16_t>(d + 1),
                                           Metric::NoiseDb, ts, noiseValue(d, day, hour, sensor, k)));
                    }
                }
            }
        }
    }
    // Outside the month, or not noise: ignored.
    out.push_back(make(0, 1, Metric::NoiseDb, kNov2026 - 1, 120.0));
    out.push_back(make(0, 1, Metric::NoiseDb, kNov2026 + 30 * kDayMs, 120.0));
    out.push_back(make(0, 1, Metric::Co2, kNov2026 + kHourMs, 900.0));
    std::reverse(out.begin(), out.end());  // order must not matter
    return out;
}

struct BruteNoise {
    double avg, max, min, p95, stddev, pctAbove, dayAvg, nightAvg;
    int days, hours;
};

BruteNoise bruteNoise(int d) {
    std::vector<double> hourlyAvgs, dailyAvgs, dayHours, nightHours;
    double mx = -1e9, mn = 1e9;
    for (int day = 0; day < kDays; ++day) {
        double sumHourly = 0;
        int n = 0;
        for (int hour = 0; hour < 24; ++hour) {
            if (!hasData(d, day, hour)) continue;
            double s = 0;
            for (int sensor = 0; sensor < 2; ++sensor) {
                for (int k = 0; k < 4; ++k) {
                    const double v = noiseValue(d, day, hour, sensor, k);
                    s += v;
                    mx = std::max(mx, v);
                    mn = std::min(mn, v);
                }
            }
            const double avg = s / 8.0;
            hourlyAvgs.push_back(avg);
            (dayTime(hour) ? dayHours : nightHours).push_back(avg);
            sumHourly += avg;
            ++n;
        }
        if (n > 0) dailyAvgs.push_back(sumHourly / n);
    }
    auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return s / static_cast<double>(v.size());
    };
    BruteNoise b{};
    b.avg = mean(dailyAvgs);
    b.max = mx;
    b.min = mn;
    std::vector<double> sorted = hourlyAvgs;
    std::sort(sorted.begin(), sorted.end());
    const double rank = 0.95 * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(rank);
    b.p95 = sorted[lo] + (rank - static_cast<double>(lo)) * (sorted[lo + 1] - sorted[lo]);
    double ss = 0;
    for (double x : dailyAvgs) ss += (x - b.avg) * (x - b.avg);
    b.stddev = std::sqrt(ss / static_cast<double>(dailyAvgs.size() - 1));
    b.pctAbove = 100.0 * static_cast<double>(std::count_if(dailyAvgs.begin(), dailyAvgs.end(), [](double x) { return x > 55.0; })) /
                 static_cast<double>(dailyAvgs.size());
    b.dayAvg = mean(dayHours);
    b.nightAvg = mean(nightHours);
    b.days = static_cast<int>(dailyAvgs.size());
    b.hours = static_cast<int>(hourlyAvgs.size());
    return b;
}

}  // namespace

class TestHistoryReports : public QObject {
    Q_OBJECT

private slots:
    void calendar() {
        QCOMPARE(monthStartMs({2026, 11}), kNov2026);
        QCOMPARE(monthEndMs({2026, 11}), kNov2026 + 30 * kDayMs);
        QCOMPARE(monthEndMs({2026, 12}), monthStartMs({2027, 1}));
        QVERIFY(parseYearMonth("2026-11") == (YearMonth{2026, 11}));
        QVERIFY(!parseYearMonth("2026-13"));
        QVERIFY(!parseYearMonth("2026-1"));
        QVERIFY(!parseYearMonth("20x6-11"));
        QCOMPARE(dayOfWeek(kNov2026), 6);  // Sunday
        QCOMPARE(hourOfWeek(kNov2026 + kDayMs + 5 * kHourMs), 5);  // Monday 05:00
        QCOMPARE(formatTimestamp(kNov2026 + 13 * kHourMs + 61'000), std::string("2026-11-01T13:01:01Z"));
        QCOMPARE(formatDay(kNov2026 - 1), std::string("2026-10-31"));
        QCOMPARE(hourFloor(-1), -kHourMs);
        QVERIFY(yearMonthOf(kNov2026 - 1) == (YearMonth{2026, 10}));
    }

    void hourlyAndDistrictAggregates() {
        std::vector<Reading> readings;
        std::map<std::tuple<std::uint32_t, int, std::int64_t>, std::vector<double>> bySensor;
        std::map<std::tuple<int, int, std::int64_t>, std::vector<double>> byDistrict;
        for (std::uint32_t s = 0; s < 6; ++s) {
            for (int i = 0; i < 200; ++i) {
                const Metric m = i % 2 ? Metric::Co2 : Metric::Pm25;
                const std::int64_t ts = kNov2026 + (i * 7919 % 500) * 37 * kMinute / 10 + s;
                const double v = 400.0 + s * 3.0 + (i * 31 % 97);
                const auto loc = static_cast<std::uint16_t>(s % 3);
                readings.push_back(make(s, loc, m, ts, v));
                bySensor[{s, static_cast<int>(m), ts / kHourMs * kHourMs}].push_back(v);
                byDistrict[{loc, static_cast<int>(m), ts / kHourMs * kHourMs}].push_back(v);
            }
        }
        const auto hourly = aggregateWindows(readings);
        QCOMPARE(hourly.size(), bySensor.size());
        for (const WindowAggregate& a : hourly) {
            const auto& values = bySensor.at({a.sensorId, static_cast<int>(a.metric), a.windowStartMs});
            QCOMPARE(a.count, static_cast<std::uint32_t>(values.size()));
            QCOMPARE(a.windowEndMs - a.windowStartMs, kHourMs);
            double sum = 0;
            for (double v : values) sum += v;
            QVERIFY(close(a.sum, sum));
            QCOMPARE(a.min, *std::min_element(values.begin(), values.end()));
            QCOMPARE(a.max, *std::max_element(values.begin(), values.end()));
        }
        const auto districts = aggregateDistricts(hourly);
        QCOMPARE(districts.size(), byDistrict.size());
        for (const DistrictHourly& d : districts) {
            const auto& values = byDistrict.at({d.locationId, static_cast<int>(d.metric), d.hourStartMs});
            QCOMPARE(d.count, static_cast<std::uint64_t>(values.size()));
            double sum = 0;
            for (double v : values) sum += v;
            QVERIFY(close(d.average(), sum / static_cast<double>(values.size())));
            QCOMPARE(d.max, *std::max_element(values.begin(), values.end()));
        }
    }

    void dailyParkingAndAirQuality() {
        // Two days; district 1 has lots 1 and 2, district 2 lot 3; each lot reports 6 times an hour.
        std::vector<Reading> readings;
        struct Key {
            std::int64_t day;
            std::uint32_t lot;
        };
        auto occupancy = [](std::uint32_t lot, int day, int hour, int k) {
            double v = 0.2 + 0.02 * hour + 0.01 * k + 0.05 * lot + 0.03 * day;
            if (lot == 1 && hour == 17) v = 0.99;  // the evening peak of lot 1, full for that hour
            return std::min(v, 1.0);
        };
        for (int day = 0; day < 2; ++day) {
            for (int hour = 0; hour < 24; ++hour) {
                for (std::uint32_t lot = 1; lot <= 3; ++lot) {
                    if (lot == 3 && day == 1 && hour < 12) continue;  // lot 3 offline in the morning of day 2
                    for (int k = 0; k < 6; ++k) {
                        const std::int64_t ts = kNov2026 + day * kDayMs + hour * kHourMs + k * 10 * kMinute;
                        readings.push_back(make(lot, lot <= 2 ? 1 : 2, Metric::ParkingOccupancy, ts,
                                                occupancy(lot, day, hour, k)));
                    }
                }
                // Air quality in district 1: CO2 above 1000 ppm from 08:00 to 10:59 on day 0.
                for (int k = 0; k < 4; ++k) {
                    const std::int64_t ts = kNov2026 + day * kDayMs + hour * kHourMs + k * 15 * kMinute;
                    const double co2 = (day == 0 && hour >= 8 && hour <= 10) ? 1100.0 + k : 600.0 + hour + k;
                    readings.push_back(make(10, 1, Metric::Co2, ts, co2));
                    readings.push_back(make(10, 1, Metric::Pm25, ts, hour == 20 ? 40.0 : 10.0 + k));
                }
            }
        }
        const DailyReport report = dailyReports(aggregateWindows(readings));

        // Brute force per (day, lot) and per (day, district).
        QCOMPARE(report.parkingLots.size(), std::size_t{6});
        for (const ParkingLotDay& row : report.parkingLots) {
            const int day = static_cast<int>((row.dayStartMs - kNov2026) / kDayMs);
            double sum = 0, mx = 0, bestMean = -1;
            int n = 0, best = -1, full = 0, hours = 0;
            for (int hour = 0; hour < 24; ++hour) {
                if (row.sensorId == 3 && day == 1 && hour < 12) continue;
                double hs = 0;
                for (int k = 0; k < 6; ++k) {
                    const double v = occupancy(row.sensorId, day, hour, k);
                    hs += v;
                    mx = std::max(mx, v);
                    ++n;
                }
                sum += hs;
                ++hours;
                if (hs / 6 > bestMean) {
                    bestMean = hs / 6;
                    best = hour;
                }
                full += hs / 6 >= 0.95 ? 1 : 0;
            }
            QVERIFY(close(row.avgOccupancy, sum / n));
            QCOMPARE(row.maxOccupancy, mx);
            QCOMPARE(row.peakHour, best);
            QVERIFY(close(row.peakHourOccupancy, bestMean));
            QCOMPARE(row.fullHours, full);
            QCOMPARE(row.hours, hours);
        }
        const auto lot1 = std::find_if(report.parkingLots.begin(), report.parkingLots.end(),
                                       [](const ParkingLotDay& r) { return r.sensorId == 1; });
        QCOMPARE(lot1->peakHour, 17);
        QCOMPARE(lot1->fullHours, 1);

        QCOMPARE(report.parkingDistricts.size(), std::size_t{4});
        for (const ParkingDistrictDay& row : report.parkingDistricts) {
            const int day = static_cast<int>((row.dayStartMs - kNov2026) / kDayMs);
            double sum = 0;
            int n = 0;
            for (std::uint32_t lot = 1; lot <= 3; ++lot) {
                if ((lot <= 2 ? 1 : 2) != row.locationId) continue;
                for (int hour = 0; hour < 24; ++hour) {
                    if (lot == 3 && day == 1 && hour < 12) continue;
                    for (int k = 0; k < 6; ++k, ++n) sum += occupancy(lot, day, hour, k);
                }
            }
            QVERIFY(close(row.avgOccupancy, sum / n));
            QCOMPARE(row.lots, row.locationId == 1 ? 2 : 1);
            QCOMPARE(row.hours, row.locationId == 2 && day == 1 ? 12 : 24);
        }

        QCOMPARE(report.airQuality.size(), std::size_t{2});
        const AirQualityDay& aq0 = report.airQuality[0];
        QCOMPARE(aq0.co2HoursAbove, 3);
        QCOMPARE(aq0.pm25HoursAbove, 1);
        QCOMPARE(*aq0.co2Max, 1103.0);
        QCOMPARE(*aq0.pm25Max, 40.0);
        QCOMPARE(report.airQuality[1].co2HoursAbove, 0);
        QCOMPARE(report.airQuality[1].hours, 24);
        double co2 = 0;
        for (int hour = 0; hour < 24; ++hour)
            for (int k = 0; k < 4; ++k) co2 += (hour >= 8 && hour <= 10) ? 1100.0 + k : 600.0 + hour + k;
        QVERIFY(close(*aq0.co2Avg, co2 / 96));
        QVERIFY(toJson(report).find("\"co2_hours_above\":3") != std::string::npos);
    }

    void monthlyNoiseMatchesBruteForce() {
        const NoiseReport report = monthlyNoiseStatistics(noiseMonth(), {2026, 11});
        QCOMPARE(report.districts.size(), std::size_t{3});
        for (int d = 0; d < kDistricts; ++d) {
            const NoiseMonth& m = report.districts[static_cast<std::size_t>(d)];
            const BruteNoise b = bruteNoise(d);
            QCOMPARE(m.locationId, static_cast<std::uint16_t>(d + 1));
            QVERIFY2(close(m.avgDb, b.avg), qPrintable(QString::number(m.avgDb)));
            QCOMPARE(m.maxDb, b.max);
            QCOMPARE(m.minDb, b.min);
            QVERIFY2(close(m.p95Db, b.p95), qPrintable(QStringLiteral("%1 vs %2").arg(m.p95Db).arg(b.p95)));
            QVERIFY(close(m.stddevDb, b.stddev));
            QCOMPARE(m.daysWithData, b.days);
            QCOMPARE(m.hoursWithData, b.hours);
            QVERIFY(close(m.pctDaysAboveEuLimit, b.pctAbove));
            QVERIFY(close(*m.dayAvgDb, b.dayAvg));
            QVERIFY(close(*m.nightAvgDb, b.nightAvg));
        }
        // The values the pattern was built for, by hand.
        QVERIFY(report.districts[0].category == NoiseCategory::High);
        QVERIFY(report.districts[1].category == NoiseCategory::Moderate);
        QVERIFY(report.districts[2].category == NoiseCategory::Low);
        QCOMPARE(report.districts[0].pctDaysAboveEuLimit, 100.0);
        QCOMPARE(report.districts[1].pctDaysAboveEuLimit, 50.0);  // the 15 even days
        QCOMPARE(report.districts[2].pctDaysAboveEuLimit, 0.0);
        QCOMPARE(report.districts[2].daysWithData, 27);
        QCOMPARE(report.districts[0].hoursWithData, 30 * 24 - 1);
        QVERIFY(std::fabs(*report.districts[1].dayAvgDb - *report.districts[1].nightAvgDb - 18.0) < 0.05);
        QCOMPARE(report.days.size(), std::size_t{30 + 30 + 27});
        // Boundaries: strictly above.
        QVERIFY(categorize(65.0) == NoiseCategory::Moderate);
        QVERIFY(categorize(65.01) == NoiseCategory::High);
        QVERIFY(categorize(55.0) == NoiseCategory::Low);
        const std::string json = toJson(report);
        QVERIFY(json.find("\"category\":\"HIGH\"") != std::string::npos);
        QVERIFY(toText(report).find("MODERATE") != std::string::npos);
        // An empty month is an empty report, not an error.
        QVERIFY(monthlyNoiseStatistics(noiseMonth(), {2026, 9}).districts.empty());
    }
};

QTEST_GUILESS_MAIN(TestHistoryReports)
#include "test_history_reports.moc"
