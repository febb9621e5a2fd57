#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cityops/engine/archive/archive_types.h"
#include "storage/sqlite_handle.h"

namespace cityops::engine::archive::detail {

//! The index of archive files: <root>/_index.db, one row per published file. Throws
//! storage::detail::StorageException; the public classes turn it into an archive error.
class ArchiveIndex {
public:
    //! Opens or creates the index for the writer (WAL; inserts and deletes synchronous=FULL).
    static ArchiveIndex openWriter(const std::filesystem::path& root);
    //! Opens an existing index read-only.
    static ArchiveIndex openReader(const std::filesystem::path& root);

    void insert(const ArchiveFileInfo& file);
    bool contains(const std::string& path);
    //! Files of topic (every topic if empty) whose event span overlaps [fromMs, toMs), by hour then creation.
    std::vector<ArchiveFileInfo> list(const std::string& topic, std::int64_t fromMs, std::int64_t toMs);
    //! Files of topic whose hour ends at or before cutoffMs.
    std::vector<ArchiveFileInfo> expired(const std::string& topic, std::int64_t cutoffMs);
    //! Deletes the rows of paths in one transaction.
    void remove(const std::vector<std::string>& paths);
    std::vector<ArchiveTopicStats> stats();

private:
    explicit ArchiveIndex(storage::detail::Connection db) : m_db(std::move(db)) {}
    std::vector<ArchiveFileInfo> select(const std::string& where, const std::string& topic, std::int64_t a,
                                        std::int64_t b);

    storage::detail::Connection m_db;
};

}  // namespace cityops::engine::archive::detail
