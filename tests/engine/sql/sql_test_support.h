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

}  // namespace sqltest
