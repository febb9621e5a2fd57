#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cityops::engine::log {

//! What went wrong in the event log.
enum class LogErrc : std::uint8_t {
    Io,               //!< a system call failed; the message carries errno's text
    Corrupt,          //!< a record, index or segment chain failed its checksum or framing check
    InvalidArgument,  //!< unknown topic, partition out of range, oversized record, bad configuration
    BufferTooSmall,   //!< the caller's byte buffer cannot hold the next record (see LogError::position)
};

//! An event-log error. Corrupt errors name the file, the byte position in it and the expected offset.
struct LogError {
    LogErrc code = LogErrc::Io;
    std::string message;
    std::string path;            //!< the file concerned; empty if none
    std::uint64_t position = 0;  //!< byte position in path (BufferTooSmall: bytes needed)
    std::uint64_t offset = 0;    //!< log offset concerned (Corrupt: the offset expected at position)
};

//! Expected-style result (std::expected is C++23): a value or a LogError.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(LogError error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    T&& value() && { return std::get<0>(std::move(m_state)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    const LogError& error() const { return std::get<1>(m_state); }

private:
    std::variant<T, LogError> m_state;
};

//! Success or a LogError.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(LogError error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const LogError& error() const { return *m_error; }

private:
    std::optional<LogError> m_error;
};

}  // namespace cityops::engine::log
