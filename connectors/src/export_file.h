#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include "cityops/engine/batch/column.h"

namespace cityops::connectors::detail {

//! A file written under a temporary sibling name and renamed onto its target by commit(); destroying
//! it uncommitted removes the temporary file, so the target is either complete or untouched. A symlink
//! target is resolved (the link stays); an existing target that is not a regular file is refused.
class AtomicFile {
public:
    explicit AtomicFile(std::string path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    //! Creates the temporary file; an error message naming the target on failure.
    std::string open();
    const std::string& path() const { return m_path; }
    const std::string& tempPath() const { return m_tempPath; }
    //! Buffered write; the first failure is kept and reported by commit().
    void write(std::string_view data);
    //! Closes the stream without renaming, for libraries that write tempPath() themselves.
    std::string closeStream();
    //! Flushes, syncs, closes and renames onto the target; an error message on failure.
    std::string commit();

private:
    std::string m_path;
    std::string m_target;  //!< m_path with a symlink resolved: what the rename replaces
    std::string m_tempPath;
    std::FILE* m_file = nullptr;
    int m_writeErrno = 0;
    bool m_committed = false;
};

//! "cannot write '<path>': <reason>", with a clearer reason for a missing directory.
std::string fileError(const std::string& path, int errorNumber);

//! Cell text for exports: empty for null, otherwise Column::toText (ISO dates, round-trip doubles).
std::string cellText(const engine::batch::Column& column, std::size_t row);

//! Appends text with &, <, >, " and ' replaced by entities.
void appendHtmlEscaped(std::string& out, std::string_view text);

}  // namespace cityops::connectors::detail
