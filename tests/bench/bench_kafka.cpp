// Issue #7's benchmark, all on one in-process librdkafka mock cluster (3 brokers, RF 3) in one run:
//  (c) producer: simulator readings → JSON → KafkaEventSink (idempotent, acks=all, lz4), rate counted
//      by delivery reports (flush() waits for every one);
//  (b) bare librdkafka: a plain consumer-group loop over those pre-produced messages that only
//      touches each payload (the ceiling of what Kafka delivers here);
//  (a) the connector: KafkaEventSource::poll → JSON decode (simdjson ReadingDecoder) → the design's
//      city jobs (Alert Detection + Real-time Aggregation, 2 workers), per Kafka partition watermarks,
//      waiting for the job at the end (sync). Also a1: source + decode only, no jobs.
// (b) and (a) each run twice, alternating, each with a fresh consumer group from the earliest offset;
// the best of each is reported. The mock broker shares the process (and the 2 cores) with the
// consumer, so these are rates of the client stack, not of a real cluster.
// Usage: bench_kafka [readings=500000] [sensors=5000] [partitions=6]   Prints one JSON object.

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "cityops/connectors/kafka_client.h"
#include "cityops/connectors/kafka_mock_cluster.h"
#include "cityops/engine/log/record.h"
#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops/simulation/simulator.h"

using namespace cityops;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr const char* kTopic = "bench-readings";
constexpr std::size_t kBatch = 4096;

double secondsSince(SteadyClock::time_point start) {
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "bench_kafka: %s\n", what.c_str());
    std::exit(1);
}

std::vector<engine::Reading> simulate(std::size_t count, std::uint32_t sensors) {
    simulation::Scenario scenario;
    scenario.name = "bench";
    scenario.sensorCount = sensors;
    scenario.startTimeMs = 1'772'438'400'000;
    const simulation::City city = simulation::generateDemoCity(scenario.seed, sensors);
    simulation::Simulator simulator(city, scenario);
    std::vector<engine::Reading> out;
    out.reserve(count + sensors);
    for (std::int64_t t = scenario.startTimeMs; out.size() < count;) {
        t += 1'000;
        simulator.advanceTo(t, out);
    }
    out.resize(count);
    return out;
}

struct ProduceOutcome {
    double seconds = 0.0;
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::uint64_t bytes = 0;
};

//! (c): encode and send in batches of kBatch, then flush (all delivery reports in).
ProduceOutcome produce(const std::string& bootstrap, const std::vector<engine::Reading>& readings) {
    connectors::KafkaSinkConfig config;
    config.settings.bootstrapServers = bootstrap;
    config.settings.clientId = "bench-producer";
    config.compression = "lz4";
    auto sink = connectors::KafkaEventSink::create(config);
    if (!sink) fail("sink: " + sink.error().message);
    std::string arena;
    std::vector<std::size_t> ends;
    std::vector<engine::log::RecordInput> records;
    arena.reserve(kBatch * engine::stream::kMaxReadingJsonBytes);
    ProduceOutcome outcome;
    const auto start = SteadyClock::now();
    for (std::size_t i = 0; i < readings.size(); i += kBatch) {
        const std::size_t n = std::min(kBatch, readings.size() - i);
        arena.resize(n * engine::stream::kMaxReadingJsonBytes);
        ends.clear();
        records.clear();
        std::size_t at = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const engine::Reading& r = readings[i + k];
            at += engine::stream::encodeReadingJson(r, std::span(arena.data() + at, engine::stream::kMaxReadingJsonBytes));
            ends.push_back(at);
        }
        std::size_t begin = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const engine::Reading& r = readings[i + k];
            engine::log::RecordInput in;
            in.timestampMs = r.eventTimeMs;
            in.key = r.sensorId;
            in.flags = 2;  // JSON reading
            in.payload = std::as_bytes(std::span(arena.data() + begin, ends[k] - begin));
            outcome.bytes += ends[k] - begin;
            begin = ends[k];
            records.push_back(in);
        }
        // send() copies the payloads into librdkafka (RD_KAFKA_MSG_F_COPY), so the arena is reused.
        if (auto sent = (*sink)->send(kTopic, records); !sent) fail("send: " + sent.error().message);
    }
    if (auto flushed = (*sink)->flush(); !flushed) fail("flush: " + flushed.error().message);
    outcome.seconds = secondsSince(start);
    const connectors::DeliveryCounters counters = (*sink)->counters();
    outcome.delivered = counters.delivered;
    outcome.failed = counters.failed;
    return outcome;
}

struct ConsumeOutcome {
    double seconds = 0.0;
    std::uint64_t records = 0;
    std::uint64_t readings = 0;
    std::uint64_t rejected = 0;
    std::uint64_t alerts = 0;
    std::uint64_t aggregates = 0;
    std::uint64_t checksum = 0;
};

//! (b): a plain consumer-group loop (read_committed, no auto-commit, like the connector).
ConsumeOutcome bareLoop(const std::string& bootstrap, std::size_t expected, int run) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::string group = "bench-bare-" + std::to_string(run);
    const std::pair<const char*, const char*> props[] = {
        {"bootstrap.servers", bootstrap.c_str()}, {"group.id", group.c_str()}, {"auto.offset.reset", "earliest"},
        {"enable.auto.commit", "false"},          {"isolation.level", "read_committed"},
        {"enable.partition.eof", "false"}};
    for (const auto& [k, v] : props) {
        if (rd_kafka_conf_set(conf, k, v, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) fail(errstr);
    }
    rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t*, int, const char*, const char*) {});
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (rk == nullptr) fail(errstr);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, kTopic, RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(rk, list);
    rd_kafka_topic_partition_list_destroy(list);
    ConsumeOutcome outcome;
    SteadyClock::time_point start{};
    const auto deadline = SteadyClock::now() + std::chrono::seconds(120);
    while (outcome.records < expected && SteadyClock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
        if (m == nullptr) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (outcome.records == 0) start = SteadyClock::now();  // from the first record (after the join)
            ++outcome.records;
            const auto* p = static_cast<const unsigned char*>(m->payload);
            outcome.checksum += m->len + (m->len > 0 ? p[m->len - 1] : 0U);
        }
        rd_kafka_message_destroy(m);
    }
    outcome.seconds = secondsSince(start);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return outcome;
}

//! (a): the connector's source, JSON decode, and (withJobs) the city jobs.
ConsumeOutcome connectorLoop(const std::string& bootstrap, std::size_t expected, int partitions, std::uint32_t sensors,
                             bool withJobs, int run) {
    connectors::KafkaSourceConfig config;
    config.settings.bootstrapServers = bootstrap;
    config.settings.clientId = "bench-connector";
    config.groupId = std::string("bench-connector-") + (withJobs ? "jobs-" : "decode-") + std::to_string(run);
    config.topics = {kTopic};
    auto source = connectors::KafkaEventSource::create(config);
    if (!source) fail("source: " + source.error().message);

    engine::stream::CityJobsOutputs outputs;
    std::unique_ptr<engine::stream::RunningJob<engine::Reading>> job;
    if (withJobs) {
        outputs.alerts = std::make_shared<engine::stream::QueueSink<engine::Alert>>();
        outputs.districtAggregates = std::make_shared<engine::stream::QueueSink<engine::stream::DistrictAggregate>>();
        engine::stream::CityJobsConfig jobs;
        jobs.job.jobId = "bench-kafka";
        jobs.job.workers = 2;
        jobs.job.queueCapacity = 64;
        jobs.job.maxBatchRecords = kBatch;
        jobs.job.checkpointIntervalMs = 0;
        jobs.expectedSeries = sensors;
        job = engine::stream::buildCityJobs(std::move(jobs), outputs);
        // Every Kafka partition is a job partition (its own watermark), as in the worker.
        for (int p = 0; p < partitions; ++p) job->push({}, p);
    }
    engine::stream::ReadingDecoder decoder;
    engine::stream::DecodedReading decoded;
    std::vector<engine::log::SourceRecord> records(kBatch);
    std::vector<engine::Reading> values;
    values.reserve(kBatch);
    std::vector<engine::Alert> alerts;
    std::vector<engine::stream::DistrictAggregate> districts;
    ConsumeOutcome outcome;
    SteadyClock::time_point start{};
    const auto deadline = SteadyClock::now() + std::chrono::seconds(120);
    while (outcome.records < expected && SteadyClock::now() < deadline) {
        auto polled = (*source)->poll(records, std::chrono::milliseconds(100));
        if (!polled) fail("poll: " + polled.error().message);
        if (*polled == 0) continue;
        if (outcome.records == 0) start = SteadyClock::now();
        outcome.records += *polled;
        int runPartition = -1;
        auto flush = [&] {
            if (job && !values.empty()) job->push(std::span<const engine::Reading>(values), runPartition);
            outcome.readings += values.size();
            values.clear();
        };
        for (std::size_t i = 0; i < *polled; ++i) {
            const engine::log::SourceRecord& rec = records[i];
            if (rec.partition != runPartition) {
                flush();
                runPartition = rec.partition;
            }
            if (decoder.decode(rec.record.payload, std::numeric_limits<std::int64_t>::min(), decoded) !=
                engine::stream::DecodeError::None) {
                ++outcome.rejected;
                continue;
            }
            if (!job) outcome.checksum += decoded.reading.sensorId;
            values.push_back(decoded.reading);
        }
        flush();
        if (job && (outcome.records / kBatch) % 16 == 0) {
            outputs.alerts->drain(alerts);
            outputs.districtAggregates->drain(districts);
            outcome.alerts += alerts.size();
            outcome.aggregates += districts.size();
            alerts.clear();
            districts.clear();
        }
    }
    if (job) {
        job->sync();  // everything pushed is processed: the rate counts the jobs' work
        outcome.seconds = secondsSince(start);
        job->finish();
        outputs.alerts->drain(alerts);
        outputs.districtAggregates->drain(districts);
        outcome.alerts += alerts.size();
        outcome.aggregates += districts.size();
    } else {
        outcome.seconds = secondsSince(start);
    }
    (*source)->close();
    return outcome;
}

double rate(std::uint64_t n, double seconds) { return seconds > 0.0 ? static_cast<double>(n) / seconds : 0.0; }

void printConsume(const char* name, const ConsumeOutcome& o, bool last) {
    std::printf("    \"%s\": {\"seconds\": %.4f, \"records\": %llu, \"records_per_s\": %.0f, \"readings\": %llu, "
                "\"rejected\": %llu, \"alerts\": %llu, \"district_aggregates\": %llu}%s\n",
                name, o.seconds, static_cast<unsigned long long>(o.records), rate(o.records, o.seconds),
                static_cast<unsigned long long>(o.readings), static_cast<unsigned long long>(o.rejected),
                static_cast<unsigned long long>(o.alerts), static_cast<unsigned long long>(o.aggregates),
                last ? "" : ",");
}

ConsumeOutcome best(const ConsumeOutcome& x, const ConsumeOutcome& y) {
    if (x.records != y.records) return x.records > y.records ? x : y;
    return x.seconds <= y.seconds ? x : y;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t count = argc > 1 ? static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10)) : 500'000;
    const auto sensors = static_cast<std::uint32_t>(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 5'000);
    const int partitions = argc > 3 ? std::atoi(argv[3]) : 6;
    if (count == 0 || sensors == 0 || partitions <= 0) fail("usage: bench_kafka [readings] [sensors] [partitions]");

    connectors::KafkaMockCluster mock(3);
    if (std::string e = mock.createTopic(kTopic, partitions, 3); !e.empty()) fail("create topic: " + e);
    const std::string bootstrap = mock.bootstrapServers();
    const std::vector<engine::Reading> readings = simulate(count, sensors);

    const ProduceOutcome produced = produce(bootstrap, readings);
    if (produced.delivered != count) fail("only " + std::to_string(produced.delivered) + " records delivered");

    ConsumeOutcome bare;
    ConsumeOutcome decode;
    ConsumeOutcome jobs;
    for (int run = 0; run < 2; ++run) {
        bare = run == 0 ? bareLoop(bootstrap, count, run) : best(bare, bareLoop(bootstrap, count, run));
        decode = run == 0 ? connectorLoop(bootstrap, count, partitions, sensors, false, run)
                          : best(decode, connectorLoop(bootstrap, count, partitions, sensors, false, run));
        jobs = run == 0 ? connectorLoop(bootstrap, count, partitions, sensors, true, run)
                        : best(jobs, connectorLoop(bootstrap, count, partitions, sensors, true, run));
    }
    const double bareRate = rate(bare.records, bare.seconds);
    std::printf("{\n  \"benchmark\": \"kafka_mock\",\n  \"brokers\": 3, \"partitions\": %d, \"replication\": 3, "
                "\"readings\": %zu, \"sensors\": %u,\n",
                partitions, count, sensors);
    std::printf("  \"c_producer\": {\"seconds\": %.4f, \"delivered\": %llu, \"failed\": %llu, \"records_per_s\": %.0f, "
                "\"payload_mb_per_s\": %.1f, \"acks\": \"all\", \"idempotent\": true, \"compression\": \"lz4\"},\n",
                produced.seconds, static_cast<unsigned long long>(produced.delivered),
                static_cast<unsigned long long>(produced.failed), rate(produced.delivered, produced.seconds),
                static_cast<double>(produced.bytes) / 1e6 / produced.seconds);
    std::printf("  \"consume\": {\n");
    printConsume("b_bare_librdkafka", bare, false);
    printConsume("a1_connector_decode", decode, false);
    printConsume("a_connector_city_jobs", jobs, true);
    std::printf("  },\n  \"a1_vs_b\": %.3f, \"a_vs_b\": %.3f, \"target_a_vs_b\": 0.8, \"all_records\": %s\n}\n",
                bareRate > 0 ? rate(decode.records, decode.seconds) / bareRate : 0.0,
                bareRate > 0 ? rate(jobs.records, jobs.seconds) / bareRate : 0.0,
                bare.records == count && decode.records == count && jobs.records == count && decode.rejected == 0 &&
                        jobs.rejected == 0
                    ? "true"
                    : "false");
    return 0;
}
