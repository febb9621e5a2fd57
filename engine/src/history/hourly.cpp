// Hourly aggregation of stored readings (per sensor into window_aggregates, per district reported).
#include "cityops/engine/history/hourly.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "history/json_out.h"

namespace cityops::engine::history {

std::vector<WindowAggregate> aggregateWindows(std::span<const Reading> readings, std::int64_t windowSizeMs) {
    std::vector<const Reading*> order;
    order.reserve(readings.size());
    for (const Reading& r : readings) {
        order.push_back(&r);
    }
    std::sort(order.begin(), order.end(), [](const Reading* a, const Reading* b) {
        return std::tie(a->sensorId, a->metric, a->eventTimeMs) < std::tie(b->sensorId, b->metric, b->eventTimeMs);
    });
    std::vector<WindowAggregate> out;
    for (const Reading* r : order) {
        const std::int64_t start = windowFloor(r->eventTimeMs, windowSizeMs);
        if (out.empty() || out.back().sensorId != r->sensorId || out.back().metric != r->metric ||
            out.back().windowStartMs != start) {
            WindowAggregate a;
            a.sensorId = r->sensorId;
            a.metric = r->metric;
            a.locationId = r->locationId;
            a.windowStartMs = start;
            a.windowEndMs = start + windowSizeMs;
            a.min = a.max = r->value;
            out.push_back(a);
        }
        WindowAggregate& a = out.back();
        a.sum += r->value;
        a.min = std::min(a.min, r->value);
        a.max = std::max(a.max, r->value);
        ++a.count;
    }
    return out;
}

std::vector<DistrictHourly> aggregateDistricts(std::span<const WindowAggregate> sensorHours) {
    std::map<std::tuple<std::uint16_t, Metric, std::int64_t>, DistrictHourly> byKey;
    for (const WindowAggregate& a : sensorHours) {
        if (a.count == 0) {
            continue;
        }
        auto [it, fresh] = byKey.try_emplace({a.locationId, a.metric, a.windowStartMs});
        DistrictHourly& d = it->second;
        if (fresh) {
            d.locationId = a.locationId;
            d.metric = a.metric;
            d.hourStartMs = a.windowStartMs;
            d.min = a.min;
            d.max = a.max;
        }
        d.count += a.count;
        d.sum += a.sum;
        d.min = std::min(d.min, a.min);
        d.max = std::max(d.max, a.max);
        ++d.sensors;
    }
    std::vector<DistrictHourly> out;
    out.reserve(byKey.size());
    for (auto& [key, d] : byKey) {
        out.push_back(d);
    }
    return out;
}

Result<HourlyRunReport> runHourlyAggregation(storage::Storage& storage, storage::StorageReader& reader,
                                             std::int64_t fromMs, std::int64_t toMs, std::int64_t nowMs) {
    auto readings = reader.readingsInRange(std::nullopt, fromMs, toMs);
    if (!readings) {
        return HistoryError{"hourly aggregation: " + readings.error().message};
    }
    HourlyRunReport report;
    report.fromMs = fromMs;
    report.toMs = toMs;
    report.readings = readings->size();
    storage::WriteBatch batch;
    batch.aggregates = aggregateWindows(*readings, kHourMs);
    report.sensorHours = batch.aggregates.size();
    report.districts = aggregateDistricts(batch.aggregates);
    storage::LineageRecord lineage;
    lineage.jobId = "batch-hourly";
    lineage.inputTopic = "readings";
    lineage.outputTable = "window_aggregates";
    lineage.processingTimeMs = nowMs;
    lineage.recordCount = static_cast<std::int64_t>(report.sensorHours);
    lineage.checksum = detail::format("range=%s..%s readings=%llu", formatTimestamp(fromMs).c_str(),
                                      formatTimestamp(toMs).c_str(), static_cast<unsigned long long>(report.readings));
    batch.lineage.push_back(std::move(lineage));
    if (auto written = storage.write(std::move(batch)); !written) {
        return HistoryError{"hourly aggregation: " + written.error().message};
    }
    return report;
}

std::string toText(const HourlyRunReport& report) {
    std::string out = detail::format("Hourly aggregation %s .. %s: %llu readings -> %llu sensor-hours, %zu district-hours\n",
                                     formatTimestamp(report.fromMs).c_str(), formatTimestamp(report.toMs).c_str(),
                                     static_cast<unsigned long long>(report.readings),
                                     static_cast<unsigned long long>(report.sensorHours), report.districts.size());
    // Per district and metric: the range's totals, so the text stays short.
    std::map<std::pair<std::uint16_t, Metric>, DistrictHourly> totals;
    for (const DistrictHourly& d : report.districts) {
        auto [it, fresh] = totals.try_emplace({d.locationId, d.metric}, d);
        if (!fresh) {
            it->second.count += d.count;
            it->second.sum += d.sum;
            it->second.min = std::min(it->second.min, d.min);
            it->second.max = std::max(it->second.max, d.max);
        }
    }
    out += "  district  metric              readings        avg        min        max\n";
    for (const auto& [key, d] : totals) {
        out += detail::format("  %8u  %-18s %9llu %10.2f %10.2f %10.2f\n", static_cast<unsigned>(d.locationId),
                              std::string(toString(d.metric)).c_str(), static_cast<unsigned long long>(d.count),
                              d.average(), d.min, d.max);
    }
    return out;
}

std::string toJson(const HourlyRunReport& report) {
    detail::JsonOut j;
    j.beginObject()
        .field("from", formatTimestamp(report.fromMs))
        .field("to", formatTimestamp(report.toMs))
        .field("readings", report.readings)
        .field("sensor_hours", report.sensorHours)
        .key("district_hours")
        .beginArray();
    for (const DistrictHourly& d : report.districts) {
        j.beginObject()
            .field("location_id", static_cast<unsigned>(d.locationId))
            .field("metric", toString(d.metric))
            .field("hour", formatTimestamp(d.hourStartMs))
            .field("count", d.count)
            .field("avg", d.average())
            .field("min", d.min)
            .field("max", d.max)
            .field("sensors", d.sensors)
            .endObject();
    }
    j.endArray().endObject();
    return std::move(j).str();
}

}  // namespace cityops::engine::history
