#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/table.h"
#include "cityops/engine/expected.h"

namespace cityops::engine::sql {

//! The tables a query can name: batch Tables registered by name, CSV files (loaded on first use
//! through the batch CSV reader, then kept) and the stored sensor history of a Storage file as
//! `readings(sensor_id, kind, metric, district, ts, value)`. Names are case-insensitive.
//! Not thread-safe: one query at a time per catalog.
class Catalog {
public:
    //! Registers (or replaces) an in-memory table.
    void registerTable(const std::string& name, batch::Table table);
    //! Registers a CSV file; it is read (permissive mode, types inferred) when a query first names it.
    void registerCsv(const std::string& name, const std::string& path, batch::CsvOptions options = {});
    //! Registers `readings` over <db> (a cityops.db written by Storage); read on first use.
    void registerStoredReadings(const std::filesystem::path& db, const std::string& name = "readings");

    bool contains(const std::string& name) const;
    //! Registered names, sorted.
    std::vector<std::string> tableNames() const;
    //! The table, loading it when needed; an error message when it cannot be loaded. progress follows the
    //! CsvOptions::progress convention (false cancels).
    Expected<const batch::Table*, std::string> table(const std::string& name,
                                                     const std::function<bool(double)>& progress = {});

private:
    struct Entry {
        std::optional<batch::Table> table;
        std::string csvPath;
        batch::CsvOptions csvOptions;
        std::filesystem::path storagePath;
    };
    std::map<std::string, Entry> m_entries;
};

//! The stored readings of a Storage database as a batch table with the `readings` schema above
//! (district = the sensor's location id, ts a timestamp, kind/metric their names such as "noise_db").
Expected<batch::Table, std::string> loadStoredReadings(const std::filesystem::path& db);

}  // namespace cityops::engine::sql
