#include "cityops/simulation/headless_jobs.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <limits>
#include <system_error>
#include <vector>

#include "cityops/engine/archive/archive_reader.h"
#include "cityops/engine/archive/archive_writer.h"
#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/retention.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops/simulation/city_jobs_setup.h"
#include "cityops/simulation/simulator.h"

namespace cityops::simulation {

namespace {

namespace fs = std::filesystem;
namespace st = engine::stream;
using Clock = std::chrono::steady_clock;

//! The design topic a sensor kind is published to (noise travels with air-quality).
using engine::storage::topicOf;

const std::vector<std::string>& readingTopics() {
    static const std::vector<std::string> topics{"traffic-events", "air-quality",      "temperature-data",
                                                 "parking-events", "emergency-events", "energy-data"};
    return topics;
}

std::string describe(const engine::log::LogError& error) { return error.message; }

//! Copies every accepted record of the log into the raw archive (the design's HDFS role: gzip JSON
//! Lines per topic and hour, for Spark), all files closed, indexed and verified by CRC on return.
engine::Expected<std::uint64_t, std::string> archiveLog(const engine::log::EventLog& log, const fs::path& root) {
    std::error_code ec;
    fs::remove_all(root, ec);  // from an interrupted run: archived again from the log
    if (ec) {
        return "cannot remove the incomplete archive " + root.string() + ": " + ec.message();
    }
    engine::archive::ArchiveOptions options;
    options.root = root;
    auto writer = engine::archive::ArchiveWriter::open(options);
    if (!writer) {
        return "cannot open the archive: " + describe(writer.error());
    }
    auto source = engine::log::LogEventSource::create(log, readingTopics());
    if (!source) {
        return "cannot read the event log: " + describe(source.error());
    }
    std::vector<engine::log::SourceRecord> records(4096);
    std::uint64_t archived = 0;
    for (;;) {
        auto polled = (*source)->poll(records, std::chrono::milliseconds(0));
        if (!polled) {
            return "cannot read the event log: " + describe(polled.error());
        }
        if (*polled == 0) {
            break;
        }
        if (auto appended = (*writer)->append(std::span(records).first(*polled)); !appended) {
            return "cannot write the archive: " + describe(appended.error());
        }
        archived += *polled;
    }
    if (auto flushed = (*writer)->flush(); !flushed) {
        return "cannot close the archive files: " + describe(flushed.error());
    }
    return archived;
}

//! Writes the scenario's readings as JSON into a fresh log and the raw archive; marks it complete.
engine::Expected<std::uint64_t, std::string> produce(const City& city, const Scenario& scenario,
                                                     const JobsRunOptions& options, const fs::path& logDir,
                                                     const std::atomic<bool>* cancel) {
    std::error_code ec;
    fs::remove_all(logDir, ec);  // an incomplete log from an interrupted run: produce it again
    if (ec) {
        return "cannot remove the incomplete log " + logDir.string() + ": " + ec.message();
    }
    fs::create_directories(logDir, ec);
    if (ec) {
        return "cannot create " + logDir.string() + ": " + ec.message();
    }
    engine::log::LogConfig config;
    config.directory = logDir;
    auto log = engine::log::EventLog::open(config);
    if (!log) {
        return "cannot open the event log: " + describe(log.error());
    }
    engine::log::LogEventSink sink(**log);
    Simulator simulator(city, scenario);
    std::vector<engine::Reading> readings;
    std::string arena;
    std::vector<std::array<std::size_t, 2>> spans;  // (offset, length) of each reading's JSON in arena
    std::vector<engine::log::RecordInput> records;
    std::uint64_t produced = 0;
    const std::int64_t end = scenario.startTimeMs + std::max<std::int64_t>(0, options.durationMs);
    for (std::int64_t t = scenario.startTimeMs; t < end;) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            return std::string("cancelled while producing the scenario");
        }
        const std::int64_t next = std::min(end, t + 60'000);
        readings.clear();
        simulator.advanceTo(next, readings);
        t = next;
        for (const std::string& topic : readingTopics()) {
            arena.clear();
            spans.clear();
            for (const engine::Reading& r : readings) {
                if (topicOf(r.kind) != topic) {
                    continue;
                }
                char buffer[256];
                const std::size_t n = st::encodeReadingJson(r, buffer);
                spans.push_back({arena.size(), n});
                arena.append(buffer, n);
            }
            records.clear();
            std::size_t i = 0;
            for (const engine::Reading& r : readings) {
                if (topicOf(r.kind) != topic) {
                    continue;
                }
                const auto [offset, length] = spans[i++];
                records.push_back(engine::log::RecordInput{
                    r.eventTimeMs, r.sensorId, 0,
                    std::as_bytes(std::span<const char>(arena.data() + offset, length))});
            }
            if (records.empty()) {
                continue;
            }
            if (auto sent = sink.send(topic, records); !sent) {
                return "cannot append to the event log: " + describe(sent.error());
            }
            produced += records.size();
        }
    }
    if (auto flushed = sink.flush(); !flushed) {
        return "cannot sync the event log: " + describe(flushed.error());
    }
    if (auto archived = archiveLog(**log, options.dataDir / "archive"); !archived) {
        return archived.error();
    }
    const fs::path marker = logDir / "COMPLETE";
    const fs::path temp = logDir / "COMPLETE.tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << scenario.name << ' ' << produced << '\n';
        if (!out.flush()) {
            return "cannot write " + temp.string();
        }
    }
    fs::rename(temp, marker, ec);
    if (ec) {
        return "cannot write " + marker.string() + ": " + ec.message();
    }
    return produced;
}

}  // namespace

engine::Expected<JobsRunSummary, std::string> runJobsHeadless(const City& city, const Scenario& scenario,
                                                              const JobsRunOptions& options,
                                                              const std::atomic<bool>* cancel) {
    JobsRunSummary summary;
    summary.scenario = scenario.name;
    std::error_code ec;
    fs::create_directories(options.dataDir, ec);
    if (ec) {
        return "cannot create the data directory " + options.dataDir.string() + ": " + ec.message();
    }
    const fs::path logDir = options.dataDir / "log";
    if (!fs::exists(logDir / "COMPLETE")) {
        auto produced = produce(city, scenario, options, logDir, cancel);
        if (!produced) {
            return produced.error();
        }
        summary.produced = *produced;
    }

    engine::log::LogConfig logConfig;
    logConfig.directory = logDir;
    auto log = engine::log::EventLog::open(logConfig);
    if (!log) {
        return "cannot open the event log: " + describe(log.error());
    }
    const fs::path dbPath = options.dataDir / "cityops.db";
    auto store = engine::storage::Storage::open(engine::storage::StorageOptions{.path = dbPath});
    if (!store) {
        return store.error().message;
    }

    // Reference data: the sensor registry (also the enrichment job's broadcast state) and districts.
    const std::vector<engine::storage::SensorInfo> sensors = sensorRegistry(city);
    if (auto written = writeCityReference(**store, city, sensors); !written) {
        return written.error();
    }
    st::CityJobsConfig config = cityJobsConfig(city, sensors);
    config.job.jobId = "city-jobs";
    config.job.workers = options.workers;
    config.job.storage = store->get();
    config.job.checkpointIntervalMs = options.checkpointIntervalMs;
    st::CityJobsOutputs outputs;
    const Clock::time_point start = Clock::now();
    std::unique_ptr<st::RunningJob<engine::Reading>> job;
    try {
        job = st::buildCityJobs(config, outputs);
    } catch (const st::JobError& error) {
        return std::string("cannot start the jobs: ") + error.what();
    }
    if (const auto& restored = job->restored()) {
        summary.restoredFrom = restored->checkpointId;
    }
    auto source = engine::log::LogEventSource::create(**log, readingTopics());
    if (!source) {
        return "cannot read the event log: " + describe(source.error());
    }

    st::DecoderLimits limits;
    limits.sensorCount = static_cast<std::uint32_t>(city.sensors.size());
    st::ReadingDecoder decoder(limits);
    st::DecodedReading decoded;
    auto decode = [&](const engine::log::SourceRecord& record, engine::Reading& out) {
        // Scenario time is not wall time: no far-past/future check against the clock here.
        const st::DecodeError error =
            decoder.decode(record.record.payload, std::numeric_limits<std::int64_t>::min(), decoded);
        if (error != st::DecodeError::None) {
            return st::DecodeResult::reject(st::toString(error));
        }
        out = decoded.reading;
        return st::DecodeResult::accept();
    };
    st::RunOptions run;
    run.stopAtEnd = true;
    run.finishAtEnd = true;
    run.stop = cancel;
    run.onBatch = [&](std::uint64_t) {
        if (summary.restartToFirstBatchMs < 0) {
            summary.restartToFirstBatchMs =
                std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        }
    };
    auto consumed = job->run(**source, decode, run);
    if (!consumed) {
        return "reading the event log failed: " + describe(consumed.error());
    }
    summary.consumed = *consumed;
    summary.cancelled = cancel != nullptr && cancel->load(std::memory_order_relaxed);
    summary.metrics = job->metrics();
    if (!summary.metrics.failure.empty()) {
        return "the jobs stopped: " + summary.metrics.failure;
    }
    summary.wallSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    summary.eventsPerSecond =
        summary.wallSeconds > 0.0 ? static_cast<double>(summary.consumed) / summary.wallSeconds : 0.0;
    summary.sensorAggregates = outputs.sensorAggregates->total();
    summary.districtAggregates = outputs.districtAggregates->total();
    for (const auto& op : summary.metrics.operators) {
        summary.duplicates += op.counters.duplicates;
    }
    job.reset();
    store->reset();

    auto counts = readStoredAlertCounts(dbPath);
    if (!counts) {
        return counts.error();
    }
    summary.storedAlerts = counts->total;
    summary.storedCo2Alerts = counts->co2;
    summary.storedEmergencyAlerts = counts->emergency;
    summary.storedEnergyAlerts = counts->energy;
    summary.storedReadings = counts->readings;
    if (auto archive = engine::archive::ArchiveReader::open(options.dataDir / "archive"); archive) {
        if (auto report = (*archive)->verify(); report) {
            summary.archiveFiles = report->filesChecked;
            summary.archivedRecords = report->recordsChecked;
            summary.archiveProblems = report->problems.size();
        }
    }
    return summary;
}

std::string formatJobsSummary(const JobsRunSummary& s) {
    auto fixed = [](double value, int decimals) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
        return std::string(buffer);
    };
    const auto& m = s.metrics;
    std::string text;
    text += "scenario: " + s.scenario + "\n";
    text += "produced: " + std::to_string(s.produced) + "\n";
    text += "consumed: " + std::to_string(s.consumed) + "\n";
    text += "restored_from_checkpoint: " + std::to_string(s.restoredFrom) + "\n";
    text += "restart_to_first_batch_ms: " + fixed(s.restartToFirstBatchMs, 1) + "\n";
    text += "alerts: " + std::to_string(s.storedAlerts) + "\n";
    text += "co2_alerts: " + std::to_string(s.storedCo2Alerts) + "\n";
    text += "emergency_alerts: " + std::to_string(s.storedEmergencyAlerts) + "\n";
    text += "energy_alerts: " + std::to_string(s.storedEnergyAlerts) + "\n";
    text += "stored_readings: " + std::to_string(s.storedReadings) + "\n";
    text += "archive_files: " + std::to_string(s.archiveFiles) + "\n";
    text += "archived_records: " + std::to_string(s.archivedRecords) + "\n";
    text += "archive_problems: " + std::to_string(s.archiveProblems) + "\n";
    text += "sensor_aggregates: " + std::to_string(s.sensorAggregates) + "\n";
    text += "district_aggregates: " + std::to_string(s.districtAggregates) + "\n";
    text += "duplicates_dropped: " + std::to_string(s.duplicates) + "\n";
    text += "dead_letters: " + std::to_string(m.deadLetters) + "\n";
    for (const auto& d : m.deadLettersByReason) {
        text += "dead_letters_" + d.reason + ": " + std::to_string(d.count) + "\n";
    }
    text += "late_events: " + std::to_string(m.lateEvents) + "\n";
    text += "workers: " + std::to_string(m.workers) + "\n";
    text += "checkpoints: " + std::to_string(m.checkpoints.completed) + "\n";
    text += "last_checkpoint_ms: " + fixed(m.checkpoints.lastDurationMs, 1) + "\n";
    text += "last_checkpoint_bytes: " + std::to_string(m.checkpoints.lastSizeBytes) + "\n";
    text += "state_bytes: " + std::to_string(m.stateBytes) + "\n";
    text += "latency_p50_ms: " + fixed(m.latency.p50Ms, 2) + "\n";
    text += "latency_p99_ms: " + fixed(m.latency.p99Ms, 2) + "\n";
    text += "backpressure_ratio: " + fixed(m.backpressureRatio, 3) + "\n";
    text += "wall_seconds: " + fixed(s.wallSeconds, 3) + "\n";
    text += "events_per_second: " + fixed(s.eventsPerSecond, 0) + "\n";
    for (const auto& op : m.operators) {
        text += "operator " + std::to_string(op.nodeId) + " " + op.name + ": in " +
                std::to_string(op.counters.recordsIn) + ", out " + std::to_string(op.counters.recordsOut) +
                ", late " + std::to_string(op.counters.lateDropped) + ", state " + std::to_string(op.stateBytes) +
                " B\n";
    }
    if (s.cancelled) {
        text += "cancelled: yes\n";
    }
    return text;
}

}  // namespace cityops::simulation
