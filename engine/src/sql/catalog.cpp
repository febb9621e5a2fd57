// Catalog of the tables queries can name: registered tables, CSV files, stored sensor history.
#include "cityops/engine/sql/catalog.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include "cityops/engine/reading.h"
#include "cityops/engine/storage/storage_reader.h"

namespace cityops::engine::sql {

namespace {

std::string key(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

}  // namespace

void Catalog::registerTable(const std::string& name, batch::Table table) {
    Entry e;
    e.table = std::move(table);
    m_entries[key(name)] = std::move(e);
}

void Catalog::registerCsv(const std::string& name, const std::string& path, batch::CsvOptions options) {
    Entry e;
    e.csvPath = path;
    e.csvOptions = std::move(options);
    m_entries[key(name)] = std::move(e);
}

void Catalog::registerStoredReadings(const std::filesystem::path& db, const std::string& name) {
    Entry e;
    e.storagePath = db;
    m_entries[key(name)] = std::move(e);
}

bool Catalog::contains(const std::string& name) const { return m_entries.count(key(name)) != 0; }

std::vector<std::string> Catalog::tableNames() const {
    std::vector<std::string> names;
    for (const auto& [name, _] : m_entries) names.push_back(name);
    return names;
}

Expected<const batch::Table*, std::string> Catalog::table(const std::string& name,
                                                          const std::function<bool(double)>& progress) {
    const auto it = m_entries.find(key(name));
    if (it == m_entries.end()) return std::string("no table named '" + name + "'");
    Entry& e = it->second;
    if (e.table) return &*e.table;
    if (!e.csvPath.empty()) {
        batch::CsvOptions options = e.csvOptions;
        if (progress && !options.progress) options.progress = progress;
        auto loaded = batch::readCsvFile(e.csvPath, options);
        if (!loaded) return loaded.error();
        e.table = std::move(loaded.value().table);
        return &*e.table;
    }
    auto loaded = loadStoredReadings(e.storagePath);
    if (!loaded) return loaded.error();
    e.table = std::move(*loaded);
    return &*e.table;
}

Expected<batch::Table, std::string> loadStoredReadings(const std::filesystem::path& db) {
    auto reader = storage::StorageReader::open(db);
    if (!reader) return std::string("cannot open " + db.string() + ": " + reader.error().message);
    auto readings = (*reader)->readingsInRange(std::nullopt, std::numeric_limits<std::int64_t>::min(),
                                               std::numeric_limits<std::int64_t>::max());
    if (!readings) return std::string("cannot read readings from " + db.string() + ": " + readings.error().message);
    batch::Column sensor(batch::DataType::Int64), kind(batch::DataType::String), metric(batch::DataType::String),
        district(batch::DataType::Int64), ts(batch::DataType::Timestamp), value(batch::DataType::Double);
    const std::size_t n = readings->size();
    for (batch::Column* c : {&sensor, &kind, &metric, &district, &ts, &value}) c->reserve(n);
    for (const Reading& r : *readings) {
        sensor.appendInt(r.sensorId);
        kind.appendString(toString(r.kind));
        metric.appendString(toString(r.metric));
        district.appendInt(r.locationId);
        ts.appendInt(r.eventTimeMs);
        value.appendDouble(r.value);
    }
    batch::Table t;
    t.setColumn("sensor_id", std::move(sensor));
    t.setColumn("kind", std::move(kind));
    t.setColumn("metric", std::move(metric));
    t.setColumn("district", std::move(district));
    t.setColumn("ts", std::move(ts));
    t.setColumn("value", std::move(value));
    return t;
}

}  // namespace cityops::engine::sql
