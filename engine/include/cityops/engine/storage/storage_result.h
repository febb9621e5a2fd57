#pragma once

#include <cstdint>
#include <string>

#include "cityops/engine/expected.h"

namespace cityops::engine::storage {

//! What went wrong in the SQLite store.
enum class StorageErrc : std::uint8_t {
    Io,                 //!< the operating system reported an I/O error
    Busy,               //!< another connection held a lock longer than the busy timeout
    DiskFull,           //!< the disk (or the configured page limit) is full; the batch was rolled back
    Corrupt,            //!< not a SQLite database, not a CityOps database, or a corrupt one; left untouched
    NewerSchema,        //!< written by a newer CityOps; refused without modification
    ReadOnly,           //!< the file or its directory is not writable
    CantOpen,           //!< the file cannot be opened or created (missing directory, permissions)
    InvalidArgument,    //!< a caller error: bad range, unknown alert, stale checkpoint
    InvalidTransition,  //!< an alert lifecycle step that its current state does not allow
    Sql,                //!< any other SQLite failure
    Closed,             //!< the storage is shutting down
};

//! A storage error: a code to branch on and a message for the operator that names the file and cause.
struct StorageError {
    StorageErrc code = StorageErrc::Sql;
    std::string message;
    int sqliteCode = 0;  //!< extended SQLite result code, 0 if none
};

//! A value or a StorageError.
template <class T>
using Result = Expected<T, StorageError>;

}  // namespace cityops::engine::storage
