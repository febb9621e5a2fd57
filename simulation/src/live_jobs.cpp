#include "cityops/simulation/live_jobs.h"

#include <array>
#include <atomic>
#include <mutex>
#include <system_error>
#include <utility>

#include "cityops/engine/log/event_source.h"
#include "cityops/engine/storage/storage.h"
#include "cityops/simulation/city_jobs_setup.h"

namespace cityops::simulation {

namespace {

namespace st = engine::stream;
namespace fs = std::filesystem;

constexpr std::size_t kMaxWatched = 50'000;  //!< readings kept for the chart between two drains
constexpr auto kSensorKinds = static_cast<std::size_t>(engine::kSensorKindCount);

}  // namespace

struct LiveJobs::Impl {
    std::unique_ptr<engine::storage::Storage> store;  //!< outlives the job (declared before it)
    st::CityJobsOutputs outputs;
    std::unique_ptr<st::RunningJob<engine::Reading>> job;
    std::array<engine::Metric, kSensorKinds> primary{};

    std::vector<engine::Reading> watchedBatch;  //!< source side only

    std::atomic<std::uint32_t> watchedSensor{kNoSensor};
    std::mutex watchedMutex;  //!< guards watched (one lock per batch and per drain)
    std::vector<engine::Reading> watched;

    std::vector<st::WindowResult<st::Stats>> windowScratch;  //!< reader side only
};

LiveJobs::LiveJobs(const City& city, fs::path dataDir)
    : m_impl(std::make_unique<Impl>()),
      m_latest(static_cast<std::uint32_t>(city.sensors.size())),
      m_dataDir(std::move(dataDir)) {
    for (std::size_t kind = 0; kind < kSensorKinds; ++kind) {
        m_impl->primary[kind] = engine::primaryMetric(static_cast<engine::SensorKind>(kind));
    }
}

LiveJobs::~LiveJobs() = default;

engine::Expected<std::unique_ptr<LiveJobs>, std::string> LiveJobs::start(const City& city, const Scenario& scenario,
                                                                         const LiveJobsOptions& options) {
    std::unique_ptr<LiveJobs> jobs(new LiveJobs(city, options.dataDir));
    Impl& impl = *jobs->m_impl;
    const std::vector<engine::storage::SensorInfo> sensors = sensorRegistry(city);
    st::CityJobsConfig config = cityJobsConfig(city, sensors);
    // One checkpoint history per scenario: a data directory can serve several scenarios.
    config.job.jobId = "console-" + scenario.name;
    config.job.workers = options.workers;
    if (!options.dataDir.empty()) {
        std::error_code ec;
        fs::create_directories(options.dataDir, ec);
        if (ec) {
            return "cannot create the data directory " + options.dataDir.string() + ": " + ec.message();
        }
        auto store =
            engine::storage::Storage::open(engine::storage::StorageOptions{.path = options.dataDir / "cityops.db"});
        if (!store) {
            return store.error().message;
        }
        impl.store = std::move(*store);
        if (auto written = writeCityReference(*impl.store, city, sensors); !written) {
            return written.error();
        }
        config.job.storage = impl.store.get();
        config.job.checkpointIntervalMs = options.checkpointIntervalMs;
        config.storeEnrichedReadings = true;
    } else {
        config.job.checkpointIntervalMs = 0;
    }
    jobs->m_co2ThresholdPpm = config.co2.thresholdPpm;
    try {
        impl.job = st::buildCityJobs(config, impl.outputs);
    } catch (const st::JobError& error) {
        return std::string("cannot start the jobs: ") + error.what();
    }
    if (const auto& restored = impl.job->restored()) {
        for (const engine::log::PartitionOffset& p : restored->positions) {
            if (p.topic == kSourceTopic) {
                jobs->m_resumeTimeMs = static_cast<std::int64_t>(p.offset);
            }
        }
    }
    return jobs;
}

void LiveJobs::push(std::span<const engine::Reading> readings, std::int64_t simTimeMs) {
    Impl& impl = *m_impl;
    if (!readings.empty()) {
        impl.job->push(readings);
    } else {
        impl.job->tick();
    }
    // The next checkpoint (taken at the start of a later push) covers everything pushed so far.
    if (durable()) {
        impl.job->setSourcePositions(
            {engine::log::PartitionOffset{kSourceTopic, 0, static_cast<std::uint64_t>(simTimeMs)}});
    }

    const std::uint32_t watchedSensor = impl.watchedSensor.load(std::memory_order_relaxed);
    impl.watchedBatch.clear();
    bool latestChanged = false;
    for (const engine::Reading& r : readings) {
        if (r.sensorId == watchedSensor) {
            impl.watchedBatch.push_back(r);
        }
        const auto kind = static_cast<std::size_t>(r.kind);
        if (r.sensorId < m_latest.size() && kind < kSensorKinds && r.metric == impl.primary[kind] &&
            r.eventTimeMs >= m_latest.eventTimeMs(r.sensorId)) {
            m_latest.store(r.sensorId, r.value, r.eventTimeMs);
            latestChanged = true;
        }
    }
    if (latestChanged) {
        m_latest.publish();
    }
    if (!impl.watchedBatch.empty()) {
        std::lock_guard lock(impl.watchedMutex);
        // A sensor switch between the load above and here: drop the previous sensor's readings.
        if (impl.watchedBatch.front().sensorId == impl.watchedSensor.load(std::memory_order_relaxed)) {
            impl.watched.insert(impl.watched.end(), impl.watchedBatch.begin(), impl.watchedBatch.end());
            if (impl.watched.size() > kMaxWatched) {
                impl.watched.erase(impl.watched.begin(), impl.watched.begin() + static_cast<std::ptrdiff_t>(
                                                                                    impl.watched.size() - kMaxWatched));
            }
        }
    }
}

void LiveJobs::tick() {
    m_impl->job->tick();
}

void LiveJobs::sync() {
    m_impl->job->sync();
}

void LiveJobs::finish() {
    m_impl->job->finish();
}

engine::Expected<std::uint64_t, std::string> LiveJobs::checkpoint() {
    if (!durable()) {
        return std::string("no data directory: the console takes no checkpoints");
    }
    return m_impl->job->checkpoint();
}

void LiveJobs::drainAlerts(std::vector<engine::Alert>& out) {
    m_impl->outputs.alerts->drain(out);
}

void LiveJobs::drainAggregates(std::vector<engine::WindowAggregate>& out) {
    std::vector<st::WindowResult<st::Stats>>& results = m_impl->windowScratch;
    results.clear();
    m_impl->outputs.sensorAggregates->drain(results);
    out.reserve(out.size() + results.size());
    for (const st::WindowResult<st::Stats>& r : results) {
        engine::WindowAggregate a;
        a.windowStartMs = r.windowStart;
        a.windowEndMs = r.windowEnd;
        a.sum = r.value.sum;
        a.min = r.value.min;
        a.max = r.value.max;
        a.count = static_cast<std::uint32_t>(r.value.count);
        a.sensorId = st::sensorOfSeries(r.key);
        a.locationId = st::locationOfSeries(r.key);
        a.metric = st::metricOfSeries(r.key);
        out.push_back(a);
    }
}

void LiveJobs::drainDistrictAggregates(std::vector<st::DistrictAggregate>& out) {
    m_impl->outputs.districtAggregates->drain(out);
}

void LiveJobs::watchSensor(std::uint32_t sensorId) {
    std::lock_guard lock(m_impl->watchedMutex);
    m_impl->watchedSensor.store(sensorId, std::memory_order_relaxed);
    m_impl->watched.clear();
}

void LiveJobs::drainWatched(std::vector<engine::Reading>& out) {
    std::lock_guard lock(m_impl->watchedMutex);
    out.insert(out.end(), m_impl->watched.begin(), m_impl->watched.end());
    m_impl->watched.clear();
}

st::JobMetrics LiveJobs::metrics() const {
    return m_impl->job->metrics();
}

}  // namespace cityops::simulation
