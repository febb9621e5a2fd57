#pragma once

#include <filesystem>

#include "cityops/engine/storage/storage.h"
#include "storage/sqlite_handle.h"

namespace cityops::engine::storage::detail {

//! PRAGMA application_id of CityOps databases ("CITY").
inline constexpr std::int64_t kApplicationId = 0x43495459;

//! Opens the writer connection: checks the file is ours and not newer, switches to WAL and migrates
//! to kSchemaVersion, each step in its own transaction. Throws StorageException; a refused file is
//! left byte-for-byte untouched.
Connection openWriterConnection(const StorageOptions& options);
//! Opens a read-only connection to an existing database of the current schema version.
Connection openReaderConnection(const std::filesystem::path& path);

}  // namespace cityops::engine::storage::detail
