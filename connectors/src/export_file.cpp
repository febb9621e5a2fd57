#include "export_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace cityops::connectors::detail {

namespace {

constexpr std::size_t kStreamBuffer = std::size_t{1} << 16;

std::string parentDirectory(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

std::string fileError(const std::string& path, int errorNumber) {
    std::string message = "cannot write '" + path + "': ";
    if (errorNumber == ENOENT || errorNumber == ENOTDIR) {
        const std::string dir = parentDirectory(path);
        std::error_code ec;
        if (!std::filesystem::exists(dir, ec)) return message + "directory '" + dir + "' does not exist";
        if (!std::filesystem::is_directory(dir, ec)) return message + "'" + dir + "' is not a directory";
    }
    if (errorNumber == EACCES || errorNumber == EPERM || errorNumber == EROFS)
        return message + std::strerror(errorNumber) + " (directory '" + parentDirectory(path) + "')";
    return message + std::strerror(errorNumber);
}

AtomicFile::AtomicFile(std::string path) : m_path(std::move(path)), m_target(m_path) {}

AtomicFile::~AtomicFile() {
    if (m_file != nullptr) std::fclose(m_file);
    if (!m_committed && !m_tempPath.empty()) ::unlink(m_tempPath.c_str());
}

std::string AtomicFile::open() {
    if (m_path.empty()) return "cannot write: no output path given";
    std::error_code ec;
    if (std::filesystem::is_symlink(m_path, ec)) {
        const std::filesystem::path resolved = std::filesystem::weakly_canonical(m_path, ec);
        if (ec) return fileError(m_path, ec.value());
        m_target = resolved.string();
    }
    const auto status = std::filesystem::status(m_target, ec);
    if (std::filesystem::is_directory(status)) return "cannot write '" + m_path + "': it is a directory";
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        return "cannot write '" + m_path + "': it exists and is not a regular file";
    std::string pattern = m_target + ".tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return fileError(m_path, errno);
    m_tempPath = name.data();
    ::fchmod(fd, S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH);
    m_file = ::fdopen(fd, "wb");
    if (m_file == nullptr) {
        const int err = errno;
        ::close(fd);
        return fileError(m_path, err);
    }
    std::setvbuf(m_file, nullptr, _IOFBF, kStreamBuffer);
    return {};
}

void AtomicFile::write(std::string_view data) {
    if (m_file == nullptr || m_writeErrno != 0 || data.empty()) return;
    if (std::fwrite(data.data(), 1, data.size(), m_file) != data.size()) m_writeErrno = errno != 0 ? errno : EIO;
}

std::string AtomicFile::closeStream() {
    if (m_file == nullptr) return {};
    int err = m_writeErrno;
    if (err == 0 && std::fflush(m_file) != 0) err = errno;
    if (err == 0 && ::fsync(::fileno(m_file)) != 0 && errno != EINVAL) err = errno;
    if (std::fclose(m_file) != 0 && err == 0) err = errno;
    m_file = nullptr;
    return err == 0 ? std::string() : fileError(m_path, err);
}

std::string AtomicFile::commit() {
    if (m_tempPath.empty()) return "cannot write '" + m_path + "': the file was never opened";
    if (std::string error = closeStream(); !error.empty()) return error;
    if (std::rename(m_tempPath.c_str(), m_target.c_str()) != 0) return fileError(m_path, errno);
    m_committed = true;
    return {};
}

std::string cellText(const engine::batch::Column& column, std::size_t row) {
    return column.isNull(row) ? std::string() : column.toText(row);
}

void appendHtmlEscaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
}

}  // namespace cityops::connectors::detail
