#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cityops/engine/archive/archive_reader.h"
#include "cityops/engine/archive/archive_writer.h"

namespace archive_test {

using namespace cityops::engine;
using namespace cityops::engine::archive;

inline constexpr std::int64_t kHour = 3'600'000;
inline constexpr std::int64_t kDay = 24 * kHour;
//! 2024-03-05 00:00:00 UTC.
inline constexpr std::int64_t kMarch5 = 1'709'596'800'000;

inline Reading reading(std::uint32_t sensor, std::int64_t ts, double value, Metric metric = Metric::Co2) {
    Reading r;
    r.sensorId = sensor;
    r.eventTimeMs = ts;
    r.value = value;
    r.metric = metric;
    r.locationId = static_cast<std::uint16_t>(sensor % 7);
    r.kind = SensorKind::AirQuality;
    r.seq = static_cast<std::uint64_t>(ts / 1000);
    return r;
}

//! Records of one topic as an EventSource would deliver them; payloads point into `readings`.
inline std::vector<log::SourceRecord> recordsOf(std::string_view topic, const std::vector<Reading>& readings,
                                                std::uint64_t firstOffset = 0) {
    std::vector<log::SourceRecord> out;
    for (std::size_t i = 0; i < readings.size(); ++i) {
        log::RecordView view;
        const log::RecordInput in = log::readingRecord(readings[i]);
        view.offset = firstOffset + i;
        view.timestampMs = in.timestampMs;
        view.key = in.key;
        view.flags = in.flags;
        view.payload = in.payload;
        out.push_back(log::SourceRecord{topic, static_cast<int>(readings[i].sensorId % 3), view});
    }
    return out;
}

inline ArchiveOptions optionsFor(const std::filesystem::path& root) {
    ArchiveOptions options;
    options.root = root;
    options.syncOnClose = false;  // tests need no power-loss durability; keeps them fast
    return options;
}

//! Every record a source delivers, copied out (payload bytes included).
struct Replayed {
    std::string topic;
    int partition = 0;
    std::uint64_t offset = 0;
    std::int64_t ts = 0;
    std::uint64_t key = 0;
    std::uint32_t flags = 0;
    std::string payload;
};

inline std::vector<Replayed> drain(log::EventSource& source, std::string* error = nullptr, std::size_t pollSize = 97) {
    std::vector<Replayed> out;
    std::vector<log::SourceRecord> buf(pollSize);
    for (;;) {
        auto n = source.poll(buf, std::chrono::milliseconds(0));
        if (!n) {
            if (error) {
                *error = n.error().message;
            }
            return out;
        }
        if (*n == 0) {
            return out;
        }
        for (std::size_t i = 0; i < *n; ++i) {
            const auto& r = buf[i];
            out.push_back(Replayed{std::string(r.topic), r.partition, r.record.offset, r.record.timestampMs,
                                   r.record.key, r.record.flags,
                                   std::string(reinterpret_cast<const char*>(r.record.payload.data()),
                                               r.record.payload.size())});
        }
    }
}

inline std::vector<std::filesystem::path> filesUnder(const std::filesystem::path& root, std::string_view suffix) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().filename().string().ends_with(suffix)) {
            out.push_back(it->path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace archive_test
