// Lambda reconciliation: the batch layer recomputes stored windows from the raw archive, explains
// each difference and corrects the store (docs/BATCH_HISTORY.md).
#include "cityops/engine/history/reconciliation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "cityops/engine/archive/archive_reader.h"
#include "cityops/engine/history/hourly.h"
#include "cityops/engine/log/topic_spec.h"
#include "cityops/engine/storage/retention.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"
#include "cityops/engine/stream/json_codec.h"
#include "history/json_out.h"

namespace cityops::engine::history {

std::string_view toString(DiffCause cause) {
    switch (cause) {
        case DiffCause::Gap: return "gap";
        case DiffCause::LateData: return "late_data";
        case DiffCause::Duplicate: return "duplicate";
        case DiffCause::ValueMismatch: return "value_mismatch";
        case DiffCause::Orphan: return "orphan";
    }
    return "gap";
}

namespace {

using WindowKey = std::tuple<std::uint32_t, Metric, std::int64_t>;

bool near(double a, double b, double tolerance) {
    return std::fabs(a - b) <= tolerance * std::max({1.0, std::fabs(a), std::fabs(b)});
}

std::string describe(const AggregateDiff& d, bool orphanDeleted) {
    const unsigned storedCount = d.stored ? d.stored->count : 0;
    switch (d.cause) {
        case DiffCause::Gap:
            return d.stored ? detail::format("%u readings stored, %u archived and none late: lost in the speed layer",
                                             storedCount, d.recomputed.count)
                            : detail::format("window missing from the store; %u readings archived", d.recomputed.count);
        case DiffCause::LateData:
            return detail::format("%u readings stored, %u archived: %llu arrived after the window's watermark",
                                  storedCount, d.recomputed.count, static_cast<unsigned long long>(d.lateReadings));
        case DiffCause::Duplicate:
            return detail::format("%u readings stored, %u distinct archived (%llu repeated archive records)",
                                  storedCount, d.recomputed.count, static_cast<unsigned long long>(d.archiveDuplicates));
        case DiffCause::ValueMismatch:
            return detail::format("same count %u, stored sum %.6g / min %.6g / max %.6g, archive %.6g / %.6g / %.6g",
                                  storedCount, d.stored->sum, d.stored->min, d.stored->max, d.recomputed.sum,
                                  d.recomputed.min, d.recomputed.max);
        case DiffCause::Orphan:
            return detail::format("%u readings stored, none archived (archive retention?): %s", storedCount,
                                  orphanDeleted ? "deleted" : "kept");
    }
    return {};
}

}  // namespace

ReconcileReport compareWithArchive(std::span<const ArchivedReading> archived, std::span<const WindowAggregate> stored,
                                   const ReconcileOptions& options) {
    ReconcileReport report;
    report.fromMs = options.fromMs;
    report.toMs = options.toMs;
    report.windowSizeMs = options.windowSizeMs;
    report.archiveRecords = archived.size();
    const std::int64_t size = options.windowSizeMs;

    // Late readings: an earlier offset of the same partition already pushed the watermark past the window.
    std::vector<std::size_t> byOffset(archived.size());
    for (std::size_t i = 0; i < archived.size(); ++i) {
        byOffset[i] = i;
    }
    std::sort(byOffset.begin(), byOffset.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(archived[a].topicIndex, archived[a].partition, archived[a].offset) <
               std::tie(archived[b].topicIndex, archived[b].partition, archived[b].offset);
    });
    std::vector<bool> late(archived.size(), false);
    std::int64_t maxSeen = std::numeric_limits<std::int64_t>::min();
    for (std::size_t k = 0; k < byOffset.size(); ++k) {
        const ArchivedReading& a = archived[byOffset[k]];
        if (k == 0 || archived[byOffset[k - 1]].topicIndex != a.topicIndex ||
            archived[byOffset[k - 1]].partition != a.partition) {
            maxSeen = std::numeric_limits<std::int64_t>::min();
        }
        const std::int64_t windowEnd = windowFloor(a.reading.eventTimeMs, size) + size;
        late[byOffset[k]] = maxSeen != std::numeric_limits<std::int64_t>::min() &&
                            maxSeen - options.outOfOrdernessMs >= windowEnd;
        maxSeen = std::max(maxSeen, a.reading.eventTimeMs);
    }

    // Deduplicate on the store's key (sensor, metric, event time), keeping the first offset.
    std::vector<std::size_t> byKey = byOffset;
    std::stable_sort(byKey.begin(), byKey.end(), [&](std::size_t a, std::size_t b) {
        const Reading& x = archived[a].reading;
        const Reading& y = archived[b].reading;
        return std::tie(x.sensorId, x.metric, x.eventTimeMs) < std::tie(y.sensorId, y.metric, y.eventTimeMs);
    });
    std::vector<Reading> distinct;
    distinct.reserve(archived.size());
    std::map<WindowKey, std::pair<std::uint64_t, std::uint64_t>> flags;  // window → (late, duplicates)
    for (std::size_t k = 0; k < byKey.size(); ++k) {
        const Reading& r = archived[byKey[k]].reading;
        const WindowKey key{r.sensorId, r.metric, windowFloor(r.eventTimeMs, size)};
        if (k > 0) {
            const Reading& prev = archived[byKey[k - 1]].reading;
            if (prev.sensorId == r.sensorId && prev.metric == r.metric && prev.eventTimeMs == r.eventTimeMs) {
                ++report.archiveDuplicates;
                ++flags[key].second;
                continue;
            }
        }
        if (late[byKey[k]]) {
            ++report.lateReadings;
            ++flags[key].first;
        }
        distinct.push_back(r);
    }

    const std::vector<WindowAggregate> recomputed = aggregateWindows(distinct, size);
    report.windowsRecomputed = recomputed.size();
    report.windowsStored = stored.size();

    std::map<WindowKey, const WindowAggregate*> storedByKey;
    for (const WindowAggregate& s : stored) {
        storedByKey[{s.sensorId, s.metric, s.windowStartMs}] = &s;
    }
    for (const WindowAggregate& rec : recomputed) {
        const WindowKey key{rec.sensorId, rec.metric, rec.windowStartMs};
        AggregateDiff d;
        d.sensorId = rec.sensorId;
        d.metric = rec.metric;
        d.windowStartMs = rec.windowStartMs;
        d.recomputed = rec;
        if (auto f = flags.find(key); f != flags.end()) {
            d.lateReadings = f->second.first;
            d.archiveDuplicates = f->second.second;
        }
        const auto it = storedByKey.find(key);
        if (it == storedByKey.end()) {
            d.cause = DiffCause::Gap;
        } else {
            const WindowAggregate& s = *it->second;
            storedByKey.erase(it);
            d.stored = s;
            d.recomputed.locationId = s.locationId;  // the store's enriched district wins
            if (s.count > rec.count) {
                d.cause = DiffCause::Duplicate;
            } else if (s.count < rec.count) {
                d.cause = d.lateReadings > 0 ? DiffCause::LateData : DiffCause::Gap;
            } else if (!near(s.sum, rec.sum, options.tolerance) || !near(s.min, rec.min, options.tolerance) ||
                       !near(s.max, rec.max, options.tolerance)) {
                d.cause = DiffCause::ValueMismatch;
            } else {
                continue;  // agrees
            }
        }
        d.explanation = describe(d, options.correct && options.deleteOrphans);
        report.diffs.push_back(std::move(d));
    }
    for (const auto& [key, s] : storedByKey) {
        AggregateDiff d;
        d.cause = DiffCause::Orphan;
        d.sensorId = s->sensorId;
        d.metric = s->metric;
        d.windowStartMs = s->windowStartMs;
        d.stored = *s;
        d.recomputed.sensorId = s->sensorId;
        d.recomputed.metric = s->metric;
        d.recomputed.windowStartMs = s->windowStartMs;
        d.recomputed.windowEndMs = s->windowStartMs + size;
        d.explanation = describe(d, options.correct && options.deleteOrphans);
        report.diffs.push_back(std::move(d));
    }
    std::sort(report.diffs.begin(), report.diffs.end(), [](const AggregateDiff& a, const AggregateDiff& b) {
        return std::tie(a.sensorId, a.metric, a.windowStartMs) < std::tie(b.sensorId, b.metric, b.windowStartMs);
    });
    return report;
}

Result<ReconcileReport> reconcile(const std::filesystem::path& archiveRoot, storage::Storage& storage,
                                  storage::StorageReader& reader, const ReconcileOptions& options) {
    if (options.windowSizeMs <= 0 || options.toMs <= options.fromMs) {
        return HistoryError{"reconcile: empty time range or window size"};
    }
    std::vector<std::string> topics = options.topics;
    if (topics.empty()) {
        for (const auto& spec : log::defaultTopics()) {
            if (spec.name != "receipts") {
                topics.push_back(spec.name);
            }
        }
    }
    auto source = archive::ArchiveEventSource::create(archiveRoot, topics, options.fromMs, options.toMs);
    if (!source) {
        return HistoryError{"reconcile: archive " + archiveRoot.string() + ": " + source.error().message};
    }
    std::vector<ArchivedReading> archived;
    std::uint64_t undecodable = 0;
    stream::ReadingDecoder decoder;
    std::vector<log::SourceRecord> buffer(1024);
    for (;;) {
        auto n = (*source)->poll(buffer, std::chrono::milliseconds(0));
        if (!n) {
            return HistoryError{"reconcile: archive replay: " + n.error().message};
        }
        for (std::size_t i = 0; i < *n; ++i) {
            const log::SourceRecord& rec = buffer[i];
            ArchivedReading a;
            if (auto r = log::readingOf(rec.record)) {
                a.reading = *r;
            } else {
                stream::DecodedReading decoded;
                if (decoder.decode(rec.record.payload, std::numeric_limits<std::int64_t>::min(), decoded) !=
                    stream::DecodeError::None) {
                    ++undecodable;
                    continue;
                }
                a.reading = decoded.reading;
            }
            const auto topic = std::find(topics.begin(), topics.end(), rec.topic);
            a.topicIndex = static_cast<std::uint32_t>(topic - topics.begin());
            a.partition = rec.partition;
            a.offset = rec.record.offset;
            archived.push_back(a);
        }
        if (*n == 0 && (*source)->exhausted()) {
            break;
        }
    }
    auto stored = reader.windowAggregatesInRange(std::nullopt, options.windowSizeMs, options.fromMs, options.toMs);
    if (!stored) {
        return HistoryError{"reconcile: " + stored.error().message};
    }
    // Only the metrics of the topics read can be compared.
    std::erase_if(*stored, [&](const WindowAggregate& a) {
        return std::find(topics.begin(), topics.end(), storage::topicOf(a.metric)) == topics.end();
    });
    ReconcileReport report = compareWithArchive(archived, *stored, options);
    report.undecodable = undecodable;
    if (!options.correct) {
        return report;
    }
    storage::WriteBatch batch;
    const auto corrects = [&](const AggregateDiff& d) { return d.cause != DiffCause::Orphan || options.deleteOrphans; };
    for (AggregateDiff& d : report.diffs) {
        if (!corrects(d)) {
            continue;
        }
        if (d.cause == DiffCause::Orphan) {
            batch.deletedAggregates.push_back(*d.stored);  // the archive has nothing for it: the window goes
        } else {
            batch.aggregates.push_back(d.recomputed);
        }
        storage::LineageRecord row;
        row.jobId = options.jobId;
        row.inputTopic = "archive/" + std::string(storage::topicOf(d.metric));
        row.outputTable = detail::format("window_aggregates(sensor_id=%u,metric=%s,window_start_ms=%lld,window_size_ms=%lld)",
                                         d.sensorId, std::string(toString(d.metric)).c_str(),
                                         static_cast<long long>(d.windowStartMs),
                                         static_cast<long long>(options.windowSizeMs));
        row.processingTimeMs = options.nowMs;
        row.recordCount = d.recomputed.count;
        row.checksum = detail::format("cause=%s count=%u->%u sum=%.9g->%.9g", std::string(toString(d.cause)).c_str(),
                                      d.stored ? d.stored->count : 0U, d.recomputed.count,
                                      d.stored ? d.stored->sum : 0.0, d.recomputed.sum);
        batch.lineage.push_back(std::move(row));
    }
    if (batch.lineage.empty()) {
        return report;
    }
    const std::size_t rows = batch.lineage.size();
    if (auto written = storage.write(std::move(batch)); !written) {
        return HistoryError{"reconcile: writing corrections: " + written.error().message};
    }
    for (AggregateDiff& d : report.diffs) {
        d.corrected = corrects(d);
        report.corrected += d.corrected ? 1 : 0;
    }
    report.lineageRows = rows;
    return report;
}

std::string toText(const ReconcileReport& r, std::size_t maxDiffs) {
    std::array<std::uint64_t, 5> byCause{};
    for (const AggregateDiff& d : r.diffs) {
        ++byCause[static_cast<int>(d.cause)];
    }
    std::string out = detail::format(
        "Reconciliation %s .. %s (%lld s windows): %llu archive records (%llu duplicates, %llu late, %llu not readings)\n"
        "  %llu windows recomputed, %llu stored; %zu differences: %llu gap, %llu late_data, %llu duplicate, "
        "%llu value_mismatch, %llu orphan; %llu corrected, %llu lineage rows\n",
        formatTimestamp(r.fromMs).c_str(), formatTimestamp(r.toMs).c_str(), static_cast<long long>(r.windowSizeMs / 1000),
        static_cast<unsigned long long>(r.archiveRecords), static_cast<unsigned long long>(r.archiveDuplicates),
        static_cast<unsigned long long>(r.lateReadings), static_cast<unsigned long long>(r.undecodable),
        static_cast<unsigned long long>(r.windowsRecomputed), static_cast<unsigned long long>(r.windowsStored),
        r.diffs.size(), static_cast<unsigned long long>(byCause[0]), static_cast<unsigned long long>(byCause[1]),
        static_cast<unsigned long long>(byCause[2]), static_cast<unsigned long long>(byCause[3]),
        static_cast<unsigned long long>(byCause[4]), static_cast<unsigned long long>(r.corrected),
        static_cast<unsigned long long>(r.lineageRows));
    for (std::size_t i = 0; i < r.diffs.size() && i < maxDiffs; ++i) {
        const AggregateDiff& d = r.diffs[i];
        out += detail::format("  %-14s sensor %u %-18s %s  %s%s\n", std::string(toString(d.cause)).c_str(), d.sensorId,
                              std::string(toString(d.metric)).c_str(), formatTimestamp(d.windowStartMs).c_str(),
                              d.explanation.c_str(), d.corrected ? " [corrected]" : "");
    }
    if (r.diffs.size() > maxDiffs) {
        out += detail::format("  ... %zu more (all in the JSON output)\n", r.diffs.size() - maxDiffs);
    }
    return out;
}

std::string toJson(const ReconcileReport& r) {
    detail::JsonOut j;
    j.beginObject()
        .field("from", formatTimestamp(r.fromMs))
        .field("to", formatTimestamp(r.toMs))
        .field("window_size_ms", r.windowSizeMs)
        .field("archive_records", r.archiveRecords)
        .field("archive_duplicates", r.archiveDuplicates)
        .field("late_readings", r.lateReadings)
        .field("undecodable", r.undecodable)
        .field("windows_recomputed", r.windowsRecomputed)
        .field("windows_stored", r.windowsStored)
        .field("corrected", r.corrected)
        .field("lineage_rows", r.lineageRows)
        .key("differences")
        .beginArray();
    for (const AggregateDiff& d : r.diffs) {
        j.beginObject()
            .field("cause", toString(d.cause))
            .field("sensor_id", d.sensorId)
            .field("metric", toString(d.metric))
            .field("window_start", formatTimestamp(d.windowStartMs))
            .field("stored_count", d.stored ? std::uint64_t{d.stored->count} : std::uint64_t{0})
            .field("archive_count", std::uint64_t{d.recomputed.count})
            .field("stored_sum", d.stored ? std::optional<double>(d.stored->sum) : std::nullopt)
            .field("archive_sum", d.recomputed.sum)
            .field("late_readings", d.lateReadings)
            .field("archive_duplicates", d.archiveDuplicates)
            .field("corrected", d.corrected)
            .field("explanation", d.explanation)
            .endObject();
    }
    j.endArray().endObject();
    return std::move(j).str();
}

}  // namespace cityops::engine::history
