#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

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

//! Expected-style result (std::expected is C++23): a value or a StorageError.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(StorageError error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    T&& value() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const StorageError& error() const { return std::get<1>(m_state); }

private:
    std::variant<T, StorageError> m_state;
};

//! Success or a StorageError.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(StorageError error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const StorageError& error() const { return *m_error; }

private:
    std::optional<StorageError> m_error;
};

}  // namespace cityops::engine::storage
