#include "cityops/connectors/serving/serving_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace cityops::connectors::serving {

namespace {

std::string trimmed(std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::string firstLine(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return trimmed(line);
}

std::string randomHex(std::size_t bytes) {
    std::random_device device;  // /dev/urandom on Linux
    static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                              '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    std::string out;
    out.reserve(bytes * 2);
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto byte = static_cast<unsigned>(device() & 0xffu);
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xfu]);
    }
    return out;
}

}  // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) {
    // Compare every byte of the longer text so the time depends on lengths only.
    const std::size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
        const unsigned y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
        diff |= x ^ y;
    }
    return diff == 0;
}

engine::Expected<std::string, TokenError> readTokenFile(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        return TokenError{"token file '" + file.string() + "' does not exist or is not a regular file"};
    }
    std::string token = firstLine(file);
    if (token.size() < 16) {
        return TokenError{"token file '" + file.string() + "' must hold a token of at least 16 characters"};
    }
    return token;
}

engine::Expected<std::string, TokenError> loadOrCreateToken(const std::filesystem::path& dataDir) {
    const std::filesystem::path file = dataDir / kTokenFileName;
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0) {
        if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            return TokenError{"token file '" + file.string() +
                               "' can be read by other users; run chmod 600 on it or delete it for a new token"};
        }
        return readTokenFile(file);
    }
    const std::string token = randomHex(32);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        if (errno == EEXIST) return readTokenFile(file);  // another process created it first
        return TokenError{"cannot create token file '" + file.string() + "': " + std::strerror(errno)};
    }
    const std::string line = token + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced) {
        std::error_code ignored;
        std::filesystem::remove(file, ignored);
        return TokenError{"cannot write token file '" + file.string() + "'"};
    }
    return token;
}

}  // namespace cityops::connectors::serving
