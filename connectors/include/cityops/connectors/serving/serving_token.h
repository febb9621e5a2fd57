#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "cityops/engine/expected.h"

namespace cityops::connectors::serving {

//! Why a token could not be had: names the file and the cause.
struct TokenError {
    std::string message;
};

//! Name of the token file the server creates in the data directory.
inline constexpr const char* kTokenFileName = "serve-token";

//! The token in dataDir/serve-token, created (32 random bytes as hex, mode 0600, never overwritten)
//! when absent. Refuses a token file that group or others can read.
engine::Expected<std::string, TokenError> loadOrCreateToken(const std::filesystem::path& dataDir);
//! The token in a file the operator provides (first line, trimmed; at least 16 characters).
engine::Expected<std::string, TokenError> readTokenFile(const std::filesystem::path& file);
//! Equality in time that depends on the lengths only, not on where the texts differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cityops::connectors::serving
