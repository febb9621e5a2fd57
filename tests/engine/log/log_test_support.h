#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/reading.h"

namespace cityops::engine::log::test {

//! A small log: two topics, tiny segments so tests roll often, manual sync.
inline LogConfig smallConfig(const std::string& dir, std::uint64_t segmentBytes = 4096) {
    LogConfig config;
    config.directory = dir;
    config.topics = {{"traffic-events", 3, 7 * kDayMs}, {"air-quality", 2, 30 * kDayMs}};
    config.segmentBytes = segmentBytes;
    config.indexIntervalBytes = 256;
    config.syncPolicy = SyncPolicy::Manual;
    return config;
}

inline Reading makeReading(std::uint32_t sensor, std::int64_t timeMs, std::uint64_t seq) {
    Reading r;
    r.sensorId = sensor;
    r.eventTimeMs = timeMs;
    r.seq = seq;
    r.value = static_cast<double>(seq) * 0.5 + sensor;
    r.kind = SensorKind::Traffic;
    r.metric = Metric::TrafficSpeed;
    return r;
}

//! Owns the readings whose bytes the RecordInputs point at.
struct Batch {
    std::vector<Reading> readings;
    std::vector<RecordInput> records;

    void add(const Reading& r) { readings.push_back(r); }
    std::span<const RecordInput> inputs() {
        records.clear();
        for (const Reading& r : readings) {
            records.push_back(readingRecord(r));
        }
        return records;
    }
};

//! Every record of a partition from offset, through one reader with small buffers.
inline std::vector<Reading> readAll(const EventLog& log, const std::string& topic, int partition,
                                    std::uint64_t from = 0, std::vector<std::uint64_t>* offsets = nullptr) {
    std::vector<Reading> out;
    auto reader = log.reader(topic, partition);
    if (!reader) {
        return out;
    }
    reader->seek(from);
    std::vector<RecordView> views(7);
    std::vector<std::byte> buffer(1000);
    for (;;) {
        auto batch = reader->read(views, buffer);
        if (!batch || batch->count == 0) {
            break;
        }
        for (std::size_t i = 0; i < batch->count; ++i) {
            if (auto r = readingOf(views[i])) {
                out.push_back(*r);
            }
            if (offsets != nullptr) {
                offsets->push_back(views[i].offset);
            }
        }
    }
    return out;
}

}  // namespace cityops::engine::log::test
