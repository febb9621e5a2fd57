#pragma once

#include <sqlite3.h>

#include <QByteArray>
#include <QFile>
#include <QString>
#include <cstdint>
#include <filesystem>
#include <string>

#include "cityops/engine/storage/storage.h"
#include "cityops/engine/storage/storage_reader.h"

namespace storage_test {

using namespace cityops::engine;
using namespace cityops::engine::storage;

inline Reading reading(std::uint32_t sensor, std::int64_t ts, double value, Metric metric = Metric::Co2,
                       std::uint16_t location = 1) {
    Reading r;
    r.sensorId = sensor;
    r.eventTimeMs = ts;
    r.value = value;
    r.metric = metric;
    r.locationId = location;
    r.kind = SensorKind::AirQuality;
    r.seq = static_cast<std::uint64_t>(ts);
    return r;
}

inline AlertRecord alertRecord(std::uint64_t key, std::int64_t ts, std::string district, std::string title,
                               Severity severity = Severity::Warning, std::uint16_t location = 1) {
    AlertRecord rec;
    rec.alert.id = makeAlertId(AlertRule::Co2High, key, ts);
    rec.alert.firstEventMs = ts;
    rec.alert.eventTimeMs = ts;
    rec.alert.value = 900.0;
    rec.alert.sensorId = static_cast<std::uint32_t>(key);
    rec.alert.locationId = location;
    rec.alert.severity = severity;
    rec.alert.matchedCount = 3;
    rec.district = std::move(district);
    rec.title = std::move(title);
    rec.description = "detected by rule co2_high";
    return rec;
}

inline std::filesystem::path dbPath(const QString& dir, const char* name = "city.db") {
    return std::filesystem::path(dir.toStdString()) / name;
}

inline QByteArray fileBytes(const std::filesystem::path& path) {
    QFile f(QString::fromStdString(path.string()));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

//! A raw SQLite connection for poking at the file the way another process would.
class RawDb {
public:
    explicit RawDb(const std::filesystem::path& path) { sqlite3_open(path.c_str(), &m_db); }
    ~RawDb() { sqlite3_close(m_db); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;
    int exec(const char* sql) { return sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr); }
    std::int64_t queryInt(const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        std::int64_t out = -1;
        if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
            out = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3* m_db = nullptr;
};

}  // namespace storage_test
