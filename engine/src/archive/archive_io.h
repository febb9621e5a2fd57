#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/archive/archive_types.h"

namespace cityops::engine::archive::detail {

//! Index file name inside the archive root; the leading underscore hides it from Spark and Hadoop.
inline constexpr std::string_view kIndexFile = "_index.db";
inline constexpr std::string_view kLockFile = "_writer.lock";
inline constexpr std::string_view kFileSuffix = ".jsonl.gz";
inline constexpr std::string_view kTempSuffix = ".tmp";

//! The hidden temporary a final file is written as: "dir/.name.tmp".
std::filesystem::path tempPathOf(const std::filesystem::path& finalPath);
//! True if topic can be a folder name: 1..200 of [A-Za-z0-9._-], not starting with '.' or '_'.
bool validTopicName(std::string_view topic);

//! Reads a whole file into out (reused). Returns an errno text on failure, "" on success.
std::string readWholeFile(const std::filesystem::path& path, std::vector<unsigned char>& out);
//! CRC-32 (zlib's polynomial, as in gzip) of bytes.
std::uint32_t crc32Of(const unsigned char* data, std::size_t size, std::uint32_t crc = 0);
//! Inflates a gzip stream (members may be concatenated) into out (reused); "" or the problem.
std::string gunzip(const std::vector<unsigned char>& in, std::string& out, std::size_t maxOut);
//! fsync of a directory, so a rename or unlink in it is durable. Returns an errno text or "".
std::string syncDirectory(const std::filesystem::path& dir);

//! A log::LogError with code, message and path.
log::LogError archiveError(log::LogErrc code, std::string message, const std::filesystem::path& path = {});

}  // namespace cityops::engine::archive::detail

#include "storage/sqlite_handle.h"

namespace cityops::engine::archive::detail {

//! The archive error for a failure of its SQLite index.
log::LogError indexError(const storage::detail::StorageException& e, const std::filesystem::path& root);

}  // namespace cityops::engine::archive::detail
