#pragma once
// The worker tests' scenario: CO2 readings that raise alerts, the in-process reference, helpers.
#include <QtTest>
#include <functional>

#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cityops/connectors/kafka_client.h"
#include "cityops/connectors/kafka_mock_cluster.h"
#include "cityops/connectors/kafka_worker.h"
#include "cityops/engine/log/topic_spec.h"
#include "cityops/engine/stream/city_jobs.h"
#include "kafka_test_util.h"

using namespace cityops;
using namespace cityops::connectors;
using namespace kafka_test;

namespace kafka_worker_test {

constexpr std::int64_t kStart = 1'795'000'000'000;
constexpr int kPartitions = 6;

//! CO2 readings of 20 sensors every 10 s for 15 minutes: a burst of three readings over 800 ppm
//! every two minutes, so the CO2 rule raises many alerts; plus, per partition, one temperature
//! reading two hours later that moves the watermark past everything (it raises nothing).
inline std::vector<engine::Reading> scenario() {
    std::vector<engine::Reading> out;
    for (std::uint64_t seq = 0; seq < 90; ++seq) {
        for (std::uint32_t sensor = 0; sensor < 20; ++sensor) {
            engine::Reading r;
            r.sensorId = sensor;
            r.seq = seq;
            r.kind = engine::SensorKind::AirQuality;
            r.metric = engine::Metric::Co2;
            r.locationId = static_cast<std::uint16_t>(sensor % 5);
            r.value = (seq + sensor) % 12 < 3 ? 900.0 + static_cast<double>(seq) : 500.0;
            r.eventTimeMs = kStart + static_cast<std::int64_t>(seq) * 10'000 + sensor;
            out.push_back(r);
        }
    }
    std::set<int> covered;
    for (std::uint32_t sensor = 1000; covered.size() < kPartitions; ++sensor) {
        if (!covered.insert(engine::log::partitionForKey(sensor, kPartitions)).second) continue;
        engine::Reading r;
        r.sensorId = sensor;
        r.seq = 1;
        r.kind = engine::SensorKind::Temperature;
        r.metric = engine::Metric::Temperature;
        r.value = 5.0;
        r.eventTimeMs = kStart + 2 * 3'600'000;
        out.push_back(r);
    }
    return out;
}

inline engine::stream::CityJobsConfig jobsConfig() {
    engine::stream::CityJobsConfig c;
    c.job.workers = 2;
    // The late-reading and clock-skew rules judge a reading against the newest event time its worker
    // has seen, which depends on how the consumer interleaves partitions: an uninterrupted run and a
    // restarted one (or the in-process reference) legitimately differ there. Exactly-once is checked
    // on the rules whose result the input alone decides.
    c.sensorHealth.lateCount = std::numeric_limits<int>::max();
    c.sensorHealth.skewReadings = std::numeric_limits<int>::max();
    return c;
}

//! The alerts of the same readings through the jobs in-process, without Kafka: the reference.
inline std::set<std::uint64_t> referenceAlerts(const std::vector<engine::Reading>& readings) {
    engine::stream::CityJobsOutputs outputs;
    auto job = engine::stream::buildCityJobs(jobsConfig(), outputs);
    std::vector<std::vector<engine::Reading>> byPartition(kPartitions);
    for (const auto& r : readings) byPartition[static_cast<std::size_t>(engine::log::partitionForKey(r.sensorId, kPartitions))].push_back(r);
    for (int p = 0; p < kPartitions; ++p) job->push({}, p);
    for (int p = 0; p < kPartitions; ++p) job->push(byPartition[static_cast<std::size_t>(p)], p);
    job->finish();
    std::vector<engine::Alert> alerts;
    outputs.alerts->drain(alerts);
    std::set<std::uint64_t> ids;
    for (const auto& a : alerts) ids.insert(a.id);
    return ids;
}

inline void produce(const KafkaMockCluster& mock, const std::string& topic, const std::vector<engine::Reading>& readings) {
    KafkaSinkConfig sc;
    sc.settings = settingsFor(mock);
    auto sink = KafkaEventSink::create(sc);
    QVERIFY(sink.ok());
    JsonBatch batch;
    for (const auto& r : readings) batch.add(r);
    auto sent = (*sink)->send(topic, batch.span());
    QVERIFY2(sent.ok(), sent.ok() ? "" : sent.error().message.c_str());
    auto flushed = (*sink)->flush();
    QVERIFY2(flushed.ok(), flushed.ok() ? "" : flushed.error().message.c_str());
}

inline KafkaWorkerConfig workerConfig(const KafkaMockCluster& mock, const std::string& txnId) {
    KafkaWorkerConfig c;
    c.settings = settingsFor(mock);
    c.groupId = "engine";
    c.inputTopics = {"air-quality"};
    c.transactionalId = txnId;
    c.jobs = jobsConfig();
    c.commitInterval = 100ms;
    c.consumerExtra = {{"session.timeout.ms", "4000"}, {"heartbeat.interval.ms", "300"}};
    c.transactionTimeout = 5s;
    return c;
}

//! Reads the ids a worker tapped, thread-safe.
struct Tap {
    std::mutex mutex;
    std::map<std::uint64_t, int> seen;
    void add(std::span<const engine::Reading> readings) {
        std::lock_guard lock(mutex);
        for (const auto& r : readings) ++seen[eventKey(r.sensorId, r.seq)];
    }
    std::size_t distinct() {
        std::lock_guard lock(mutex);
        return seen.size();
    }
};

inline bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

}  // namespace kafka_worker_test
