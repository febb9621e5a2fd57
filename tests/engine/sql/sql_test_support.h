#pragma once

// Helpers shared by the SQL tests: a catalog over tests/engine/sql/data and result access.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cityops/engine/sql/sql.h"

namespace sqltest {

inline std::filesystem::path sqlDir() { return std::filesystem::path(CITYOPS_SOURCE_DIR) / "tests/engine/sql"; }

inline std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

//! Every CSV of tests/engine/sql/data registered under its file stem.
inline cityops::engine::sql::Catalog dataCatalog() {
    cityops::engine::sql::Catalog catalog;
    for (const auto& entry : std::filesystem::directory_iterator(sqlDir() / "data")) {
        if (entry.path().extension() == ".csv") catalog.registerCsv(entry.path().stem().string(), entry.path().string());
    }
    return catalog;
}

//! The design's monthly noise query exactly as docs/BATCH_HISTORY.md prints it ("" when not found).
inline std::string designNoiseQuery() {
    const std::string doc = readText(std::filesystem::path(CITYOPS_SOURCE_DIR) / "docs/BATCH_HISTORY.md");
    const std::size_t section = doc.find("## Monthly noise statistics per district");
    const std::size_t start = section == std::string::npos ? section : doc.find("```sql\n", section);
    const std::size_t end = start == std::string::npos ? start : doc.find("```", start + 7);
    if (end == std::string::npos) return {};
    return doc.substr(start + 7, end - start - 7);
}

//! The design's CO2 rule as Flink SQL, exactly as docs/SQL.md prints it ("" when not found).
inline std::string designCo2Script() {
    const std::string doc = readText(std::filesystem::path(CITYOPS_SOURCE_DIR) / "docs/SQL.md");
    const std::size_t section = doc.find("### The design's CO₂ rule");
    const std::size_t start = section == std::string::npos ? section : doc.find("```sql\n", section);
    const std::size_t end = start == std::string::npos ? start : doc.find("```", start + 7);
    if (end == std::string::npos) return {};
    return doc.substr(start + 7, end - start - 7);
}

}  // namespace sqltest
