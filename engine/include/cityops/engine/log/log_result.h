#pragma once

#include <cstdint>
#include <string>

#include "cityops/engine/expected.h"

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

//! A value or a LogError.
template <class T>
using Result = Expected<T, LogError>;

}  // namespace cityops::engine::log
